"""SDN.XML / CONSOLIDATED.XML: recognition, every fixture entity field by field, and malformed input."""

from __future__ import annotations

import dataclasses
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
from proscribe.sources.ofac_xml import FORMAT, claim, parse, publisher_date, recognise
from tests.conftest import FIXTURES

FOLDER = FIXTURES / "ofac_xml"
SDN = FOLDER / "SDN.XML"
CONS = FOLDER / "CONSOLIDATED.XML"
OLD_NAMESPACE = "http://tempuri.org/sdnList.xsd"
NEW_NAMESPACE = "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/XML"


def _parse(path: Path, source: str = "us_ofac_sdn") -> list[Entity]:
    return list(parse(ListFile(format="ofac_xml", source=source, paths=[path])))


def _by_id(path: Path, source: str = "us_ofac_sdn") -> dict[str, Entity]:
    """Entities by id, without the raw record (tested on its own) so comparisons show the parsed fields."""
    return {entity.id: dataclasses.replace(entity, raw={}) for entity in _parse(path, source)}


def _write(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.write_bytes(data)
    return path


# -- recognition ---------------------------------------------------------------------------------


def test_registered_under_its_key() -> None:
    assert FORMATS["ofac_xml"] is FORMAT
    assert FORMAT.default_source == "us_ofac_sdn"


def test_claims_both_fixtures_with_source_and_publication_date() -> None:
    claimed = {lf.paths[0].name: lf for lf in claim(sorted(FOLDER.iterdir()))}
    assert set(claimed) == {"SDN.XML", "CONSOLIDATED.XML"}
    assert claimed["SDN.XML"] == ListFile("ofac_xml", "us_ofac_sdn", [SDN], publisher_date="2021-07-08")
    assert claimed["CONSOLIDATED.XML"] == ListFile("ofac_xml", "us_ofac_cons", [CONS], publisher_date="2025-12-15")


def test_recognises_by_content_not_name(tmp_path: Path) -> None:
    renamed = _write(tmp_path, "download-3.xml", SDN.read_bytes())
    disguised = _write(tmp_path, "SDN.XML", b"<?xml version='1.0'?><CONSOLIDATED_LIST/>")
    assert [lf.paths for lf in claim([renamed, disguised])] == [[renamed]]
    assert claim([renamed])[0].source == "us_ofac_sdn"


def test_recognises_the_historical_namespace() -> None:
    head = SDN.read_bytes()[:4000].replace(NEW_NAMESPACE.encode(), OLD_NAMESPACE.encode())
    assert recognise(head)
    assert publisher_date(head) == "2021-07-08"


@pytest.mark.parametrize(
    "head",
    [
        b"",
        b"ent_num,SDN_Name\n36,AEROCARIBBEAN AIRLINES",
        b'<?xml version="1.0"?><sdnList xmlns="urn:elsewhere"/>',
        b'<?xml version="1.0"?><Sanctions xmlns="http://www.un.org/sanctions/1.0"/>',
        b"<CONSOLIDATED_LIST><INDIVIDUALS/></CONSOLIDATED_LIST>",
    ],
)
def test_does_not_recognise_other_files(head: bytes) -> None:
    assert not recognise(head)


def test_recognises_after_byte_order_mark_and_comments() -> None:
    head = b"\xef\xbb\xbf<?xml version='1.0'?>\n<!-- copy -->\n<sdnList xmlns='" + NEW_NAMESPACE.encode() + b"'>"
    assert recognise(head)


def test_publisher_date_absent_or_malformed() -> None:
    assert publisher_date(b"<sdnList><publshInformation><Record_Count>1</Record_Count>") is None
    assert publisher_date(b"<sdnList><publshInformation><Publish_Date>13/45/2021</Publish_Date>") is None


# -- entities --------------------------------------------------------------------------------------

_SECONDARY = {"additional_sanctions_information": ["Subject to Secondary Sanctions"]}


def test_organisation_with_addresses_and_linked_to_remark() -> None:
    assert _by_id(SDN)["us_ofac_sdn-4632"] == Entity(
        id="us_ofac_sdn-4632",
        source="us_ofac_sdn",
        source_id="4632",
        schema=Schema.ORGANIZATION,
        names=[
            Name("BANK MARKAZI JOMHOURI ISLAMI IRAN"),
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
            Address(
                full="Mirdamad Blvd, 144 - P.O. Box 15875/7/77, Tehran, Iran",
                street="Mirdamad Blvd, 144 - P.O. Box 15875/7/77",
                city="Tehran",
                country="IR",
                country_name="Iran",
            ),
        ],
        relations=[
            Relation("linked_to", "ISLAMIC REVOLUTIONARY GUARD CORPS (IRGC)-QODS FORCE"),
            Relation("linked_to", "HIZBALLAH"),
        ],
        remarks="(Linked To: ISLAMIC REVOLUTIONARY GUARD CORPS (IRGC)-QODS FORCE; Linked To: HIZBALLAH)",
        attributes=_SECONDARY,
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
            Name("AL-PESHAWARI, Shaykh Aminullah", NameKind.AKA),
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
        relations=[
            Relation("linked_to", "JAMIA TALEEM-UL-QURAN-WAL-HADITH MADRASSA"),
            Relation("linked_to", "TALIBAN"),
            Relation("linked_to", "LASHKAR E-TAYYIBA"),
        ],
        remarks=(
            "(Linked To: JAMIA TALEEM-UL-QURAN-WAL-HADITH MADRASSA; Linked To: TALIBAN; Linked To: LASHKAR E-TAYYIBA)"
        ),
    )


def test_person_with_gender_citizenship_and_passport() -> None:
    assert _by_id(SDN)["us_ofac_sdn-12113"] == Entity(
        id="us_ofac_sdn-12113",
        source="us_ofac_sdn",
        source_id="12113",
        schema=Schema.PERSON,
        names=[
            Name("MORTEZAVI, Hasan"),
            Name("MORTEZAVI, Ali Hassan", NameKind.AKA),
            Name("MORTEZAVI, Sayyed Hasan", NameKind.AKA),
            Name("ALI, Hassan", NameKind.WEAK),
        ],
        programs=["SDGT", "IRGC", "IFSR"],
        addresses=[Address(full="Iran", country="IR", country_name="Iran")],
        birth_dates=[PartialDate("1964-08-23")],
        birth_places=["Ghazvin, Iran"],
        citizenships=["IR"],
        gender="male",
        identifiers=[Identifier(IdType.PASSPORT, "D9019576", country="IR", label="Passport")],
        attributes=_SECONDARY,
    )


def test_person_with_title_cedula_and_weak_nickname() -> None:
    assert _by_id(SDN)["us_ofac_sdn-12882"] == Entity(
        id="us_ofac_sdn-12882",
        source="us_ofac_sdn",
        source_id="12882",
        schema=Schema.PERSON,
        names=[Name("FIGUEROA SALAZAR, Amilcar Jesus"), Name("TINO", NameKind.WEAK)],
        programs=["SDNTK"],
        birth_dates=[PartialDate("1954-07-10")],
        birth_places=["El Pilar, Sucre State, Venezuela"],
        titles=["Alternate President to the Latin American Parliament"],
        identifiers=[
            Identifier(IdType.CEDULA, "3946770", country="VE", label="Cedula No."),
            Identifier(IdType.PASSPORT, "31-2006", country="VE", label="Passport"),
        ],
    )


def test_vessel_with_imo_mmsi_and_vessel_info() -> None:
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
        relations=[Relation("linked_to", "NATIONAL IRANIAN TANKER COMPANY")],
        remarks="(Linked To: NATIONAL IRANIAN TANKER COMPANY)",
        attributes={"former_vessel_flag": ["Malta", "Tuvalu", "None Identified", "Tanzania"], **_SECONDARY},
    )


