"""The UN Security Council Consolidated List, as the UN publishes it in XML.

One file, ``CONSOLIDATED_LIST`` (``dateGenerated`` on the root), holds
``INDIVIDUALS/INDIVIDUAL`` and ``ENTITIES/ENTITY`` records keyed by
``REFERENCE_NUMBER`` (``QDi.001``, ``CDe.002``). Almost every national list
copies these records, so the UN's own spelling of each field is kept: the
primary name is FIRST_NAME..FOURTH_NAME joined in the UN's order, exactly as
the UN prints it, and aliases keep the UN's quality ("Low" ones become weak
names, which screening scores down).

The file is streamed with ``iterparse`` and each record is released once
converted, so memory stays flat however large the list grows.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, TypeVar

import icu
from lxml import etree

from proscribe.countries import country_code, country_codes
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

FORMAT_KEY = "un_xml"
SOURCE = "un_sc"
ROOT = "CONSOLIDATED_LIST"

_SCHEMAS = {"INDIVIDUAL": Schema.PERSON, "ENTITY": Schema.ORGANIZATION}
_SECTIONS = {"INDIVIDUALS", "ENTITIES"}
_NAME_PARTS = ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")
_ALIAS_KINDS = {"good": NameKind.AKA, "a.k.a.": NameKind.AKA, "low": NameKind.WEAK, "f.k.a.": NameKind.FKA}
_GENDERS = {"male": "male", "female": "female"}

_T = TypeVar("_T")

_YEAR = re.compile(r"\d{4}")
_NOTE_YEAR = re.compile(r"\b(?:1[89]|20)\d{2}\b")
_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sept", "sep"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
_MONTH_WORD = re.compile(r"\b(" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\b\.?", re.IGNORECASE)

# Root-element sniffing: skip the declaration, comments and DOCTYPE, read the first tag name.
_COMMENT = re.compile(rb"<!--.*?-->", re.DOTALL)
_FIRST_TAG = re.compile(rb"<(?:[A-Za-z_][\w.\-]*:)?([A-Za-z_][\w.\-]*)")
_GENERATED = re.compile(rb'dateGenerated\s*=\s*"(\d{4}-\d{2}-\d{2})')


# -- recognising the file ---------------------------------------------------


def root_tag(head: bytes) -> str | None:
    """The local name of the first element in ``head``: what the file says it is, whatever it is called."""
    match = _FIRST_TAG.search(_COMMENT.sub(b"", head))
    return match.group(1).decode("ascii") if match else None


def claim(paths: Sequence[Path]) -> list[ListFile]:
    """Claim every file whose root element is ``CONSOLIDATED_LIST``, dated from its ``dateGenerated``."""
    found: list[ListFile] = []
    for path in paths:
        head = sniff(path)
        if root_tag(head) == ROOT:
            generated = _GENERATED.search(head)
            published = generated.group(1).decode("ascii") if generated else None
            found.append(ListFile(format=FORMAT_KEY, source=SOURCE, paths=[path], publisher_date=published))
    return found


# -- streaming the records --------------------------------------------------


def parse(list_file: ListFile) -> Iterator[Entity]:
    """Yield one entity per INDIVIDUAL and ENTITY; any unreadable input becomes a ListFormatError."""
    path = list_file.paths[0]
    return stream_entities(path, _records(path, list_file), _entity, "REFERENCE_NUMBER", _where)


def _records(path: Path, list_file: ListFile) -> Iterator[Any]:
    """The record elements, each complete, after checking the root says this is the UN list."""
    events = etree.iterparse(str(path), events=("start", "end"), resolve_entities=False, no_network=True)
    checked = False
    for event, element in events:
        if not checked:
            _check_root(path, element)
            list_file.publisher_date = (
                partial_iso_date((element.get("dateGenerated") or "")[:10]) or list_file.publisher_date
            )
            checked = True
        elif event == "end" and element.tag in _SCHEMAS:
            parent = element.getparent()
            if parent is not None and parent.tag in _SECTIONS:
                yield element
    if not checked:
        raise ListFormatError(path, None, "the file holds no XML element")


def _check_root(path: Path, root: Any) -> None:
    if root.tag != ROOT:
        raise ListFormatError(
            path, f"line {root.sourceline}", f"root element is <{root.tag}>, not <{ROOT}>: not the UN consolidated list"
        )


def _where(record: Any) -> str:
    dataid = _text(record.find("DATAID"))
    label = f"<{record.tag}> DATAID={dataid}" if dataid else f"<{record.tag}>"
    return f"line {record.sourceline}, {label}"


# -- one record to one entity ---------------------------------------------


def _entity(path: Path, record: Any) -> Entity:
    reference = _text(record.find("REFERENCE_NUMBER"))
    if reference is None:
        raise ListFormatError(path, _where(record), "no REFERENCE_NUMBER, the UN's id for the record")
    names = _names(record)
    if not names:
        raise ListFormatError(path, _where(record), f"record {reference} has no name")
    birth_dates, birth_places = _births(record)
    return Entity(
        id=make_id(SOURCE, reference),
        source=SOURCE,
        source_id=reference,
        schema=_SCHEMAS[record.tag],
        names=names,
        programs=_values(record, "UN_LIST_TYPE"),
        addresses=[a for a in map(_address, record.iterfind(f"{record.tag}_ADDRESS")) if a],
        birth_dates=birth_dates,
        birth_places=birth_places,
        nationalities=country_codes(_values(record, "NATIONALITY/VALUE")),
        gender=_GENDERS.get((_text(record.find("GENDER")) or "").lower()),
        titles=_values(record, "TITLE/VALUE"),
        identifiers=[i for i in map(_identifier, record.iterfind("INDIVIDUAL_DOCUMENT")) if i],
        listed_on=partial_iso_date((_text(record.find("LISTED_ON")) or "")[:10]),
        remarks=_text(record.find("COMMENTS1")),
        attributes=_attributes(record),
        raw=raw_record(record),
    )


def _names(record: Any) -> list[Name]:
    """The primary name as the UN prints it, the original-script name, then the aliases in the UN's order."""
    names: list[Name] = []
    primary = " ".join(part for part in (_text(record.find(tag)) for tag in _NAME_PARTS) if part)
    if primary:
        names.append(Name(primary))
    original = _text(record.find("NAME_ORIGINAL_SCRIPT"))
    if original:
        names.append(Name(original, NameKind.PRIMARY, script=detect_script(original)))
    for alias in record.iterfind(f"{record.tag}_ALIAS"):
        value = _text(alias.find("ALIAS_NAME"))
        if value:
            quality = (_text(alias.find("QUALITY")) or "").lower()
            names.append(Name(value, _ALIAS_KINDS.get(quality, NameKind.AKA)))
    distinct: dict[str, Name] = {}
    for name in names:
        distinct.setdefault(name.value, name)  # a name's first mention wins
    return list(distinct.values())


