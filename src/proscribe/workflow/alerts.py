"""Alerts and analysts' decisions: assign, decide, escalate, and four-eyes approval.

Every change happens in a write transaction that first takes the writers'
lock and then re-reads the alert, so two analysts deciding the same alert at
once (on PostgreSQL, from different machines) cannot both succeed: the second
is told who decided first. Each change is an audit event.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine, func, select, update

from proscribe.errors import UserError
from proscribe.store import audit
from proscribe.store.audit import write_transaction
from proscribe.store.db import utc_iso
from proscribe.store.schema import audit_events
from proscribe.workflow.settings import get_flag
from proscribe.workflow.tables import alerts

OPEN_STATUSES = ("open", "escalated", "pending-approval")
FINAL_STATUSES = ("true-match", "false-positive", "superseded")
STATUSES = OPEN_STATUSES + FINAL_STATUSES
DECISIONS = ("true-match", "false-positive", "escalate")


@dataclass(frozen=True, slots=True)
class AlertSummary:
    id: int
    status: str
    party_id: str
    entity_id: str
    score: float
    edition: int
    created_at: str
    assignee: str | None
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "status": self.status,
            "party_id": self.party_id,
            "entity_id": self.entity_id,
            "score": round(self.score, 4),
            "edition": self.edition,
            "created_at": self.created_at,
            "assignee": self.assignee,
            "reason": self.reason,
        }


def list_alerts(connection: Connection, status: str | None = None, party_id: str | None = None) -> list[AlertSummary]:
    if status and status not in STATUSES:
        raise UserError(f"unknown status {status!r}; use one of {', '.join(STATUSES)}")
    query = select(alerts).order_by(alerts.c.id)
    if status:
        query = query.where(alerts.c.status == status)
    if party_id:
        query = query.where(alerts.c.party_id == party_id)
    return [
        AlertSummary(
            row.id,
            row.status,
            row.party_id,
            row.entity_id,
            row.score,
            row.edition_id,
            utc_iso(row.created_at),
            row.assignee,
            row.reason,
        )
        for row in connection.execute(query)
    ]


def alert_counts(connection: Connection) -> dict[str, int]:
    rows = connection.execute(select(alerts.c.status, func.count()).group_by(alerts.c.status))
    return {row[0]: int(row[1]) for row in rows}


def get_alert(connection: Connection, alert_id: int) -> dict[str, Any]:
    row = connection.execute(select(alerts).where(alerts.c.id == alert_id)).first()
    if row is None:
        raise UserError(f"no alert {alert_id}")
    events = connection.execute(
        select(audit_events).where(audit_events.c.subject == f"alert/{alert_id}").order_by(audit_events.c.seq)
    )
    return {
        "id": row.id,
        "status": row.status,
        "party_id": row.party_id,
        "entity_id": row.entity_id,
        "score": round(row.score, 4),
        "edition": row.edition_id,
        "reason": row.reason,
        "previous_alert_id": row.previous_alert_id,
        "run_id": row.run_id,
        "created_at": utc_iso(row.created_at),
        "assignee": row.assignee,
        "proposed": row.proposed,
        "proposed_by": row.proposed_by,
        "decision": row.decision,
        "decided_by": row.decided_by,
        "approved_by": row.approved_by,
        "decided_at": utc_iso(row.decided_at) if row.decided_at else None,
        "note": row.note,
        "party": json.loads(row.party_snapshot),
        "entity": json.loads(row.entity_snapshot),
        "explanation": json.loads(row.explanation),
        "history": [
            {"seq": e.seq, "at": e.at, "actor": e.actor, "action": e.action, "payload": json.loads(e.payload)}
            for e in events
        ],
    }


def _locked_alert(connection: Connection, alert_id: int) -> Any:
    row = connection.execute(select(alerts).where(alerts.c.id == alert_id)).first()
    if row is None:
        raise UserError(f"no alert {alert_id}")
    if row.status in FINAL_STATUSES:
        who = row.approved_by or row.decided_by or "monitoring"
        raise UserError(f"alert {alert_id} is already closed as {row.status} (by {who})")
    return row


def _change(
    connection: Connection, row: Any, actor: str, action: str, values: dict[str, Any], note: str | None
) -> None:
    changed = connection.execute(
        update(alerts)
        .where(alerts.c.id == row.id, alerts.c.lock_version == row.lock_version)
        .values(**values, lock_version=row.lock_version + 1)
    )
    if changed.rowcount != 1:
        raise UserError(f"alert {row.id} was changed by someone else meanwhile; look at it again")
    payload = {k: v.isoformat() if isinstance(v, datetime) else v for k, v in values.items()}
    payload.update({"note": note, "party_id": row.party_id, "entity_id": row.entity_id, "from_status": row.status})
    audit.append(connection, actor, action, f"alert/{row.id}", payload)


def decide(engine: Engine, alert_id: int, decision: str, note: str, actor: str) -> str:
    """Record an analyst's decision; returns the alert's new status."""
    if decision not in DECISIONS:
        raise UserError(f"unknown decision {decision!r}; use one of {', '.join(DECISIONS)}")
    if not note.strip():
        raise UserError("a decision needs a --note saying why")
    with write_transaction(engine) as connection:
        row = _locked_alert(connection, alert_id)
        now = datetime.now(UTC)
        if decision == "escalate":
            values: dict[str, Any] = {"status": "escalated", "note": note}
        elif get_flag(connection, "four_eyes"):
            if row.status == "pending-approval":
                raise UserError(
                    f"alert {alert_id} already awaits approval of {row.proposed_by}'s {row.proposed} decision"
                )
            values = {"status": "pending-approval", "proposed": decision, "proposed_by": actor, "note": note}
        else:
            values = {"status": decision, "decision": decision, "decided_by": actor, "decided_at": now, "note": note}
        _change(connection, row, actor, f"alert.{decision}", values, note)
        return str(values["status"])


def approve(engine: Engine, alert_id: int, actor: str, note: str, reject: bool = False) -> str:
    """The second person's word on a proposed decision: approve it (final) or send the alert back to open."""
    with write_transaction(engine) as connection:
        row = _locked_alert(connection, alert_id)
        if row.status != "pending-approval":
            raise UserError(f"alert {alert_id} is {row.status}: nothing awaits approval")
        if row.proposed_by == actor:
            raise UserError(f"alert {alert_id}: {actor} proposed this decision; a second person must approve it")
        if reject:
            values: dict[str, Any] = {"status": "open", "proposed": None, "proposed_by": None, "note": note}
            _change(connection, row, actor, "alert.approval_rejected", values, note)
        else:
            values = {
                "status": row.proposed,
                "decision": row.proposed,
                "decided_by": row.proposed_by,
                "approved_by": actor,
                "decided_at": datetime.now(UTC),
            }
            _change(connection, row, actor, "alert.approved", values, note or None)
        return str(values["status"])


def assign(engine: Engine, alert_id: int, assignee: str, actor: str) -> None:
    with write_transaction(engine) as connection:
        row = _locked_alert(connection, alert_id)
        _change(connection, row, actor, "alert.assign", {"assignee": assignee}, None)
