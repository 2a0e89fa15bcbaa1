"""The BIS Denied Persons List (``dpl.txt``): tab-separated, quoted, one row per address.

BIS writes one row per (party, address): a person denied under one order with
four known addresses is four rows. Screening wants one party with four
addresses, so rows are grouped by normalised name and effective date (the
date of the denial order). The FR citation is *not* part of the key: BIS
retypes it on every row and the copies differ by typos ("81 F.R.45276" vs
"81 F.R. 45276"), which would split one order into several parties.

The file has no identifiers and does not say whether a row is a person or a
company, so both are derived here and marked as such (see
:func:`looks_like_organization` and :func:`dpl_source_id`).

This module also holds the two tabular helpers the other US parsers share
(:func:`read_table`, :func:`looks_like_organization`); CSL repeats DPL rows.
"""

from __future__ import annotations

import csv
import hashlib
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from proscribe.countries import country_code
from proscribe.model import Address, Entity, Name, NameKind, Schema, make_id
from proscribe.sources.base import Format, ListFile, ListFormatError, claim_each, empty_to_none

SOURCE = "us_bis_dpl"
PROGRAM = "DPL"

_REQUIRED_COLUMNS = ("Name", "Street_Address", "City", "State", "Country", "Postal_Code", "Effective_Date")


# --- shared tabular reading ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TableRow:
    """One record of a delimited file; ``number`` counts records (the header is 1), ``line`` is where it starts."""

    number: int
    line: int
    values: list[str]

    @property
    def where(self) -> str:
        return f"row {self.number} (line {self.line})"


def read_table(path: Path, delimiter: str = ",") -> Iterator[TableRow]:
    """Stream the records of a UTF-8 delimited file, header first, skipping blank lines.

    Lines are decoded one at a time so an undecodable byte is reported at its
    line, and every record must have as many columns as the header: a shifted
    column would silently put a city into a country field.
    """
    try:
        handle = path.open("rb")
    except OSError as error:
        raise ListFormatError(path, None, f"cannot read the file: {error.strerror}") from error
    with handle:
        reader = csv.reader(_decoded_lines(path, handle), delimiter=delimiter)
        width: int | None = None
        number = 0
        last_line = 0
        while True:
            try:
                values = next(reader)
            except StopIteration:
                return
            except csv.Error as error:
                raise ListFormatError(path, f"line {reader.line_num}", f"malformed record: {error}") from error
            start, last_line = last_line + 1, reader.line_num
            if not values or (len(values) == 1 and not values[0].strip()):
                continue
            number += 1
            if width is None:
                width = len(values)
            elif len(values) != width:
                where = f"row {number} (line {start})"
                raise ListFormatError(path, where, f"expected {width} columns, found {len(values)}")
            yield TableRow(number, start, values)


def _decoded_lines(path: Path, handle: Iterable[bytes]) -> Iterator[str]:
    for number, raw in enumerate(handle, 1):
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            message = f"not UTF-8 text (byte 0x{raw[error.start]:02x} at column {error.start + 1})"
            raise ListFormatError(path, f"line {number}", message) from error
        yield text.removeprefix("\ufeff") if number == 1 else text


def header_of(head: bytes, delimiter: str = ",") -> list[str]:
    """The header cells of a sniffed file head, stripped; empty when the head is not text."""
    try:
        text = head.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError:
        return []
    first = text.split("\n", 1)[0].rstrip("\r")
    try:
        cells = next(csv.reader([first], delimiter=delimiter), [])
    except csv.Error:
        return []
    return [cell.strip() for cell in cells]


# --- persons or organisations ----------------------------------------------------------------

# Legal forms and trade words that (almost) never occur in a personal name.
_ORG_WORDS_TEXT = """
    INC INCORPORATED LTD LIMITED LLC LLP CO CORP CORPORATION COMPANY COMPANIES GMBH AG AB SA SL SRL SARL SAS
    SPA BV NV OY PTE PVT PLC JSC PJSC OJSC CJSC OAO ZAO OOO PAO FZC FZE FZCO KG ANSTALT GIE EST ESTABLISHMENT
    TRADING TRADE GROUP HOLDING HOLDINGS INTERNATIONAL INTERNACIONAL INDUSTRIES INDUSTRIAL INDUSTRY INDUSTRIE
    ENTERPRISE ENTERPRISES TECHNOLOGY TECHNOLOGIES TECH TECHNIK SOLUTIONS SYSTEMS SERVICES SERVICE ENGINEERING
    ELECTRONICS ELECTRONIC COMPUTERS COMPUTER METALS EXPORT IMPORT MANUFACTURING CONTRACTING CONSTRUCTION
    SUPPLY MACHINERY EQUIPMENT AIRLINES AIRLINE AIRWAYS AIR AVIATION AEROSPACE CARGO FREIGHT LOGISTICS
    SHIPPING TRANSPORT TRANSPORTE TRANSPORTATION BANK UNIVERSITY INSTITUTE ACADEMY CENTER CENTRE LABORATORY
    LAB LABS RESEARCH ASSOCIATES PARTNERS MANAGEMENT SUPPORT REFINING PRODUCTS RESULTS ZONE MICROWAVE
    NONWOVENS PROTOTYPE DIGITAL VERTRIEBS HANDEL COMMERCIO EMPRESA CONSULTING MINISTRY DEPARTMENT
    ORGANIZATION REGIMENT BUREAU FACTORY PLANT WORKS MARITIME DATA IMAGE INVEST INVESTMENT INVESTMENTS
    DEVELOPMENT FOUNDATION ASSOCIATION
"""
_ORG_WORDS = frozenset(_ORG_WORDS_TEXT.split())
_ORG_STEMS = ("AVIA", "AERO", "TECHN", "ELECTR", "ELEKTR")
_ORG_SIGNS = re.compile(r"&|\.(?:NET|COM|ORG)\b|\d", re.IGNORECASE)
_TOKEN_SPLIT = re.compile(r"[^0-9A-Z]+")