def detect_script(text: str) -> str | None:
    """ISO 15924 code of the script most letters of ``text`` use: the UN says "original script", not which."""
    counts = Counter(str(icu.Script.getScript(ord(char)).getShortName()) for char in text if char.isalpha())
    return counts.most_common(1)[0][0] if counts else None


def _births(record: Any) -> tuple[list[PartialDate], list[str]]:
    """Dates and places of birth, including those the UN gives only alongside an alias."""
    dates = [d for d in map(_birth_date, record.iterfind("INDIVIDUAL_DATE_OF_BIRTH")) if d]
    places = [p for p in map(_birth_place, record.iterfind("INDIVIDUAL_PLACE_OF_BIRTH")) if p]
    for alias in record.iterfind("INDIVIDUAL_ALIAS"):
        date = partial_iso_date(_text(alias.find("DATE_OF_BIRTH")))
        if date:
            dates.append(PartialDate(date))
        place = _joined(alias, ("CITY_OF_BIRTH", "COUNTRY_OF_BIRTH"))
        if place:
            places.append(place)
    return unique(dates), unique(places)


def _birth_date(node: Any) -> PartialDate | None:
    """EXACT, APPROXIMATELY (circa) or BETWEEN, refined by the month the UN sometimes writes in NOTE."""
    kind = (_text(node.find("TYPE_OF_DATE")) or "").upper()
    note = _text(node.find("NOTE")) or ""
    start, end = _date_bounds(node, note)
    if start is None:
        return None
    return PartialDate(start, end, circa=kind == "APPROXIMATELY" or "approx" in note.lower())


def _date_bounds(node: Any, note: str) -> tuple[str | None, str | None]:
    date = partial_iso_date(_text(node.find("DATE")))
    if date:
        return date, None
    low, high = _year(node.find("FROM_YEAR")), _year(node.find("TO_YEAR"))
    if low and high:
        return low, high if high != low else None
    note_year = _NOTE_YEAR.search(note)
    year = _year(node.find("YEAR")) or low or high or (note_year.group() if note_year else None)
    if year is None:
        return None, None
    months = [_MONTHS[m.group(1).lower()] for m in _MONTH_WORD.finditer(note)]
    if not months:
        return year, None
    end = f"{year}-{months[-1]:02d}" if months[-1] != months[0] else None
    return f"{year}-{months[0]:02d}", end


