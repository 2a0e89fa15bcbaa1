"""Blocking for a delta re-screen: which queries could match any of a set of changed list entries.

When a list update adds or changes a few thousand entries, a monitoring run
must find every party that now matches one of them, without screening the
whole register again. :class:`ChangedEntries` answers, per query, whether any
name of the changed entities could reach the threshold, from an upper bound
on the score; only the queries it keeps are screened (restricted to the
changed entities, scored against the whole index, so scores equal a full
screening's). The bound never drops a query that a full screening would
match: it is a filter, and exact screening decides.

Why the bound holds. A name score is ``covered / denominator``: each aligned
pair of similarity ``s`` covers ``s`` times the weights of its tokens on both
sides, and the denominator adds every token's weight (matched) or unmatched
weight. The score reaches ``F`` exactly when the sum over aligned pairs of
``(s - F) * (a + b) + F * (u_a + u_b)`` reaches ``F * (U + U')``, with ``a``
and ``b`` the pair's query and listed weights, ``u_a`` and ``u_b`` their
unmatched weights, ``U`` and ``U'`` the unmatched weights of the whole query
and of the whole listed name. Each query token (or two written together)
aligns at most once, so it adds at most its best term over the words it
reaches in the name; a listed word claimed by two query tokens is counted
twice, which only loosens the bound. A query token "reaches" a listed word
when its neighbour map (the same lookups a full screening does, limited to the
changed entries' vocabulary) holds it, with the map's similarity; words written
together lose ``MERGED_FACTOR`` in scoring and are bounded without it. An
unlisted query word weighs as its closest listed neighbour in its whole map:
exactly that when the map is at hand (carried), else anything between nothing
and the rarest entry's rarity (a merged spelling's, its parts' sum, may exceed
a listed word's), and its term takes whichever end is larger. Secondary facts add
at most :func:`max_bonus`; weak aliases only lower a score; an exact identifier
match is decisive and checked apart.

Most queries are settled before any name is looked at. Alignment is one-to-one
on both sides, so the listed words a query aligns with are distinct, and each
pays its own unmatched weight out of ``U'``. Moving that share into each pair's
term leaves ``(s - F)(a + b) + F * u_a``, which no longer depends on the name:
each query token (or two written together) adds at most its best such value
over every changed word it reaches, and the rest of the name's unmatched
weight only lowers the score. When those bests do not cover ``F * U`` no name
can match, and the per-name check below is skipped (``ChangedEntries._net``).

A term is never counted below zero: a query token may stay unaligned, which
adds nothing. A listed word weighs the same in every name that holds it at a
place of the same kind, so names are filed by word and by the (weight,
unmatched weight) of the place, and one term serves a whole group of names.

Per query the check is cheap: each distinct token's reachable names, with their
terms and the best margin any of them leaves, are computed once per run and
shared by every query that uses the token; only names reached by two or more of
a query's tokens are added up, and that in whole columns at once. A small
change is looked up through key maps of its own words, and
:meth:`ChangedEntries.reaching` finds which of a whole register's words reach
it from the change's side, so neither costs in proportion to the lists or the
register. A run that carries its register's neighbour maps from the last
edition (:mod:`~proscribe.match.carried`) passes them as ``known``, and then
looks no word up at all. :mod:`~proscribe.match.delta_queries` runs the same
check on queries written as numbers into a register's distinct words, so that a
word is weighed and reached once, whoever uses it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from functools import partial
from operator import itemgetter
from typing import TYPE_CHECKING, TypeVar

from proscribe.match.features import (
    MERGED_FACTOR,
    TOKEN_SIMILARITY,
    UNMATCHED_KIND_WEIGHT,
    QueryFacts,
)
from proscribe.match.index import KIND_NAMES, KeyMaps, ScreeningIndex, key_maps
from proscribe.match.keys import token_similarity
from proscribe.match.lookup_keys import FiledQueries
from proscribe.match.normalize import NameForm, Token, TokenKind
from proscribe.match.score import token_mode, token_weight
from proscribe.match.search import (
    KnownNeighbours,
    TokenMap,
    held_neighbours,
    merged_neighbours,
    stored_lookup,
    token_neighbours,
)

if TYPE_CHECKING:
    from proscribe.match.carried import CarriedMaps
    from proscribe.match.delta_queries import NumberedQueries

Terms = tuple[dict[int, float], float]  # per name the best positive term, and the best margin of any name
Reach = dict[int, float]  # changed word -> the best similarity a query token (or two) has with it
SMALL_CHANGE = 5_000  # changed words (and pairs written together) looked up through maps of their own
Bound = tuple[float, float, bool]  # most a token weighs matched, what it weighs unmatched, whether exact
# names holding a word at places of one weight: (that weight, unmatched, the names, their least whole unmatched)
Group = tuple[float, float, tuple[int, ...], float]
Facts = tuple[Bound, bool, Reach]  # a query token's bound, whether it is an initial, the changed words it reaches
UNMATCHED_SHARE = {kind: UNMATCHED_KIND_WEIGHT.get(kind.value, 1.0) for kind in TokenKind}  # by the kind itself
# per kind code, the share of its weight a token of a kind weighing less unmatched weighs so (legal forms: none)
_FREE_KINDS = {
    code: share for code, kind in KIND_NAMES.items() if (share := UNMATCHED_KIND_WEIGHT.get(kind, 1.0)) != 1.0
}


class ChangedEntries:
    """The changed entities of one index, ready to tell which queries could match them."""

    def __init__(
        self,
        index: ScreeningIndex,
        entity_ids: Iterable[str],
        threshold: float,
        own_maps: bool | None = None,
        known: KnownNeighbours | None = None,
        gained: Mapping[str, Collection[tuple[str, bool]]] | None = None,
    ) -> None:
        """``own_maps``: look query words up through key maps over the changed words (default: when few);
        ``known``: query words' neighbour maps at hand already (``match.carried``), then not looked up;
        ``gained``: for these entities, only these names (text, weak) changed (``store.screened``): a query
        matching none of them matches the entity as before, so the others are left out."""
        self.index = index
        self.known = known
        self.threshold = threshold
        wanted = set(entity_ids)
        entities = {n for n, entity_id in enumerate(index.entity_ids) if entity_id in wanted}
        self.entity_numbers = frozenset(entities)
        self.identifiers = frozenset(value for entity in entities for value in index.entity_facts[entity][3] if value)
        names = [n for n, entity in enumerate(index.name_entity) if entity in entities]
        if gained:
            only = {n: set(gained[entity_id]) for n, entity_id in enumerate(index.entity_ids) if entity_id in gained}
            texts, weak = index.name_text, index.name_weak
            names = [n for n in names if (e := index.name_entity[n]) not in only or (texts[n], weak[n]) in only[e]]
        self._unmatched_total: dict[int, float] = {}
        # per (vocabulary id, the listed weight one alignment with it covers, that weight unmatched): the names
        # holding it so; a name holding the word at two places of different weights is in two groups
        filed: defaultdict[tuple[int, float, float], list[int]] = defaultdict(list)
        for name in names:
            self._add_name(name, filed)
        # Per changed word, its groups and the lightest and heaviest of its places (the name-free bound's ends,
        # ``_net``). Two listed words written together are most of a change's words, and few queries reach
        # one: those are filed when first read, bar a spelling that is a changed name's word as well.
        spelled: dict[int, list[int]] = {}  # per merged spelling, the names writing it (found when first needed)
        totals = self._unmatched_total
        self._places: Found[int, Place] = Found(partial(_spelling_place, index, names, totals, spelled))
        _group(self._places, filed, totals)
        spellings = set().union(*map(index.name_merged.__getitem__, names))
        for vocab_id in spellings.intersection(self._places):
            _group(self._places, _spelling_filed(index, names, spelled, vocab_id), totals)
        self._allowed = frozenset(self._places).union(spellings)
        # per changed word, the names holding it (stage 2 of ``delta_queries``), found when first read
        self._names_holding: Found[int, frozenset[int]] = Found(partial(_names_holding, self._places))
        self._scaled_totals: dict[float, dict[int, float]] = {}
        # Query words are looked up among the changed words only. For a small change, through key maps over
        # those words: a lookup then costs in proportion to the change, and the index's deletion map (a fifth
        # of a second to read) is not needed. Building the maps costs in proportion to the change too, so a
        # large change uses the index's own maps. Ids from ``merged_from`` on are two listed words written
        # together (keyed for fuzzy lookup only).
        self._merged_from = index.merged_from
        self._maps: KeyMaps | None = None
        if own_maps if own_maps is not None else len(self._allowed) <= SMALL_CHANGE:
            self._maps = key_maps(index.vocab, index.vocab_symbols, self._merged_from, self._allowed)
        # An unlisted query word weighs as its closest listed neighbour, which may be a merged spelling whose
        # rarity (its parts' sum) exceeds a listed word's: no neighbour weighs more than the rarest entry.
        self._highest_rarity = index.highest_rarity
        # the changed listed initials (one letter) by their text: a query word they begin reaches them
        self.initial_words = {index.vocab[v]: v for v in self._places if len(index.vocab[v]) == 1}
        self._heaviest = index.heaviest_weight
        self._reaches: dict[tuple[Token, ...], Reach] = {}

    def __len__(self) -> int:
        return len(self.entity_numbers)

    @property
    def words(self) -> frozenset[int]:
        """The vocabulary ids of the changed names' words (and of pairs of them written together)."""
        return self._allowed

    def reaches(self, tokens: tuple[Token, ...]) -> bool:
        """Whether one query token, or two adjacent ones written together, reaches a changed word: a query
        none of whose tokens (or pairs) does cannot match, bar an identifier (see ``identifiers``)."""
        return bool(self._reach(tokens))

    def _add_name(self, name: int, filed: defaultdict[tuple[int, float, float], list[int]]) -> None:
        """File a name under each word's place (two words written together are filed when first read). A place
        met twice files the name twice, which changes nothing (a term per name is kept once, and the least)."""
        weights, unmatched = _name_weights(self.index, name)
        self._unmatched_total[name] = sum(unmatched)
        for place in zip(self.index.name_tokens[name], weights, unmatched, strict=True):
            filed[place].append(name)

    def reaching(self, tokens: Sequence[Token], filed: FiledQueries) -> set[int]:
        """The numbers of ``tokens`` (filed under their lookup keys in ``filed``) that reach a changed word:
        what :meth:`reaches` says of each alone.

        When the change has fewer words than the tokens, it is found from the changed words' side: each
        changed word meets the tokens whose lookup keys equal its own (``lookup_keys``), and only those
        pairs are verified, as a token's own lookup would verify them. Tokens a lookup would not take
        through the key maps (single letters and numbers, listed words with their stored neighbours) are
        looked up as usual, which costs a dictionary read or two.
        """
        if len(self._allowed) >= len(tokens):
            return {number for number, token in enumerate(tokens) if self.reaches((token,))}
        index = self.index
        allowed = self._allowed
        found: set[int] = set()
        keyed: dict[int, frozenset[str]] = {}  # tokens whose lookup goes through the key maps: their symbols
        for number, token in enumerate(tokens):
            text = token.text
            own = index.vocab_index.get(text)
            if own in allowed or (len(text) > 1 and not token.syllable and text[0] in self.initial_words):
                found.add(number)  # itself changed, or begins like a listed initial that did
            elif len(text) == 1 or not text.isalpha() or stored_lookup(index, token):
                if self.reaches((token,)):
                    found.add(number)
            else:
                keyed[number] = index.token_symbols(token)
        by_symbol: dict[str, list[int]] = {}
        for number, symbols in keyed.items():
            for symbol in symbols:
                if not symbol.startswith("[NUM:"):
                    by_symbol.setdefault(symbol, []).append(number)
        for vocab_id in allowed:
            word = index.vocab[vocab_id]
            merged = vocab_id >= self._merged_from
            meeting = filed.finding(word, merged)
            if not merged:
                for symbol in index.vocab_symbols[vocab_id]:
                    meeting.update(by_symbol.get(symbol, ()))
            for number in meeting - found:
                query_symbols = keyed.get(number)
                if query_symbols is None:
                    continue
                token = tokens[number]
                similarity = token_similarity(
                    token.text, word, query_symbols, index.symbols_of(vocab_id), token.consonantal, token_mode(token)
                )
                if similarity[0] > 0:
                    found.add(number)
        return found

    # -- what a query can reach -------------------------------------------------------------------------

    def _token_reach(self, token: Token, held: TokenMap | None = None) -> Reach:
        """The changed words a query token's neighbour map holds (``search.token_neighbours``, restricted);
        ``held``: its whole map, when at hand (``search.held_neighbours``)."""
        if held is None:
            held = held_neighbours(self.index, token, self.known)
        if held is not None:
            reach = {v: held[v][0] for v in self._allowed.intersection(held)}
        else:
            found = token_neighbours(self.index, token, self._allowed, self._maps, self.known)
            reach = {v: hit[0] for v, hit in found.items()}
        initial = self.initial_words.get(token.text[:1])
        if initial is not None and len(token.text) > 1 and not token.syllable:
            # a listed initial (J) aligns with a query word it begins (JOHN)
            reach[initial] = max(reach.get(initial, 0.0), TOKEN_SIMILARITY["initial"])
        return reach

    def _merged_reach(self, left: Token, right: Token) -> Reach:
        """The changed words two adjacent query tokens reach written together (``search.merged_neighbours``)."""
        found = merged_neighbours(self.index, left, right, self._allowed, self._maps, self.known)
        return {v: hit[0] * MERGED_FACTOR for v, hit in found.items()}

    def _bound(self, token: Token, held: TokenMap | None) -> Bound:
        """(most it can weigh matched, what it weighs unmatched, whether the first is exact), as the screening
        sides weigh it; ``held``: its whole neighbour map when at hand (``search.held_neighbours``)."""
        own = self.index.vocab_index.get(token.text)
        free = UNMATCHED_SHARE[token.kind]
        if own is not None:
            weight = token_weight(token, self.index.rarity[own])
            return weight, weight * free, True
        unmatched = token_weight(token, self.index.max_rarity) * free
        if held is not None:
            # An unlisted word weighs its closest listed neighbour's rarity matched, the maximum unmatched;
            # with its whole map at hand, the screening's own weight.
            return token_weight(token, self.index.token_rarity(token.text, held)), unmatched, True
        # no map at hand: the closest neighbour weighs at most the rarest entry
        return token_weight(token, self._highest_rarity), unmatched, False

    def _reach(self, tokens: tuple[Token, ...]) -> Reach:
        """The changed words one query token, or two written together, can align with; cached."""
        found = self._reaches.get(tokens)
        if found is None:
            found = self._token_reach(tokens[0]) if len(tokens) == 1 else self._merged_reach(tokens[0], tokens[1])
            self._reaches[tokens] = found
        return found

    def _terms(self, bounds: Sequence[Bound], reach: Reach, floor: float) -> Terms:
        """Per name ``reach`` meets, the best positive term one query token (or two written together, with
        these ``bounds``) can add to the bound (see ``delta_queries._form_check``), and the best margin
        it leaves alone: a name's margin is its best term less ``floor`` times its whole unmatched weight, so
        the best is found per group, from the group's least such weight."""
        free_q, exact_q, inexact_q = _query_side(bounds, floor)
        places = self._places
        # a query token (or two written together) aligns once: with the best word it reaches in the name
        scored: list[tuple[float, tuple[int, ...]]] = []
        best = float("-inf")
        for vocab_id, sim in reach.items():
            gain = sim - floor
            part = free_q + gain * (exact_q + inexact_q if gain > 0 else exact_q)
            for weight, free, names, least in places[vocab_id][0]:
                term = part + gain * weight + floor * free
                if term > 0:
                    scored.append((term, names))
                    if term - floor * least > best:
                        best = term - floor * least
        scored.sort(key=itemgetter(0))  # the larger terms are written last: each name keeps its best
        terms: dict[int, float] = {}
        for term, names in scored:
            terms.update(dict.fromkeys(names, term))
        return terms, best

    def _net(self, bounds: Sequence[Bound], reach: Reach, floor: float) -> float:
        """The most one query token (or two written together, with these ``bounds``) can add in any changed
        name, less what its listed counterpart weighs unmatched: ``(s - F)(a + b) + F * u_a`` at best, or
        nothing (stage 1 of ``delta_queries``). Names apart, so it is found per word, from each word's
        lightest and heaviest place."""
        free_q, exact_q, inexact_q = _query_side(bounds, floor)
        places = self._places
        best = 0.0
        for vocab_id, sim in reach.items():
            gain = sim - floor
            if gain > 0:
                net = free_q + gain * (exact_q + inexact_q + places[vocab_id][2])
            else:
                net = free_q + gain * (exact_q + places[vocab_id][1])
            if net > best:
                best = net
        return best

    def place_ends(self, vocab_ids: Sequence[int]) -> tuple[list[float], list[float]]:
        """The lightest and the heaviest place each of these changed words holds in a changed name (the ends
        ``_net`` reads)."""
        places = [self._places[vocab_id] for vocab_id in vocab_ids]
        return [place[1] for place in places], [place[2] for place in places]

    def _reached_names(self, reach: Iterable[int]) -> set[int]:
        """The changed names holding a word of ``reach`` (its changed words: each word's names are found once,
        many queries reach it)."""
        held = self._names_holding
        return set().union(*[held[vocab_id] for vocab_id in reach])

    def _scaled_total(self, floor: float) -> dict[int, float]:
        """Per changed name, ``floor`` times its whole unmatched weight; cached."""
        found = self._scaled_totals.get(floor)
        if found is None:
            found = self._scaled_totals[floor] = {name: floor * u for name, u in self._unmatched_total.items()}
        return found

    # -- the decision ---------------------------------------------------------------------------------------

    def may_match(self, forms: Sequence[NameForm], facts: QueryFacts) -> bool:
        """False only when no name of the changed entities can reach the threshold for this query. A caller
        checking many queries keeps one :meth:`numbered` and asks it
        (``delta_queries.NumberedQueries.may_match_forms``), which finds each word's reach once for all."""
        return self.numbered(()).may_match_forms(forms, facts)

    def numbered(self, tokens: Sequence[Token], maps: CarriedMaps | None = None) -> NumberedQueries:
        """The bound for queries written as numbers into ``tokens`` (a register's distinct words, numbered as
        they come); ``maps``: the tokens' carried maps in this index, numbered alike, when at hand."""
        from proscribe.match.delta_queries import NumberedQueries  # the query side builds on this one

        return NumberedQueries(self, tokens, maps)