def looks_like_organization(name: str) -> bool:
    """Guess whether a bare name is an organisation: legal-form or trade words, '&', domains, digits.

    Lists such as the DPL do not say; a wrong "person" would wrongly enable
    birth-date checks, so only clear signs count and everything else is a
    person. A single-word name is taken as an organisation: persons on these
    lists always carry at least two names.
    """
    if _ORG_SIGNS.search(name):
        return True
    tokens = [token for token in _TOKEN_SPLIT.split(name.upper().replace(".", "")) if token]
    if len(tokens) == 1:
        return True
    return any(token in _ORG_WORDS or token.startswith(_ORG_STEMS) for token in tokens)


# --- DPL rows to entities ----------------------------------------------------------------------

_ALIAS_MARK = re.compile(r"\s+(?:A/K/A|D/B/A|F/K/A|A\.K\.A\.?|D\.B\.A\.?|F\.K\.A\.?)\s+", re.IGNORECASE)
_ALIAS_PAREN = re.compile(r"\(\s*(?:A/K/A|A\.K\.A\.?)\s+([^)]+)\)", re.IGNORECASE)
_US_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_ZIP = re.compile(r"^\d{5}(?:-\d{4})?$")
_NOT_ALNUM = re.compile(r"[^0-9a-z]+")
_US_STATES_TEXT = """
    AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND OH
    OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY DC PR GU VI AS MP
"""
_US_STATES = frozenset(_US_STATES_TEXT.split())


@dataclass(slots=True)
class _Group:
    """The rows of one party under one denial order."""

    name: str
    effective: str
    rows: list[dict[str, str]]


def parse(list_file: ListFile) -> Iterator[Entity]:
    """Read the whole file (it is small), group rows into parties, yield one entity per party."""
    for path in list_file.paths:
        groups = _group_rows(path, _rows(path))
        earliest = _earliest_orders(groups)
        for group in groups:
            yield _entity(group, list_file.source, first_order=earliest[group.name] == group.effective)


def _rows(path: Path) -> Iterator[tuple[str, dict[str, str]]]:
    table = read_table(path, "\t")
    header_row = next(table, None)
    if header_row is None:
        raise ListFormatError(path, None, "empty file: expected the Denied Persons List header")
    header = [cell.strip() for cell in header_row.values]
    missing = [column for column in _REQUIRED_COLUMNS if column not in header]
    if missing:
        raise ListFormatError(path, "row 1", f"not a Denied Persons List: header lacks {', '.join(missing)}")
    for row in table:
        yield row.where, {column: value.strip() for column, value in zip(header, row.values, strict=True)}


def _group_rows(path: Path, rows: Iterable[tuple[str, dict[str, str]]]) -> list[_Group]:
    groups: dict[tuple[str, str], _Group] = {}
    for where, row in rows:
        name = " ".join(row["Name"].split())
        if not name:
            raise ListFormatError(path, where, "empty Name")
        key = (normalise_name(name), row["Effective_Date"])
        group = groups.setdefault(key, _Group(key[0], row["Effective_Date"], []))
        group.rows.append(row)
    return list(groups.values())


def normalise_name(name: str) -> str:
    """The grouping key of a name: upper case, whitespace collapsed (BIS pads and double-spaces names)."""
    return " ".join(name.upper().split())


def _earliest_orders(groups: Sequence[_Group]) -> dict[str, str]:
    earliest: dict[str, str] = {}
    for group in groups:
        current = earliest.get(group.name)
        if current is None or _sort_key(group.effective) < _sort_key(current):
            earliest[group.name] = group.effective
    return earliest


def _sort_key(effective: str) -> str:
    return us_date(effective) or effective


def dpl_source_id(name: str, effective: str, first_order: bool) -> str:
    """A stable id from the normalised name: the DPL has no ids of its own.

    A readable slug plus a hash of the exact name (two names can slug alike:
    "AL NASER AIRLINES" and "AL-NASER AIRLINES" are separate rows). The
    effective date is left out for a party's earliest order, so a TDO renewal
    (which moves the effective date) keeps the id; only a second, later order
    against the same name gets the date in its id.
    """
    key = normalise_name(name) if first_order else f"{normalise_name(name)}|{effective}"
    digest = hashlib.sha1(key.encode("utf-8")).hexdigest()[:8]
    slug = _NOT_ALNUM.sub("-", name.lower()).strip("-")[:60].rstrip("-")
    return f"{slug}-{digest}" if slug else digest


