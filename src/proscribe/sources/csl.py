"""trade.gov's Consolidated Screening List: CSV (today's schema and 2019's) and consolidated.json.

The CSL merges thirteen US lists (Commerce, State, Treasury) into one table;
the ``source`` column says which ("Entity List (EL) - Bureau of Industry and
Security"). We keep that list's short code in ``attributes["list"]`` and put
it first in ``programs``: whether a hit is on the SDN list (blocking) or the
Entity List (licence requirement) is the first thing an analyst needs.

The CSV flattens the JSON's arrays with ``;``; its ``ids`` cells are
"type, number, country" today but were "country, number, type" in 2019, so
the schema (``_id`` column or not) decides how they are read.
"""

from __future__ import annotations

import calendar
import hashlib
import json
import re
from collections.abc import Iterator, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from proscribe.countries import country_code, country_codes
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
from proscribe.sources.base import Format, ListFile, ListFormatError, claim_each, empty_to_none, sniff
from proscribe.sources.bis_dpl import header_of, is_us_state_with_zip, looks_like_organization, read_table

SOURCE = "us_trade_csl"

_CSV_CORE = ("source", "entity_number", "type", "programs", "name")
_JSON_MARKERS = (b'"source_list_url"', b'"alt_names"', b'"entity_number"', b'"source_information_url"')
_TYPES = {
    "individual": Schema.PERSON,
    "entity": Schema.ORGANIZATION,
    "vessel": Schema.VESSEL,
    "aircraft": Schema.AIRCRAFT,
}
# Lists whose untyped rows are mostly people (debarred / denied individuals).
_PERSON_LISTS = frozenset({"DPL", "DTC"})
_LIST_NAMES = {
    "entity list": "EL",
    "denied persons": "DPL",
    "unverified list": "UVL",
    "military end user": "MEU",
    "nonproliferation sanctions": "ISN",
    "itar debarred": "DTC",
    "specially designated nationals": "SDN",
    "sectoral sanctions": "SSI",
    "foreign sanctions evaders": "FSE",
    "capta list": "CAP",
    "correspondent account": "CAP",
    "chinese military-industrial": "CMIC",
    "menu-based sanctions": "MBS",
    "palestinian legislative council": "PLC",
}
_LIST_CODE = re.compile(r"\((?:NS-)?([A-Z]{2,5})(?: List)?\)")
_QUALIFIER = re.compile(
    r"[;,]?\s*(?:and|including)\s+(?:any|all|its)\s+(?:successors?|sub-units?|subsidiar(?:y|ies))\b.*$",
    re.IGNORECASE,
)
_EMBEDDED_ALIAS = re.compile(r"\(\s*([af])\.k\.a\.?\s+([^)]+)\)", re.IGNORECASE)
_LINKED_TO = re.compile(r"Linked To:\s*([^)]+)\)")
_ISO_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_DMY = re.compile(r"^(?:(\d{1,2})\s+)?([A-Za-z]{3,9})\.?\s+(\d{4})$")
_MONTHS = {month: number for number, month in enumerate(calendar.month_abbr) if month}
_C1 = re.compile("[\u0080-\u009f]")
_ATTRIBUTE_FIELDS = (
    "federal_register_notice",
    "license_requirement",
    "license_policy",
    "standard_order",
    "end_date",
    "source_list_url",
    "source_information_url",
    "entity_number",
)
# Labels of "ids" pieces that are sanctions facts, not identifiers (kept as attributes).
_FACT_LABEL = re.compile(
    r"sanctions|directive|executive order|prohibited|vessel flag|year of build|established date|organization type"
    r"|target type|nationality of registration|aircraft (?:model|operator|manufacture date|construction)"
    r"|listing date|effective date|other vessel|[:-]$",
    re.IGNORECASE,
)
# Identifier labels, tried in order (the first match wins: "Tax ID No." is a tax id, not a national id).
_ID_LABELS: tuple[tuple[re.Pattern[str], IdType], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE), id_type)
    for pattern, id_type in (
        (r"digital currency", IdType.CRYPTO),
        (r"e-?mail", IdType.EMAIL),
        (r"website", IdType.WEBSITE),
        (r"phone", IdType.PHONE),
        (r"passport", IdType.PASSPORT),
        (r"\bssn\b|social security", IdType.SSN),
        (r"cedula", IdType.CEDULA),
        (r"driver", IdType.DRIVING_LICENSE),
        (r"swift|\bbic\b", IdType.BIC),
        (r"legal entity number|\blei\b", IdType.LEI),
        (r"\bisin\b", IdType.ISIN),
        (r"\bmmsi\b", IdType.MMSI),
        (r"\bimo\b|vessel registration identification", IdType.IMO),
        (r"serial number|\bmsn\b", IdType.AIRCRAFT_SERIAL),
        (r"tail number", IdType.AIRCRAFT_TAIL),
        (r"unified social credit", IdType.USCC),
        (r"\btax\b|\bv\.?a\.?t\.?\b|\bnit\b|\bruc\b|r\.f\.c|\bcuit\b|\binn\b", IdType.TAX_ID),
        (r"national (?:foreign )?id|identification number|\bid no|c\.u\.r\.p|personal id", IdType.NATIONAL_ID),
        (r"registration|registry|company number|business number|matricula|gazette", IdType.REGISTRATION),
    )
)


