"""The delta bound's per-word figures for a whole register at once, read from the carried maps' columns.

``delta_queries`` checks each form of a query in three stages. The first adds,
per word of the form, what the word may gain in any changed name less what it
owes unmatched (its *slack*), and drops the form when the sum falls short; the
later stages read each word's facts (its bound, and the changed words it
reaches with their similarities). A 10,000-party register has some 9,000
distinct words, and after a large list update nearly every one reaches a
changed word: found one word at a time, from each word's neighbour map made a
dictionary, those figures were most of the bound's time.

Here the words whose maps the carry holds (``match.carried``: every keyed word
of a register, bar listed words that take the index's stored maps) get them from
the maps' columns at once: the closest neighbour's rarity (an unlisted word's
weight), the reach (the entries of changed words, and the listed initial a word
begins), each changed word's lightest and heaviest place, and at a floor the
slack of every word. The other words keep their facts as before.

The columns repeat the floating-point operations of ``ChangedEntries._bound``,
``_token_reach`` and ``_net`` and of the check's per-word figures, term for term:
a word's facts from here equal its facts from there (``tests/match/test_delta_words.py``),
and a form near the first stage's cut is added up again word by word
(``delta_queries.NumberedQueries.keeping``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from proscribe.match.carried import CarriedMaps
from proscribe.match.delta import UNMATCHED_SHARE, Bound, ChangedEntries, Reach
from proscribe.match.features import LOCATION_WEIGHT, TOKEN_SIMILARITY
from proscribe.match.normalize import Token
from proscribe.match.score import KIND_WEIGHT_OF
from proscribe.match.search import stored_lookup

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.intp]


@dataclass(frozen=True, slots=True)
class WordColumns:
    """The figures of the words found in columns, whatever the floor.

    Per word (by number): whether it is found here, and its ``Bound`` (what it weighs matched at most and
    unmatched; an exact one). Per reach entry, word after word: the changed word reached, the similarity,
    and that word's lightest and heaviest place in a changed name.
    """

    found: npt.NDArray[np.bool_]
    weight: Floats
    free: Floats
    starts: Ints  # per word, where its reach entries begin; one more at the end
    reached: Ints
    similarity: Floats
    lightest: Floats
    heaviest: Floats

    def facts(self, number: int) -> tuple[Bound, bool, Reach]:
        """One word's facts (``delta.Facts``): its bound, not an initial, its reach."""
        start, stop = int(self.starts[number]), int(self.starts[number + 1])
        reach: Reach = {}
        for vocab_id, similarity in zip(
            self.reached[start:stop].tolist(), self.similarity[start:stop].tolist(), strict=True
        ):
            if similarity > reach.get(vocab_id, 0.0):
                reach[vocab_id] = similarity
        return (float(self.weight[number]), float(self.free[number]), True), False, reach

    def reached_ids(self, number: int) -> list[int]:
        """The changed words one word reaches (its reach's keys; the initial it begins may come twice)."""
        found: list[int] = self.reached[int(self.starts[number]) : int(self.starts[number + 1])].tolist()
        return found

    def gains(self, floor: float) -> Floats:
        """Per word, the most it adds in any changed name at ``floor``, less its listed counterpart's unmatched
        weight (``ChangedEntries._net``); 0 for a word not found here."""
        free_q = floor * self.free
        words = np.repeat(np.arange(len(self.found), dtype=np.intp), np.diff(self.starts))
        gain = self.similarity - floor
        weight = self.weight[words]
        nets = np.where(
            gain > 0,
            free_q[words] + gain * (weight + self.heaviest),
            free_q[words] + gain * (weight + self.lightest),
        )
        best = np.zeros(len(self.found))
        np.maximum.at(best, words, nets)
        return best

    def slacks(self, floor: float) -> Floats:
        """Per word, :meth:`gains` less what it owes unmatched (``floor`` times its unmatched weight); 0 for a
        word not found here."""
        return np.where(self.found, self.gains(floor) - floor * self.free, 0.0)


