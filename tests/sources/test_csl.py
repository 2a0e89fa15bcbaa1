"""The Consolidated Screening List parser: today's CSV, the 2019 CSV, consolidated.json, broken variants."""

from __future__ import annotations

import contextlib
import csv
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
from proscribe.sources.csl import claim, list_code, parse, partial_date
from tests.conftest import FIXTURES, LISTS

TODAY_FILE = LISTS / "csl" / "consolidated_sample.csv"
OLD_FILE = LISTS / "csl" / "csl_2019_sample.csv"
JSON_FILE = FIXTURES / "csl" / "consolidated.json"
OLD_BYTES = OLD_FILE.read_bytes() if OLD_FILE.exists() else b""
TODAY_BYTES = TODAY_FILE.read_bytes() if TODAY_FILE.exists() else b""
JSON_DOCUMENT: dict[str, Any] = json.loads(JSON_FILE.read_text(encoding="utf-8"))


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _parse(path: Path) -> list[Entity]:
    return list(parse(ListFile("csl", "us_trade_csl", [path])))


def _parse_bytes(data: bytes, name: str = "consolidated.csv") -> list[Entity]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        return _parse(path)


@pytest.fixture(scope="module")
def today(lists_dir: Path) -> list[Entity]:
    return _parse(lists_dir / "csl" / "consolidated_sample.csv")


@pytest.fixture(scope="module")
def old(lists_dir: Path) -> list[Entity]:
    return _parse(lists_dir / "csl" / "csl_2019_sample.csv")


def one(entities: list[Entity], caption: str) -> Entity:
    (entity,) = [e for e in entities if e.caption == caption]
    return entity


def test_registered() -> None:
    assert FORMATS["csl"].default_source == "us_trade_csl"


def test_today_schema_one_entity_per_row_keyed_by_id(today: list[Entity]) -> None:
    rows = _rows(TODAY_FILE)
    assert len(today) == len(rows) == 13
    assert [e.id for e in today] == [f"us_trade_csl-{row['_id']}" for row in rows]


def test_2019_schema_ids_are_derived_and_stable(old: list[Entity]) -> None:
    rows = _rows(OLD_FILE)
    assert len(old) == len(rows) == 115
    assert len({e.id for e in old}) == len(old)
    assert one(old, "200G PSA HOLDINGS LLC").source_id == "SDN-20264"
    assert one(old, "BANK OF KUNLUN CO LTD").source_id == "CAP-15268"
    unnumbered = [e for e, row in zip(old, rows, strict=True) if not row["entity_number"]]
    assert all(e.source_id.split("-")[0] in {"EL", "DPL", "UVL", "ISN", "DTC"} for e in unnumbered)
    assert [e.id for e in _parse(OLD_FILE)] == [e.id for e in old]
    # One name listed at several addresses stays several entries with distinct ids.
    assert len({e.id for e in old if e.caption == "Gunther Migeotte"}) == 5


def test_huawei_affiliates_on_the_entity_list(old: list[Entity]) -> None:
    expected = [r for r in _rows(OLD_FILE) if "(EL)" in r["source"] and "huawei" in r["name"].lower()]
    found = [e for e in old if e.attributes["list"] == ["EL"] and "huawei" in e.caption.lower()]
    assert len(found) == len(expected) >= 1
    guian = found[0]
    # The file carries a Windows-1252 apostrophe as a C1 control character; it is restored.
    assert guian.caption == "Gui\u2019an New District Huawei Investment Co., Ltd., Guiyang, Guizhou"
    assert guian.schema is Schema.ORGANIZATION
    assert guian.programs == ["EL"]
    assert guian.listed_on == "2019-05-21"
    assert guian.countries == ["CN"]
    assert guian.attributes["federal_register_notice"] == ["84 FR 22961"]
    assert guian.attributes["license_policy"] == ["Presumption of denial"]


def test_list_codes() -> None:
    assert list_code("Entity List (EL) - Bureau of Industry and Security") == "EL"
    assert list_code("Military End User (MEU) List - Bureau of Industry and Security") == "MEU"
    assert list_code("Non-SDN Menu-Based Sanctions List (NS-MBS List) - Treasury Department") == "MBS"
    assert list_code("Capta List (CAP) - Treasury Department") == "CAP"
    assert list_code("SDN") == "SDN"