def test_aircraft_with_serial_numbers_and_facts() -> None:
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
        relations=[Relation("linked_to", "POUYA AIR")],
        remarks="(Linked To: POUYA AIR)",
        attributes={
            "aircraft_manufacture_date": ["1992"],
            "aircraft_model": ["IL76-TD"],
            "aircraft_operator": ["YAS AIR"],
        },
    )


def test_sdn_fixture_has_exactly_its_six_entries_in_order() -> None:
    assert [entity.id for entity in _parse(SDN)] == [
        "us_ofac_sdn-4632",
        "us_ofac_sdn-11355",
        "us_ofac_sdn-12113",
        "us_ofac_sdn-12882",
        "us_ofac_sdn-15036",
        "us_ofac_sdn-15431",
    ]


_CMIC_DATES = {
    "effective_date": ["2021-08-02 (CMIC)"],
    "purchase_sales_for_divestment_date": ["2022-06-03 (CMIC)"],
    "listing_date": ["2021-06-03 (CMIC)"],
}


def test_hikvision_consolidated_entry() -> None:
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
            **_CMIC_DATES,
        },
    )


def test_other_consolidated_entries() -> None:
    entities = _by_id(CONS, "us_ofac_cons")
    assert list(entities) == ["us_ofac_cons-9639", "us_ofac_cons-30946", "us_ofac_cons-30947"]
    assert entities["us_ofac_cons-9639"] == Entity(
        id="us_ofac_cons-9639",
        source="us_ofac_cons",
        source_id="9639",
        schema=Schema.PERSON,
        names=[
            Name("HANIYA, Ismail Abdul Salah"),
            Name("HANIYA, Ismail", NameKind.AKA),
            Name("HANIYYA, Ismaeel", NameKind.AKA),
        ],
        programs=["NS-PLC"],
        birth_dates=[PartialDate("1962")],
        birth_places=["Shati"],
    )
    assert entities["us_ofac_cons-30947"] == Entity(
        id="us_ofac_cons-30947",
        source="us_ofac_cons",
        source_id="30947",
        schema=Schema.ORGANIZATION,
        names=[Name("HUAWEI TECHNOLOGIES CO., LTD."), Name("HUAWEI INVESTMENT & HOLDING CO LTD", NameKind.AKA)],
        programs=["CMIC-EO13959"],
        identifiers=[
            Identifier(IdType.USCC, "914403001922038216", country="CN", label="Unified Social Credit Code (USCC)")
        ],
        listed_on="2021-06-03",
        attributes={"target_type": ["Private Company"], **_CMIC_DATES},
    )


