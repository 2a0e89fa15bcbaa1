"""Query-time search over the index: prepare the query's tokens, find candidates, score their names.

Speed comes from pruning with upper bounds. A listed name can only reach
score ``T`` if its aligned pairs satisfy::

    sum(s * w_q + (s - T) * w_listed) >= T * W_query

(rearranged from the coverage formula, using that unmatched listed tokens only
add to the denominator). Each query token therefore has a best possible term;
the rarest tokens are walked through their postings; once the terms of the
tokens left cannot reach ``T * W_query`` on their own, only tokens with short
postings are still walked, so common tokens such as MOHAMMED or AL rarely
have their long postings walked. Each candidate found then gets a second
bound from its own total weight (its walked contributions plus the best the
unwalked tokens could add, over ``W_query + W_listed``); only candidates
clearing the floor are aligned and scored.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass

from proscribe.match.features import MERGED_FACTOR, TOKEN_SIMILARITY
from proscribe.match.index import KIND_NAMES, KeyMaps, ScreeningIndex
from proscribe.match.normalize import NameForm, Token
from proscribe.match.score import Edge, Side, align, firm_total, initial_edge, name_score, token_mode

TokenMap = dict[int, tuple[float, str, int]]
Entries = list[tuple[int, float]]  # (vocabulary id, similarity)
Lookup = tuple[TokenMap, Entries, float]  # (map, its entries as a list, rarity)
Ranked = tuple[list[float], list[int]]  # margins best first, and their names
_CACHE_LIMIT = 200_000
_WALK_CACHE_LIMIT = 20_000
# Tokens whose neighbours' postings are this short are walked even when the bound does not need them:
# adding up a short walk (cached per token) is cheaper than checking each candidate for them afterwards.
_CHEAP_WALK = 300
_MERGED_KINDS = frozenset({"exact", "fuzzy", "skeleton"})


@dataclass(slots=True)
class PreparedQuery:
    """One reading of the query: its tokens, weights, and neighbour maps into the index."""

    form: NameForm
    side: Side
    maps: list[TokenMap]
    merged: list[tuple[int, TokenMap]]  # (first token index, map of the two tokens written together)
    initials: bool  # a query token is a single letter
    entries: list[Entries]  # per token: its neighbour map as (vocabulary id, similarity) pairs
    merged_entries: list[Entries]  # the same for the merged pairs


@dataclass(slots=True)
class NameHit:
    """A scored listed name."""

    name_id: int
    score: float
    chosen: list[Edge]
    query: PreparedQuery


@dataclass(frozen=True, slots=True)
class KnownNeighbours:
    """Query words' keyed neighbour maps at hand already (carried from an earlier edition: ``match.carried``)."""

    tokens: Mapping[Token, TokenMap]
    merged: Mapping[str, TokenMap]  # two consonantal words written together (see :func:`keyed_merge`), by text


def token_neighbours(
    index: ScreeningIndex,
    token: Token,
    allowed: AbstractSet[int] | None = None,
    maps: KeyMaps | None = None,
    known: KnownNeighbours | None = None,
) -> TokenMap:
    """The listed words one query token may align with (of ``allowed`` only, when given, and then looked up
    through ``maps`` over ``allowed`` when given: see ``index.key_maps``).

    Single letters and numbers match exactly; a listed word whose symbols cover the query's uses the
    neighbour map stored at build time; any other word is looked up through the index's key maps, unless
    ``known`` holds its map already (carried from an earlier edition: see ``match.carried``).
    """
    held = held_neighbours(index, token, known)
    if held is not None:
        return _within(held, allowed)
    symbols = index.token_symbols(token)
    return index.find_neighbours(token.text, symbols, token.consonantal, token_mode(token), allowed, maps)


def held_neighbours(index: ScreeningIndex, token: Token, known: KnownNeighbours | None = None) -> TokenMap | None:
    """A query token's whole neighbour map when it needs no lookup (see :func:`token_neighbours`): a single
    letter or a number (itself, if listed), a listed word's stored map, or a map ``known`` holds; else None."""
    own = index.vocab_index.get(token.text)
    if len(token.text) == 1 or not token.text.isalpha():
        return {own: (1.0, "exact", 0)} if own is not None else {}
    if own is not None and stored_lookup(index, token):
        return index.stored_neighbours(own)
    return known.tokens.get(token) if known is not None else None


