"""OpenSanctions datasets in FollowTheMoney JSON lines (``entities.ftm.json``).

One JSON object per line: parties (Person, Company, Vessel ...) and the
records that link them (Sanction, Ownership, Directorship, Family,
Associate), which point at parties by id and may come before or after them.
Only parties become entities; links are attached to the parties they name.

To attach links without holding every party in memory the file is read
twice: the first pass keeps only the links and each party's caption (for
naming the other side of a relation), the second converts parties one at a
time. Memory is bounded by links and captions, never by full records.
Records of other schemas (Address, Identification, Occupancy ...) are
skipped: their facts are repeated as plain properties on the parties.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from proscribe.countries import country_code
from proscribe.model import (
    Address,
    Entity,
    Identifier,
    IdType,
    Name,
    NameKind,
    PartialDate,
    Relation,
    Schema,
    Vessel,
    make_id,
)
from proscribe.sources.base import Format, ListFile, ListFormatError, sniff

SOURCE = "opensanctions"

PARTY_SCHEMAS = {
    "Person": Schema.PERSON,
    "Organization": Schema.ORGANIZATION,
    "Company": Schema.ORGANIZATION,
    "LegalEntity": Schema.ORGANIZATION,
    "PublicBody": Schema.ORGANIZATION,
    "Vessel": Schema.VESSEL,
    "Airplane": Schema.AIRCRAFT,
}
# Link schema -> (property of one side, property of the other side,
#                 relation type seen from the first side, relation type seen from the second, note property).
_LINKS = {
    "Ownership": ("owner", "asset", "asset", "owner", "ownershipType"),
    "Directorship": ("director", "organization", "director_of", "director", "role"),
    "Family": ("person", "relative", "family", "family", "relationship"),
    "Associate": ("person", "associate", "associate", "associate", "relationship"),
}
_IDENTIFIERS: dict[str, IdType] = {
    "passportNumber": IdType.PASSPORT,
    "taxNumber": IdType.TAX_ID,
    "innCode": IdType.TAX_ID,
    "vatCode": IdType.TAX_ID,
    "registrationNumber": IdType.REGISTRATION,
    "ogrnCode": IdType.REGISTRATION,
    "okpoCode": IdType.REGISTRATION,
    "uscCode": IdType.USCC,
    "leiCode": IdType.LEI,
    "swiftBic": IdType.BIC,
    "isinCode": IdType.ISIN,
    "imoNumber": IdType.IMO,
    "mmsi": IdType.MMSI,
    "socialSecurityNumber": IdType.SSN,
    "serialNumber": IdType.AIRCRAFT_SERIAL,
    "email": IdType.EMAIL,
    "phone": IdType.PHONE,
    "website": IdType.WEBSITE,
    "dunsCode": IdType.OTHER,
    "licenseNumber": IdType.OTHER,
}
_NAME_KINDS = (("alias", NameKind.AKA), ("previousName", NameKind.FKA), ("weakAlias", NameKind.WEAK))
_COUNTRY_PROPS = ("country", "jurisdiction", "mainCountry")
_ATTRIBUTE_PROPS = ("position", "topics", "deathDate", "legalForm", "status", "sector", "pastFlags", "modifiedAt")
_DATE = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?")


@dataclass(slots=True)
class _Links:
    """What the first pass learns about the parties: captions, and the links pointing at each."""

    captions: dict[str, str] = field(default_factory=dict)
    relations: dict[str, list[tuple[str, str, float | None, str | None]]] = field(default_factory=dict)
    sanctions: dict[str, dict[str, list[str]]] = field(default_factory=dict)


def parse(list_file: ListFile) -> Iterator[Entity]:
    for path in list_file.paths:
        links = _collect_links(path)
        for where, record in _records(path):
            schema = PARTY_SCHEMAS.get(record["schema"])
            if schema is None:
                continue
            try:
                yield _entity(record, schema, links, list_file.source)
            except (ValueError, TypeError, AttributeError, KeyError) as error:
                raise ListFormatError(path, where, str(error)) from error


def _records(path: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    """Each line as an FtM object with ``id``, ``schema`` and ``properties``; anything else is an error."""
    try:
        handle = path.open("rb")
    except OSError as error:
        raise ListFormatError(path, None, f"cannot read the file: {error.strerror}") from error
    with handle:
        for number, raw in enumerate(handle, 1):
            where = f"line {number}"
            if not raw.strip():
                continue
            try:
                record = json.loads(raw.decode("utf-8").removeprefix("\ufeff"))
            except UnicodeDecodeError as error:
                raise ListFormatError(path, where, f"not UTF-8 text (column {error.start + 1})") from error
            except json.JSONDecodeError as error:
                raise ListFormatError(path, where, f"bad JSON: {error.msg} at column {error.colno}") from error
            except (ValueError, RecursionError) as error:
                raise ListFormatError(path, where, f"bad JSON: {error}") from error
            yield where, _checked(path, where, record)


def _checked(path: Path, where: str, record: Any) -> dict[str, Any]:
    if not isinstance(record, dict):
        raise ListFormatError(path, where, "expected a JSON object (one FollowTheMoney entity per line)")
    for key, kind in (("id", str), ("schema", str), ("properties", dict)):
        if not isinstance(record.get(key), kind):
            raise ListFormatError(path, where, f"missing or malformed {key!r}")
    if not record["id"].strip():
        raise ListFormatError(path, where, "empty 'id'")
    return record


def _collect_links(path: Path) -> _Links:
    links = _Links()
    for where, record in _records(path):
        schema, props = record["schema"], record["properties"]
        try:
            if schema in PARTY_SCHEMAS:
                links.captions[record["id"]] = _caption(record)
            elif schema == "Sanction":
                _add_sanction(links, props)
            elif schema in _LINKS:
                _add_link(links, schema, props)
        except (ValueError, TypeError, AttributeError) as error:
            raise ListFormatError(path, where, str(error)) from error
    return links


def _add_sanction(links: _Links, props: dict[str, Any]) -> None:
    facts = {
        "program": _strings(props, "program") or _strings(props, "programId"),
        "authority": _strings(props, "authority"),
        "listed": [d for d in (_date(v) for v in _strings(props, "listingDate") + _strings(props, "startDate")) if d],
        "end_date": [d for d in (_date(v) for v in _strings(props, "endDate")) if d],
        "reason": _strings(props, "reason"),
        "provisions": _strings(props, "provisions"),
        "source_url": _strings(props, "sourceUrl"),
    }
    for party in _strings(props, "entity"):
        gathered = links.sanctions.setdefault(party, {})
        for key, values in facts.items():
            gathered.setdefault(key, []).extend(values)


def _add_link(links: _Links, schema: str, props: dict[str, Any]) -> None:
    first_prop, second_prop, first_type, second_type, note_prop = _LINKS[schema]
    share = _percentage(_strings(props, "percentage"))
    note = "; ".join(_strings(props, note_prop)) or None
    for first in _strings(props, first_prop):
        for second in _strings(props, second_prop):
            links.relations.setdefault(first, []).append((first_type, second, share, note))
            links.relations.setdefault(second, []).append((second_type, first, share, note))


def _percentage(values: Sequence[str]) -> float | None:
    """The first readable share in percent ("51", "51.5%", "51,5"); nonsense such as "1e999" is dropped."""
    for value in values:
        try:
            share = float(value.strip().rstrip("%").replace(",", "."))
        except ValueError:
            continue
        if math.isfinite(share) and 0 <= share <= 100:
            return share
    return None


# --- one party to an entity --------------------------------------------------------------------


def _entity(record: dict[str, Any], schema: Schema, links: _Links, source: str) -> Entity:
    props: dict[str, Any] = record["properties"]
    sanctions = links.sanctions.get(record["id"], {})
    attributes = _attributes(record, props, sanctions)
    listed = sorted(sanctions.get("listed", [])) or [d for d in map(_date, _strings(props, "createdAt")) if d]
    return Entity(
        id=make_id(source, record["id"]),
        source=source,
        source_id=record["id"],
        schema=schema,
        names=_names(record, props),
        programs=list(dict.fromkeys(_strings(props, "program") + sanctions.get("program", []))),
        addresses=_addresses(props),
        birth_dates=[PartialDate(d) for d in (_date(v) for v in _strings(props, "birthDate")) if d],
        birth_places=_strings(props, "birthPlace"),
        nationalities=_countries(_strings(props, "nationality")),
        citizenships=_countries(_strings(props, "citizenship")),
        gender=next((g for g in _strings(props, "gender") if g in ("male", "female")), None),
        titles=_strings(props, "title"),
        identifiers=_identifiers(props, schema),
        relations=_relations(record["id"], links, source),
        vessel=_vessel(props, links) if schema is Schema.VESSEL else None,
        listed_on=min(listed) if listed else None,
        remarks="\n".join(_strings(props, "notes") + _strings(props, "summary")) or None,
        attributes=attributes,
        raw=record,
    )


def _caption(record: dict[str, Any]) -> str:
    caption = record.get("caption")
    if isinstance(caption, str) and caption.strip():
        return caption.strip()
    names = _strings(record["properties"], "name")
    return names[0] if names else record["id"]


def _names(record: dict[str, Any], props: dict[str, Any]) -> list[Name]:
    """The caption first (OpenSanctions' pick of the best name), then other names and aliases."""
    names: list[Name] = []
    seen: set[str] = set()
    candidates = [(_caption(record), NameKind.PRIMARY)]
    candidates += [(value, NameKind.AKA) for value in _strings(props, "name")]
    for prop, kind in _NAME_KINDS:
        candidates += [(value, kind) for value in _strings(props, prop)]
    for value, kind in candidates:
        if value not in seen:
            seen.add(value)
            names.append(Name(value, kind))
    return names


def _addresses(props: dict[str, Any]) -> list[Address]:
    """Address texts, then FtM's country links as country-only addresses so screening by country sees them."""
    addresses = [Address(full=text) for text in _strings(props, "address")]
    for code in _countries([value for prop in _COUNTRY_PROPS for value in _strings(props, prop)]):
        addresses.append(Address(country=code))
    return addresses


def _identifiers(props: dict[str, Any], schema: Schema) -> list[Identifier]:
    identifiers: list[Identifier] = []
    for prop in (*_IDENTIFIERS, "idNumber"):
        id_type = _id_type(prop, schema)
        identifiers.extend(Identifier(id_type, value, label=prop) for value in _strings(props, prop))
    return identifiers


def _id_type(prop: str, schema: Schema) -> IdType:
    """``idNumber`` is a personal document for people only; an aircraft's registration is its tail number."""
    if prop == "idNumber":
        return IdType.NATIONAL_ID if schema is Schema.PERSON else IdType.OTHER
    if prop == "registrationNumber" and schema is Schema.AIRCRAFT:
        return IdType.AIRCRAFT_TAIL
    return _IDENTIFIERS[prop]


def _relations(party: str, links: _Links, source: str) -> list[Relation]:
    """Links to parties of this file; a party the file does not hold has no name to show, so its link is left out."""
    return [
        Relation(type_, links.captions[other], make_id(source, other), share, note)
        for type_, other, share, note in links.relations.get(party, [])
        if other in links.captions
    ]


def _vessel(props: dict[str, Any], links: _Links) -> Vessel:
    flag = next(iter(_countries(_strings(props, "flag"))), None)
    owners = [links.captions[owner] for owner in _strings(props, "owner") if owner in links.captions]
    return Vessel(
        call_sign=next(iter(_strings(props, "callSign")), None),
        vessel_type=next(iter(_strings(props, "type")), None),
        tonnage=next(iter(_strings(props, "tonnage")), None),
        gross_registered_tonnage=next(iter(_strings(props, "grossRegisteredTonnage")), None),
        flag=flag,
        owner="; ".join(owners) or None,
    )


def _attributes(record: dict[str, Any], props: dict[str, Any], sanctions: dict[str, list[str]]) -> dict[str, list[str]]:
    attributes: dict[str, list[str]] = {"ftm_schema": [record["schema"]]}
    for key in ("datasets", "referents"):
        values = record.get(key)
        if isinstance(values, list):
            attributes[key] = [str(value) for value in values if isinstance(value, str)]
    for key in ("first_seen", "last_seen", "last_change"):
        if isinstance(record.get(key), str):
            attributes[key] = [record[key]]
    if isinstance(record.get("target"), bool):
        attributes["target"] = [str(record["target"]).lower()]
    for prop in _ATTRIBUTE_PROPS:
        if _strings(props, prop):
            attributes[prop] = _strings(props, prop)
    if _strings(props, "createdAt"):
        attributes["created_at"] = _strings(props, "createdAt")
    for key in ("authority", "end_date", "reason", "provisions", "source_url"):
        if sanctions.get(key):
            attributes[f"sanction_{key}"] = list(dict.fromkeys(sanctions[key]))
    return {key: values for key, values in attributes.items() if values}


# --- small value helpers -----------------------------------------------------------------------


def _strings(props: dict[str, Any], prop: str) -> list[str]:
    """A property's text values, stripped; nested entity objects (other exports) are passed over."""
    value = props.get(prop)
    if value is None:
        return []
    items = value if isinstance(value, list) else [value]
    texts: list[str] = []
    for item in items:
        if isinstance(item, str):
            if item.strip():
                texts.append(item.strip())
        elif not isinstance(item, dict):
            raise TypeError(f"property {prop!r}: expected text values, found {type(item).__name__}")
    return texts


def _countries(values: Sequence[str]) -> list[str]:
    """FtM country codes (lower-case, sometimes ``ua-cri`` or ``suhh``) as upper-case ISO alpha-2 only."""
    codes: dict[str, None] = {}
    for value in values:
        code = country_code(value)
        if code and len(code) == 2 and code != "ZZ":
            codes[code] = None
    return list(codes)


def _date(value: str) -> str | None:
    """The date part of an FtM date or timestamp: ``2021-03-12T10:00:00`` -> ``2021-03-12``."""
    match = _DATE.match(value)
    return match.group(0) if match else None


# --- recognising the files -----------------------------------------------------------------------


def _recognise(head: bytes) -> bool:
    """The first line is an FtM object: parse it when it fits the sniffed head, else look for its keys."""
    first, newline, _ = head.lstrip(b"\xef\xbb\xbf \t\r\n").partition(b"\n")
    if not first.startswith(b"{"):
        return False
    if newline:
        try:
            record = json.loads(first)
        except (ValueError, RecursionError):
            return False
        return isinstance(record, dict) and all(key in record for key in ("id", "schema", "properties"))
    return all(key in first for key in (b'"id"', b'"schema"', b'"properties"'))


def claim(paths: Sequence[Path]) -> list[ListFile]:
    return [ListFile(format="opensanctions", source=SOURCE, paths=[path]) for path in paths if _recognise(sniff(path))]


FORMAT = Format(
    key="opensanctions",
    default_source=SOURCE,
    description="OpenSanctions FollowTheMoney JSON lines (entities.ftm.json)",
    parse=parse,
    claim=claim,
)
