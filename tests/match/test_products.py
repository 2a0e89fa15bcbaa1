"""The product cases from the screening issue, on every real list snapshot (built once per module)."""

from __future__ import annotations

import pytest

from proscribe.match import DEFAULT_THRESHOLD, Screener, build_index
from proscribe.model import Entity
from proscribe.sources import FORMATS
from proscribe.sources.detect import scan
from tests.conftest import LISTS

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def screener() -> Screener:
    if not LISTS.is_dir():
        pytest.fail(f"the shared list snapshots are missing: {LISTS}")
    entities: dict[str, Entity] = {}
    for list_file in scan([LISTS]).lists:
        for entity in FORMATS[list_file.format].parse(list_file):
            entities.setdefault(entity.id, entity)
    return Screener(build_index(entities.values()))


@pytest.mark.parametrize(
    "query", ["Hikvision", "HIK VISION DIGITAL TECH", "Hangzhou Hikvision Digital Technology Company"]
)
def test_hikvision_finds_the_ns_cmic_listing_first(screener: Screener, query: str) -> None:
    result = screener.screen(query)
    assert result.alert
    assert result.matches[0].entity_id == "us_ofac_cons-30946"


def test_dahua_ranks_the_covered_list_above_the_unrelated_denied_person(screener: Screener) -> None:
    ranked = [m.entity_id for m in screener.screen("Zhejiang Dahua Technology Co.").matches]
    covered = next(i for i, entity in enumerate(ranked) if entity.startswith("us_fcc_covered-dahua"))
    denied = [i for i, entity in enumerate(ranked) if entity.startswith("us_bis_dpl-dahua-electronics")]
    assert not denied or covered < denied[0]


@pytest.mark.parametrize(("name1", "name2"), [("Belletech Corp", "11420 Corp"), ("Emma Daniels", "Emma LLC")])
def test_naive_fuzzy_false_alerts_are_not_matches(screener: Screener, name1: str, name2: str) -> None:
    assert screener.compare(name1, name2).score < DEFAULT_THRESHOLD


@pytest.mark.parametrize("query", ["Acme Corp", "ACME CORPORATION"])
def test_a_sound_key_alone_does_not_make_short_words_alike(screener: Screener, query: str) -> None:
    """ACME and AQIM (an alias of the Salafist Group for Call and Combat) share the metaphone key AKM."""
    result = screener.screen(query)
    assert not any(m.match for m in result.matches), [(m.matched_name, m.score) for m in result.matches]


def test_cross_script_names_find_listed_people(screener: Screener) -> None:
    assert screener.compare("محمد علي", "Mohamed Ali").match
    assert screener.compare("김정은", "Kim Jong Un").match
    assert screener.compare("Владимир Путин", "Vladimir Putin").score == 1.0
