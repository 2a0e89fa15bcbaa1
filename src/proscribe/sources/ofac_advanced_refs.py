"""The building blocks of OFAC's advanced XML: reference values, dates, locations, documents, entries.

The advanced format (the UN-designed "Sanctions Data Model") normalises
everything: a party's alias says ``AliasTypeID="1400"``, its passport lives in
a separate ``<IDRegDocument>``, its address in a separate ``<Location>``, its
programs in a ``<SanctionsEntry>`` after all parties. This module reads those
pieces into small plain values; ``ofac_advanced_xml`` assembles entities.

Every lookup of an id that the file does not define raises
:class:`~proscribe.sources.ofac_xml_common.FieldError`: an unresolved
reference means the file is damaged, and guessing would put wrong facts on a
sanctioned party.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field

from lxml import etree

from proscribe.countries import country_code
from proscribe.model import Address, PartialDate
from proscribe.sources.ofac_xml_common import (
    FieldError,
    Reader,
    address_full,
    iso_date,
    local_name,
    own_text,
    written_date,
)

_UNDETERMINED = "undetermined"


@dataclass(frozen=True, slots=True)
class RefValue:
    text: str
    attributes: dict[str, str]


class References:
    """The ``<ReferenceValueSets>`` dictionary: ids to names, kept in memory (a few thousand values)."""

    def __init__(self, sets: dict[str, dict[str, RefValue]] | None = None) -> None:
        self._sets = sets or {}

    @classmethod
    def from_element(cls, element: etree._Element) -> References:
        """``<AliasTypeValues><AliasType ID="1400">A.K.A.</AliasType>...`` becomes ``{"AliasType": {"1400": ...}}``."""
        sets: dict[str, dict[str, RefValue]] = {}
        for group in element:
            if not isinstance(group.tag, str) or not local_name(group).endswith("Values"):
                continue
            values = sets.setdefault(local_name(group)[: -len("Values")], {})
            for item in group:
                if not isinstance(item.tag, str):
                    continue
                ref_id: str | None = item.get("ID")
                if not ref_id:
                    raise FieldError(f"a <{local_name(item)}> has no ID")
                attributes: dict[str, str] = dict(item.attrib)
                values[ref_id] = RefValue(own_text(item) or "", attributes)
        return cls(sets)

    def value(self, kind: str, ref_id: str | None) -> RefValue:
        if not ref_id:
            raise FieldError(f"missing {kind}ID")
        found = self._sets.get(kind, {}).get(ref_id)
        if found is None:
            raise FieldError(f"unknown {kind}ID {ref_id!r}: not in <{kind}Values>")
        return found

    def text(self, kind: str, ref_id: str | None) -> str:
        return self.value(kind, ref_id).text

    def country(self, ref_id: str | None) -> tuple[str | None, str | None]:
        """ISO alpha-2 and name of a ``<Country>``; OFAC's 'undetermined' country is neither."""
        found = self.value("Country", ref_id)
        if found.text.lower() == _UNDETERMINED:
            return None, None
        iso2 = found.attributes.get("ISO2")
        return (iso2.upper() if iso2 else country_code(found.text)), found.text or None


# -- dates ---------------------------------------------------------------------------------------

Point = tuple[int, int, int]


def _number(read: Reader, element: etree._Element, name: str) -> int | None:
    text = read.text(element, name)
    if text is None:
        return None
    if not text.isdigit():
        raise FieldError(f"<{name}> {text!r} is not a number")
    return int(text)


def _date_parts(read: Reader, element: etree._Element) -> tuple[int, int | None, int | None]:
    year = _number(read, element, "Year")
    if year is None:
        raise FieldError(f"<{local_name(element)}> has no <Year>")
    month = _number(read, element, "Month")
    day = _number(read, element, "Day") if month is not None else None
    iso_date(year, month, day)  # checks the date exists
    return year, month, day


def date_value(read: Reader, element: etree._Element) -> str:
    """A ``<Year>/<Month>/<Day>`` date (``<DateOfIssue>``, an entry event's ``<Date>``) as ISO."""
    return iso_date(*_date_parts(read, element))