def _birth_place(node: Any) -> str | None:
    return _joined(node, ("STREET", "CITY", "STATE_PROVINCE", "COUNTRY"))


def _address(node: Any) -> Address | None:
    street, city, region, postal, country = (
        _text(node.find(tag)) for tag in ("STREET", "CITY", "STATE_PROVINCE", "ZIP_CODE", "COUNTRY")
    )
    parts = [p for p in (street, city, region, postal, country) if p]
    if not parts:
        return None
    return Address(
        full=", ".join(parts),
        street=street,
        city=city,
        region=region,
        postal_code=postal,
        country=country_code(country),
        country_name=country,
    )


def _identifier(node: Any) -> Identifier | None:
    """A travel or identity document; TYPE_OF_DOCUMENT2 is the UN's finer label when present."""
    number = _text(node.find("NUMBER"))
    if number is None:
        return None
    kind, detail = _text(node.find("TYPE_OF_DOCUMENT")), _text(node.find("TYPE_OF_DOCUMENT2"))
    country_name = _text(node.find("ISSUING_COUNTRY")) or _text(node.find("COUNTRY_OF_ISSUE"))
    country = country_code(country_name)
    issued, city, note = (_text(node.find(tag)) for tag in ("DATE_OF_ISSUE", "CITY_OF_ISSUE", "NOTE"))
    notes = [
        f"issued {issued}" if issued else None,
        f"issued in {city}" if city else None,
        f"issued by {country_name}" if country_name and not country else None,
        note,
    ]
    return Identifier(
        type=document_type(detail) or document_type(kind) or IdType.OTHER,
        value=number,
        country=country,
        label=detail or kind,
        note="; ".join(n for n in notes if n) or None,
    )


def document_type(label: str | None) -> IdType | None:
    """The kind of document a UN label names (English, French or Spanish), None when it names none we know."""
    text = (label or "").lower()
    for words, id_type in (
        (("passport", "passeport", "pasaporte"), IdType.PASSPORT),
        (("social security",), IdType.SSN),
        (("driver", "driving"), IdType.DRIVING_LICENSE),
        (("fiscal", "tax"), IdType.TAX_ID),
        (("identi", "national number", "civil"), IdType.NATIONAL_ID),
    ):
        if any(word in text for word in words):
            return id_type
    return None


def _attributes(record: Any) -> dict[str, list[str]]:
    values = {
        "position": _values(record, "DESIGNATION/VALUE"),
        "list_type": _values(record, "LIST_TYPE/VALUE"),
        "last_updated": _values(record, "LAST_DAY_UPDATED/VALUE"),
        "dataid": _values(record, "DATAID"),
        "versionnum": _values(record, "VERSIONNUM"),
    }
    return {key: value for key, value in values.items() if value}


def raw_record(element: Any) -> dict[str, Any]:
    """The record as the UN wrote it, tag by tag (repeated tags become lists), for tracing any fact back."""
    raw: dict[str, Any] = {}
    for child in element:
        if not isinstance(child.tag, str):
            continue
        value: Any = raw_record(child) if len(child) else (child.text or "").strip()
        if not value:
            continue
        if child.tag in raw:
            existing = raw[child.tag]
            raw[child.tag] = [*existing, value] if isinstance(existing, list) else [existing, value]
        else:
            raw[child.tag] = value
    return raw


# -- small text helpers -----------------------------------------------------


def _text(node: Any) -> str | None:
    """The node's text with the UN's line wrapping undone; None when empty or absent."""
    if node is None or not node.text:
        return None
    return " ".join(node.text.split()) or None


def _values(record: Any, path: str) -> list[str]:
    return unique(v for v in map(_text, record.iterfind(path)) if v)


def _joined(node: Any, tags: Iterable[str]) -> str | None:
    return ", ".join(p for p in (_text(node.find(tag)) for tag in tags) if p) or None


def _year(node: Any) -> str | None:
    text = _text(node)
    return text if text and _YEAR.fullmatch(text) else None


FORMAT = Format(
    key=FORMAT_KEY,
    default_source=SOURCE,
    description="UN Security Council Consolidated List (XML, CONSOLIDATED_LIST)",
    parse=parse,
    claim=claim,
)
