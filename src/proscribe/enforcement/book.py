"""A generated test book: transactions with parties from real list entries and real clean names, and expected decisions.

Enforcement is checked end to end on a book that looks like a payments
ledger: mostly clean payments between people from the public negatives
benchmark, and among them payments to SDN-listed parties, NS-CMIC companies
(payments and securities orders), export-control and equipment-list parties,
embargoed countries and regions, listed banks' BICs, listed vessels, names
mentioned in remittance text, and companies blocked only through ownership.
The expected decision of each category follows from the policy alone.

Parties are chosen so that the expectation does not rest on matching luck:
a listed entry is used when screening its own name raises only hits whose
policy action is the category's, and a clean name when it raises none at all
(the engine's false-positive rate is measured elsewhere, on the raw negatives).
``filtered=False`` skips that selection (for throughput runs).
"""

from __future__ import annotations

import csv
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from proscribe.enforcement.policy import Policy, strongest
from proscribe.enforcement.textscan import NameScanner
from proscribe.match import Query, Screener
from proscribe.model import Entity, IdType, Schema

CATEGORIES: dict[str, tuple[str, float]] = {  # category -> (expected decision, share of the book)
    "clean": ("pass", 0.62),
    "sdn": ("block", 0.08),
    "sdn_bic": ("block", 0.02),
    "sdn_vessel": ("block", 0.02),
    "owned": ("block", 0.03),
    "cmic_payment": ("hold", 0.03),
    "cmic_securities": ("reject", 0.02),
    "restricted": ("hold", 0.04),
    "text_mention": ("hold", 0.03),
    "embargo_block": ("block", 0.03),
    "embargo_reject": ("reject", 0.03),
    "region": ("reject", 0.02),
    "replay": ("same", 0.02),
}
BANKS = (
    "Harbor Savings Bank",
    "Lakeside Mutual",
    "Prairie Trust Company",
    "Northgate Credit Union",
    "Cedar Valley Bank",
    "Riverbend Bancorp",
    "Summit Ridge Bank",
    "Bluewater Savings",
)
PURPOSES = ("invoice {n}", "salary {m}", "rent {m}", "consulting fees", "order {n} spare parts", "school fees")


@dataclass(slots=True)
class Book:
    records: list[dict[str, Any]]
    expected: dict[str, str]  # transaction id -> decision
    category: dict[str, str]
    ownership_rows: list[dict[str, str]] = field(default_factory=list)


def read_negatives(path: Path, limit: int | None = None) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return rows[:limit] if limit else rows


