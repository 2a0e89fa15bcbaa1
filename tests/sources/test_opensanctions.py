"""The OpenSanctions FollowTheMoney JSON-lines parser: parties, and the links that arrive around them."""

from __future__ import annotations

import contextlib
import json
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from proscribe.model import Entity, IdType, NameKind, Schema
from proscribe.sources import FORMATS
from proscribe.sources.base import ListFile, ListFormatError
from proscribe.sources.opensanctions import PARTY_SCHEMAS, claim, parse
from tests.conftest import FIXTURES, LISTS

FTM_FILE = FIXTURES / "opensanctions" / "entities.ftm.json"
FTM_BYTES = FTM_FILE.read_bytes()
RECORDS: list[dict[str, Any]] = [json.loads(line) for line in FTM_BYTES.splitlines() if line.strip()]


def _parse(path: Path) -> list[Entity]:
    return list(parse(ListFile("opensanctions", "opensanctions", [path])))


def _parse_bytes(data: bytes) -> list[Entity]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "entities.ftm.json"
        path.write_bytes(data)
        return _parse(path)


def _lines(*records: dict[str, Any]) -> bytes:
    return b"".join(json.dumps(record).encode() + b"\n" for record in records)


@pytest.fixture(scope="module")
def entities() -> dict[str, Entity]:
    return {e.source_id: e for e in _parse(FTM_FILE)}


def test_registered() -> None:
    assert FORMATS["opensanctions"].default_source == "opensanctions"


def test_only_parties_become_entities(entities: dict[str, Entity]) -> None:
    parties = [r["id"] for r in RECORDS if r["schema"] in PARTY_SCHEMAS]
    assert sorted(entities) == sorted(parties)
    assert len(entities) == 7
    assert all(e.id == f"opensanctions-{e.source_id}" for e in entities.values())


def test_person(entities: dict[str, Entity]) -> None:
    putin = entities["Q7747"]
    assert putin.schema is Schema.PERSON
    assert putin.caption == "Vladimir Putin"
    kinds = {(n.value, n.kind) for n in putin.names}
    assert ("Владимир Владимирович Путин", NameKind.AKA) in kinds
    assert ("Vova", NameKind.WEAK) in kinds
    assert [d.value for d in putin.birth_dates] == ["1952-10-07"]
    assert putin.nationalities == ["RU"] and putin.countries == ["RU"]
    assert putin.gender == "male"
    assert putin.attributes["position"] == ["President of the Russian Federation"]
    assert putin.attributes["topics"] == ["sanction", "role.pep"]
    assert putin.attributes["target"] == ["true"]


def test_sanctions_after_the_party_are_attached(entities: dict[str, Entity]) -> None:
    putin = entities["Q7747"]
    assert putin.programs == ["RUSSIA-EO14024", "The Russia (Sanctions) (EU Exit) Regulations 2019"]
    assert putin.listed_on == "2022-02-25"
    assert putin.attributes["sanction_authority"] == ["Office of Foreign Assets Control", "HM Treasury"]
    assert putin.attributes["sanction_reason"] == ["Asset freeze"]


def test_sanctions_before_the_party_are_attached(entities: dict[str, Entity]) -> None:
    darya = entities["ofac-27304"]
    assert RECORDS[0]["schema"] == "Sanction" and RECORDS[0]["properties"]["entity"] == ["ofac-27304"]
    assert darya.schema is Schema.VESSEL
    assert darya.programs == ["SDGT"]
    assert darya.listed_on == "2019-08-30"
    assert darya.vessel is not None and darya.vessel.flag == "IR" and darya.vessel.vessel_type == "Crude Oil Tanker"
    assert [(i.type, i.value) for i in darya.identifiers] == [(IdType.IMO, "9116412")]


def test_ownership_links_both_sides(entities: dict[str, Entity]) -> None:
    trade, rosneft = entities["ofac-18300"], entities["ofac-17186"]
    assert [(r.type, r.target_name, r.target_id, r.share) for r in trade.relations] == [
        ("owner", "ROSNEFT", rosneft.id, 100.0)
    ]
    assert [(r.type, r.target_id) for r in rosneft.relations] == [("asset", trade.id)]
    assert ("TNK TRADE LIMITED", NameKind.FKA) in {(n.value, n.kind) for n in trade.names}
    assert trade.countries == ["CY"]
    assert {(i.type, i.value) for i in rosneft.identifiers} >= {
        (IdType.TAX_ID, "7706107510"),
        (IdType.REGISTRATION, "1027700043502"),
        (IdType.WEBSITE, "www.rosneft.ru"),
    }


