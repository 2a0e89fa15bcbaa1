"""The enforcement index of a home: the free-text name scanner and the lists' ownership facts, kept on disk.

Both are derived from every current list entry, which takes seconds to read;
a ``tx screen`` run must start in well under that. Like the screening index,
the file carries a stamp of the editions it was built from, and is rebuilt
when any list changed, so screening never uses facts of an older edition.
"""

from __future__ import annotations

import marshal
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from proscribe.config import Settings
from proscribe.enforcement.textscan import NameScanner, identifier_forms, tokens
from proscribe.files import written_aside
from proscribe.model import Entity
from proscribe.store.queries import current_edition_ids, iter_current_entities

FILE = "enforcement.idx"
FORMAT = 2
# Relation types (as the parsers name them) meaning "the target owns me" and "I own the target".
OWNED_BY = frozenset({"owner", "shareholder", "parent", "owned_by", "owned_or_controlled_by", "beneficial_owner"})
OWNS = frozenset({"asset", "subsidiary", "owns", "holding", "shareholding"})

# (owner id, owned id, share in percent as text, where the fact comes from)
Edge = tuple[str, str, str, str]
# entity id -> (caption, source, programs)
NodeInfo = dict[str, tuple[str, str, tuple[str, ...]]]


@dataclass(slots=True)
class EnforcementIndex:
    scanner: NameScanner
    edges: list[Edge]
    nodes: NodeInfo
    editions: dict[str, int]


def build(entities: Iterable[Entity], editions: dict[str, int]) -> EnforcementIndex:
    names: list[tuple[str, ...]] = []
    identifiers: set[str] = set()
    edges: list[Edge] = []
    info: NodeInfo = {}
    mentioned: dict[str, str] = {}
    for entity in entities:
        info[entity.id] = (entity.caption, entity.source, tuple(entity.programs))
        names.extend(found for name in entity.names if (found := tokens(name.value)))
        for identifier in entity.identifiers:
            identifiers.update(identifier_forms(identifier.value))
        for relation in entity.relations:
            if relation.share is None or not relation.target_id:
                continue
            where = f"{entity.id} list relation '{relation.type}'"
            if relation.type in OWNED_BY:
                edges.append((relation.target_id, entity.id, repr(relation.share), where))
            elif relation.type in OWNS:
                edges.append((entity.id, relation.target_id, repr(relation.share), where))
            else:
                continue
            mentioned[relation.target_id] = relation.target_name
    for key, caption in mentioned.items():
        info.setdefault(key, (caption, "", ()))
    used = {e[0] for e in edges} | {e[1] for e in edges}
    nodes = {key: value for key, value in info.items() if key in used}
    return EnforcementIndex(NameScanner.from_names(names, identifiers), edges, nodes, editions)


def load(settings: Settings, engine: Engine) -> EnforcementIndex:
    """The current index: from disk when its stamp matches the store's editions, else rebuilt and saved."""
    with engine.connect() as connection:
        editions = current_edition_ids(connection)
    path = settings.index_dir / FILE
    cached = _read(path)
    if cached is not None and cached.editions == editions:
        return cached
    with engine.connect() as connection:
        index = build(iter_current_entities(connection), editions)
    _write(path, index)
    return index


def _read(path: Path) -> EnforcementIndex | None:
    try:
        with path.open("rb") as handle:
            data: Any = marshal.load(handle)
        if data.get("format") != FORMAT:
            return None
        return EnforcementIndex(
            NameScanner(data["scanner"]), [tuple(e) for e in data["edges"]], data["nodes"], data["editions"]
        )
    except (OSError, ValueError, EOFError, KeyError, TypeError, AttributeError):
        return None  # unreadable or from another version: rebuilt, never trusted


def _write(path: Path, index: EnforcementIndex) -> None:
    data = {
        "format": FORMAT,
        "scanner": index.scanner.to_data(),
        "edges": index.edges,
        "nodes": index.nodes,
        "editions": index.editions,
    }
    with written_aside(path) as stream:
        marshal.dump(data, stream)
