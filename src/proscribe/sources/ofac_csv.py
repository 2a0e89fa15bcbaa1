"""OFAC's legacy CSV format: the SDN set and the consolidated non-SDN set.

OFAC publishes each list as a group of header-less CSV files sharing one key,
``ent_num``: a primary file (``sdn.csv`` / ``cons_prim.csv``) with one row per
listed party, plus ``add`` (addresses), ``alt`` (aliases) and ``comments``
(the tail of remarks longer than the 1000 characters the primary file's
column holds). ``-0- `` stands for an empty field and files may end with a
DOS end-of-file byte (0x1A).

The secondary files are small, so they are indexed by ``ent_num`` first; the
primary file is then streamed, one :class:`Entity` per row. Any row that does
not fit the layout stops the parse with a :class:`ListFormatError` naming the
file and row, so a damaged download never half-replaces a list.
"""

from __future__ import annotations

import csv
import logging
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from proscribe.countries import country_code
from proscribe.model import Address, Entity, Name, NameKind, Schema, Vessel, make_id
from proscribe.sources.base import Format, ListFile, ListFormatError, empty_to_none
from proscribe.sources.ofac_remarks import RemarksFacts, parse_remarks

log = logging.getLogger(__name__)

FORMAT_KEY = "ofac_csv"
SDN_SOURCE = "us_ofac_sdn"
CONS_SOURCE = "us_ofac_cons"

# OFAC's own names for the primary file's columns, used as keys of Entity.raw.
PRIMARY_COLUMNS: tuple[str, ...] = (
    "ent_num",
    "sdn_name",
    "sdn_type",
    "program",
    "title",
    "call_sign",
    "vess_type",
    "tonnage",
    "grt",
    "vess_flag",
    "vess_owner",
    "remarks",
)
ROLE_WIDTHS = {"primary": len(PRIMARY_COLUMNS), "add": 6, "alt": 5, "comments": 2}


@dataclass(frozen=True, slots=True)
class FileGroup:
    """The file names (lower case) of one list's CSV set; the primary file is required."""

    source: str
    roles: dict[str, str]  # role → file name


GROUPS = (
    FileGroup(SDN_SOURCE, {"primary": "sdn.csv", "add": "add.csv", "alt": "alt.csv", "comments": "sdn_comments.csv"}),
    FileGroup(
        CONS_SOURCE,
        {"primary": "cons_prim.csv", "add": "cons_add.csv", "alt": "cons_alt.csv", "comments": "cons_comments.csv"},
    ),
)
_ROLE_BY_NAME = {name: role for group in GROUPS for role, name in group.roles.items()}
_SCHEMAS = {"individual": Schema.PERSON, "vessel": Schema.VESSEL, "aircraft": Schema.AIRCRAFT}
_ALIAS_KINDS = {"aka": NameKind.AKA, "fka": NameKind.FKA, "nka": NameKind.NKA, "weak": NameKind.WEAK}
Index = dict[str, list[tuple[str, ...]]]  # a secondary file's rows by ent_num
_POSTAL_LABELS = {"c.p", "cp", "zip"}
_ENT_NUM = re.compile(r"[0-9]{1,12}")


# --- recognising ----------------------------------------------------------------


def claim(paths: Sequence[Path]) -> list[ListFile]:
    """One ListFile per CSV set whose primary file is among ``paths`` (names matched case-insensitively)."""
    by_name = {path.name.lower(): path for path in paths}
    claimed = []
    for group in GROUPS:
        if group.roles["primary"] not in by_name:
            continue
        members = [by_name[name] for name in group.roles.values() if name in by_name]
        claimed.append(ListFile(format=FORMAT_KEY, source=group.source, paths=members))
    return claimed