def test_raw_record_keeps_the_published_entry() -> None:
    vessel = next(entity for entity in _parse(SDN) if entity.source_id == "15036")
    assert vessel.raw["uid"] == "15036"
    assert vessel.raw["programList"] == ["IRAN"]
    assert vessel.raw["idList"][5] == {
        "uid": "8045",
        "idType": "Vessel Registration Identification",
        "idNumber": "IMO 9187629",
    }
    assert vessel.raw["vesselInfo"]["callSign"] == "T2EU4"
    assert Entity.from_dict(vessel.to_dict()) == vessel


def test_historical_namespace_parses_the_same(tmp_path: Path) -> None:
    old = _write(tmp_path, "sdn.xml", SDN.read_bytes().replace(NEW_NAMESPACE.encode(), OLD_NAMESPACE.encode()))
    assert _by_id(old) == _by_id(SDN)


def _entry(body: str) -> bytes:
    return (
        f'<?xml version="1.0"?><sdnList xmlns="{NEW_NAMESPACE}"><publshInformation>'
        f"<Publish_Date>01/02/2024</Publish_Date></publshInformation><sdnEntry>{body}</sdnEntry></sdnList>"
    ).encode()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1951 to 1953", PartialDate("1951", end="1953")),
        ("01 Jan 1961 to 31 Dec 1962", PartialDate("1961-01-01", end="1962-12-31")),
        ("Sep 1938", PartialDate("1938-09")),
        ("circa 1957", PartialDate("1957", circa=True)),
    ],
)
def test_written_birth_dates(tmp_path: Path, text: str, expected: PartialDate) -> None:
    body = (
        "<uid>1</uid><lastName>X</lastName><sdnType>Individual</sdnType><programList/>"
        f"<dateOfBirthList><dateOfBirthItem><uid>2</uid><dateOfBirth>{text}</dateOfBirth>"
        "<mainEntry>true</mainEntry></dateOfBirthItem></dateOfBirthList>"
    )
    (entity,) = _parse(_write(tmp_path, "SDN.XML", _entry(body)))
    assert entity.birth_dates == [expected]


def test_unreadable_birth_date_is_kept_as_an_attribute(tmp_path: Path) -> None:
    body = (
        "<uid>1</uid><lastName>X</lastName><sdnType>Individual</sdnType><programList/>"
        "<dateOfBirthList><dateOfBirthItem><uid>2</uid><dateOfBirth>31 Feb 1960</dateOfBirth>"
        "<mainEntry>true</mainEntry></dateOfBirthItem></dateOfBirthList>"
    )
    (entity,) = _parse(_write(tmp_path, "SDN.XML", _entry(body)))
    assert entity.birth_dates == []
    assert entity.attributes == {"date_of_birth_unparsed": ["31 Feb 1960"]}


