"""The OFAC legacy CSV parser, against the real SDN and consolidated files and against damage."""

from __future__ import annotations

import collections
import csv
import json
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from proscribe.model import Entity, IdType, NameKind, Schema
from proscribe.sources import FORMATS
from proscribe.sources.base import ListFile, ListFormatError
from proscribe.sources.ofac_csv import FORMAT, claim, join_remarks, parse, split_city_line, split_programs
from tests.conftest import LISTS

OFAC = LISTS / "ofac"
SDN_NAMES = ("sdn.csv", "add.csv", "alt.csv", "sdn_comments.csv")
CONS_NAMES = ("cons_prim.csv", "cons_add.csv", "cons_alt.csv", "cons_comments.csv")


def _files(folder: Path) -> list[Path]:
    return sorted(path for path in folder.iterdir() if path.is_file())


def _entities(folder: Path, source: str) -> dict[str, Entity]:
    (list_file,) = [item for item in claim(_files(folder)) if item.source == source]
    return {entity.source_id: entity for entity in parse(list_file)}


@pytest.fixture(scope="module")
def sdn(lists_dir: Path) -> dict[str, Entity]:
    return _entities(lists_dir / "ofac", "us_ofac_sdn")


@pytest.fixture(scope="module")
def cons(lists_dir: Path) -> dict[str, Entity]:
    return _entities(lists_dir / "ofac", "us_ofac_cons")


@pytest.fixture(scope="module")
def sdn_2019(lists_dir: Path) -> dict[str, Entity]:
    return _entities(lists_dir / "ofac" / "2019", "us_ofac_sdn")


def _csv_rows(path: Path) -> Iterator[list[str]]:
    """The publisher's rows read independently of the parser: plain csv module, EOF byte dropped."""
    text = path.read_text(encoding="utf-8").rstrip("\x1a\r\n")
    yield from (row for row in csv.reader(text.splitlines()) if row)


# --- registry and claiming -----------------------------------------------------------


def test_registered() -> None:
    assert FORMATS["ofac_csv"] is FORMAT
    assert FORMAT.default_source == "us_ofac_sdn"


def test_claims_one_list_per_group(lists_dir: Path) -> None:
    claimed = claim(_files(lists_dir / "ofac"))
    assert [(item.format, item.source) for item in claimed] == [
        ("ofac_csv", "us_ofac_sdn"),
        ("ofac_csv", "us_ofac_cons"),
    ]
    assert [path.name for path in claimed[0].paths] == list(SDN_NAMES)
    assert [path.name for path in claimed[1].paths] == list(CONS_NAMES)
    (older,) = claim(_files(lists_dir / "ofac" / "2019"))
    assert older.source == "us_ofac_sdn"


def test_claim_needs_the_primary_file_and_ignores_others(tmp_path: Path) -> None:
    assert claim([tmp_path / "add.csv", tmp_path / "alt.csv", tmp_path / "notes.txt"]) == []
    (only,) = claim([tmp_path / "CONS_PRIM.CSV", tmp_path / "readme.md"])
    assert only.source == "us_ofac_cons"
    assert only.paths == [tmp_path / "CONS_PRIM.CSV"]


def test_upper_case_names_as_downloaded(tmp_path: Path, lists_dir: Path) -> None:
    for name in SDN_NAMES:
        (tmp_path / name.upper()).symlink_to(lists_dir / "ofac" / name)
    (list_file,) = claim(_files(tmp_path))
    entities = list(parse(list_file))
    assert len(entities) == 8976
    assert sum(len(e.names) for e in entities) > 8976  # alt.csv was read too


# --- one entity per ent_num ------------------------------------------------------------


@pytest.mark.parametrize(
    ("relative", "fixture", "count"),
    [("sdn.csv", "sdn", 8976), ("cons_prim.csv", "cons", 442), ("2019/sdn.csv", "sdn_2019", 7379)],
)
def test_every_ent_num_yields_exactly_one_entity(
    lists_dir: Path, relative: str, fixture: str, count: int, request: pytest.FixtureRequest
) -> None:
    expected = [row[0] for row in _csv_rows(lists_dir / "ofac" / relative)]
    entities: dict[str, Entity] = request.getfixturevalue(fixture)
    assert len(expected) == len(set(expected)) == count
    assert sorted(entities) == sorted(expected)
    source = "us_ofac_cons" if "cons" in relative else "us_ofac_sdn"
    assert all(entity.id == f"{source}-{key}" and entity.source == source for key, entity in entities.items())


