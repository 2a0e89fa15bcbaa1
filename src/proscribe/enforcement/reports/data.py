"""What OFAC's reports say, gathered from the store: one record per report (or per held property).

- Blocked Property Report (31 CFR 501.603(b)(1)): for each blocked property,
  within 10 business days of blocking: the holder, the owner and the program,
  a description and value of the property, the date blocked, the blocked
  account, and the payment instructions when it came from a transaction.
- Reject Report (31 CFR 501.604): for each rejected transaction, within 10
  business days of the rejection: the parties, amount, date, and the basis.
- Annual Report of Blocked Property (31 CFR 501.603(b)(2)): every property
  held as of 30 June, with its balance on that day, due by 30 September.

The due dates count business days with US federal holidays (``holidays``).
Records are plain dictionaries of strings so the CSV and the PDF are written
from the same facts.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, select

from proscribe.enforcement.config import Filer, get_filer
from proscribe.enforcement.holidays import annual_report_due, report_due
from proscribe.enforcement.ledger import list_properties
from proscribe.enforcement.tables import tx_resolutions, tx_screenings

BLOCKED_COLUMNS = (
    "reference",
    "date_blocked",
    "report_due",
    "owner",
    "owner_id",
    "programs",
    "property_kind",
    "description",
    "amount",
    "unit",
    "estimated_value",
    "value_currency",
    "location",
    "blocked_account",
    "tx_id",
    "tx_date",
    "originator",
    "beneficiary",
    "banks",
    "payment_details",
    "basis",
    "balance_now",
    "status",
)
REJECT_COLUMNS = (
    "tx_id",
    "date_rejected",
    "report_due",
    "tx_date",
    "kind",
    "amount",
    "currency",
    "originator",
    "beneficiary",
    "banks",
    "intermediaries",
    "payment_details",
    "programs",
    "basis",
)
ANNUAL_COLUMNS = (
    "reference",
    "owner",
    "owner_id",
    "programs",
    "property_kind",
    "description",
    "unit",
    "balance_as_of",
    "estimated_value",
    "value_currency",
    "date_blocked",
    "blocked_account",
    "location",
    "tx_id",
)


@dataclass(slots=True)
class Report:
    kind: str  # blocked | reject | annual
    title: str
    filer: Filer
    records: list[dict[str, str]]
    columns: tuple[str, ...]
    period: str
    due: str = ""  # the annual report's single due date
    totals: dict[str, str] = field(default_factory=dict)  # annual: per unit


def blocked_report(connection: Connection, start: date | None = None, end: date | None = None) -> Report:
    """One record per property blocked in [start, end] (every property when no period is given)."""
    transactions = _transactions(connection)
    records = []
    for prop in list_properties(connection):
        blocked_on = date.fromisoformat(prop["blocked_on"])
        if (start and blocked_on < start) or (end and blocked_on > end):
            continue
        tx = transactions.get(prop["tx_id"] or "", {})
        records.append(
            {
                "reference": prop["reference"],
                "date_blocked": prop["blocked_on"],
                "report_due": report_due(blocked_on).isoformat(),
                "owner": prop["owner_name"],
                "owner_id": prop["owner_id"],
                "programs": ", ".join(prop["programs"]),
                "property_kind": prop["kind"],
                "description": prop["description"],
                "amount": prop["blocked"],
                "unit": prop["unit"],
                "estimated_value": prop["estimated_value"] or "",
                "value_currency": prop["value_currency"] or "",
                "location": prop["location"] or "",
                "blocked_account": prop["account"],
                "tx_id": prop["tx_id"] or "",
                "tx_date": tx.get("date", ""),
                **_parties(tx),
                "basis": prop["basis"],
                "balance_now": prop["balance"],
                "status": prop["status"],
            }
        )
    return Report(
        "blocked", "Blocked Property Report", get_filer(connection), records, BLOCKED_COLUMNS, _period(start, end)
    )


def reject_report(connection: Connection, start: date | None = None, end: date | None = None) -> Report:
    """One record per transaction rejected in [start, end], at screening or on an analyst's resolution."""
    rows = connection.execute(
        select(
            tx_screenings.c.tx_id,
            tx_screenings.c.record,
            tx_screenings.c.result,
            tx_screenings.c.decision,
            tx_screenings.c.decided_on,
            tx_resolutions.c.decision.label("resolved"),
            tx_resolutions.c.decided_on.label("resolved_on"),
            tx_resolutions.c.note,
        )
        .outerjoin(tx_resolutions, tx_resolutions.c.tx_id == tx_screenings.c.tx_id)
        .where((tx_screenings.c.decision == "reject") | (tx_resolutions.c.decision == "reject"))
        .order_by(tx_screenings.c.decided_on, tx_screenings.c.tx_id)
    )
    records = []
    for row in rows:
        on = date.fromisoformat(row.resolved_on if row.resolved == "reject" else row.decided_on)
        if (start and on < start) or (end and on > end):
            continue
        tx = json.loads(row.record)
        detail = json.loads(row.result)
        basis = detail.get("basis") or ""
        if row.resolved == "reject":
            basis = f"rejected on review: {row.note}" + (f"; screening: {basis}" if basis else "")
        records.append(
            {
                "tx_id": row.tx_id,
                "date_rejected": on.isoformat(),
                "report_due": report_due(on).isoformat(),
                "tx_date": tx["date"],
                "kind": tx["kind"],
                "amount": tx["amount"],
                "currency": tx["currency"],
                **_parties(tx),
                "intermediaries": "; ".join(_party_text(p) for p in tx.get("intermediaries", [])),
                "programs": ", ".join(detail.get("programs") or []),
                "basis": basis,
            }
        )
    return Report("reject", "Reject Report", get_filer(connection), records, REJECT_COLUMNS, _period(start, end))