def test_family_links_and_dangling_links(entities: dict[str, Entity]) -> None:
    putin, daughter = entities["Q7747"], entities["Q4167543"]
    # The Associate record points at a party that is not in the file: no relation to a bare id.
    assert [(r.type, r.target_name, r.note) for r in putin.relations] == [("family", "Maria Vorontsova", "daughter")]
    assert [r.target_id for r in daughter.relations] == [putin.id]


def test_legal_entity_and_created_at(entities: dict[str, Entity]) -> None:
    airline = entities["NK-5pJ7rYhfsyUyyeqHkuUyQo"]
    assert airline.schema is Schema.ORGANIZATION
    assert airline.attributes["ftm_schema"] == ["LegalEntity"]
    assert airline.countries == ["IQ", "AE"]
    assert airline.listed_on == "2017-12-29"


def test_airplane_and_odd_country_codes() -> None:
    plane = {
        "id": "ofac-airplane-1",
        "schema": "Airplane",
        "properties": {
            "name": ["EP-MNB"],
            "registrationNumber": ["EP-MNB"],
            "serialNumber": ["1234"],
            "country": ["suhh", "ua-cri", "zz"],
        },
    }
    (entity,) = _parse_bytes(_lines(plane))
    assert entity.schema is Schema.AIRCRAFT
    assert {(i.type, i.value) for i in entity.identifiers} == {
        (IdType.AIRCRAFT_TAIL, "EP-MNB"),
        (IdType.AIRCRAFT_SERIAL, "1234"),
    }
    assert entity.countries == ["UA"]  # Crimea resolves to Ukraine; historic and unknown codes are dropped


def test_claims_only_ftm_json_lines() -> None:
    files = sorted(p for p in LISTS.rglob("*") if p.is_file()) + sorted(p for p in FIXTURES.rglob("*") if p.is_file())
    assert [lf.paths[0] for lf in claim(files)] == [FTM_FILE]


@pytest.mark.parametrize(
    ("data", "where", "message"),
    [
        (_lines(RECORDS[1], RECORDS[2]) + b'{"id": "x", "schema": \n', "line 3", "bad JSON"),
        (_lines(RECORDS[1]) + b"[1, 2]\n", "line 2", "expected a JSON object"),
        (_lines({"id": "x", "properties": {}}), "line 1", "'schema'"),
        (_lines({"id": "x", "schema": "Person", "properties": {"name": [1]}}), "line 1", "property 'name'"),
        (_lines(RECORDS[1]) + b'{"id": "\xff"}\n', "line 2", "not UTF-8"),
        (b"Name,City\nX,Y\n", "line 1", "bad JSON"),
    ],
)
def test_malformed_input_is_reported_with_its_place(data: bytes, where: str, message: str) -> None:
    with pytest.raises(ListFormatError) as caught:
        _parse_bytes(data)
    assert caught.value.where == where
    assert message in caught.value.message


def _only_list_format_errors(data: bytes) -> None:
    with contextlib.suppress(ListFormatError):
        _parse_bytes(data)


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=2000), st.sampled_from([b"", b"{", FTM_BYTES.split(b"\n", 1)[0] + b"\n"]))
def test_random_bytes_raise_only_list_format_errors(data: bytes, prefix: bytes) -> None:
    _only_list_format_errors(prefix + data)


@settings(max_examples=40, deadline=None)
@given(st.integers(min_value=0, max_value=len(FTM_BYTES)))
def test_truncated_file_raises_only_list_format_errors(offset: int) -> None:
    _only_list_format_errors(FTM_BYTES[:offset])


PROPERTY_KEYS = sorted({f"properties.{key}" for record in RECORDS for key in record["properties"]})
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)


@settings(max_examples=100, deadline=None)
@given(
    st.integers(min_value=0, max_value=len(RECORDS) - 1),
    st.sampled_from(["id", "schema", "caption", "properties", "target", "datasets", *PROPERTY_KEYS]),
    JSON_VALUES,
)
def test_mutated_records_raise_only_list_format_errors(index: int, key: str, value: Any) -> None:
    records = json.loads(json.dumps(RECORDS))
    if key.startswith("properties."):
        records[index]["properties"][key.removeprefix("properties.")] = value
    else:
        records[index][key] = value
    _only_list_format_errors(_lines(*records))