def _query_side(bounds: Sequence[Bound], floor: float) -> tuple[float, float, float]:
    """What one query token, or two written together, brings to a term: ``floor`` times its unmatched weight,
    and its weight, apart by whether it is exact. An unlisted word's weight lies between nothing and its
    bound, so a term takes the larger end (both weights) when it gains and the smaller (the exact) when not."""
    free = exact = inexact = 0.0
    for weight, unmatched, is_exact in bounds:
        free += unmatched
        if is_exact:
            exact += weight
        else:
            inexact += weight
    return floor * free, exact, inexact


# a changed word's groups of names (see ``Group``), with the lightest and the heaviest of its places
Place = tuple[list[Group], float, float]


def _name_weights(index: ScreeningIndex, name: int) -> tuple[Sequence[float], Sequence[float]]:
    """A listed name's weights at each place, and what each weighs unmatched."""
    weights = index.name_weights[name]
    kinds = index.name_kinds[name]
    if any(map(kinds.__contains__, _FREE_KINDS)):
        return weights, [w * _FREE_KINDS.get(code, 1.0) for w, code in zip(weights, kinds, strict=True)]
    return weights, weights


def _group(
    places: dict[int, Place], filed: Mapping[tuple[int, float, float], list[int]], totals: Mapping[int, float]
) -> None:
    """Add filed names to ``places`` as groups of one place weight, each with its least whole unmatched weight."""
    for (vocab_id, weight, free), holding in filed.items():
        group = (weight, free, tuple(holding), min(map(totals.__getitem__, holding)))
        found = dict.get(places, vocab_id)
        if found is None:
            places[vocab_id] = ([group], weight, weight)
        else:
            found[0].append(group)
            places[vocab_id] = (found[0], min(found[1], weight), max(found[2], weight))


