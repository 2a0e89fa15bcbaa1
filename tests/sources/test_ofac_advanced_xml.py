"""SDN_ADVANCED.XML / CONS_ADVANCED.XML: recognition, every fixture party field by field, dates, malformed input."""

from __future__ import annotations

import dataclasses
import re
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from proscribe.model import (
    Address,
    Entity,
    Identifier,
    IdType,
    Name,
    NameKind,
    PartialDate,
    Relation,
    Schema,
    Vessel,
)
from proscribe.sources import FORMATS
from proscribe.sources.base import ListFile, ListFormatError
from proscribe.sources.ofac_advanced_refs import date_period
from proscribe.sources.ofac_advanced_xml import FORMAT, claim, parse, publisher_date, recognise
from proscribe.sources.ofac_xml_common import FieldError, Reader, reads_as_remark, stream_records, written_date
from tests.conftest import FIXTURES

FOLDER = FIXTURES / "ofac_xml"
SDN = FOLDER / "SDN_ADVANCED.XML"
CONS = FOLDER / "CONS_ADVANCED.XML"
NEW_NAMESPACE = "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/ADVANCED_XML"
OLD_NAMESPACE = "http://www.un.org/sanctions/1.0"


def _parse(path: Path, source: str = "us_ofac_sdn") -> list[Entity]:
    return list(parse(ListFile(format="ofac_advanced_xml", source=source, paths=[path])))


def _by_id(path: Path, source: str = "us_ofac_sdn") -> dict[str, Entity]:
    """Entities by id without the raw XML (tested on its own), so comparisons show the parsed fields."""
    return {entity.id: dataclasses.replace(entity, raw={}) for entity in _parse(path, source)}


def _write(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.write_bytes(data)
    return path


# -- recognition ---------------------------------------------------------------------------------


def test_registered_under_its_key() -> None:
    assert FORMATS["ofac_advanced_xml"] is FORMAT
    assert FORMAT.default_source == "us_ofac_sdn"


def test_claims_both_fixtures_with_source_and_date_of_issue() -> None:
    claimed = {lf.paths[0].name: lf for lf in claim(sorted(FOLDER.iterdir()))}
    assert claimed == {
        "SDN_ADVANCED.XML": ListFile("ofac_advanced_xml", "us_ofac_sdn", [SDN], publisher_date="2021-07-08"),
        "CONS_ADVANCED.XML": ListFile("ofac_advanced_xml", "us_ofac_cons", [CONS], publisher_date="2025-12-15"),
    }


def test_recognises_by_content_not_name(tmp_path: Path) -> None:
    renamed = _write(tmp_path, "latest.xml", SDN.read_bytes())
    disguised = _write(tmp_path, "SDN_ADVANCED.XML", b"<Sanctions xmlns='urn:somebody-else'/>")
    assert [lf.paths for lf in claim([renamed, disguised])] == [[renamed]]


def test_recognises_the_historical_namespace() -> None:
    head = SDN.read_bytes()[:8192].replace(NEW_NAMESPACE.encode(), OLD_NAMESPACE.encode())
    assert recognise(head)
    assert publisher_date(head) == "2021-07-08"


@pytest.mark.parametrize(
    "head",
    [
        b"",
        b"\x00\x01binary",
        b'<?xml version="1.0"?><sdnList xmlns="https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/XML"/>',
        b"<Sanctions/>",
    ],
)
def test_does_not_recognise_other_files(head: bytes) -> None:
    assert not recognise(head)


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b"<Sanctions><DateOfIssue><Year>2024</Year><Month>3</Month><Day>8</Day></DateOfIssue>", "2024-03-08"),
        (b"<un:Sanctions><un:DateOfIssue><un:Year>2015</un:Year></un:DateOfIssue>", "2015"),
        (b"<Sanctions><DateOfIssue><Year>2024</Year><Month>2</Month><Day>30</Day></DateOfIssue>", None),
        (b"<Sanctions><ReferenceValueSets>", None),
    ],
)
def test_publisher_date(head: bytes, expected: str | None) -> None:
    assert publisher_date(head) == expected


# -- parties ---------------------------------------------------------------------------------------

