"""The UK Sanctions List (FCDO CSV) and OFSI ConList parser, on fixtures in both layouts and broken variants."""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from proscribe.model import Entity, IdType, NameKind, PartialDate, Schema
from proscribe.sources import FORMATS
from proscribe.sources.base import ListFile, ListFormatError
from proscribe.sources.uk_fcdo import claim, name_kind, parse, report_date, split_values, uk_date
from tests.conftest import FIXTURES

UK_LIST = FIXTURES / "uk_fcdo" / "UK-Sanctions-List.csv"
CONLIST = FIXTURES / "uk_fcdo" / "ConList.csv"
UK_DATA = UK_LIST.read_bytes()
UK_LINES = UK_DATA.decode("utf-8").splitlines(keepends=True)


def _entities(path: Path) -> dict[str, Entity]:
    return {e.source_id: e for e in parse(ListFile("uk_fcdo", "uk_fcdo", [path]))}


@pytest.fixture(scope="module")
def uk() -> dict[str, Entity]:
    return _entities(UK_LIST)


@pytest.fixture(scope="module")
def conlist() -> dict[str, Entity]:
    return _entities(CONLIST)


def _parse_bytes(data: bytes) -> list[Entity]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "list.csv"
        path.write_bytes(data)
        return list(parse(ListFile("uk_fcdo", "uk_fcdo", [path])))


# -- registry and recognition ------------------------------------------------


def test_registered() -> None:
    assert FORMATS["uk_fcdo"].default_source == "uk_fcdo"


def test_claim_recognises_content_whatever_the_name(tmp_path: Path) -> None:
    fcdo, ofsi, other = tmp_path / "download", tmp_path / "latest.txt", tmp_path / "sdn.csv"
    fcdo.write_bytes(UK_DATA)
    ofsi.write_bytes(CONLIST.read_bytes())
    other.write_bytes(b'36,"AEROCARIBBEAN AIRLINES",-0- ,"CUBA"\n')
    headless = tmp_path / "no-report-date.csv"
    headless.write_bytes(UK_DATA.split(b"\n", 1)[1])

    claimed = {lf.paths[0].name: lf for lf in claim([fcdo, ofsi, other, headless])}

    assert sorted(claimed) == ["download", "latest.txt", "no-report-date.csv"]
    assert claimed["download"].publisher_date == "2026-09-21"
    assert claimed["latest.txt"].publisher_date == "2026-06-03"
    assert claimed["no-report-date.csv"].publisher_date is None
    assert len(_entities(headless)) == 5


# -- the UK Sanctions List layout ---------------------------------------------


def test_rows_merge_into_one_entity_per_unique_id(uk: dict[str, Entity]) -> None:
    rows = list(csv.DictReader(io.StringIO(UK_DATA.decode("utf-8").split("\n", 1)[1])))
    assert len(rows) == 21
    assert sorted(uk) == sorted({row["Unique ID"] for row in rows})
    assert all(e.id == f"uk_fcdo-{key}" for key, e in uk.items())


def test_entity_with_addresses_and_aliases(uk: dict[str, Entity]) -> None:
    exchange = uk["AFG0001"]  # 4 names x 2 addresses = 8 rows
    assert exchange.schema is Schema.ORGANIZATION
    assert [(n.value, n.kind, n.script, n.lang) for n in exchange.names] == [
        ("HAJI KHAIRULLAH HAJI SATTAR MONEY EXCHANGE", NameKind.PRIMARY, None, None),
        ("حاجی خيرالله و حاجی ستار صرافی", NameKind.PRIMARY, "Arab", "ps"),
        ("Haji Khairullah-Haji Sattar Sarafi", NameKind.AKA, None, None),
        ("Haji Khairullah Money Exchange", NameKind.AKA, None, None),
        ("Haji Alim Hawala", NameKind.WEAK, None, None),  # Alias strength "Low quality"
    ]
    assert [(a.full, a.country) for a in exchange.addresses] == [
        ("Chaman Central Bazaar, Chaman, Baluchistan Province, Pakistan", "PK"),
        ("Shah Zada Market, Sarai Moghul Bazaar, Kandahar Province, Afghanistan", "AF"),
    ]
    assert exchange.programs == ["The Afghanistan (Sanctions) (EU Exit) Regulations 2020"]
    assert exchange.listed_on == "2012-06-29"
    assert exchange.attributes["un_reference_number"] == ["TAe.010"]
    assert exchange.attributes["ofsi_group_id"] == ["12703"]
    assert len(exchange.raw["rows"]) == 8


