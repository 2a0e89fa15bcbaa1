"""Appending many audit events at once, chained exactly as ``proscribe.store.audit.append`` chains one.

A batch of transactions can block, reject and hold hundreds at a time, and
each must be an audit event. Appending them one by one costs three
statements each; here the head is read once, the chain is computed with the
trail's own ``event_hash`` and ``canonical``, the events are inserted in one
statement and the head moved once, all inside the caller's write
transaction (which holds the writers' lock). ``audit.verify`` checks the
result like any other part of the trail.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, insert, select, update

from proscribe.store.audit import canonical, event_hash
from proscribe.store.schema import audit_events, audit_head

# (action, subject, payload)
Event = tuple[str, str, dict[str, Any]]


def append_many(connection: Connection, actor: str, events: Sequence[Event]) -> list[int]:
    """Append ``events`` in order inside the caller's write transaction; returns their sequence numbers."""
    if not events:
        return []
    head = connection.execute(select(audit_head.c.seq, audit_head.c.hash).where(audit_head.c.id == 1)).one()
    seq, previous = head.seq, head.hash
    rows = []
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
