"""Monitoring: re-screen only what changed, and raise only new alerts.

The first run screens every party against every current list. Later runs
screen (a) parties whose screened fields changed, against every list, and
(b) every other party against only the list entries added or changed since
the last run, taken from the edition diff. Each changed entry is looked at as
screening reads it (:mod:`~proscribe.store.screened`): a party that matched it
before is screened again whatever changed; otherwise only a name it gained (or,
for a party giving a date of birth, a country or an identifier, its changed
facts) can make a new match, and an entry whose remarks or programs alone
changed reaches nobody else. Most parties of (b) cannot come near any of those
names; :class:`~proscribe.match.delta.ChangedEntries` proves that from an upper
bound on the score and from the party's normalised name as stored at its last
full screening, so only the rest are screened (scored against the whole index,
as a full screening would). A score that moves only because the lists' word
frequencies moved, against an entry whose names and facts did not change, is
not looked for: it would be the same for an entry that did not change at all.
When no party was written since the last run, the register's words kept by that
run (:mod:`~proscribe.workflow.register_index`) carry the bound instead, with
the words' neighbour maps carried over to the current index, and only the
parties it keeps are read. An alert is opened for a new (party, entity) hit, or
for a pair whose party or list entry changed since it was last alerted or
decided; a pair decided as a false positive stays quiet until one side changes,
and then comes back saying what changed.

A run computes everything first and writes it in one transaction, with the
audit events: interrupting it leaves nothing, and running it twice opens
nothing the second time.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from typing import Any

from sqlalchemy import Connection, Engine, bindparam, func, insert, select, update

from proscribe.config import Settings
from proscribe.match import Query, Screener
from proscribe.match.carried import CarriedMaps
from proscribe.match.delta import ChangedEntries
from proscribe.match.delta_queries import NumberedQueries
from proscribe.match.features import QueryFacts
from proscribe.match.index import ScreeningIndex
from proscribe.match.normalize import NameForm, Token, name_forms
from proscribe.match.search import KnownNeighbours, TokenMap, stored_lookup
from proscribe.match.stored_forms import dump_forms, load_forms
from proscribe.screening import load_index
from proscribe.screening.index_files import index_in_memory
from proscribe.store import audit
from proscribe.store.audit import write_transaction
from proscribe.store.db import chunks, inserted_id
from proscribe.store.diff import screened_changes
from proscribe.store.queries import current_edition_ids
from proscribe.store.screened import ScreenedChange
from proscribe.workflow.new_alerts import Hit, open_alerts
from proscribe.workflow.parties import Party, active_parties
from proscribe.workflow.register_index import RegisterIndex, kept_maps, register_mark, run_key
from proscribe.workflow.settings import get_setting
from proscribe.workflow.tables import alerts, monitor_runs, parties, party_screenings

log = logging.getLogger("proscribe.monitor")


@dataclass(slots=True)
class RunReport:
    run_id: int | None
    mode: str  # full | delta | idle
    parties: int
    parties_screened: int
    entries_considered: int
    alerts_opened: int
    hits: int
    seconds: float
    editions: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "mode": self.mode,
            "parties": self.parties,
            "parties_screened": self.parties_screened,
            "entries_considered": self.entries_considered,
            "alerts_opened": self.alerts_opened,
            "hits": self.hits,
            "seconds": round(self.seconds, 3),
            "editions": self.editions,
        }


def party_query(party: Party) -> Query:
    return Query.build(party.name, party.type, party.date_of_birth, party.country, party.id_number, party.party_id)


def screen_parties(
    screener: Screener,
    targets: Iterable[Party],
    threshold: float | None,
    forms: dict[str, tuple[NameForm, ...]],
    only: frozenset[str] | None = None,
) -> list[Hit]:
    """Alerting matches of each party; ``only`` limits them to those entities, scored as in a full screening."""
    hits: list[Hit] = []
    for party in targets:
        query = party_query(party)
        result = screener.screen(query, threshold=threshold, limit=25, entity_ids=only, forms=forms.get(party.party_id))
        hits.extend(Hit(party, m) for m in result.matches if m.match)
    return hits


def run_monitor(engine: Engine, settings: Settings, actor: str, threshold: float | None = None) -> RunReport:
    with index_in_memory():
        return _run(engine, settings, actor, threshold)


def _run(engine: Engine, settings: Settings, actor: str, threshold: float | None) -> RunReport:
    started = datetime.now(UTC)
    clock = time.perf_counter()
    with engine.connect() as connection:
        mark = register_mark(connection)  # first: a party written meanwhile then moves the mark past this run
        editions = current_edition_ids(connection)
        last = connection.execute(select(monitor_runs).order_by(monitor_runs.c.id.desc()).limit(1)).first()
        if threshold is None and get_setting(connection, "monitor_threshold"):
            threshold = float(get_setting(connection, "monitor_threshold"))
        changes = _changed_entities(connection, json.loads(last.editions), editions) if last else {}
        delta = set(changes)
        # The register as the last run left it (no party written since) needs reading only where a change reaches
        words = RegisterIndex.load(settings.index_dir, run_key(last.id, last.started_at), mark) if last else None
        if words is not None and _screened_count(connection) != len(words.party_ids):
            words = None  # screenings were removed behind the register's back: read it all
        register = active_parties(connection) if words is None else []
        screened = _screened(connection) if words is None else {}
    count = len(register) if words is None else len(words.party_ids)
    others: list[Party] = []
    if last is None:
        mode, changed_parties = "full", register
    else:
        mode = "delta"
        changed_parties, others = _split(register, screened)
        if not changed_parties and not delta:
            return RunReport(None, "idle", count, 0, 0, 0, 0, time.perf_counter() - clock, editions)
    full_index, _ = load_index(settings, engine)
    known = _carried(settings, words, full_index)
    full = Screener(full_index, known=known)
    threshold = full.threshold if threshold is None else threshold
    forms = {p.party_id: _forms(p) for p in changed_parties}
    hits = screen_parties(full, changed_parties, threshold, forms)
    considered = len(full_index) if mode == "full" or changed_parties else 0
    kept: list[Party] = []
    refreshed: list[Party] = []  # parties whose stored forms were missing or outdated
    if delta and (others or words is not None):
        bound = _DeltaBound.of(engine, full_index, changes, threshold, known)
        if words is not None:  # the kept words tell which parties the bound keeps: only those are read
            with engine.connect() as connection:
                others, stale, screened = _read_parties(connection, bound.kept(words))
            if stale:  # screened last as another version without moving the mark (never expected): in full
                forms.update({p.party_id: _forms(p) for p in stale})
                hits += screen_parties(full, stale, threshold, forms)
                changed_parties = changed_parties + stale
        for party in others:
            stored = screened[party.party_id][1]
            found = load_forms(stored)
            if found is None:
                found = _forms(party)
                refreshed.append(party)
            forms[party.party_id] = found
        if words is None:
            keep = bound.keeps()
            others = [p for p in others if keep(p, forms[p.party_id])]
        kept = others
        hits += screen_parties(full, kept, threshold, forms, only=frozenset(delta))
        considered = max(considered, len(delta))
    fully_screened = register if mode == "full" else changed_parties
    screened_count = len(fully_screened) + len(kept)
    with write_transaction(engine) as connection:
        run_id = _insert_run(connection, started, mode, editions, threshold, screened_count, considered, actor)
        opened = open_alerts(connection, hits, editions, run_id, actor)
        _mark_screened(connection, fully_screened, run_id, forms)
        _store_forms(connection, refreshed, forms)
        connection.execute(update(monitor_runs).where(monitor_runs.c.id == run_id).values(alerts_opened=opened))
        report = RunReport(
            run_id,
            mode,
            count,
            screened_count,
            considered,
            opened,
            len(hits),
            time.perf_counter() - clock,
            editions,
        )
        audit.append(connection, actor, "monitor.run", f"run/{run_id}", report.to_dict())
    _keep_words(settings, words, run_key(run_id, started), mark, register, forms, full)
    return report


@dataclass(slots=True)
class _DeltaBound:
    """Which unchanged parties a list change can touch, from how each entry changed (``store.screened``).

    A party can newly match an entry through a name the entry gained (every name, for an entry new to the
    list), or, giving a date of birth, a country or an identifier of its own, through the entry's changed
    facts; those go through the bound (``match.delta``). A party that matched a changed entry before is
    screened again whatever changed: its hit's entry changed. An entry whose programs or remarks alone
    changed thus costs only the parties it was alerted on.
    """

    names: ChangedEntries | None  # entries that gained names (only those names), or are new to the list
    refacted: list[str]  # entries whose facts changed: each with every name, for parties giving facts
    matched: set[str]  # parties alerted on a changed entry before
    index: ScreeningIndex
    threshold: float
    known: KnownNeighbours | None

    @classmethod
    def of(
        cls,
        engine: Engine,
        index: ScreeningIndex,
        changes: dict[str, ScreenedChange],
        threshold: float,
        known: KnownNeighbours | None,
    ) -> _DeltaBound:
        named = [entity_id for entity_id, change in changes.items() if change.gained is None or change.gained]
        gained = {entity_id: change.gained for entity_id, change in changes.items() if change.gained}
        refacted = [entity_id for entity_id, change in changes.items() if change.facts and change.gained is not None]
        with engine.connect() as connection:
            matched = _matched_before(connection, [e for e, change in changes.items() if change.gained is not None])
        names = ChangedEntries(index, named, threshold, known=known, gained=gained) if named else None
        return cls(names, refacted, matched, index, threshold, known)

    def facts(self) -> ChangedEntries | None:
        """The entries whose facts changed, filed when a party giving facts of its own asks (none may)."""
        if not self.refacted:
            return None
        return ChangedEntries(self.index, self.refacted, self.threshold, known=self.known)

    def kept(self, words: RegisterIndex) -> set[str]:
        """The parties of the kept register words this change can touch."""
        return words.may_match(self.names, self.facts() if words.giving_facts else None) | self.matched

    def keeps(self) -> Callable[[Party, Sequence[NameForm]], bool]:
        """Whether a party (with its name forms) must be screened against the changed entries: one check for
        a whole register, which weighs each word once."""
        names = None if self.names is None else self.names.numbered(())

        @cache
        def facts_bound() -> NumberedQueries | None:  # filed when a party giving facts first asks
            entries = self.facts()
            return None if entries is None else entries.numbered(())

        def keep(party: Party, forms: Sequence[NameForm]) -> bool:
            if party.party_id in self.matched:
                return True
            facts = QueryFacts.of(party_query(party))
            if names is not None and names.may_match_forms(forms, facts):
                return True
            if not facts.gives_facts:
                return False
            bound = facts_bound()
            return bound is not None and bound.may_match_forms(forms, facts)

        return keep


def _split(register: list[Party], screened: dict[str, tuple[str, str | None]]) -> tuple[list[Party], list[Party]]:
    """(parties changed since their last full screening, or never screened; the others)."""
    unchanged = {p.party_id for p in register if screened.get(p.party_id, ("",))[0] == p.screening_hash}
    return [p for p in register if p.party_id not in unchanged], [p for p in register if p.party_id in unchanged]


def _screened(connection: Connection, ids: Sequence[str] | None = None) -> dict[str, tuple[str, str | None]]:
    """party id -> (the party version last screened in full, its stored name forms), of ``ids`` when given."""
    query = select(party_screenings.c.party_id, party_screenings.c.record_hash, party_screenings.c.name_forms)
    if ids is not None:
        query = query.where(party_screenings.c.party_id.in_(ids))
    return {row.party_id: (row.record_hash, row.name_forms) for row in connection.execute(query)}


def _screened_count(connection: Connection) -> int:
    """How many active parties have been screened in full."""
    query = (
        select(func.count())
        .select_from(party_screenings.join(parties, parties.c.party_id == party_screenings.c.party_id))
        .where(parties.c.active.is_(True))
    )
    return int(connection.execute(query).scalar_one())


def _read_parties(
    connection: Connection, ids: set[str]
) -> tuple[list[Party], list[Party], dict[str, tuple[str, str | None]]]:
    """These active parties (those screened in full as they are now; the others) and their screenings."""
    listed = sorted(ids)
    if len(listed) > 5_000:  # most of the register: one read of it all beats many lists of ids
        found = [p for p in active_parties(connection) if p.party_id in ids]
        everyone = _screened(connection)
        screened = {party_id: everyone[party_id] for party_id in listed if party_id in everyone}
    else:
        found, screened = [], {}
        for chunk in chunks(listed, 900):
            found += active_parties(connection, chunk)
            screened.update(_screened(connection, chunk))
    stale, current = _split(found, screened)
    return current, stale, screened


def _keep_words(
    settings: Settings,
    words: RegisterIndex | None,
    run: str,
    mark: int,
    register: list[Party],
    forms: dict[str, tuple[NameForm, ...]],
    screener: Screener,
) -> None:
    """Leave the register's words, and their neighbour maps, for the next run (a cache: failing to write it
    only slows that run).

    The maps come from ``screener``, which holds most of them already: it screened every party, or took
    the maps carried from the last kept words. Words it never looked up are looked up now. When no maps
    were kept before (the first run on kept words without them), that costs one lookup of each of the
    register's words, once.
    """
    try:
        if words is not None:
            if words.neighbours is None:
                words.neighbours = _maps(screener, words.tokens, words.pairs)
            words.moved_to(run).save_run(settings.index_dir)  # the register's part stands as it is
        elif all(p.party_id in forms for p in register):
            kept = {p.party_id: forms[p.party_id] for p in register}
            facts = {p.party_id: QueryFacts.of(party_query(p)) for p in register}
            built = RegisterIndex.build(run, mark, kept, facts)
            built.neighbours = _maps(screener, built.tokens, built.pairs)
            built.save(settings.index_dir)
    except OSError as error:
        log.warning("cannot keep the register's words for the next monitoring run: %s", error)


def _maps(screener: Screener, tokens: list[Token], pairs: Iterable[tuple[int, int]]) -> CarriedMaps:
    return CarriedMaps.of(screener.index, tokens, pairs, _looked_up(screener), _merged_up(screener))


def _carried(settings: Settings, words: RegisterIndex | None, index: ScreeningIndex) -> KnownNeighbours | None:
    """The register words' neighbour maps, carried to ``index`` from the listed words that changed: the kept
    words' own, or, when the register moved on since, those the last kept words hold (a word's map depends
    on the word and the index alone, whichever run or register kept it)."""
    if words is not None:
        if words.neighbours is None:
            return None
        words.neighbours = words.neighbours.rebased(index, words.tokens, words.filed)
        return words.neighbours.known(words.tokens)
    found = kept_maps(settings.index_dir)
    if found is None:
        return None
    tokens, filed, maps = found
    return maps.rebased(index, tokens, filed).known(tokens)


def _looked_up(screener: Screener) -> Callable[[Token], TokenMap | None]:
    """A word's keyed map as carried or as the screener looked it up (None for a word the screener takes
    from the index's stored maps and no carried map holds)."""
    known = screener.searcher.known

    def found(token: Token) -> TokenMap | None:
        carried = known.tokens.get(token) if known is not None else None
        if carried is not None:
            return carried
        return None if stored_lookup(screener.index, token) else screener.searcher.lookup(token)[0]

    return found


