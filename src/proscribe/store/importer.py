"""Importing list files as new editions: parse everything first, then write in one transaction.

The order matters for the promise made to compliance teams: a file that
fails to parse is found before anything is written, and the writes of one
``lists import`` command (all its editions, and the switch of each source's
current edition) commit together or not at all. A process killed midway
leaves the previous editions current and intact.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Connection, Engine, insert, select, update

from proscribe.model import Entity
from proscribe.sources import FORMATS, ListFile, ListFormatError
from proscribe.sources.relations import resolve_relations
from proscribe.store import audit
from proscribe.store.audit import default_actor, write_transaction
from proscribe.store.db import chunks, inserted_id
from proscribe.store.diff import count_changes
from proscribe.store.schema import current_editions, edition_entities, editions, entity_records
from proscribe.store.screened import screened_content

_CHUNK = 2000
_DIGITS = re.compile(r"^\d+$")


@dataclass(slots=True)
class Record:
    entity_id: str
    record_hash: str
    schema: str
    caption: str
    data: str
    screened: str  # what screening reads of it (store.screened)


@dataclass(slots=True)
class StagedList:
    """One parsed list, serialised and hashed, ready to be written."""

    list_file: ListFile
    content_hash: str
    records: list[Record]
    name_count: int
    schema_counts: dict[str, int]
    latest_listed_on: str | None  # the newest listing date inside: orders editions the publisher did not date
    order_hint: int | None  # the highest numeric publisher id: OFAC numbers entries sequentially

    @property
    def sort_key(self) -> tuple[str, str, int]:
        return (self.list_file.publisher_date or "", self.latest_listed_on or "", self.order_hint or 0)


@dataclass(slots=True)
class EditionSummary:
    source: str
    format: str
    files: list[str]
    status: str  # "imported" | "unchanged" (already stored) | "stored" (older than current: kept, not current)
    edition_id: int
    entity_count: int
    name_count: int
    schema_counts: dict[str, int]
    publisher_date: str | None
    previous_edition_id: int | None = None
    added: int = 0
    changed: int = 0
    removed: int = 0
    notes: list[str] = field(default_factory=list)


def content_hash(paths: Iterable[Path]) -> str:
    digest = hashlib.sha256()
    for path in sorted(paths, key=lambda p: p.name.lower()):
        digest.update(path.name.lower().encode())
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    return digest.hexdigest()


def serialise(entity: Entity) -> Record:
    data = json.dumps(entity.to_dict(), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return Record(
        entity_id=entity.id,
        record_hash=hashlib.sha256(data.encode()).hexdigest(),
        schema=str(entity.schema),
        caption=entity.caption,
        data=data,
        screened=screened_content(entity),
    )


def stage(list_file: ListFile) -> StagedList:
    """Parse one list completely; raises ListFormatError naming the file and place on any bad input."""
    fmt = FORMATS[list_file.format]
    where = list_file.paths[0]
    try:
        entities = list(fmt.parse(list_file))
    except ListFormatError:
        raise
    except (OSError, UnicodeError, ValueError, KeyError, IndexError, TypeError, AttributeError) as error:
        # Parsers name the place of an error themselves; this is the net under them.
        raise ListFormatError(where, None, f"cannot be read as {fmt.key}: {type(error).__name__}: {error}") from error
    if not entities:
        raise ListFormatError(where, None, f"holds no entries (is it a complete {fmt.key} file?)")
    for entity in entities:  # a list filed under the user's own key
        if entity.source != list_file.source:
            entity.source = list_file.source
            entity.id = f"{list_file.source}-{entity.source_id}"
    resolve_relations(entities)
    records: list[Record] = []
    seen: set[str] = set()
    names = 0
    schemas: Counter[str] = Counter()
    numeric_ids: list[int] = []
    listed_on = [e.listed_on for e in entities if e.listed_on]
    for entity in entities:
        if entity.id in seen:
            raise ListFormatError(where, None, f"entry {entity.source_id!r} appears twice")
        seen.add(entity.id)
        records.append(serialise(entity))
        names += len(entity.names)
        schemas[str(entity.schema)] += 1
        if _DIGITS.match(entity.source_id):
            numeric_ids.append(int(entity.source_id))
    order_hint = max(numeric_ids) if numeric_ids and len(numeric_ids) == len(entities) else None
    return StagedList(
        list_file=list_file,
        content_hash=content_hash(list_file.paths),
        records=records,
        name_count=names,
        schema_counts=dict(sorted(schemas.items())),
        latest_listed_on=max(listed_on) if listed_on else None,
        order_hint=order_hint,
    )


def import_lists(
    engine: Engine,
    list_files: list[ListFile],
    on_staged: Callable[[StagedList], None] | None = None,
    actor: str | None = None,
) -> list[EditionSummary]:
    """Stage every list, then write all of them in one transaction; return a summary per list."""
    staged: list[StagedList] = []
    for list_file in list_files:
        item = stage(list_file)
        staged.append(item)
        if on_staged:
            on_staged(item)
    # Several editions of one source in one command: oldest first, so the newest ends current.
    staged.sort(key=lambda s: (s.list_file.source, s.sort_key))
    now = datetime.now(UTC)
    who = actor or default_actor()
    with write_transaction(engine) as connection:
        summaries = [_write(connection, item, now) for item in staged]
        for summary in summaries:
            if summary.status != "unchanged":
                audit.append(connection, who, "list.import", f"{summary.source}/{summary.edition_id}", _event(summary))
        return summaries


def _event(summary: EditionSummary) -> dict[str, object]:
    return {
        "source": summary.source,
        "edition": summary.edition_id,
        "status": summary.status,
        "format": summary.format,
        "files": summary.files,
        "publisher_date": summary.publisher_date,
        "entities": summary.entity_count,
        "previous_edition": summary.previous_edition_id,
        "added": summary.added,
        "changed": summary.changed,
        "removed": summary.removed,
    }


def _write(connection: Connection, item: StagedList, now: datetime) -> EditionSummary:
    source = item.list_file.source
    current = _current_edition(connection, source)
    existing = connection.execute(
        select(editions.c.id).where(editions.c.source == source, editions.c.content_hash == item.content_hash)
    ).scalar_one_or_none()
    summary = EditionSummary(
        source=source,
        format=item.list_file.format,
        files=[str(p) for p in item.list_file.paths],
        status="unchanged",
        edition_id=existing or 0,
        entity_count=len(item.records),
        name_count=item.name_count,
        schema_counts=item.schema_counts,
        publisher_date=item.list_file.publisher_date,
        previous_edition_id=current.id if current else None,
    )
    if existing is not None:
        if current is None or current.id != existing:
            summary.notes.append(f"identical to stored edition {existing}; nothing imported")
        return summary
    edition_id = _insert_edition(connection, item, now)
    summary.edition_id = edition_id
    if current is not None:
        summary.added, summary.changed, summary.removed = count_changes(connection, current.id, edition_id)
    if current is None or not _is_older(item, current):
        _make_current(connection, source, edition_id, now, replace=current is not None)
        summary.status = "imported"
    else:
        summary.status = "stored"
        summary.notes.append(f"older than current edition {current.id}: stored, current unchanged")
    return summary


@dataclass(frozen=True, slots=True)
class _Current:
    id: int
    publisher_date: str | None
    latest_listed_on: str | None
    order_hint: int | None


def _current_edition(connection: Connection, source: str) -> _Current | None:
    row = connection.execute(
        select(editions.c.id, editions.c.publisher_date, editions.c.latest_listed_on, editions.c.order_hint)
        .join(current_editions, current_editions.c.edition_id == editions.c.id)
        .where(current_editions.c.source == source)
    ).first()
    return _Current(row.id, row.publisher_date, row.latest_listed_on, row.order_hint) if row else None


def _is_older(item: StagedList, current: _Current) -> bool:
    """Whether a new edition predates the current one: by publisher date, else newest listing, else highest id.

    Each test applies only when both editions carry that fact; with none in
    common, the edition imported last is taken as the newest.
    """
    pairs: tuple[tuple[str | int | None, str | int | None], ...] = (
        (item.list_file.publisher_date, current.publisher_date),
        (item.latest_listed_on, current.latest_listed_on),
        (item.order_hint, current.order_hint),
    )
    for new, old in pairs:
        if new is not None and old is not None:
            if new != old:
                return bool(new < old)  # type: ignore[operator]
            continue
        if new is not None or old is not None:
            return False
    return False


def _insert_edition(connection: Connection, item: StagedList, now: datetime) -> int:
    result = connection.execute(
        insert(editions).values(
            source=item.list_file.source,
            format=item.list_file.format,
            content_hash=item.content_hash,
            publisher_date=item.list_file.publisher_date,
            latest_listed_on=item.latest_listed_on,
            order_hint=item.order_hint,
            imported_at=now,
            files=json.dumps([p.name for p in item.list_file.paths]),
            entity_count=len(item.records),
            name_count=item.name_count,
            schema_counts=json.dumps(item.schema_counts),
        )
    )
    edition_id = inserted_id(result)
    _insert_new_records(connection, item.records)
    for chunk in chunks(item.records, _CHUNK):
        connection.execute(
            insert(edition_entities),
            [{"edition_id": edition_id, "entity_id": r.entity_id, "record_hash": r.record_hash} for r in chunk],
        )
    return edition_id


def _insert_new_records(connection: Connection, records: list[Record]) -> None:
    """Store entity versions not stored before (most entities are unchanged between editions)."""
    for chunk in chunks(records, _CHUNK):
        hashes = [r.record_hash for r in chunk]
        known = set(
            connection.execute(select(entity_records.c.record_hash).where(entity_records.c.record_hash.in_(hashes)))
            .scalars()
            .all()
        )
        fresh = {r.record_hash: r for r in chunk if r.record_hash not in known}
        if fresh:
            connection.execute(
                insert(entity_records),
                [
                    {
                        "record_hash": r.record_hash,
                        "entity_id": r.entity_id,
                        "schema": r.schema,
                        "caption": r.caption,
                        "data": r.data,
                        "screened": r.screened,
                    }
                    for r in fresh.values()
                ],
            )


def _make_current(connection: Connection, source: str, edition_id: int, now: datetime, replace: bool) -> None:
    if replace:
        connection.execute(
            update(current_editions)
            .where(current_editions.c.source == source)
            .values(edition_id=edition_id, updated_at=now)
        )
    else:
        connection.execute(insert(current_editions).values(source=source, edition_id=edition_id, updated_at=now))
