"""The FtM <-> proscribe mapping on its own: examples in, entities out."""

from __future__ import annotations

import pytest

from proscribe.api.yente import best_per_entity, entity_properties, explanations, parse_example
from proscribe.match import Explanation, Feature, Match
from proscribe.model import Address, Entity, Identifier, IdType, Name, NameKind, PartialDate, Schema, Vessel


def test_person_example_with_name_parts() -> None:
    parsed = parse_example(
        "Person",
        {"firstName": ["Arkadii"], "fatherName": ["Romanovich"], "lastName": ["Rotenberg", "Ротенберг"],
         "birthDate": ["1951-12-15T00:00:00"], "nationality": ["Russia"], "passportNumber": "12 345"},
    )  # fmt: skip
    assert parsed.names == ["Arkadii Romanovich Rotenberg"]
    assert parsed.types == ("person",) and parsed.query_type == "person"
    assert parsed.date_of_birth == "1951-12-15"
    assert parsed.country == "RU"
    assert parsed.id_number == "12 345"
    assert parsed.cleaned["nationality"] == ["ru"]
    assert parsed.cleaned["birthDate"] == ["1951-12-15"]


def test_company_and_legal_entity() -> None:
    company = parse_example("Company", {"name": ["Stroygazmontazh", "SGM"], "jurisdiction": ["Atlantis", "ru"]})
    assert company.names == ["Stroygazmontazh", "SGM"] and company.query_type == "organization"
    assert company.country == "RU"  # the unknown value is dropped, as yente drops it
    legal = parse_example("LegalEntity", {"name": "Hikvision", "birthDate": ["not a date"]})
    assert legal.types == ("person", "organization") and legal.query_type is None
    assert legal.date_of_birth is None


@pytest.mark.parametrize(
    ("schema", "properties", "message"),
    [("Document", {"name": ["x"]}, "cannot be matched"), ("Person", {"birthDate": ["1970"]}, "no name"),
     ("Person", {"name": [{"nested": "entity"}, 5.0]}, None)],
)  # fmt: skip
def test_examples_that_cannot_be_screened(schema: str, properties: dict[str, object], message: str | None) -> None:
    if message is None:
        assert parse_example(schema, properties).names == ["5.0"]  # numbers are text, nested entities ignored
        return
    with pytest.raises(ValueError, match=message):
        parse_example(schema, properties)


def test_entity_properties_use_ftm_names() -> None:
    entity = Entity(
        id="us_ofac_sdn-1", source="us_ofac_sdn", source_id="1", schema=Schema.VESSEL,
        names=[Name("OCEAN STAR"), Name("STAR", NameKind.AKA), Name("OLD STAR", NameKind.FKA),
               Name("O.S.", NameKind.WEAK)],
        programs=["IRAN"], addresses=[Address(city="Bandar Abbas", country="IR")],
        identifiers=[Identifier(IdType.IMO, "9187629"), Identifier(IdType.OTHER, "X-1")],
        vessel=Vessel(call_sign="EPBZ", flag="IR", vessel_type="Crude Oil Tanker"),
        birth_dates=[PartialDate("1999")], listed_on="2012-07-12",
    )  # fmt: skip
    props = entity_properties(entity)
    assert props["name"] == ["OCEAN STAR"] and props["alias"] == ["STAR"]
    assert props["previousName"] == ["OLD STAR"] and props["weakAlias"] == ["O.S."]
    assert props["imoNumber"] == ["9187629"] and props["idNumber"] == ["X-1"]
    assert props["flag"] == ["ir"] and props["country"] == ["ir"] and props["callSign"] == ["EPBZ"]
    assert props["address"] == ["Bandar Abbas"]
    assert props["programId"] == ["IRAN"] and props["topics"] == ["sanction"]
    assert props["createdAt"] == ["2012-07-12"]
    assert all(values for values in props.values())


def _match(entity_id: str, score: float) -> Match:
    explanation = Explanation(
        "NAME", score,
        [Feature("token_exact", 1.0, 0.5, "a ~ a"), Feature("token_exact", 1.0, 0.5, "b ~ b")], "summary",
    )  # fmt: skip
    return Match(entity_id, "un_sc", entity_id, "person", "NAME", "NAME", score, score >= 0.8, [], explanation)


def test_explanations_add_up_repeated_features() -> None:
    found = explanations(_match("a", 0.9), "Name")
    assert found["name"] == {"score": 0.9, "detail": "summary", "query": "Name", "candidate": "NAME"}
    assert found["token_exact"] == {"score": 1.0, "detail": "a ~ a; b ~ b"}


def test_best_score_per_entity_across_names() -> None:
    merged = best_per_entity([("first", [_match("a", 0.7), _match("b", 0.9)]), ("second", [_match("a", 0.95)])])
    assert [(m.entity_id, m.score, name) for m, name in merged] == [("a", 0.95, "second"), ("b", 0.9, "first")]