class Pools:
    """Parties for each category, drawn from the lists and the negatives, checked as the module says."""

    def __init__(
        self,
        entities: Sequence[Entity],
        negatives: Sequence[dict[str, str]],
        screener: Screener,
        policy: Policy,
        scanner: NameScanner,
        rng: random.Random,
        filtered: bool = True,
        size: int = 120,
    ) -> None:
        self.screener, self.policy, self.rng, self.filtered = screener, policy, rng, filtered
        self.sequential = False  # True: every payee a different person (no repetition to profit from)
        self._next = 0
        shuffled = list(entities)
        rng.shuffle(shuffled)
        self.clean = self._clean(negatives, size * 10)
        self.banks = [(name, _bic(rng, scanner)) for name in BANKS if self._quiet(name, "organization")]
        self.sdn = self._listed(
            shuffled,
            "block",
            None,
            size,
            lambda e: e.source == "us_ofac_sdn" and e.schema in (Schema.PERSON, Schema.ORGANIZATION),
        )
        self.vessels = self._listed(shuffled, "block", None, size // 4, lambda e: e.schema is Schema.VESSEL)
        self.cmic = self._listed(
            shuffled,
            "hold",
            "payment",
            size // 4,
            lambda e: any(p.upper().startswith(("CMIC", "NS-CMIC")) for p in e.programs),
        )
        self.cmic = [e for e in self.cmic if self._action(e.caption, e.schema.value, "securities") == "reject"]
        self.restricted = self._listed(
            shuffled, "hold", None, size, lambda e: e.source in ("us_bis_dpl", "us_fcc_covered", "us_trade_csl")
        )
        self.bics = [
            (e, i.value)
            for e in shuffled
            if e.source == "us_ofac_sdn"
            for i in e.identifiers
            if i.type is IdType.BIC and scanner.listed_identifier(i.value)
        ][:size]
        mentionable = [e for e in self.sdn if e.schema is Schema.ORGANIZATION and len(e.caption.split()) <= 4]
        self.mentions = [
            e for e in mentionable if self._mentioned(scanner, f"ref 1 payment to {e.caption} per contract")
        ]

    def _mentioned(self, scanner: NameScanner, text: str) -> bool:
        windows = scanner.windows(text)
        if not self.filtered:
            return bool(windows)
        return any(self.screener.screen(Query.build(w.text)).alert for w in windows)

    def payee(self) -> dict[str, str]:
        if not self.sequential:
            return self.rng.choice(self.clean)
        self._next += 1
        return self.clean[self._next % len(self.clean)]

    def _clean(self, negatives: Sequence[dict[str, str]], wanted: int) -> list[dict[str, str]]:
        found = []
        for row in negatives:
            name = row["full_name"]  # screened as the book uses it: alone (payee) and with US (customer)
            if not self.filtered or (self._quiet(name, None) and self._quiet(name, None, "US")):
                found.append(row)
                if len(found) >= wanted:
                    break
        return found

    def _quiet(self, name: str, schema: str | None, country: str | None = None) -> bool:
        return not self.filtered or not self.screener.screen(Query.build(name, schema, None, country)).alert

    def _action(self, name: str, schema: str | None, kind: str | None) -> str:
        result = self.screener.screen(Query.build(name, schema))
        actions = []
        for match in result.matches:
            if match.match:
                decided = self.policy.decide_entity(match.source, match.programs, kind)
                low = decided.action in ("block", "reject") and match.score < self.policy.auto_decide_score
                actions.append("hold" if low else decided.action)
        return strongest(actions)

    def _listed(
        self, entities: Iterable[Entity], action: str, kind: str | None, wanted: int, keep: Any
    ) -> list[Entity]:
        found: list[Entity] = []
        for entity in entities:
            if not keep(entity):
                continue
            if self.filtered and self._action(entity.caption, entity.schema.value, kind) != action:
                continue
            found.append(entity)
            if len(found) >= wanted:
                break
        return found


def _bic(rng: random.Random, scanner: NameScanner) -> str:
    while True:
        bic = "".join(rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ") for _ in range(4)) + rng.choice(("US", "GB", "DE", "FR"))
        bic += rng.choice("ABCDEFGH") + rng.choice("23456789")
        if scanner.listed_identifier(bic) is None:
            return bic


def generate(pools: Pools, count: int, start: date, end: date, rng: random.Random) -> Book:
    """``count`` transactions dated between ``start`` and ``end`` (in date order), with expected decisions."""
    days = (end - start).days
    dates = sorted(start + timedelta(days=rng.randint(0, days)) for _ in range(count))
    names = list(CATEGORIES)
    weights = [CATEGORIES[n][1] for n in names]
    book = Book([], {}, {})
    owned = _owned_companies(pools, rng, book)
    for number, day in enumerate(dates, start=1):
        category = rng.choices(names, weights)[0]
        if category == "replay" and book.records:
            earlier = rng.choice(book.records)
            book.records.append(dict(earlier))
            continue
        if category == "replay":
            category = "clean"
        tx_id = f"T{number:06d}"
        record = _base(pools, rng, tx_id, day)
        _apply(category, record, pools, rng, owned)
        book.records.append(record)
        book.expected[tx_id] = CATEGORIES[category][0]
        book.category[tx_id] = category
    return book


def _base(pools: Pools, rng: random.Random, tx_id: str, day: date) -> dict[str, Any]:
    customer = rng.choice(pools.clean[: max(len(pools.clean) // 10, 1)])  # a bank's customers recur
    payee = pools.payee()
    bank, bic = rng.choice(pools.banks) if pools.banks else ("Harbor Savings Bank", "HSBKUS33")
    purpose = rng.choice(PURPOSES).format(n=rng.randint(1000, 99999), m=day.strftime("%B"))
    return {
        "id": tx_id,
        "kind": "payment",
        "amount": f"{rng.randint(100, 2_000_000) / 100:.2f}",
        "currency": rng.choice(("USD", "USD", "USD", "EUR", "GBP")),
        "date": day.isoformat(),
        "originator": {"name": customer["full_name"], "country": "US"},
        "beneficiary": {"name": payee["full_name"], "bank": bank, "bic": bic},
        "purpose": purpose,
    }


def _apply(category: str, record: dict[str, Any], pools: Pools, rng: random.Random, owned: list[str]) -> None:
    beneficiary = record["beneficiary"]
    if category in ("sdn", "restricted", "cmic_payment", "cmic_securities"):
        pool = {"sdn": pools.sdn, "restricted": pools.restricted}.get(category, pools.cmic)
        beneficiary["name"] = rng.choice(pool).caption
        if category == "cmic_securities":
            record.update(kind="securities", isin="US0378331005", quantity=str(rng.randint(1, 500)))
    elif category == "sdn_bic":
        entity, bic = rng.choice(pools.bics)
        beneficiary.update(bank=entity.caption, bic=bic)
    elif category == "sdn_vessel":
        vessel = rng.choice(pools.vessels)
        record["vessel"] = {"name": vessel.caption}
        record["purpose"] = "freight charges"
    elif category == "owned":
        beneficiary["name"] = rng.choice(owned)
    elif category == "text_mention":
        record["remittance_info"] = (
            f"ref {rng.randint(1, 999)} payment to {rng.choice(pools.mentions).caption} per contract"
        )
    elif category == "embargo_block":
        beneficiary["country"] = rng.choice(("CU", "KP"))
    elif category == "embargo_reject":
        beneficiary["country"] = "IR"
    elif category == "region":
        beneficiary["address"] = rng.choice(("5 Pushkin st, Simferopol", "Sevastopol, Crimea", "12 Artema, Donetsk"))


def _owned_companies(pools: Pools, rng: random.Random, book: Book) -> list[str]:
    """Unlisted companies blocked only through ownership: direct 60 %, two owners of 25 %, a chain."""
    names: list[str] = []
    sdn = [e for e in pools.sdn if e.schema is Schema.ORGANIZATION] or pools.sdn
    for number in range(12):
        company = f"Verdant Holding Number {_words(number)} Limited"
        owners = rng.sample(sdn, 2)
        if number % 3 == 0:
            rows = [(owners[0].id, company, "60")]
        elif number % 3 == 1:
            rows = [(owners[0].id, company, "25"), (owners[1].id, company, "25")]
        else:
            middle = f"Verdant Intermediate {_words(number)} Limited"
            rows = [(owners[0].id, middle, "60"), (middle, company, "50")]
        book.ownership_rows.extend(
            {"owner": o, "owned": d, "share_percent": s, "source": "test registry"} for o, d, s in rows
        )
        names.append(company)
    return names


def _words(number: int) -> str:
    words = [
        "Alder",
        "Birch",
        "Cypress",
        "Dogwood",
        "Elm",
        "Fir",
        "Ginkgo",
        "Hazel",
        "Ivy",
        "Juniper",
        "Larch",
        "Maple",
    ]
    return words[number]