def _spelling_filed(
    index: ScreeningIndex, names: Sequence[int], spelled: dict[int, list[int]], vocab_id: int
) -> dict[tuple[int, float, float], list[int]]:
    """The changed ``names`` writing two of their words together as this merged spelling, filed by place (the
    j-th of a name's spellings spells its words at j and j + 1); ``spelled``: per spelling, the names writing
    it, found at the first call."""
    if not spelled:
        for name in names:
            for spelling in index.name_merged[name]:
                spelled.setdefault(spelling, []).append(name)
    filed: defaultdict[tuple[int, float, float], list[int]] = defaultdict(list)
    for name in dict.fromkeys(spelled.get(vocab_id, ())):
        weights, unmatched = _name_weights(index, name)
        for j, spelling in enumerate(index.name_merged[name]):
            if spelling == vocab_id:
                filed[(vocab_id, weights[j] + weights[j + 1], unmatched[j] + unmatched[j + 1])].append(name)
    return filed


def _spelling_place(
    index: ScreeningIndex,
    names: Sequence[int],
    totals: Mapping[int, float],
    spelled: dict[int, list[int]],
    vocab_id: int,
) -> Place:
    """A merged spelling no changed name holds as a word: its ``Place``, from the names writing it."""
    places: dict[int, Place] = {}
    _group(places, _spelling_filed(index, names, spelled, vocab_id), totals)
    return places[vocab_id]


def _names_holding(places: Mapping[int, Place], vocab_id: int) -> frozenset[int]:
    """The changed names holding a word, read from its ``Place``."""
    return frozenset().union(*[group[2] for group in places[vocab_id][0]])


_K = TypeVar("_K")
_V = TypeVar("_V")


class Found(dict[_K, _V]):
    """A dictionary that finds a value when it is first read, and keeps it. ``find`` must not refer back to the
    object holding the dictionary: the bound then has no reference cycle, and is freed as soon as dropped."""

    __slots__ = ("_find",)

    def __init__(self, find: Callable[[_K], _V]) -> None:
        super().__init__()
        self._find = find

    def __missing__(self, key: _K) -> _V:
        value = self[key] = self._find(key)
        return value