_SECONDARY = {"additional_sanctions_information": ["Subject to Secondary Sanctions"]}
_SDN_LIST = {"list": ["SDN List"]}
_TERRORISM = {**_SDN_LIST, "legal_basis": ["Executive Order 13224 (Terrorism)"]}
_IRAN = {**_SDN_LIST, "legal_basis": ["Executive Order 13846 (Iran)"]}


def test_organisation_with_script_variant_addresses_and_relation() -> None:
    assert _by_id(SDN)["us_ofac_sdn-4632"] == Entity(
        id="us_ofac_sdn-4632",
        source="us_ofac_sdn",
        source_id="4632",
        schema=Schema.ORGANIZATION,
        names=[
            Name("BANK MARKAZI JOMHOURI ISLAMI IRAN"),
            Name("بانک مرکزی جمهوری اسلامی ایران", NameKind.AKA, script="Arab"),
            Name("CENTRAL BANK OF THE ISLAMIC REPUBLIC OF IRAN", NameKind.AKA),
            Name("BANK MARKAZI IRAN", NameKind.AKA),
            Name("CENTRAL BANK OF IRAN", NameKind.AKA),
        ],
        programs=["IRAN", "SDGT", "IRGC", "IFSR"],
        addresses=[
            Address(
                full="PO Box 15875/7177, 144 Mirdamad Blvd, Tehran, Iran",
                street="PO Box 15875/7177, 144 Mirdamad Blvd",
                city="Tehran",
                country="IR",
                country_name="Iran",
            ),
            Address(
                full="213 Ferdowsi Avenue, Tehran 11365, Iran",
                street="213 Ferdowsi Avenue",
                city="Tehran",
                postal_code="11365",
                country="IR",
                country_name="Iran",
            ),
        ],
        relations=[
            Relation(
                type="providing_support_to",
                target_name="ISLAMIC REVOLUTIONARY GUARD CORPS (IRGC)-QODS FORCE",
                target_id="us_ofac_sdn-10465",
            )
        ],
        listed_on="2018-11-05",
        attributes={**_SECONDARY, **_IRAN},
    )


def test_relation_target_is_listed_too() -> None:
    assert _by_id(SDN)["us_ofac_sdn-10465"] == Entity(
        id="us_ofac_sdn-10465",
        source="us_ofac_sdn",
        source_id="10465",
        schema=Schema.ORGANIZATION,
        names=[Name("ISLAMIC REVOLUTIONARY GUARD CORPS (IRGC)-QODS FORCE")],
        programs=["SDGT"],
        listed_on="2007-10-25",
        attributes=_TERRORISM,
    )


def test_person_with_circa_birth_date_expiring_passport_and_weak_aliases() -> None:
    assert _by_id(SDN)["us_ofac_sdn-11355"] == Entity(
        id="us_ofac_sdn-11355",
        source="us_ofac_sdn",
        source_id="11355",
        schema=Schema.PERSON,
        names=[
            Name("AMEEN AL-PESHAWARI, Fazeel-A-Tul Shaykh Abu Mohammed"),
            Name("PESHAWARI, Abu Mohammad Aminullah", NameKind.AKA),
            Name("AMINULLAH, Shaykh", NameKind.WEAK),
            Name("SHAYKH AMEEN", NameKind.WEAK),
        ],
        programs=["SDGT"],
        addresses=[
            Address(
                full="Ganj District, Peshawar, Khyber Pakhtunkhwa, Pakistan",
                street="Ganj District",
                city="Peshawar",
                region="Khyber Pakhtunkhwa",
                country="PK",
                country_name="Pakistan",
            ),
            Address(full="Saudi Arabia", country="SA", country_name="Saudi Arabia"),
        ],
        birth_dates=[PartialDate("1961-01-01", circa=True)],
        birth_places=["Shunkrai village, Sarkani District, Konar Province, Afghanistan"],
        identifiers=[
            Identifier(IdType.PASSPORT, "FU0152122", country="PK", label="Passport", note="expires 24 Apr 2017"),
            Identifier(IdType.PASSPORT, "FU0152121", country="PK", label="Passport"),
        ],
        listed_on="2009-06-11",
        attributes=_TERRORISM,
    )