# --- reading the three layouts -------------------------------------------------------------------


def parse(list_file: ListFile) -> Iterator[Entity]:
    for path in list_file.paths:
        records = _json_records(path) if _is_json(sniff(path, 64)) else _csv_records(path)
        seen: set[str] = set()
        for where, record, label_first in records:
            try:
                entity = _entity(record, list_file.source, label_first)
            except (ValueError, TypeError, AttributeError, KeyError) as error:
                raise ListFormatError(path, where, str(error)) from error
            entity.source_id = _unique(entity.source_id, seen)
            entity.id = make_id(list_file.source, entity.source_id)
            yield entity


def _is_json(head: bytes) -> bool:
    return head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{")


def _csv_records(path: Path) -> Iterator[tuple[str, dict[str, str], bool]]:
    """CSV rows as dicts; the flag says whether ``ids`` pieces put the label first (today's schema)."""
    table = read_table(path)
    header_row = next(table, None)
    if header_row is None:
        raise ListFormatError(path, None, "empty file: expected the Consolidated Screening List header")
    header = [cell.strip() for cell in header_row.values]
    if not all(column in header for column in _CSV_CORE):
        raise ListFormatError(path, "row 1", "not a Consolidated Screening List CSV: header lacks source/name columns")
    label_first = "_id" in header
    for row in table:
        yield row.where, dict(zip(header, row.values, strict=True)), label_first


def _json_records(path: Path) -> Iterator[tuple[str, dict[str, Any], bool]]:
    """The ``results`` of consolidated.json; the file is one document, so it is loaded whole."""
    try:
        with path.open("rb") as handle:
            document = json.loads(handle.read().decode("utf-8-sig"))
    except OSError as error:
        raise ListFormatError(path, None, f"cannot read the file: {error.strerror}") from error
    except UnicodeDecodeError as error:
        raise ListFormatError(path, f"byte {error.start}", "not UTF-8 text") from error
    except json.JSONDecodeError as error:
        raise ListFormatError(path, f"line {error.lineno}", f"bad JSON: {error.msg}") from error
    except (ValueError, RecursionError) as error:
        raise ListFormatError(path, None, f"bad JSON: {error}") from error
    results = document.get("results") if isinstance(document, dict) else None
    if not isinstance(results, list):
        raise ListFormatError(path, None, "not a Consolidated Screening List JSON: no 'results' list")
    for index, result in enumerate(results):
        if not isinstance(result, dict):
            raise ListFormatError(path, f"results[{index}]", "expected an object")
        yield f"results[{index}]", result, True


# --- one record to an entity ------------------------------------------------------------------


def _entity(record: Mapping[str, Any], source: str, label_first: bool) -> Entity:
    name = _text(record.get("name"))
    if name is None:
        raise ValueError("missing name")
    source_name = _text(record.get("source")) or ""
    code = list_code(source_name)
    schema, inferred = _schema(_text(record.get("type")), code, name)
    attributes = _attributes(record, code, source_name)
    if inferred:
        attributes["schema_inferred"] = ["true"]
    names = _names(name, _values(record.get("alt_names"), ";"), attributes)
    identifiers, gender = _identifiers(record.get("ids"), label_first, attributes)
    remarks = _text(record.get("remarks"))
    return Entity(
        id="",  # set by the caller once the id is known to be unique in the file
        source=source,
        source_id=_source_id(record, code, name),
        schema=schema,
        names=names,
        programs=list(dict.fromkeys([*([code] if code else []), *_values(record.get("programs"), ";")])),
        addresses=_addresses(record.get("addresses")),
        birth_dates=_birth_dates(_values(record.get("dates_of_birth"), ";"), attributes),
        birth_places=_values(record.get("places_of_birth"), ";"),
        nationalities=country_codes(_values(record.get("nationalities"), ";")),
        citizenships=country_codes(_values(record.get("citizenships"), ";")),
        gender=gender,
        titles=_values(record.get("title"), ";"),
        identifiers=identifiers,
        relations=[Relation("linked_to", target.strip()) for target in _LINKED_TO.findall(remarks or "")],
        vessel=_vessel(record),
        listed_on=_listed_on(record, attributes),
        remarks=remarks,
        attributes=attributes,
        raw={key: value for key, value in record.items() if value not in ("", None, [], {})},
    )


def list_code(source_name: str) -> str | None:
    """The short code of a CSL ``source``: "Entity List (EL) - Bureau ..." -> "EL"."""
    match = _LIST_CODE.search(source_name)
    if match:
        return match.group(1)
    lowered = source_name.lower()
    for words, code in _LIST_NAMES.items():
        if words in lowered:
            return code
    stripped = source_name.strip().upper()
    return stripped if 2 <= len(stripped) <= 5 and stripped.isalpha() else None


def _schema(type_: str | None, code: str | None, name: str) -> tuple[Schema, bool]:
    """The publisher's type; untyped rows (Commerce and State lists) are organisations unless clearly a person."""
    if type_ and type_.lower() in _TYPES:
        return _TYPES[type_.lower()], False
    if code in _PERSON_LISTS and not looks_like_organization(name):
        return Schema.PERSON, True
    return Schema.ORGANIZATION, True


def _source_id(record: Mapping[str, Any], code: str | None, name: str) -> str:
    """``_id`` when published; else ``<list>-<entity_number>``; else a hash of list, name and addresses.

    The 2019 CSV had no ``_id``. Treasury rows carry OFAC's entity number,
    stable across editions. Commerce and State rows carry nothing, and one
    name can be listed several times with different addresses (an EL party
    at five addresses is five entries), so the hash covers the addresses too.
    """
    published = _text(record.get("_id")) or _text(record.get("id"))
    if published:
        return published
    prefix = code or "CSL"
    number = _text(record.get("entity_number"))
    if number:
        return f"{prefix}-{number}"
    addresses = json.dumps(record.get("addresses") or "", sort_keys=True, ensure_ascii=False)
    digest = hashlib.sha1(f"{prefix}|{name}|{addresses}".encode()).hexdigest()[:12]
    return f"{prefix}-{digest}"


def _unique(source_id: str, seen: set[str]) -> str:
    """Exact duplicate rows would collide; later copies get a counter, in file order."""
    candidate, counter = source_id, 1
    while candidate in seen:
        counter += 1
        candidate = f"{source_id}-{counter}"
    seen.add(candidate)
    return candidate


def _names(name: str, alt_names: Sequence[str], attributes: dict[str, list[str]]) -> list[Name]:
    """The published name first; qualifiers ("; and any successor ...") cut off into an extra alias."""
    names: list[Name] = [Name(name)]
    seen = {name}

    def add(value: str, kind: NameKind) -> None:
        value = value.strip(" ;,")
        if value and value not in seen:
            seen.add(value)
            names.append(Name(value, kind))

    for index, text in enumerate([name, *alt_names]):
        text = re.sub(r"^and\s+", "", text.strip(), flags=re.IGNORECASE)
        qualifier = _QUALIFIER.search(text)
        if qualifier:
            attributes.setdefault("name_qualifier", []).append(qualifier.group(0).strip(" ;,"))
            text_clean = text[: qualifier.start()]
        else:
            text_clean = text
        if index:
            add(text, NameKind.AKA)
        add(text_clean, NameKind.AKA)
        for match in _EMBEDDED_ALIAS.finditer(text_clean):
            add(match.group(2), NameKind.FKA if match.group(1).lower() == "f" else NameKind.AKA)
            add(_EMBEDDED_ALIAS.sub("", text_clean), NameKind.AKA)
    return names


def _addresses(value: Any) -> list[Address]:
    """CSV: "street, city, state, postal, CC" pieces joined by ';'. JSON: objects with those fields."""
    if isinstance(value, list) and all(isinstance(item, dict) for item in value):
        found = [_json_address(item) for item in value]
    else:
        found = [_csv_address(re.sub(r"^and\s+", "", piece, flags=re.IGNORECASE)) for piece in _values(value, ";")]
    return [address for address in found if address.full or address.country]


def _json_address(item: Mapping[str, Any]) -> Address:
    street, city, region, postal, country = (
        _text(item.get(key)) for key in ("address", "city", "state", "postal_code", "country")
    )
    full = ", ".join(part for part in (street, city, region, postal, country) if part)
    code = country_code(country)
    return Address(full or None, street, city, region, postal, code, None if code else country)


def _csv_address(piece: str) -> Address:
    """The CSV joins the JSON fields with ", ", empty ones left out: only the final country code is certain."""
    parts = [part.strip() for part in piece.split(",")]
    code = country_code(parts[-1]) if len(parts[-1]) == 2 and parts[-1].isupper() else None
    if code is None and len(parts) > 2 and is_us_state_with_zip(parts[-2], parts[-1]):
        code = "US"  # "street, city, AZ, 85043": a US address whose country was left out
    return Address(full=None if code and len(parts) == 1 else piece, country=code)


def _identifiers(
    value: Any, label_first: bool, attributes: dict[str, list[str]]
) -> tuple[list[Identifier], str | None]:
    """Identifiers, plus the gender and the sanctions facts that CSL files under ``ids``."""
    identifiers: list[Identifier] = []
    gender: str | None = None
    for label, number, country in _id_pieces(value, label_first):
        if label.lower() == "gender":
            gender = number.lower() if number.lower() in ("male", "female") else None
        elif _FACT_LABEL.search(label):
            attributes.setdefault(label.rstrip(" :-") or "fact", []).append(number)
        else:
            id_type = _id_type(label)
            if id_type is IdType.IMO:
                number = re.sub(r"^IMO\s*", "", number)
            identifiers.append(Identifier(id_type, number, country_code(country), label or None))
    return identifiers, gender


def _id_pieces(value: Any, label_first: bool) -> Iterator[tuple[str, str, str | None]]:
    """(label, number, country) triples from JSON objects or CSV pieces in either column order."""
    if isinstance(value, list) and all(isinstance(item, dict) for item in value):
        for item in value:
            label, number = _text(item.get("type")) or "", _text(item.get("number"))
            if number:
                yield label, number, _text(item.get("country"))
        return
    for piece in _values(value, ";"):
        parts = [part.strip() for part in piece.split(",")]
        if len(parts) < 2:
            yield "", piece, None
            continue
        if label_first:
            label, rest = parts[0], parts[1:]
            country = rest.pop() if len(rest) > 1 and _is_country(rest[-1]) else None
        else:
            label, rest = parts[-1], parts[:-1]
            country = rest.pop(0) if len(rest) > 1 and _is_country(rest[0]) else None
        yield label, ", ".join(rest), country


def _is_country(text: str) -> bool:
    return len(text) == 2 and text.isupper() and country_code(text) is not None


def _id_type(label: str) -> IdType:
    for pattern, id_type in _ID_LABELS:
        if pattern.search(label):
            return id_type
    return IdType.OTHER


def _birth_dates(values: Sequence[str], attributes: dict[str, list[str]]) -> list[PartialDate]:
    dates: list[PartialDate] = []
    for text in values:
        circa = "circa" in text.lower()
        start, _, end = re.sub(r"(?i)circa", "", text).strip().partition(" to ")
        value, end_value = partial_date(start), partial_date(end) if end else None
        if value is None:
            attributes.setdefault("dates_of_birth_unparsed", []).append(text)
            continue
        dates.append(PartialDate(value, end_value, circa))
    return dates


def partial_date(text: str | None) -> str | None:
    """ISO ``YYYY[-MM[-DD]]`` as is, "12 Jan 1960" / "Jan 1960" to ISO; None when not a real date."""
    text = (text or "").strip()
    match = _ISO_DATE.match(text)
    if match:
        year, month, day = match.groups()
    else:
        match = _DMY.match(text)
        month_number = _MONTHS.get(match.group(2)[:3].title()) if match else None
        if match is None or month_number is None:
            return None
        day, year, month = match.group(1), match.group(3), f"{month_number:02d}"
        day = f"{int(day):02d}" if day else None
    try:
        date(int(year), int(month or 1), int(day or 1))
    except ValueError:
        return None
    return "-".join(part for part in (year, month, day) if part)


def _vessel(record: Mapping[str, Any]) -> Vessel | None:
    fields = ("call_sign", "vessel_type", "gross_tonnage", "gross_registered_tonnage", "vessel_flag", "vessel_owner")
    call_sign, vessel_type, tonnage, grt, flag, owner = (_text(record.get(key)) for key in fields)
    if not any((call_sign, vessel_type, tonnage, grt, flag, owner)):
        return None
    return Vessel(call_sign, vessel_type, tonnage, grt, country_code(flag) or flag, owner)


def _listed_on(record: Mapping[str, Any], attributes: dict[str, list[str]]) -> str | None:
    start = _text(record.get("start_date"))
    listed = partial_date(start)
    if start and listed is None:
        attributes["start_date"] = [start]
    return listed


def _attributes(record: Mapping[str, Any], code: str | None, source_name: str) -> dict[str, list[str]]:
    attributes: dict[str, list[str]] = {}
    if code:
        attributes["list"] = [code]
    if source_name:
        attributes["list_name"] = [source_name]
    for key in _ATTRIBUTE_FIELDS:
        values = _values(record.get(key), None)
        if values:
            attributes[key] = values
    return attributes


# --- small value helpers -----------------------------------------------------------------------


def _text(value: Any) -> str | None:
    """A stripped string (C1 control characters repaired), or None; numbers become strings."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        value = str(value)
    if not isinstance(value, str):
        raise TypeError(f"expected text, found {type(value).__name__}")
    return empty_to_none(_C1.sub(_cp1252, value))


def _cp1252(match: re.Match[str]) -> str:
    """Some CSL rows were converted from Windows-1252 byte-for-byte ("Gui\\x92an"): restore the character."""
    return bytes([ord(match.group(0))]).decode("cp1252", errors="ignore")


def _values(value: Any, separator: str | None) -> list[str]:
    """A JSON array or a CSV cell split on ``separator``, as stripped non-empty strings."""
    items = value if isinstance(value, list) else [value]
    values: list[str] = []
    for item in items:
        text = _text(item)
        if text is None:
            continue
        pieces = text.split(separator) if separator and not isinstance(value, list) else [text]
        values.extend(piece.strip() for piece in pieces if piece.strip())
    return values


# --- recognising the files -----------------------------------------------------------------------


def _recognise(path: Path, head: bytes) -> bool:
    if _is_json(head):
        return b'"results"' in head and any(marker in head for marker in _JSON_MARKERS)
    header = header_of(head)
    return all(column in header for column in _CSV_CORE)


def claim(paths: Sequence[Path]) -> list[ListFile]:
    return claim_each(paths, "csl", SOURCE, _recognise)


FORMAT = Format(
    key="csl",
    default_source=SOURCE,
    description="US trade.gov Consolidated Screening List (CSV, 2019 CSV, consolidated.json)",
    parse=parse,
    claim=claim,
)
