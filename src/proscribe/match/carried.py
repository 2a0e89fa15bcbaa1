"""Query words' neighbour maps carried from one index edition to the next.

A monitoring run looks the register's words up in the screening index: which
listed words each may align with, and how closely. Between two list editions
most listed words stay as they were, and whether a query word meets a listed
word depends on the two words alone (their texts, their symbols, the query
word's mode; see ``lookup_keys``): so a word's map in the new index is its map
in the old one, less the listed words that left or changed, plus its
neighbours among the listed words that are new or changed. Those are found from
the new words' side, through the register's words filed under their lookup
keys (``lookup_keys.FiledQueries``), at a cost in proportion to the change;
the index's deletion map (the bulk of its file) is never read.

A query word whose own symbols changed between the editions (the index's name
equivalences grew or shrank) keeps the entries that still hold and gains the
listed words sharing a new symbol: symbols only ever add similarity
(``keys.token_similarity``), and a word alike by its letters or sound is met by
a lookup key whatever its symbols (``lookup_keys``), so nothing else can change. The maps are those
``ScreeningIndex.find_neighbours`` gives (a word's keyed lookup), whichever way
a screening looks the word up; ``tests/match/test_carried.py`` checks them
against it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import repeat
from operator import itemgetter
from typing import Any

import numpy as np
import numpy.typing as npt

from proscribe.match.index import ScreeningIndex
from proscribe.match.keys import deletions, token_similarity
from proscribe.match.lookup_keys import FiledQueries, query_keys
from proscribe.match.normalize import Token
from proscribe.match.score import token_mode
from proscribe.match.search import KnownNeighbours, keyed_merge

Hit = tuple[float, str, int]  # similarity, kind, edit distance
Ints = npt.NDArray[np.intp]
TokenMap = dict[int, Hit]  # vocabulary id -> hit


def keyed(token: Token) -> bool:
    """Whether a word is ever looked up through the key maps (single letters and numbers match exactly)."""
    return len(token.text) > 1 and token.text.isalpha()


def keyed_neighbours(index: ScreeningIndex, token: Token) -> TokenMap:
    """A word's keyed lookup in the index: what a carried map must equal."""
    symbols = index.token_symbols(token)
    return index.find_neighbours(token.text, symbols, token.consonantal, token_mode(token))


Addition = tuple[int, int, Hit]  # a word's number, a listed word (vocabulary id) it now meets, the hit