def _roles(paths: Sequence[Path]) -> dict[str, Path]:
    """Which file plays which part; a lone file of another name is taken as the primary file."""
    if len(paths) == 1 and paths[0].name.lower() not in _ROLE_BY_NAME:
        return {"primary": paths[0]}
    roles: dict[str, Path] = {}
    for path in paths:
        role = _ROLE_BY_NAME.get(path.name.lower())
        if role is None:
            raise ListFormatError(path, None, "not a file of an OFAC CSV set (sdn/add/alt/comments)")
        if role in roles:
            raise ListFormatError(path, None, f"two {role} files in one list: {roles[role].name} and {path.name}")
        roles[role] = path
    if "primary" not in roles:
        where = paths[0] if paths else "<no files>"
        raise ListFormatError(where, None, "the set has no primary file (sdn.csv or cons_prim.csv)")
    return roles


# --- reading --------------------------------------------------------------------


def _lines(path: Path, handle: Iterable[bytes]) -> Iterator[str]:
    """Decoded lines, without the trailing DOS end-of-file byte; bytes that are not UTF-8 are an error."""
    for number, raw in enumerate(handle, start=1):
        try:
            line = raw.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError as error:
            raise ListFormatError(
                path, f"line {number}", f"bytes that are not UTF-8 at column {error.start + 1}"
            ) from None
        body = line.rstrip("\r\n")
        if body.endswith("\x1a"):
            line = body.rstrip("\x1a") + line[len(body) :]
        yield line


def read_rows(path: Path, width: int) -> Iterator[tuple[int, list[str]]]:
    """``(row number, fields)`` for each record, checked for column count and a numeric ent_num."""
    row = 0
    try:
        with path.open("rb") as handle:
            reader = csv.reader(_lines(path, handle), strict=True)
            for fields in reader:
                row += 1
                if not fields or fields == [""]:
                    continue
                _check_row(path, row, fields, width)
                yield row, fields
    except csv.Error as error:
        raise ListFormatError(path, f"row {row + 1}", f"not valid CSV: {error}") from None
    except OSError as error:
        raise ListFormatError(path, None, f"cannot read: {error.strerror or error}") from None


def _check_row(path: Path, row: int, fields: list[str], width: int) -> None:
    if len(fields) != width:
        raise ListFormatError(path, f"row {row}", f"expected {width} columns, found {len(fields)}")
    if not _ENT_NUM.fullmatch(fields[0].strip()):
        raise ListFormatError(path, f"row {row}", f"ent_num is not a number: {fields[0][:40]!r}")


def index_rows(path: Path | None, role: str) -> Index:
    """A secondary file's rows grouped by ent_num, in file order."""
    index: Index = {}
    if path is not None:
        for row, fields in read_rows(path, ROLE_WIDTHS[role]):
            if role == "alt" and (empty_to_none(fields[2]) or "aka").lower() not in _ALIAS_KINDS:
                raise ListFormatError(path, f"row {row}", f"unknown alias type {fields[2][:40]!r}")
            index.setdefault(fields[0].strip(), []).append(tuple(fields))  # tuples of str escape the GC
    return index


# --- building entities -----------------------------------------------------------


def split_programs(value: str | None) -> list[str]:
    """``SDGT] [NS-PLC`` or ``SDGT; NS-PLC`` → ``["SDGT", "NS-PLC"]``."""
    if not value:
        return []
    parts = re.split(r"\]\s*\[|;", value)
    programs = [part.strip(" []") for part in parts]
    return list(dict.fromkeys(program for program in programs if program))


def split_titles(value: str | None) -> list[str]:
    """The title column holds several positions separated by ``;``."""
    return [title.strip() for title in value.split(";") if title.strip()] if value else []


