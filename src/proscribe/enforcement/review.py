"""Held transactions: what an analyst sees, and the resolution that releases, rejects or blocks them.

A held transaction waits for a person. Its alerts list each hit with the
engine's explanation and the action the policy takes if the hit is confirmed.
The analyst resolves the transaction as a whole (payments are released or
stopped as a whole): ``pass`` closes the alerts as false positives; ``reject``
and ``block`` close them as true matches, and a block puts the funds into the
ledger under the owner of the confirmed hit. The resolution, the alerts'
closing and the ledger entry commit together, with their audit events.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Connection, Engine, Select, func, insert, select, update

from proscribe.enforcement.config import get_policy
from proscribe.enforcement.ledger import record_property, reference
from proscribe.enforcement.policy import SEVERITY
from proscribe.enforcement.screen import PlaceRules, place_target
from proscribe.enforcement.service import blocked_property
from proscribe.enforcement.tables import tx_alerts, tx_resolutions, tx_screenings
from proscribe.enforcement.transactions import parse_transaction
from proscribe.errors import UserError
from proscribe.store import audit
from proscribe.store.audit import write_transaction
from proscribe.store.db import utc_iso

RESOLUTIONS = ("pass", "reject", "block")


def list_alerts(connection: Connection, status: str | None = "open") -> list[dict[str, Any]]:
    query = select(tx_alerts).order_by(tx_alerts.c.id)
    if status:
        query = query.where(tx_alerts.c.status == status)
    return [_alert(row) for row in connection.execute(query)]


def _alert(row: Any) -> dict[str, Any]:
    return {
        "id": row.id,
        "tx_id": row.tx_id,
        "field": row.field,
        "entity_id": row.entity_id,
        "caption": row.caption,
        "score": round(row.score, 4),
        "if_confirmed": row.if_confirmed,
        "rule": row.rule,
        "status": row.status,
    }


def show(connection: Connection, tx_id: str) -> dict[str, Any]:
    row = connection.execute(select(tx_screenings).where(tx_screenings.c.tx_id == tx_id)).first()
    if row is None:
        raise UserError(f"no screened transaction {tx_id!r}")
    resolution = connection.execute(select(tx_resolutions).where(tx_resolutions.c.tx_id == tx_id)).first()
    alerts = connection.execute(select(tx_alerts).where(tx_alerts.c.tx_id == tx_id).order_by(tx_alerts.c.id))
    return {
        "transaction": json.loads(row.record),
        "decision": row.decision,
        "decided_on": row.decided_on,
        "output": json.loads(row.result)["line"],
        "origin": row.origin,
        "policy": row.policy,
        "alerts": [{**_alert(a), "explanation": json.loads(a.explanation)} for a in alerts],
        "resolution": None
        if resolution is None
        else {
            "decision": resolution.decision,
            "on": resolution.decided_on,
            "note": resolution.note,
            "property": f"BP-{resolution.property_id}" if resolution.property_id else None,
            "by": resolution.actor,
        },
    }


def resolve(
    engine: Engine, tx_id: str, decision: str, note: str, actor: str, today: date | None = None
) -> dict[str, Any]:
    """Close a held transaction as pass, reject or block; returns what was recorded."""
    if decision not in RESOLUTIONS:
        raise UserError(f"unknown resolution {decision!r}; use one of {', '.join(RESOLUTIONS)}")
    if not note.strip():
        raise UserError("a resolution needs a --note saying why")
    today = today or date.today()
    with write_transaction(engine) as connection:
        row = connection.execute(select(tx_screenings).where(tx_screenings.c.tx_id == tx_id)).first()
        if row is None:
            raise UserError(f"no screened transaction {tx_id!r}")
        if row.decision != "hold":
            raise UserError(f"transaction {tx_id} was decided {row.decision} at screening; only held ones are resolved")
        done = connection.execute(select(tx_resolutions).where(tx_resolutions.c.tx_id == tx_id)).first()
        if done is not None:
            raise UserError(f"transaction {tx_id} was already resolved as {done.decision} by {done.actor}")
        alerts = list(connection.execute(select(tx_alerts).where(tx_alerts.c.tx_id == tx_id).order_by(tx_alerts.c.id)))
        property_id = None
        if decision == "block":
            property_id = _block(connection, row, alerts, note, actor, today)
        status = "false-positive" if decision == "pass" else "true-match"
        now = datetime.now(UTC)
        connection.execute(
            update(tx_alerts)
            .where(tx_alerts.c.tx_id == tx_id, tx_alerts.c.status == "open")
            .values(status=status, closed_at=now, closed_by=actor)
        )
        connection.execute(
            insert(tx_resolutions).values(
                tx_id=tx_id,
                decision=decision,
                decided_on=today.isoformat(),
                note=note,
                property_id=property_id,
                resolved_at=now,
                actor=actor,
            )
        )
        payload = {
            "decision": decision,
            "note": note,
            "alerts": [a.id for a in alerts],
            "property": f"BP-{property_id}" if property_id else None,
        }
        audit.append(
            connection, actor, f"tx.{decision}" if decision != "pass" else "tx.release", f"tx/{tx_id}", payload
        )
        return payload


def _block(connection: Connection, row: Any, alerts: list[Any], note: str, actor: str, today: date) -> int:
    """Blocked property for a held transaction: owned by the confirmed hit's entity, else by the party of the
    embargoed place that held it (a place rule holds without naming anyone on a list)."""
    tx = parse_transaction(json.loads(row.record), today=date.max)
    confirmed = [a for a in alerts if a.if_confirmed == "block"] or alerts
    if confirmed:
        top = max(confirmed, key=lambda a: a.score)
        programs = tuple(json.loads(top.explanation).get("programs") or [])
        basis = f"blocked on review: {note}; hit {top.field} ~ {top.entity_id} ({top.score:.2f}); rule {top.rule}"
        prop = blocked_property(tx, top.entity_id, top.caption, programs, basis, today)
    else:
        places = sorted(PlaceRules(get_policy(connection)).hits(tx), key=lambda p: -SEVERITY[p.action])
        target = place_target(places)
        if target is None:
            raise UserError(f"transaction {row.tx_id} has no hit or embargoed place to name the owner of the property")
        basis = f"blocked on review: {note}; {target.basis}"
        prop = blocked_property(tx, target.owner_id, target.owner_name, target.programs, basis, today)
    if prop is None:
        raise UserError(f"transaction {row.tx_id} has no amount to block")
    return record_property(connection, prop, actor, today)


def _holds(status: str, resolution: str | None) -> Select[Any]:
    """Held screenings joined to their resolution: one query per page, where ``review.show`` per hold would be three."""
    joined = tx_screenings.outerjoin(tx_resolutions, tx_resolutions.c.tx_id == tx_screenings.c.tx_id)
    screened, resolved = tx_screenings.c, tx_resolutions.c
    columns = [
        screened.tx_id, screened.kind, screened.amount, screened.currency, screened.decided_on, screened.screened_at,
        screened.origin, screened.result, resolved.decision.label("resolved_as"),
        resolved.decided_on.label("resolved_on"), resolved.note, resolved.property_id,
        resolved.actor.label("resolved_by"),
    ]  # fmt: skip
    query = select(*columns).select_from(joined).where(screened.decision == "hold")
    if status == "open":
        query = query.where(resolved.tx_id.is_(None))
    elif status == "resolved":
        query = query.where(resolved.tx_id.is_not(None))
    if resolution is not None:
        query = query.where(resolved.decision == resolution)
    return query


def list_holds(
    connection: Connection, status: str = "open", resolution: str | None = None, limit: int = 100, offset: int = 0
) -> tuple[list[dict[str, Any]], int]:
    """Held transactions, oldest first, and how many there are in all: the review queue.

    By transaction, not by alert: a hold a place rule chose has no alert (no listed name), yet waits too.
    ``status`` is open (awaiting review), resolved or all; ``resolution`` keeps those resolved that way.
    """
    query = _holds(status, resolution)
    total = int(connection.execute(select(func.count()).select_from(query.subquery())).scalar_one())
    page = connection.execute(
        query.order_by(tx_screenings.c.screened_at, tx_screenings.c.tx_id).limit(limit).offset(offset)
    )
    return [_hold(row) for row in page], total


def held(connection: Connection, tx_id: str) -> dict[str, Any] | None:
    """One held transaction as the queue lists it; None when it was not held."""
    row = connection.execute(_holds("all", None).where(tx_screenings.c.tx_id == tx_id)).first()
    return None if row is None else _hold(row)


def _hold(row: Any) -> dict[str, Any]:
    line = json.loads(row.result)["line"]
    resolved = row.resolved_as is not None
    return {
        "id": row.tx_id,
        "kind": row.kind,
        "amount": row.amount,
        "currency": row.currency,
        "decided_on": row.decided_on,
        "held_at": utc_iso(row.screened_at),
        "origin": row.origin,
        "reasons": line["reasons"],
        "hits": line["hits"],
        "status": "resolved" if resolved else "open",
        "resolution": {
            "decision": row.resolved_as,
            "on": row.resolved_on,
            "note": row.note,
            "property": reference(row.property_id) if row.property_id else None,
            "by": row.resolved_by,
        }
        if resolved
        else None,
    }