@dataclass(slots=True)
class CarriedMaps:
    """Keyed neighbour maps of some query words (by number) in one index, with that index's vocabulary.

    The maps lie flat in columns, word after word: each entry a listed word (a vocabulary id) and its hit,
    as the number of one of the distinct ``hits``. Carrying them to a later edition then renumbers the
    listed words of every map at once (:meth:`rebased`), a file holds the columns as bytes, and a word's
    map becomes a dictionary only when a search asks for it (:meth:`known`).
    """

    vocab: Sequence[str]  # the index's own columns, shared (neither side changes them)
    vocab_symbols: Sequence[tuple[str, ...]]
    merged_from: int  # vocabulary ids from here on are two listed words written together
    symbols: list[tuple[str, ...] | None]  # per word number: its symbols when its map was found (None: no map)
    starts: Ints  # per word number, where its entries begin; one more at the end
    ids: Ints  # per entry: the listed word
    codes: Ints  # per entry: its hit, by number into ``hits``
    hits: list[Hit]  # the distinct hits
    merged: dict[str, TokenMap]  # two consonantal words written together (``search.keyed_merge``), by text

    @classmethod
    def of(
        cls,
        index: ScreeningIndex,
        tokens: Sequence[Token],
        pairs: Iterable[tuple[int, int]],
        known: Callable[[Token], TokenMap | None],
        known_merged: Callable[[Token, Token], TokenMap],
    ) -> CarriedMaps:
        """The maps of ``tokens`` and of their adjacent ``pairs`` (by number) in ``index``: ``known`` gives
        the tokens' maps already at hand (the rest are looked up), ``known_merged`` a pair's."""
        shared: dict[Hit, int] = {}
        symbols: list[tuple[str, ...] | None] = [None] * len(tokens)
        additions: list[Addition] = []
        for number, token in enumerate(tokens):
            if keyed(token):
                found = known(token)
                found = keyed_neighbours(index, token) if found is None else found
                symbols[number] = _symbols(index, token)
                additions += zip(repeat(number), found.keys(), found.values())
        merged = {
            tokens[left].text + tokens[right].text: known_merged(tokens[left], tokens[right])
            for left, right in pairs
            if keyed_merge(tokens[left], tokens[right])
        }
        none = np.zeros(0, dtype=np.intp)
        starts, ids, codes = _columns(len(tokens), none, none, none, additions, shared)
        return cls(index.vocab, index.vocab_symbols, index.merged_from, symbols, starts, ids, codes, [*shared], merged)

    def numbers(self) -> list[int]:
        """The words (by number) that have a map."""
        return [number for number, symbols in enumerate(self.symbols) if symbols is not None]

    def map_of(self, number: int) -> TokenMap | None:
        """One word's map, as a dictionary (None when the word has none)."""
        if self.symbols[number] is None:
            return None
        start, stop = int(self.starts[number]), int(self.starts[number + 1])
        hits = map(self.hits.__getitem__, self.codes[start:stop].tolist())
        return dict(zip(self.ids[start:stop].tolist(), hits, strict=True))

    def rebased(self, index: ScreeningIndex, tokens: Sequence[Token], filed: FiledQueries) -> CarriedMaps:
        """The same words' maps in ``index`` (``tokens`` numbered as the maps are, ``filed`` their lookup keys)."""
        merged_from = index.merged_from
        # A listed word as it was: its text (one id per text), its symbols, and whether it is a merged spelling
        # (an id says so by where it lies). Each side's words and merged spellings are matched apart, by text
        # and symbols together, in whole columns.
        earlier = _earlier_ids(
            self.vocab, self.vocab_symbols, self.merged_from, index.vocab, index.vocab_symbols, merged_from
        )
        before = np.asarray(earlier, dtype=np.intp)
        unchanged = np.flatnonzero(before >= 0)
        now_of = np.full(len(self.vocab), -1, dtype=np.intp)  # an earlier id -> the same word's id now, if unchanged
        now_of[before[unchanged]] = unchanged
        fresh = set(np.flatnonzero(before < 0).tolist())  # new, or not as they were
        shared = {hit: code for code, hit in enumerate(self.hits)}  # hits made now are shared with those of before
        words = np.repeat(np.arange(len(self.symbols), dtype=np.intp), np.diff(self.starts))
        ids = now_of[self.ids]
        kept = ids >= 0
        symbols: list[tuple[str, ...] | None] = list(self.symbols)
        additions: list[Addition] = []
        for number, symbols_then in enumerate(self.symbols):
            if symbols_then is None:
                continue
            token = tokens[number]
            symbols[number] = now_symbols = _symbols(index, token)
            if now_symbols == symbols_then:
                continue
            # the entries that still hold as its symbols are now, and those gained
            start, stop = int(self.starts[number]), int(self.starts[number + 1])
            kept[start:stop] = False
            symbol_set = frozenset(now_symbols)
            found = {v for v in ids[start:stop].tolist() if v >= 0}
            for vocab_id in found:
                hit = _similarity(index, token, symbol_set, vocab_id)
                if hit[0] > 0:
                    additions.append((number, vocab_id, hit))
            for symbol in now_symbols:
                if symbol.startswith("[NUM:"):
                    continue
                for vocab_id in index.symbol_map.get(symbol, ()):
                    if vocab_id not in fresh and vocab_id not in found:
                        found.add(vocab_id)
                        hit = _similarity(index, token, symbol_set, vocab_id)
                        if hit[0] > 0:
                            additions.append((number, vocab_id, hit))
        merged: dict[str, TokenMap] = {}
        for joined, old_map in self.merged.items():
            merged[joined] = {v: hit for old_id, hit in old_map.items() if (v := int(now_of[old_id])) >= 0}
        additions += _fresh_neighbours(index, tokens, filed, symbols, merged, fresh, merged_from)
        starts, ids, codes = _columns(len(symbols), words[kept], ids[kept], self.codes[kept], additions, shared)
        return CarriedMaps(
            index.vocab, index.vocab_symbols, merged_from, symbols, starts, ids, codes, [*shared], merged
        )

    def known(self, tokens: Sequence[Token]) -> KnownNeighbours:
        """The maps, for a search to take instead of looking the words up."""
        return KnownNeighbours(_HeldMaps(self, tokens), self.merged)

    def to_data(self) -> tuple[Any, ...]:
        """The columns as bytes, the distinct hits, each word's symbols, and the merged spellings' maps."""
        merged = {joined: (list(found), list(found.values())) for joined, found in self.merged.items()}
        columns = tuple(column.astype(np.int64).tobytes() for column in (self.starts, self.ids, self.codes))
        return (self.vocab, self.vocab_symbols, self.merged_from, self.hits, self.symbols, columns, merged)

    @classmethod
    def from_data(cls, data: Sequence[Any]) -> CarriedMaps:
        vocab, vocab_symbols, merged_from, hits, symbols, columns, merged = data
        starts, ids, codes = (np.frombuffer(column, dtype=np.int64).astype(np.intp) for column in columns)
        if len(starts) != len(symbols) + 1 or len(ids) != len(codes) or (len(ids) and codes.max() >= len(hits)):
            raise ValueError("carried maps: columns that do not fit together (one cut short, or a hit past the hits)")
        joined = {text: dict(zip(ids_, hits_, strict=True)) for text, (ids_, hits_) in merged.items()}
        return cls(vocab, vocab_symbols, int(merged_from), list(symbols), starts, ids, codes, list(hits), joined)