def annual_report(connection: Connection, year: int) -> Report:
    """Every property still blocked on 30 June of ``year``, with its balance that day and totals per unit."""
    as_of = date(year, 6, 30)
    records = []
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for prop in list_properties(connection, as_of=as_of):
        if prop["status"] != "blocked":
            continue
        totals[prop["unit"]] += Decimal(prop["balance"])
        records.append(
            {
                "reference": prop["reference"],
                "owner": prop["owner_name"],
                "owner_id": prop["owner_id"],
                "programs": ", ".join(prop["programs"]),
                "property_kind": prop["kind"],
                "description": prop["description"],
                "unit": prop["unit"],
                "balance_as_of": prop["balance"],
                "estimated_value": prop["estimated_value"] or "",
                "value_currency": prop["value_currency"] or "",
                "date_blocked": prop["blocked_on"],
                "blocked_account": prop["account"],
                "location": prop["location"] or "",
                "tx_id": prop["tx_id"] or "",
            }
        )
    return Report(
        "annual",
        "Annual Report of Blocked Property",
        get_filer(connection),
        records,
        ANNUAL_COLUMNS,
        f"as of {as_of.isoformat()}",
        annual_report_due(year).isoformat(),
        {unit: str(total) for unit, total in sorted(totals.items())},
    )


def _transactions(connection: Connection) -> dict[str, dict[str, Any]]:
    rows = connection.execute(
        select(tx_screenings.c.tx_id, tx_screenings.c.record).where(tx_screenings.c.decision != "pass")
    )
    return {row.tx_id: json.loads(row.record) for row in rows}


def _party_text(party: dict[str, Any]) -> str:
    bank = " / ".join(x for x in (party.get("bank"), party.get("bic")) if x)
    parts = [party.get("name") or "", party.get("address") or "", party.get("country") or ""]
    text = ", ".join(p for p in parts if p)
    return f"{text} (bank: {bank})" if bank and text else text or (f"bank: {bank}" if bank else "")


def _parties(tx: dict[str, Any]) -> dict[str, str]:
    if not tx:
        return {"originator": "", "beneficiary": "", "banks": "", "payment_details": ""}
    banks = [
        f"{p.get('bank') or ''} {p.get('bic') or ''}".strip()
        for p in [tx.get("originator", {}), tx.get("beneficiary", {}), *tx.get("intermediaries", [])]
    ]
    details = "; ".join(f"{key}: {tx[key]}" for key in ("purpose", "remittance_info", "goods_description") if key in tx)
    return {
        "originator": _party_text(tx.get("originator", {})),
        "beneficiary": _party_text(tx.get("beneficiary", {})),
        "banks": "; ".join(b for b in banks if b),
        "payment_details": details,
    }


def _period(start: date | None, end: date | None) -> str:
    if not start and not end:
        return "all"
    return f"{start.isoformat() if start else '...'} to {end.isoformat() if end else '...'}"
