"""The UK Sanctions List (FCDO) in CSV, and OFSI's older Consolidated List (ConList.csv).

The FCDO file opens with a ``Report Date: 21-Sep-2026`` line, then a 58-column
header (``Last Updated, Unique ID, OFSI Group ID, UN Reference Number, Name 6,
Name 1 .. Name 5, Name type, ...``). It is one row per name of a designation,
repeated again for each further date of birth, address or nationality, so a
designation is the union of its rows under one ``Unique ID``. OFSI's
ConList.csv has the same shape (a ``Last Updated`` line, then 36 columns
keyed by ``Group ID``) and is read by the same code through a column map.

Name 6 is the surname of a person and the whole name of an entity or ship;
the full name is written Name 1..Name 5 then Name 6, as the FCDO displays it.
Unknown parts of dates are written ``dd``/``mm`` (``00`` in ConList).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import IO, TypeVar

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
    Vessel,
    make_id,
)
from proscribe.sources.base import Format, ListFile, ListFormatError, sniff, unique

FORMAT_KEY = "uk_fcdo"
SOURCE = "uk_fcdo"

_T = TypeVar("_T")
Row = dict[str, str]  # one CSV row: the publisher's column name → non-empty value

_NAME_COLUMNS = ("Name 1", "Name 2", "Name 3", "Name 4", "Name 5", "Name 6")
_SCHEMAS = {"individual": Schema.PERSON, "entity": Schema.ORGANIZATION, "ship": Schema.VESSEL}
_GENDERS = {"male": "male", "female": "female"}
_KIND_ORDER = (NameKind.PRIMARY, NameKind.AKA, NameKind.NKA, NameKind.FKA, NameKind.WEAK)
_SCRIPTS = {
    "arabic": "Arab",
    "persian": "Arab",
    "cyrillic": "Cyrl",
    "russian": "Cyrl",
    "chinese": "Hani",
    "han": "Hani",
    "korean": "Hang",
    "hangul": "Hang",
    "greek": "Grek",
    "hebrew": "Hebr",
    "georgian": "Geor",
    "armenian": "Armn",
    "japanese": "Jpan",
    "burmese": "Mymr",
    "myanmar": "Mymr",
}
_LANGUAGES = {
    "arabic": "ar",
    "russian": "ru",
    "belarusian": "be",
    "ukrainian": "uk",
    "chinese": "zh",
    "korean": "ko",
    "persian": "fa",
    "farsi": "fa",
    "pashto": "ps",
    "urdu": "ur",
    "burmese": "my",
    "georgian": "ka",
}
_DMY = re.compile(r"(\d{1,2}|dd|DD)/(\d{1,2}|mm|MM)/(\d{4})")
_REPORT_DATE = re.compile(r"(\d{1,2})-([A-Za-z]{3})-(\d{4})")
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_NUMBERED = re.compile(r"\(\d{1,2}\)")
_IMO = re.compile(r"^IMO\s*", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Layout:
    """One edition of the CSV: which header names carry which fact (first name found in the header wins)."""

    name: str
    id_column: str
    columns: dict[str, tuple[str, ...]]

    def bind(self, header: Sequence[str]) -> dict[str, str]:
        present = set(header)
        return {
            key: next(c for c in names if c in present) for key, names in self.columns.items() if present & set(names)
        }


def _columns(**names: str | tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    return {key: (value,) if isinstance(value, str) else value for key, value in names.items()}


UK_SANCTIONS_LIST = Layout(
    name="UK Sanctions List",
    id_column="Unique ID",
    columns=_columns(
        id="Unique ID",
        group_id="OFSI Group ID",
        un_reference="UN Reference Number",
        name_type="Name type",
        alias_strength="Alias strength",
        title="Title",
        non_latin="Name non-latin script",
        script_type="Non-latin script type",
        script_language="Non-latin script language",
        regime="Regime Name",
        type=("Designation Type", "Individual, Entity, Ship"),
        designation_source="Designation source",
        sanctions_imposed="Sanctions Imposed",
        other_information="Other Information",
        statement_of_reasons="UK Statement of Reasons",
        postal_code="Address Postal Code",
        address_country="Address Country",
        phone="Phone number",
        website="Website",
        email="Email address",
        designated="Date Designated",
        dob="D.O.B",
        nationality="Nationality(/ies)",
        national_id="National Identifier number",
        national_id_info="National Identifier additional information",
        passport="Passport number",
        passport_info="Passport additional information",
        position="Position",
        gender="Gender",
        town_of_birth="Town of birth",
        country_of_birth="Country of birth",
        entity_type="Type of entity",
        subsidiaries="Subsidiaries",
        parent_company="Parent company",
        registration="Business registration number (s)",
        imo="IMO number",
        owner="Current owner/operator (s)",
        previous_owner="Previous owner/operator (s)",
        flag="Current believed flag of ship",
        previous_flags="Previous flags",
        ship_type="Type of ship",
        tonnage="Tonnage of ship",
        length="Length of ship",
        year_built="Year Built",
        hin="Hull identification number (HIN)",
        last_updated="Last Updated",
        **{f"address_{n}": f"Address Line {n}" for n in range(1, 7)},
    ),
)

OFSI_CONLIST = Layout(
    name="OFSI Consolidated List",
    id_column="Group ID",
    columns=_columns(
        id="Group ID",
        name_type="Alias Type",
        alias_strength="Alias Quality",
        title="Title",
        non_latin="Name Non-Latin Script",
        script_type="Non-Latin Script Type",
        script_language="Non-Latin Script Language",
        regime="Regime",
        type="Group Type",
        other_information="Other Information",
        postal_code="Post/Zip Code",
        address_country="Country",
        designated="Listed On",
        uk_designated="UK Sanctions List Date Designated",
        dob="DOB",
        nationality="Nationality",
        national_id="National Identification Number",
        national_id_info="National Identification Details",
        passport="Passport Number",
        passport_info="Passport Details",
        position="Position",
        town_of_birth="Town of Birth",
        country_of_birth="Country of Birth",
        last_updated="Last Updated",
        **{f"address_{n}": f"Address {n}" for n in range(1, 7)},
    ),
)


def layout_of(header: Sequence[str]) -> Layout | None:
    """The edition a header row belongs to, or None when it is neither."""
    if "Name 6" not in header:
        return None
    return next((lay for lay in (UK_SANCTIONS_LIST, OFSI_CONLIST) if lay.id_column in header), None)


# -- recognising the file ---------------------------------------------------


def claim(paths: Sequence[Path]) -> list[ListFile]:
    """Claim every file whose first or second line is a UK Sanctions List or ConList header."""
    found: list[ListFile] = []
    for path in paths:
        lines = sniff(path).decode("utf-8-sig", errors="replace").replace("\0", "").splitlines()[:2]
        for index, line in enumerate(lines):
            if layout_of([cell.strip() for cell in next(csv.reader([line]), [])]):
                published = report_date(lines[0]) if index == 1 else None
                found.append(ListFile(format=FORMAT_KEY, source=SOURCE, paths=[path], publisher_date=published))
                break
    return found


def report_date(line: str) -> str | None:
    """ISO date of the first line: ``Report Date: 21-Sep-2026`` (FCDO) or ``Last Updated,03/06/2026`` (OFSI)."""
    match = _REPORT_DATE.search(line)
    if match and match.group(2).lower() in _MONTHS:
        month = _MONTHS.index(match.group(2).lower()) + 1
        return uk_date(f"{match.group(1)}/{month}/{match.group(3)}")
    return uk_date(line.split(",", 1)[-1].strip())


# -- reading the rows -------------------------------------------------------


@dataclass(slots=True)
class _Group:
    line: int
    rows: list[Row] = field(default_factory=list)


def parse(list_file: ListFile) -> Iterator[Entity]:
    """Yield one entity per designation; malformed input becomes a ListFormatError naming the line.

    All rows are read before the first entity is built: the FCDO does not
    promise that the rows of one designation are adjacent.
    """
    path = list_file.paths[0]
    try:
        with path.open("rb") as handle:
            columns, groups = _read(path, handle, list_file)
    except OSError as error:
        raise ListFormatError(path, None, f"cannot read the file: {error.strerror or error}") from None
    for key, group in groups.items():
        yield _entity(path, columns, key, group)


def _read(path: Path, handle: IO[bytes], list_file: ListFile) -> tuple[dict[str, str], dict[str, _Group]]:
    reader = csv.reader(_decoded_lines(path, handle))
    try:
        header, layout = _header(path, reader, list_file)
        columns = layout.bind(header)
        groups: dict[str, _Group] = {}
        start = reader.line_num + 1
        for cells in reader:
            line, start = start, reader.line_num + 1
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) != len(header):
                raise ListFormatError(path, f"line {line}", f"{len(cells)} fields where the header has {len(header)}")
            row = {name: cell.strip() for name, cell in zip(header, cells, strict=True) if cell.strip()}
            key = row.get(layout.id_column)
            if key is None:
                raise ListFormatError(path, f"line {line}", f"no {layout.id_column}: the row belongs to no designation")
            groups.setdefault(key, _Group(line)).rows.append(row)
    except csv.Error as error:
        raise ListFormatError(path, f"line {reader.line_num}", f"not readable as CSV: {error}") from None
    return columns, groups


def _decoded_lines(path: Path, handle: IO[bytes]) -> Iterator[str]:
    """The file's lines as text; bytes that are not UTF-8 are an error naming their line, never guessed at."""
    for number, raw in enumerate(handle, start=1):
        try:
            yield raw.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError as error:
            raise ListFormatError(path, f"line {number}", f"byte {error.start + 1} of the line is not UTF-8") from None


