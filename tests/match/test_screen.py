"""The index and the screener on small hand-built entities: candidates, facts, filters, persistence, output."""

from __future__ import annotations

from pathlib import Path

import pytest

from proscribe.match import IndexFormatError, Query, Screener, ScreeningIndex, build_index
from proscribe.match.index import MAGIC
from proscribe.model import Entity, Identifier, IdType, Name, NameKind, PartialDate, Schema


def person(
    source_id: str,
    *names: str,
    born: str | None = None,
    nationality: str | None = None,
    passport: str | None = None,
    program: str = "SDGT",
    source: str = "test_list",
) -> Entity:
    return Entity(
        id=f"{source}-{source_id}",
        source=source,
        source_id=source_id,
        schema=Schema.PERSON,
        names=[Name(n, NameKind.PRIMARY if i == 0 else NameKind.AKA) for i, n in enumerate(names)],
        programs=[program],
        birth_dates=[PartialDate(born)] if born else [],
        nationalities=[nationality] if nationality else [],
        identifiers=[Identifier(IdType.PASSPORT, passport)] if passport else [],
    )


def organisation(source_id: str, *names: str, source: str = "test_list") -> Entity:
    return Entity(
        id=f"{source}-{source_id}",
        source=source,
        source_id=source_id,
        schema=Schema.ORGANIZATION,
        names=[Name(n) for n in names],
        programs=["CMIC"],
    )


ENTITIES = [
    person("1", "ABDULHAI SALEK", born="1965", nationality="AF"),
    person("2", "AREFULLAH AREF GHAZI MOHAMMAD", born="1958", nationality="AF"),
    person("3", "ABDUL RAHMAN MUHAMMAD JIBRIL", born="1979-12-03", nationality="ID", passport="AB 123456"),
    person("4", "ZHANG, Lei", born="1961-05-01", nationality="CN"),
    person("5", "Mohammed Ali", born="1970", source="other_list", program="OTHER"),
    person("6", "Mohamed Ali Hassan", born="1950"),
    organisation("7", "HANGZHOU HIKVISION DIGITAL TECHNOLOGY CO., LTD.", "HIKVISION"),
    organisation("8", "Dahua Technology Company"),
    organisation("9", "DAHUA ELECTRONICS CORPORATION"),
    person("10", "Владимир Путин", "Vladimir Putin"),
]


@pytest.fixture(scope="module")
def screener() -> Screener:
    return Screener(build_index(ENTITIES))


def top(screener: Screener, query: Query | str) -> str | None:
    result = screener.screen(query)
    return result.matches[0].entity_id if result.matches else None


def test_exact_and_reordered_names_alert(screener: Screener) -> None:
    result = screener.screen("SALEK, ABDULHAI")
    assert result.alert
    assert result.matches[0].entity_id == "test_list-1"
    assert result.matches[0].score == 1.0


def test_typos_and_dropped_names(screener: Screener) -> None:
    assert top(screener, "AREFULLAHA REF GHAZI MOHAMMAD") == "test_list-2"
    assert screener.screen("AREFULLAH GHAZI MOHAMMAD").alert


def test_merged_tokens_and_scripts(screener: Screener) -> None:
    assert top(screener, "ABDULRAHMAN MUHAMMAD JIBRIL") == "test_list-3"
    assert top(screener, "Путин Владимир") == "test_list-10"


def test_a_shifted_birth_year_lowers_a_strong_match_without_sinking_it(screener: Screener) -> None:
    exact = screener.screen(Query.build("ABDULHAI SALEK", date_of_birth="1965", country="Afghanistan"))
    shifted = screener.screen(Query.build("ABDULHAI SALEK", date_of_birth="1970", country="AF"))
    assert exact.matches[0].score > shifted.matches[0].score
    assert shifted.alert
    names = {f.name for f in shifted.matches[0].explanation.features}
    assert "date_of_birth" in names


def test_a_weak_name_with_contrary_facts_does_not_alert(screener: Screener) -> None:
    assert screener.screen("ZHANG Lei").alert  # the name alone: an analyst must see it
    contrary = screener.screen(Query.build("Zhang Lei", date_of_birth="1990-02-03", country="Taiwan"))
    assert not contrary.alert


def test_identifier_is_decisive(screener: Screener) -> None:
    result = screener.screen(Query.build("Somebody Else Entirely", id_number="ab-123456"))
    assert result.alert
    assert result.matches[0].entity_id == "test_list-3"
    assert result.matches[0].explanation.features[0].name == "identifier_match"