def stored_lookup(index: ScreeningIndex, token: Token) -> bool:
    """Whether a word's neighbours are those the build stored for it: a listed word (not a consonant
    skeleton or a single syllable) whose symbols its listed form covers."""
    own = index.vocab_index.get(token.text)
    if own is None or token.consonantal or token.syllable:
        return False
    return index.token_symbols(token) <= index.symbols_of(own)


def merged_neighbours(
    index: ScreeningIndex,
    left: Token,
    right: Token,
    allowed: AbstractSet[int] | None = None,
    maps: KeyMaps | None = None,
    known: KnownNeighbours | None = None,
) -> TokenMap:
    """The listed words two adjacent query tokens match written together (of ``allowed`` only, when given;
    ``maps`` and ``known`` as for :func:`token_neighbours`)."""
    joined = left.text + right.text
    if keyed_merge(left, right):
        # عبد الله / أبو بكر: a particle written apart; the joined skeleton identifies the name
        carried = known.merged.get(joined) if known is not None else None
        if carried is not None:
            return _within(carried, allowed)
        return index.find_neighbours(joined, frozenset(), True, "merged", allowed, maps)
    # written together exactly as listed (HIK VISION / HIKVISION, MYONGC HIN / MYONG CHIN)
    own = index.vocab_index.get(joined)
    return {own: (1.0, "exact", 0)} if own is not None and (allowed is None or own in allowed) else {}


def _within(found: TokenMap, allowed: AbstractSet[int] | None) -> TokenMap:
    """A neighbour map restricted to ``allowed`` (all of it when None)."""
    return found if allowed is None else {v: hit for v, hit in found.items() if v in allowed}


def keyed_merge(left: Token, right: Token) -> bool:
    """Whether two adjacent words written together are looked up through the key maps (as one consonantal
    word, mode "merged"), not only as written."""
    return (
        left.consonantal
        and right.consonantal
        and (left.text + right.text).isalpha()
        and min(len(left.text), len(right.text)) <= 2
    )


