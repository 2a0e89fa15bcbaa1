"""Screening the suppliers and makers of a fleet: the reference facts first, then the official lists.

A supplier can be a covered maker's subsidiary ("Hikvision USA Inc.") even when
the devices it sold carry another label, and NDAA 889 reaches contracts with
such companies too. Each distinct supplier and label is checked two ways: the
reference facts (subsidiaries, own brands, parents, with their grade) and, when
lists are loaded, the screening engine over every current list edition, so an
official listing (FCC Covered List, Entity List, NS-CMIC ...) shows beside it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from proscribe.equipment.device import Device
from proscribe.equipment.identify import supplier_relation
from proscribe.equipment.reference import Reference, normalize_name


@dataclass(frozen=True, slots=True)
class ListMatch:
    source: str
    caption: str
    score: float
    programs: tuple[str, ...]


@dataclass(slots=True)
class PartyFinding:
    """One supplier or label of the fleet and what is known about it."""

    name: str
    role: str  # supplier | label
    devices: int
    maker: str = ""  # the covered maker it belongs to, per the reference facts
    relation: str = ""  # subsidiary, own-brand, oem ... with the fact's note
    grade: str = ""
    source: str = ""
    list_matches: list[ListMatch] = field(default_factory=list)

    @property
    def flagged(self) -> bool:
        return bool(self.maker) or bool(self.list_matches)


Screen = Callable[[str], list[ListMatch]]
"""Screens one organisation name against the loaded lists (the screening engine, bound by the caller)."""


def parties(devices: Sequence[Device]) -> list[tuple[str, str, int]]:
    """Distinct (name, role, device count): suppliers first, then labels, most devices first."""
    found: list[tuple[str, str, int]] = []
    for role, values in (("supplier", [d.supplier for d in devices]), ("label", [d.brand for d in devices])):
        counts = Counter(value.strip() for value in values if value.strip())
        found += [(name, role, count) for name, count in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]
    return found


def screen_parties(devices: Sequence[Device], reference: Reference, screen: Screen | None) -> list[PartyFinding]:
    """Every supplier and label with its reference relation and list matches; flagged ones first."""
    findings: list[PartyFinding] = []
    screened: dict[str, list[ListMatch]] = {}
    for name, role, count in parties(devices):
        finding = PartyFinding(name, role, count)
        found = supplier_relation(name, reference)
        if found is None and role == "label":
            facts = reference.brand_index.get(normalize_name(name), ())
            strong = [f for f in facts if f.relation not in ("oem-low",)]
            if strong:
                found = (strong[0].makers[0], strong[0])
        if found is not None:
            maker, fact = found
            finding.maker = reference.maker_name(maker)
            finding.relation = f"{fact.relation} ({fact.note})" if fact.note else fact.relation
            finding.grade = fact.provenance.grade
            finding.source = fact.provenance.source
        if screen is not None:
            key = normalize_name(name)
            if key not in screened:
                screened[key] = screen(name)
            finding.list_matches = screened[key]
        findings.append(finding)
    findings.sort(key=lambda f: (not f.flagged, f.role != "supplier", -f.devices, f.name))
    return findings


def engine_screen(screener: object, limit: int = 3) -> Screen:
    """A Screen over a ``proscribe.match.Screener``: organisation matches at or above its threshold."""
    from proscribe.match import Query, Screener

    assert isinstance(screener, Screener)

    def run(name: str) -> list[ListMatch]:
        result = screener.screen(Query.build(name, "organization"), limit=limit)
        return [ListMatch(m.source, m.caption, round(m.score, 2), tuple(m.programs)) for m in result.matches if m.match]

    return run
