"""Neighbour maps carried from one index edition to the next equal a fresh lookup in the new one."""

from __future__ import annotations

import csv
import marshal
import sys
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from proscribe.match import build_index
from proscribe.match.carried import LONG, CarriedMaps, _earlier_ids, _may_meet, _outline, keyed, keyed_neighbours
from proscribe.match.keys import deletions
from proscribe.match.lookup_keys import FiledQueries
from proscribe.match.normalize import Token, name_forms
from proscribe.match.search import keyed_merge, merged_neighbours
from proscribe.model import Entity
from proscribe.sources import FORMATS
from proscribe.sources.detect import scan
from tests.conftest import BENCH, LISTS


def _entities(folder: str) -> list[Entity]:
    entities: list[Entity] = []
    for list_file in scan([LISTS / folder]).lists:
        entities.extend(FORMATS[list_file.format].parse(list_file))
    return entities


def _names() -> list[str]:
    """Real names: benchmark negatives, real variants of UN names, cross-script pairs."""
    names: list[str] = []
    for file_name, limit in (("negatives_global.csv", 1500), ("positives_un_treated.csv", 600)):
        with (BENCH / file_name).open(encoding="utf-8", newline="") as handle:
            names += [row["full_name"] for _, row in zip(range(limit), csv.DictReader(handle), strict=False)]
    with (BENCH / "cross_script_pairs.csv").open(encoding="utf-8") as handle:  # consonantal and syllable words
        names += [row[0] for row in csv.reader(line for line in handle if line.strip() and not line.startswith("#"))]
    return names


def _forms() -> list[tuple[Token, ...]]:
    return [form.tokens for name in _names() for form in name_forms(name)]


def _pairs(tokens: list[Token], forms: list[tuple[Token, ...]]) -> list[tuple[int, int]]:
    number = {token: n for n, token in enumerate(tokens)}
    return list(dict.fromkeys((number[a], number[b]) for form in forms for a, b in pairwise(form)))


def test_carried_maps_equal_a_fresh_lookup_in_the_later_index() -> None:
    un, ofac = _entities("un"), _entities("ofac")
    earlier = build_index(un[::2] + ofac[::3])
    later = build_index(un[::3] + ofac[::2])  # some entries kept, some gone, many new
    forms = _forms()
    tokens = list(dict.fromkeys(token for form in forms for token in form))
    pairs = _pairs(tokens, forms)
    carried = CarriedMaps.of(
        earlier, tokens, pairs, lambda token: None, lambda left, right: merged_neighbours(earlier, left, right)
    )
    assert len(carried.numbers()) == sum(keyed(token) for token in tokens) > 3000
    again = CarriedMaps.from_data(marshal.loads(marshal.dumps(carried.to_data())))
    assert again.known(tokens).tokens == carried.known(tokens).tokens and again.merged == carried.merged
    _assert_hits_shared(again)
    rebased = again.rebased(later, tokens, FiledQueries.of(tokens))
    _assert_hits_shared(CarriedMaps.from_data(marshal.loads(marshal.dumps(rebased.to_data()))))
    moved = 0
    for number in rebased.numbers():
        token = tokens[number]
        assert rebased.map_of(number) == keyed_neighbours(later, token), token.text
        moved += rebased.symbols[number] != carried.symbols[number]
    assert moved  # some words' equivalences differ between the editions: the recheck is exercised
    assert len(rebased.ids) > 10_000
    # long spellings of two listed words written together, new to the later index, met from their side
    # (``carried._may_meet`` decides which are keyed at all)
    earlier_words = set(earlier.vocab)
    met = {
        v
        for v in rebased.ids.tolist()
        if v >= later.merged_from and len(later.vocab[v]) >= LONG and later.vocab[v] not in earlier_words
    }
    assert len(met) >= 5
    assert len(rebased.merged) > 20
    for left, right in pairs:
        if keyed_merge(tokens[left], tokens[right]):
            joined = tokens[left].text + tokens[right].text
            assert rebased.merged[joined] == merged_neighbours(later, tokens[left], tokens[right]), joined


def _assert_hits_shared(maps: CarriedMaps) -> None:
    """Alike hits are one hit in the columns, so reading maps back builds one tuple per distinct hit."""
    assert len(maps.codes) > 10_000 and len(maps.hits) == len(set(maps.hits)) < 1_000
    found = [hit for number in maps.numbers() for hit in (maps.map_of(number) or {}).values()]
    assert len({id(hit) for hit in found}) == len(set(found))


@given(word=st.text(alphabet="abcdeiklmnorsu", min_size=5, max_size=16), other=st.text(alphabet="abcde", max_size=16))
def test_a_word_may_meet_every_key_it_is_looked_up_by(word: str, other: str) -> None:
    """``_may_meet`` may say yes to a key that meets none, never no to one that meets: every key a word is
    looked up by (itself, and itself less one letter) has one of the outlines it reads."""
    for key in (*deletions(word), word):
        assert _may_meet(word, {_outline(key)}), key
    if _may_meet(word, {_outline(other)}) is False:
        assert other not in {*deletions(word), word}


_SECTION = st.dictionaries(st.sampled_from("abcd"), st.sampled_from([(), ("[S:1]",), ("[S:2]",)]), max_size=4)


@given(words_then=_SECTION, merged_then=_SECTION, words_now=_SECTION, merged_now=_SECTION)
def test_earlier_ids_match_text_symbols_and_kind(
    words_then: dict[str, tuple[str, ...]],
    merged_then: dict[str, tuple[str, ...]],
    words_now: dict[str, tuple[str, ...]],
    merged_now: dict[str, tuple[str, ...]],
) -> None:
    """A listed word now has its earlier id exactly when a word of the same text, the same symbols and the
    same kind (a word, or two written together) was there."""
    then = [(text, symbols, False) for text, symbols in words_then.items()]
    then += [(text, symbols, True) for text, symbols in merged_then.items()]
    now = [(text, symbols, False) for text, symbols in words_now.items()]
    now += [(text, symbols, True) for text, symbols in merged_now.items()]
    found = _earlier_ids(
        [text for text, _, _ in then],
        [symbols for _, symbols, _ in then],
        len(words_then),
        [text for text, _, _ in now],
        [symbols for _, symbols, _ in now],
        len(words_now),
    )
    assert found == [then.index(word) if word in then else -1 for word in now]


def test_columns_that_do_not_fit_together_are_refused() -> None:
    """A run part whose columns were cut or mixed is read as none (``RegisterIndex.load`` takes a ValueError
    so), never as maps that point past their hits."""
    starts, ids, codes = ([0, 2, 2], [0, 1], [0, 1])
    hits = [(1.0, "exact", 0), (0.9, "fuzzy", 1)]

    def data(columns: tuple[list[int], ...], hit_list: list[tuple[float, str, int]]) -> tuple[object, ...]:
        encoded = tuple(b"".join(n.to_bytes(8, sys.byteorder, signed=True) for n in column) for column in columns)
        return (["abc", "abd"], [(), ()], 2, hit_list, [(), None], encoded, {})

    maps = CarriedMaps.from_data(data((starts, ids, codes), hits))
    assert maps.map_of(0) == {0: hits[0], 1: hits[1]} and maps.map_of(1) is None
    for columns, hit_list in (
        ((starts, ids, codes[:1]), hits),  # a column cut short
        ((starts[:2], ids, codes), hits),  # fewer starts than words
        ((starts, ids, codes), hits[:1]),  # a hit number past the hits
    ):
        with pytest.raises(ValueError, match="carried maps"):
            CarriedMaps.from_data(data(columns, hit_list))
