"""Reading the store: sources and their editions, entities, and what the screening index is built from."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, select

from proscribe.model import Entity
from proscribe.store.db import utc_iso
from proscribe.store.schema import current_editions, edition_entities, editions, entity_records


@dataclass(slots=True)
class EditionInfo:
    id: int
    source: str
    format: str
    content_hash: str
    publisher_date: str | None
    imported_at: datetime
    files: list[str]
    entity_count: int
    name_count: int
    schema_counts: dict[str, int]
    current: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "source": self.source,
            "format": self.format,
            "content_hash": self.content_hash,
            "publisher_date": self.publisher_date,
            "imported_at": utc_iso(self.imported_at),
            "files": self.files,
            "entity_count": self.entity_count,
            "name_count": self.name_count,
            "schema_counts": self.schema_counts,
            "current": self.current,
        }


def list_editions(connection: Connection, source: str | None = None) -> list[EditionInfo]:
    """Every stored edition (of one source, or all), oldest first."""
    current = set(connection.execute(select(current_editions.c.edition_id)).scalars())
    query = select(editions).order_by(editions.c.source, editions.c.id)
    if source:
        query = query.where(editions.c.source == source)
    return [_edition(row._mapping, current) for row in connection.execute(query)]


def current_edition_list(connection: Connection) -> list[EditionInfo]:
    return [e for e in list_editions(connection) if e.current]


def current_edition_ids(connection: Connection) -> dict[str, int]:
    """{source: current edition id}: the fingerprint the screening index checks itself against."""
    rows = connection.execute(select(current_editions.c.source, current_editions.c.edition_id))
    return {row.source: row.edition_id for row in rows}


def get_entity(connection: Connection, entity_id: str, edition_id: int | None = None) -> Entity | None:
    """An entity from the current edition of its source (or from a given edition)."""
    query = (
        select(entity_records.c.data)
        .join(edition_entities, edition_entities.c.record_hash == entity_records.c.record_hash)
        .where(edition_entities.c.entity_id == entity_id)
    )
    if edition_id is None:
        query = query.join(current_editions, current_editions.c.edition_id == edition_entities.c.edition_id)
    else:
        query = query.where(edition_entities.c.edition_id == edition_id)
    data = connection.execute(query).scalar_one_or_none()
    return Entity.from_dict(json.loads(data)) if data else None


def last_seen_edition(connection: Connection, entity_id: str) -> int | None:
    """The newest edition that held ``entity_id``: where to read an entity that has left the list."""
    return connection.execute(
        select(edition_entities.c.edition_id)
        .where(edition_entities.c.entity_id == entity_id)
        .order_by(edition_entities.c.edition_id.desc())
        .limit(1)
    ).scalar_one_or_none()


def iter_current_entities(connection: Connection, sources: Sequence[str] | None = None) -> Iterator[Entity]:
    """Every entity of every current edition, streamed, for building the screening index."""
    query = (
        select(entity_records.c.data)
        .join(edition_entities, edition_entities.c.record_hash == entity_records.c.record_hash)
        .join(current_editions, current_editions.c.edition_id == edition_entities.c.edition_id)
        .order_by(edition_entities.c.entity_id)
    )
    if sources:
        query = query.where(current_editions.c.source.in_(list(sources)))
    for data in connection.execution_options(yield_per=2000).execute(query).scalars():
        yield Entity.from_dict(json.loads(data))


def related_to(connection: Connection, entity_id: str) -> list[tuple[str, str, str]]:
    """(entity id, caption, relation type) of current entities that name ``entity_id`` as a relation target."""
    needle = f'"target_id":{json.dumps(entity_id)}'
    query = (
        select(entity_records.c.entity_id, entity_records.c.caption, entity_records.c.data)
        .join(edition_entities, edition_entities.c.record_hash == entity_records.c.record_hash)
        .join(current_editions, current_editions.c.edition_id == edition_entities.c.edition_id)
        .where(entity_records.c.data.contains(needle))
    )
    found = []
    for row in connection.execute(query):
        for relation in json.loads(row.data).get("relations", []):
            if relation.get("target_id") == entity_id:
                found.append((row.entity_id, row.caption, relation.get("type", "related")))
    return found


def _edition(row: Any, current: set[int]) -> EditionInfo:
    return EditionInfo(
        id=row["id"],
        source=row["source"],
        format=row["format"],
        content_hash=row["content_hash"],
        publisher_date=row["publisher_date"],
        imported_at=row["imported_at"],
        files=json.loads(row["files"]),
        entity_count=row["entity_count"],
        name_count=row["name_count"],
        schema_counts=json.loads(row["schema_counts"]),
        current=row["id"] in current,
    )