def word_columns(changed: ChangedEntries, tokens: Sequence[Token], maps: CarriedMaps) -> WordColumns:
    """The columns for ``tokens`` (a register's distinct words, numbered as ``maps`` number them: the carried
    maps in ``changed``'s index)."""
    index = changed.index
    vocab_index, max_rarity = index.vocab_index, index.max_rarity
    count = len(tokens)
    found = np.zeros(count, dtype=bool)
    kind_weight = np.zeros(count)
    located = np.zeros(count, dtype=bool)
    share = np.zeros(count)
    own_rarity = np.full(count, np.nan)  # a listed word's own rarity
    initial_of = np.full(count, -1, dtype=np.intp)  # the changed listed initial a word begins
    initials = changed.initial_words
    for number, symbols in enumerate(maps.symbols):
        token = tokens[number]
        text = token.text
        if symbols is None or len(text) == 1 or not text.isalpha():
            continue
        own = vocab_index.get(text)
        if own is not None:
            if stored_lookup(index, token):
                continue  # the index's stored map is its map
            own_rarity[number] = index.rarity[own]
        found[number] = True
        kind_weight[number] = KIND_WEIGHT_OF[token.kind]
        located[number] = token.location
        share[number] = UNMATCHED_SHARE[token.kind]
        initial = initials.get(text[0])
        if initial is not None and not token.syllable:
            initial_of[number] = initial
    sizes = np.where(found, np.diff(maps.starts), 0)
    entry_word = np.repeat(np.arange(count, dtype=np.intp), sizes)
    kept = np.repeat(found, np.diff(maps.starts))
    entry_id = maps.ids[kept]
    similarity = np.asarray([hit[0] for hit in maps.hits], dtype=np.float64)[maps.codes[kept]]
    # an unlisted word weighs its closest neighbour's rarity: the most alike, and of those the commonest
    closest = np.full(count, max_rarity)
    holding = np.flatnonzero(sizes)
    if holding.size:
        starts = (np.cumsum(sizes) - sizes)[holding]
        most = np.full(count, -np.inf)
        most[holding] = np.maximum.reduceat(similarity, starts)
        rarities = np.where(similarity == most[entry_word], np.asarray(index.rarity)[entry_id], np.inf)
        closest[holding] = np.minimum.reduceat(rarities, starts)
    listed = ~np.isnan(own_rarity)
    weight = _token_weight(np.where(listed, own_rarity, closest), kind_weight, located)
    free = np.where(listed, weight, _token_weight(np.full(count, max_rarity), kind_weight, located)) * share
    # the reach: each word's entries of changed words, then the listed initial it begins
    allowed = np.zeros(len(index.vocab), dtype=bool)
    allowed[np.fromiter(changed.words, dtype=np.intp, count=len(changed.words))] = True
    changed_entry = allowed[entry_id]
    beginning = np.flatnonzero(initial_of >= 0)
    words = np.concatenate((entry_word[changed_entry], beginning))
    order = np.argsort(words, kind="stable")
    reached = np.concatenate((entry_id[changed_entry], initial_of[beginning]))[order]
    initial_similarity = np.full(beginning.size, TOKEN_SIMILARITY["initial"])
    similarities = np.concatenate((similarity[changed_entry], initial_similarity))[order]
    reach_starts = np.zeros(count + 1, dtype=np.intp)
    np.cumsum(np.bincount(words, minlength=count), out=reach_starts[1:])
    ids, at = np.unique(reached, return_inverse=True)
    lightest, heaviest = changed.place_ends(ids.tolist())
    return WordColumns(
        found,
        weight,
        free,
        reach_starts,
        reached,
        similarities,
        np.asarray(lightest, dtype=np.float64)[at],
        np.asarray(heaviest, dtype=np.float64)[at],
    )


def _token_weight(rarity: Floats, kind_weight: Floats, located: npt.NDArray[np.bool_]) -> Floats:
    """``score.token_weight`` over columns, with its very operations: the rarity times the kind's weight,
    then times the place weight for a place name."""
    weight = rarity * kind_weight
    return np.where(located, weight * LOCATION_WEIGHT, weight)