def test_today_schema_fields(today: list[Entity]) -> None:
    rim = one(today, "RIM, Ryong Nam")
    assert rim.schema is Schema.PERSON
    assert rim.programs == ["SDN", "NPWMD"]
    assert rim.gender == "male"
    assert rim.nationalities == ["KP"]
    assert [d.value for d in rim.birth_dates] == ["1978-12-05"]
    assert [(i.type, i.value, i.country) for i in rim.identifiers] == [(IdType.PASSPORT, "836238033", "KP")]
    assert rim.countries == ["KP", "CN"]
    assert "North Korea Sanctions Regulations" in rim.attributes["Secondary sanctions risk"][0]
    sme = one(today, "SME BANK")
    assert {(i.type, i.value) for i in sme.identifiers} >= {(IdType.BIC, "RUDVRUMM"), (IdType.WEBSITE, "mspbank.ru")}
    assert sme.attributes["Executive Order 13662 Directive Determination"] == ["Subject to Directive 1"]
    tnk = one(today, "TNK Trading International S.A.")
    assert tnk.programs == ["SSI", "VENEZUELA-EO13850", "UKRAINE-EO13662"]
    assert (IdType.TAX_ID, "CHE-267.936.404", "CH") in {(i.type, i.value, i.country) for i in tnk.identifiers}


def test_successor_clause_is_cut_into_an_alias(today: list[Entity]) -> None:
    sino = today[0]
    assert sino.caption == "Sinobright Import and Export Company; and any successor, sub-unit, or subsidiary thereof"
    assert [n.value for n in sino.names if n.kind is NameKind.AKA] == ["Sinobright Import and Export Company"]
    assert sino.attributes["name_qualifier"] == ["and any successor, sub-unit, or subsidiary thereof"]
    assert sino.programs == ["ISN", "INKSNA"]
    assert sino.listed_on == "2023-07-19"


def test_2019_schema_fields(old: list[Entity]) -> None:
    psa = one(old, "200G PSA HOLDINGS LLC")
    # 2019 writes ids as "country, number, label".
    assert [(i.type, i.value, i.country, i.label) for i in psa.identifiers] == [
        (IdType.TAX_ID, "80-0890696", "US", "Tax ID No.")
    ]
    vessel = one(old, "7-28")
    assert vessel.schema is Schema.VESSEL
    assert vessel.vessel is not None and vessel.vessel.flag == "KP"
    assert [(i.type, i.value) for i in vessel.identifiers] == [(IdType.IMO, "8898831")]
    assert [(r.type, r.target_name) for r in vessel.relations] == [("linked_to", "YUSONG SHIPPING CO")]
    mazidih = one(old, "AL MAZIDIH, Ghazy Fezza Hishan")
    assert [d.value for d in mazidih.birth_dates] == ["1974", "1975"]
    cetc = one(old, "54th Research Institute of China")
    assert "Shijiazhuang Communication Observation and Control Technology Institute." in [n.value for n in cetc.names]
    hernandez = one(old, "ADRIAN MANUEL HERNANDEZ")
    assert hernandez.schema is Schema.PERSON
    assert hernandez.attributes["schema_inferred"] == ["true"]
    assert hernandez.countries == ["US"]  # "..., PHONEIX, AZ, 85043": a US address without its country
    assert one(old, "A & C International Trade, Inc.").schema is Schema.ORGANIZATION


def test_json_results(lists_dir: Path) -> None:
    entities = _parse(JSON_FILE)
    results = JSON_DOCUMENT["results"]
    assert len(entities) == len(results)
    huawei = one(entities, "Huawei Technologies Co., Ltd. (Huawei)")
    assert huawei.source_id == results[0]["id"]
    assert huawei.programs == ["EL"]
    assert huawei.addresses[0].city == "Shenzhen" and huawei.addresses[0].country == "CN"
    darya = one(entities, "ADRIAN DARYA 1")
    assert darya.schema is Schema.VESSEL
    assert [(i.type, i.value) for i in darya.identifiers] == [(IdType.IMO, "9116412")]
    assert darya.attributes["Former Vessel Flag"] == ["Panama"]
    rim = one(entities, "RIM, Ryong Nam")
    assert rim.gender == "male" and rim.countries == ["KP", "CN"]
    debarred = one(entities, "Cesareo Estanislao Benitez")  # no "id": derived like the 2019 CSV
    assert debarred.source_id.startswith("DTC-")
    assert debarred.schema is Schema.PERSON


