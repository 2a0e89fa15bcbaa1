"""OFAC's SDN_ADVANCED.XML and CONS_ADVANCED.XML, the "advanced sanctions list standard" editions.

Root ``<Sanctions>`` (namespace ``.../exports/ADVANCED_XML``; before OFAC's
Sanctions List Service, ``http://www.un.org/sanctions/1.0``), then in this
order: ``DateOfIssue``, ``ReferenceValueSets`` (the dictionary every id points
into), ``Locations``, ``IDRegDocuments``, ``DistinctParties``,
``ProfileRelationships``, ``SanctionsEntries``. A party's programs and links
come *after* all parties, so the file is read twice, streaming both times:
the first pass keeps the small lookup tables (reference values, locations,
documents, links, listings, and each party's name for links to point at); the
second pass builds one entity per ``<DistinctParty>`` and lets it go.

Entities come out in the same shape as the SDN.XML and CSV editions: id from
the party's ``FixedRef`` (OFAC's legacy ent_num), people named "LAST, Given",
weak (``LowQuality``) aliases as :attr:`NameKind.WEAK`, and features labelled
as in SDN.XML's ``idList`` sorted by the same rules.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from proscribe.countries import country_code
from proscribe.model import Entity, Name, NameKind, Relation, Schema, Vessel, make_id
from proscribe.sources.base import Format, ListFile, ListFormatError
from proscribe.sources.ofac_advanced_refs import (
    Document,
    Link,
    Listing,
    Place,
    References,
    date_period,
    id_document,
    location,
    relationship,
    sanctions_entry,
)
from proscribe.sources.ofac_xml_common import (
    SDN_SOURCE,
    FieldError,
    Reader,
    add_attribute,
    add_unique,
    apply_labelled,
    claim_files,
    head_text,
    iso_date,
    local_name,
    own_text,
    person_name,
    relation_type,
    sniff_root,
    stream_records,
    written_date,
)

NAMESPACES = (
    "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/ADVANCED_XML",
    "http://www.un.org/sanctions/1.0",
)
_RECORDS = ("ReferenceValueSets", "Location", "IDRegDocument", "DistinctParty", "ProfileRelationship", "SanctionsEntry")
_SCHEMAS = {
    "Individual": Schema.PERSON,
    "Entity": Schema.ORGANIZATION,
    "Vessel": Schema.VESSEL,
    "Aircraft": Schema.AIRCRAFT,
}
_ALIAS_KINDS = {"A.K.A.": NameKind.AKA, "F.K.A.": NameKind.FKA, "N.K.A.": NameKind.NKA, "Name": NameKind.AKA}
_VESSEL_FIELDS = {
    "Vessel Call Sign": "call_sign",
    "VESSEL TYPE": "vessel_type",
    "Vessel Type": "vessel_type",
    "Vessel Flag": "flag",
    "Vessel Owner": "owner",
    "Vessel Tonnage": "tonnage",
    "Vessel Gross Registered Tonnage": "gross_registered_tonnage",
}
_TAG = r"<(?:[\w.-]+:)?"
_DATE_OF_ISSUE = re.compile(_TAG + r"DateOfIssue\b[^>]*>(.*?)</(?:[\w.-]+:)?DateOfIssue>", re.S)


def recognise(head: bytes) -> bool:
    """An advanced OFAC file by its root: ``<Sanctions>`` in one of the advanced namespaces."""
    root = sniff_root(head)
    return root is not None and root[0] == "Sanctions" and root[1] in NAMESPACES


def publisher_date(head: bytes) -> str | None:
    """The ISO date of ``<DateOfIssue>``, which follows the root element at the top of the file."""
    block = _DATE_OF_ISSUE.search(head_text(head))
    if block is None:
        return None
    parts = [re.search(_TAG + name + r">\s*(\d+)\s*<", block.group(1)) for name in ("Year", "Month", "Day")]
    numbers = [int(part.group(1)) if part else None for part in parts]
    if numbers[0] is None:
        return None
    try:
        return iso_date(numbers[0], numbers[1], numbers[2] if numbers[1] else None)
    except FieldError:
        return None


def claim(paths: Sequence[Path]) -> list[ListFile]:
    """Each SDN_ADVANCED.XML / CONS_ADVANCED.XML, recognised by content; the name picks SDN or non-SDN."""
    return claim_files(paths, "ofac_advanced_xml", recognise, publisher_date)


@dataclass(slots=True)
class _Party:
    """A ``<DistinctParty>`` read as far as both passes need it."""

    fixed_ref: str
    profile_id: str
    schema: Schema
    profile: etree._Element
    identity_ids: list[str]
    names: list[Name]


@dataclass(slots=True)
class _Index:
    """What the first pass keeps: everything a party refers to, none of the parties themselves."""

    refs: References = field(default_factory=References)
    places: dict[str, Place] = field(default_factory=dict)
    documents: dict[str, list[Document]] = field(default_factory=dict)
    parties: dict[str, tuple[str, str]] = field(default_factory=dict)  # profile id -> (FixedRef, name)
    links: dict[str, list[Link]] = field(default_factory=dict)
    listings: dict[str, Listing] = field(default_factory=dict)


def parse(list_file: ListFile) -> Iterator[Entity]:
    """Stream one entity per ``<DistinctParty>``, after a first pass has read what parties point to."""
    for path in list_file.paths:
        index = _first_pass(path)
        count = 0
        for record in stream_records(path, "Sanctions", NAMESPACES, _RECORDS):
            if local_name(record) != "DistinctParty":
                continue
            count += 1
            with _record_errors(path, record):
                entity = _entity(Reader.of(record), index, list_file.source, record)
            yield entity
        if count == 0:
            raise ListFormatError(path, None, "no <DistinctParty> records: refusing to read it as an empty list")


def _first_pass(path: Path) -> _Index:
    index = _Index()
    read: Reader | None = None
    for record in stream_records(path, "Sanctions", NAMESPACES, _RECORDS):
        read = read or Reader.of(record)
        with _record_errors(path, record):
            _index_record(read, index, record)
    return index


def _index_record(read: Reader, index: _Index, record: etree._Element) -> None:
    kind = local_name(record)
    if kind == "ReferenceValueSets":
        index.refs = References.from_element(record)
    elif kind == "Location":
        index.places[_required(record, "ID")] = location(read, index.refs, record)
    elif kind == "IDRegDocument":
        found = id_document(read, index.refs, record)
        if found is not None:
            index.documents.setdefault(found[0], []).append(found[1])
    elif kind == "DistinctParty":
        party = _party(read, index.refs, record, primary_only=True)
        index.parties[party.profile_id] = (party.fixed_ref, _caption(party.names))
    elif kind == "ProfileRelationship":
        source, link = relationship(read, index.refs, record)
        index.links.setdefault(source, []).append(link)
    elif kind == "SanctionsEntry":
        listing = index.listings.setdefault(_required(record, "ProfileID"), Listing())
        sanctions_entry(read, index.refs, record, listing)


@contextmanager
def _record_errors(path: Path, record: etree._Element) -> Iterator[None]:
    """Turn a malformed field into an error naming the file, the record and its line."""
    try:
        yield
    except FieldError as error:
        name = local_name(record)
        key = "FixedRef" if name == "DistinctParty" else "ID"
        value: str | None = record.get(key)
        label = f"<{name} {key}={value}>" if value else f"<{name}>"
        raise ListFormatError(path, f"element {label} at line {record.sourceline}", str(error)) from error


def _required(element: etree._Element, attribute: str) -> str:
    value: str | None = element.get(attribute)
    if not value:
        raise FieldError(f"no {attribute}")
    return value


# -- parties -------------------------------------------------------------------------------------


def _party(read: Reader, refs: References, element: etree._Element, primary_only: bool = False) -> _Party:
    """The party's identity; ``primary_only`` skips the aliases, all the first pass needs is its name."""
    fixed_ref = _required(element, "FixedRef")
    if not fixed_ref.isdigit():
        raise FieldError(f"FixedRef {fixed_ref!r} is not a number")
    profile = read.find(element, "Profile")
    if profile is None:
        raise FieldError("no <Profile>")
    identities = read.all(profile, "Identity")
    if not identities:
        raise FieldError("no <Identity>")
    schema = _schema(refs, profile.get("PartySubTypeID"))
    names = [name for identity in identities for name in _names(read, refs, identity, schema, primary_only)]
    if not any(name.kind is NameKind.PRIMARY for name in names):
        raise FieldError('no primary name (an <Alias Primary="true"> of type Name)')
    names.sort(key=lambda name: name.kind is not NameKind.PRIMARY)
    identity_ids = [_required(identity, "ID") for identity in identities]
    return _Party(fixed_ref, _required(profile, "ID"), schema, profile, identity_ids, names)


