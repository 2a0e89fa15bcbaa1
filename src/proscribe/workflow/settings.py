"""Workflow settings kept in the store (so every analyst's process sees the same), changed only with an audit event."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, Engine, delete, insert, select

from proscribe.errors import UserError
from proscribe.store import audit
from proscribe.store.audit import write_transaction
from proscribe.workflow.tables import settings


@dataclass(frozen=True, slots=True)
class Setting:
    key: str
    kind: str  # "flag" | "number"
    default: str
    help: str


KNOWN = {
    s.key: s
    for s in (
        Setting("four_eyes", "flag", "false", "a true match or a false positive needs a second person's approval"),
        Setting("monitor_threshold", "number", "", "alert threshold for monitoring (empty: the screening default)"),
    )
}


def _validate(key: str, value: str) -> str:
    setting = KNOWN.get(key)
    if setting is None:
        raise UserError(f"unknown setting {key!r}; known: {', '.join(KNOWN)}")
    if setting.kind == "flag":
        lowered = value.strip().lower()
        if lowered not in ("true", "false"):
            raise UserError(f"{key} is true or false, not {value!r}")
        return lowered
    if value.strip() == "":
        return ""
    try:
        number = float(value)
    except ValueError:
        raise UserError(f"{key} is a number, not {value!r}") from None
    if not 0.0 < number <= 1.0:
        raise UserError(f"{key} must lie in (0, 1], not {value}")
    return str(number)


def get_setting(connection: Connection, key: str) -> str:
    value = connection.execute(select(settings.c.value).where(settings.c.key == key)).scalar_one_or_none()
    return value if value is not None else KNOWN[key].default


def get_flag(connection: Connection, key: str) -> bool:
    return get_setting(connection, key) == "true"


def all_settings(connection: Connection) -> dict[str, str]:
    return {key: get_setting(connection, key) for key in KNOWN}


def set_setting(engine: Engine, key: str, value: str, actor: str) -> str:
    checked = _validate(key, value)
    with write_transaction(engine) as connection:
        before = get_setting(connection, key)
        connection.execute(delete(settings).where(settings.c.key == key))
        connection.execute(insert(settings).values(key=key, value=checked))
        audit.append(connection, actor, "config.set", f"setting/{key}", {"from": before, "to": checked})
    return checked
