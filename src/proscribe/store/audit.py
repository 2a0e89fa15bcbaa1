"""The audit trail: append-only events, each hashed together with the hash of the one before.

A regulator must be able to trust that nobody rewrote who decided what. Each
event's hash covers its sequence number, time, actor, action, subject,
payload and the previous event's hash, so editing, deleting or reordering
any stored event breaks the chain at a place ``verify`` can name. A one-row
head table records the last sequence number and hash: appenders take it as a
lock (one writer at a time on SQLite and PostgreSQL alike), and deleting the
newest events is caught because the head no longer matches.
"""

from __future__ import annotations

import getpass
import hashlib
import json
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine, insert, select, update

from proscribe.store.schema import audit_events, audit_head

GENESIS = "0" * 64
ACTOR_ENV = "PROSCRIBE_ACTOR"


def default_actor() -> str:
    """Who is acting: PROSCRIBE_ACTOR, else the operating-system user."""
    actor = os.environ.get(ACTOR_ENV)
    if actor:
        return actor
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def canonical(payload: Any) -> str:
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def event_hash(prev_hash: str, seq: int, at: str, actor: str, action: str, subject: str, payload: str) -> str:
    body = json.dumps([seq, at, actor, action, subject, payload, prev_hash], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(body.encode()).hexdigest()


@contextmanager
def write_transaction(engine: Engine) -> Iterator[Connection]:
    """A transaction that holds the writers' lock from its first statement.

    Taking the lock before any read keeps SQLite from failing a deferred
    transaction whose snapshot went stale, and orders audit events on both
    databases exactly as their transactions commit.
    """
    with engine.begin() as connection:
        connection.execute(update(audit_head).where(audit_head.c.id == 1).values(seq=audit_head.c.seq))
        yield connection


# (action, subject, payload)
Event = tuple[str, str, dict[str, Any]]


def append(connection: Connection, actor: str, action: str, subject: str, payload: dict[str, Any]) -> int:
    """Append one event inside the caller's (write) transaction; returns its sequence number."""
    return append_many(connection, actor, [(action, subject, payload)])[0]


def append_many(connection: Connection, actor: str, events: Sequence[Event]) -> list[int]:
    """Append ``events`` in order inside the caller's write transaction; returns their sequence numbers.

    A batch of transactions can block, reject and hold hundreds at a time: the head is read once, the
    chain computed here, the events inserted in one statement and the head moved once.
    """
    if not events:
        return []
    head = connection.execute(select(audit_head.c.seq, audit_head.c.hash).where(audit_head.c.id == 1)).one()
    seq, previous = int(head.seq), str(head.hash)
    rows: list[dict[str, Any]] = []
    for action, subject, payload in events:
        seq += 1
        at = datetime.now(UTC).isoformat(timespec="microseconds")
        body = canonical(payload)
        digest = event_hash(previous, seq, at, actor, action, subject, body)
        rows.append(
            {
                "seq": seq,
                "at": at,
                "actor": actor,
                "action": action,
                "subject": subject,
                "payload": body,
                "prev_hash": previous,
                "hash": digest,
            }
        )
        previous = digest
    connection.execute(insert(audit_events), rows)
    connection.execute(update(audit_head).where(audit_head.c.id == 1).values(seq=seq, hash=previous))
    return [row["seq"] for row in rows]


@dataclass(frozen=True, slots=True)
class Verification:
    ok: bool
    checked: int
    first_bad: int | None = None
    reason: str = ""


def verify(connection: Connection) -> Verification:
    """Walk the chain from the first event; report the first event that is not as it was written."""
    expected_prev = GENESIS
    expected_seq = 1
    checked = 0
    for row in connection.execute(select(audit_events).order_by(audit_events.c.seq)):
        if row.seq != expected_seq:
            return Verification(False, checked, expected_seq, f"event {expected_seq} is missing (deleted)")
        if row.prev_hash != expected_prev:
            return Verification(
                False, checked, row.seq, f"event {row.seq} does not follow event {row.seq - 1} (deleted or reordered)"
            )
        recomputed = event_hash(row.prev_hash, row.seq, row.at, row.actor, row.action, row.subject, row.payload)
        if recomputed != row.hash:
            altered = f"event {row.seq} ({row.action}) was altered after it was written"
            return Verification(False, checked, row.seq, altered)
        expected_prev = row.hash
        expected_seq += 1
        checked += 1
    head = connection.execute(select(audit_head.c.seq, audit_head.c.hash).where(audit_head.c.id == 1)).one()
    if head.seq != checked or head.hash != expected_prev:
        return Verification(
            False, checked, checked + 1, f"the trail ends at event {checked} but {head.seq} were written (deleted)"
        )
    return Verification(True, checked)


def export(connection: Connection) -> Iterator[dict[str, Any]]:
    """Every event, oldest first, as a regulator's JSONL export carries it."""
    for row in connection.execute(select(audit_events).order_by(audit_events.c.seq)):
        yield {
            "seq": row.seq,
            "at": row.at,
            "actor": row.actor,
            "action": row.action,
            "subject": row.subject,
            "payload": json.loads(row.payload),
            "prev_hash": row.prev_hash,
            "hash": row.hash,
        }