class Searcher:
    """The default algorithm's search over one index, with per-token caches shared across queries."""

    def __init__(
        self, index: ScreeningIndex, known: KnownNeighbours | None = None, entities: AbstractSet[int] | None = None
    ) -> None:
        """``known``: query words' maps at hand already (see :func:`token_neighbours`); ``entities``: only these
        entities' names are candidates (a screening restricted to them walks no other name's postings)."""
        self.index = index
        self.known = known
        self._names: set[int] | None = None
        if entities is not None:
            self._names = {name for name, entity in enumerate(index.name_entity) if entity in entities}
        self._postings: dict[int, tuple[int, ...]] = {}  # per listed word, its postings among ``_names``
        self._maps: dict[tuple[str, str, bool, bool], Lookup] = {}
        self._merged: dict[tuple[str, bool], tuple[TokenMap, Entries]] = {}
        self._listed: dict[int, Side] = {}
        # Walk results per (entries list, weight): a token's entries list lives in the lookup cache, so a
        # token met again reuses its walk. The entries object is kept in the value to guard against id reuse.
        self._walks: dict[tuple[int, float], tuple[Entries, dict[int, float]]] = {}
        self._terms: dict[tuple[int, float, float], tuple[Entries, float]] = {}
        self._volumes: dict[int, tuple[Entries, int]] = {}
        self._rankings: dict[tuple[int, float, float], tuple[Entries, Ranked]] = {}

    def token_map(self, token: Token) -> TokenMap:
        """The listed tokens related to one query token (cached per token)."""
        return self.lookup(token)[0]

    def lookup(self, token: Token) -> Lookup:
        """A query token's neighbour map, the same as a list, and its rarity (cached per token)."""
        key = (token.text, token.original, token.consonantal, token.syllable)
        found = self._maps.get(key)
        if found is not None:
            return found
        index = self.index
        neighbours = token_neighbours(index, token, known=self.known)
        entries = [(vocab_id, hit[0]) for vocab_id, hit in neighbours.items()]
        found = (neighbours, entries, index.token_rarity(token.text, neighbours))
        if len(self._maps) > _CACHE_LIMIT:
            self._maps.clear()
        self._maps[key] = found
        return found

    def merged_map(self, left: Token, right: Token) -> tuple[TokenMap, Entries]:
        """Listed tokens matching two adjacent query tokens written together (HIK VISION -> HIKVISION)."""
        consonantal = left.consonantal and right.consonantal
        key = (left.text + right.text, consonantal)
        found = self._merged.get(key)
        if found is None:
            neighbours = merged_neighbours(self.index, left, right, known=self.known)
            found = (neighbours, [(vocab_id, hit[0]) for vocab_id, hit in neighbours.items()])
            if len(self._merged) > _CACHE_LIMIT:
                self._merged.clear()
            self._merged[key] = found
        return found

    def prepare(self, form: NameForm) -> PreparedQuery:
        index = self.index
        lookups = [self.lookup(token) for token in form.tokens]
        maps = [lookup[0] for lookup in lookups]
        rarities = [lookup[2] for lookup in lookups]
        unknown = [
            rarity if token.text in index.vocab_index else index.max_rarity
            for token, rarity in zip(form.tokens, rarities, strict=True)
        ]
        merged: list[tuple[int, TokenMap]] = []
        merged_entries: list[Entries] = []
        for i in range(len(form.tokens) - 1):
            found, found_entries = self.merged_map(form.tokens[i], form.tokens[i + 1])
            if found:
                merged.append((i, found))
                merged_entries.append(found_entries)
        initials = any(len(token.text) == 1 and not token.syllable for token in form.tokens)
        entries = [lookup[1] for lookup in lookups]
        side = Side.of(form.tokens, rarities, unknown)
        return PreparedQuery(form, side, maps, merged, initials, entries, merged_entries)

    def candidates(self, query: PreparedQuery, floor: float) -> list[int]:
        """Listed names whose score bound reaches ``floor`` (name score only: facts are added by the caller).

        Tokens are walked from the strongest bound term down, until the tokens left could not reach the
        floor on their own; what those left would add is checked per candidate, against the candidate's
        own tokens.
        """
        weights = query.side.weights
        query_total = firm_total(query.side.weights, query.side.kinds)
        need = floor * query_total
        items = [(weights[i], query.entries[i], m) for i, m in enumerate(query.maps) if m]
        items += [
            ((weights[i] + weights[i + 1]) * MERGED_FACTOR, query.merged_entries[k], m)
            for k, (i, m) in enumerate(query.merged)
        ]
        rest_term = rest_contribution = 0.0
        for i in range(len(weights)):
            if len(query.side.texts[i]) == 1 and query.side.modes[i] != "syllable":  # an initial: bounded
                sim = TOKEN_SIMILARITY["initial"]
                rest_term += sim * weights[i] + max(0.0, sim - floor) * self.index.max_rarity
                rest_contribution += sim * (weights[i] + self.index.max_rarity)
        plans = []
        for weight, entries, token_map in items:
            term = self._best_term(entries, weight, floor)
            plans.append((term, weight, entries, token_map))
            rest_term += term
        plans.sort(key=lambda plan: -plan[0])
        unwalked: list[tuple[float, TokenMap]] = []
        walks: list[tuple[dict[int, float], Ranked]] = []
        for term, weight, entries, token_map in plans:
            if rest_term < need and self._volume(entries) > _CHEAP_WALK:
                unwalked.append((weight, token_map))
                continue
            rest_term -= term
            walks.append((self._walk(entries, weight), self._ranked(entries, weight, floor)))
        if not walks:
            return []
        return self._survivors(walks, unwalked, rest_contribution, floor, query_total)

    def _survivors(
        self,
        walks: list[tuple[dict[int, float], Ranked]],
        unwalked: list[tuple[float, TokenMap]],
        rest_contribution: float,
        floor: float,
        query_total: float,
    ) -> list[int]:
        """Names whose bound reaches the floor: ``sum(contributions) - floor * W_listed >= floor * W_query``.

        A name reached by one walked token alone is judged by that token's margin (contribution less
        ``floor * W_listed``), kept sorted per token, so only the top of each list is looked at; names
        reached by several walked tokens (found by set intersection) are added up. What unwalked tokens
        could add is looked up against each remaining name's own few tokens.
        """
        index = self.index
        rarity = index.rarity
        need = floor * query_total - 1e-9
        loose = rest_contribution + sum(
            max((hit[0] * (weight + rarity[v]) for v, hit in token_map.items()), default=0.0)
            for weight, token_map in unwalked
        )
        shared: set[int] = set()
        for k in range(1, len(walks)):
            for j in range(k):
                shared.update(walks[k][0].keys() & walks[j][0].keys())
        totals = index.name_total
        margins: dict[int, float] = {}
        for name_id in shared:
            margins[name_id] = sum(walk.get(name_id, 0.0) for walk, _ in walks) - floor * totals[name_id]
        for _walk, (ranked_margins, ranked_names) in walks:
            cut = bisect_right(ranked_margins, loose - need, key=lambda margin: -margin)
            for name_id, margin in zip(ranked_names[:cut], ranked_margins[:cut], strict=True):
                if name_id not in shared:
                    margins[name_id] = margin
        found: list[int] = []
        for name_id, margin in margins.items():
            if margin + loose < need:
                continue
            if unwalked and margin + self._unwalked_extra(name_id, unwalked) + rest_contribution < need:
                continue
            found.append(name_id)
        return found

    def _unwalked_extra(self, name_id: int, unwalked: list[tuple[float, TokenMap]]) -> float:
        """The most the unwalked tokens could add to this name, looked up against its own tokens."""
        index = self.index
        rarity = index.rarity
        present = index.name_tokens[name_id] + index.name_merged[name_id]
        extra = 0.0
        for weight, token_map in unwalked:
            best = 0.0
            for vocab_id in present:
                hit = token_map.get(vocab_id)
                if hit is not None and hit[0] * (weight + rarity[vocab_id]) > best:
                    best = hit[0] * (weight + rarity[vocab_id])
            extra += best
        return extra

    def _ranked(self, entries: Entries, weight: float, floor: float) -> Ranked:
        """A walk's names by margin (contribution less ``floor * W_listed``), best first; cached like walks."""
        key = (id(entries), weight, floor)
        cached = self._rankings.get(key)
        if cached is not None and cached[0] is entries:
            return cached[1]
        totals = self.index.name_total
        pairs = sorted(
            (
                (contribution - floor * totals[name_id], name_id)
                for name_id, contribution in self._walk(entries, weight).items()
            ),
            reverse=True,
        )
        ranked = ([margin for margin, _ in pairs], [name_id for _, name_id in pairs])
        if len(self._rankings) > _WALK_CACHE_LIMIT:
            self._rankings.clear()
        self._rankings[key] = (entries, ranked)
        return ranked

    def _volume(self, entries: Entries) -> int:
        """How many postings walking these entries visits (cached like walks)."""
        cached = self._volumes.get(id(entries))
        if cached is not None and cached[0] is entries:
            return cached[1]
        volume = sum(len(self._postings_of(vocab_id)) for vocab_id, _ in entries)
        if len(self._volumes) > _WALK_CACHE_LIMIT:
            self._volumes.clear()
        self._volumes[id(entries)] = (entries, volume)
        return volume

    def _walk(self, entries: Entries, weight: float) -> dict[int, float]:
        """Each listed name's best contribution from one query token's entries (a token aligns once).

        Cached per token: a token's entries list lives in the lookup cache, so a token met again reuses
        its walk (the entries object is kept in the value to guard against id reuse).
        """
        key = (id(entries), weight)
        cached = self._walks.get(key)
        if cached is None or cached[0] is not entries:
            cached = (entries, self._best_per_name(entries, weight))
            if len(self._walks) > _WALK_CACHE_LIMIT:
                self._walks.clear()
            self._walks[key] = cached
        return cached[1]

    def _best_per_name(self, entries: Entries, weight: float) -> dict[int, float]:
        """Each listed name's best contribution from one query token's entries."""
        rarity = self.index.rarity
        local: dict[int, float] = {}
        for vocab_id, sim in entries:
            contribution = sim * (weight + rarity[vocab_id])
            for name_id in self._postings_of(vocab_id):
                if contribution > local.get(name_id, 0.0):
                    local[name_id] = contribution
        return local

    def _postings_of(self, vocab_id: int) -> Sequence[int]:
        """The names holding a listed word (of the candidate names only, when restricted)."""
        if self._names is None:
            return self.index.postings[vocab_id]
        found = self._postings.get(vocab_id)
        if found is None:
            found = self._postings[vocab_id] = tuple(filter(self._names.__contains__, self.index.postings[vocab_id]))
        return found

    def _best_term(self, entries: Entries, weight: float, floor: float) -> float:
        """The entries' best bound term (see the module docstring); cached like walks."""
        key = (id(entries), weight, floor)
        cached = self._terms.get(key)
        if cached is not None and cached[0] is entries:
            return cached[1]
        rarity = self.index.rarity
        best = 0.0
        for vocab_id, sim in entries:
            term = sim * weight + ((sim - floor) * rarity[vocab_id] if sim > floor else 0.0)
            best = max(best, term)
        if len(self._terms) > _WALK_CACHE_LIMIT:
            self._terms.clear()
        self._terms[key] = (entries, best)
        return best

    def score_name(self, query: PreparedQuery, name_id: int) -> NameHit:
        """Align the query with one listed name and score it."""
        index = self.index
        tokens = index.name_tokens[name_id]
        weights = index.name_weights[name_id]
        q_weights = query.side.weights
        edges: list[Edge] = []
        for i, token_map in enumerate(query.maps):
            wq = q_weights[i]
            for j, vocab_id in enumerate(tokens):
                hit = token_map.get(vocab_id)
                if hit is not None:
                    edges.append((hit[0] * (wq + weights[j]), hit[0], hit[1], hit[2], i, 1, j, 1))
            for j, vocab_id in enumerate(index.name_merged[name_id]):
                hit = token_map.get(vocab_id)
                if hit is not None and hit[1] in _MERGED_KINDS:
                    sim = hit[0] * MERGED_FACTOR
                    edges.append(
                        (sim * (wq + weights[j] + weights[j + 1]), sim, "merged-" + hit[1], hit[2], i, 1, j, 2)
                    )
        for i, token_map in query.merged:
            wq = q_weights[i] + q_weights[i + 1]
            for j, vocab_id in enumerate(tokens):
                hit = token_map.get(vocab_id)
                if hit is not None:
                    sim = hit[0] * MERGED_FACTOR
                    edges.append((sim * (wq + weights[j]), sim, "merged-" + hit[1], hit[2], i, 2, j, 1))
            for j, vocab_id in enumerate(index.name_merged[name_id]):  # a letter moved across the space
                hit = token_map.get(vocab_id)
                if hit is not None and hit[1] in _MERGED_KINDS:
                    sim = hit[0] * MERGED_FACTOR
                    contribution = sim * (wq + weights[j] + weights[j + 1])
                    edges.append((contribution, sim, "merged-" + hit[1], hit[2], i, 2, j, 2))
        listed = self.listed_side(name_id)
        if query.initials or any(len(index.vocab[t]) == 1 for t in tokens):
            edges.extend(self._initial_edges(query.side, listed))
        chosen = align(edges)
        return NameHit(name_id, name_score(query.side, listed, chosen), chosen, query)

    @staticmethod
    def _initial_edges(query: Side, listed: Side) -> list[Edge]:
        edges: list[Edge] = []
        for i in range(len(query.texts)):
            for j in range(len(listed.texts)):
                edge = initial_edge(query, listed, i, j)
                if edge:
                    edges.append(edge)
        return edges

    def listed_side(self, name_id: int) -> Side:
        found = self._listed.get(name_id)
        if found is None:
            index = self.index
            found = self._listed[name_id] = Side(
                tuple(index.vocab[t] for t in index.name_tokens[name_id]),
                index.name_weights[name_id],
                tuple(KIND_NAMES[code] for code in index.name_kinds[name_id]),
                modes=tuple("word" for _ in index.name_tokens[name_id]),
            )
        return found