def test_person_with_gender_citizenship_middle_name_and_passport() -> None:
    assert _by_id(SDN)["us_ofac_sdn-12113"] == Entity(
        id="us_ofac_sdn-12113",
        source="us_ofac_sdn",
        source_id="12113",
        schema=Schema.PERSON,
        names=[
            Name("MORTEZAVI, Hasan"),
            Name("MORTEZAVI, Ali Hassan", NameKind.AKA),
            Name("ALI, Hassan", NameKind.WEAK),
        ],
        programs=["SDGT", "IRGC", "IFSR"],
        addresses=[Address(full="Iran", country="IR", country_name="Iran")],
        birth_dates=[PartialDate("1964-08-23")],
        birth_places=["Ghazvin, Iran"],
        citizenships=["IR"],
        gender="male",
        identifiers=[Identifier(IdType.PASSPORT, "D9019576", country="IR", label="Passport")],
        listed_on="2011-10-11",
        attributes={**_SECONDARY, **_TERRORISM},
    )


def test_organisation_with_website_and_email() -> None:
    assert _by_id(SDN)["us_ofac_sdn-13109"] == Entity(
        id="us_ofac_sdn-13109",
        source="us_ofac_sdn",
        source_id="13109",
        schema=Schema.ORGANIZATION,
        names=[Name("POUYA AIR")],
        programs=["SDGT"],
        identifiers=[
            Identifier(IdType.WEBSITE, "www.pouyaair.com", label="Website"),
            Identifier(IdType.EMAIL, "info@pouyaair.com", label="Email Address"),
        ],
        listed_on="2012-03-27",
        attributes=_TERRORISM,
    )


def test_vessel_with_imo_mmsi_and_vessel_features() -> None:
    assert _by_id(SDN)["us_ofac_sdn-15036"] == Entity(
        id="us_ofac_sdn-15036",
        source="us_ofac_sdn",
        source_id="15036",
        schema=Schema.VESSEL,
        names=[
            Name("ARTAVIL"),
            Name("ABADAN", NameKind.FKA),
            Name("SHONA", NameKind.FKA),
            Name("ALPHA", NameKind.WEAK),
        ],
        programs=["IRAN"],
        identifiers=[
            Identifier(IdType.IMO, "9187629", label="Vessel Registration Identification IMO"),
            Identifier(IdType.MMSI, "572469210", label="MMSI"),
        ],
        vessel=Vessel(
            call_sign="T2EU4",
            vessel_type="Crude/Oil Products Tanker",
            tonnage="99,144",
            gross_registered_tonnage="56,068",
            flag="IR",
        ),
        listed_on="2012-07-12",
        attributes={"former_vessel_flag": ["Malta", "Tanzania"], **_SECONDARY, **_IRAN},
    )


def test_aircraft_with_serial_numbers_facts_and_owner() -> None:
    assert _by_id(SDN)["us_ofac_sdn-15431"] == Entity(
        id="us_ofac_sdn-15431",
        source="us_ofac_sdn",
        source_id="15431",
        schema=Schema.AIRCRAFT,
        names=[Name("EP-GOM")],
        programs=["SDGT"],
        identifiers=[
            Identifier(
                IdType.AIRCRAFT_SERIAL, "8401", label="Aircraft Construction Number (also called L/N or S/N or F/N)"
            ),
            Identifier(IdType.AIRCRAFT_SERIAL, "1023409321", label="Aircraft Manufacturer's Serial Number (MSN)"),
        ],
        relations=[Relation(type="owned_or_controlled_by", target_name="POUYA AIR", target_id="us_ofac_sdn-13109")],
        listed_on="2013-05-31",
        attributes={
            "aircraft_manufacture_date": ["1992"],
            "aircraft_model": ["IL76-TD"],
            "aircraft_operator": ["YAS AIR"],
            **_TERRORISM,
        },
    )


def test_sdn_fixture_has_exactly_its_parties_in_order() -> None:
    assert [entity.source_id for entity in _parse(SDN)] == [
        "4632",
        "10465",
        "11355",
        "12113",
        "13109",
        "15036",
        "15431",
    ]


