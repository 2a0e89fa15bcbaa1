"""OFAC's SDN.XML and CONSOLIDATED.XML: the legacy XML editions of the SDN and non-SDN lists.

Root ``<sdnList>``, then ``<publshInformation>`` (OFAC's spelling) with the
publication date, then one ``<sdnEntry>`` per listed party: ``uid``, names,
``sdnType``, ``remarks``, and child lists for programs, identifiers, aliases,
addresses, nationalities, citizenships, birth dates and places, and vessel
data. OFAC has published it under two default namespaces, the historical
``http://tempuri.org/sdnList.xsd`` and the Sanctions List Service's
``.../exports/XML``; both read the same way.

Unlike the CSV edition, aliases carry OFAC's strong/weak quality (weak ones
become :attr:`NameKind.WEAK`) and identifiers are structured rows rather than
remark text. Each ``idList`` row is filed as the CSV remark piece it stands
for (:func:`~proscribe.sources.ofac_xml_common.apply_labelled`), and what is
left in ``<remarks>`` ("(Linked To: X; Linked To: Y)") is read by the CSV
edition's remarks reader, so both editions of a list yield the same
identifiers, attributes and links.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from lxml import etree

from proscribe.countries import country_codes
from proscribe.model import Address, Entity, Name, NameKind, PartialDate, Schema, Vessel, make_id
from proscribe.sources.base import Format, ListFile, ListFormatError, empty_to_none
from proscribe.sources.ofac_xml_common import (
    SDN_SOURCE,
    FieldError,
    add_attribute,
    add_unique,
    address_full,
    apply_labelled,
    apply_remarks,
    claim_files,
    country_or_none,
    head_text,
    joined,
    local_name,
    parse_text_date,
    person_name,
    sniff_root,
    stream_records,
    us_date,
)

NAMESPACES = (
    "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/XML",
    "http://tempuri.org/sdnList.xsd",
)
_SCHEMAS = {
    "Individual": Schema.PERSON,
    "Entity": Schema.ORGANIZATION,
    "Vessel": Schema.VESSEL,
    "Aircraft": Schema.AIRCRAFT,
}
_ALIAS_KINDS = {"a.k.a.": NameKind.AKA, "f.k.a.": NameKind.FKA, "n.k.a.": NameKind.NKA}
_PUBLISH_DATE = re.compile(r"<(?:[\w.-]+:)?Publish_Date>\s*([^<]*?)\s*</")
Record = dict[str, Any]  # an <sdnEntry> as raw_record() reads it


def recognise(head: bytes) -> bool:
    """An OFAC legacy XML file by its root: ``<sdnList>`` in one of OFAC's namespaces."""
    root = sniff_root(head)
    return root is not None and root[0] == "sdnList" and root[1] in NAMESPACES


def publisher_date(head: bytes) -> str | None:
    """The ISO date in ``<Publish_Date>`` (MM/DD/YYYY), which OFAC writes within the first bytes."""
    match = _PUBLISH_DATE.search(head_text(head))
    return us_date(match.group(1)) if match else None


def claim(paths: Sequence[Path]) -> list[ListFile]:
    """Each SDN.XML / CONSOLIDATED.XML, recognised by content; the file name only picks SDN or non-SDN."""
    return claim_files(paths, "ofac_xml", recognise, publisher_date)


def parse(list_file: ListFile) -> Iterator[Entity]:
    """Stream the entities of each file, one ``<sdnEntry>`` at a time."""
    for path in list_file.paths:
        count = 0
        for entry in stream_records(path, "sdnList", NAMESPACES, ("sdnEntry",)):
            count += 1
            yield entry_entity(path, list_file.source, entry)
        if count == 0:
            raise ListFormatError(path, None, "no <sdnEntry> records: refusing to read it as an empty list")


def entry_entity(path: Path, source: str, entry: etree._Element) -> Entity:
    """One ``<sdnEntry>`` as an Entity, read from its raw record; a malformed field names the entry."""
    record = raw_record(entry)
    line = entry.sourceline
    uid = record.get("uid")
    if not isinstance(uid, str) or not uid:
        raise ListFormatError(path, f"line {line}", "<sdnEntry> has no <uid>")
    try:
        if not uid.isdigit():
            raise FieldError(f"uid {uid!r} is not a number")
        return _build(record, source, uid)
    except FieldError as error:
        raise ListFormatError(path, f"element <sdnEntry uid={uid}> at line {line}", str(error)) from error


def _build(record: Record, source: str, uid: str) -> Entity:
    sdn_type = _field(record, "sdnType")
    schema = _SCHEMAS.get(sdn_type or "")
    if schema is None:
        raise FieldError(f"unknown sdnType {sdn_type!r}" if sdn_type else "no <sdnType>")
    primary = _name(schema, _field(record, "lastName"), _field(record, "firstName"))
    if primary is None:
        raise FieldError("no <lastName>")
    entity = Entity(
        id=make_id(source, uid),
        source=source,
        source_id=uid,
        schema=schema,
        names=[Name(primary), *_aliases(record, schema)],
        programs=_values(record, "programList"),
        remarks=_field(record, "remarks"),
        raw=record,
    )
    for title in (_field(record, "title") or "").split(";"):  # several positions, as in the CSV edition
        if title.strip():
            add_unique(entity.titles, title.strip())
    _apply_ids(record, entity)
    entity.addresses = [a for a in (_address(row) for row in _rows(record, "addressList")) if a]
    entity.nationalities = country_codes(_column(record, "nationalityList", "country"))
    entity.citizenships = country_codes(_column(record, "citizenshipList", "country"))
    _apply_birth_dates(record, entity)
    for place in _column(record, "placeOfBirthList", "placeOfBirth"):
        add_unique(entity.birth_places, place)
    entity.vessel = _vessel(record, schema)
    apply_remarks(entity, entity.remarks)
    return entity


