"""The EU Financial Sanctions Files (FSF), full list in the XML 1.1 layout.

The Commission publishes ``xmlFullSanctionsList_1_1``: a root ``export`` in the
namespace ``http://eu.europa.ec/fpi/fsd/export`` (``generationDate`` on it)
holding ``sanctionEntity`` records keyed by ``logicalId``. Almost everything is
carried in attributes: ``nameAlias`` (one per name and language, ``strong``
false for weak aliases), ``citizenship``, ``birthdate`` (a full date, its
parts, or a span of years, with ``circa``), ``identification`` and ``address``.
The EU lists each name in up to 24 languages; all are kept, each tagged with
its language, because customers write names in their own language.

The file is streamed with ``iterparse`` and each record released once
converted: the full list is tens of megabytes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, TypeVar

from lxml import etree

from proscribe.countries import country_code
from proscribe.model import (
    Address,
    Entity,
    Identifier,
    IdType,
    Name,
    NameKind,
    PartialDate,
    Schema,
    make_id,
)
from proscribe.sources.base import Format, ListFile, ListFormatError, partial_iso_date, sniff, unique
from proscribe.sources.xml_stream import stream_entities

FORMAT_KEY = "eu_fsf"
SOURCE = "eu_fsf"
NAMESPACE = "http://eu.europa.ec/fpi/fsd/export"

_T = TypeVar("_T")


def _tag(local: str) -> str:
    return f"{{{NAMESPACE}}}{local}"


ROOT = _tag("export")
_ENTITY = _tag("sanctionEntity")
_UNKNOWN_COUNTRY = {"", "00"}
_GENDERS = {"M": "male", "F": "female"}
_ID_TYPES = {
    "passport": IdType.PASSPORT,
    "id": IdType.NATIONAL_ID,
    "nrn": IdType.NATIONAL_ID,
    "ssn": IdType.SSN,
    "fiscalcode": IdType.TAX_ID,
    "regnumber": IdType.REGISTRATION,
    "imo": IdType.IMO,
    "swiftbic": IdType.BIC,
    "drivinglicence": IdType.DRIVING_LICENSE,
}
_CONTACT_TYPES = {"PHONE": IdType.PHONE, "FAX": IdType.PHONE, "EMAIL": IdType.EMAIL, "WEB": IdType.WEBSITE}
_DOCUMENT_FLAGS = ("diplomatic", "knownExpired", "knownFalse", "reportedLost", "revokedByIssuer")
_YEAR = re.compile(r"\d{4}")

# Root-element sniffing: skip the declaration, comments and DOCTYPE, read the first tag and its namespace.
_COMMENT = re.compile(rb"<!--.*?-->", re.DOTALL)
_FIRST_TAG = re.compile(rb"<(?:[A-Za-z_][\w.\-]*:)?([A-Za-z_][\w.\-]*)([^>]*)>")
_GENERATED = re.compile(rb'generationDate\s*=\s*"(\d{4}-\d{2}-\d{2})')


# -- recognising the file ---------------------------------------------------


def recognise(head: bytes) -> bool:
    """True when the first element is ``export`` declaring the FSF namespace: ``export`` alone is too common."""
    match = _FIRST_TAG.search(_COMMENT.sub(b"", head))
    return match is not None and match.group(1) == b"export" and NAMESPACE.encode() in match.group(2)


def claim(paths: Sequence[Path]) -> list[ListFile]:
    """Claim every FSF export, dated from its ``generationDate``."""
    found: list[ListFile] = []
    for path in paths:
        head = sniff(path)
        if recognise(head):
            generated = _GENERATED.search(head)
            published = generated.group(1).decode("ascii") if generated else None
            found.append(ListFile(format=FORMAT_KEY, source=SOURCE, paths=[path], publisher_date=published))
    return found


# -- streaming the records --------------------------------------------------


def parse(list_file: ListFile) -> Iterator[Entity]:
    """Yield one entity per ``sanctionEntity``; any unreadable input becomes a ListFormatError."""
    path = list_file.paths[0]
    return stream_entities(path, _records(path, list_file), _entity, "logicalId", _where)


def _records(path: Path, list_file: ListFile) -> Iterator[Any]:
    """Complete ``sanctionEntity`` elements, after checking the root says this is an FSF export."""
    events = etree.iterparse(str(path), events=("start", "end"), resolve_entities=False, no_network=True)
    root: Any = None
    for event, element in events:
        if root is None:
            root = element
            if element.tag != ROOT:
                raise ListFormatError(
                    path,
                    f"line {element.sourceline}",
                    f"root element is <{element.tag}>, not <export> in {NAMESPACE}: not an EU FSF export",
                )
            list_file.publisher_date = (
                partial_iso_date((element.get("generationDate") or "")[:10]) or list_file.publisher_date
            )
        elif event == "end" and element.tag == _ENTITY and element.getparent() is root:
            yield element
    if root is None:
        raise ListFormatError(path, None, "the file holds no XML element")


def _where(record: Any) -> str:
    logical_id = _attr(record, "logicalId")
    label = f"<sanctionEntity> logicalId={logical_id}" if logical_id else "<sanctionEntity>"
    return f"line {record.sourceline}, {label}"


# -- one record to one entity ---------------------------------------------


def _entity(path: Path, record: Any) -> Entity:
    logical_id = _attr(record, "logicalId")
    if logical_id is None:
        raise ListFormatError(path, _where(record), "no logicalId, the EU's id for the record")
    schema = _schema(record)
    aliases = list(record.iterfind(_tag("nameAlias")))
    names = _names(aliases)
    if not names:
        raise ListFormatError(path, _where(record), f"record {logical_id} has no name")
    regulations = list(record.iterfind(_tag("regulation")))
    births = list(record.iterfind(_tag("birthdate")))
    addresses = list(record.iterfind(_tag("address")))
    return Entity(
        id=make_id(SOURCE, logical_id),
        source=SOURCE,
        source_id=logical_id,
        schema=schema,
        names=names,
        programs=unique(p for p in (_attr(r, "programme") for r in regulations) if p),
        addresses=[a for a in map(_address, addresses) if a],
        birth_dates=unique(d for d in map(_birth_date, births) if d),
        birth_places=unique(p for p in map(_place, births) if p),
        citizenships=unique(c for c in map(_country, record.iterfind(_tag("citizenship"))) if c),
        gender=_gender(aliases) if schema is Schema.PERSON else None,
        titles=_alias_values(aliases, "title"),
        identifiers=_identifiers(record, addresses),
        listed_on=_listed_on(record, regulations),
        remarks=_remarks(record) or None,
        attributes=_attributes(record, regulations, _alias_values(aliases, "function")),
        raw=raw_record(record),
    )


def _schema(record: Any) -> Schema:
    """``person`` (classification P) is a person; the FSF's only other subject type is ``enterprise``."""
    subject = record.find(_tag("subjectType"))
    if subject is not None and (subject.get("code") == "person" or subject.get("classificationCode") == "P"):
        return Schema.PERSON
    return Schema.ORGANIZATION