class _HeldMaps(Mapping[Token, TokenMap]):
    """The carried maps by token, each made a dictionary when first asked for (a delta run asks for few)."""

    def __init__(self, maps: CarriedMaps, tokens: Sequence[Token]) -> None:
        self._maps = maps
        self._tokens = tokens
        self._numbers: dict[Token, int] | None = None
        self._built: dict[int, TokenMap] = {}

    def get(self, token: Token, default: Any = None) -> Any:
        if self._numbers is None:
            self._numbers = {token: number for number, token in enumerate(self._tokens)}
        number = self._numbers.get(token)
        if number is None:
            return default
        found = self._built.get(number)
        if found is None:
            found = self._maps.map_of(number)
            if found is None:
                return default
            self._built[number] = found
        return found

    def __getitem__(self, token: Token) -> TokenMap:
        found: TokenMap | None = self.get(token)
        if found is None:
            raise KeyError(token)
        return found

    def __iter__(self) -> Iterator[Token]:
        return (self._tokens[number] for number in self._maps.numbers())

    def __len__(self) -> int:
        return len(self._maps.numbers())


def _columns(
    count: int, words: Ints, ids: Ints, codes: Ints, additions: list[Addition], shared: dict[Hit, int]
) -> tuple[Ints, Ints, Ints]:
    """Entries (a word's number, a listed word, a hit's number) and more entries with their hits, as columns
    sorted by word (a word's entries keep their order); new hits are numbered in ``shared``."""
    added = len(additions)
    added_words = np.fromiter(map(itemgetter(0), additions), dtype=np.intp, count=added)
    added_ids = np.fromiter(map(itemgetter(1), additions), dtype=np.intp, count=added)
    added_codes = np.fromiter((shared.setdefault(hit, len(shared)) for _, _, hit in additions), np.intp, added)
    all_words = np.concatenate((words, added_words))
    order = np.argsort(all_words, kind="stable")
    starts = np.zeros(count + 1, dtype=np.intp)
    np.cumsum(np.bincount(all_words, minlength=count), out=starts[1:])
    return starts, np.concatenate((ids, added_ids))[order], np.concatenate((codes, added_codes))[order]