@pytest.mark.parametrize(("fixture", "alt_name"), [("sdn", "alt.csv"), ("cons", "cons_alt.csv")])
def test_alias_counts_match_alt_csv(
    lists_dir: Path, fixture: str, alt_name: str, request: pytest.FixtureRequest
) -> None:
    entities: dict[str, Entity] = request.getfixturevalue(fixture)
    expected: dict[str, collections.Counter[tuple[str, str]]] = collections.defaultdict(collections.Counter)
    for row in _csv_rows(lists_dir / "ofac" / alt_name):
        expected[row[0]][(row[3], row[2])] += 1
    for ent_num, entity in entities.items():
        names = collections.Counter((n.value, n.kind.value) for n in entity.names if n.kind is not NameKind.PRIMARY)
        from_alt = expected.get(ent_num, collections.Counter())
        assert names & from_alt == from_alt, ent_num  # every alt.csv row is there, duplicates too
        remark_only = names - from_alt
        assert all(kind in ("aka", "fka", "nka") for _, kind in remark_only)
        assert sum(remark_only.values()) <= (entity.remarks or "").count(".k.a. '"), ent_num


# --- facts from the real lists ---------------------------------------------------------


def test_hikvision(cons: dict[str, Entity]) -> None:
    hikvision = cons["30946"]
    assert hikvision.id == "us_ofac_cons-30946"
    assert hikvision.caption == "HANGZHOU HIKVISION DIGITAL TECHNOLOGY CO., LTD."
    assert hikvision.schema is Schema.ORGANIZATION
    assert hikvision.programs == ["CMIC-EO13959"]
    ids = {(i.type, i.value, i.country) for i in hikvision.identifiers}
    assert (IdType.ISIN, "CNE100000PM8", None) in ids
    assert (IdType.USCC, "91330000733796106P", "CN") in ids
    assert {n.value for n in hikvision.names} >= {"HIKVISION", "HANGZHOU HIKVISION DIGITAL TECHNOLOGY"}
    (address,) = hikvision.addresses
    assert (address.city, address.postal_code, address.country, address.country_name) == (
        "Hangzhou",
        "310051",
        "CN",
        "China",
    )
    assert hikvision.listed_on == "2021-06-03"
    assert hikvision.attributes["target_type"] == ["Public Company"]
    assert "remarks_unparsed" not in hikvision.attributes


def test_person_with_two_birth_dates_and_places(sdn: dict[str, Entity]) -> None:
    robow = sdn["11313"]
    assert robow.schema is Schema.PERSON
    assert robow.caption == "ROBOW, Mukhtar"
    assert [(d.value, d.end, d.circa) for d in robow.birth_dates] == [
        ("1969", None, False),
        ("1969-10-10", None, False),
    ]
    assert robow.birth_places == ["Xudur, Somalia", "Keren, Eritrea"]
    assert robow.nationalities == ["ER"]
    passport = next(i for i in robow.identifiers if i.type is IdType.PASSPORT)
    assert (passport.value, passport.country, passport.note) == (
        "0310857",
        "ER",
        "issued 21 Aug 2006 expires 20 Aug 2008",
    )
    assert {"ABU MANSUR", "ABU MANSOUR"} <= {n.value for n in robow.names}


def test_person_with_dual_citizenship_and_passports(sdn: dict[str, Entity]) -> None:
    barakat = sdn["10042"]
    assert barakat.birth_dates[0].value == "1961-09-25"
    assert barakat.birth_places == ["Mousaitbe, Lebanon"]
    assert barakat.citizenships == ["LB", "PY"]
    passports = [(i.value, i.country) for i in barakat.identifiers if i.type is IdType.PASSPORT]
    assert passports == [("183319", "PY"), ("148842", "PY"), ("106318", "PY")]
    assert {"LB", "PY"} <= set(barakat.countries)


def test_birth_date_range_and_titles(sdn: dict[str, Entity]) -> None:
    person = sdn["15962"]
    assert [(d.value, d.end) for d in person.birth_dates] == [("1961-01-01", "1962-12-31")]
    assert person.nationalities == ["IR"]
    assert "Director, Hong Kong Intertrade Company" in person.titles
    assert "remarks_unparsed" not in person.attributes  # remark pieces repeating the title column


