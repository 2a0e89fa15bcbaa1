"""Translation between yente's FollowTheMoney shapes and proscribe's model, in both directions.

A yente client describes a party by example (``schema`` plus FtM properties
such as ``name``, ``firstName``, ``birthDate``, ``nationality``,
``registrationNumber``); the engine screens a name with a type, a date of
birth, a country and an identifier. Going in, every name-bearing property
becomes a name to screen and the first usable fact of each kind sharpens it;
coming out, a stored entity is written with FtM property names, lower-case
country codes and the list it came from as its dataset. The functions here
are pure, so the mapping is tested without a server.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from proscribe.api.models import check_date
from proscribe.countries import country_code
from proscribe.match import Match
from proscribe.model import Entity, IdType, NameKind

# FtM schema -> the proscribe types it covers (None: any type).
SCHEMA_TYPES: dict[str, tuple[str, ...] | None] = {
    "Thing": None,
    "LegalEntity": ("person", "organization"),
    "Person": ("person",),
    "Organization": ("organization",),
    "Company": ("organization",),
    "PublicBody": ("organization",),
    "Vessel": ("vessel",),
    "Airplane": ("aircraft",),
}
TYPE_SCHEMAS = {"person": "Person", "organization": "Organization", "vessel": "Vessel", "aircraft": "Airplane"}

NAME_PROPS = ("name", "alias", "previousName", "weakAlias", "abbreviation")
NAME_PARTS = ("firstName", "secondName", "middleName", "fatherName", "lastName")
DATE_PROPS = ("birthDate", "incorporationDate", "buildDate")
COUNTRY_PROPS = ("nationality", "citizenship", "country", "jurisdiction", "mainCountry", "flag", "birthCountry")
ID_PROPS = (
    "idNumber", "passportNumber", "registrationNumber", "taxNumber", "leiCode", "swiftBic", "imoNumber",
    "mmsi", "innCode", "ogrnCode", "vatCode", "serialNumber", "isinCode", "uniqueEntityId",
)  # fmt: skip
MAX_NAMES = 20
MAX_VALUE = 500

_ID_PROPS = {
    IdType.PASSPORT: "passportNumber",
    IdType.TAX_ID: "taxNumber",
    IdType.REGISTRATION: "registrationNumber",
    IdType.USCC: "registrationNumber",
    IdType.ISIN: "isinCode",
    IdType.IMO: "imoNumber",
    IdType.MMSI: "mmsi",
    IdType.LEI: "leiCode",
    IdType.BIC: "swiftBic",
    IdType.AIRCRAFT_SERIAL: "serialNumber",
    IdType.AIRCRAFT_TAIL: "registrationNumber",
    IdType.EMAIL: "email",
    IdType.PHONE: "phone",
    IdType.WEBSITE: "website",
}
_NAME_PROPS = {NameKind.PRIMARY: "name", NameKind.AKA: "alias", NameKind.NKA: "alias", NameKind.FKA: "previousName"}
_TOPIC_PREFIXES = (("un_", "sanction"), ("us_ofac", "sanction"), ("eu_", "sanction"), ("uk_", "sanction"),
                   ("gb_", "sanction"), ("us_bis", "export.control"))  # fmt: skip
_DATE_PREFIX = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?")


class ExampleError(ValueError):
    """An example entity that cannot be screened; the message says why."""


@dataclass(frozen=True, slots=True)
class ParsedExample:
    """What the engine screens for one example, and the example as it was understood."""

    names: list[str]
    types: tuple[str, ...] | None
    date_of_birth: str | None
    country: str | None
    id_number: str | None
    cleaned: dict[str, list[str]]

    @property
    def query_type(self) -> str | None:
        return self.types[0] if self.types and len(self.types) == 1 else None


def values(raw: Any) -> list[str]:
    """The text values of one property: a string is one value; numbers count, anything nested is ignored."""
    items = raw if isinstance(raw, list) else [raw]
    found: list[str] = []
    for item in items:
        if isinstance(item, bool) or not isinstance(item, str | int | float):
            continue
        text = str(item).strip()[:MAX_VALUE]
        if text and text not in found:
            found.append(text)
    return found


def parse_example(schema: str, properties: dict[str, Any]) -> ParsedExample:
    """Read one yente example; ExampleError when its schema is not screenable or it names nobody."""
    if schema not in SCHEMA_TYPES:
        known = ", ".join(SCHEMA_TYPES)
        raise ExampleError(f"schema {schema!r} cannot be matched; use one of {known}")
    props = {key: values(raw) for key, raw in properties.items()}
    names = _names(props)
    if not names:
        raise ExampleError("the example has no name: give name (or alias, or firstName and lastName)")
    cleaned: dict[str, list[str]] = {}
    for key in NAME_PROPS + NAME_PARTS:
        if props.get(key):
            cleaned[key] = props[key]
    dob = _first_date(props, cleaned)
    country = _first_country(props, cleaned)
    id_number = _first_id(props, cleaned)
    return ParsedExample(names, SCHEMA_TYPES[schema], dob, country, id_number, cleaned)


def _names(props: dict[str, list[str]]) -> list[str]:
    names: list[str] = []
    for key in NAME_PROPS:
        names.extend(props.get(key, []))
    composed = " ".join(props[part][0] for part in NAME_PARTS if props.get(part))
    if composed:
        names.append(composed)
    return list(dict.fromkeys(names))[:MAX_NAMES]


def _first_date(props: dict[str, list[str]], cleaned: dict[str, list[str]]) -> str | None:
    for key in DATE_PROPS:
        for value in props.get(key, []):
            found = _DATE_PREFIX.match(value)
            if found is None:
                continue
            try:
                date = check_date(found.group(0))
            except ValueError:
                continue
            if date:
                cleaned.setdefault(key, []).append(date)
                return date
    return None


def _first_country(props: dict[str, list[str]], cleaned: dict[str, list[str]]) -> str | None:
    first: str | None = None
    for key in COUNTRY_PROPS:
        for value in props.get(key, []):
            code = country_code(value)
            if code:
                cleaned.setdefault(key, []).append(code.lower())
                first = first or code
    return first


def _first_id(props: dict[str, list[str]], cleaned: dict[str, list[str]]) -> str | None:
    first: str | None = None
    for key in ID_PROPS:
        if props.get(key):
            cleaned[key] = props[key]
            first = first or props[key][0]
    return first


def topics(source: str) -> list[str]:
    return [topic for prefix, topic in _TOPIC_PREFIXES if source.startswith(prefix)]


def ftm_schema(kind: str) -> str:
    return TYPE_SCHEMAS.get(kind, "LegalEntity")


def entity_properties(entity: Entity) -> dict[str, list[str]]:
    """An entity's facts under FtM property names; empty properties are left out."""
    props: dict[str, list[str]] = {}

    def add(key: str, items: Iterable[str | None]) -> None:
        for item in items:
            if item and item not in props.setdefault(key, []):
                props[key].append(item)

    for name in entity.names:
        add(_NAME_PROPS.get(name.kind, "weakAlias"), [name.value])
    add("birthDate", [d.value for d in entity.birth_dates])
    add("birthPlace", entity.birth_places)
    add("nationality", [c.lower() for c in entity.nationalities])
    add("citizenship", [c.lower() for c in entity.citizenships])
    add("country", [c.lower() for c in entity.countries])
    add(
        "address",
        [_address_text(a.full, a.street, a.city, a.region, a.postal_code, a.country_name) for a in entity.addresses],
    )
    add("gender", [entity.gender])
    add("title", entity.titles)
    add("position", entity.attributes.get("position", []))
    for identifier in entity.identifiers:
        add(_ID_PROPS.get(identifier.type, "idNumber"), [identifier.value])
    if entity.vessel is not None:
        vessel = entity.vessel
        add("callSign", [vessel.call_sign])
        add("type", [vessel.vessel_type])
        add("tonnage", [vessel.tonnage])
        add("grossRegisteredTonnage", [vessel.gross_registered_tonnage])
        add("flag", [vessel.flag.lower() if vessel.flag and len(vessel.flag) == 2 else vessel.flag])
    add("programId", entity.programs)
    add("topics", topics(entity.source))
    add("createdAt", [entity.listed_on])
    add("notes", [entity.remarks])
    return {key: found for key, found in props.items() if found}