def _earlier_ids(
    vocab_then: Sequence[str],
    symbols_then: Sequence[tuple[str, ...]],
    merged_then: int,
    vocab_now: Sequence[str],
    symbols_now: Sequence[tuple[str, ...]],
    merged_now: int,
) -> list[int]:
    """Per listed word now, its id in the earlier vocabulary when it was there as it is (the same text and
    symbols, and a merged spelling then as now); -1 when it is new or changed. A text is one id on each
    side (words and merged spellings apart), so texts are matched first and symbols compared after: few
    words have any, and a string keeps its hash where a tuple of text and symbols would hash anew."""
    found: list[int] = []
    sides = ((0, merged_then, 0, merged_now), (merged_then, len(vocab_then), merged_now, len(vocab_now)))
    for start, stop, first, last in sides:
        ids = dict(zip(vocab_then[start:stop], range(start, stop), strict=True))
        earlier = list(map(ids.get, vocab_now[first:last], repeat(-1)))
        for at, old in enumerate(earlier, first):
            if old >= 0 and symbols_then[old] != symbols_now[at]:
                earlier[at - first] = -1
        found += earlier
    return found


def _fresh_neighbours(
    index: ScreeningIndex,
    tokens: Sequence[Token],
    filed: FiledQueries,
    symbols: Sequence[tuple[str, ...] | None],
    merged: dict[str, TokenMap],
    fresh: set[int],
    merged_from: int,
) -> list[Addition]:
    """Each fresh listed word meets the carried words (those with ``symbols``) whose lookup keys or symbols
    equal its own (as ``find_neighbours`` would meet it from their side), and is verified the same way: the
    entries it adds to their maps (the merged spellings' maps gain theirs in place)."""
    added: list[Addition] = []
    by_symbol: dict[str, list[int]] = {}
    # A word filed under deletion keys is filed under its own text too, and a fresh word looks its own text
    # up: only the others (a single syllable, two letters) must be met by their text apart.
    by_text: dict[str, list[int]] = {}
    symbol_sets: dict[int, frozenset[str]] = {}
    for number, held in enumerate(symbols):
        if held is None:
            continue
        token = tokens[number]
        if token.syllable or len(token.text) < 3:
            by_text.setdefault(token.text, []).append(number)
        for symbol in held:
            if not symbol.startswith("[NUM:"):
                by_symbol.setdefault(symbol, []).append(number)
        symbol_sets[number] = frozenset(held)
    joined = list(merged)  # written together: looked up by keys alone (no symbols), as consonantal words
    filed_joined = FiledQueries.filing((number, query_keys(text, True, "merged")) for number, text in enumerate(joined))
    joined_keys = {*filed_joined.deletions, *filed_joined.shorter, *filed_joined.skeletons}
    # Two listed words written together are long, and long register words few: a merged spelling whose
    # deletion keys could meet none of theirs (see ``_may_meet``) is not keyed at all.
    long_keys = {_outline(key) for keys in (filed.deletions, joined_keys) for key in keys if len(key) >= LONG - 1}
    keyed = {v for v in fresh if v < merged_from or len(index.vocab[v]) < LONG or _may_meet(index.vocab[v], long_keys)}
    filed_keys = _filed_keys(index, keyed, merged_from)
    sounds, skeletons = filed.sounds, filed.skeletons
    texts = [token.text for token in tokens]
    consonantal = [token.consonantal for token in tokens]
    modes = [token_mode(token) for token in tokens]
    # A word keyed by nothing that can meet theirs meets only a register word (or two written together) of
    # its very text: exactly.
    unkeyed = {index.vocab[vocab_id]: vocab_id for vocab_id in fresh - keyed}
    for word in unkeyed.keys() & by_text.keys():
        for number in by_text[word]:
            added.append((number, unkeyed[word], _EXACT))
    for word in unkeyed.keys() & merged.keys():
        merged[word][unkeyed[word]] = _EXACT
    for vocab_id in keyed:
        word = index.vocab[vocab_id]
        keys = filed_keys[vocab_id]
        meeting = filed.meeting(word, keys)
        meeting.update(by_text.get(word, ()))  # itself, however short
        agree: tuple[bool, bool] | None = None
        if vocab_id < merged_from:
            for symbol in index.vocab_symbols[vocab_id]:
                meeting.update(by_symbol.get(symbol, ()))
            # which met it by sound or by skeleton tells whether those keys agree (``keys.token_similarity``)
            by_sound = sounds.get(keys[1], ()) if keys[1] else ()
            by_skeleton = set().union(*map(skeletons.get, keys[2], repeat(())))
        word_symbols = index.symbols_of(vocab_id) if meeting else frozenset()
        for number in meeting:
            text = texts[number]
            if text == word:
                added.append((number, vocab_id, _EXACT))
                continue
            if vocab_id < merged_from:
                agree = (number in by_sound, number in by_skeleton)
            hit = token_similarity(
                text, word, symbol_sets[number], word_symbols, consonantal[number], modes[number], agree
            )
            if hit[0] > 0:
                added.append((number, vocab_id, hit))
        if word in merged:
            merged[word][vocab_id] = _EXACT
        if word in joined_keys or not joined_keys.isdisjoint(keys[0]) or not joined_keys.isdisjoint(keys[2]):
            for number in filed_joined.meeting(word, keys):
                text = joined[number]
                hit = _EXACT if text == word else token_similarity(
                    text, word, frozenset(), index.symbols_of(vocab_id), True, "merged"
                )  # fmt: skip
                if hit[0] > 0:
                    merged[text][vocab_id] = hit
    return added


