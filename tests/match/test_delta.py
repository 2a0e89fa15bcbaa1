"""The delta filter never drops a query that screening restricted to the changed entries would match.

On the real UN list with every fifth entity marked changed, against the
benchmark's real variants of UN names, its negatives, the cross-script pairs
and generated variants (typos, dropped and merged tokens, initials), every
query with a match among the changed entities must be kept; and the filter
must drop most of the others, or it would be no use.
"""

from __future__ import annotations

import csv
import gc
import random
import weakref
from collections.abc import Iterator, Mapping
from itertools import pairwise

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from proscribe.match import Query, Screener, build_index
from proscribe.match.carried import keyed, keyed_neighbours
from proscribe.match.delta import ChangedEntries
from proscribe.match.features import QueryFacts
from proscribe.match.index import ScreeningIndex, key_maps
from proscribe.match.lookup_keys import FiledQueries
from proscribe.match.normalize import Token, name_forms
from proscribe.match.search import KnownNeighbours, TokenMap, merged_neighbours, token_neighbours
from proscribe.model import Entity, Name, Schema
from proscribe.sources import FORMATS
from proscribe.sources.detect import scan
from tests.conftest import BENCH, LISTS


@pytest.fixture(scope="module")
def screener_and_entities() -> tuple[Screener, list[Entity]]:
    entities: list[Entity] = []
    for list_file in scan([LISTS / "un"]).lists:
        entities.extend(FORMATS[list_file.format].parse(list_file))
    return Screener(build_index(entities)), entities


class _Carried(Mapping[Token, TokenMap]):
    """Every keyed word's neighbour map, as a run carrying its register's maps holds them (``match.carried``
    checks that carried maps are these)."""

    def __init__(self, index: ScreeningIndex) -> None:
        self.index = index

    def __getitem__(self, token: Token) -> TokenMap:
        if not keyed(token):
            raise KeyError(token)
        return keyed_neighbours(self.index, token)

    def __iter__(self) -> Iterator[Token]:
        return iter(())

    def __len__(self) -> int:
        return 0


@pytest.fixture(
    scope="module",
    params=["own", "index", "carried", "carried-low"],
    ids=["own key maps", "the index's", "carried", "carried, threshold 0.7"],
)
def setting(
    request: pytest.FixtureRequest, screener_and_entities: tuple[Screener, list[Entity]]
) -> tuple[Screener, ChangedEntries, frozenset[str], list[Entity]]:
    """Query words looked up through key maps over the changed words (a small change), or the index's, or
    their maps at hand (carried: then an unlisted word weighs exactly as screening weighs it); and once at a
    lower threshold, where far more names come near and every part of the bound is put to work."""
    screener, entities = screener_and_entities
    changed_ids = frozenset(e.id for e in entities[::5])
    index = screener.index
    known = KnownNeighbours(_Carried(index), {}) if request.param.startswith("carried") else None
    threshold = 0.7 if request.param == "carried-low" else screener.threshold
    changed = ChangedEntries(index, changed_ids, threshold, own_maps=request.param == "own", known=known)
    return screener, changed, changed_ids, entities


def _check(setting: tuple[Screener, ChangedEntries, frozenset[str], list[Entity]], query: Query) -> tuple[bool, bool]:
    """(matches a changed entity, kept by the filter); fails when the first holds and not the second."""
    screener, changed, changed_ids, _ = setting
    found = screener.screen(query, threshold=changed.threshold, limit=25, entity_ids=changed_ids)
    matched = any(m.match for m in found.matches)
    kept = changed.may_match(name_forms(query.name, query.schema), QueryFacts.of(query))
    assert kept or not matched, f"{query.name!r} matches a changed entity but the filter dropped it"
    return matched, kept


def _rows(name: str, limit: int) -> list[dict[str, str]]:
    with (BENCH / name).open(encoding="utf-8", newline="") as handle:
        return [row for _, row in zip(range(limit), csv.DictReader(handle), strict=False)]


def test_real_variants_of_changed_names_are_all_kept(setting) -> None:  # type: ignore[no-untyped-def]
    matched = 0
    for row in _rows("positives_un_treated.csv", 700) + _rows("positives_un_untreated.csv", 700):
        query = Query.build(row["full_name"], None, row["date_of_birth"] or None, row["nationality"] or None)
        matched += _check(setting, query)[0]
    assert matched > 100  # a fifth of the UN list changed: many of its variants meet a changed entry