def test_hikvision_consolidated_party() -> None:
    assert _by_id(CONS, "us_ofac_cons")["us_ofac_cons-30946"] == Entity(
        id="us_ofac_cons-30946",
        source="us_ofac_cons",
        source_id="30946",
        schema=Schema.ORGANIZATION,
        names=[
            Name("HANGZHOU HIKVISION DIGITAL TECHNOLOGY CO., LTD."),
            Name("HIKVISION", NameKind.AKA),
            Name("HANGZHOU HIKVISION DIGITAL TECHNOLOGY", NameKind.AKA),
        ],
        programs=["CMIC-EO13959"],
        addresses=[
            Address(
                full="555, Qianmo Road, Binjiang District, Hangzhou 310051, China",
                street="555, Qianmo Road, Binjiang District",
                city="Hangzhou",
                postal_code="310051",
                country="CN",
                country_name="China",
            )
        ],
        identifiers=[
            Identifier(IdType.ISIN, "CNE100000PM8", label="ISIN"),
            Identifier(IdType.USCC, "91330000733796106P", country="CN", label="Unified Social Credit Code (USCC)"),
        ],
        listed_on="2021-06-03",
        attributes={
            "equity_ticker": ["002415 CN"],
            "issuer_name": ["Hangzhou Hikvision Digital Technology"],
            "target_type": ["Public Company"],
            "effective_date": ["2021-08-02 (CMIC)"],
            "purchase_sales_for_divestment_date": ["2022-06-03 (CMIC)"],
            "listing_date": ["2021-06-03 (CMIC)"],
            "list": ["NS-CMIC List"],
            "legal_basis": ["Executive Order 13959 (China-military)"],
        },
    )


def test_person_with_year_of_birth_in_consolidated_list() -> None:
    assert _by_id(CONS, "us_ofac_cons")["us_ofac_cons-9639"] == Entity(
        id="us_ofac_cons-9639",
        source="us_ofac_cons",
        source_id="9639",
        schema=Schema.PERSON,
        names=[Name("HANIYA, Ismail Abdul Salah"), Name("HANIYYA, Ismaeel", NameKind.AKA)],
        programs=["NS-PLC"],
        birth_dates=[PartialDate("1962")],
        birth_places=["Shati"],
        listed_on="2006-04-12",
        attributes={"list": ["NS-PLC List"], "legal_basis": ["Palestinian Legislative Council"]},
    )


def test_raw_keeps_the_published_party() -> None:
    aircraft = next(entity for entity in _parse(SDN) if entity.source_id == "15431")
    xml = aircraft.raw["xml"]
    assert xml.startswith("<DistinctParty ") and 'FixedRef="15431"' in xml
    assert etree.fromstring(xml.encode()).find(f".//{{{NEW_NAMESPACE}}}VersionDetail").text == "8401"
    assert Entity.from_dict(aircraft.to_dict()) == aircraft


def test_historical_namespace_parses_the_same(tmp_path: Path) -> None:
    old = _write(tmp_path, "sdn_advanced.xml", SDN.read_bytes().replace(NEW_NAMESPACE.encode(), OLD_NAMESPACE.encode()))
    assert _by_id(old) == _by_id(SDN)


# -- date periods ----------------------------------------------------------------------------------


def _boundary(tag: str, low: tuple[int, ...], high: tuple[int, ...], approximate: bool = False) -> str:
    def point(name: str, parts: tuple[int, ...]) -> str:
        fields = "".join(
            f"<{unit}>{value}</{unit}>" for unit, value in zip(("Year", "Month", "Day"), parts, strict=False)
        )
        return f"<{name}>{fields}</{name}>"

    flag = "true" if approximate else "false"
    return f'<{tag} Approximate="{flag}">{point("From", low)}{point("To", high)}</{tag}>'


