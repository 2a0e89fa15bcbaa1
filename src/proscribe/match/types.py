"""The screening query and result shapes, as the CLI and the HTTP API emit them.

The field names here are a published contract (JSONL output of
``proscribe screen --input``, the API's JSON): change them only with a format
version bump. Every score carries its explanation so an analyst can see why a
name alerted without re-running anything.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from proscribe.countries import country_code
from proscribe.model import Schema

_SCHEMA_ALIASES = {
    "person": Schema.PERSON,
    "individual": Schema.PERSON,
    "people": Schema.PERSON,
    "organization": Schema.ORGANIZATION,
    "organisation": Schema.ORGANIZATION,
    "company": Schema.ORGANIZATION,
    "entity": Schema.ORGANIZATION,
    "legalentity": Schema.ORGANIZATION,
    "vessel": Schema.VESSEL,
    "ship": Schema.VESSEL,
    "aircraft": Schema.AIRCRAFT,
}


def parse_schema(value: str | Schema | None) -> Schema | None:
    """A schema from the words users and files write (``individual``, ``company`` ...); None when blank.

    Raises ValueError on an unknown word, so a typo in ``--type`` is reported rather than ignored.
    """
    if value is None or isinstance(value, Schema):
        return value
    key = value.strip().lower().replace(" ", "").replace("_", "").replace("-", "")
    if not key:
        return None
    try:
        return _SCHEMA_ALIASES[key]
    except KeyError:
        raise ValueError(f"unknown type {value!r}: use person, organization, vessel or aircraft") from None


@dataclass(slots=True)
class Query:
    """One name to screen, with the secondary facts that sharpen or soften a name match."""

    name: str
    schema: Schema | None = None
    date_of_birth: str | None = None  # partial ISO: 1965, 1965-04, 1965-04-29
    country: str | None = None  # ISO alpha-2 after normalisation
    id_number: str | None = None
    id: str | None = None  # echoed back untouched

    @classmethod
    def build(
        cls,
        name: str,
        schema: str | Schema | None = None,
        date_of_birth: str | None = None,
        country: str | None = None,
        id_number: str | None = None,
        id: str | None = None,
    ) -> Query:
        """A query from loose user input: schema words, country names or codes, blank strings as absent."""
        return cls(
            name=name,
            schema=parse_schema(schema),
            date_of_birth=(date_of_birth or "").strip() or None,
            country=country_code(country) if country and country.strip() else None,
            id_number=(id_number or "").strip() or None,
            id=id,
        )


@dataclass(slots=True)
class Feature:
    """One piece of evidence: what it is, its measured value, its effect on the score, and why."""

    name: str
    value: float
    weight: float  # the signed contribution to the final score (0 for informative lines)
    detail: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "value": round(self.value, 4),
            "weight": round(self.weight, 4),
            "detail": self.detail,
        }


@dataclass(slots=True)
class Explanation:
    """Why a candidate scored what it did: the matched listed name, token alignment, secondary facts."""

    matched_name: str
    name_score: float
    features: list[Feature] = field(default_factory=list)
    summary: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "matched_name": self.matched_name,
            "name_score": round(self.name_score, 4),
            "summary": self.summary,
            "features": [feature.to_dict() for feature in self.features],
        }


@dataclass(slots=True)
class Match:
    entity_id: str
    source: str
    source_id: str
    schema: str
    caption: str
    matched_name: str
    score: float
    match: bool
    programs: list[str]
    explanation: Explanation

    def to_dict(self) -> dict[str, Any]:
        return {
            "entity_id": self.entity_id,
            "source": self.source,
            "source_id": self.source_id,
            "schema": self.schema,
            "caption": self.caption,
            "matched_name": self.matched_name,
            "score": round(self.score, 4),
            "match": self.match,
            "programs": list(self.programs),
            "explanation": self.explanation.to_dict(),
        }


@dataclass(slots=True)
class ScreenResult:
    id: str | None
    query: str
    alert: bool
    matches: list[Match]

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "query": self.query,
            "alert": self.alert,
            "matches": [match.to_dict() for match in self.matches],
        }


@dataclass(slots=True)
class Comparison:
    """The result of comparing two names directly (``proscribe compare``)."""

    name1: str
    name2: str
    score: float
    match: bool
    threshold: float
    explanation: Explanation

    def to_dict(self) -> dict[str, Any]:
        return {
            "name1": self.name1,
            "name2": self.name2,
            "score": round(self.score, 4),
            "match": self.match,
            "threshold": self.threshold,
            "explanation": self.explanation.to_dict(),
        }
