"""What an exposure report says, computed once for every format: totals, costs, groups, flags.

Pure: devices and their identifications in, plain numbers out. Every format
(HTML, PDF, CSV, XLSX) renders this one summary, so the figures agree across
formats by construction.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from proscribe.equipment.device import Device, Identification, Status
from proscribe.equipment.reference import Reference
from proscribe.equipment.suppliers import PartyFinding

OUTPUT_COLUMNS = ("maker", "status", "rules", "confidence", "evidence")
GRADE_NOTE = (
    "Facts graded I come from secondary or inferred sources: they are lower-confidence signals, and a flag"
    " resting only on them needs checking before action."
)


@dataclass(slots=True)
class Group:
    """Devices sharing a site, maker, rule or device type; cost counts flagged devices only."""

    name: str
    devices: int = 0
    covered: int = 0
    probable: int = 0
    cost: Decimal = Decimal(0)
    unpriced: int = 0  # flagged devices with no known unit cost

    @property
    def flagged(self) -> int:
        return self.covered + self.probable


@dataclass(slots=True)
class Summary:
    generated_at: datetime
    registry_origin: str
    inventories: list[str]
    currency: str
    rows: list[tuple[Device, Identification, Decimal | None]]  # device, verdict, unit cost used
    counts: dict[Status, int]
    covered_cost: Decimal
    probable_cost: Decimal
    unpriced: int
    relabels: int
    inferred_only: int
    by_site: list[Group]
    by_maker: list[Group]
    by_rule: list[Group]
    by_type: list[Group]
    parties: list[PartyFinding] = field(default_factory=list)
    screening_note: str = ""
    rule_notes: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.rows)

    @property
    def flagged(self) -> int:
        return self.counts[Status.COVERED] + self.counts[Status.PROBABLY_COVERED]

    @property
    def replacement_cost(self) -> Decimal:
        return self.covered_cost + self.probable_cost

    def flagged_rows(self) -> list[tuple[Device, Identification, Decimal | None]]:
        order = {Status.COVERED: 0, Status.PROBABLY_COVERED: 1}
        flagged = [row for row in self.rows if row[1].status.flagged]
        return sorted(flagged, key=lambda r: (order[r[1].status], r[0].site, r[1].maker, -r[1].confidence))


def cost_key(device_type: str) -> str:
    return re.sub(r"[^0-9a-z]+", " ", device_type.lower()).strip()


def unit_cost(device: Device, table: Mapping[str, Decimal]) -> Decimal | None:
    """The inventory's own unit cost, else the table's cost for the device type, else the table's ``*``."""
    if device.unit_cost is not None:
        return device.unit_cost
    return table.get(cost_key(device.device_type)) or table.get("*")


def summarize(
    devices: Sequence[Device],
    verdicts: Sequence[Identification],
    reference: Reference,
    *,
    generated_at: datetime,
    registry_origin: str,
    inventories: Iterable[str] = (),
    cost_table: Mapping[str, Decimal] | None = None,
    currency: str = "",
    parties: list[PartyFinding] | None = None,
    screening_note: str = "",
) -> Summary:
    table = {cost_key(k) if k != "*" else "*": v for k, v in (cost_table or {}).items()}
    counts = dict.fromkeys(Status, 0)
    groups: dict[str, dict[str, Group]] = {"site": {}, "maker": {}, "rule": {}, "type": {}}
    rows: list[tuple[Device, Identification, Decimal | None]] = []
    costs = {Status.COVERED: Decimal(0), Status.PROBABLY_COVERED: Decimal(0)}
    unpriced = relabels = inferred = 0
    for device, verdict in zip(devices, verdicts, strict=True):
        cost = unit_cost(device, table)
        rows.append((device, verdict, cost))
        counts[verdict.status] += 1
        if verdict.status.flagged:
            if cost is None:
                unpriced += 1
            else:
                costs[verdict.status] += cost
            relabels += verdict.relabel
            inferred += verdict.inferred_only
        keys = {
            "site": [device.site or "(no site)"],
            "maker": [verdict.maker if verdict.status is not Status.UNKNOWN and verdict.maker else "(unknown)"],
            "rule": list(verdict.rules) or ["(none)"],
            "type": [device.device_type or "(no type)"],
        }
        for dimension, names in keys.items():
            for name in names:
                _count(groups[dimension].setdefault(name, Group(name)), verdict, cost)
    notes = [f"{rule.title}: {rule.summary}" for rule in reference.rules.values()]
    return Summary(
        generated_at=generated_at,
        registry_origin=registry_origin,
        inventories=list(inventories),
        currency=currency,
        rows=rows,
        counts=counts,
        covered_cost=costs[Status.COVERED],
        probable_cost=costs[Status.PROBABLY_COVERED],
        unpriced=unpriced,
        relabels=relabels,
        inferred_only=inferred,
        by_site=_ordered(groups["site"]),
        by_maker=_ordered(groups["maker"]),
        by_rule=[g for g in _ordered(groups["rule"]) if g.name != "(none)"],
        by_type=_ordered(groups["type"]),
        parties=parties or [],
        screening_note=screening_note,
        rule_notes=notes,
    )


def _count(group: Group, verdict: Identification, cost: Decimal | None) -> None:
    group.devices += 1
    if verdict.status is Status.COVERED:
        group.covered += 1
    elif verdict.status is Status.PROBABLY_COVERED:
        group.probable += 1
    else:
        return
    if cost is None:
        group.unpriced += 1
    else:
        group.cost += cost


def _ordered(groups: dict[str, Group]) -> list[Group]:
    return sorted(groups.values(), key=lambda g: (-g.flagged, -g.devices, g.name))


def money(value: Decimal, currency: str = "") -> str:
    text = f"{value:,.2f}"
    return f"{currency} {text}".strip()


def verdict_columns(verdict: Identification) -> dict[str, str]:
    """The five columns every tabular report adds after the inventory's own columns."""
    return {
        "maker": verdict.maker,
        "status": verdict.status.value,
        "rules": "; ".join(verdict.rules),
        "confidence": f"{verdict.confidence:.2f}",
        "evidence": verdict.evidence_text(),
    }


def own_columns(columns: Sequence[str]) -> list[str]:
    """The inventory's columns as written, renamed only where one would shadow a verdict column."""
    return [f"inventory {c}" if c in OUTPUT_COLUMNS else c for c in columns]


def row_values(columns: Sequence[str], device: Device, verdict: Identification) -> list[str]:
    own = [device.raw.get(column, "") for column in columns]
    return own + list(verdict_columns(verdict).values())
