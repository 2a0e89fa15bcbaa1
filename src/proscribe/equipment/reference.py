"""The reference facts behind every equipment flag, loaded from the CSV files in ``data/``.

Each row keeps the source it was taken from and its grade: ``V`` (seen in the
source itself) or ``I`` (secondary or inferred). A flag resting only on grade
``I`` rows is a lower-confidence signal and the reports say so, so the files
are data with provenance rather than constants in code: a reviewer can check
every row against its source, and a correction is a one-line data change.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources

GRADES = ("V", "I")
RELATIONS = ("maker", "subsidiary", "own-brand", "joint-venture", "parent", "oem", "oem-some", "oem-low")

# Legal-form words carry no identity: "Hytera Communications Co .,ltd" and
# "Hytera Communications Corporation Limited" name the same registrant.
_LEGAL_WORDS = frozenset(
    {"co", "company", "corp", "corporation", "inc", "incorporated", "ltd", "limited", "llc"}
    | {"gmbh", "ag", "sa", "bv", "pvt", "private", "plc"}
)
_NON_ALNUM = re.compile(r"[^0-9a-z]+")


class ReferenceError(Exception):
    """A reference data file that breaks its own format (a packaging bug, not a user error)."""


@dataclass(frozen=True, slots=True)
class Provenance:
    source: str
    grade: str  # "V" or "I"

    @property
    def inferred(self) -> bool:
        return self.grade == "I"


@dataclass(frozen=True, slots=True)
class Rule:
    key: str
    title: str
    summary: str
    provenance: Provenance


@dataclass(frozen=True, slots=True)
class Maker:
    key: str
    name: str
    short: str
    rules: tuple[str, ...]
    note: str
    provenance: Provenance


@dataclass(frozen=True, slots=True)
class BrandFact:
    """A brand or company tied to covered makers: the maker itself, a subsidiary, an own brand, an OEM."""

    name: str
    makers: tuple[str, ...]
    relation: str
    qualifier: re.Pattern[str] | None  # the relation holds only for products whose text matches
    valid_from: str | None  # partial ISO date: the relation holds from then
    valid_until: str | None  # ... until then (inclusive)
    note: str
    provenance: Provenance


@dataclass(frozen=True, slots=True)
class RegistrantFact:
    """An IEEE registrant name and the covered maker it belongs to (``None``: a look-alike that is not covered)."""

    registrant: str
    maker: str | None
    note: str
    provenance: Provenance


@dataclass(frozen=True, slots=True)
class ModelFact:
    pattern: re.Pattern[str]
    text: str  # the pattern as a person reads it: "DS-76xx/77xx/96xx NI"
    position: str  # "start" of the model number, or "inside" it after another prefix
    maker: str
    device_type: str
    note: str
    provenance: Provenance


@dataclass(frozen=True, slots=True)
class FingerprintFact:
    kind: str
    pattern: str
    maker: str
    note: str
    provenance: Provenance


@dataclass(frozen=True, slots=True, eq=False)
class Reference:
    rules: dict[str, Rule]
    makers: dict[str, Maker]
    brands: tuple[BrandFact, ...]
    registrants: tuple[RegistrantFact, ...]
    models: tuple[ModelFact, ...]
    fingerprints: tuple[FingerprintFact, ...]
    brand_index: dict[str, tuple[BrandFact, ...]]  # by normalised name; Lorex and Honeywell have several facts
    registrant_index: dict[str, RegistrantFact]  # by normalised registrant name

    def maker_name(self, key: str) -> str:
        return self.makers[key].short

    def rule_titles(self, maker: str) -> list[str]:
        return [self.rules[key].title for key in self.makers[maker].rules]


def normalize_name(value: str) -> str:
    """Lower-case ASCII words without punctuation or legal-form words: the key names are matched on."""
    folded = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode().lower()
    words = [word for word in _NON_ALNUM.split(folded) if word and word not in _LEGAL_WORDS]
    return " ".join(words)


def _rows(name: str) -> list[dict[str, str]]:
    text = resources.files("proscribe.equipment").joinpath("data").joinpath(name).read_text(encoding="utf-8")
    rows = list(csv.DictReader(text.splitlines()))
    for number, row in enumerate(rows, start=2):
        grade = row.get("grade", "")
        if grade not in GRADES or not row.get("source"):
            raise ReferenceError(f"data/{name}: line {number}: every row needs a source and a grade V or I")
    return rows


def _provenance(row: dict[str, str]) -> Provenance:
    return Provenance(row["source"], row["grade"])


def _optional(value: str) -> str | None:
    return value.strip() or None


@cache
def load_reference() -> Reference:
    """The reference facts shipped with the package (parsed once per process)."""
    rules = {r["key"]: Rule(r["key"], r["title"], r["summary"], _provenance(r)) for r in _rows("rules.csv")}
    makers = {
        r["key"]: Maker(r["key"], r["name"], r["short"], tuple(r["rules"].split(";")), r["note"], _provenance(r))
        for r in _rows("makers.csv")
    }
    brands = tuple(
        BrandFact(
            name=r["name"],
            makers=tuple(r["maker"].split(";")),
            relation=r["relation"],
            qualifier=re.compile(r["qualifier"], re.IGNORECASE) if r["qualifier"] else None,
            valid_from=_optional(r["valid_from"]),
            valid_until=_optional(r["valid_until"]),
            note=r["note"],
            provenance=_provenance(r),
        )
        for r in _rows("brands.csv")
    )
    registrants = tuple(
        RegistrantFact(r["registrant"], _optional(r["maker"]), r["note"], _provenance(r))
        for r in _rows("registrants.csv")
    )
    models = tuple(
        ModelFact(
            pattern=re.compile(("^" if r["position"] == "start" else r"(?<=.)") + r["pattern"], re.IGNORECASE),
            text=r["shown"],
            position=r["position"],
            maker=r["maker"],
            device_type=r["device_type"],
            note=r["note"],
            provenance=_provenance(r),
        )
        for r in _rows("models.csv")
    )
    fingerprints = tuple(
        FingerprintFact(r["kind"], r["pattern"], r["maker"], r["note"], _provenance(r))
        for r in _rows("fingerprints.csv")
    )
    brand_index: dict[str, tuple[BrandFact, ...]] = {}
    for fact in brands:
        key = normalize_name(fact.name)
        brand_index[key] = (*brand_index.get(key, ()), fact)
    registrant_index = {normalize_name(fact.registrant): fact for fact in registrants}
    reference = Reference(rules, makers, brands, registrants, models, fingerprints, brand_index, registrant_index)
    _check(reference)
    return reference


def _check(reference: Reference) -> None:
    """Every maker and rule a row names must exist: a typo in a data file must fail loudly, not flag nothing."""
    for maker in reference.makers.values():
        for rule in maker.rules:
            if rule not in reference.rules:
                raise ReferenceError(f"data/makers.csv: {maker.key}: unknown rule {rule!r}")
    named = [m for b in reference.brands for m in b.makers]
    named += [r.maker for r in reference.registrants if r.maker]
    named += [m.maker for m in reference.models] + [f.maker for f in reference.fingerprints]
    for key in named:
        if key not in reference.makers:
            raise ReferenceError(f"reference data names an unknown maker {key!r}")
    for brand in reference.brands:
        if brand.relation not in RELATIONS:
            raise ReferenceError(f"data/brands.csv: {brand.name}: unknown relation {brand.relation!r}")