def split_city_line(value: str | None) -> tuple[str | None, str | None, str | None]:
    """``Guadalajara, Jalisco 44660`` → ``("Guadalajara", "Jalisco", "44660")``; best effort.

    The postal code is the run of trailing words holding a digit (``EC2R 7HD``,
    ``CH-8022``) or, failing that, a leading one (``D-80331 Munich``); the rest
    splits on its first comma into city and region.
    """
    if not value:
        return None, None, None
    words = value.split()
    if len(words) == 1 and any(char.isdigit() for char in value):
        return None, None, value
    end = len(words)
    while end > 1 and any(char.isdigit() for char in words[end - 1]):
        end -= 1
    start = 0
    if end == len(words) and len(words) > 1 and any(char.isdigit() for char in words[0]):
        start = 1
    postal = " ".join(words[end:] or words[:start]) or None
    if end < len(words) and end > 1 and words[end - 1].lower().strip(".") in _POSTAL_LABELS:
        end -= 1  # "Sinaloa C.P. 80020": the label is neither region nor code
    place = " ".join(words[start:end]).strip(" ,")
    city, _, region = place.partition(",")
    return city.strip() or None, region.strip() or None, postal


def clean(fields: Sequence[str]) -> list[str | None]:
    """Fields stripped, OFAC's ``-0-`` and blanks as None; one pass per row (the hot path)."""
    return [value if (value := item.strip()) and value != "-0-" else None for item in fields]


def build_address(fields: Sequence[str]) -> Address | None:
    street, city_line, country_name = clean(fields[2:5])
    if not (street or city_line or country_name):
        return None
    city, region, postal = split_city_line(city_line)
    full = ", ".join(part for part in (street, city_line, country_name) if part)
    country = country_code(country_name)
    return Address(
        full=full,
        street=street,
        city=city,
        region=region,
        postal_code=postal,
        country=country,
        country_name=country_name,
    )


def build_vessel(values: Sequence[str | None], schema: Schema) -> Vessel | None:
    """The vessel columns (cleaned values 5-10) when the row is a vessel or fills any of them."""
    call_sign, vessel_type, tonnage, grt, flag, owner = values[5:11]
    if schema is not Schema.VESSEL and not any(values[5:11]):
        return None
    return Vessel(
        call_sign=call_sign,
        vessel_type=vessel_type,
        tonnage=tonnage,
        gross_registered_tonnage=grt,
        flag=country_code(flag) or flag,
        owner=owner,
    )


def alias_names(rows: Sequence[Sequence[str]]) -> list[Name]:
    """alt.csv rows as names, every row kept so alias counts match the publisher's."""
    names = []
    for fields in rows:
        value = empty_to_none(fields[3])
        if value:
            names.append(Name(value=value, kind=_ALIAS_KINDS[(empty_to_none(fields[2]) or "aka").lower()]))
    return names


def join_remarks(head: str, tails: list[str]) -> str | None:
    """sdn.csv cuts remarks at 1000 characters mid-word; the comments rows continue them verbatim.

    So the parts are concatenated with no separator (``... Registration Numbe`` +
    ``r 1027700342890 (Russia)``); spaces at the cut belong to the text.
    """
    head = head if empty_to_none(head) else ""
    return empty_to_none(head + "".join(tails))


def merge_names(names: list[Name], extra: list[Name]) -> None:
    """Add remark aliases that alt.csv does not already carry (compared case-insensitively)."""
    seen = {name.value.casefold() for name in names}
    for name in extra:
        if name.value.casefold() not in seen:
            seen.add(name.value.casefold())
            names.append(name)


def _attributes(facts: RemarksFacts, titles: list[str], address_notes: list[str]) -> dict[str, list[str]]:
    """Remark attributes plus what is left unparsed; pieces that repeat the title column are not 'unparsed'."""
    attributes = dict(facts.attributes)
    known = {title.casefold() for title in titles}
    unparsed = [piece for piece in facts.unparsed if piece.casefold() not in known]
    if unparsed:
        attributes["remarks_unparsed"] = unparsed
    if address_notes:
        attributes["address_remarks"] = address_notes
    return attributes


@dataclass(slots=True)
class _Secondary:
    adds: Index
    alts: Index
    comments: Index