def test_negatives_are_mostly_dropped(setting) -> None:  # type: ignore[no-untyped-def]
    kept = 0
    rows = _rows("negatives_global.csv", 2000)
    for row in rows:
        kept += _check(setting, Query.build(row["full_name"], "person", row["date_of_birth"] or None))[1]
    assert kept < len(rows) * 0.2


def test_cross_script_queries(setting) -> None:  # type: ignore[no-untyped-def]
    with (BENCH / "cross_script_pairs.csv").open(encoding="utf-8") as handle:
        lines = [line for line in handle if line.strip() and not line.startswith("#")]
    for row in csv.reader(lines):
        _check(setting, Query(name=row[0]))


def test_an_identifier_of_a_changed_entity_is_kept(setting) -> None:  # type: ignore[no-untyped-def]
    _, changed, _, entities = setting
    for entity in entities[::5]:
        if entity.identifiers:
            value = entity.identifiers[0].value
            assert changed.may_match([], QueryFacts(None, None, None, value))
            return
    pytest.skip("no changed entity carries an identifier")


def _variant(name: str, seed: int) -> str:
    """A name as a register might hold it: a typo, a dropped or merged token, an initial, reordered."""
    rng = random.Random(seed)
    words = name.split()
    for _ in range(rng.randint(1, 2)):
        move = rng.choice(("typo", "drop", "merge", "initial", "swap"))
        if move == "typo" and words:
            k = rng.randrange(len(words))
            word = words[k]
            if len(word) > 3:
                i = rng.randrange(1, len(word) - 1)
                words[k] = word[:i] + rng.choice("aeiouhkny") + word[i + 1 :]
        elif move == "drop" and len(words) > 2:
            words.pop(rng.randrange(len(words)))
        elif move == "merge" and len(words) > 2:
            k = rng.randrange(len(words) - 1)
            words[k : k + 2] = [words[k] + words[k + 1]]
        elif move == "initial" and len(words) > 1:
            words[0] = words[0][:1]
        elif move == "swap" and len(words) > 1:
            words = words[1:] + words[:1]
    return " ".join(words)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(pick=st.integers(min_value=0), seed=st.integers(min_value=0, max_value=2**32))
def test_generated_variants_of_listed_names(setting, pick: int, seed: int) -> None:  # type: ignore[no-untyped-def]
    entities = setting[3]
    entity = entities[pick % len(entities)]
    name = entity.names[seed % len(entity.names)].value
    _check(setting, Query.build(_variant(name, seed), entity.schema.value))


def test_key_maps_over_the_changed_words_find_what_the_index_maps_find_among_them(
    screener_and_entities: tuple[Screener, list[Entity]],
) -> None:
    """A small change looks words up through maps of its own: exactly the index's answers, restricted."""
    screener, entities = screener_and_entities
    index = screener.index
    changed = {n for n, entity in enumerate(index.name_entity) if entity % 5 == 0}
    allowed = frozenset(v for name in changed for v in index.name_tokens[name] + index.name_merged[name])
    merged_from = 1 + max(t for tokens in index.name_tokens for t in tokens)
    maps = key_maps(index.vocab, index.vocab_symbols, merged_from, allowed)
    rows = _rows("negatives_global.csv", 1500) + _rows("positives_un_treated.csv", 700)
    queries = [row["full_name"] for row in rows] + [_variant(e.names[0].value, n) for n, e in enumerate(entities)]
    found = 0
    for query in queries:
        for form in name_forms(query):
            for token in form.tokens:
                own = token_neighbours(index, token, allowed, maps)
                assert own == token_neighbours(index, token, allowed), token.text
                found += bool(own)
            for left, right in pairwise(form.tokens):
                assert merged_neighbours(index, left, right, allowed, maps) == merged_neighbours(
                    index, left, right, allowed
                )
    assert found > 1000  # the comparison met many real neighbours, not only empty answers