def _period(start: str, end: str) -> PartialDate:
    return date_period(Reader(None), etree.fromstring(f"<DatePeriod>{start}{end}</DatePeriod>"))


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (((1975, 4, 13), (1975, 4, 13)), ((1975, 4, 13), (1975, 4, 13)), PartialDate("1975-04-13")),
        (((1961, 1, 1), (1961, 1, 1)), ((1961, 12, 31), (1961, 12, 31)), PartialDate("1961")),
        (((1968, 2, 1), (1968, 2, 1)), ((1968, 2, 29), (1968, 2, 29)), PartialDate("1968-02")),
        (((1984, 1, 1), (1984, 12, 31)), ((1986, 1, 1), (1986, 12, 31)), PartialDate("1984", end="1986")),
        (((1946, 9, 26), (1946, 9, 26)), ((1946, 12, 7), (1946, 12, 7)), PartialDate("1946-09-26", end="1946-12-07")),
        (((1970,), (1970,)), ((1970,), (1970,)), PartialDate("1970")),
    ],
)
def test_date_periods_read_as_the_csv_edition_writes_them(
    start: tuple[tuple[int, ...], tuple[int, ...]], end: tuple[tuple[int, ...], tuple[int, ...]], expected: PartialDate
) -> None:
    assert _period(_boundary("Start", *start), _boundary("End", *end)) == expected


def test_approximate_period_is_circa() -> None:
    start = _boundary("Start", (1948, 1, 1), (1948, 1, 1), approximate=True)
    end = _boundary("End", (1948, 12, 31), (1948, 12, 31), approximate=True)
    assert _period(start, end) == PartialDate("1948", circa=True)


@pytest.mark.parametrize(
    ("xml", "message"),
    [
        ("<DatePeriod/>", "<DatePeriod> has neither <Start> nor <End>"),
        ("<DatePeriod><Start/></DatePeriod>", "<Start> has neither <From> nor <To>"),
        ("<DatePeriod><Start><From><Month>2</Month></From></Start></DatePeriod>", "<From> has no <Year>"),
        ("<DatePeriod><Start><From><Year>19x1</Year></From></Start></DatePeriod>", "<Year> '19x1' is not a number"),
        (
            "<DatePeriod><Start><From><Year>1961</Year><Month>2</Month><Day>30</Day></From></Start></DatePeriod>",
            "day 30 does not exist in 1961-02",
        ),
    ],
)
def test_malformed_date_periods(xml: str, message: str) -> None:
    with pytest.raises(FieldError, match=re.escape(message)):
        date_period(Reader(None), etree.fromstring(xml))


# -- malformed files -------------------------------------------------------------------------------


def _error(path: Path) -> ListFormatError:
    with pytest.raises(ListFormatError) as caught:
        _parse(path)
    assert caught.value.path == str(path)
    return caught.value


def _line_of(data: bytes, marker: bytes) -> int:
    return data[: data.index(marker)].count(b"\n") + 1


@pytest.mark.parametrize(
    ("old", "new", "where_marker", "message"),
    [
        (
            b'FixedRef="15036" AliasTypeID="1401" Primary="false" LowQuality="true"',
            b'FixedRef="15036" AliasTypeID="1499" Primary="false" LowQuality="true"',
            b'<DistinctParty FixedRef="15036">',
            "unknown AliasTypeID '1499': not in <AliasTypeValues>",
        ),
        (
            b'<VersionLocation LocationID="47328" />',
            b'<VersionLocation LocationID="99999" />',
            b'<DistinctParty FixedRef="12113">',
            "unknown LocationID '99999': not in <Locations>",
        ),
        (
            b'To-ProfileID="13109"',
            b'To-ProfileID="13199"',
            b'<DistinctParty FixedRef="15431">',
            "relationship to unknown profile '13199'",
        ),
        (
            b'<NamePartGroup ID="66001" NamePartTypeID="1524" />',
            b'<NamePartGroup ID="66009" NamePartTypeID="1524" />',
            b'<DistinctParty FixedRef="15431">',
            "name part points to unknown NamePartGroupID '66001'",
        ),
        (
            b'<Profile ID="15431" PartySubTypeID="2">',
            b'<Profile ID="15431" PartySubTypeID="7">',
            b'<DistinctParty FixedRef="15431">',
            "unknown PartySubTypeID '7': not in <PartySubTypeValues>",
        ),
        (
            b'<Alias FixedRef="13109" AliasTypeID="1403" Primary="true"',
            b'<Alias FixedRef="13109" AliasTypeID="1403" Primary="false"',
            b'<DistinctParty FixedRef="13109">',
            'no primary name (an <Alias Primary="true"> of type Name)',
        ),
        (
            b'<DistinctParty FixedRef="13109">',
            b'<DistinctParty FixedRef="A13109">',
            b'<DistinctParty FixedRef="A13109">',
            "FixedRef 'A13109' is not a number",
        ),
    ],
)
def test_broken_references_name_the_party(
    tmp_path: Path, old: bytes, new: bytes, where_marker: bytes, message: str
) -> None:
    data = SDN.read_bytes()
    assert data.count(old) == 1
    data = data.replace(old, new)
    error = _error(_write(tmp_path, "SDN_ADVANCED.XML", data))
    fixed_ref = re.search(rb'FixedRef="([^"]+)"', where_marker)
    assert fixed_ref is not None
    line = _line_of(data, where_marker)
    assert error.where == f"element <DistinctParty FixedRef={fixed_ref.group(1).decode()}> at line {line}"
    assert error.message == message


