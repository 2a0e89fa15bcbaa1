"""The EU Financial Sanctions Files parser, on a fixture in the official XML 1.1 layout and broken variants."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from proscribe.model import Entity, IdType, NameKind, PartialDate, Schema
from proscribe.sources import FORMATS
from proscribe.sources.base import ListFile, ListFormatError
from proscribe.sources.eu_fsf import NAMESPACE, claim, parse
from tests.conftest import FIXTURES, LISTS

FIXTURE = FIXTURES / "eu_fsf" / "xmlFullSanctionsList_1_1.xml"
DATA = FIXTURE.read_bytes()


@pytest.fixture(scope="module")
def entities() -> dict[str, Entity]:
    return {e.source_id: e for e in parse(ListFile("eu_fsf", "eu_fsf", [FIXTURE]))}


def _parse_bytes(data: bytes) -> list[Entity]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fsf.xml"
        path.write_bytes(data)
        return list(parse(ListFile("eu_fsf", "eu_fsf", [path])))


def _export(*records: str) -> bytes:
    return (
        f'<export xmlns="{NAMESPACE}" generationDate="2026-01-02T10:00:00+01:00">{"".join(records)}</export>'.encode()
    )


NAMED = '<subjectType code="person" classificationCode="P"/><nameAlias wholeName="Ivan Petrov" strong="true"/>'


# -- registry and recognition ------------------------------------------------


def test_registered() -> None:
    assert FORMATS["eu_fsf"].default_source == "eu_fsf"


def test_claim_recognises_content_whatever_the_name(tmp_path: Path) -> None:
    renamed = tmp_path / "content"
    renamed.write_bytes(DATA)
    plain_export = tmp_path / "xmlFullSanctionsList_1_1.xml"
    plain_export.write_bytes(b'<?xml version="1.0"?><export generationDate="2026-01-01"/>')  # no FSF namespace

    claimed = claim([renamed, plain_export, LISTS / "un" / "consolidated.xml"])

    assert [lf.paths for lf in claimed] == [[renamed]]
    assert (claimed[0].format, claimed[0].source, claimed[0].publisher_date) == ("eu_fsf", "eu_fsf", "2024-12-11")


# -- the fixture ---------------------------------------------------------------


def test_every_sanction_entity_becomes_one_entity(entities: dict[str, Entity]) -> None:
    root = etree.parse(str(FIXTURE)).getroot()
    logical_ids = [e.get("logicalId") for e in root.iterfind(f"{{{NAMESPACE}}}sanctionEntity")]
    assert sorted(entities) == sorted(logical_ids)
    assert len(entities) == 6
    assert all(e.id == f"eu_fsf-{key}" for key, e in entities.items())


def test_names_in_several_languages(entities: dict[str, Entity]) -> None:
    saddam = entities["13"]
    assert [(n.value, n.kind, n.lang) for n in saddam.names] == [
        ("Saddam Hussein Al-Tikriti", NameKind.PRIMARY, None),
        ("Abu Ali", NameKind.AKA, None),
        ("Abou Ali", NameKind.AKA, "fr"),
    ]
    assert saddam.citizenships == ["IQ"]
    assert saddam.birth_dates == [PartialDate("1937-04-28")]
    assert saddam.birth_places == ["al-Awja, near Tikrit, IRAQ"]
    assert saddam.programs == ["IRQ"]
    assert saddam.remarks == "UNSC RESOLUTION 1483"
    assert saddam.listed_on == "2003-07-08"  # no designationDate: the regulation's publication
    assert saddam.attributes["eu_reference_number"] == ["EU.27.28"]
    assert saddam.gender == "male"


def test_primary_name_is_the_regulation_language_one(entities: dict[str, Entity]) -> None:
    putin = entities["135909"]  # the Swedish spelling comes first in the file
    assert putin.caption == "Vladimir Vladimirovich PUTIN"
    assert ("Vladimir Vladimirovitj PUTIN", NameKind.AKA, "sv") in [(n.value, n.kind, n.lang) for n in putin.names]
    assert putin.attributes["position"] == ["President of the Russian Federation"]
    assert putin.listed_on == "2022-02-25"


def test_enterprise(entities: dict[str, Entity]) -> None:
    ibda = entities["207"]
    assert ibda.schema is Schema.ORGANIZATION
    assert ibda.caption == "İslami Büyük Doğu Akıncılar Cephesi"
    assert len(ibda.names) == 8
    assert ("Фронт на великите ислямски източни воини", "bg") in [(n.value, n.lang) for n in ibda.names]
    assert ibda.gender is None and ibda.programs == ["TERR"]


def test_passport(entities: dict[str, Entity]) -> None:
    [passport] = entities["1"].identifiers
    assert (passport.type, passport.value, passport.country) == (IdType.PASSPORT, "AD001095", None)  # country "00"
    assert (passport.label, passport.note) == ("National passport", "(passport)")
    assert entities["1"].birth_places == []  # city empty, country UNKNOWN


def test_circa_year_only_and_year_span(entities: dict[str, Entity]) -> None:
    janan = entities["1863"]
    assert janan.birth_dates == [PartialDate("1958", circa=True), PartialDate("1953", "1958", circa=True)]
    assert "Tirin Kot District, Uruzgan Province, AFGHANISTAN" in janan.birth_places
    assert ("Jan Agha", NameKind.WEAK) in [(n.value, n.kind) for n in janan.names]  # strong="false"
    assert janan.titles == ["Mullah"]
    assert janan.attributes["un_reference_number"] == ["TAi.091"]


def test_addresses_and_other_numbers(entities: dict[str, Entity]) -> None:
    grf = entities["4102"]
    street, box = grf.addresses
    assert (street.street, street.city, street.postal_code, street.country) == (
        "9935 South 76th Avenue, Unit 1",
        "Bridgeview, Illinois",
        "60455",
        "US",
    )
    assert box.street == "PO Box 1406"
    [number] = grf.identifiers
    assert (number.type, number.value, number.country) == (IdType.OTHER, "36-3804626", "US")
    assert number.note == "Federal Employer Identification Number"
    assert grf.raw["regulation"]["numberTitle"] == "1893/2002 (OJ L286)"


def test_minimal_record_and_the_details_it_may_carry() -> None:
    record = (
        f'<sanctionEntity logicalId="7">{NAMED}'
        '<birthdate circa="false" calendarType="GREGORIAN" monthOfYear="5" year="1970"/>'
        '<birthdate calendarType="ISLAMIC" year="1390"/>'
        '<identification number="12 34" latinNumber="1234" identificationTypeCode="id" knownFalse="true"'
        ' issuedBy="Ministry" countryIso2Code="00" countryDescription="RUSSIA"/>'
        '<address city="Moscow" countryIso2Code="RU"><contactInfo key="EMAIL" value="a@b.ru; c@d.ru"/></address>'
        "</sanctionEntity>"
    )
    [entity] = _parse_bytes(_export(record))
    assert entity.birth_dates == [PartialDate("1970-05")]
    assert [(i.type, i.value, i.country, i.note) for i in entity.identifiers] == [
        (IdType.NATIONAL_ID, "12 34", "RU", "issued by Ministry; known false"),
        (IdType.NATIONAL_ID, "1234", "RU", "issued by Ministry; known false"),
        (IdType.EMAIL, "a@b.ru", None, None),
        (IdType.EMAIL, "c@d.ru", None, None),
    ]


# -- broken input ------------------------------------------------------------


def test_wrong_root_is_named() -> None:
    with pytest.raises(ListFormatError, match=r"fsf.xml: line 1: root element is <CONSOLIDATED_LIST>"):
        _parse_bytes(b"<CONSOLIDATED_LIST/>")
    with pytest.raises(ListFormatError, match="not an EU FSF export"):
        _parse_bytes(b"<export/>")


def test_missing_logical_id_names_the_record() -> None:
    with pytest.raises(ListFormatError, match=r"line 1, <sanctionEntity>: no logicalId"):
        _parse_bytes(_export(f"<sanctionEntity>{NAMED}</sanctionEntity>"))


def test_nameless_and_repeated_records() -> None:
    with pytest.raises(ListFormatError, match="record 7 has no name"):
        _parse_bytes(_export('<sanctionEntity logicalId="7"><subjectType code="person"/></sanctionEntity>'))
    with pytest.raises(ListFormatError, match=r"logicalId=7: logicalId 7 repeats the record at line 1"):
        twice = f'<sanctionEntity logicalId="7">{NAMED}</sanctionEntity>'
        _parse_bytes(_export(twice, twice))


def test_truncated_and_undecodable() -> None:
    with pytest.raises(ListFormatError, match=r": line \d+: not well-formed XML"):
        _parse_bytes(DATA[: len(DATA) // 2])
    with pytest.raises(ListFormatError, match="not well-formed XML"):
        _parse_bytes(DATA.replace("Büyük".encode(), b"B\xfcy\xfck"))


# -- only ListFormatError escapes ------------------------------------------------

_FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _only_list_format_errors(data: bytes) -> None:
    try:
        _parse_bytes(data)
    except ListFormatError as error:
        assert re.match(re.escape(tempfile.gettempdir()), str(error))


@_FUZZ
@given(st.binary(max_size=2_000))
def test_fuzz_random_bytes(data: bytes) -> None:
    _only_list_format_errors(data)


@_FUZZ
@given(st.integers(min_value=0, max_value=len(DATA)))
def test_fuzz_truncated_fixture(offset: int) -> None:
    _only_list_format_errors(DATA[:offset])


@_FUZZ
@given(st.lists(st.tuples(st.integers(0, len(DATA)), st.binary(min_size=1, max_size=4)), min_size=1, max_size=8))
def test_fuzz_mutated_fixture(edits: list[tuple[int, bytes]]) -> None:
    data = bytearray(DATA)
    for offset, replacement in edits:
        data[offset : offset + len(replacement)] = replacement
    _only_list_format_errors(bytes(data))


@_FUZZ
@given(
    st.dictionaries(
        st.sampled_from(["year", "monthOfYear", "dayOfMonth", "yearRangeFrom", "yearRangeTo", "birthdate", "circa"]),
        st.text(alphabet="0123456789-trueaxyz", max_size=12),
    )
)
def test_fuzz_birthdate_attributes(attributes: dict[str, str]) -> None:
    attrs = " ".join(f'{key}="{value}"' for key, value in attributes.items())
    _only_list_format_errors(_export(f'<sanctionEntity logicalId="1">{NAMED}<birthdate {attrs}/></sanctionEntity>'))


@_FUZZ
@given(st.binary(max_size=3_000))
def test_fuzz_claim_never_raises(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "unknown"
        path.write_bytes(data)
        assert len(claim([path])) <= 1
