"""The delta bound's query side: many queries, written as numbers into a register's words, checked at once.

:class:`~proscribe.match.delta.ChangedEntries` files the changed names and
finds what one query word reaches among them; this module runs the check of
the module docstring there on whole registers, in three stages per form:

1. names apart (``ChangedEntries._net``): each part at its best in any changed
   name cannot cover what the query's tokens owe;
2. name sets: no set of parts that all reach one changed name covers it, each
   part again at its best (:func:`_covered`);
3. per name: the aligned terms of the parts reaching a name, less what the name
   weighs unmatched, fall short for every name.

Each stage bounds the score of the one-to-one alignment screening makes, so
none drops a form screening would match; a form must pass all three. The first
two are cheaper: stage 1 needs one figure per word, stage 2 one set of names
per word. They are not looser in every case: stage 3 lets two query words claim
one listed word and count its unmatched weight twice, the first two do not. On
the 2019 -> 2021 SDN update against a 10,000-party register, stage 1 drops three
forms in five and stage 2 all but one in six of the rest, so the per-name terms
are built for few words.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from functools import partial
from itertools import chain, pairwise, repeat
from operator import add, itemgetter, sub

import numpy as np

from proscribe.match.carried import CarriedMaps
from proscribe.match.delta import ChangedEntries, Facts, Found, Reach, Terms
from proscribe.match.delta_words import Floats, WordColumns, word_columns
from proscribe.match.features import QueryFacts, max_bonus, normalize_identifier
from proscribe.match.normalize import NameForm, Token
from proscribe.match.search import held_neighbours

Part = tuple[float, set[int]]  # what a part (a token, or two written together) adds at best, the names it reaches


class NumberedQueries:
    """:meth:`ChangedEntries.may_match` for queries written as numbers into one list of distinct tokens.

    A register repeats its words, so each word's reach, weights and terms are found once per number,
    and a query then costs a few dictionary reads (no token is hashed again). The per-number and per-pair
    facts sit in dictionaries that find a missing entry when first read (:class:`Found`), so the check of
    one form (:func:`_form_check`) reads them at the speed of a plain dictionary. Nothing kept here refers
    back to this object: dropping it frees everything at once (no reference cycle for the collector).
    """

    def __init__(self, changed: ChangedEntries, tokens: Sequence[Token] = (), maps: CarriedMaps | None = None) -> None:
        """``tokens``: distinct, numbered as they come (a register's words); more are numbered as met.
        ``maps``: their carried maps in ``changed``'s index, numbered alike: most words' figures are then
        read from the maps' columns (``delta_words``)."""
        self.changed = changed
        self.tokens: list[Token] = list(tokens)
        self._number: dict[Token, int] | None = None  # found when first needed: a register's forms come numbered
        same = maps is not None and maps.vocab is changed.index.vocab and len(maps.symbols) == len(self.tokens)
        self._maps = maps if same else None
        self._read: list[WordColumns] = []  # the columns, once read (when many queries are checked at once)
        # per number: (its bound, whether an initial, the changed words it reaches)
        self._facts: Found[int, Facts] = Found(partial(_token_facts, changed, self.tokens, self._read))
        # per adjacent pair (by number): the changed words the two reach written together (empty: none)
        self._pairs: Found[tuple[int, int], Reach] = Found(partial(_pair_reach, changed, self.tokens))
        self._checks: dict[float, _Checks] = {}
        # the left words of the pairs that may reach a changed word, once ``settle_pairs`` saw every pair
        self._pair_lefts: set[int] | None = None

    def numbers(self, tokens: Iterable[Token]) -> tuple[int, ...]:
        """The tokens' numbers, numbering those not met before."""
        if self._number is None:
            self._number = {token: number for number, token in enumerate(self.tokens)}
        numbered = self._number
        found = []
        for token in tokens:
            number = numbered.get(token)
            if number is None:
                number = numbered[token] = len(self.tokens)
                self.tokens.append(token)
            found.append(number)
        return tuple(found)

    def settle_pairs(self, pairs: Collection[tuple[int, int]]) -> None:
        """Settle at once which of these adjacent pairs (by number) cannot reach a changed word written
        together: a register holds many pairs and few reach, and a pair not looked up by keys (see
        ``search.keyed_merge``) reaches only the changed word it spells, so one dictionary read settles it.
        ``pairs`` must be every adjacent pair of the queries checked after: a form none of whose words
        begins a pair that may reach is then checked without reading its pairs at all."""
        texts = [token.text for token in self.tokens]
        consonantal = [token.consonantal for token in self.tokens]
        vocab_index = self.changed.index.vocab_index
        allowed = self.changed.words
        settled = self._pairs
        nothing: Reach = {}
        for pair in pairs:
            left, right = pair
            if pair in settled or (consonantal[left] and consonantal[right]):
                continue  # settled already, or perhaps looked up by keys: when met
            if vocab_index.get(texts[left] + texts[right]) not in allowed:
                settled[pair] = nothing
        self._pair_lefts = {left for left, right in pairs if dict.get(settled, (left, right)) is not nothing}

    def reaches(self, number: int) -> bool:
        """Whether this token reaches a changed word."""
        return bool(self._facts[number][2])

    def pair_reaches(self, left: int, right: int) -> bool:
        """Whether these two adjacent tokens, written together, reach a changed word."""
        return bool(self._pairs[(left, right)])

    def may_match_forms(self, forms: Sequence[NameForm], facts: QueryFacts) -> bool:
        """:meth:`may_match` for a query's forms as they are, numbering their words."""
        return self.may_match([self.numbers(form.tokens) for form in forms], facts)

    def may_match(self, forms: Sequence[Sequence[int]], facts: QueryFacts) -> bool:
        """False only when no name of the changed entities can reach the threshold for this query."""
        check = self._check(facts)
        return check is None or any(map(check, forms))

    def keeping(
        self, among: Iterable[int], forms: Sequence[Sequence[Sequence[int]]], facts: Sequence[Sequence[str | None]]
    ) -> set[int]:
        """Which of many queries (by number into ``forms`` and ``facts``, as ``QueryFacts`` fields) :meth:`may_match`:
        queries whose facts allow the same floor share one check, whose first stage adds up all their forms
        at once."""
        floors: dict[tuple[str | None, ...], float | None] = {}  # per facts given: the floor (None: kept)
        groups: dict[float, list[int]] = {}
        kept: set[int] = set()
        for query in among:
            given = tuple(facts[query])
            if given in floors:
                floor = floors[given]
            else:
                floor = floors[given] = self._floor(QueryFacts(*given))
            if floor is None:
                kept.add(query)
            else:
                groups.setdefault(floor, []).append(query)
        for floor, queries in groups.items():
            kept.update(self._kept_at(queries, forms, floor))
        return kept

    def _kept_at(self, queries: Sequence[int], forms: Sequence[Sequence[Sequence[int]]], floor: float) -> list[int]:
        """The queries one of whose forms passes the check at ``floor``. Every form's first-stage sum is taken in
        one column; a form clear of the cut goes on to the later stages, a form near it, or one whose pairs
        written together may add (the column leaves pairs out: they only add), to the whole check."""
        if self._maps is not None and not self._read and len(queries) * 8 >= len(self.tokens):
            self._read.append(word_columns(self.changed, self.tokens, self._maps))
        check, past_first = self._form_checks(floor)
        if not self._read:  # few queries: each word's figures are found as a form first reads them
            return [query for query in queries if any(map(check, forms[query]))]
        listed = [form for query in queries for form in forms[query]]
        sizes = np.fromiter(map(len, listed), dtype=np.intp, count=len(listed))
        words = np.fromiter(chain.from_iterable(listed), dtype=np.intp, count=int(sizes.sum()))
        sums = np.zeros(len(listed))
        filled = sizes > 0
        if words.size:
            starts = (np.cumsum(sizes) - sizes)[filled]
            sums[filled] = np.add.reduceat(self._slacks(floor)[words], starts)
        clear = (sums >= _CUT + _NEAR).tolist()
        short = ((sums < _CUT - _NEAR) | ~filled).tolist()
        lefts = self._pair_lefts
        kept: list[int] = []
        at = 0
        for query in queries:
            own = forms[query]
            for offset, form in enumerate(own, at):
                if clear[offset]:
                    passes = past_first(form)
                elif short[offset] and (len(form) < 2 or (lefts is not None and lefts.isdisjoint(form))):
                    passes = False
                else:
                    passes = check(form)
                if passes:
                    kept.append(query)
                    break
            at += len(own)
        return kept

    def _slacks(self, floor: float) -> Floats:
        """Per token (by number), the first stage's figure at ``floor``: from the columns for the words they
        hold, else from the word's facts (the check's own figure)."""
        columns = self._read[0] if self._read else None
        slacks = np.zeros(len(self.tokens))
        others: Iterable[int] = range(len(self.tokens))
        if columns is not None:  # tokens numbered since the columns were read are found from their facts
            slacks[: len(columns.found)] = columns.slacks(floor)
            others = chain(np.flatnonzero(~columns.found).tolist(), range(len(columns.found), len(self.tokens)))
        heaviest = self.changed._heaviest
        for number in others:
            facts = self._facts[number]
            slacks[number] = _single_gain(self.changed, facts, floor) - _owed(facts, floor, heaviest)
        return slacks

    def _check(self, facts: QueryFacts) -> Callable[[Sequence[int]], bool] | None:
        """The form check for a query giving these facts; None when its identifier is a changed entry's."""
        floor = self._floor(facts)
        return None if floor is None else self._form_checks(floor)[0]

    def _floor(self, facts: QueryFacts) -> float | None:
        """The name score a query giving these facts must reach; None when its identifier is a changed
        entry's (then it is kept whatever its names)."""
        changed = self.changed
        if facts.id_number and normalize_identifier(facts.id_number) in changed.identifiers:
            return None
        return max(0.0, changed.threshold - max_bonus(facts))

    def _form_checks(self, floor: float) -> tuple[Callable[[Sequence[int]], bool], Callable[[Sequence[int]], bool]]:
        """The form check at ``floor``, and its stages after the first (reading the columns, once read)."""
        columns = self._read[0] if self._read else None
        checks = self._checks.get(floor)
        if checks is None or checks[2] is not columns:
            found = _form_check(self.changed, self._facts, self._pairs, floor, self._pair_lefts, columns)
            checks = self._checks[floor] = (*found, columns)
        return checks[0], checks[1]


_Checks = tuple[Callable[[Sequence[int]], bool], Callable[[Sequence[int]], bool], WordColumns | None]
_CUT = -1e-9  # a form's first-stage sum below this fails (rounding aside)
_NEAR = 1e-6  # a column sum this near the cut is added up again word by word, as the check adds it


def _token_facts(changed: ChangedEntries, tokens: Sequence[Token], read: list[WordColumns], number: int) -> Facts:
    """A token's facts: from the columns when read and holding it, else from its neighbour map."""
    if read and number < len(read[0].found) and read[0].found[number]:
        return read[0].facts(number)
    token = tokens[number]
    held = held_neighbours(changed.index, token, changed.known)
    initial = len(token.text) == 1 and not token.syllable
    return changed._bound(token, held), initial, changed._token_reach(token, held)


def _pair_reach(changed: ChangedEntries, tokens: Sequence[Token], pair: tuple[int, int]) -> Reach:
    return changed._merged_reach(tokens[pair[0]], tokens[pair[1]])


def _single_gain(changed: ChangedEntries, facts: Facts, floor: float) -> float:
    """The most a token adds in any changed name, less its listed counterpart's unmatched weight."""
    bound, _initial, reach = facts
    return changed._net((bound,), reach, floor) if reach else 0.0


def _owed(facts: Facts, floor: float, heaviest: float) -> float:
    """What a token owes unmatched at ``floor``; an initial's credit (a negative debt) as matched against a
    word of the heaviest weight."""
    (weight, free, _exact), initial, _reach = facts
    return -((1 - floor) * (weight + heaviest) + floor * heaviest) if initial else floor * free


def _form_check(
    changed: ChangedEntries,
    facts: Found[int, Facts],
    pairs: Found[tuple[int, int], Reach],
    floor: float,
    pair_lefts: set[int] | None = None,
    columns: WordColumns | None = None,
) -> tuple[Callable[[Sequence[int]], bool], Callable[[Sequence[int]], bool]]:
    """The bound at ``floor`` for one form (by number), in the three stages of the module docstring; and its
    stages after the first, for a form known to pass that one.

    Stages 1 and 2 weigh each part (a token, or two written together) at its best in any name
    (``ChangedEntries._net``). In stage 3 each part adds its best term ``(s - F)(a + b) + F * (u_a + u_b)``
    for a name, or nothing, and the name passes when its terms reach ``F * (U + U_name)`` (see
    ``match.delta``); a name must be reached by two parts unless one alone leaves a margin. Initials can
    align with any listed word they begin, so they count as matched against a word of the heaviest weight
    (a credit, not a weight owed), in every stage. Per number and per pair, what the check reads is found
    once and kept for every form: stage 1 adds one figure per word (what it may gain less what it owes)
    and, only for a form holding a word of ``pair_lefts`` (when given), one per pair.
    """
    heaviest = changed._heaviest
    scaled = changed._scaled_total(floor)

    def single_terms(number: int) -> Terms | None:
        bound, _initial, reach = facts[number]
        return changed._terms((bound,), reach, floor) if reach else None

    def pair_terms(pair: tuple[int, int]) -> Terms | None:
        reach = pairs[pair]
        return changed._terms((facts[pair[0]][0], facts[pair[1]][0]), reach, floor) if reach else None

    # the words the columns hold take their figures from there (the very ones their facts give)
    held = columns.found.tolist() if columns is not None else []
    column_gains = columns.gains(floor).tolist() if columns is not None else []
    column_free = columns.free.tolist() if columns is not None else []

    def in_columns(number: int) -> bool:
        return number < len(held) and held[number]

    def owed(number: int) -> float:
        return floor * column_free[number] if in_columns(number) else _owed(facts[number], floor, heaviest)

    def single_gain(number: int) -> float:
        return column_gains[number] if in_columns(number) else _single_gain(changed, facts[number], floor)

    def pair_gain(pair: tuple[int, int]) -> float:
        reach = pairs[pair]
        return changed._net((facts[pair[0]][0], facts[pair[1]][0]), reach, floor) if reach else 0.0

    def single_part(number: int) -> Part | None:
        gain = single_gains[number]
        if gain <= 0:
            return None
        reached = columns.reached_ids(number) if columns is not None and in_columns(number) else facts[number][2]
        return gain, changed._reached_names(reached)

    def pair_part(pair: tuple[int, int]) -> Part | None:
        gain = pair_gains[pair]
        return (gain, changed._reached_names(pairs[pair])) if gain > 0 else None

    singles: Found[int, Terms | None] = Found(single_terms)
    joined: Found[tuple[int, int], Terms | None] = Found(pair_terms)
    owing: Found[int, float] = Found(owed)
    single_gains: Found[int, float] = Found(single_gain)
    pair_gains: Found[tuple[int, int], float] = Found(pair_gain)

    def slack(number: int) -> float:
        return single_gains[number] - owing[number]

    slacks: Found[int, float] = Found(slack)
    single_parts: Found[int, Part | None] = Found(single_part)
    pair_parts: Found[tuple[int, int], Part | None] = Found(pair_part)

    def reaches(form: Sequence[int]) -> bool:
        return any(facts[number][2] for number in form) or any(map(pairs.__getitem__, pairwise(form)))

    def check(form: Sequence[int]) -> bool:
        # 1. Names apart: each part at its best in any changed name, one-to-one (``_net``), against what the
        # query's tokens owe unmatched. Most forms fail here, before any name is looked at.
        margin = sum(map(slacks.__getitem__, form))
        if len(form) > 1 and (pair_lefts is None or not pair_lefts.isdisjoint(form)):
            margin += sum(map(pair_gains.__getitem__, pairwise(form)))
        return margin >= _CUT and past_first(form)

    def past_first(form: Sequence[int]) -> bool:
        need = sum(map(owing.__getitem__, form)) - 1e-9
        if need <= 0:  # initials' credit covers it all: a name some part reaches passes with terms of nothing
            return reaches(form)
        # 2. The same, but only parts that all reach one changed name count together.
        parts = [part for part in map(single_parts.__getitem__, form) if part is not None]
        if len(form) > 1:
            parts += [part for part in map(pair_parts.__getitem__, pairwise(form)) if part is not None]
        if not _covered(parts, need):
            return False
        # 3. Per name.
        tables = [table for table in map(singles.__getitem__, form) if table is not None]
        if len(form) > 1:
            tables += [table for table in map(joined.__getitem__, pairwise(form)) if table is not None]
        if max([best for _, best in tables]) >= need:
            return True
        if len(tables) < 2:
            return False
        if len(tables) == 2:  # an intersection of two dictionary views walks the smaller
            first, second = tables[0][0], tables[1][0]
            shared = first.keys() & second.keys()
            if not shared:
                return False
            own: Iterator[float] = map(sub, map(second.__getitem__, shared), map(scaled.__getitem__, shared))
            best: float = max(map(add, map(first.__getitem__, shared), own))
            return best >= need
        columns = [terms for terms, _ in tables]
        reached: set[int] = set()
        for k in range(1, len(columns)):
            later = columns[k].keys()
            for j in range(k):
                reached.update(columns[j].keys() & later)
        if not reached:
            return False
        names = tuple(reached)
        totals: Iterator[float] = map(sub, map(columns[0].get, names, repeat(0.0)), map(scaled.__getitem__, names))
        for terms in columns[1:]:
            totals = map(add, totals, map(terms.get, names, repeat(0.0)))
        most: float = max(totals)
        return most >= need

    return check, past_first


SEARCH_LIMIT = 4_096  # branches searched for one form before stage 2 leaves it to stage 3


def _covered(parts: list[Part], need: float) -> bool:
    """Whether some parts that all reach one name together add ``need``: each name's parts are a set whose
    names all hold it, so a search over sets of parts, the most adding first, with a running intersection
    of their names, settles it; a branch stops when its names run out or the rest cannot add enough. A form
    of very many parts (a long name) may need more branches than ``SEARCH_LIMIT``: it is then kept, for the
    per-name stage to decide."""
    parts = sorted(parts, key=itemgetter(0), reverse=True)
    if len(parts) <= 2:  # most forms: one part alone, or two in a name both reach
        return any(gain >= need and names for gain, names in parts) or (
            len(parts) == 2 and parts[0][0] + parts[1][0] >= need and not parts[0][1].isdisjoint(parts[1][1])
        )
    left = [0.0] * (len(parts) + 1)  # what the parts from here on add together
    for at in range(len(parts) - 1, -1, -1):
        left[at] = left[at + 1] + parts[at][0]
    branches: list[tuple[int, float, set[int] | None]] = [(0, 0.0, None)]
    for _ in range(SEARCH_LIMIT):
        if not branches:
            return False
        at, total, names = branches.pop()
        if total >= need:
            return True
        if at == len(parts) or total + left[at] < need:
            continue
        gain, reached = parts[at]
        branches.append((at + 1, total, names))  # without this part
        shared = reached if names is None else names & reached
        if shared:
            branches.append((at + 1, total + gain, shared))  # with it: searched first
    return bool(branches)