def build_entity(source: str, fields: list[str], extra: _Secondary) -> Entity:
    """One primary row plus its address, alias and comment rows as an Entity."""
    values = clean(fields)
    ent_num, name, kind = values[0] or "", values[1] or "", values[2]
    schema = _SCHEMAS[kind.lower()] if kind else Schema.ORGANIZATION
    comments = [row[1] for row in extra.comments.get(ent_num, [])]
    remarks = join_remarks(fields[11], comments)
    facts = parse_remarks(remarks)
    titles = split_titles(values[4])
    names = [Name(value=name, kind=NameKind.PRIMARY)]
    names += alias_names(extra.alts.get(ent_num, []))
    merge_names(names, facts.names)
    add_rows = extra.adds.get(ent_num, [])
    addresses = [address for address in map(build_address, add_rows) if address]
    address_notes = [note for note in (empty_to_none(row[5]) for row in add_rows) if note]
    return Entity(
        id=make_id(source, ent_num),
        source=source,
        source_id=ent_num,
        schema=schema,
        names=names,
        programs=split_programs(values[3]),
        addresses=addresses,
        birth_dates=facts.birth_dates,
        birth_places=facts.birth_places,
        nationalities=facts.nationalities,
        citizenships=facts.citizenships,
        gender=facts.gender,
        titles=list(dict.fromkeys(titles + facts.titles)),
        identifiers=facts.identifiers,
        relations=facts.relations,
        vessel=build_vessel(values, schema),
        listed_on=facts.listed_on,
        remarks=remarks,
        attributes=_attributes(facts, titles, address_notes),
        raw=_raw(fields, add_rows, extra.alts.get(ent_num, []), comments),
    )


def _raw(
    fields: list[str], adds: Sequence[Sequence[str]], alts: Sequence[Sequence[str]], comments: list[str]
) -> dict[str, object]:
    raw: dict[str, object] = dict(zip(PRIMARY_COLUMNS, fields, strict=True))
    if adds:
        raw["add"] = [list(row) for row in adds]
    if alts:
        raw["alt"] = [list(row) for row in alts]
    if comments:
        raw["comments"] = comments
    return raw


def _check_primary(path: Path, row: int, fields: list[str], seen: set[str]) -> None:
    ent_num = fields[0].strip()
    if ent_num in seen:
        raise ListFormatError(path, f"row {row}", f"ent_num {ent_num} appears twice")
    seen.add(ent_num)
    if not empty_to_none(fields[1]):
        raise ListFormatError(path, f"row {row}", "the name is empty")
    kind = empty_to_none(fields[2])
    if kind and kind.lower() not in _SCHEMAS:
        raise ListFormatError(path, f"row {row}", f"unknown type {kind[:40]!r}")


def _warn_orphans(roles: dict[str, Path], extra: _Secondary, seen: set[str]) -> None:
    """Rows for ent_nums the primary file lacks (mixed editions) cannot attach anywhere; say so once per file."""
    for role, index in (("add", extra.adds), ("alt", extra.alts), ("comments", extra.comments)):
        orphans = [key for key in index if key not in seen]
        if orphans:
            log.warning("%s: %d ent_nums not in %s were skipped", roles[role], len(orphans), roles["primary"].name)


def parse(list_file: ListFile) -> Iterator[Entity]:
    """Stream the entities of one CSV set, primary row by primary row."""
    roles = _roles(list_file.paths)
    extra = _Secondary(
        adds=index_rows(roles.get("add"), "add"),
        alts=index_rows(roles.get("alt"), "alt"),
        comments=index_rows(roles.get("comments"), "comments"),
    )
    primary = roles["primary"]
    seen: set[str] = set()
    for row, fields in read_rows(primary, ROLE_WIDTHS["primary"]):
        _check_primary(primary, row, fields, seen)
        yield build_entity(list_file.source, fields, extra)
    if not seen:
        raise ListFormatError(primary, None, "the file holds no entries")
    _warn_orphans(roles, extra, seen)


FORMAT = Format(
    key=FORMAT_KEY,
    default_source=SDN_SOURCE,
    description="OFAC legacy CSV: sdn.csv/add.csv/alt.csv/sdn_comments.csv and the cons_*.csv non-SDN set",
    parse=parse,
    claim=claim,
)