def test_person_whose_first_row_has_no_name_type(uk: dict[str, Entity]) -> None:
    person = uk["RUS1055"]
    assert person.schema is Schema.PERSON
    assert person.caption == "Aliaksandr Piatrovich VETSIANEVICH"  # Name 1, Name 2, then Name 6
    assert ("Alexander Petrovich Vetenevich", NameKind.AKA) in [(n.value, n.kind) for n in person.names]
    assert [(n.script, n.lang) for n in person.names if n.script] == [("Cyrl", "be")]
    assert person.birth_dates == [PartialDate("1976-06-20")]
    assert person.nationalities == ["BY"]
    assert person.gender == "male"
    assert person.attributes["sanctions_imposed"] == ["Asset freeze", "Travel Ban"]


def test_rows_repeated_per_date_of_birth(uk: dict[str, Entity]) -> None:
    person = uk["IRN0249"]  # two nameless primary rows, then a name and an alias per date of birth
    assert [(n.value, n.kind) for n in person.names] == [
        ("Hossein SHAMKHANI", NameKind.PRIMARY),
        ("Hector SHAMKHANI", NameKind.AKA),
    ]
    assert person.birth_dates == [PartialDate("1984"), PartialDate("1985")]  # dd/mm/1984
    [passport] = person.identifiers
    assert (passport.type, passport.value, passport.note) == (IdType.PASSPORT, "P95123456", "Iranian passport")


def test_quoted_names_and_website(uk: dict[str, Entity]) -> None:
    company = uk["CYB0114"]
    assert company.caption == "Sichuan Anxun Information Technology Co., Ltd."
    assert "Anxun Information Technology Co., Ltd." in [n.value for n in company.names]
    assert [(n.value, n.script) for n in company.names if n.script] == [("四川安洵信息技术有限公司", "Hani")]
    assert [(i.type, i.value) for i in company.identifiers] == [(IdType.WEBSITE, "www.i-soon.net")]


def test_ship(uk: dict[str, Entity]) -> None:
    ship = uk["RUS2176"]  # a row copied from the published file
    assert (ship.schema, ship.caption) == (Schema.VESSEL, "KOROLEV PROSPECT")
    assert [(i.type, i.value) for i in ship.identifiers] == [(IdType.IMO, "9826902")]
    assert ship.vessel is not None
    assert (ship.vessel.vessel_type, ship.vessel.flag, ship.vessel.owner) == (
        "Oil Tanker",
        "GA",
        "Stream Ship Management FZCO",
    )
    assert ship.listed_on == "2024-07-31"
    assert ship.attributes["statement_of_reasons"][0].startswith("KOROLEV PROSPECT (IMO 9826902) is involved")
    assert ship.attributes["sanctions_imposed"] == ["Shipping sanctions: (see 'Other information')"]


# -- the older OFSI ConList layout --------------------------------------------


def test_conlist_layout(conlist: dict[str, Entity]) -> None:
    assert sorted(conlist) == ["12431", "14577"]
    org = conlist["12431"]
    assert org.schema is Schema.ORGANIZATION
    assert [(n.value, n.kind) for n in org.names] == [
        ("(GENERAL) ORGANIZATION FOR ENGINEERING INDUSTRIES", NameKind.PRIMARY),
        ("GENERAL ORGANISATION FOR ENGINEERING INDUSTRIES", NameKind.AKA),
    ]
    assert [(a.full, a.country) for a in org.addresses] == [("PO Box 21120, Baramkeh, Damascus, Syria", "SY")]
    assert org.listed_on == "2011-12-02" and org.programs == ["Syria"]
    person = conlist["14577"]
    assert person.schema is Schema.PERSON
    assert person.caption == "Khizri Magomedovich ABAKAROV"
    assert person.birth_dates == [PartialDate("1960-06-28")]
    assert person.birth_places == ["Yuzhno Sakhalinsk, Russia"]
    assert person.nationalities == ["RU"]
    assert person.attributes["position"] == ["Member of the State Duma of the Russian Federation"]


# -- small pieces ------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("20/06/1976", "1976-06-20"),
        ("dd/mm/1984", "1984"),
        ("dd/05/1984", "1984-05"),
        ("00/00/1959", "1959"),
        ("1959", "1959"),
        ("31/02/1970", "1970-02"),
        ("31/02/1970x", None),
        ("", None),
        (None, None),
    ],
)
def test_uk_date(text: str | None, expected: str | None) -> None:
    assert uk_date(text) == expected


