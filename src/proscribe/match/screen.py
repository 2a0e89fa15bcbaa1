"""The screening entry point: :class:`Screener` ranks listed entities for a query and explains each score.

A ``Screener`` wraps a built (or loaded) :class:`ScreeningIndex`. ``screen``
reads the query in every way it can be read (the main reading, a Japanese
reading of kanji), finds candidate names through the index, scores each name,
keeps the best name per entity, applies the secondary facts (date of birth,
country, identifiers, type) and returns the ranked matches with structured
explanations. ``compare`` scores two names directly with the same rules.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from proscribe.match import ofac
from proscribe.match.features import DECISIVE_SCORE, DEFAULT_THRESHOLD, OFAC_THRESHOLD, QueryFacts, max_bonus
from proscribe.match.features import normalize_identifier as _normalize_identifier
from proscribe.match.index import ScreeningIndex, build_index
from proscribe.match.normalize import NameForm, Token, clean, name_forms, name_symbols
from proscribe.match.score import (
    Side,
    align,
    alignment_features,
    apply_facts,
    direct_edges,
    name_score,
    specificity,
    summarize,
)
from proscribe.match.search import KnownNeighbours, NameHit, Searcher
from proscribe.match.types import Comparison, Explanation, Feature, Match, Query, ScreenResult, parse_schema
from proscribe.model import Entity, Schema

ALGORITHMS = ("default", "ofac")
DEFAULT_LIMIT = 10
# Matches this far below the threshold are still shown (not alerted), so an analyst sees near misses.
REVIEW_MARGIN = 0.1
WEAK_ALIAS_FACTOR = 0.95  # a publisher's low-quality alias proves a little less than a full name


def default_threshold(algorithm: str) -> float:
    return OFAC_THRESHOLD if algorithm == "ofac" else DEFAULT_THRESHOLD


class Screener:
    """Screens names against one index. Thread-compatible for reads; caches grow per instance."""

    def __init__(
        self,
        index: ScreeningIndex,
        *,
        algorithm: str = "default",
        threshold: float | None = None,
        limit: int = DEFAULT_LIMIT,
        min_score: float | None = None,
        known: KnownNeighbours | None = None,
    ) -> None:
        """``known``: query words' neighbour maps at hand already (carried between editions: ``match.carried``)."""
        if algorithm not in ALGORITHMS:
            raise ValueError(f"unknown algorithm {algorithm!r}: use one of {', '.join(ALGORITHMS)}")
        self.index = index
        self.algorithm = algorithm
        self.threshold = default_threshold(algorithm) if threshold is None else threshold
        self.limit = limit
        self.min_score = min_score
        self.searcher = Searcher(index, known)
        self._ofac: ofac.OfacMatcher | None = None
        self._support: dict[str, int] = {}
        self._numbers: dict[str, int] | None = None
        self._restriction: tuple[frozenset[str], frozenset[int]] | None = None
        self._restricted: tuple[frozenset[int], Searcher] | None = None  # a search among those entities alone

    @classmethod
    def from_entities(cls, entities: Iterable[Entity], **options: object) -> Screener:
        return cls(build_index(entities), **options)  # type: ignore[arg-type]

    @classmethod
    def load(cls, path: Path | str, **options: object) -> Screener:
        return cls(ScreeningIndex.load(path), **options)  # type: ignore[arg-type]

    def screen(
        self,
        query: Query | str,
        *,
        threshold: float | None = None,
        limit: int | None = None,
        min_score: float | None = None,
        sources: Sequence[str] | None = None,
        programs: Sequence[str] | None = None,
        schemas: Sequence[str | Schema] | None = None,
        entity_ids: frozenset[str] | None = None,
        forms: Sequence[NameForm] | None = None,
    ) -> ScreenResult:
        """Rank listed entities for one query; ``match`` marks scores at or above the threshold.

        ``entity_ids`` limits the candidates to those entities while scoring against the whole index, so
        a party re-screened against the entries that changed scores exactly as in a full screening.
        ``forms`` are the query name's forms when the caller already has them (``name_forms`` of it).
        """
        if isinstance(query, str):
            query = Query(name=query)
        threshold = self.threshold if threshold is None else threshold
        limit = self.limit if limit is None else limit
        floor = min_score if min_score is not None else self.min_score
        floor = max(0.0, threshold - REVIEW_MARGIN) if floor is None else min(floor, threshold)
        facts = QueryFacts.of(query)
        allowed = _Filter(self.index, sources, programs, schemas, self._entity_numbers(entity_ids))
        if self.algorithm == "ofac":
            matches = self._screen_ofac(query, floor, threshold, facts, allowed)
        else:
            matches = self._screen_default(query, floor, threshold, facts, allowed, forms, self._searcher(allowed.only))
        matches.sort(key=lambda m: (-round(m.score, 6), -self._support.get(m.entity_id, 0), m.entity_id))
        self._support = {}
        matches = matches[:limit]
        return ScreenResult(query.id, query.name, any(m.match for m in matches), matches)

    def _entity_numbers(self, entity_ids: frozenset[str] | None) -> frozenset[int] | None:
        """Index numbers of ``entity_ids``, worked out once per set (a monitoring run reuses one set)."""
        if entity_ids is None:
            return None
        if self._restriction is not None and self._restriction[0] is entity_ids:
            return self._restriction[1]
        if self._numbers is None:
            self._numbers = {entity_id: n for n, entity_id in enumerate(self.index.entity_ids)}
        numbers = frozenset(n for e in entity_ids if (n := self._numbers.get(e)) is not None)
        self._restriction = (entity_ids, numbers)
        return numbers

    def _searcher(self, entities: frozenset[int] | None) -> Searcher:
        """The search among these entities' names alone (kept for the next query restricted to them), or the
        whole index's."""
        if entities is None:
            return self.searcher
        if self._restricted is None or self._restricted[0] is not entities:
            self._restricted = (entities, Searcher(self.index, self.searcher.known, entities))
        return self._restricted[1]

    def _screen_default(
        self,
        query: Query,
        floor: float,
        threshold: float,
        facts: QueryFacts,
        allowed: _Filter,
        forms: Sequence[NameForm] | None,
        searcher: Searcher,
    ) -> list[Match]:
        index = self.index
        bonus = max_bonus(facts)
        best: dict[int, NameHit] = {}
        support: dict[int, int] = {}  # how many of the entity's names reach its best score: breaks ties
        for form in name_forms(query.name, query.schema) if forms is None else forms:
            prepared = searcher.prepare(form)
            for name_id in searcher.candidates(prepared, max(0.0, floor - bonus)):
                entity = index.name_entity[name_id]
                if not allowed(entity):
                    continue
                hit = searcher.score_name(prepared, name_id)
                if index.name_weak[name_id]:
                    hit.score *= WEAK_ALIAS_FACTOR
                current = best.get(entity)
                if current is None or hit.score > current.score + 1e-9:
                    best[entity] = hit
                    support[entity] = 1
                elif hit.score >= current.score - 1e-9:
                    support[entity] += 1
        decisive = self._identifier_entities(facts, allowed)
        matches: list[Match] = []
        for entity, hit in best.items():
            if hit.score + bonus < floor and entity not in decisive:
                continue
            match = self._match(entity, hit, facts, threshold)
            if match.score >= floor:
                matches.append(match)
        for entity in decisive - best.keys():
            matches.append(self._identifier_only_match(entity, query, facts, threshold))
        self._support = {index.entity_ids[entity]: count for entity, count in support.items()}
        return matches

    def _identifier_entities(self, facts: QueryFacts, allowed: _Filter) -> set[int]:
        if not facts.id_number:
            return set()
        found = self.index.identifier_map.get(_normalize_identifier(facts.id_number), ())
        return {entity for entity in found if allowed(entity)}

    def _match(self, entity: int, hit: NameHit, facts: QueryFacts, threshold: float) -> Match:
        index = self.index
        listed = self.searcher.listed_side(hit.name_id)
        features = alignment_features(hit.query.side, listed, hit.chosen)
        if index.name_weak[hit.name_id]:
            features.append(Feature("weak_alias", WEAK_ALIAS_FACTOR, 0.0, "matched a low-quality alias"))
        if hit.query.form.reading:
            features.append(
                Feature("reading", 1.0, 0.0, f"query read as {hit.query.form.reading}: {hit.query.form.text}")
            )
        strength = specificity(listed, hit.chosen, index.max_rarity)
        score, fact_features = apply_facts(hit.score, facts, index.facts(entity), strength)
        features.extend(fact_features)
        return self._build_match(entity, index.name_text[hit.name_id], hit.score, score, features, threshold)

    def _identifier_only_match(self, entity: int, query: Query, facts: QueryFacts, threshold: float) -> Match:
        """An entity found by an exact identifier alone: decisive whatever its names say."""
        score, features = apply_facts(0.0, facts, self.index.facts(entity))
        caption = self.index.entity_info[entity][3]
        return self._build_match(entity, caption, 0.0, max(score, DECISIVE_SCORE), features, threshold)

    def _build_match(
        self, entity: int, matched: str, name: float, score: float, features: list[Feature], threshold: float
    ) -> Match:
        source, source_id, schema, caption, programs = self.index.entity_info[entity]
        explanation = Explanation(matched, name, features, summarize(matched, name, score, features))
        return Match(
            entity_id=self.index.entity_ids[entity],
            source=source,
            source_id=source_id,
            schema=schema,
            caption=caption,
            matched_name=matched,
            score=score,
            match=score >= threshold,
            programs=list(programs),
            explanation=explanation,
        )

    def _screen_ofac(
        self, query: Query, floor: float, threshold: float, facts: QueryFacts, allowed: _Filter
    ) -> list[Match]:
        if self._ofac is None:
            self._ofac = ofac.OfacMatcher(self.index, self.searcher)
        matches: list[Match] = []
        for entity, name_id, score, detail in self._ofac.search(query.name, floor, allowed):
            features = [Feature("ofac_score", score, score, detail)]
            if facts.schema and facts.schema != self.index.entity_info[entity][2]:
                continue  # OFAC's tool filters by type rather than scoring it
            matches.append(self._build_match(entity, self.index.name_text[name_id], score, score, features, threshold))
        return matches

    def compare(self, name1: str, name2: str, schema: str | Schema | None = None) -> Comparison:
        """Score two names directly, weighting tokens by this index's rarities (unknown words count as rare)."""
        return compare(name1, name2, schema, threshold=self.threshold, algorithm=self.algorithm, index=self.index)