def test_partial_dates() -> None:
    assert partial_date("1955") == "1955"
    assert partial_date("12 Jan 1960") == "1960-01-12"
    assert partial_date("Sep 1960") == "1960-09"
    assert partial_date("1960-13-01") is None
    assert partial_date("unknown") is None


def test_exact_duplicate_rows_get_distinct_ids() -> None:
    header, row = OLD_BYTES.splitlines(keepends=True)[:2]
    ids = [e.id for e in _parse_bytes(header + row + row)]
    assert ids[1] == ids[0] + "-2"


def test_claims_the_three_layouts_and_nothing_else() -> None:
    files = sorted(p for p in LISTS.rglob("*") if p.is_file()) + sorted(p for p in FIXTURES.rglob("*") if p.is_file())
    assert sorted(lf.paths[0] for lf in claim(files)) == sorted([TODAY_FILE, OLD_FILE, JSON_FILE])


@pytest.mark.parametrize(
    ("data", "name", "where", "message"),
    [
        (OLD_BYTES.split(b"\n", 1)[0] + b"\nSDN,1,Entity\n", "a.csv", "row 2 (line 2)", "expected 28 columns, found 3"),
        (OLD_BYTES.split(b"\n", 1)[0] + b"\n\xff" + b"," * 27 + b"\n", "a.csv", "line 2", "not UTF-8"),
        (OLD_BYTES.split(b"\n", 1)[0] + b"\nEntity List (EL)" + b"," * 27 + b"\n", "a.csv", "row 2 (line 2)", "name"),
        (b"Name,City\nX,Y\n", "a.csv", "row 1", "not a Consolidated Screening List CSV"),
        (b'{"results": [1]}', "a.json", "results[0]", "expected an object"),
        (b'{"results": [{"name": ["x"]}]}', "a.json", "results[0]", "expected text"),
        (b'{"total": 1}', "a.json", None, "no 'results' list"),
        (b'{\n"results": [\n{"name": "x",}]}', "a.json", "line 3", "bad JSON"),
    ],
)
def test_malformed_input_is_reported_with_its_place(data: bytes, name: str, where: str | None, message: str) -> None:
    with pytest.raises(ListFormatError) as caught:
        _parse_bytes(data, name)
    assert caught.value.where == where
    assert message in caught.value.message


def _only_list_format_errors(data: bytes, name: str = "consolidated.csv") -> None:
    with contextlib.suppress(ListFormatError):
        _parse_bytes(data, name)


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=3000), st.sampled_from([b"", b"{", OLD_BYTES.split(b"\n", 1)[0] + b"\n"]))
def test_random_bytes_raise_only_list_format_errors(data: bytes, prefix: bytes) -> None:
    _only_list_format_errors(prefix + data)


@settings(max_examples=40, deadline=None)
@given(st.sampled_from([OLD_BYTES, TODAY_BYTES, JSON_FILE.read_bytes()]), st.floats(min_value=0, max_value=1))
def test_truncated_files_raise_only_list_format_errors(data: bytes, fraction: float) -> None:
    _only_list_format_errors(data[: int(len(data) * fraction)])


@settings(max_examples=80, deadline=None)
@given(
    st.sampled_from([OLD_BYTES, TODAY_BYTES]),
    st.lists(
        st.tuples(
            st.floats(min_value=0, max_value=1), st.sampled_from([b'"', b",", b";", b"\n", b"\xff", b"", b"\x92"])
        ),
        min_size=1,
        max_size=6,
    ),
)
def test_mutated_rows_raise_only_list_format_errors(data: bytes, edits: list[tuple[float, bytes]]) -> None:
    mutated = bytearray(data)
    for fraction, replacement in sorted(edits, reverse=True):
        position = min(int(len(mutated) * fraction), len(mutated) - 1)
        mutated[position : position + 1] = replacement
    _only_list_format_errors(bytes(mutated))


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)


@settings(max_examples=80, deadline=None)
@given(
    st.integers(min_value=0, max_value=len(JSON_DOCUMENT["results"]) - 1),
    st.sampled_from(sorted({key for result in JSON_DOCUMENT["results"] for key in result})),
    JSON_VALUES,
)
def test_mutated_json_records_raise_only_list_format_errors(index: int, key: str, value: Any) -> None:
    document = json.loads(json.dumps(JSON_DOCUMENT))
    document["results"][index][key] = value
    _only_list_format_errors(json.dumps(document).encode(), "consolidated.json")
