"""The FCC Covered List (Secure Networks Act): equipment and services, not parties.

Each row describes what is covered ("Telecommunications equipment produced by
Huawei Technologies Company, including ...") and when it was added. Screening
needs the companies, so the name is cut out of the sentence: it follows the
first "by" and ends where the scope language starts (", including",
", to the extent", " or any of its", " subject to section"). A row may name
two companies ("Pacific Networks Corp and its wholly-owned subsidiary ComNet
(USA) LLC"): each becomes an entity, linked as parent and subsidiary. The
same company on several rows (new equipment added later) is one entity.

Only the CSV export is read. The official page (fcc.gov/supplychain/
coveredlist) is an HTML table whose markup we could not confirm from a
published copy, so it is not parsed: download the CSV instead.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from proscribe.model import Entity, Name, NameKind, Relation, Schema, make_id
from proscribe.sources.base import Format, ListFile, ListFormatError, claim_each
from proscribe.sources.bis_dpl import header_of, read_table

SOURCE = "us_fcc_covered"
PROGRAM = "FCC-COVERED"

_DESCRIPTION = "covered_equipment_or_services"
_DATE = "date_of_inclusion_on_covered_list"
_AGENT = re.compile(
    r"\bby\s+(?!such\b)(?P<name>.+?)(?=,\s+(?:including|to the extent)\b|\s+or any of its\b"
    r"|\s+subject to\b|\s+and any\b|\.?\s*$)",
    re.IGNORECASE | re.DOTALL,
)
_SUBSIDIARY = re.compile(r",?\s+and\s+its\s+(?:wholly[- ]owned\s+)?subsidiar(?:y|ies)\s+", re.IGNORECASE)
_PAIR = re.compile(r"\s+and\s+", re.IGNORECASE)
_LEGAL_END = re.compile(
    r"\b(?:Inc|Corp|Corporation|Company|Co|Ltd|Limited|LLC|L\.L\.C|Lab|Group|Technologies)\.?\)?$", re.IGNORECASE
)
_LEADING_FORM = re.compile(r"^(?:AO|OAO|ZAO|PAO|PJSC|JSC)\s+")
_SCOPE = re.compile(
    r"\bor any of its\s+[^.]*|\bincluding\s+[^.]*services provided by such entit(?:y|ies)[^.]*", re.IGNORECASE
)
_DATE_FORMATS = ("%B %d, %Y", "%b %d, %Y", "%m/%d/%Y", "%Y-%m-%d")
_NOT_ALNUM = re.compile(r"[^0-9a-z]+")


@dataclass(slots=True)
class _Company:
    """A covered company gathered over the rows that name it."""

    name: str
    descriptions: list[str] = field(default_factory=list)
    dates: list[str] = field(default_factory=list)
    raw_dates: list[str] = field(default_factory=list)
    scopes: list[str] = field(default_factory=list)
    parents: list[str] = field(default_factory=list)
    subsidiaries: list[str] = field(default_factory=list)
    rows: list[dict[str, str]] = field(default_factory=list)


def parse(list_file: ListFile) -> Iterator[Entity]:
    for path in list_file.paths:
        companies: dict[str, _Company] = {}
        for where, row in _rows(path):
            _add_row(path, where, row, companies)
        for slug, company in companies.items():
            yield _entity(slug, company, list_file.source)


def _rows(path: Path) -> Iterator[tuple[str, dict[str, str]]]:
    table = read_table(path)
    header_row = next(table, None)
    if header_row is None:
        raise ListFormatError(path, None, "empty file: expected the FCC Covered List header")
    header = [_column_key(cell) for cell in header_row.values]
    if _DESCRIPTION not in header or _DATE not in header:
        raise ListFormatError(path, "row 1", f"not the FCC Covered List: header lacks {_DESCRIPTION} or {_DATE}")
    for row in table:
        yield row.where, {column: value.strip() for column, value in zip(header, row.values, strict=True)}


def _column_key(cell: str) -> str:
    """``Covered Equipment or Services`` and ``covered_equipment_or_services`` alike."""
    return _NOT_ALNUM.sub("_", cell.strip().lower()).strip("_")


def _add_row(path: Path, where: str, row: dict[str, str], companies: dict[str, _Company]) -> None:
    description = " ".join(row[_DESCRIPTION].split())
    names = company_names(description)
    if not names:
        raise ListFormatError(path, where, f"cannot find the company in {description[:80]!r}")
    listed_on = inclusion_date(row[_DATE])
    scope = _SCOPE.search(description)
    for index, name in enumerate(names):
        company = companies.setdefault(slug(name), _Company(name))
        company.descriptions.append(description)
        company.rows.append(row)
        if listed_on:
            company.dates.append(listed_on)
        elif row[_DATE]:
            company.raw_dates.append(row[_DATE])
        if scope:
            company.scopes.append(scope.group(0).strip(" ,."))
        if len(names) > 1 and _SUBSIDIARY.search(description):
            # "X and its wholly-owned subsidiary Y": the first name is the parent of the rest.
            if index == 0:
                company.subsidiaries.extend(names[1:])
            else:
                company.parents.append(names[0])


def company_names(description: str) -> list[str]:
    """The companies a Covered List description names; two when it names a parent and its subsidiary."""
    match = _AGENT.search(description)
    if not match:
        return []
    agent = match.group("name").strip(" ,")
    parts = _SUBSIDIARY.split(agent)
    if len(parts) == 1:
        pair = _PAIR.split(agent)
        # "X Corp. and Y LLC": two companies only when both halves end in a legal form.
        if len(pair) == 2 and all(_LEGAL_END.search(part.strip(" ,")) for part in pair):
            parts = pair
    return [part.strip(" ,") for part in parts if part.strip(" ,")]


def inclusion_date(text: str) -> str | None:
    """ISO date of an inclusion date such as "March 12, 2021"; None when unreadable."""
    for pattern in _DATE_FORMATS:
        try:
            return datetime.strptime(text.strip(), pattern).date().isoformat()
        except ValueError:
            continue
    return None


def slug(name: str) -> str:
    """The source id: the company name in lower case, runs of other characters as '-'."""
    return _NOT_ALNUM.sub("-", name.lower()).strip("-") or "company"


def _entity(source_id: str, company: _Company, source: str) -> Entity:
    names = [Name(company.name)]
    short = _LEADING_FORM.sub("", company.name)
    if short != company.name:
        names.append(Name(short, NameKind.AKA))
    attributes: dict[str, list[str]] = {"list": [PROGRAM]}
    for key, values in (
        ("covered_equipment_or_services", company.descriptions),
        ("date_of_inclusion", company.dates or company.raw_dates),
        ("scope", company.scopes),
    ):
        if values:
            attributes[key] = list(dict.fromkeys(values))
    relations = [Relation("parent", name, make_id(source, slug(name))) for name in dict.fromkeys(company.parents)]
    relations += [
        Relation("subsidiary", name, make_id(source, slug(name))) for name in dict.fromkeys(company.subsidiaries)
    ]
    return Entity(
        id=make_id(source, source_id),
        source=source,
        source_id=source_id,
        schema=Schema.ORGANIZATION,
        names=names,
        programs=[PROGRAM],
        relations=relations,
        listed_on=min(company.dates) if company.dates else None,
        remarks="\n".join(dict.fromkeys(company.descriptions)),
        attributes=attributes,
        raw={"rows": company.rows},
    )


def _recognise(path: Path, head: bytes) -> bool:
    header = [_column_key(cell) for cell in header_of(head)]
    return _DESCRIPTION in header and _DATE in header


def claim(paths: Sequence[Path]) -> list[ListFile]:
    return claim_each(paths, "fcc_covered", SOURCE, _recognise)


FORMAT = Format(
    key="fcc_covered",
    default_source=SOURCE,
    description="FCC Covered List (CSV export)",
    parse=parse,
    claim=claim,
)
