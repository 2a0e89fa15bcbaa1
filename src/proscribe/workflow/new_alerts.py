"""A monitoring run's hits, raised as alerts: only a new (party, entity) pair, or a pair one of whose sides
changed since it was last alerted or decided, opens one; the alert keeps both sides as they were, and says
what changed since the pair's last alert.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, bindparam, insert, select, update

from proscribe.match import Match
from proscribe.store import audit
from proscribe.store.db import chunks
from proscribe.store.diff import changed_fields
from proscribe.store.schema import edition_entities, entity_records
from proscribe.workflow.alerts import OPEN_STATUSES
from proscribe.workflow.parties import Party
from proscribe.workflow.tables import alerts


@dataclass(slots=True)
class Hit:
    party: Party
    match: Match


def _entity_versions(
    connection: Connection, editions: dict[str, int], ids: set[str]
) -> dict[str, tuple[str, int, str]]:
    """entity id -> (version hash, edition id, stored JSON) in the current editions."""
    found: dict[str, tuple[str, int, str]] = {}
    listed = sorted(ids)
    current = list(editions.values())
    for chunk in chunks(listed, 900):
        rows = connection.execute(
            select(
                edition_entities.c.entity_id,
                edition_entities.c.record_hash,
                edition_entities.c.edition_id,
                entity_records.c.data,
            )
            .join(entity_records, entity_records.c.record_hash == edition_entities.c.record_hash)
            .where(
                edition_entities.c.entity_id.in_(chunk),
                edition_entities.c.edition_id.in_(current),
            )
        )
        for row in rows:
            found[row.entity_id] = (row.record_hash, row.edition_id, row.data)
    return found


def open_alerts(connection: Connection, hits: list[Hit], editions: dict[str, int], run_id: int, actor: str) -> int:
    """Open the alerts these hits call for (each pair's best hit), superseding the pair's open one; how many."""
    best: dict[tuple[str, str], Hit] = {}
    for hit in hits:
        key = (hit.party.party_id, hit.match.entity_id)
        if key not in best or hit.match.score > best[key].match.score:
            best[key] = hit
    versions = _entity_versions(connection, editions, {e for _, e in best})
    now = datetime.now(UTC)
    latest = _latest_alerts(connection, set(best))
    rows: list[dict[str, Any]] = []
    superseded: list[dict[str, Any]] = []
    for (party_id, entity_id), hit in sorted(best.items()):
        entity_hash, edition_id, entity_json = versions[entity_id]
        previous = latest.get((party_id, entity_id))
        party_hash = hit.party.screening_hash
        if previous is not None and previous.entity_hash == entity_hash and previous.party_hash == party_hash:
            continue  # alerted (or decided) for exactly this party and list entry already
        rows.append(
            {
                "party_id": party_id,
                "entity_id": entity_id,
                "status": "open",
                "score": hit.match.score,
                "party_hash": party_hash,
                "entity_hash": entity_hash,
                "edition_id": edition_id,
                "party_snapshot": json.dumps(hit.party.record(), ensure_ascii=False),
                "entity_snapshot": entity_json,
                "explanation": json.dumps(hit.match.to_dict(), ensure_ascii=False),
                "reason": _reason(previous, hit.party, entity_json),
                "previous_alert_id": previous.id if previous is not None else None,
                "run_id": run_id,
                "created_at": now,
                "lock_version": 0,
            }
        )
        if previous is not None and previous.status in OPEN_STATUSES:
            superseded.append({"key": previous.id, "next_version": previous.lock_version + 1})
    if not rows:
        return 0
    # one statement for the new alerts (their ids in the rows' order), one for those they supersede
    inserted = connection.execute(insert(alerts).returning(alerts.c.id, sort_by_parameter_order=True), rows)
    alert_ids = list(inserted.scalars())
    if superseded:
        connection.execute(
            update(alerts)
            .where(alerts.c.id == bindparam("key"))
            .values(status="superseded", lock_version=bindparam("next_version")),
            superseded,
        )
    events: list[audit.Event] = [
        (
            "alert.open",
            f"alert/{alert_id}",
            {
                "party_id": row["party_id"],
                "entity_id": row["entity_id"],
                "score": round(row["score"], 4),
                "edition": row["edition_id"],
                "reason": row["reason"],
                "run": run_id,
            },
        )
        for alert_id, row in zip(alert_ids, rows, strict=True)
    ]
    audit.append_many(connection, actor, events)
    return len(rows)


def _latest_alerts(connection: Connection, pairs: set[tuple[str, str]]) -> dict[tuple[str, str], Any]:
    """The last alert of each (party id, entity id) pair that has one, read a few hundred parties at a time."""
    found: dict[tuple[str, str], Any] = {}
    party_ids = sorted({party_id for party_id, _ in pairs})
    for chunk in chunks(party_ids, 900):
        query = select(alerts).where(alerts.c.party_id.in_(chunk)).order_by(alerts.c.id)
        for row in connection.execute(query):
            if (row.party_id, row.entity_id) in pairs:
                found[(row.party_id, row.entity_id)] = row  # ordered by id: the last one stays
    return found


def _reason(previous: Any, party: Party, entity_json: str) -> str:
    if previous is None:
        return "new hit"
    parts = []
    if previous.entity_snapshot != entity_json:
        fields = changed_fields(json.loads(previous.entity_snapshot), json.loads(entity_json))
        parts.append(f"list entry changed ({', '.join(fields) or 'record'})")
    before = json.loads(previous.party_snapshot)
    party_fields = [
        k for k in ("name", "type", "country", "date_of_birth", "id_number") if before.get(k) != getattr(party, k)
    ]
    if party_fields:
        parts.append(f"party changed ({', '.join(party_fields)})")
    status = f" since alert {previous.id} ({previous.status})"
    return ("; ".join(parts) or "re-screened") + status