def _schema(refs: References, sub_type_id: str | None) -> Schema:
    """Vessel and Aircraft are sub-types; people and organisations are sub-type "Unknown" of their party type."""
    sub_type = refs.value("PartySubType", sub_type_id)
    text = sub_type.text
    if text == "Unknown":
        text = refs.text("PartyType", sub_type.attributes.get("PartyTypeID"))
    schema = _SCHEMAS.get(text)
    if schema is None:
        raise FieldError(f"party type {text!r} is not Individual, Entity, Vessel or Aircraft")
    return schema


def _names(
    read: Reader, refs: References, identity: etree._Element, schema: Schema, primary_only: bool = False
) -> Iterator[Name]:
    groups: dict[str, str] = {}
    for group in read.all(identity, "NamePartGroups/MasterNamePartGroup/NamePartGroup"):
        groups[_required(group, "ID")] = refs.text("NamePartType", group.get("NamePartTypeID"))
    for alias in read.all(identity, "Alias"):
        if primary_only and alias.get("Primary") != "true":
            continue
        alias_type = refs.text("AliasType", alias.get("AliasTypeID"))
        kind = _ALIAS_KINDS.get(alias_type)
        if kind is None:
            raise FieldError(f"alias type {alias_type!r} is not Name, A.K.A., F.K.A. or N.K.A.")
        if alias_type == "Name" and alias.get("Primary") == "true":
            kind = NameKind.PRIMARY
        elif alias.get("LowQuality") == "true":
            kind = NameKind.WEAK
        for position, documented in enumerate(read.all(alias, "DocumentedName")):
            value, script = _documented_name(read, refs, groups, documented, schema)
            # Further documented names of the primary alias are the same name in other scripts.
            yield Name(value, NameKind.AKA if kind is NameKind.PRIMARY and position else kind, script)