def _names(aliases: list[Any]) -> list[Name]:
    """Names in the EU's order, the first strong name in the regulation's own language made primary.

    The FSF marks no primary name. Its first alias is often a translation
    (Swedish before English), so the first strong alias without a
    ``nameLanguage`` (the regulation language) is taken as the caption.
    """
    names: list[Name] = []
    for alias in aliases:
        value = _attr(alias, "wholeName") or _join(_attr(alias, key) for key in ("firstName", "middleName", "lastName"))
        weak = _attr(alias, "strong") == "false" or "low quality" in _remarks(alias).lower()
        lang = (_attr(alias, "nameLanguage") or "").lower() or None
        if value:
            names.append(Name(value, NameKind.WEAK if weak else NameKind.AKA, lang=lang))
    strong = [n for n in names if n.kind is NameKind.AKA]
    primary = next((n for n in strong if n.lang is None), strong[0] if strong else names[0] if names else None)
    if primary is None:
        return []
    primary.kind = NameKind.PRIMARY
    distinct: dict[tuple[str, str | None], Name] = {}
    for name in [primary, *(n for n in names if n is not primary)]:
        distinct.setdefault((name.value, name.lang), name)
    return list(distinct.values())


def _alias_values(aliases: list[Any], attribute: str) -> list[str]:
    """One attribute over all the names: the EU puts titles, functions and gender on each name."""
    return unique(v for v in (_attr(alias, attribute) for alias in aliases) if v)