def _header(path: Path, reader: Iterator[list[str]], list_file: ListFile) -> tuple[list[str], Layout]:
    """The header row, on line 1 or after the report-date line; its layout; the publisher's date."""
    first = next(reader, None)
    if first is None:
        raise ListFormatError(path, "line 1", "the file is empty")
    header = [cell.strip() for cell in first]
    layout = layout_of(header)
    if layout is None:
        list_file.publisher_date = report_date(",".join(first)) or list_file.publisher_date
        header = [cell.strip() for cell in next(reader, [])]
        layout = layout_of(header)
    if layout is None:
        raise ListFormatError(
            path, "line 2", "no UK Sanctions List header (Unique ID, Name 6 ...) nor ConList header (Group ID ...)"
        )
    return header, layout


# -- one designation to one entity ------------------------------------------


@dataclass(frozen=True, slots=True)
class _Facts:
    """The rows of one designation, read through the column names of their layout."""

    rows: list[Row]
    columns: dict[str, str]

    def get(self, row: Row, name: str) -> str | None:
        column = self.columns.get(name)
        return row.get(column) if column else None

    def values(self, name: str, split: bool = False) -> list[str]:
        """Every distinct value the rows give a fact, in row order; ``split`` opens multi-value cells."""
        found = (value for row in self.rows if (value := self.get(row, name)))
        return unique(part for value in found for part in (split_values(value) if split else [value]))