def _address_text(full: str | None, *parts: str | None) -> str | None:
    return full or ", ".join(p for p in parts if p) or None


def entity_response(entity: Entity) -> dict[str, Any]:
    """An entity in yente's EntityResponse shape."""
    return {
        "id": entity.id,
        "caption": entity.caption,
        "schema": ftm_schema(entity.schema.value),
        "properties": entity_properties(entity),
        "datasets": [entity.source],
        "referents": [],
        "target": True,
        "first_seen": None,
        "last_seen": None,
        "last_change": None,
    }


def explanations(match: Match, query_name: str) -> dict[str, dict[str, Any]]:
    """The match's evidence keyed by feature, the name comparison first; repeated features are added up."""
    found: dict[str, dict[str, Any]] = {
        "name": {
            "score": round(match.explanation.name_score, 4),
            "detail": match.explanation.summary or None,
            "query": query_name,
            "candidate": match.matched_name,
        }
    }
    for feature in match.explanation.features:
        key = feature.name if feature.name != "name" else "name_feature"
        entry = found.get(key)
        if entry is None:
            found[key] = {"score": round(feature.weight, 4), "detail": feature.detail or None}
        else:
            entry["score"] = round(entry["score"] + feature.weight, 4)
            entry["detail"] = "; ".join(d for d in (entry["detail"], feature.detail) if d) or None
    return found


def scored_entity(match: Match, entity: Entity | None, query_name: str) -> dict[str, Any]:
    """One ``/match`` result: the entity in FtM form plus score, match flag and explanations."""
    if entity is not None:
        base = entity_response(entity)
    else:  # the store no longer holds it (a list update raced this request): say what the index knew
        base = {
            "id": match.entity_id,
            "caption": match.caption,
            "schema": ftm_schema(match.schema),
            "properties": {"name": [match.caption], "programId": list(match.programs)},
            "datasets": [match.source],
            "referents": [],
            "target": True,
            "first_seen": None,
            "last_seen": None,
            "last_change": None,
        }
    evidence = explanations(match, query_name)
    base.update(
        score=round(match.score, 4),
        features={key: entry["score"] for key, entry in evidence.items()},
        explanations=evidence,
        match=match.match,
        token=None,
    )
    return base


def best_per_entity(results: Sequence[tuple[str, Sequence[Match]]]) -> list[tuple[Match, str]]:
    """Matches for several names of one example, keeping each entity's best score (ties: the first name)."""
    best: dict[str, tuple[Match, str]] = {}
    for name, matches in results:
        for match in matches:
            held = best.get(match.entity_id)
            if held is None or match.score > held[0].score:
                best[match.entity_id] = (match, name)
    return sorted(best.values(), key=lambda pair: (-pair[0].score, pair[0].entity_id))
