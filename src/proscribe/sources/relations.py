"""Resolving relations that publishers write by name ("Linked To: LAZARUS GROUP.") to entity ids.

OFAC links entries by name only; an analyst following a chain (and the 50
percent rule) needs the id. A name resolves when exactly one entry of the
same list carries it, as primary name or alias; otherwise the relation keeps
its name and no id, rather than a guess.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from proscribe.model import Entity

_NOT_ALNUM = re.compile(r"[^0-9a-z]+")


def name_key(name: str) -> str:
    return _NOT_ALNUM.sub(" ", name.casefold()).strip()


def resolve_relations(entities: Sequence[Entity]) -> None:
    """Fill ``Relation.target_id`` in place where the target name is unambiguous within the list."""
    by_name: dict[str, set[str]] = {}
    for entity in entities:
        for name in entity.names:
            by_name.setdefault(name_key(name.value), set()).add(entity.id)
    for entity in entities:
        for relation in entity.relations:
            if relation.target_id:
                continue
            ids = by_name.get(name_key(relation.target_name), set()) - {entity.id}
            if len(ids) == 1:
                relation.target_id = next(iter(ids))