def _entity(path: Path, columns: dict[str, str], key: str, group: _Group) -> Entity:
    facts = _Facts(unique(group.rows), columns)
    names = _names(facts)
    if not names:
        raise ListFormatError(path, f"line {group.line}", f"designation {key} has no name")
    kinds = [_SCHEMAS[t.lower()] for t in facts.values("type") if t.lower() in _SCHEMAS]
    schema = kinds[0] if kinds else Schema.ORGANIZATION
    designated = sorted(d for d in map(uk_date, facts.values("designated") + facts.values("uk_designated")) if d)
    return Entity(
        id=make_id(SOURCE, key),
        source=SOURCE,
        source_id=key,
        schema=schema,
        names=names,
        programs=facts.values("regime"),
        addresses=unique(a for a in (_address(facts, row) for row in facts.rows) if a),
        birth_dates=unique(d for d in map(_birth_date, facts.values("dob", split=True)) if d),
        birth_places=unique(p for p in (_birth_place(facts, row) for row in facts.rows) if p),
        nationalities=country_codes(facts.values("nationality", split=True)),
        gender=next((_GENDERS[g.lower()] for g in facts.values("gender") if g.lower() in _GENDERS), None),
        titles=facts.values("title", split=True),
        identifiers=_identifiers(facts),
        vessel=_vessel(facts) if schema is Schema.VESSEL else None,
        listed_on=designated[0] if designated else None,
        remarks="\n".join(facts.values("other_information")) or None,
        attributes=_attributes(facts),
        raw={"rows": facts.rows},
    )


def _names(facts: _Facts) -> list[Name]:
    """Every distinct name, each kept at the strongest kind any row gives it, primary names first."""
    best: dict[tuple[str, str | None], Name] = {}
    for row in facts.rows:
        kind = name_kind(facts.get(row, "name_type"), facts.get(row, "alias_strength"))
        latin = " ".join(" ".join(row[c].split()) for c in _NAME_COLUMNS if c in row)
        non_latin = facts.get(row, "non_latin")
        script_type = (facts.get(row, "script_type") or "").lower()
        language = (facts.get(row, "script_language") or "").lower()
        candidates = [Name(latin, kind)] if latin else []
        if non_latin:
            candidates.append(Name(non_latin, kind, _SCRIPTS.get(script_type), _LANGUAGES.get(language)))
        for name in candidates:
            known = best.get((name.value, name.lang))
            if known is None or _KIND_ORDER.index(name.kind) < _KIND_ORDER.index(known.kind):
                best[(name.value, name.lang)] = name
    return sorted(best.values(), key=lambda name: name.kind is not NameKind.PRIMARY)