def test_person_in_the_older_edition(sdn_2019: dict[str, Entity]) -> None:
    malkevich = sdn_2019["26235"]
    assert malkevich.birth_dates[0].value == "1975-06-14"
    assert malkevich.birth_places == ["Leningrad, Russia"]
    assert malkevich.gender == "male"
    ids = {(i.type, i.value, i.country) for i in malkevich.identifiers}
    assert ids == {(IdType.PASSPORT, "717637093", "RU"), (IdType.NATIONAL_ID, "781005202108", None)}
    assert [(r.type, r.target_name) for r in malkevich.relations] == [("linked_to", "USA REALLY")]


def test_vessel_keeps_its_fields_and_imo(sdn: dict[str, Entity]) -> None:
    artavil = sdn["15036"]
    assert artavil.schema is Schema.VESSEL
    assert artavil.vessel is not None
    assert (artavil.vessel.call_sign, artavil.vessel.vessel_type) == ("T2EU4", "Crude/Oil Products Tanker")
    assert (artavil.vessel.tonnage, artavil.vessel.gross_registered_tonnage) == ("99,144", "56,068")
    assert artavil.vessel.flag == "IR"
    ids = {(i.type, i.value) for i in artavil.identifiers}
    assert {(IdType.IMO, "9187629"), (IdType.MMSI, "572469210")} <= ids
    assert ("ALPHA", NameKind.FKA) in {(n.value, n.kind) for n in artavil.names}
    assert artavil.attributes["former_vessel_flag"] == ["Malta", "Tuvalu", "None Identified", "Tanzania"]
    hermann = sdn["4234"]
    assert hermann.vessel is not None and hermann.vessel.owner == "Compania Navegacion Golfo S.A."


def test_aircraft(sdn: dict[str, Entity]) -> None:
    aircraft = sdn["15431"]
    assert aircraft.schema is Schema.AIRCRAFT
    assert aircraft.vessel is None
    assert {(i.type, i.value) for i in aircraft.identifiers} == {
        (IdType.AIRCRAFT_SERIAL, "8401"),
        (IdType.AIRCRAFT_SERIAL, "1023409321"),
    }


@pytest.mark.parametrize(
    ("fixture", "ent_num", "piece"),
    [
        ("sdn", "28264", "Phone Number 8613314257947"),  # cut as "...; P" + "hone Number ..."
        ("sdn", "30518", "1GqChmWqGtsaLrGbHfgdrV5Nkvahtjjuxr"),  # cut inside a wallet address
        ("cons", "17254", "Government Gazette Number 00044463 (Russia)"),  # cut before a space
        ("cons", "30930", "Unified Social Credit Code (USCC) 91110000710934369E (China)"),
    ],
)
def test_comments_continue_cut_remarks(fixture: str, ent_num: str, piece: str, request: pytest.FixtureRequest) -> None:
    entity: Entity = request.getfixturevalue(fixture)[ent_num]
    assert entity.remarks is not None and len(entity.remarks) > 1000
    assert piece in entity.remarks
    assert "remarks_unparsed" not in entity.attributes
    assert entity.raw["comments"]


def test_cyber_listing_keeps_wallets_phones_and_ids(sdn: dict[str, Entity]) -> None:
    person = sdn["28264"]
    wallets = [i for i in person.identifiers if i.type is IdType.CRYPTO]
    assert len(wallets) == 12
    assert all(i.label == "Digital Currency Address - XBT" for i in wallets)
    assert {(i.type, i.value, i.country) for i in person.identifiers} >= {
        (IdType.PHONE, "8613314257947", None),
        (IdType.PHONE, "8618004121000", None),
        (IdType.NATIONAL_ID, "210302198701102136", "CN"),
    }
    assert {"blackjack1987", "khaleesi"} <= {n.value for n in person.names}


def test_comment_join_rule() -> None:
    assert join_remarks("Registration Numbe", ["r 1 (Russia)."]) == "Registration Number 1 (Russia)."
    assert join_remarks("-0- ", ["tail"]) == "tail"
    assert join_remarks("-0- ", []) is None


def test_linked_relations_across_a_cut(sdn: dict[str, Entity]) -> None:
    targets = [r.target_name for r in sdn["12300"].relations]
    assert "PROMO RAIZ S.A.S." in targets  # "PROMO RAI" in sdn.csv, "Z S.A.S." in sdn_comments.csv
    assert all(r.target_id is None for r in sdn["12300"].relations)


