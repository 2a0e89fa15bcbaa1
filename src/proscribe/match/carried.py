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

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import repeat
from typing import Any

from proscribe.match.index import ScreeningIndex
from proscribe.match.keys import deletions, token_similarity
from proscribe.match.lookup_keys import FiledQueries, query_keys
from proscribe.match.normalize import Token
from proscribe.match.score import token_mode
from proscribe.match.search import KnownNeighbours, keyed_merge

Hit = tuple[float, str, int]  # similarity, kind, edit distance
TokenMap = dict[int, Hit]  # vocabulary id -> hit


def keyed(token: Token) -> bool:
    """Whether a word is ever looked up through the key maps (single letters and numbers match exactly)."""
    return len(token.text) > 1 and token.text.isalpha()


def keyed_neighbours(index: ScreeningIndex, token: Token) -> TokenMap:
    """A word's keyed lookup in the index: what a carried map must equal."""
    symbols = index.token_symbols(token)
    return index.find_neighbours(token.text, symbols, token.consonantal, token_mode(token))


Stored = tuple[tuple[str, ...], Sequence[int], Sequence[Hit]]  # a word's symbols then, and its map's ids and hits


@dataclass(slots=True)
class CarriedMaps:
    """Keyed neighbour maps of some query words (by number) in one index, with that index's vocabulary.

    Alike hits (an exact match, a skeleton's) are one shared tuple (``hits``), and a file keeps a shared
    tuple once, so reading the maps back builds far fewer objects: hits are shared as they are made, a file
    holds the shared ones first, and maps read from a file stay as their ids and hits (``stored``) until
    :meth:`rebased` reads them once.
    """

    vocab: Sequence[str]  # the index's own columns, shared (neither side changes them)
    vocab_symbols: Sequence[tuple[str, ...]]
    merged_from: int  # vocabulary ids from here on are two listed words written together
    maps: dict[int, tuple[tuple[str, ...], TokenMap]]  # word number -> (its symbols then, its map)
    merged: dict[str, TokenMap]  # two consonantal words written together (``search.keyed_merge``), by text
    stored: dict[int, Stored] | None = None  # maps as read from a file (none of them in ``maps``)
    hits: dict[Hit, Hit] = field(default_factory=dict)  # each distinct hit, as the one object the maps share

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
        shared: dict[Hit, Hit] = {}
        maps: dict[int, tuple[tuple[str, ...], TokenMap]] = {}
        for number, token in enumerate(tokens):
            if keyed(token):
                found = known(token)
                found = keyed_neighbours(index, token) if found is None else found
                maps[number] = (_symbols(index, token), {v: shared.setdefault(hit, hit) for v, hit in found.items()})
        merged = {
            tokens[left].text + tokens[right].text: {
                v: shared.setdefault(hit, hit) for v, hit in known_merged(tokens[left], tokens[right]).items()
            }
            for left, right in pairs
            if keyed_merge(tokens[left], tokens[right])
        }
        return cls(index.vocab, index.vocab_symbols, index.merged_from, maps, merged, None, shared)

    def rebased(self, index: ScreeningIndex, tokens: Sequence[Token], filed: FiledQueries) -> CarriedMaps:
        """The same words' maps in ``index`` (``tokens`` numbered as the maps are, ``filed`` their lookup keys)."""
        merged_from = index.merged_from
        # A listed word as it was: its text (one id per text), its symbols, and whether it is a merged spelling
        # (an id says so by where it lies). Each side's words and merged spellings are matched apart, by text
        # and symbols together, in whole columns.
        before = _earlier_ids(
            self.vocab, self.vocab_symbols, self.merged_from, index.vocab, index.vocab_symbols, merged_from
        )
        fresh = {vocab_id for vocab_id, earlier in enumerate(before) if earlier is None}  # new, or not as they were
        now_of: list[int | None] = [None] * len(self.vocab)  # an earlier id -> the same word's id now, if unchanged
        for vocab_id, earlier in enumerate(before):
            if earlier is not None:
                now_of[earlier] = vocab_id
        shared = dict(self.hits)  # hits made now are shared with those of before
        maps: dict[int, tuple[tuple[str, ...], TokenMap]] = {}
        for number, symbols_then, old in self._entries():
            token = tokens[number]
            symbols = _symbols(index, token)
            symbol_set = frozenset(symbols)
            found: TokenMap = {now: hit for old_id, hit in old if (now := now_of[old_id]) is not None}
            if symbols != symbols_then:  # the entries that still hold as its symbols are now, and those gained
                found = {
                    v: shared.setdefault(hit, hit)
                    for v in found
                    if (hit := _similarity(index, token, symbol_set, v))[0] > 0
                }
                for symbol in symbols:
                    if symbol.startswith("[NUM:"):
                        continue
                    for vocab_id in index.symbol_map.get(symbol, ()):
                        if vocab_id not in fresh and vocab_id not in found:
                            hit = _similarity(index, token, symbol_set, vocab_id)
                            if hit[0] > 0:
                                found[vocab_id] = shared.setdefault(hit, hit)
            maps[number] = (symbols, found)
        merged: dict[str, TokenMap] = {}
        for joined, old_map in self.merged.items():
            merged[joined] = {now: hit for old_id, hit in old_map.items() if (now := now_of[old_id]) is not None}
        _add_fresh(index, tokens, filed, maps, merged, fresh, merged_from, shared)
        return CarriedMaps(index.vocab, index.vocab_symbols, merged_from, maps, merged, None, shared)

    def _entries(self) -> Iterator[tuple[int, tuple[str, ...], Iterable[tuple[int, Hit]]]]:
        """Each map: its word's number, the word's symbols then, and the map's (id, hit) pairs."""
        for number, symbols, ids, hits in self._flat_entries():
            yield number, symbols, zip(ids, hits, strict=True)

    def known(self, tokens: Sequence[Token]) -> KnownNeighbours:
        """The maps, for a search to take instead of looking the words up."""
        held = {tokens[number]: found for number, (_symbols_then, found) in self.maps.items()}
        for number, (_symbols_then, ids, hits) in (self.stored or {}).items():
            held[tokens[number]] = dict(zip(ids, hits, strict=True))
        return KnownNeighbours(held, self.merged)

    def to_data(self) -> tuple[Any, ...]:
        """The shared hits, then each map as its ids and its hits (written after them, the hits are kept once)."""
        flat = {number: (symbols, (list(ids), list(hits))) for number, symbols, ids, hits in self._flat_entries()}
        merged = {joined: (list(found), list(found.values())) for joined, found in self.merged.items()}
        return (self.vocab, self.vocab_symbols, self.merged_from, list(self.hits), flat, merged)

    def _flat_entries(self) -> Iterator[tuple[int, tuple[str, ...], Iterable[int], Iterable[Hit]]]:
        """Each map, rebased or as read: its word's number, the word's symbols then, the map's ids, its hits."""
        for number, (symbols, found) in self.maps.items():
            yield number, symbols, found.keys(), found.values()
        for number, (symbols, ids, hits) in (self.stored or {}).items():
            yield number, symbols, ids, hits

    @classmethod
    def from_data(cls, data: Sequence[Any]) -> CarriedMaps:
        vocab, vocab_symbols, merged_from, shared, flat, merged = data
        stored = {number: (tuple(symbols), ids, hits) for number, (symbols, (ids, hits)) in flat.items()}
        joined = {text: dict(zip(ids, hits, strict=True)) for text, (ids, hits) in merged.items()}
        hits = {tuple(hit): hit for hit in shared}
        return cls(vocab, vocab_symbols, int(merged_from), {}, joined, stored, hits)  # as marshal wrote them


