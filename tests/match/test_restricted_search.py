"""A screening restricted to some entities walks only their names, and finds exactly what the whole search
finds among them: the same entities, the same scores, in the same order."""

from __future__ import annotations

import csv

from proscribe.match import Query, Screener, build_index
from proscribe.model import Entity
from proscribe.sources import FORMATS
from proscribe.sources.detect import scan
from tests.conftest import BENCH, LISTS


def test_a_restricted_screening_finds_what_the_whole_one_finds_among_those_entities() -> None:
    entities: list[Entity] = []
    for list_file in scan([LISTS / "un"]).lists:
        entities.extend(FORMATS[list_file.format].parse(list_file))
    screener = Screener(build_index(entities))
    restricted = frozenset(entity.id for entity in entities[::4])
    names: list[str] = []
    for file_name in ("positives_un_treated.csv", "negatives_global.csv"):
        with (BENCH / file_name).open(encoding="utf-8", newline="") as handle:
            names += [row["full_name"] for _, row in zip(range(250), csv.DictReader(handle), strict=False)]
    found = 0
    for name in names:
        query = Query(name=name)
        within = screener.screen(query, limit=1000, entity_ids=restricted).matches
        everywhere = [m for m in screener.screen(query, limit=1000).matches if m.entity_id in restricted]
        assert [(m.entity_id, m.score) for m in within] == [(m.entity_id, m.score) for m in everywhere], name
        found += bool(within)
    assert found > 40