def test_unknown_reference_in_a_location_names_the_location(tmp_path: Path) -> None:
    data = SDN.read_bytes().replace(b'<LocationAreaCode AreaCodeID="11186" />', b'<LocationAreaCode AreaCodeID="1" />')
    error = _error(_write(tmp_path, "SDN_ADVANCED.XML", data))
    line = _line_of(data, b'<Location ID="27003">')
    assert error.where == f"element <Location ID=27003> at line {line}"
    assert error.message == "unknown AreaCodeID '1': not in <AreaCodeValues>"


def test_missing_reference_value_sets(tmp_path: Path) -> None:
    data = re.sub(rb"<ReferenceValueSets>.*</ReferenceValueSets>", b"", SDN.read_bytes(), flags=re.S)
    error = _error(_write(tmp_path, "SDN_ADVANCED.XML", data))
    assert error.message == "unknown LocPartTypeID '1451': not in <LocPartTypeValues>"


def test_truncated_file_names_the_line(tmp_path: Path) -> None:
    data = SDN.read_bytes()
    path = _write(tmp_path, "SDN_ADVANCED.XML", data[: data.index(b"<ProfileRelationships>")])
    error = _error(path)
    assert error.where is not None and error.where.startswith("line ")
    assert "malformed XML" in error.message


def test_truncated_file_yields_nothing_before_failing(tmp_path: Path) -> None:
    """The first pass reads the whole file, so a cut file fails before any party is handed out."""
    data = SDN.read_bytes()
    path = _write(tmp_path, "SDN_ADVANCED.XML", data[: data.index(b"<SanctionsEntries>")])
    stream = parse(ListFile(format="ofac_advanced_xml", source="us_ofac_sdn", paths=[path]))
    with pytest.raises(ListFormatError):
        next(stream)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"<?xml version='1.0'?><sdnList/>", "root element is <sdnList>, expected <Sanctions>"),
        (b"<Sanctions xmlns='urn:x'><DistinctParties/></Sanctions>", "<Sanctions> is in namespace 'urn:x'"),
        (f"<Sanctions xmlns='{NEW_NAMESPACE}'><DistinctParties/></Sanctions>".encode(), "no <DistinctParty> records"),
    ],
)
def test_wrong_or_empty_documents(tmp_path: Path, data: bytes, message: str) -> None:
    assert _error(_write(tmp_path, "SDN_ADVANCED.XML", data)).message.startswith(message)


def test_bad_encoding(tmp_path: Path) -> None:
    data = SDN.read_bytes().replace(b"ARTAVIL", b"ART\xc3VIL")
    error = _error(_write(tmp_path, "SDN_ADVANCED.XML", data))
    assert error.where is not None and error.where.startswith("line ")


# -- streaming -------------------------------------------------------------------------------------


def test_records_are_freed_once_consumed() -> None:
    """Each record is cleared once used and then detached, so memory stays flat on a 100 MB file."""
    seen: list[etree._Element] = []
    for record in stream_records(SDN, "Sanctions", (NEW_NAMESPACE,), ("DistinctParty",)):
        assert all(len(old) == 0 for old in seen)
        assert all(old.getparent() is None for old in seen[:-1])
        seen.append(record)
    assert len(seen) == 7


# -- fuzzing: nothing but ListFormatError may escape ------------------------------------------------

_FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
_XML_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cc", "Cs")), max_size=12)