def _documented_name(
    read: Reader, refs: References, groups: dict[str, str], documented: etree._Element, schema: Schema
) -> tuple[str, str | None]:
    """Name parts in their published order; for people "LAST, Given" like OFAC's other editions."""
    parts: list[tuple[str, str]] = []
    scripts: list[str] = []
    for value_element in read.all(documented, "DocumentedNamePart/NamePartValue"):
        group_id: str | None = value_element.get("NamePartGroupID")
        part_type = groups.get(group_id or "")
        if part_type is None:
            raise FieldError(f"name part points to unknown NamePartGroupID {group_id!r}")
        text = own_text(value_element)
        if text:
            parts.append((part_type, text))
        if value_element.get("ScriptID"):
            code = refs.value("Script", value_element.get("ScriptID")).attributes.get("ScriptCode")
            if code and code != "Latn":
                scripts.append(code)
    if not parts:
        raise FieldError(f"<DocumentedName ID={documented.get('ID')}> has no name parts")
    last = " ".join(text for part_type, text in parts if part_type == "Last Name")
    if schema is Schema.PERSON and last:
        given = " ".join(text for part_type, text in parts if part_type != "Last Name")
        value = person_name(last, given or None) or last
    else:
        value = " ".join(text for _part_type, text in parts)
    return value, scripts[0] if scripts else None


def _caption(names: list[Name]) -> str:
    return names[0].value


# -- entities ------------------------------------------------------------------------------------


def _entity(read: Reader, index: _Index, source: str, element: etree._Element) -> Entity:
    party = _party(read, index.refs, element)
    entity = Entity(
        id=make_id(source, party.fixed_ref),
        source=source,
        source_id=party.fixed_ref,
        schema=party.schema,
        names=party.names,
        remarks=read.text(element, "Comment") or read.text(party.profile, "Comment"),
        raw={"xml": etree.tostring(element, encoding="unicode").strip()},
    )
    for feature in read.all(party.profile, "Feature"):
        label = index.refs.text("FeatureType", feature.get("FeatureTypeID")).strip()
        for version in read.all(feature, "FeatureVersion"):
            _apply_feature(read, index, entity, label, version)
    for identity_id in party.identity_ids:
        for document in index.documents.get(identity_id, []):
            _apply_document(entity, document)
    _apply_listing(entity, index.listings.get(party.profile_id))
    entity.relations = [_relation(index, source, link) for link in index.links.get(party.profile_id, [])]
    if entity.vessel is None and party.schema is Schema.VESSEL:
        entity.vessel = Vessel()
    return entity