def _low(parts: tuple[int, int | None, int | None]) -> Point:
    year, month, day = parts
    return year, month or 1, day or 1


def _high(parts: tuple[int, int | None, int | None]) -> Point:
    year, month, day = parts
    month = month or 12
    return year, month, day or calendar.monthrange(year, month)[1]


def _span(low: Point, high: Point) -> str | None:
    """The one partial ISO date covering exactly ``low..high``: a day, a whole month or a whole year."""
    if low == high:
        return iso_date(*low)
    (year, month, day), (end_year, end_month, end_day) = low, high
    if year != end_year or day != 1:
        return None
    if month == 1 and (end_month, end_day) == (12, 31):
        return iso_date(year)
    if month == end_month and end_day == calendar.monthrange(year, month)[1]:
        return iso_date(year, month)
    return None


def _boundary(read: Reader, element: etree._Element) -> tuple[Point, Point, bool]:
    start = read.find(element, "From")
    end = read.find(element, "To")
    if start is None and end is None:
        raise FieldError(f"<{local_name(element)}> has neither <From> nor <To>")
    low = _low(_date_parts(read, start if start is not None else end))
    high = _high(_date_parts(read, end if end is not None else start))
    return low, high, element.get("Approximate") == "true"


def date_period(read: Reader, element: etree._Element) -> PartialDate:
    """A ``<DatePeriod>`` as a PartialDate.

    OFAC writes a year of birth as Start 1961-01-01 .. End 1961-12-31 and
    "1984 to 1986" as Start within 1984, End within 1986; the least precise
    ISO date that covers the period exactly is what the CSV edition says.
    ``Approximate`` on either boundary is "circa".
    """
    start = read.find(element, "Start")
    end = read.find(element, "End")
    if start is None and end is None:
        raise FieldError("<DatePeriod> has neither <Start> nor <End>")
    first = _boundary(read, start if start is not None else end)
    last = _boundary(read, end if end is not None else start)
    circa = first[2] or last[2]
    whole = _span(first[0], last[1])
    if whole is not None:
        return PartialDate(value=whole, circa=circa)
    value = _span(first[0], first[1]) or iso_date(*first[0])
    return PartialDate(value=value, end=_span(last[0], last[1]) or iso_date(*last[1]), circa=circa)


# -- locations -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Place:
    """A ``<Location>``: as an address, and as the country it names (for nationality features)."""

    address: Address | None
    country: str | None
    country_name: str | None


def _primary_value(read: Reader, part: etree._Element) -> str | None:
    values = read.all(part, "LocationPartValue")
    chosen = [value for value in values if value.get("Primary") == "true"] or values
    return read.text(chosen[0], "Value") if chosen else None


def _location_country(read: Reader, refs: References, element: etree._Element) -> tuple[str | None, str | None]:
    for country in read.all(element, "LocationCountry"):
        return refs.country(country.get("CountryID"))
    for area in read.all(element, "LocationAreaCode"):
        found = refs.value("AreaCode", area.get("AreaCodeID"))
        name = found.attributes.get("Description")
        if not name or name.lower() == _UNDETERMINED:
            return None, None
        return country_code(name) or country_code(found.text), name
    return None, None


def location(read: Reader, refs: References, element: etree._Element) -> Place:
    parts: dict[str, str] = {}
    for part in read.all(element, "LocationPart"):
        value = _primary_value(read, part)
        if value:
            parts[refs.text("LocPartType", part.get("LocPartTypeID"))] = value
    code, name = _location_country(read, refs, element)
    unknown = parts.pop("Unknown", None)
    if name is None and unknown and country_code(unknown):
        code, name, unknown = country_code(unknown), unknown, None
    street = ", ".join(parts[key] for key in ("ADDRESS1", "ADDRESS2", "ADDRESS3") if key in parts) or None
    region = parts.get("STATE/PROVINCE") or parts.get("REGION")
    full = address_full(street, parts.get("CITY"), region, parts.get("POSTAL CODE"), name)
    if unknown:
        full = ", ".join(part for part in (unknown, full) if part)
    if not full:
        return Place(None, code, name)
    address = Address(
        full=full,
        street=street,
        city=parts.get("CITY"),
        region=region,
        postal_code=parts.get("POSTAL CODE"),
        country=code,
        country_name=name,
    )
    return Place(address, code, name)


