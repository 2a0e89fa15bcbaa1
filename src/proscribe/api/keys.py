"""API keys: created and revoked by name, stored only as a hash, each with one role.

A key is 32 random bytes (URL-safe text behind a short ``psk_`` marker so a
leaked key is recognisable in a scan). The store keeps only its SHA-256: a
high-entropy secret needs no slow password hash, and a stolen database yields
no usable key. The key itself is shown once, when it is created. Creating and
revoking a key are audit events, like every other change to the store.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Column, Connection, DateTime, Engine, Integer, String, Table, insert, select, update

from proscribe.errors import UserError
from proscribe.store import audit
from proscribe.store.audit import write_transaction
from proscribe.store.db import utc_iso
from proscribe.store.schema import metadata

ROLES = ("reader", "analyst", "admin")  # each role can do everything the roles before it can
KEY_PREFIX = "psk_"
NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")

api_keys = Table(
    "api_keys",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(64), nullable=False, unique=True),
    Column("role", String(16), nullable=False),
    Column("key_hash", String(64), nullable=False, unique=True),  # sha256 hex of the key; the key is never stored
    Column("key_prefix", String(12), nullable=False),  # the first characters, to tell keys apart in listings
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("created_by", String(255), nullable=False),
    Column("revoked_at", DateTime(timezone=True)),
    Column("revoked_by", String(255)),
)


@dataclass(frozen=True, slots=True)
class KeyInfo:
    """What may be shown about a key: never the key, never its hash."""

    name: str
    role: str
    prefix: str
    created_at: str
    created_by: str
    revoked_at: str | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "role": self.role,
            "prefix": self.prefix,
            "created_at": self.created_at,
            "created_by": self.created_by,
            "revoked_at": self.revoked_at,
        }


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is calling: the key's name (the audit trail's actor) and its role."""

    name: str
    role: str

    @property
    def actor(self) -> str:
        return f"api-key:{self.name}"

    def can(self, role: str) -> bool:
        return role_rank(self.role) >= role_rank(role)


def role_rank(role: str) -> int:
    return ROLES.index(role) if role in ROLES else -1


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def new_key() -> str:
    return KEY_PREFIX + secrets.token_urlsafe(32)


def check_name(name: str) -> str:
    if not NAME_PATTERN.match(name):
        raise UserError(
            f"key name {name!r}: use 1-64 letters, digits, '.', '_', '@' or '-', starting with a letter or digit"
        )
    return name


def check_role(role: str) -> str:
    if role not in ROLES:
        raise UserError(f"unknown role {role!r}; use one of {', '.join(ROLES)}")
    return role


def create_key(engine: Engine, name: str, role: str, actor: str) -> str:
    """Store a new key's hash under ``name`` and return the key: the only time it is ever seen."""
    check_name(name)
    check_role(role)
    key = new_key()
    with write_transaction(engine) as connection:
        if connection.execute(select(api_keys.c.id).where(api_keys.c.name == name)).first() is not None:
            raise UserError(f"a key named {name!r} already exists; revoke it or choose another name")
        connection.execute(
            insert(api_keys).values(
                name=name,
                role=role,
                key_hash=hash_key(key),
                key_prefix=key[: len(KEY_PREFIX) + 6],
                created_at=datetime.now(UTC),
                created_by=actor,
            )
        )
        audit.append(connection, actor, "api_key.create", f"api-key/{name}", {"role": role})
    return key


def revoke_key(engine: Engine, name: str, actor: str) -> None:
    """Revoke the live key named ``name``; its name stays taken so the audit trail stays unambiguous."""
    with write_transaction(engine) as connection:
        row = connection.execute(select(api_keys).where(api_keys.c.name == name)).first()
        if row is None:
            raise UserError(f"no key named {name!r}")
        if row.revoked_at is not None:
            raise UserError(f"key {name!r} was already revoked at {utc_iso(row.revoked_at)}")
        connection.execute(
            update(api_keys).where(api_keys.c.id == row.id).values(revoked_at=datetime.now(UTC), revoked_by=actor)
        )
        audit.append(connection, actor, "api_key.revoke", f"api-key/{name}", {"role": row.role})


def list_keys(connection: Connection) -> list[KeyInfo]:
    rows = connection.execute(select(api_keys).order_by(api_keys.c.name))
    return [
        KeyInfo(
            row.name,
            row.role,
            row.key_prefix,
            utc_iso(row.created_at),
            row.created_by,
            utc_iso(row.revoked_at) if row.revoked_at else None,
        )
        for row in rows
    ]


def lookup(connection: Connection, key: str) -> Principal | None:
    """The principal a presented key stands for, or None when it is unknown or revoked."""
    row = connection.execute(
        select(api_keys.c.name, api_keys.c.role, api_keys.c.revoked_at).where(api_keys.c.key_hash == hash_key(key))
    ).first()
    if row is None or row.revoked_at is not None or row.role not in ROLES:
        return None
    return Principal(row.name, row.role)
