"""Per-word figures read from the carried maps' columns equal those found word by word, exactly."""

from __future__ import annotations

from proscribe.match import build_index
from proscribe.match.carried import CarriedMaps
from proscribe.match.delta import ChangedEntries
from proscribe.match.delta_queries import _owed, _single_gain, _token_facts
from proscribe.match.delta_words import word_columns
from proscribe.match.lookup_keys import FiledQueries
from proscribe.match.normalize import name_forms
from proscribe.match.search import merged_neighbours
from tests.match.test_carried import _entities, _forms, _names, _pairs


def test_columns_give_each_word_the_facts_and_figures_its_own_lookup_gives() -> None:
    """On real lists (an earlier edition's maps carried to a later one) and real names: every word the
    columns hold has the very bound and reach its map gives, and the very first-stage figure at two floors;
    a register's bound keeps the same queries with the columns as without them."""
    un, ofac = _entities("un"), _entities("ofac")
    earlier = build_index(un[::2] + ofac[::3])
    later = build_index(un[::3] + ofac[::2])
    forms = _forms()
    tokens = list(dict.fromkeys(token for form in forms for token in form))
    carried = CarriedMaps.of(
        earlier, tokens, _pairs(tokens, forms), lambda token: None, lambda a, b: merged_neighbours(earlier, a, b)
    ).rebased(later, tokens, FiledQueries.of(tokens))
    changed_ids = {entity.id for entity in (un[::3] + ofac[::2])[::4]}
    changed = ChangedEntries(later, changed_ids, 0.8, known=carried.known(tokens))
    columns = word_columns(changed, tokens, carried)
    found = [number for number in range(len(tokens)) if columns.found[number]]
    assert len(found) > 2000
    reaching = 0
    for number in found:
        facts = columns.facts(number)
        assert facts == _token_facts(changed, tokens, None, number), tokens[number].text
        reaching += bool(facts[2])
    assert reaching > 1000
    for floor in (0.8, 0.65):
        gains, slacks = columns.gains(floor), columns.slacks(floor)
        for number in found:
            facts = _token_facts(changed, tokens, None, number)
            gain = _single_gain(changed, facts, floor)
            assert gains[number] == gain and slacks[number] == gain - _owed(facts, floor, changed._heaviest)
            assert set(columns.reached_ids(number)) == facts[2].keys()
    # the whole bound, with the columns and without
    names = _names()
    numbered = {token: number for number, token in enumerate(tokens)}
    queries = [[tuple(numbered[t] for t in form.tokens) for form in name_forms(name)] for name in names]
    facts = [(None, None, None, None)] * len(names)
    reading = changed.numbered(tokens, carried)
    with_columns = reading.keeping(range(len(names)), queries, facts)
    assert reading._read  # many queries at once: the columns were read
    without = changed.numbered(tokens).keeping(range(len(names)), queries, facts)
    assert with_columns == without and 10 < len(without) < len(names) / 2
