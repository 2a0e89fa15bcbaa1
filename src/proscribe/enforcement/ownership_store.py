"""Ownership facts from the user's file (owner, owned, share_percent, source) and the graph screening uses.

The lists rarely state shares; a compliance team learns them from registries
and due diligence. Their file is checked whole before anything is stored (an
ownership fact half-imported could block, or fail to block, the wrong
company), each pair is kept once (a re-import with a new share replaces the
old one), and every import is an audit event listing what changed.

``owner`` and ``owned`` are list entity ids (``us_ofac_sdn-12927``, as
``proscribe screen`` shows them) or the names of parties no list names.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

from sqlalchemy import Connection, Engine, delete, insert, select

from proscribe.enforcement.index import EnforcementIndex
from proscribe.enforcement.ownership import Holding, Node, OwnershipGraph, party_key
from proscribe.enforcement.policy import Policy
from proscribe.enforcement.tables import ownership_links
from proscribe.enforcement.transactions import TransactionError, parse_amount
from proscribe.errors import UserError
from proscribe.store import audit
from proscribe.store.audit import write_transaction
from proscribe.store.db import chunks
from proscribe.store.queries import current_edition_ids, get_entity
from proscribe.tabular import TableError, read_rows

COLUMNS = ("owner", "owned", "share_percent", "source")
_ENTITY_ID = re.compile(r"^[a-z][a-z0-9_]*-\S+$")


@dataclass(frozen=True, slots=True)
class Link:
    owner_key: str
    owner_name: str
    owned_key: str
    owned_name: str
    share: Decimal
    source: str


@dataclass(frozen=True, slots=True)
class ImportReport:
    rows: int
    added: int
    changed: int
    unchanged: int
    removed: int


def read_links(connection: Connection, path: Path) -> list[Link]:
    """Every row of the file as a Link; the first bad row raises UserError naming file and line."""
    sources = set(current_edition_ids(connection))
    links: list[Link] = []
    try:
        for row in read_rows(path):
            where = f"{path}:{row.line}"
            if row.error:
                raise UserError(f"{where}: {row.error}")
            missing = [c for c in COLUMNS if c not in row.values]
            if missing:
                raise UserError(f"{where}: column {missing[0]!r} is missing (needed: {', '.join(COLUMNS)})")
            links.append(_link(connection, sources, row.values, where))
    except TableError as error:
        raise UserError(str(error)) from error
    return links


def _link(connection: Connection, sources: set[str], values: dict[str, str], where: str) -> Link:
    owner_key, owner_name = _party(connection, sources, values["owner"], f"{where}: owner")
    owned_key, owned_name = _party(connection, sources, values["owned"], f"{where}: owned")
    if owner_key == owned_key:
        raise UserError(f"{where}: an entity cannot own itself")
    try:
        share = parse_amount(values["share_percent"], "share_percent")
    except TransactionError as error:
        raise UserError(f"{where}: {error}") from error
    if not Decimal(0) < share <= Decimal(100):
        raise UserError(f"{where}: share_percent {share} is outside (0, 100]")
    source = values["source"].strip()
    if not source:
        raise UserError(f"{where}: source is empty (say where the fact comes from)")
    return Link(owner_key, owner_name, owned_key, owned_name, share, source)


def _party(connection: Connection, sources: set[str], text: str, where: str) -> tuple[str, str]:
    value = " ".join(text.split())
    if not value:
        raise UserError(f"{where} is empty")
    if _ENTITY_ID.match(value) and value.split("-")[0] in sources:
        entity = get_entity(connection, value)
        if entity is None:
            raise UserError(f"{where}: no current list entry {value!r}")
        return entity.id, entity.caption
    return party_key(value), value


def import_links(engine: Engine, path: Path, actor: str, replace: bool = False) -> ImportReport:
    """Store the file's links: new pairs added, changed pairs replaced; ``replace`` also drops the rest."""
    with engine.connect() as connection:
        links = read_links(connection, path)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    incoming = {(link.owner_key, link.owned_key): link for link in links}
    with write_transaction(engine) as connection:
        existing = {(r.owner_key, r.owned_key): r for r in connection.execute(select(ownership_links))}
        added = [k for k in incoming if k not in existing]
        changed = [
            k
            for k in incoming
            if k in existing
            and (Decimal(existing[k].share) != incoming[k].share or existing[k].source != incoming[k].source)
        ]
        removed = [k for k in existing if k not in incoming] if replace else []
        stale = [existing[k].id for k in changed + removed]
        for chunk in chunks(stale, 500):
            connection.execute(delete(ownership_links).where(ownership_links.c.id.in_(chunk)))
        now = datetime.now(UTC)
        rows = [
            {
                "owner_key": link.owner_key,
                "owner_name": link.owner_name,
                "owned_key": link.owned_key,
                "owned_name": link.owned_name,
                "share": str(link.share),
                "source": link.source,
                "imported_at": now,
                "actor": actor,
            }
            for link in (incoming[k] for k in added + changed)
        ]
        if rows:
            connection.execute(insert(ownership_links), rows)
        report = ImportReport(
            len(links), len(added), len(changed), len(incoming) - len(added) - len(changed), len(removed)
        )
        audit.append(
            connection,
            actor,
            "ownership.import",
            f"file/{path.name}",
            {
                "sha256": digest,
                "replace": replace,
                "rows": report.rows,
                "added": report.added,
                "changed": report.changed,
                "unchanged": report.unchanged,
                "removed": report.removed,
            },
        )
    return report


def stored_links(connection: Connection) -> list[Link]:
    rows = connection.execute(select(ownership_links).order_by(ownership_links.c.id))
    return [Link(r.owner_key, r.owner_name, r.owned_key, r.owned_name, Decimal(r.share), r.source) for r in rows]


def build_graph(connection: Connection, index: EnforcementIndex, policy: Policy) -> OwnershipGraph:
    """The graph of the lists' ownership relations and the user's links, nodes marked blocked by the policy."""
    holdings: list[Holding] = [
        Holding(owner, owned, Decimal(share), where) for owner, owned, share, where in index.edges
    ]
    names: dict[str, str] = {}
    for link in stored_links(connection):
        holdings.append(Holding(link.owner_key, link.owned_key, link.share, f"ownership file: {link.source}"))
        names[link.owner_key] = link.owner_name
        names[link.owned_key] = link.owned_name
    nodes = [_node(connection, index, key, names.get(key), policy) for key in _keys(holdings)]
    return OwnershipGraph(nodes, holdings)


def _keys(holdings: Iterable[Holding]) -> list[str]:
    return list(dict.fromkeys(k for h in holdings for k in (h.owner, h.owned)))


def _node(connection: Connection, index: EnforcementIndex, key: str, name: str | None, policy: Policy) -> Node:
    if key.startswith("party:"):
        return Node(key, name or key.removeprefix("party:"))
    info = index.nodes.get(key)
    if info is None:
        entity = get_entity(connection, key)
        info = (entity.caption, entity.source, tuple(entity.programs)) if entity else (name or key, "", ())
    caption, source, programs = info
    if not source:
        return Node(key, caption)
    return Node(key, caption, source, tuple(programs), policy.blocking(source, programs))