_EXACT: Hit = (1.0, "exact", 0)
LONG = 9  # a merged spelling this long is keyed only when its outline meets a register word's


def _outline(key: str) -> tuple[int, str, str]:
    """A lookup key's length, first two letters and last two."""
    return len(key), key[:2], key[-2:]


def _may_meet(word: str, outlines: set[tuple[int, str, str]]) -> bool:
    """Whether one of the word's deletion keys (itself, and itself less one letter) may equal a key of these
    outlines: a deletion leaves both ends as they were unless it falls within the first or last two letters,
    so those keys have six outlines at most (for a word of five letters or more)."""
    length, head, tail = len(word), word[:2], word[-2:]
    shorter = length - 1
    return not outlines.isdisjoint(
        (
            (length, head, tail),
            (shorter, head, tail),
            (shorter, word[1:3], tail),
            (shorter, word[0] + word[2], tail),
            (shorter, head, word[-3] + word[-1]),
            (shorter, head, word[-3:-1]),
        )
    )


def _filed_keys(
    index: ScreeningIndex, fresh: set[int], merged_from: int
) -> dict[int, tuple[tuple[str, ...], str, tuple[str, ...]]]:
    """Each fresh word's ``lookup_keys.filed_keys``: its sound and skeleton keys read back from the index's
    own maps, which filed every listed word under them at build (computing them anew costs more)."""
    sounds: dict[int, str] = {}
    skeletons: dict[int, list[str]] = {}
    for key, ids in index.phonetic_map.items():
        for vocab_id in ids:
            if vocab_id in fresh:
                sounds[vocab_id] = key
    for key, ids in index.skeleton_map.items():
        for vocab_id in ids:
            if vocab_id in fresh:
                skeletons.setdefault(vocab_id, []).append(key)
    found: dict[int, tuple[tuple[str, ...], str, tuple[str, ...]]] = {}
    for vocab_id in fresh:
        word = index.vocab[vocab_id]
        removed = (*deletions(word), word) if len(word) >= 3 and word.isalpha() else ()
        found[vocab_id] = (removed, sounds.get(vocab_id, ""), tuple(skeletons.get(vocab_id, ())))
    return found


def _similarity(index: ScreeningIndex, token: Token, symbols: frozenset[str], vocab_id: int) -> Hit:
    text = token.text
    word = index.vocab[vocab_id]
    if text == word:
        return _EXACT
    return token_similarity(text, word, symbols, index.symbols_of(vocab_id), token.consonantal, token_mode(token))


def _symbols(index: ScreeningIndex, token: Token) -> tuple[str, ...]:
    return tuple(sorted(index.token_symbols(token)))