def test_crypto_address_keeps_its_currency_in_the_label(tmp_path: Path) -> None:
    body = (
        "<uid>1</uid><lastName>X</lastName><sdnType>Entity</sdnType><programList><program>CYBER2</program>"
        "</programList><idList><id><uid>2</uid><idType>Digital Currency Address - XBT</idType>"
        "<idNumber>1AjZPMsnmpdK2Rv9KQNfMurTXinscVro9V</idNumber></id>"
        "<id><uid>3</uid><idType>Legal Entity Number</idType><idNumber>549300FH1VAYNMGQ2W21</idNumber></id>"
        "<id><uid>4</uid><idType>Registration Number Something New</idType><idNumber>77</idNumber></id></idList>"
    )
    (entity,) = _parse(_write(tmp_path, "SDN.XML", _entry(body)))
    assert entity.identifiers == [
        Identifier(IdType.CRYPTO, "1AjZPMsnmpdK2Rv9KQNfMurTXinscVro9V", label="Digital Currency Address - XBT"),
        Identifier(IdType.LEI, "549300FH1VAYNMGQ2W21", label="Legal Entity Number"),
        Identifier(IdType.OTHER, "77", label="Registration Number Something New"),
    ]


# -- malformed files -------------------------------------------------------------------------------


def _error(path: Path) -> ListFormatError:
    with pytest.raises(ListFormatError) as caught:
        _parse(path)
    assert caught.value.path == str(path)
    return caught.value


def test_truncated_file_names_the_line(tmp_path: Path) -> None:
    data = SDN.read_bytes()
    path = _write(tmp_path, "SDN.XML", data[: data.index(b"<uid>12113</uid>")])
    error = _error(path)
    assert error.where is not None and error.where.startswith("line ")
    assert "malformed XML" in error.message
    assert str(error).startswith(f"{path}: line ")


def test_wrong_root(tmp_path: Path) -> None:
    error = _error(_write(tmp_path, "SDN.XML", b"<?xml version='1.0'?><Designations><Designation/></Designations>"))
    assert error.where == "line 1"
    assert error.message == "root element is <Designations>, expected <sdnList>"


def test_unknown_namespace(tmp_path: Path) -> None:
    error = _error(_write(tmp_path, "SDN.XML", b"<sdnList xmlns='urn:x'><sdnEntry><uid>1</uid></sdnEntry></sdnList>"))
    assert "namespace 'urn:x'" in error.message


def test_bad_encoding(tmp_path: Path) -> None:
    data = SDN.read_bytes().replace(b"ARTAVIL", b"ART\xffVIL")
    error = _error(_write(tmp_path, "SDN.XML", data))
    assert error.where is not None and error.where.startswith("line ")


def test_missing_uid(tmp_path: Path) -> None:
    error = _error(_write(tmp_path, "SDN.XML", _entry("<lastName>X</lastName><sdnType>Entity</sdnType>")))
    assert error.where == "line 1"
    assert error.message == "<sdnEntry> has no <uid>"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("<uid>7</uid><lastName>X</lastName><sdnType>Ship</sdnType>", "unknown sdnType 'Ship'"),
        ("<uid>7</uid><lastName>X</lastName>", "no <sdnType>"),
        ("<uid>7</uid><sdnType>Entity</sdnType>", "no <lastName>"),
        ("<uid>x7</uid><lastName>X</lastName><sdnType>Entity</sdnType>", "uid 'x7' is not a number"),
        (
            "<uid>7</uid><lastName>X</lastName><sdnType>Entity</sdnType><akaList><aka><uid>8</uid>"
            "<type>alias</type><category>strong</category><lastName>Y</lastName></aka></akaList>",
            "<aka uid=8> has alias type 'alias', not a.k.a., f.k.a. or n.k.a.",
        ),
        (
            "<uid>7</uid><lastName>X</lastName><sdnType>Entity</sdnType><akaList><aka><uid>8</uid>"
            "<type>a.k.a.</type><category>strong</category></aka></akaList>",
            "<aka uid=8> has no name",
        ),
    ],
)
def test_malformed_entry_names_the_entry(tmp_path: Path, body: str, message: str) -> None:
    error = _error(_write(tmp_path, "SDN.XML", _entry(body)))
    uid = body[len("<uid>") : body.index("</uid>")]
    assert error.where == f"element <sdnEntry uid={uid}> at line 1"
    assert error.message == message