def test_schema_and_filters(screener: Screener) -> None:
    assert top(screener, "Mohammed Ali") == "other_list-5"
    assert top(screener.__class__(screener.index), Query.build("Mohammed Ali")) == "other_list-5"
    filtered = screener.screen("Mohammed Ali", sources=["test_list"])
    assert all(m.source == "test_list" for m in filtered.matches)
    programs = screener.screen("Mohammed Ali", programs=["OTHER"])
    assert [m.entity_id for m in programs.matches] == ["other_list-5"]
    organisations = screener.screen("Mohammed Ali", schemas=["organization"])
    assert organisations.matches == []
    typed = screener.screen(Query.build("HIKVISION", schema="person"))
    assert typed.matches[0].score < 1.0  # a person query against a company: the type conflict lowers it


def test_organisations(screener: Screener) -> None:
    assert top(screener, "Hikvision") == "test_list-7"
    assert top(screener, "HIK VISION DIGITAL TECH") == "test_list-7"
    result = screener.screen("Zhejiang Dahua Technology Co.")
    ranked = [m.entity_id for m in result.matches]
    assert ranked[0] == "test_list-8"
    assert "test_list-9" not in ranked or ranked.index("test_list-9") > 0


def test_output_contract(screener: Screener) -> None:
    data = screener.screen(Query.build("ABDULHAI SALEK", id="row-7")).to_dict()
    assert set(data) == {"id", "query", "alert", "matches"}
    assert data["id"] == "row-7"
    match = data["matches"][0]
    assert set(match) == {
        "entity_id", "source", "source_id", "schema", "caption", "matched_name", "score", "match", "programs",
        "explanation",
    }  # fmt: skip
    assert match["match"] is True
    explanation = match["explanation"]
    assert explanation["matched_name"] == "ABDULHAI SALEK"
    assert {"name", "value", "weight", "detail"} == set(explanation["features"][0])
    scores = [m["score"] for m in data["matches"]]
    assert scores == sorted(scores, reverse=True)


def test_threshold_and_limit(screener: Screener) -> None:
    strict = screener.screen("Mohamed Ali", threshold=0.99, limit=1)
    assert len(strict.matches) <= 1
    assert all(m.match == (m.score >= 0.99) for m in strict.matches)


def test_save_and_load_round_trip(screener: Screener, tmp_path: Path) -> None:
    path = tmp_path / "screening.idx"
    screener.index.save(path)
    loaded = Screener.load(path)
    for query in ("SALEK ABDULHAI", "Hikvision", "Mohamed Aly Hasan", "Vladmir Putin"):
        assert loaded.screen(query).to_dict() == screener.screen(query).to_dict()


def test_stale_or_foreign_files_are_refused(screener: Screener, tmp_path: Path) -> None:
    foreign = tmp_path / "foreign.idx"
    foreign.write_bytes(b"not an index")
    with pytest.raises(IndexFormatError):
        ScreeningIndex.load(foreign)
    stale = tmp_path / "stale.idx"
    stale.write_bytes(MAGIC + (0).to_bytes(2, "big") + b"\0" * 16)
    with pytest.raises(IndexFormatError, match="rebuild"):
        ScreeningIndex.load(stale)


def test_ofac_algorithm(screener: Screener) -> None:
    ofac = Screener(screener.index, algorithm="ofac")
    result = ofac.screen("Abdulhai Salek")
    assert result.matches[0].entity_id == "test_list-1"
    assert result.matches[0].explanation.features[0].name == "ofac_score"
    assert ofac.threshold == pytest.approx(0.85)


def test_compare_with_the_index_weights_rare_words_more(screener: Screener) -> None:
    common = screener.compare("Mohammed Ali Zzyzx", "Mohammed Ali")
    rare = screener.compare("Salek Abdulhai Zzyzx", "Salek Abdulhai")
    assert rare.score < 1.0 and common.score < 1.0


def test_a_date_of_birth_makes_the_query_a_person(screener: Screener) -> None:
    plain = screener.screen("Hikvision")
    dated = screener.screen(Query.build("Hikvision", date_of_birth="1980-01-01"))
    assert dated.matches[0].score < plain.matches[0].score
    conflict = next(f for f in dated.matches[0].explanation.features if f.name == "schema_conflict")
    assert "date of birth" in conflict.detail
