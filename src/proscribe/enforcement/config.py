"""Enforcement settings kept in the store: the block/reject policy and who files the reports.

Every process (a batch run, an API worker, the reports) must apply the same
policy, and a change to it must be attributable: both live in the store and
change only in a write transaction that appends a ``config.set`` audit event
holding the old and new documents.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine, delete, insert, select

from proscribe.enforcement.policy import DEFAULT_POLICY, Policy, PolicyError
from proscribe.enforcement.tables import enforcement_config
from proscribe.errors import UserError
from proscribe.store import audit
from proscribe.store.audit import write_transaction

POLICY_KEY = "policy"
FILER_KEY = "filer"


@dataclass(frozen=True, slots=True)
class Filer:
    """The holder of blocked property / the reporting institution, as the reports name it."""

    name: str = ""
    address: str = ""
    contact: str = ""
    phone: str = ""
    email: str = ""

    def missing(self) -> list[str]:
        return [f.name for f in fields(self) if f.name in ("name", "address", "contact") and not getattr(self, f.name)]


def _get(connection: Connection, key: str) -> Any | None:
    value = connection.execute(select(enforcement_config.c.value).where(enforcement_config.c.key == key)).scalar()
    return json.loads(value) if value is not None else None


def _set(connection: Connection, key: str, value: Any, actor: str) -> None:
    before = _get(connection, key)
    connection.execute(delete(enforcement_config).where(enforcement_config.c.key == key))
    connection.execute(
        insert(enforcement_config).values(
            key=key, value=json.dumps(value, sort_keys=True), updated_at=datetime.now(UTC)
        )
    )
    audit.append(connection, actor, "config.set", f"enforcement/{key}", {"from": before, "to": value})


def get_policy(connection: Connection) -> Policy:
    data = _get(connection, POLICY_KEY)
    if data is None:
        return DEFAULT_POLICY
    try:
        return Policy.from_dict(data)
    except PolicyError as error:  # pragma: no cover - documents are checked before they are stored
        raise UserError(f"the stored enforcement policy is unusable: {error}") from error


def set_policy(engine: Engine, data: Any, actor: str) -> Policy:
    """Check and store a policy document (a dict as read from JSON); returns the policy."""
    try:
        policy = Policy.from_dict(data)
    except PolicyError as error:
        raise UserError(f"policy: {error}") from error
    with write_transaction(engine) as connection:
        _set(connection, POLICY_KEY, policy.to_dict(), actor)
    return policy


def reset_policy(engine: Engine, actor: str) -> Policy:
    with write_transaction(engine) as connection:
        _set(connection, POLICY_KEY, DEFAULT_POLICY.to_dict(), actor)
    return DEFAULT_POLICY


def get_filer(connection: Connection) -> Filer:
    data = _get(connection, FILER_KEY) or {}
    return Filer(**{f.name: str(data.get(f.name, "")) for f in fields(Filer)})


def set_filer(engine: Engine, changes: dict[str, str | None], actor: str) -> Filer:
    with write_transaction(engine) as connection:
        current = asdict(get_filer(connection))
        current.update({k: v.strip() for k, v in changes.items() if v is not None})
        _set(connection, FILER_KEY, current, actor)
        return Filer(**current)