def test_raw_keeps_the_published_row(sdn: dict[str, Entity]) -> None:
    raw = sdn["306"].raw
    assert raw["ent_num"] == "306"
    assert raw["sdn_name"] == "BANCO NACIONAL DE CUBA"
    assert raw["remarks"] == "a.k.a. 'BNC'."
    assert ["306", "220", "aka", "NATIONAL BANK OF CUBA", "-0- "] in raw["alt"]
    assert len(raw["add"]) >= 3
    json.dumps(sdn["306"].to_dict())
    assert Entity.from_dict(sdn["306"].to_dict()).names == sdn["306"].names


def test_unparsed_share_is_small(sdn: dict[str, Entity], cons: dict[str, Entity], sdn_2019: dict[str, Entity]) -> None:
    for entities in (sdn, cons, sdn_2019):
        unparsed = sum(len(e.attributes.get("remarks_unparsed", [])) for e in entities.values())
        pieces = sum(len(e.remarks.split(";")) for e in entities.values() if e.remarks)
        assert unparsed / pieces < 0.02


# --- helpers ---------------------------------------------------------------------------


def test_split_programs() -> None:
    assert split_programs("SDGT] [NS-PLC") == ["SDGT", "NS-PLC"]
    assert split_programs("IRAN; SDGT;IRGC") == ["IRAN", "SDGT", "IRGC"]
    assert split_programs("[CUBA]") == ["CUBA"]
    assert split_programs(None) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("London EC3N 1DY", ("London", None, "EC3N 1DY")),
        ("Zurich CH-8022", ("Zurich", None, "CH-8022")),
        ("Guadalajara, Jalisco 44660", ("Guadalajara", "Jalisco", "44660")),
        ("Culiacan, Sinaloa C.P. 80020", ("Culiacan", "Sinaloa", "80020")),
        ("Hebron, West Bank", ("Hebron", "West Bank", None)),
        ("D-80331 Munich", ("Munich", None, "D-80331")),
        ("Havana", ("Havana", None, None)),
        (None, (None, None, None)),
    ],
)
def test_split_city_line(text: str | None, expected: tuple[str | None, str | None, str | None]) -> None:
    assert split_city_line(text) == expected


# --- damaged input -----------------------------------------------------------------------

GOOD_ROW = b'36,"AEROCARIBBEAN AIRLINES",-0- ,"CUBA",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n'


def _parse_folder(folder: Path) -> list[Entity]:
    files = _files(folder)
    claimed = claim(files)
    return [entity for list_file in claimed for entity in parse(list_file)]