# -- identity documents, sanctions entries, relationships -----------------------------------------


@dataclass(frozen=True, slots=True)
class Document:
    """An ``<IDRegDocument>``, its dates written as OFAC's remarks write them ('24 Apr 2017')."""

    label: str
    number: str
    country: str | None
    country_name: str | None
    issued: str | None
    expires: str | None
    note: str | None  # validity other than "Valid", issuing authority, comment


def id_document(read: Reader, refs: References, element: etree._Element) -> tuple[str, Document] | None:
    """An ``<IDRegDocument>`` keyed by the ``IdentityID`` it belongs to; None when it has no number."""
    identity: str | None = element.get("IdentityID")
    if not identity:
        raise FieldError("no IdentityID")
    label = refs.text("IDRegDocType", element.get("IDRegDocTypeID"))
    number = read.text(element, "IDRegistrationNo")
    if number is None:
        return None
    country, country_name = None, None
    if element.get("IssuedBy-CountryID"):
        country, country_name = refs.country(element.get("IssuedBy-CountryID"))
    dates: dict[str, str] = {}
    for document_date in read.all(element, "DocumentDate"):
        period = read.find(document_date, "DatePeriod")
        if period is not None:
            kind = refs.text("IDRegDocDateType", document_date.get("IDRegDocDateTypeID"))
            dates[kind] = written_date(date_period(read, period))
    validity = refs.text("Validity", element.get("ValidityID")) if element.get("ValidityID") else None
    extra = [validity if validity and validity != "Valid" else None]
    extra += [read.text(element, "IssuingAuthority"), read.text(element, "Comment")]
    note = "; ".join(part for part in extra if part) or None
    document = Document(
        label, number, country, country_name, dates.get("Issue Date"), dates.get("Expiration Date"), note
    )
    return identity, document


@dataclass(slots=True)
class Listing:
    """What a party's ``<SanctionsEntry>`` elements say: programs, lists, legal bases, listing date."""

    programs: list[str] = field(default_factory=list)
    lists: list[str] = field(default_factory=list)
    legal_bases: list[str] = field(default_factory=list)
    dates: list[str] = field(default_factory=list)


def sanctions_entry(read: Reader, refs: References, element: etree._Element, listing: Listing) -> None:
    """Add one ``<SanctionsEntry>`` to the party's listing; programs are the "Program" measures' comments."""
    if element.get("ListID"):
        _add(listing.lists, refs.text("List", element.get("ListID")))
    for event in read.all(element, "EntryEvent"):
        date = read.find(event, "Date")
        if date is not None:
            listing.dates.append(date_value(read, date))
        if event.get("LegalBasisID"):
            _add(listing.legal_bases, refs.text("LegalBasis", event.get("LegalBasisID")))
    for measure in read.all(element, "SanctionsMeasure"):
        if refs.text("SanctionsType", measure.get("SanctionsTypeID")) == "Program":
            program = read.text(measure, "Comment")
            if program:
                _add(listing.programs, program)


@dataclass(frozen=True, slots=True)
class Link:
    target: str  # the To-ProfileID
    type: str
    comment: str | None


def relationship(read: Reader, refs: References, element: etree._Element) -> tuple[str, Link]:
    """A ``<ProfileRelationship>`` as (From-ProfileID, link to the To-ProfileID)."""
    source: str | None = element.get("From-ProfileID")
    target: str | None = element.get("To-ProfileID")
    if not source or not target:
        raise FieldError("a relationship needs both From-ProfileID and To-ProfileID")
    kind = refs.text("RelationType", element.get("RelationTypeID"))
    return source, Link(target, kind, read.text(element, "Comment"))


def _add(values: list[str], value: str) -> None:
    if value and value not in values:
        values.append(value)