def _merged_up(screener: Screener) -> Callable[[Token, Token], TokenMap]:
    """Two words' map written together, as the screener looked it up."""

    def found(left: Token, right: Token) -> TokenMap:
        return screener.searcher.merged_map(left, right)[0]

    return found


def _forms(party: Party) -> tuple[NameForm, ...]:
    query = party_query(party)
    return tuple(name_forms(query.name, query.schema))


def _changed_entities(connection: Connection, before: dict[str, int], now: dict[str, int]) -> dict[str, ScreenedChange]:
    """The current editions' entities added or changed since the editions of the last run, each with how it
    changed as screening reads it."""
    changed: dict[str, ScreenedChange] = {}
    for source, edition in now.items():
        if before.get(source) != edition:
            changed.update(screened_changes(connection, before.get(source), edition))
    return changed


def _matched_before(connection: Connection, entity_ids: Sequence[str]) -> set[str]:
    """Ids of the parties ever alerted on one of these entities: each matched it once."""
    found: set[str] = set()
    for chunk in chunks(sorted(entity_ids), 900):
        found.update(connection.execute(select(alerts.c.party_id).where(alerts.c.entity_id.in_(chunk))).scalars())
    return found


def _insert_run(
    connection: Connection,
    started: datetime,
    mode: str,
    editions: dict[str, int],
    threshold: float,
    screened: int,
    considered: int,
    actor: str,
) -> int:
    result = connection.execute(
        insert(monitor_runs).values(
            started_at=started,
            finished_at=datetime.now(UTC),
            mode=mode,
            editions=json.dumps(editions),
            threshold=threshold,
            parties_screened=screened,
            entries_considered=considered,
            alerts_opened=0,
            actor=actor,
        )
    )
    return inserted_id(result)


def _mark_screened(
    connection: Connection, screened: Sequence[Party], run_id: int, forms: dict[str, tuple[NameForm, ...]]
) -> None:
    ids = [p.party_id for p in screened]
    for chunk in chunks(ids, 900):
        connection.execute(party_screenings.delete().where(party_screenings.c.party_id.in_(chunk)))
    if screened:
        connection.execute(
            insert(party_screenings),
            [
                {
                    "party_id": p.party_id,
                    "record_hash": p.screening_hash,
                    "run_id": run_id,
                    "name_forms": dump_forms(forms[p.party_id]),
                }
                for p in screened
            ],
        )


def _store_forms(connection: Connection, parties: Sequence[Party], forms: dict[str, tuple[NameForm, ...]]) -> None:
    """Keep the forms of parties screened before forms were stored, so the next run reads them."""
    if parties:
        connection.execute(
            update(party_screenings).where(party_screenings.c.party_id == bindparam("key")),
            [{"key": p.party_id, "name_forms": dump_forms(forms[p.party_id])} for p in parties],
        )
