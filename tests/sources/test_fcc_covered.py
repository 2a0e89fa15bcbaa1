"""The FCC Covered List parser: companies cut out of equipment descriptions."""

from __future__ import annotations

import contextlib
import csv
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from proscribe.model import Entity, NameKind, Schema
from proscribe.sources import FORMATS
from proscribe.sources.base import ListFile, ListFormatError
from proscribe.sources.fcc_covered import claim, company_names, parse
from tests.conftest import FIXTURES, LISTS

FCC_FILE = LISTS / "fcc" / "covered_list.csv"
FCC_BYTES = FCC_FILE.read_bytes() if FCC_FILE.exists() else b""
HEADER = b"covered_equipment_or_services,date_of_inclusion_on_covered_list\n"
# Read off each row of the real file by hand: the company each description names.
COMPANIES_BY_ROW = [
    ["Huawei Technologies Company"],
    ["ZTE Corporation"],
    ["Hytera Communications Corporation"],
    ["Hangzhou Hikvision Digital Technology Company"],
    ["Dahua Technology Company"],
    ["AO Kaspersky Lab"],
    ["China Mobile International USA Inc."],
    ["China Telecom (Americas) Corp."],
    ["Pacific Networks Corp", "ComNet (USA) LLC"],
    ["China Unicom (Americas) Operations Limited"],
    ["Kaspersky Lab, Inc."],
]


@pytest.fixture(scope="module")
def entities(lists_dir: Path) -> list[Entity]:
    return list(parse(ListFile("fcc_covered", "us_fcc_covered", [lists_dir / "fcc" / "covered_list.csv"])))


def one(entities: list[Entity], caption: str) -> Entity:
    (entity,) = [e for e in entities if e.caption == caption]
    return entity


def _parse_bytes(data: bytes) -> list[Entity]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "covered_list.csv"
        path.write_bytes(data)
        return list(parse(ListFile("fcc_covered", "us_fcc_covered", [path])))


def test_registered() -> None:
    assert FORMATS["fcc_covered"].default_source == "us_fcc_covered"


def test_one_entity_per_company(entities: list[Entity]) -> None:
    with FCC_FILE.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == len(COMPANIES_BY_ROW)
    for row, names in zip(rows, COMPANIES_BY_ROW, strict=True):
        assert all(name in row["covered_equipment_or_services"] for name in names)
    expected = {name for names in COMPANIES_BY_ROW for name in names}
    assert len(entities) == len(expected) == 12
    assert {e.caption for e in entities} == expected
    assert all(e.schema is Schema.ORGANIZATION and e.programs == ["FCC-COVERED"] for e in entities)
    assert len({e.id for e in entities}) == len(entities)


def test_hikvision_and_dahua(entities: list[Entity]) -> None:
    dahua = one(entities, "Dahua Technology Company")
    hikvision = one(entities, "Hangzhou Hikvision Digital Technology Company")
    for entity in (dahua, hikvision):
        assert entity.listed_on == "2021-03-12"
        assert entity.remarks is not None and entity.remarks.startswith("Video surveillance and telecommunications")
        assert "public safety" in entity.remarks
    assert dahua.id == "us_fcc_covered-dahua-technology-company"
    assert hikvision.source_id == "hangzhou-hikvision-digital-technology-company"


def test_two_companies_in_one_row_are_linked(entities: list[Entity]) -> None:
    pacific = one(entities, "Pacific Networks Corp")
    comnet = one(entities, "ComNet (USA) LLC")
    assert [(r.type, r.target_id) for r in pacific.relations] == [("subsidiary", comnet.id)]
    assert [(r.type, r.target_id) for r in comnet.relations] == [("parent", pacific.id)]
    assert pacific.listed_on == comnet.listed_on == "2022-09-20"


def test_affiliate_language_is_kept(entities: list[Entity]) -> None:
    kaspersky = one(entities, "AO Kaspersky Lab")
    assert kaspersky.attributes["scope"] == [
        "or any of its predecessors, successors, parents, subsidiaries, or affiliates"
    ]
    assert [n.value for n in kaspersky.names if n.kind is NameKind.AKA] == ["Kaspersky Lab"]
    huawei = one(entities, "Huawei Technologies Company")
    assert "services provided by such entity" in huawei.attributes["scope"][0]


def test_company_names() -> None:
    assert company_names("Equipment produced by Acme Corp. and Widget LLC, including services.") == [
        "Acme Corp.",
        "Widget LLC",
    ]
    assert company_names("Services provided by Smith and Sons Trading subject to section 214.") == [
        "Smith and Sons Trading"
    ]
    assert company_names("A description without a company.") == []


def test_same_company_on_two_rows_is_one_entity() -> None:
    data = (
        b"Covered Equipment or Services,Date of Inclusion on Covered List\n"
        b'"Routers produced by Acme Corporation, including services.","May 1, 2023"\n'
        b'"Cameras produced by Acme Corporation, to the extent used for security.","March 2, 2022"\n'
    )
    (acme,) = _parse_bytes(data)
    assert acme.listed_on == "2022-03-02"
    assert acme.attributes["date_of_inclusion"] == ["2023-05-01", "2022-03-02"]
    assert acme.remarks is not None and len(acme.remarks.splitlines()) == 2


def test_claims_only_the_covered_list() -> None:
    files = sorted(p for p in LISTS.rglob("*") if p.is_file()) + sorted(p for p in FIXTURES.rglob("*") if p.is_file())
    assert [lf.paths[0] for lf in claim(files)] == [FCC_FILE]


@pytest.mark.parametrize(
    ("data", "where", "message"),
    [
        (HEADER + b'"Equipment of nobody in particular.","March 12, 2021"\n', "row 2 (line 2)", "cannot find"),
        (HEADER + b'"one column"\n', "row 2 (line 2)", "expected 2 columns, found 1"),
        (HEADER + b'"by \xe9",""\n', "line 2", "not UTF-8"),
        (b"name,date\nx,y\n", "row 1", "not the FCC Covered List"),
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
@given(st.binary(max_size=2000), st.booleans())
def test_random_bytes_raise_only_list_format_errors(data: bytes, with_header: bool) -> None:
    _only_list_format_errors((HEADER if with_header else b"") + data)


@settings(max_examples=40, deadline=None)
@given(st.integers(min_value=0, max_value=max(len(FCC_BYTES), 1)))
def test_truncated_file_raises_only_list_format_errors(offset: int) -> None:
    _only_list_format_errors(FCC_BYTES[:offset])


@settings(max_examples=80, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(min_value=0, max_value=max(len(FCC_BYTES) - 1, 0)),
            st.sampled_from([b'"', b",", b"\n", b"\xff", b"", b" by ", b" and its subsidiary "]),
        ),
        min_size=1,
        max_size=6,
    )
)
def test_mutated_rows_raise_only_list_format_errors(edits: list[tuple[int, bytes]]) -> None:
    data = bytearray(FCC_BYTES)
    for position, replacement in sorted(edits, reverse=True):
        data[position : position + 1] = replacement
    _only_list_format_errors(bytes(data))