def _earlier_ids(
    vocab_then: Sequence[str],
    symbols_then: Sequence[tuple[str, ...]],
    merged_then: int,
    vocab_now: Sequence[str],
    symbols_now: Sequence[tuple[str, ...]],
    merged_now: int,
) -> list[int | None]:
    """Per listed word now, its id in the earlier vocabulary when it was there as it is (the same text and
    symbols, and a merged spelling then as now); None when it is new or changed. A text is one id on each
    side (words and merged spellings apart), so texts are matched first and symbols compared after: few
    words have any, and a string keeps its hash where a tuple of text and symbols would hash anew."""
    found: list[int | None] = []
    sides = ((0, merged_then, 0, merged_now), (merged_then, len(vocab_then), merged_now, len(vocab_now)))
    for start, stop, first, last in sides:
        ids = dict(zip(vocab_then[start:stop], range(start, stop), strict=True))
        earlier: list[int | None] = list(map(ids.get, vocab_now[first:last]))
        for at, old in enumerate(earlier, first):
            if old is not None and symbols_then[old] != symbols_now[at]:
                earlier[at - first] = None
        found += earlier
    return found


def _add_fresh(
    index: ScreeningIndex,
    tokens: Sequence[Token],
    filed: FiledQueries,
    maps: dict[int, tuple[tuple[str, ...], TokenMap]],
    merged: dict[str, TokenMap],
    fresh: set[int],
    merged_from: int,
    shared: dict[Hit, Hit],
) -> None:
    """Each fresh listed word meets the carried words whose lookup keys or symbols equal its own (as
    ``find_neighbours`` would meet it from their side), and is verified the same way."""
    by_symbol: dict[str, list[int]] = {}
    # A word filed under deletion keys is filed under its own text too, and a fresh word looks its own text
    # up: only the others (a single syllable, two letters) must be met by their text apart.
    by_text: dict[str, list[int]] = {}
    for number, (symbols, _found) in maps.items():
        token = tokens[number]
        if token.syllable or len(token.text) < 3:
            by_text.setdefault(token.text, []).append(number)
        for symbol in symbols:
            if not symbol.startswith("[NUM:"):
                by_symbol.setdefault(symbol, []).append(number)
    symbol_sets = {number: frozenset(symbols) for number, (symbols, _found) in maps.items()}
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
    exact = shared.setdefault(_EXACT, _EXACT)
    # A word keyed by nothing that can meet theirs meets only a register word (or two written together) of
    # its very text: exactly.
    unkeyed = {index.vocab[vocab_id]: vocab_id for vocab_id in fresh - keyed}
    for word in unkeyed.keys() & by_text.keys():
        for number in by_text[word]:
            maps[number][1][unkeyed[word]] = exact
    for word in unkeyed.keys() & merged.keys():
        merged[word][unkeyed[word]] = exact
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
                maps[number][1][vocab_id] = exact
                continue
            if vocab_id < merged_from:
                agree = (number in by_sound, number in by_skeleton)
            hit = token_similarity(
                text, word, symbol_sets[number], word_symbols, consonantal[number], modes[number], agree
            )
            if hit[0] > 0:
                maps[number][1][vocab_id] = shared.setdefault(hit, hit)
        if word in merged:
            merged[word][vocab_id] = exact
        if word in joined_keys or not joined_keys.isdisjoint(keys[0]) or not joined_keys.isdisjoint(keys[2]):
            for number in filed_joined.meeting(word, keys):
                text = joined[number]
                hit = exact if text == word else token_similarity(
                    text, word, frozenset(), index.symbols_of(vocab_id), True, "merged"
                )  # fmt: skip
                if hit[0] > 0:
                    merged[text][vocab_id] = shared.setdefault(hit, hit)


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


def _similarity(
    index: ScreeningIndex,
    token: Token,
    symbols: frozenset[str],
    vocab_id: int,
    keys_agree: tuple[bool, bool] | None = None,
) -> tuple[float, str, int]:
    text = token.text
    word = index.vocab[vocab_id]
    if text == word:
        return 1.0, "exact", 0
    mode = token_mode(token)
    return token_similarity(text, word, symbols, index.symbols_of(vocab_id), token.consonantal, mode, keys_agree)


def _symbols(index: ScreeningIndex, token: Token) -> tuple[str, ...]:
    return tuple(sorted(index.token_symbols(token)))
