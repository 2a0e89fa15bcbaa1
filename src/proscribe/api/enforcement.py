"""Transaction enforcement in a long-running worker: an Enforcer's parts kept, and rebuilt when they go stale.

``proscribe tx screen`` opens an :class:`~proscribe.enforcement.service.Enforcer`
per run, and the Enforcer fixes its policy, lists and ownership graph when it
opens. A worker lives for weeks across list updates, policy changes and
ownership imports, and opening an Enforcer per request would cost a second
and a second copy of the screening index. So the worker keeps the parts an
Enforcer decides with (a screener on the *same* index the service screens
names with, the enforcement index, the policy and the ownership graph) and,
before each batch, compares them with the store: a new current edition (the
service's index is refreshed first), another policy fingerprint or changed
ownership links rebuild them. No batch is decided on a stale policy or list.

A batch is checked whole before anything is screened (the request models parse
each transaction; here, ids reused with other content are refused), because
the Enforcer records a batch's valid rows before it reports a bad one, and an
HTTP client told "422" must be able to trust that nothing was stored. The
batch then runs as one chunk, so its screenings, ledger entries, alerts and
audit events commit in one write transaction or not at all.

One batch runs at a time per worker: the engine's screener keeps per-call
scratch state, and the store takes one writer at a time anyway.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Connection, Engine, func, select
from sqlalchemy.exc import IntegrityError

from proscribe.api.service import NotReady, ScreeningService, Snapshot
from proscribe.config import Settings
from proscribe.enforcement import index as enforcement_index
from proscribe.enforcement.config import get_policy
from proscribe.enforcement.index import EnforcementIndex
from proscribe.enforcement.ownership_store import build_graph
from proscribe.enforcement.policy import Policy
from proscribe.enforcement.screen import TransactionScreener
from proscribe.enforcement.service import Enforcer, Item
from proscribe.enforcement.tables import ownership_links, tx_screenings
from proscribe.enforcement.transactions import Transaction, difference
from proscribe.match import Screener
from proscribe.store.db import chunks
from proscribe.store.queries import current_edition_ids

ORIGIN = "api"
_LOOKUP_CHUNK = 500


class BatchRefused(Exception):
    """The batch conflicts with what the store holds: an id screened before, with other content."""


# what the parts were built from: the service's snapshot, the policy fingerprint, the ownership links' state
PartsKey = tuple[int, str, tuple[int, int]]


@dataclass(frozen=True, slots=True)
class Parts:
    key: PartsKey
    snapshot: Snapshot  # held, so no newer snapshot can reuse its id() while these parts are current
    policy: Policy
    screener: TransactionScreener


class EnforcementService:
    """Screens and records transactions for the API; see the module docstring."""

    def __init__(self, store: Settings, engine: Engine, service: ScreeningService) -> None:
        self.store = store
        self.engine = engine
        self.service = service
        self._lock = threading.RLock()
        self._parts: Parts | None = None
        self._extra: EnforcementIndex | None = None

    @property
    def parts(self) -> Parts | None:
        return self._parts

    def screen(
        self,
        transactions: Sequence[Transaction],
        records: Sequence[Mapping[str, Any]],
        actor: str,
        places: Sequence[str],
    ) -> list[dict[str, Any]]:
        """Decide and record checked transactions (``records`` as sent, ``places`` naming each in messages).

        Raises BatchRefused (nothing stored) for an id screened before with
        other content, and NotReady while no index is loaded.
        """
        today = date.today()
        with self._lock:
            parts = self.current()
            with self.engine.connect() as connection:
                _refuse_reused_ids(connection, transactions, places)
            enforcer = Enforcer.from_parts(self.engine, actor, today, parts.policy, parts.screener)
            lines: list[dict[str, Any]] = []
            items = [Item(number, record) for number, record in enumerate(records, start=1)]
            try:
                stats = enforcer.run(items, ORIGIN, lines.append, None, max(1, len(items)))
            except IntegrityError as error:  # another worker stored one of these ids between the check and now
                raise BatchRefused(
                    "another request stored one of these transaction ids at the same moment; nothing of this "
                    "request was stored: send it again to get the recorded decision"
                ) from error
        if stats.errors:  # pragma: no cover - only another worker storing the same id in between gets here
            raise BatchRefused(f"{stats.problems[0]} (the request's other transactions were recorded)")
        return lines

    def warm(self) -> None:
        """Build the parts for the lists just loaded, so the first transaction request does not wait for them."""
        with suppress(NotReady):  # no lists yet, or they moved on meanwhile: the next load warms again
            self.current()

    def current(self) -> Parts:
        """The parts for the store as it is now, rebuilt (and the service's index refreshed) when stale."""
        with self._lock:
            with self.engine.connect() as connection:
                editions = current_edition_ids(connection)
                policy = get_policy(connection)
                links = _links_state(connection)
            snapshot = self._snapshot(editions)
            key = (id(snapshot), policy.fingerprint, links)
            parts = self._parts
            if parts is None or parts.key != key:
                parts = self._parts = self._build(key, snapshot, policy)
            return parts

    def _snapshot(self, editions: dict[str, int]) -> Snapshot:
        """The service's loaded index for exactly ``editions``: loaded now if the service has not caught up."""
        snapshot = self.service.snapshot
        if snapshot is not None and snapshot.editions != editions:
            self.service.refresh()  # the background check would swap it in within seconds; a block cannot wait
            snapshot = self.service.snapshot
        self.service.screener()  # NotReady (503) while nothing, or an empty index, is loaded
        if snapshot is None or snapshot.editions != editions:
            raise NotReady("the lists changed while the screening index was loading; try again in a moment")
        return snapshot

    def _build(self, key: PartsKey, snapshot: Snapshot, policy: Policy) -> Parts:
        extra = self._extra
        if extra is None or extra.editions != snapshot.editions:
            extra = self._extra = enforcement_index.load(self.store, self.engine)
        if extra.editions != snapshot.editions:
            raise NotReady("the lists changed while the enforcement index was loading; try again in a moment")
        with self.engine.connect() as connection:
            graph = build_graph(connection, extra, policy)
        index = snapshot.screeners["default"].index
        screener = TransactionScreener(Screener(index, threshold=policy.alert_threshold), extra.scanner, policy, graph)
        return Parts(key, snapshot, policy, screener)


def _links_state(connection: Connection) -> tuple[int, int]:
    """(count, highest id) of the ownership links: an import adds or replaces rows, so any change moves one."""
    count, highest = connection.execute(select(func.count(), func.max(ownership_links.c.id))).one()
    return int(count), int(highest or 0)


def _refuse_reused_ids(connection: Connection, transactions: Sequence[Transaction], places: Sequence[str]) -> None:
    """BatchRefused naming the first transaction whose id was screened before with other content."""
    ids = list(dict.fromkeys(tx.id for tx in transactions))
    stored: dict[str, Any] = {}
    for chunk in chunks(ids, _LOOKUP_CHUNK):
        query = select(
            tx_screenings.c.tx_id, tx_screenings.c.content_hash, tx_screenings.c.record, tx_screenings.c.screened_at
        ).where(tx_screenings.c.tx_id.in_(chunk))
        stored.update({row.tx_id: row for row in connection.execute(query)})
    for tx, place in zip(transactions, places, strict=True):
        row = stored.get(tx.id)
        if row is None or row.content_hash == tx.content_hash:
            continue
        changed = ", ".join(difference(json.loads(row.record), tx.to_dict())) or "content"
        raise BatchRefused(
            f"{place}: transaction id {tx.id!r} was screened before on {row.screened_at.isoformat()[:10]} with "
            f"different content ({changed} differ); a new transaction needs a new id"
        )
