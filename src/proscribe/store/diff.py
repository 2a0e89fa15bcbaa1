"""What changed between two editions of a list: added, removed and changed entities, and which fields.

Entity ids are stable across editions (``<source>-<publisher id>``), so a
change is a different version hash under the same id, never a removal plus
an addition. Monitoring looks at exactly these entities, each as screening
reads it (``screened_changes``, ``store.screened``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, and_, func, select

from proscribe.store.db import chunks
from proscribe.store.schema import edition_entities, entity_records
from proscribe.store.screened import NEW, ScreenedChange, screened_change


@dataclass(slots=True)
class EntityChange:
    entity_id: str
    caption: str
    fields: list[str]  # top-level entity fields whose value differs; "raw" alone = only the publisher's record


@dataclass(slots=True)
class EditionDiff:
    source: str
    from_edition: int
    to_edition: int
    added: list[tuple[str, str]] = field(default_factory=list)  # (entity id, caption)
    removed: list[tuple[str, str]] = field(default_factory=list)
    changed: list[EntityChange] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "from_edition": self.from_edition,
            "to_edition": self.to_edition,
            "counts": {"added": len(self.added), "removed": len(self.removed), "changed": len(self.changed)},
            "added": [{"id": i, "caption": c} for i, c in self.added],
            "removed": [{"id": i, "caption": c} for i, c in self.removed],
            "changed": [{"id": c.entity_id, "caption": c.caption, "fields": c.fields} for c in self.changed],
        }


def count_changes(connection: Connection, from_id: int, to_id: int) -> tuple[int, int, int]:
    """(added, changed, removed) from edition ``from_id`` to ``to_id``, counted in the database."""
    old = edition_entities.alias("old")
    new = edition_entities.alias("new")
    added = connection.execute(
        select(func.count())
        .select_from(new.outerjoin(old, and_(old.c.entity_id == new.c.entity_id, old.c.edition_id == from_id)))
        .where(new.c.edition_id == to_id, old.c.entity_id.is_(None))
    ).scalar_one()
    removed = connection.execute(
        select(func.count())
        .select_from(old.outerjoin(new, and_(new.c.entity_id == old.c.entity_id, new.c.edition_id == to_id)))
        .where(old.c.edition_id == from_id, new.c.entity_id.is_(None))
    ).scalar_one()
    changed = connection.execute(
        select(func.count())
        .select_from(old.join(new, old.c.entity_id == new.c.entity_id))
        .where(old.c.edition_id == from_id, new.c.edition_id == to_id, old.c.record_hash != new.c.record_hash)
    ).scalar_one()
    return int(added), int(changed), int(removed)


def screened_changes(connection: Connection, from_id: int | None, to_id: int) -> dict[str, ScreenedChange]:
    """The entities of edition ``to_id`` that edition ``from_id`` lacked or held in another version, each with
    how it changed as screening reads it (``store.screened``).

    With no ``from_id`` (a list not seen before) every entity of ``to_id`` counts as added.
    """
    new = edition_entities
    if from_id is None:
        query = select(new.c.entity_id).where(new.c.edition_id == to_id)
        return {entity_id: NEW for entity_id in connection.execute(query).scalars()}
    old = edition_entities.alias("old")
    query = (
        select(new.c.entity_id, old.c.record_hash.label("before"), new.c.record_hash.label("after"))
        .select_from(new.outerjoin(old, and_(old.c.entity_id == new.c.entity_id, old.c.edition_id == from_id)))
        .where(new.c.edition_id == to_id, old.c.entity_id.is_(None) | (old.c.record_hash != new.c.record_hash))
    )
    rows = [tuple(row) for row in connection.execute(query)]  # plain tuples: read by position, thousands of them
    versions = [hash_ for _, before, after in rows if before is not None for hash_ in (before, after)]
    screened: dict[str, str | None] = {}
    for chunk in chunks(versions, 900):  # by primary key: far cheaper than joining the records twice
        found = select(entity_records.c.record_hash, entity_records.c.screened)
        screened.update(map(tuple, connection.execute(found.where(entity_records.c.record_hash.in_(chunk)))))
    return {
        entity_id: NEW if before is None else screened_change(screened[before], screened[after])
        for entity_id, before, after in rows
    }


def diff_editions(connection: Connection, source: str, from_id: int, to_id: int) -> EditionDiff:
    """The full diff, with the changed fields of every changed entity."""
    old_members = _members(connection, from_id)
    new_members = _members(connection, to_id)
    diff = EditionDiff(source=source, from_edition=from_id, to_edition=to_id)
    diff.added = sorted((i, new_members[i][1]) for i in new_members.keys() - old_members.keys())
    diff.removed = sorted((i, old_members[i][1]) for i in old_members.keys() - new_members.keys())
    changed_ids = sorted(i for i in old_members.keys() & new_members.keys() if old_members[i][0] != new_members[i][0])
    payloads = _payloads(
        connection, [old_members[i][0] for i in changed_ids] + [new_members[i][0] for i in changed_ids]
    )
    for entity_id in changed_ids:
        before = payloads[old_members[entity_id][0]]
        after = payloads[new_members[entity_id][0]]
        diff.changed.append(EntityChange(entity_id, new_members[entity_id][1], changed_fields(before, after)))
    return diff


def changed_fields(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    fields = sorted(k for k in before.keys() | after.keys() if k != "raw" and before.get(k) != after.get(k))
    if not fields and before.get("raw") != after.get("raw"):
        return ["raw"]
    return fields


def _members(connection: Connection, edition_id: int) -> dict[str, tuple[str, str]]:
    rows = connection.execute(
        select(edition_entities.c.entity_id, edition_entities.c.record_hash, entity_records.c.caption)
        .join(entity_records, entity_records.c.record_hash == edition_entities.c.record_hash)
        .where(edition_entities.c.edition_id == edition_id)
    )
    return {row.entity_id: (row.record_hash, row.caption) for row in rows}


def _payloads(connection: Connection, hashes: list[str]) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for chunk in chunks(hashes, 1000):
        rows = connection.execute(
            select(entity_records.c.record_hash, entity_records.c.data).where(entity_records.c.record_hash.in_(chunk))
        )
        found.update({row.record_hash: json.loads(row.data) for row in rows})
    return found