def _name(schema: Schema, last: str | None, first: str | None) -> str | None:
    return person_name(last, first) if schema is Schema.PERSON else joined(first, last)


def _aliases(record: Record, schema: Schema) -> Iterator[Name]:
    for aka in _rows(record, "akaList"):
        label = f"<aka uid={_field(aka, 'uid')}>"
        value = _name(schema, _field(aka, "lastName"), _field(aka, "firstName"))
        if value is None:
            raise FieldError(f"{label} has no name")
        yield Name(value, _alias_kind(label, _field(aka, "type"), _field(aka, "category")))


def _alias_kind(label: str, alias_type: str | None, category: str | None) -> NameKind:
    """a.k.a./f.k.a./n.k.a.; OFAC's 'weak' (low quality) aliases are their own kind whatever the type."""
    kind = _ALIAS_KINDS.get((alias_type or "").lower())
    if kind is None:
        raise FieldError(f"{label} has alias type {alias_type!r}, not a.k.a., f.k.a. or n.k.a.")
    if category not in (None, "strong", "weak"):
        raise FieldError(f"{label} has category {category!r}, not strong or weak")
    return NameKind.WEAK if category == "weak" else kind


def _apply_ids(record: Record, entity: Entity) -> None:
    for row in _rows(record, "idList"):
        label = _field(row, "idType")
        value = _field(row, "idNumber")
        if label is None or value is None:
            continue  # a row without type or number states nothing
        issued, expires = _field(row, "issueDate"), _field(row, "expirationDate")
        apply_labelled(entity, label, value, _field(row, "idCountry"), issued, expires)


def _address(row: Record) -> Address | None:
    street = ", ".join(part for part in (_field(row, f"address{n}") for n in (1, 2, 3)) if part) or None
    city = _field(row, "city")
    region = _field(row, "stateOrProvince")
    postal_code = _field(row, "postalCode")
    country_name = _field(row, "country")
    full = address_full(street, city, region, postal_code, country_name)
    if full is None:
        return None
    return Address(
        full=full,
        street=street,
        city=city,
        region=region,
        postal_code=postal_code,
        country=country_or_none(country_name),
        country_name=country_name,
    )


def _apply_birth_dates(record: Record, entity: Entity) -> None:
    """Dates OFAC wrote in a shape we cannot read stay as attributes rather than being lost."""
    for text in _column(record, "dateOfBirthList", "dateOfBirth"):
        date: PartialDate | None = parse_text_date(text)
        if date is None:
            add_attribute(entity, "date_of_birth_unparsed", text)
        elif date not in entity.birth_dates:
            entity.birth_dates.append(date)


def _vessel(record: Record, schema: Schema) -> Vessel | None:
    info = record.get("vesselInfo")
    info = info if isinstance(info, dict) else {}
    flag = _field(info, "vesselFlag")
    vessel = Vessel(
        call_sign=_field(info, "callSign"),
        vessel_type=_field(info, "vesselType"),
        tonnage=_field(info, "tonnage"),
        gross_registered_tonnage=_field(info, "grossRegisteredTonnage"),
        flag=country_or_none(flag) or flag,
        owner=_field(info, "vesselOwner"),
    )
    if vessel == Vessel() and schema is not Schema.VESSEL:
        return None
    return vessel


# -- reading the raw record --------------------------------------------------------------------------


def _field(record: Record, name: str) -> str | None:
    """A text field; None when absent, empty or ``-0-``."""
    value = record.get(name)
    if value is None or isinstance(value, str):
        return empty_to_none(value)
    raise FieldError(f"<{name}> holds elements where text belongs")


def _rows(record: Record, name: str) -> list[Record]:
    """The items of a ``...List`` element; an item without children reads as empty."""
    items = record.get(name)
    if not isinstance(items, list):
        return []
    return [item if isinstance(item, dict) else {} for item in items]


def _column(record: Record, name: str, field: str) -> list[str]:
    values = (_field(row, field) for row in _rows(record, name))
    return [value for value in values if value]


def _values(record: Record, name: str) -> list[str]:
    """The texts of a list of plain values, such as ``programList``."""
    items = record.get(name)
    if not isinstance(items, list):
        return []
    values = (empty_to_none(item) for item in items if isinstance(item, str))
    return [value for value in values if value]


def raw_record(element: etree._Element) -> Record:
    """The entry as published, element names kept, so an analyst can trace any field to its source.

    ``...List`` elements become lists, other elements with children dicts, leaves their
    stripped text. The entity is read from this record, so the two cannot disagree.
    """
    value = _raw_value(element)
    return value if isinstance(value, dict) else {}


def _raw_value(element: etree._Element) -> Any:
    children = [child for child in element if isinstance(child.tag, str)]
    if not children:
        text: str = (element.text or "").strip()
        return text
    if local_name(element).endswith("List"):
        return [_raw_value(child) for child in children]
    record: Record = {}
    for child in children:
        record.setdefault(local_name(child), _raw_value(child))  # the first of a repeated field counts
    return record


FORMAT = Format(
    key="ofac_xml",
    default_source=SDN_SOURCE,
    description="OFAC SDN.XML / CONSOLIDATED.XML (<sdnList>), the legacy XML editions of the SDN and non-SDN lists",
    parse=parse,
    claim=claim,
)