def _write(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.write_bytes(data)
    return path


def test_small_set_with_eof_byte_and_lf_endings(tmp_path: Path) -> None:
    _write(
        tmp_path,
        "sdn.csv",
        GOOD_ROW + b'37,"X, Y","individual","SDGT",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,"DOB 1960."\x1a',
    )
    _write(tmp_path, "alt.csv", b'37,1,"aka","Z",-0- \n\x1a')
    _write(tmp_path, "add.csv", b'36,1,-0- ,"Havana","Cuba",-0- \r\n\x1a')
    entities = _parse_folder(tmp_path)
    assert [(e.id, e.schema) for e in entities] == [
        ("us_ofac_sdn-36", Schema.ORGANIZATION),
        ("us_ofac_sdn-37", Schema.PERSON),
    ]
    assert entities[1].birth_dates[0].value == "1960"
    assert [n.value for n in entities[1].names] == ["X, Y", "Z"]
    assert entities[0].addresses[0].country == "CU"


@pytest.mark.parametrize(
    ("name", "data", "where", "what"),
    [
        ("sdn.csv", GOOD_ROW + b'37,"X",-0- ,"CUBA"\r\n', "row 2", "expected 12 columns, found 4"),
        ("sdn.csv", GOOD_ROW.replace(b"36,", b"3a,", 1), "row 1", "ent_num is not a number"),
        ("sdn.csv", GOOD_ROW + GOOD_ROW.replace(b"AERO", b"\xff\xfeRO"), "line 2", "not UTF-8"),
        ("sdn.csv", b"<?xml version='1.0'?>\n<sdnList></sdnList>\n", "row 1", "expected 12 columns"),
        ("sdn.csv", GOOD_ROW + b'37,"TRUNCATED NAME', "row 2", "not valid CSV"),
        ("sdn.csv", GOOD_ROW + GOOD_ROW, "row 2", "ent_num 36 appears twice"),
        ("sdn.csv", GOOD_ROW.replace(b"-0- ,", b'"ship",', 1), "row 1", "unknown type"),
        ("sdn.csv", GOOD_ROW.replace(b'"AEROCARIBBEAN AIRLINES"', b"-0- "), "row 1", "the name is empty"),
        ("sdn.csv", b"", None, "holds no entries"),
        ("alt.csv", b'36,1,"aka","A"\r\n', "row 1", "expected 5 columns, found 4"),
        ("alt.csv", b'36,1,"alias","A",-0- \r\n', "row 1", "unknown alias type"),
        ("add.csv", b"x,1,-0- ,-0- ,-0- ,-0- \r\n", "row 1", "ent_num is not a number"),
        ("sdn_comments.csv", b'36,"a","b"\r\n', "row 1", "expected 2 columns, found 3"),
    ],
)
def test_malformed_input_names_file_and_row(
    tmp_path: Path, name: str, data: bytes, where: str | None, what: str
) -> None:
    if name != "sdn.csv":
        _write(tmp_path, "sdn.csv", GOOD_ROW)
    path = _write(tmp_path, name, data)
    with pytest.raises(ListFormatError) as caught:
        _parse_folder(tmp_path)
    error = caught.value
    assert error.path == str(path)
    assert error.where == where
    assert what in error.message
    assert "\n" not in str(error) and str(path) in str(error)


def test_a_set_without_primary_file_is_an_error(tmp_path: Path) -> None:
    add = _write(tmp_path, "add.csv", b"")
    with pytest.raises(ListFormatError, match="no primary file"):
        list(parse(ListFile(format="ofac_csv", source="us_ofac_sdn", paths=[add, tmp_path / "alt.csv"])))


def test_a_missing_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ListFormatError, match="cannot read"):
        list(parse(ListFile(format="ofac_csv", source="us_ofac_sdn", paths=[tmp_path / "sdn.csv"])))


# --- fuzzing: only ListFormatError may escape --------------------------------------------


def _sample_lines(name: str, step: int) -> list[bytes]:
    """Every ``step``-th real line, as seeds for mutation (a fixed row when the snapshots are absent)."""
    path = OFAC / name
    if not path.is_file():
        return [GOOD_ROW]
    return [line + b"\r\n" for line in path.read_bytes().splitlines()[::step]]


REAL_ROWS = _sample_lines("sdn.csv", 997)
REAL_ALT = _sample_lines("alt.csv", 1499)


def _parse_bytes(files: dict[str, bytes]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        for name, data in files.items():
            _write(Path(folder), name, data)
        try:
            _parse_folder(Path(folder))
        except ListFormatError as error:
            assert error.path.startswith(folder)


@st.composite
def mutated(draw: st.DrawFn, rows: list[bytes]) -> bytes:
    data = bytearray(b"".join(draw(st.lists(st.sampled_from(rows), min_size=1, max_size=4))))
    for _ in range(draw(st.integers(0, 4))):
        position = draw(st.integers(0, max(len(data) - 1, 0)))
        action = draw(st.sampled_from(["delete", "insert", "replace", "truncate"]))
        byte = draw(st.sampled_from([b'"', b",", b"\r", b"\n", b"\x1a", b"\x00", b"\xff", b";", b"(", b"-0- ", b"9"]))
        if action == "delete":
            del data[position : position + draw(st.integers(1, 20))]
        elif action == "insert":
            data[position:position] = byte
        elif action == "replace":
            data[position : position + 1] = byte
        else:
            del data[position:]
    return bytes(data)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=600), st.binary(max_size=200))
def test_fuzz_random_bytes(primary: bytes, alt: bytes) -> None:
    _parse_bytes({"sdn.csv": primary, "alt.csv": alt})


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated(REAL_ROWS), mutated(REAL_ALT))
def test_fuzz_mutated_real_rows(primary: bytes, alt: bytes) -> None:
    _parse_bytes({"SDN.CSV": primary, "ALT.CSV": alt, "sdn_comments.csv": b'36,"tail"\r\n'})