def _parses_or_refuses(data: bytes) -> None:
    folder = Path(tempfile.mkdtemp())
    try:
        path = _write(folder, "SDN_ADVANCED.XML", data)
        try:
            for entity in _parse(path):
                assert entity.names and entity.names[0].kind is NameKind.PRIMARY
        except ListFormatError as error:
            assert error.path == str(path)
    finally:
        shutil.rmtree(folder)


@_FUZZ
@given(st.binary(max_size=2000))
def test_fuzz_random_bytes(data: bytes) -> None:
    _parses_or_refuses(data)


@_FUZZ
@given(st.integers(min_value=0, max_value=len(SDN.read_bytes())))
def test_fuzz_truncated(offset: int) -> None:
    _parses_or_refuses(SDN.read_bytes()[:offset])


@_FUZZ
@given(st.data())
def test_fuzz_deleted_elements(data: st.DataObject) -> None:
    root = etree.fromstring(SDN.read_bytes())
    elements = [element for element in root.iter() if isinstance(element.tag, str)][1:]
    for index in sorted(data.draw(st.sets(st.integers(0, len(elements) - 1), max_size=6)), reverse=True):
        parent = elements[index].getparent()
        if parent is not None:
            parent.remove(elements[index])
    _parses_or_refuses(etree.tostring(root, xml_declaration=True, encoding="utf-8"))


@_FUZZ
@given(st.data())
def test_fuzz_deleted_or_changed_attributes(data: st.DataObject) -> None:
    root = etree.fromstring(CONS.read_bytes() if data.draw(st.booleans()) else SDN.read_bytes())
    carriers = [element for element in root.iter() if isinstance(element.tag, str) and element.attrib]
    for index in data.draw(st.sets(st.integers(0, len(carriers) - 1), min_size=1, max_size=6)):
        element = carriers[index]
        name = data.draw(st.sampled_from(sorted(element.attrib)))
        if data.draw(st.booleans()):
            del element.attrib[name]
        else:
            element.set(name, data.draw(_XML_TEXT))
    _parses_or_refuses(etree.tostring(root, xml_declaration=True, encoding="utf-8"))


@_FUZZ
@given(st.data())
def test_fuzz_mangled_text(data: st.DataObject) -> None:
    root = etree.fromstring(SDN.read_bytes())
    leaves = [element for element in root.iter() if isinstance(element.tag, str) and len(element) == 0]
    for index in data.draw(st.sets(st.integers(0, len(leaves) - 1), max_size=6)):
        leaves[index].text = data.draw(_XML_TEXT)
    _parses_or_refuses(etree.tostring(root, xml_declaration=True, encoding="utf-8"))


def test_document_dates_validity_and_authority_go_in_the_note(tmp_path: Path) -> None:
    data = SDN.read_bytes().replace(
        b'IdentityID="7690" IssuedBy-CountryID="11168" ValidityID="1">\n      <Comment />\n'
        b"      <IDRegistrationNo>FU0152121</IDRegistrationNo>\n      <IssuingAuthority />",
        b'IdentityID="7690" IssuedBy-CountryID="11168" ValidityID="2">\n      <Comment />\n'
        b"      <IDRegistrationNo>FU0152121</IDRegistrationNo>\n      <IssuingAuthority>Karachi</IssuingAuthority>",
    )
    person = _by_id(_write(tmp_path, "SDN_ADVANCED.XML", data))["us_ofac_sdn-11355"]
    assert person.identifiers[1] == Identifier(
        IdType.PASSPORT, "FU0152121", country="PK", label="Passport", note="Fraudulent; Karachi"
    )


def test_written_date_is_how_remarks_write_it() -> None:
    assert written_date(PartialDate("2017-04-24")) == "24 Apr 2017"
    assert written_date(PartialDate("1968-02")) == "Feb 1968"
    assert written_date(PartialDate("1961", circa=True)) == "circa 1961"
    assert written_date(PartialDate("1984", end="1986")) == "1984 to 1986"


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("Passport", True),
        ("Digital Currency Address - XBT", True),
        ("Effective Date (CMIC)", True),
        ("Additional Sanctions Information -", True),
        ("Executive Order 13662 Directive Determination -", True),
        ("Registration Number Of Some New Kind", False),
    ],
)
def test_labels_the_remark_table_would_misread_are_filed_by_name(label: str, expected: bool) -> None:
    assert reads_as_remark(label) is expected