def _gender(aliases: list[Any]) -> str | None:
    """The gender the names agree on; none when they disagree or say nothing."""
    genders = {_GENDERS.get(g) for g in _alias_values(aliases, "gender")} - {None}
    return genders.pop() if len(genders) == 1 else None


def _birth_date(node: Any) -> PartialDate | None:
    """A full date, else year/month/day parts, else a span of years; ``circa`` as the EU flags it."""
    if (_attr(node, "calendarType") or "GREGORIAN").upper() != "GREGORIAN":
        return None  # other calendars stay in raw: their numbers are not Gregorian years
    circa = _attr(node, "circa") == "true"
    full = partial_iso_date(_attr(node, "birthdate"))
    if full:
        return PartialDate(full, circa=circa)
    year = _year(_attr(node, "year"))
    if year:
        return PartialDate(_from_parts(year, _attr(node, "monthOfYear"), _attr(node, "dayOfMonth")), circa=circa)
    low, high = _year(_attr(node, "yearRangeFrom")), _year(_attr(node, "yearRangeTo"))
    if low or high:
        return PartialDate(low or high or "", end=high if low and high and high != low else None, circa=circa)
    return None


def _from_parts(year: str, month: str | None, day: str | None) -> str:
    """The most precise real date the parts give: year-month-day, year-month, or the year alone."""
    month_part = f"{year}-{int(month):02d}" if month and month.isdigit() else year
    day_part = f"{month_part}-{int(day):02d}" if day and day.isdigit() and month_part != year else month_part
    return partial_iso_date(day_part) or partial_iso_date(month_part) or year


def _place(node: Any) -> str | None:
    country = _attr(node, "countryDescription")
    parts = [_attr(node, key) for key in ("place", "city", "region")]
    return _join([*parts, country if country != "UNKNOWN" else None], ", ")


def _country(node: Any) -> str | None:
    """ISO code from ``countryIso2Code`` ("00" means unknown), else from the description."""
    code = (_attr(node, "countryIso2Code") or "").upper()
    if code not in _UNKNOWN_COUNTRY and len(code) == 2 and code.isalpha():
        return code
    description = _attr(node, "countryDescription")
    return country_code(description) if description and description != "UNKNOWN" else None


def _address(node: Any) -> Address | None:
    street, po_box, city, postal, region, place = (
        _attr(node, key) for key in ("street", "poBox", "city", "zipCode", "region", "place")
    )
    name = _attr(node, "countryDescription")
    name = name if name != "UNKNOWN" else None
    street_line = _join([street, f"PO Box {po_box}" if po_box else None], ", ")
    full = _join([street_line, place, city, region, postal, name], ", ")
    if not full:
        return None
    return Address(
        full=full,
        street=street_line,
        city=city,
        region=region,
        postal_code=postal,
        country=_country(node),
        country_name=name,
    )


def _identifiers(record: Any, addresses: list[Any]) -> list[Identifier]:
    """Identity documents and registration numbers, then phone, e-mail and web contacts given with addresses."""
    found: list[Identifier] = []
    for node in record.iterfind(_tag("identification")):
        found.extend(_document(node))
    for address in addresses:
        for contact in address.iterfind(_tag("contactInfo")):
            id_type = _CONTACT_TYPES.get((_attr(contact, "key") or "").upper())
            for value in re.split(r"[,;]", _attr(contact, "value") or ""):
                if id_type and value.strip():
                    found.append(Identifier(id_type, value.strip(), label=_attr(contact, "key")))
    return unique(found)