class _Filter:
    """Source / program / schema filters, checked per candidate entity."""

    def __init__(
        self,
        index: ScreeningIndex,
        sources: Sequence[str] | None,
        programs: Sequence[str] | None,
        schemas: Sequence[str | Schema] | None,
        only: frozenset[int] | None = None,
    ) -> None:
        self.index = index
        self.sources = {s.lower() for s in sources} if sources else None
        self.programs = {p.upper() for p in programs} if programs else None
        self.schemas = {s.value for raw in schemas if (s := parse_schema(raw))} if schemas else None
        self.only = only
        self.active = bool(self.sources or self.programs or self.schemas)
        self._cache: dict[int, bool] = {}

    def __call__(self, entity: int) -> bool:
        if self.only is not None and entity not in self.only:
            return False
        if not self.active:
            return True
        found = self._cache.get(entity)
        if found is None:
            source, _source_id, schema, _caption, programs = self.index.entity_info[entity]
            found = (
                (self.sources is None or source.lower() in self.sources)
                and (self.schemas is None or schema in self.schemas)
                and (self.programs is None or any(p.upper() in self.programs for p in programs))
            )
            self._cache[entity] = found
        return found


def compare(
    name1: str,
    name2: str,
    schema: str | Schema | None = None,
    *,
    threshold: float | None = None,
    algorithm: str = "default",
    index: ScreeningIndex | None = None,
    name_tables: bool = False,
) -> Comparison:
    """Score two names; the first is read as the query.

    With an index (``Screener.compare``), words weigh by their rarity in the lists and name equivalences
    come from the index's lexicon. Without one every word weighs the same, and name equivalences
    (Kim / 김, Ali / علي) are only consulted with ``name_tables=True``: rigour's name tables take many
    seconds to load on first use, too slow for a one-off command.
    """
    kind = parse_schema(schema)
    threshold = default_threshold(algorithm) if threshold is None else threshold
    if algorithm == "ofac":
        score, detail = ofac.ofac_score(name1, name2)
        explanation = Explanation(name2, score, [Feature("ofac_score", score, score, detail)], detail)
        return Comparison(name1, name2, score, score >= threshold, threshold, explanation)
    best: tuple[float, Explanation] | None = None
    for left in name_forms(name1, kind) or []:
        for right in name_forms(name2, kind) or []:
            rarity_left = _rarities(index, [t.text for t in left.tokens])
            rarity_right = _rarities(index, [t.text for t in right.tokens])
            query_side = Side.of(left.tokens, rarity_left)
            listed_side = Side.of(right.tokens, rarity_right)
            symbols = index.token_symbols if index is not None else (rigour_symbols if name_tables else _own_symbols)
            chosen = align(direct_edges(left.tokens, right.tokens, query_side, listed_side, symbols))
            score = name_score(query_side, listed_side, chosen)
            if best is None or score > best[0]:
                features = alignment_features(query_side, listed_side, chosen)
                best = (score, Explanation(name2, score, features, summarize(name2, score, score, features)))
    if best is None:
        if clean(name1).casefold() == clean(name2).casefold() and clean(name1):
            same = Feature("identical", 1.0, 1.0, "identical as written (no comparable letters or digits)")
            return Comparison(name1, name2, 1.0, True, threshold, Explanation(name2, 1.0, [same], same.detail))
        empty = Explanation(name2, 0.0, [], "nothing to compare: a name has no letters or digits")
        return Comparison(name1, name2, 0.0, False, threshold, empty)
    return Comparison(name1, name2, best[0], best[0] >= threshold, threshold, best[1])


def _own_symbols(token: Token) -> frozenset[str]:
    return token.symbols


def rigour_symbols(token: Token) -> frozenset[str]:
    """A token's symbols straight from rigour (its name tables load slowly on first use: see ``name_symbols``)."""
    return token.symbols | name_symbols(token.text) | name_symbols(token.original)


def _rarities(index: ScreeningIndex | None, texts: list[str]) -> list[float] | None:
    if index is None:
        return None
    return [index.rarity[i] if (i := index.vocab_index.get(t)) is not None else index.max_rarity for t in texts]