def test_a_list_without_entries_is_refused(tmp_path: Path) -> None:
    data = f"<sdnList xmlns='{NEW_NAMESPACE}'><publshInformation/></sdnList>".encode()
    assert _error(_write(tmp_path, "SDN.XML", data)).message.startswith("no <sdnEntry> records")


def test_missing_file(tmp_path: Path) -> None:
    error = _error(tmp_path / "SDN.XML")
    assert error.message.startswith("cannot read the file")


# -- fuzzing: nothing but ListFormatError may escape ------------------------------------------------

_XML_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cc", "Cs")), max_size=12)
_FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _parses_or_refuses(data: bytes, name: str = "SDN.XML") -> None:
    folder = Path(tempfile.mkdtemp())
    try:
        path = _write(folder, name, data)
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
    for fixture in (SDN, CONS):
        root = etree.fromstring(fixture.read_bytes())
        elements = list(root.iter())[1:]
        doomed = data.draw(st.sets(st.integers(0, len(elements) - 1), max_size=6))
        for index in sorted(doomed, reverse=True):
            parent = elements[index].getparent()
            if parent is not None:
                parent.remove(elements[index])
        _parses_or_refuses(etree.tostring(root, xml_declaration=True, encoding="utf-8"))


@_FUZZ
@given(st.data())
def test_fuzz_mangled_text(data: st.DataObject) -> None:
    root = etree.fromstring(SDN.read_bytes())
    leaves = [element for element in root.iter() if len(element) == 0]
    for index in data.draw(st.sets(st.integers(0, len(leaves) - 1), max_size=6)):
        leaves[index].text = data.draw(_XML_TEXT)
    _parses_or_refuses(etree.tostring(root, xml_declaration=True, encoding="utf-8"))


def test_remarks_are_read_like_the_csv_edition(tmp_path: Path) -> None:
    body = (
        "<uid>1</uid><lastName>X</lastName><sdnType>Entity</sdnType>"
        "<remarks>all offices worldwide; Zimbabwe Prisons Chief; Linked To: Y LTD</remarks><programList/>"
    )
    (entity,) = _parse(_write(tmp_path, "SDN.XML", _entry(body)))
    assert entity.relations == [Relation("linked_to", "Y LTD")]
    assert entity.attributes == {"scope": ["all offices worldwide"], "remarks_unparsed": ["Zimbabwe Prisons Chief"]}
    assert entity.remarks == "all offices worldwide; Zimbabwe Prisons Chief; Linked To: Y LTD"


def test_identity_rows_keep_issue_and_expiry_as_written(tmp_path: Path) -> None:
    body = (
        "<uid>1</uid><lastName>X</lastName><sdnType>Individual</sdnType><programList/><idList><id><uid>2</uid>"
        "<idType>Passport</idType><idNumber>P229856</idNumber><idCountry>Tunisia</idCountry>"
        "<issueDate>01 Nov 2002</issueDate><expirationDate>31 Oct 2007</expirationDate></id></idList>"
    )
    (entity,) = _parse(_write(tmp_path, "SDN.XML", _entry(body)))
    assert entity.identifiers == [
        Identifier(
            IdType.PASSPORT, "P229856", country="TN", label="Passport", note="issued 01 Nov 2002 expires 31 Oct 2007"
        )
    ]


def test_folder_scan_files_each_xml_edition_under_its_format() -> None:
    from proscribe.sources.detect import scan

    found = {(lf.paths[0].name, lf.format, lf.source) for lf in scan([FOLDER]).lists}
    assert found == {
        ("SDN.XML", "ofac_xml", "us_ofac_sdn"),
        ("CONSOLIDATED.XML", "ofac_xml", "us_ofac_cons"),
        ("SDN_ADVANCED.XML", "ofac_advanced_xml", "us_ofac_sdn"),
        ("CONS_ADVANCED.XML", "ofac_advanced_xml", "us_ofac_cons"),
    }