def _document(node: Any) -> list[Identifier]:
    """One document; the EU gives a Latin transliteration of non-Latin numbers, kept as a second value."""
    code = (_attr(node, "identificationTypeCode") or "").lower()
    flags = [re.sub(r"(?<!^)([A-Z])", r" \1", flag).lower() for flag in _DOCUMENT_FLAGS if _attr(node, flag) == "true"]
    issued_by, issued_on = _attr(node, "issuedBy"), _attr(node, "issueDate")
    note = _join(
        [
            f"issued by {issued_by}" if issued_by else None,
            f"issued {issued_on}" if issued_on else None,
            *flags,
            _remarks(node) or None,
        ],
        "; ",
    )
    numbers = unique(n for n in (_attr(node, "number"), _attr(node, "latinNumber")) if n)
    label = _attr(node, "identificationTypeDescription") or code or None
    id_type = _ID_TYPES.get(code, IdType.OTHER)
    return [Identifier(id_type, number, _country(node), label, note) for number in numbers]


def _listed_on(record: Any, regulations: list[Any]) -> str | None:
    """``designationDate`` when given; otherwise the earliest regulation that names the record."""
    designated = partial_iso_date(_attr(record, "designationDate"))
    published = sorted(d for d in (partial_iso_date(_attr(r, "publicationDate")) for r in regulations) if d)
    return designated or (published[0] if published else None)


def _attributes(record: Any, regulations: list[Any], positions: list[str]) -> dict[str, list[str]]:
    values = {
        "position": positions,
        "eu_reference_number": [v for v in [_attr(record, "euReferenceNumber")] if v],
        "un_reference_number": [v for v in [_attr(record, "unitedNationId")] if v],
        "designation_details": [v for v in [_attr(record, "designationDetails")] if v],
        "regulation": unique(v for v in (_attr(r, "numberTitle") for r in regulations) if v),
        "regulation_url": unique(v for v in (_child_text(r, "publicationUrl") for r in regulations) if v),
    }
    return {key: value for key, value in values.items() if value}


def raw_record(element: Any) -> dict[str, Any]:
    """The record as the EU wrote it: attributes, then children by local name (repeated ones as lists)."""
    raw: dict[str, Any] = {key: value for key, value in element.attrib.items() if value}
    for child in element:
        if not isinstance(child.tag, str):
            continue
        key = etree.QName(child).localname
        if key == "regulationSummary":
            continue  # repeats the regulation per field; the record-level regulation keeps it once
        text = (child.text or "").strip()
        value: Any = text if text and not len(child) and not child.attrib else raw_record(child)
        if not value:
            continue
        if key in raw:
            existing = raw[key]
            raw[key] = [*existing, value] if isinstance(existing, list) else [existing, value]
        else:
            raw[key] = value
    return raw


# -- small text helpers -----------------------------------------------------


def _attr(node: Any, name: str) -> str | None:
    """An attribute with whitespace tidied; the FSF writes empty attributes for absent facts."""
    value = node.get(name)
    return " ".join(value.split()) or None if value else None


def _child_text(node: Any, local: str) -> str | None:
    child = node.find(_tag(local))
    return " ".join(child.text.split()) or None if child is not None and child.text else None


def _remarks(node: Any) -> str:
    return " ".join(t for t in (_child_text_of(r) for r in node.iterfind(_tag("remark"))) if t)


def _child_text_of(node: Any) -> str | None:
    return " ".join(node.text.split()) or None if node.text else None


def _join(parts: Iterable[str | None], separator: str = " ") -> str | None:
    return separator.join(p for p in parts if p) or None


def _year(text: str | None) -> str | None:
    return text if text and _YEAR.fullmatch(text) else None


FORMAT = Format(
    key=FORMAT_KEY,
    default_source=SOURCE,
    description="EU Financial Sanctions Files, full list (XML 1.1, export/sanctionEntity)",
    parse=parse,
    claim=claim,
)