def name_kind(name_type: str | None, strength: str | None) -> NameKind:
    """Primary names stay primary; an alias the publisher rates weak or low quality is a weak name."""
    kind = (name_type or "").casefold().strip()
    if kind == "primary name":
        return NameKind.PRIMARY
    if any(word in (strength or "").casefold() for word in ("weak", "low")):
        return NameKind.WEAK
    return {"fka": NameKind.FKA, "nka": NameKind.NKA}.get(kind.replace(".", ""), NameKind.AKA)


def _address(facts: _Facts, row: Row) -> Address | None:
    lines = [facts.get(row, f"address_{n}") for n in range(1, 7)]
    postal, country = facts.get(row, "postal_code"), facts.get(row, "address_country")
    full = ", ".join(p for p in [*lines, postal, country] if p)
    if not full:
        return None
    street = ", ".join(line for line in lines[:3] if line) or None
    return Address(full, street, postal_code=postal, country=country_code(country), country_name=country)


def _birth_place(facts: _Facts, row: Row) -> str | None:
    parts = [facts.get(row, "town_of_birth"), facts.get(row, "country_of_birth")]
    return ", ".join(p for p in parts if p) or None


def _birth_date(text: str) -> PartialDate | None:
    date = uk_date(text.removeprefix("circa").strip())
    return PartialDate(date, circa=text.lower().startswith("circa")) if date else None


def uk_date(text: str | None) -> str | None:
    """``dd/mm/yyyy`` as partial ISO; ``dd``, ``mm`` or ``00`` stand for an unknown day or month."""
    match = _DMY.fullmatch((text or "").strip())
    if match is None:
        return text.strip() if text and re.fullmatch(r"\d{4}", text.strip()) else None
    day, month, year = (int(part) if part.isdigit() else 0 for part in match.groups())
    if not 1 <= month <= 12:
        return f"{year:04d}"
    try:
        return date(year, month, day).isoformat()
    except ValueError:  # day unknown (dd, 00) or not in that month
        return f"{year:04d}-{month:02d}"


def _identifiers(facts: _Facts) -> list[Identifier]:
    """Documents row by row (each number keeps its own note), then the designation's other numbers."""
    found: list[Identifier] = []
    for row in facts.rows:
        for column, info, id_type in (
            ("passport", "passport_info", IdType.PASSPORT),
            ("national_id", "national_id_info", IdType.NATIONAL_ID),
        ):
            for number in split_values(facts.get(row, column) or ""):
                found.append(Identifier(id_type, number, label=facts.columns[column], note=facts.get(row, info)))
    for column, id_type in (
        ("registration", IdType.REGISTRATION),
        ("imo", IdType.IMO),
        ("hin", IdType.OTHER),
        ("phone", IdType.PHONE),
        ("website", IdType.WEBSITE),
        ("email", IdType.EMAIL),
    ):
        for value in facts.values(column, split=True):
            number = _IMO.sub("", value) if id_type is IdType.IMO else value
            found.append(Identifier(id_type, number, label=facts.columns[column]))
    return unique(found)


def _vessel(facts: _Facts) -> Vessel:
    flags = facts.values("flag")
    return Vessel(
        vessel_type=next(iter(facts.values("ship_type")), None),
        tonnage=next(iter(facts.values("tonnage")), None),
        flag=(country_code(flags[0]) or flags[0]) if flags else None,
        owner="; ".join(facts.values("owner")) or None,
    )


def _attributes(facts: _Facts) -> dict[str, list[str]]:
    found = {
        "position": facts.values("position", split=True),
        "statement_of_reasons": facts.values("statement_of_reasons"),
        "sanctions_imposed": facts.values("sanctions_imposed", split=True),
        "designation_source": facts.values("designation_source"),
        "un_reference_number": facts.values("un_reference"),
        "ofsi_group_id": facts.values("group_id"),
        "last_updated": unique(d for d in map(uk_date, facts.values("last_updated")) if d),
        "type_of_entity": facts.values("entity_type"),
        "parent_company": facts.values("parent_company"),
        "subsidiaries": facts.values("subsidiaries"),
        "previous_owner": facts.values("previous_owner"),
        "previous_flags": facts.values("previous_flags", split=True),
        "length": facts.values("length"),
        "year_built": facts.values("year_built"),
    }
    return {key: value for key, value in found.items() if value}


def split_values(value: str) -> list[str]:
    """Several values in one cell: ``a|b`` or OFSI's numbered ``(1) a (2) b``."""
    parts = (p.strip(" ,;") for chunk in value.split("|") for p in _NUMBERED.split(chunk))
    return [p for p in parts if p]


# -- small helpers ----------------------------------------------------------


FORMAT = Format(
    key=FORMAT_KEY,
    default_source=SOURCE,
    description="UK Sanctions List (FCDO CSV), also OFSI's Consolidated List (ConList.csv)",
    parse=parse,
    claim=claim,
)