def test_small_helpers() -> None:
    assert split_values("(1) Mullah (2) Haji") == ["Mullah", "Haji"]
    assert split_values("Asset freeze|Travel Ban") == ["Asset freeze", "Travel Ban"]
    assert report_date("Report Date: 21-Sep-2026") == "2026-09-21"
    assert report_date("Last Updated,03/06/2026") == "2026-06-03"
    assert name_kind("Primary name", "Low quality") is NameKind.PRIMARY
    assert name_kind("Primary Name Variation", "") is NameKind.AKA
    assert name_kind("Alias", "Low quality") is NameKind.WEAK
    assert name_kind("FKA", None) is NameKind.FKA


# -- broken input ------------------------------------------------------------


def test_wrong_column_count_names_the_line() -> None:
    data = "".join([*UK_LINES, "04/08/2026,AFG0099,1,,TOO SHORT\r\n"]).encode()
    with pytest.raises(ListFormatError, match=r"list.csv: line 24: 5 fields where the header has 58"):
        _parse_bytes(data)


def test_missing_unique_id_names_the_line() -> None:
    fields = next(csv.reader([UK_LINES[2]]))
    fields[1] = ""
    line = io.StringIO()
    csv.writer(line).writerow(fields)
    data = "".join([*UK_LINES[:2], line.getvalue(), *UK_LINES[3:]]).encode()
    with pytest.raises(ListFormatError, match=r"line 3: no Unique ID"):
        _parse_bytes(data)


def test_undecodable_bytes_name_the_line() -> None:
    data = UK_DATA.replace(b"Piatrovich", b"Pi\xe4trovich", 1)
    with pytest.raises(ListFormatError, match=r"line \d+: byte \d+ of the line is not UTF-8"):
        _parse_bytes(data)


def test_not_a_uk_list() -> None:
    with pytest.raises(ListFormatError, match="line 1: the file is empty"):
        _parse_bytes(b"")
    with pytest.raises(ListFormatError, match="line 2: no UK Sanctions List header"):
        _parse_bytes(b"Report Date: 21-Sep-2026\r\nname,country\r\n")


def test_designation_without_a_name() -> None:
    header = UK_LINES[1]
    row = ["" for _ in next(csv.reader([header]))]
    row[1] = "XYZ0001"
    line = io.StringIO()
    csv.writer(line).writerow(row)
    with pytest.raises(ListFormatError, match="line 3: designation XYZ0001 has no name"):
        _parse_bytes((UK_LINES[0] + header + line.getvalue()).encode())


# -- only ListFormatError escapes ------------------------------------------------

_FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _only_list_format_errors(data: bytes) -> None:
    try:
        _parse_bytes(data)
    except ListFormatError as error:
        assert str(error).startswith(tempfile.gettempdir())


@_FUZZ
@given(st.binary(max_size=2_000))
def test_fuzz_random_bytes(data: bytes) -> None:
    _only_list_format_errors(data)


@_FUZZ
@given(st.integers(min_value=0, max_value=len(UK_DATA)))
def test_fuzz_truncated_fixture(offset: int) -> None:
    _only_list_format_errors(UK_DATA[:offset])


@_FUZZ
@given(
    st.integers(min_value=2, max_value=len(UK_LINES) - 1),
    st.integers(min_value=0, max_value=57),
    st.text(alphabet='ab,"|()\r\n0123456789/dm\x00', max_size=12),
)
def test_fuzz_mutated_rows(line_index: int, column: int, value: str) -> None:
    fields = next(csv.reader([UK_LINES[line_index]]))
    fields[column] = value
    line = io.StringIO()
    csv.writer(line).writerow(fields)
    lines = [*UK_LINES[:line_index], line.getvalue(), *UK_LINES[line_index + 1 :]]
    _only_list_format_errors("".join(lines).encode())


@_FUZZ
@given(st.integers(min_value=0, max_value=len(UK_DATA) - 1), st.sampled_from([b",", b'"', b"\n", b"\xff", b""]))
def test_fuzz_raw_edits(offset: int, replacement: bytes) -> None:
    _only_list_format_errors(UK_DATA[:offset] + replacement + UK_DATA[offset + 1 :])


@_FUZZ
@given(st.binary(max_size=3_000))
def test_fuzz_claim_never_raises(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "unknown"
        path.write_bytes(data)
        assert len(claim([path])) <= 1