def _apply_feature(read: Reader, index: _Index, entity: Entity, label: str, version: etree._Element) -> None:
    """One feature version: birth data, nationality, address, vessel data, or a labelled fact."""
    period_element = read.find(version, "DatePeriod")
    period = date_period(read, period_element) if period_element is not None else None
    detail = _detail(read, index.refs, version)
    place = _place(index, read.find(version, "VersionLocation"))
    if label == "Birthdate":
        if period is not None and period not in entity.birth_dates:
            entity.birth_dates.append(period)
    elif label == "Place of Birth":
        birth_place = detail or (place.address.full if place and place.address else None)
        if birth_place:
            add_unique(entity.birth_places, birth_place)
    elif label in ("Nationality Country", "Citizenship Country"):
        code = place.country if place else country_code(detail)
        if code:
            add_unique(entity.nationalities if label.startswith("Nationality") else entity.citizenships, code)
    elif label == "Location":
        if place is not None and place.address is not None:
            entity.addresses.append(place.address)
    elif label in _VESSEL_FIELDS:
        _apply_vessel(entity, _VESSEL_FIELDS[label], detail, place)
    else:
        value = detail or (written_date(period) if period else None) or (place.country_name if place else None)
        if value:
            apply_labelled(entity, label, value)


def _apply_document(entity: Entity, document: Document) -> None:
    """An identity document, filed like the CSV remark it would be; country and notes the remark cannot carry."""
    named = document.country_name if country_code(document.country_name) else None
    for identifier in apply_labelled(entity, document.label, document.number, named, document.issued, document.expires):
        identifier.country = identifier.country or document.country
        if document.note:
            identifier.note = "; ".join(part for part in (identifier.note, document.note) if part)


def _detail(read: Reader, refs: References, version: etree._Element) -> str | None:
    """A feature's value: the named reference value (e.g. "Male") or the written text."""
    detail = read.find(version, "VersionDetail")
    if detail is None:
        return None
    if detail.get("DetailReferenceID"):
        return refs.text("DetailReference", detail.get("DetailReferenceID")) or None
    return own_text(detail)


def _place(index: _Index, version_location: etree._Element | None) -> Place | None:
    if version_location is None:
        return None
    location_id: str | None = version_location.get("LocationID")
    place = index.places.get(location_id or "")
    if place is None:
        raise FieldError(f"unknown LocationID {location_id!r}: not in <Locations>")
    return place


def _apply_vessel(entity: Entity, attribute: str, detail: str | None, place: Place | None) -> None:
    value = detail
    if attribute == "flag":  # a flag is a country: prefer its code, keep the words when unknown
        value = (place.country if place else None) or country_code(detail) or detail
    if value:
        entity.vessel = entity.vessel or Vessel()
        setattr(entity.vessel, attribute, value)


def _apply_listing(entity: Entity, listing: Listing | None) -> None:
    if listing is None:
        return
    entity.programs = list(listing.programs)
    dates = [date for date in (entity.listed_on, *listing.dates) if date]
    entity.listed_on = min(dates) if dates else None
    for name in listing.lists:
        add_attribute(entity, "list", name)
    for basis in listing.legal_bases:
        add_attribute(entity, "legal_basis", basis)


def _relation(index: _Index, source: str, link: Link) -> Relation:
    target = index.parties.get(link.target)
    if target is None:
        raise FieldError(f"relationship to unknown profile {link.target!r}")
    fixed_ref, name = target
    return Relation(
        type=relation_type(link.type), target_name=name, target_id=make_id(source, fixed_ref), note=link.comment
    )


FORMAT = Format(
    key="ofac_advanced_xml",
    default_source=SDN_SOURCE,
    description="OFAC SDN_ADVANCED.XML / CONS_ADVANCED.XML (<Sanctions>), the advanced sanctions list standard",
    parse=parse,
    claim=claim,
)