@pytest.mark.parametrize("step", [50, 10])
def test_the_tokens_reaching_a_change_found_from_its_side_are_those_each_token_finds(
    screener_and_entities: tuple[Screener, list[Entity]], step: int
) -> None:
    """A small change is met from its own words (``reaching``): exactly the tokens whose lookup reaches it."""
    screener, entities = screener_and_entities
    changed = ChangedEntries(screener.index, {e.id for e in entities[::step]}, screener.threshold)
    rows = _rows("negatives_global.csv", 3000) + _rows("positives_un_treated.csv", 700)
    names = [row["full_name"] for row in rows] + [_variant(e.names[-1].value, n) for n, e in enumerate(entities)]
    with (BENCH / "cross_script_pairs.csv").open(encoding="utf-8") as handle:  # consonantal and syllable words
        names += [row[0] for row in csv.reader(line for line in handle if line.strip() and not line.startswith("#"))]
    tokens = list(dict.fromkeys(token for name in names for form in name_forms(name) for token in form.tokens))
    reaching = changed.reaching(tokens, FiledQueries.of(tokens))
    assert reaching == {number for number, token in enumerate(tokens) if changed.reaches((token,))}
    assert 20 < len(reaching) < len(tokens) / 2


def test_settling_a_registers_pairs_keeps_the_same_queries(setting) -> None:  # type: ignore[no-untyped-def]
    """A register's bound settles every pair of its forms first, and then skips the pairs of a form none of
    whose words begins one that may reach: it keeps exactly the queries the bound keeps reading every pair."""
    _, changed, _, _ = setting
    names = [row["full_name"] for row in _rows("positives_un_treated.csv", 300) + _rows("negatives_global.csv", 600)]
    with (BENCH / "cross_script_pairs.csv").open(encoding="utf-8") as handle:  # consonantal pairs written together
        names += [row[0] for row in csv.reader(line for line in handle if line.strip() and not line.startswith("#"))]
    reading = changed.numbered(())
    forms = [[reading.numbers(form.tokens) for form in name_forms(name)] for name in names]
    facts = [(None, None, None, None)] * len(names)
    settled = changed.numbered(reading.tokens)
    settled.settle_pairs({pair for query in forms for form in query for pair in pairwise(form)})
    kept = settled.keeping(range(len(names)), forms, facts)
    assert kept == reading.keeping(range(len(names)), forms, facts)
    assert 10 < len(kept) < len(names) / 2


def test_the_bound_leaves_no_reference_cycle(screener_and_entities) -> None:  # type: ignore[no-untyped-def]
    """A run frees its bound (and the index and maps it holds) as it returns: a cycle would keep them until
    the collector's next pass, which a run holding the collector off pays for at its end."""
    screener, entities = screener_and_entities
    changed = ChangedEntries(screener.index, {e.id for e in entities[::5]}, screener.threshold)
    bound = changed.numbered(())
    bound.may_match_forms(name_forms("Kim Jong Un", "Person"), QueryFacts(None, None, None, None))
    changed.may_match(name_forms("Kim Jong Un", "Person"), QueryFacts(None, None, None, None))
    gone = weakref.ref(changed)
    enabled = gc.isenabled()
    gc.disable()
    try:
        del changed, bound
        assert gone() is None
    finally:
        if enabled:
            gc.enable()


def test_a_spelling_that_is_also_a_changed_word_files_both_names() -> None:
    """AL SULTAN written together is ALSULTAN, one vocabulary word with ALSULTAN TRADING's: when both names
    changed, the word holds one name as a word and the other as two words written together, and a query
    matching the second through the spelling is kept."""

    def entity(number: str, name: str, schema: Schema) -> Entity:
        return Entity(id=f"t-{number}", source="t", source_id=number, schema=schema, names=[Name(name)])

    entities = [
        entity("1", "MUTAB AL SULTAN", Schema.PERSON),
        entity("2", "ALSULTAN TRADING", Schema.ORGANIZATION),
        entity("3", "MARIA GARCIA LOPEZ", Schema.PERSON),
    ]
    screener = Screener(build_index(entities))
    changed = ChangedEntries(screener.index, ["t-1", "t-2"], screener.threshold)
    assert screener.index.vocab_index["alsultan"] < screener.index.merged_from  # a word, and a spelling
    for name in ("Mutab Alsultan", "Alsultan Mutab"):
        query = Query.build(name, "person")
        found = screener.screen(query, threshold=screener.threshold, limit=5)
        assert [m.entity_id for m in found.matches if m.match] == ["t-1"]
        assert changed.may_match(name_forms(query.name, query.schema), QueryFacts.of(query)), name
