"""Screening transactions for real: validate, decide, and record the decision with everything it implies.

Per chunk of transactions, one write transaction stores each new
transaction's canonical record and decision, puts blocked property into the
ledger, opens the review alerts of held transactions, and appends the audit
events; only after it commits are the chunk's output lines written, so the
output never claims a block the store does not hold. A transaction whose id
was seen before is a replay when its canonical content is identical (its
stored output line is given again, nothing is recorded twice) and an error
when it differs.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from itertools import islice
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, func, insert, select

from proscribe.config import Settings
from proscribe.enforcement import index as enforcement_index
from proscribe.enforcement.config import get_policy
from proscribe.enforcement.ledger import PropertyInput, blocked_payload, record_properties, reference
from proscribe.enforcement.ownership_store import build_graph
from proscribe.enforcement.policy import Policy
from proscribe.enforcement.screen import Decision, TransactionScreener
from proscribe.enforcement.tables import tx_alerts, tx_screenings
from proscribe.enforcement.transactions import Transaction, TransactionError, difference, parse_transaction
from proscribe.errors import UserError
from proscribe.match import Screener
from proscribe.screening import load_index
from proscribe.screening.index_files import index_in_memory
from proscribe.store import audit
from proscribe.store.audit import Event, append_many, write_transaction
from proscribe.store.db import chunks
from proscribe.tabular import TableError, read_rows

CHUNK = 500
MAX_REPORTED = 1000


@dataclass(slots=True)
class RunStats:
    rows: int = 0
    screened: int = 0
    replayed: int = 0
    errors: int = 0
    warnings: int = 0
    decisions: Counter[str] = field(default_factory=Counter)
    alerts: int = 0
    properties: int = 0
    problems: list[str] = field(default_factory=list)  # "FILE:LINE: message", the first MAX_REPORTED
    seconds: float = 0.0

    def note(self, message: str) -> None:
        if len(self.problems) < MAX_REPORTED:
            self.problems.append(message)

    def to_dict(self) -> dict[str, Any]:
        return {
            "rows": self.rows,
            "screened": self.screened,
            "replayed": self.replayed,
            "errors": self.errors,
            "warnings": self.warnings,
            "decisions": dict(self.decisions),
            "alerts": self.alerts,
            "properties": self.properties,
            "seconds": round(self.seconds, 3),
        }


@dataclass(frozen=True, slots=True)
class Item:
    """One input record: where it came from, its values, or why it could not be read."""

    line: int
    values: Mapping[str, Any]
    error: str | None = None


class Enforcer:
    """Screens and records transactions for one home; open it once per run (loading indexes takes a second)."""

    def __init__(self, settings: Settings, engine: Engine, actor: str, today: date | None = None) -> None:
        index, _status = load_index(settings, engine)
        if len(index) == 0:
            raise UserError("no lists are loaded: run `proscribe lists update` or `proscribe lists import FOLDER`")
        extra = enforcement_index.load(settings, engine)
        with engine.connect() as connection:
            policy = get_policy(connection)
            graph = build_graph(connection, extra, policy)
        screener = TransactionScreener(Screener(index, threshold=policy.alert_threshold), extra.scanner, policy, graph)
        self._attach(engine, actor, today or date.today(), policy, screener)

    @classmethod
    def from_parts(
        cls, engine: Engine, actor: str, today: date, policy: Policy, screener: TransactionScreener
    ) -> Enforcer:
        """An Enforcer on parts the caller keeps (a long-running worker), instead of loading its own."""
        enforcer = cls.__new__(cls)
        enforcer._attach(engine, actor, today, policy, screener)
        return enforcer

    def _attach(self, engine: Engine, actor: str, today: date, policy: Policy, screener: TransactionScreener) -> None:
        self.engine = engine
        self.actor = actor
        self.today = today
        self.policy = policy
        self.fingerprint = policy.fingerprint
        self.screener = screener
        self._seen: dict[str, tuple[str, dict[str, Any]]] = {}

    # --- entry points ---

    def screen_file(
        self,
        path: Path,
        emit: Callable[[dict[str, Any]], None],
        after_chunk: Callable[[RunStats], None] | None = None,
        chunk: int = CHUNK,
    ) -> RunStats:
        """Screen every row of a JSON-lines or CSV file; output lines go to ``emit`` in input order.

        A file is a long job beside a loaded index: the cyclic collector is held off (``index_in_memory``).
        """
        try:
            rows = read_rows(path)
            items = (Item(row.line, row.values, row.error) for row in rows)
            with index_in_memory():
                stats = self.run(items, str(path), emit, after_chunk, chunk)
        except TableError as error:
            raise UserError(str(error)) from error
        return stats

    def screen_records(self, records: Iterable[Mapping[str, Any]], origin: str = "api") -> list[dict[str, Any]]:
        """The Python API: screen and record in-memory records; a bad record raises UserError."""
        out: list[dict[str, Any]] = []
        stats = self.run((Item(n, r) for n, r in enumerate(records, start=1)), origin, out.append, None, CHUNK)
        if stats.errors:
            raise UserError(stats.problems[0])
        return out

    def run(
        self,
        items: Iterable[Item],
        origin: str,
        emit: Callable[[dict[str, Any]], None],
        after_chunk: Callable[[RunStats], None] | None,
        chunk: int,
    ) -> RunStats:
        stats = RunStats()
        start = time.perf_counter()
        iterator = iter(items)
        while batch := list(islice(iterator, chunk)):
            for line in self._chunk(batch, origin, stats):
                emit(line)
            if after_chunk is not None:
                after_chunk(stats)
        stats.seconds = time.perf_counter() - start
        if stats.rows:
            with write_transaction(self.engine) as connection:
                audit.append(
                    connection,
                    self.actor,
                    "tx.screen",
                    f"run/{origin}",
                    {**stats.to_dict(), "policy": self.fingerprint, "on": self.today.isoformat()},
                )
        return stats

    # --- one chunk ---

    def _chunk(self, batch: list[Item], origin: str, stats: RunStats) -> list[dict[str, Any]]:
        parsed: list[tuple[Item, Transaction]] = []
        problems: list[tuple[int, str]] = []  # reported in line order once the chunk is done
        for item in batch:
            stats.rows += 1
            if item.error:
                problems.append((item.line, item.error))
                continue
            try:
                tx = parse_transaction(item.values, self.today)
            except TransactionError as error:
                problems.append((item.line, str(error)))
                continue
            problems.extend((item.line, f"warning: {warning}") for warning in tx.warnings)
            parsed.append((item, tx))
        with self.engine.connect() as connection:
            stored = _stored(connection, [tx.id for _, tx in parsed])
        lines: list[dict[str, Any]] = []
        fresh: list[tuple[Item, Transaction, Decision, dict[str, Any]]] = []
        for item, tx in parsed:
            record = tx.to_dict()
            digest = tx.digest(record)
            before = self._seen.get(tx.id) or stored.get(tx.id)
            if before is not None:
                if before[0] != digest:
                    problems.append((item.line, _reused(tx, before[1])))
                    continue
                stats.replayed += 1
                lines.append(before[1]["line"])
                continue
            decision = self.screener.decide(tx)
            output = decision.output()
            self._seen[tx.id] = (digest, {"line": output, "record": record})
            fresh.append((item, tx, decision, {**record, "_digest": digest}))
            lines.append(output)
        if fresh:
            screened_at = datetime.now(UTC)
            rows = [self._row(origin, item, tx, decision, record, screened_at) for item, tx, decision, record in fresh]
            with write_transaction(self.engine) as connection:
                connection.execute(insert(tx_screenings), rows)
                self._record(connection, [(tx, decision) for _item, tx, decision, _record in fresh], stats)
        for line, message in sorted(problems, key=lambda p: p[0]):
            if message.startswith("warning: "):
                stats.warnings += 1
            else:
                stats.errors += 1
            stats.note(f"{origin}:{line}: {message}")
        return lines

    def _row(
        self, origin: str, item: Item, tx: Transaction, decision: Decision, record: dict[str, Any], at: datetime
    ) -> dict[str, Any]:
        """The stored screening: canonical record, the output line and what the reports need of the decision."""
        target = decision.target
        detail = {
            "line": decision.output(),
            "programs": list(target.programs) if target else [],
            "basis": target.basis if target else "",
            "owner": target.owner_name if target else None,
            "owner_id": target.owner_id if target else None,
        }
        return {
            "tx_id": tx.id,
            "content_hash": record.pop("_digest"),
            "record": json.dumps(record, ensure_ascii=False),
            "kind": tx.kind,
            "tx_date": tx.date.isoformat(),
            "amount": str(tx.amount),
            "currency": tx.currency,
            "decision": decision.decision,
            "result": json.dumps(detail, ensure_ascii=False),
            "decided_on": self.today.isoformat(),
            "policy": self.fingerprint,
            "origin": f"{origin}:{item.line}",
            "screened_at": at,
            "actor": self.actor,
        }

    def _record(self, connection: Connection, decided: list[tuple[Transaction, Decision]], stats: RunStats) -> None:
        """Ledger records for blocks, alerts for holds, and one audit event per block, reject and hold."""
        blocks: list[tuple[int, PropertyInput]] = []
        for position, (tx, decision) in enumerate(decided):
            stats.screened += 1
            stats.decisions[decision.decision] += 1
            target = decision.target
            if decision.decision == "block" and target is not None:
                prop = blocked_property(
                    tx, target.owner_id, target.owner_name, target.programs, target.basis, self.today
                )
                if prop is not None:
                    blocks.append((position, prop))
        by_position = dict(blocks)
        property_ids = dict(
            zip(
                (p for p, _ in blocks),
                record_properties(connection, [prop for _, prop in blocks], self.actor, self.today),
                strict=True,
            )
        )
        stats.properties += len(property_ids)
        alert_ids = self._open_alerts(connection, [(tx, d) for tx, d in decided if d.decision == "hold"])
        events: list[Event] = []
        for position, (tx, decision) in enumerate(decided):
            subject = f"tx/{tx.id}"
            money = {"amount": str(tx.amount), "currency": tx.currency}
            if decision.decision == "block":
                payload: dict[str, Any] = {"reasons": decision.reasons, **money}
                if position in property_ids:  # the ledger's 'blocked' event and the blocked transaction, as one
                    payload.update(
                        property=reference(property_ids[position]), ledger=blocked_payload(by_position[position])
                    )
                events.append(("tx.block", subject, payload))
            elif decision.decision == "reject":
                events.append(("tx.reject", subject, {"reasons": decision.reasons, **money}))
            elif decision.decision == "hold":
                ids = alert_ids.get(tx.id, [])
                stats.alerts += len(ids)
                events.append(("tx.hold", subject, {"reasons": decision.reasons, "alerts": ids, **money}))
        append_many(connection, self.actor, events)

    def _open_alerts(self, connection: Connection, held: list[tuple[Transaction, Decision]]) -> dict[str, list[int]]:
        """One alert per hit of each held transaction, inserted together; returns their ids per transaction."""
        now = datetime.now(UTC)
        rows: list[dict[str, Any]] = []
        for tx, decision in held:
            for hit in decision.hits:
                explanation = (
                    hit.match.to_dict()
                    if hit.match is not None
                    else {"summary": hit.summary, "via": hit.via, "programs": list(hit.programs)}
                )
                rows.append(
                    {
                        "tx_id": tx.id,
                        "field": hit.field,
                        "entity_id": hit.entity_id,
                        "caption": hit.caption,
                        "score": hit.score,
                        "if_confirmed": hit.confirmed or hit.action,
                        "rule": hit.rule,
                        "explanation": json.dumps(explanation, ensure_ascii=False),
                        "status": "open",
                        "created_at": now,
                    }
                )
        if not rows:
            return {}
        first = int(connection.execute(select(func.coalesce(func.max(tx_alerts.c.id), 0))).scalar_one()) + 1
        found: dict[str, list[int]] = {}
        for offset, row in enumerate(rows):
            row["id"] = first + offset
            found.setdefault(row["tx_id"], []).append(row["id"])
        connection.execute(insert(tx_alerts), rows)
        return found


def blocked_property(
    tx: Transaction, owner_id: str, owner_name: str, programs: tuple[str, ...], basis: str, today: date
) -> PropertyInput | None:
    """What a blocked transaction puts into the ledger: the funds, or securities / goods it concerns."""
    common: dict[str, Any] = {
        "owner_id": owner_id,
        "owner_name": owner_name,
        "programs": programs,
        "basis": basis,
        "blocked_on": today,
        "tx_id": tx.id,
    }
    if tx.kind == "securities" and tx.isin and tx.quantity:
        return PropertyInput(
            kind="securities",
            quantity=tx.quantity,
            isin=tx.isin,
            description=f"securities {tx.isin}",
            estimated_value=tx.amount,
            value_currency=tx.currency,
            **common,
        )
    goods = dict(tx.texts).get("goods_description")
    if tx.kind == "purchase_order" and tx.goods_location and goods:
        return PropertyInput(
            kind="goods",
            quantity=tx.quantity or Decimal(1),
            description=goods,
            location=tx.goods_location,
            estimated_value=tx.amount,
            value_currency=tx.currency,
            **common,
        )
    if tx.amount <= 0:
        return None
    purpose = dict(tx.texts).get("purpose") or dict(tx.texts).get("remittance_info") or tx.kind
    return PropertyInput(
        kind="funds",
        quantity=tx.amount,
        currency=tx.currency,
        description=f"{tx.kind} {tx.id}: {purpose}"[:500],
        **common,
    )


def _stored(connection: Connection, ids: list[str]) -> dict[str, tuple[str, dict[str, Any]]]:
    found: dict[str, tuple[str, dict[str, Any]]] = {}
    unique = list(dict.fromkeys(ids))
    for chunk in chunks(unique, 500):
        rows = connection.execute(
            select(
                tx_screenings.c.tx_id,
                tx_screenings.c.content_hash,
                tx_screenings.c.result,
                tx_screenings.c.record,
                tx_screenings.c.screened_at,
            ).where(tx_screenings.c.tx_id.in_(chunk))
        )
        for row in rows:
            detail = json.loads(row.result)
            detail["record"] = json.loads(row.record)
            detail["screened_at"] = row.screened_at.isoformat()[:10]
            found[row.tx_id] = (row.content_hash, detail)
    return found


def _reused(tx: Transaction, before: dict[str, Any]) -> str:
    changed = difference(before.get("record", {}), tx.to_dict())
    when = f" on {before['screened_at']}" if before.get("screened_at") else ""
    return (
        f"transaction id {tx.id!r} was screened before{when} with different content"
        f" ({', '.join(changed) or 'content'} differ); a new transaction needs a new id"
    )