def _entity(group: _Group, source: str, first_order: bool) -> Entity:
    published = " ".join(group.rows[0]["Name"].split())
    source_id = dpl_source_id(published, group.effective, first_order)
    addresses = _addresses(group.rows)
    attributes = _attributes(group.rows)
    if any(address.country and not _row_country(row) for address, row in zip(addresses, group.rows, strict=True)):
        attributes["country_inferred"] = ["true"]
    return Entity(
        id=make_id(source, source_id),
        source=source,
        source_id=source_id,
        schema=Schema.ORGANIZATION if looks_like_organization(published) else Schema.PERSON,
        names=_names(published),
        programs=[PROGRAM],
        addresses=_dedupe(addresses),
        listed_on=us_date(group.effective),
        attributes=attributes,
        raw={"rows": [{k: v for k, v in row.items() if v} for row in group.rows]},
    )


def _names(published: str) -> list[Name]:
    """The published name, plus the names hidden in it: "X A/K/A Y", "X D/B/A Y", "X (A.K.A. Y) Z"."""
    names = [Name(published)]
    seen = {published}
    candidates: list[tuple[str, NameKind]] = []
    for match in _ALIAS_PAREN.finditer(published):
        candidates.append((match.group(1), NameKind.AKA))
        candidates.append((_ALIAS_PAREN.sub(" ", published), NameKind.AKA))
    parts = _ALIAS_MARK.split(published)
    if len(parts) > 1:
        candidates.extend((part, NameKind.AKA) for part in parts)
    for text, kind in candidates:
        value = " ".join(text.split()).strip(" ,;")
        if value and value not in seen:
            seen.add(value)
            names.append(Name(value, kind))
    return names


def _addresses(rows: Sequence[dict[str, str]]) -> list[Address]:
    return [_address(row) for row in rows]


def _address(row: dict[str, str]) -> Address:
    street = empty_to_none(row.get("Street_Address"))
    city = empty_to_none(row.get("City"))
    region = empty_to_none(row.get("State"))
    postal = empty_to_none(row.get("Postal_Code"))
    given = empty_to_none(row.get("Country"))
    country = _row_country(row)
    if country is None and is_us_state_with_zip(region or given, postal):
        # An empty country with a US state and ZIP is a US address; BIS also
        # sometimes puts the state in the country column ("NM", no state).
        country = "US"
        if region is None and given:
            region, given = given, None
    full = ", ".join(part for part in (street, city, region, postal, given) if part)
    return Address(
        full=full or None,
        street=street,
        city=city,
        region=region,
        postal_code=postal,
        country=country,
        country_name=given,
    )


def _row_country(row: dict[str, str]) -> str | None:
    code = country_code(empty_to_none(row.get("Country")))
    return code if code and len(code) == 2 else None


def is_us_state_with_zip(state: str | None, postal: str | None) -> bool:
    """A US state (or territory) code with a ZIP code: the address is in the US even when no country is written."""
    return bool(state and postal and state.upper() in _US_STATES and _ZIP.match(postal))


def _dedupe(addresses: Iterable[Address]) -> list[Address]:
    seen: dict[tuple[str | None, ...], Address] = {}
    for address in addresses:
        key = (address.street, address.city, address.region, address.postal_code, address.country)
        seen.setdefault(key, address)
    return [address for address in seen.values() if address.full or address.country]


def _attributes(rows: Sequence[dict[str, str]]) -> dict[str, list[str]]:
    """Order facts as they vary across a party's rows, each value once, in file order."""
    attributes: dict[str, list[str]] = {"list": [PROGRAM], "schema_inferred": ["true"]}
    for key, column, convert in (
        ("expiration_date", "Expiration_Date", us_date),
        ("standard_order", "Standard_Order", str.upper),
        ("last_update", "Last_Update", str),
        ("action", "Action", str),
        ("federal_register_notice", "FR_Citation", str),
    ):
        values = [convert(row[column]) or row[column] for row in rows if row.get(column)]
        if values:
            attributes[key] = list(dict.fromkeys(values))
    return attributes


def us_date(text: str | None) -> str | None:
    """``MM/DD/YYYY`` to ISO; None when empty or not a real date."""
    match = _US_DATE.match(text.strip()) if text else None
    if not match:
        return None
    month, day, year = (int(part) for part in match.groups())
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def _recognise(path: Path, head: bytes) -> bool:
    header = [cell.strip('"') for cell in header_of(head, "\t")]
    return all(column in header for column in _REQUIRED_COLUMNS)


def claim(paths: Sequence[Path]) -> list[ListFile]:
    return claim_each(paths, "bis_dpl", SOURCE, _recognise)


FORMAT = Format(
    key="bis_dpl",
    default_source=SOURCE,
    description="BIS Denied Persons List (dpl.txt, tab-separated)",
    parse=parse,
    claim=claim,
)
