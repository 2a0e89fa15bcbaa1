"""The counterparty register: customers, suppliers, distributors, employees, keyed by the user's own id.

A register file is checked whole before anything is written: every problem
(a row without a name, a duplicate id, an unknown column, a mapping to a
column that is not there, a date that is not a date) is reported with its
line, and the import stops with the register unchanged. Each party keeps
every version it ever had; monitoring re-screens a party when the fields
that screening reads change.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, insert, select, update

from proscribe.countries import country_code
from proscribe.errors import UserError
from proscribe.match.types import parse_schema
from proscribe.store import audit
from proscribe.store.audit import write_transaction
from proscribe.tabular import TableError, read_rows
from proscribe.workflow.tables import parties, party_versions

FIELDS = ("id", "name", "type", "country", "date_of_birth", "id_number")
MAX_PROBLEMS = 50


class RegisterError(UserError):
    """A register file with problems; ``problems`` lists each with its line."""

    def __init__(self, path: Path, problems: list[str]) -> None:
        self.problems = problems
        more = f" (and {len(problems) - 1} more problems)" if len(problems) > 1 else ""
        super().__init__(f"{path}: {problems[0]}{more}; nothing was imported")


@dataclass(frozen=True, slots=True)
class Party:
    party_id: str
    name: str
    type: str | None = None  # person | organization | vessel | aircraft
    country: str | None = None  # ISO alpha-2
    date_of_birth: str | None = None  # partial ISO
    id_number: str | None = None
    extra: dict[str, str] = field(default_factory=dict)

    def record(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def record_hash(self) -> str:
        return _digest(self.record())

    @property
    def screening_hash(self) -> str:
        """The hash of what screening reads: a change here re-screens the party and re-opens decided alerts."""
        return _digest([self.name, self.type, self.country, self.date_of_birth, self.id_number])


def _digest(value: Any) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def parse_mapping(specs: Sequence[str]) -> dict[str, str]:
    """``["name=Company", "country=Ctry"]`` -> {field: column}; unknown fields are an error."""
    mapping: dict[str, str] = {}
    for spec in specs:
        for part in spec.split(","):
            if not part.strip():
                continue
            target, sep, column = part.partition("=")
            target, column = target.strip(), column.strip()
            if not sep or not target or not column:
                raise UserError(f"--map {part!r}: write FIELD=COLUMN, e.g. name=Company")
            if target not in FIELDS:
                raise UserError(f"--map {part!r}: unknown field {target!r}; fields are {', '.join(FIELDS)}")
            mapping[target] = column
    return mapping


def read_register(
    path: Path, mapping: dict[str, str], keep: Sequence[str] = (), ignore_unknown: bool = False
) -> list[Party]:
    """Every party of a register file, or RegisterError listing what is wrong with it."""
    problems: list[str] = []
    found: list[Party] = []
    lines_by_id: dict[str, int] = {}
    columns: dict[str, str] | None = None
    try:
        for row in read_rows(path):
            if columns is None:
                columns = _columns(path, list(row.values), mapping, keep, ignore_unknown)
            if row.error:
                problems.append(f"line {row.line}: {row.error}")
                continue
            party, problem = _party(row.values, columns, keep)
            if problem:
                problems.append(f"line {row.line}: {problem}")
            elif party is not None:
                if party.party_id in lines_by_id:
                    problems.append(
                        f"line {row.line}: party id {party.party_id!r} already on line {lines_by_id[party.party_id]}"
                    )
                else:
                    lines_by_id[party.party_id] = row.line
                    found.append(party)
            if len(problems) >= MAX_PROBLEMS:
                break
    except TableError as error:
        raise UserError(str(error)) from error
    if problems:
        raise RegisterError(path, problems)
    if not found:
        raise UserError(f"{path}: no parties in the file")
    return found


def _columns(
    path: Path, header: list[str], mapping: dict[str, str], keep: Sequence[str], ignore_unknown: bool
) -> dict[str, str]:
    """{field: column} for this file, after checking every mapped and kept column exists."""
    for target, column in mapping.items():
        if column not in header:
            raise UserError(f"{path}: --map {target}={column}: no column {column!r} (columns: {', '.join(header)})")
    for column in keep:
        if column not in header:
            raise UserError(f"{path}: --extra {column}: no column {column!r} (columns: {', '.join(header)})")
    columns = {f: mapping.get(f, f) for f in FIELDS if mapping.get(f, f) in header}
    if "name" not in columns:
        raise UserError(f"{path}: no 'name' column; map one with --map name=COLUMN")
    if "id" not in columns:
        raise UserError(f"{path}: no 'id' column; map one with --map id=COLUMN")
    used = set(columns.values()) | set(keep)
    unknown = [c for c in header if c not in used]
    if unknown and not ignore_unknown:
        raise UserError(
            f"{path}: unknown columns {', '.join(repr(c) for c in unknown)}: map them with --map FIELD=COLUMN, "
            "keep them with --extra COLUMN, or pass --ignore-unknown"
        )
    return columns


def _party(values: dict[str, str], columns: dict[str, str], keep: Sequence[str]) -> tuple[Party | None, str | None]:
    get = {f: values.get(c, "").strip() for f, c in columns.items()}
    if not get.get("id"):
        return None, "no party id"
    if not get.get("name"):
        return None, f"party {get['id']!r} has no name"
    try:
        kind = parse_schema(get.get("type") or None)
    except ValueError as error:
        return None, str(error)
    country = None
    if get.get("country"):
        country = country_code(get["country"])
        if country is None:
            return None, f"unknown country {get['country']!r}"
    dob = get.get("date_of_birth") or None
    if dob and not _is_partial_date(dob):
        return None, f"date_of_birth {dob!r} is not a date (YYYY, YYYY-MM or YYYY-MM-DD)"
    extra = {column: values.get(column, "") for column in keep}
    party = Party(
        get["id"], get["name"], kind.value if kind else None, country, dob, get.get("id_number") or None, extra
    )
    return party, None


def _is_partial_date(text: str) -> bool:
    parts = text.split("-")
    if not 1 <= len(parts) <= 3 or not all(p.isdigit() for p in parts) or len(parts[0]) != 4:
        return False
    padded = parts + ["01"] * (3 - len(parts))
    try:
        return date(int(padded[0]), int(padded[1]), int(padded[2])) <= date.today()
    except ValueError:
        return False


@dataclass(slots=True)
class RegisterImport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0


def import_register(
    engine: Engine, incoming: Iterable[Party], actor: str, source: str, complete: bool = False
) -> RegisterImport:
    """Store new and changed parties as new versions; with ``complete``, parties not in the file are removed."""
    result = RegisterImport()
    now = datetime.now(UTC)
    with write_transaction(engine) as connection:
        existing = {row.party_id: row for row in connection.execute(select(parties))}
        seen: set[str] = set()
        for party in incoming:
            seen.add(party.party_id)
            current = existing.get(party.party_id)
            if current is None:
                _insert(connection, party, now, actor)
                result.created.append(party.party_id)
            elif current.record_hash != party.record_hash or not current.active:
                change = "updated" if current.active else "restored"
                _update(connection, party, current, change, now, actor)
                result.updated.append(party.party_id)
            else:
                result.unchanged += 1
        if complete:
            for party_id, row in existing.items():
                if party_id not in seen and row.active:
                    _remove(connection, row, now, actor)
                    result.removed.append(party_id)
        audit.append(
            connection,
            actor,
            "parties.import",
            source,
            {
                "created": result.created,
                "updated": result.updated,
                "removed": result.removed,
                "unchanged": result.unchanged,
                "complete": complete,
            },
        )
    return result


def _values(party: Party, version: int, active: bool, now: datetime) -> dict[str, Any]:
    return {
        "party_id": party.party_id,
        "name": party.name,
        "type": party.type,
        "country": party.country,
        "date_of_birth": party.date_of_birth,
        "id_number": party.id_number,
        "extra": json.dumps(party.extra, ensure_ascii=False),
        "record_hash": party.record_hash,
        "version": version,
        "active": active,
        "updated_at": now,
    }


def _version(
    connection: Connection, party: Party, version: int, change: str, fields: list[str], now: datetime, actor: str
) -> None:
    connection.execute(
        insert(party_versions).values(
            party_id=party.party_id,
            version=version,
            record=json.dumps(party.record(), ensure_ascii=False),
            record_hash=party.record_hash,
            change=change,
            changed_fields=json.dumps(fields),
            changed_at=now,
            actor=actor,
        )
    )


def _insert(connection: Connection, party: Party, now: datetime, actor: str) -> None:
    connection.execute(insert(parties).values(**_values(party, 1, True, now)))
    _version(connection, party, 1, "created", [], now, actor)


def _update(connection: Connection, party: Party, current: Any, change: str, now: datetime, actor: str) -> None:
    before = row_to_party(current).record()
    fields = sorted(k for k, v in party.record().items() if before.get(k) != v)
    version = current.version + 1
    connection.execute(
        update(parties).where(parties.c.party_id == party.party_id).values(**_values(party, version, True, now))
    )
    _version(connection, party, version, change, fields, now, actor)


def _remove(connection: Connection, current: Any, now: datetime, actor: str) -> None:
    party = row_to_party(current)
    version = current.version + 1
    connection.execute(
        update(parties)
        .where(parties.c.party_id == party.party_id)
        .values(active=False, version=version, updated_at=now)
    )
    _version(connection, party, version, "removed", [], now, actor)


def row_to_party(row: Any) -> Party:
    return Party(
        party_id=row.party_id,
        name=row.name,
        type=row.type,
        country=row.country,
        date_of_birth=row.date_of_birth,
        id_number=row.id_number,
        extra=json.loads(row.extra),
    )


def active_parties(connection: Connection, ids: Sequence[str] | None = None) -> list[Party]:
    """Every active party, or those of ``ids`` (keep them under a thousand: one IN list)."""
    query = select(parties).where(parties.c.active.is_(True))
    if ids is not None:
        query = query.where(parties.c.party_id.in_(ids))
    return [row_to_party(row) for row in connection.execute(query)]


def history(connection: Connection, party_id: str) -> list[dict[str, Any]]:
    rows = connection.execute(
        select(party_versions).where(party_versions.c.party_id == party_id).order_by(party_versions.c.version)
    )
    return [
        {
            "version": row.version,
            "change": row.change,
            "changed_fields": json.loads(row.changed_fields),
            "changed_at": row.changed_at.isoformat(),
            "actor": row.actor,
            "record": json.loads(row.record),
        }
        for row in rows
    ]
