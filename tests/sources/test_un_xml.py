"""The UN consolidated list parser, on the real UN file and on broken variants of it."""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from proscribe.model import Entity, IdType, NameKind, PartialDate, Schema
from proscribe.sources import FORMATS
from proscribe.sources.base import ListFile, ListFormatError
from proscribe.sources.un_xml import claim, parse
from tests.conftest import FIXTURES, LISTS

UN_FILE = LISTS / "un" / "consolidated.xml"
HEAD = UN_FILE.read_bytes()[:60_000] if UN_FILE.exists() else b""
# The first ten individuals of the real file, closed into a well-formed document.
_ENDS = [match.end() for match in re.finditer(rb"</INDIVIDUAL>", HEAD)]
EXCERPT = HEAD[: _ENDS[9]] + b"</INDIVIDUALS></CONSOLIDATED_LIST>" if len(_ENDS) >= 10 else b""


@pytest.fixture(scope="module")
def un_file(lists_dir: Path) -> Path:
    return lists_dir / "un" / "consolidated.xml"


@pytest.fixture(scope="module")
def entities(un_file: Path) -> dict[str, Entity]:
    return {e.source_id: e for e in parse(ListFile("un_xml", "un_sc", [un_file]))}


def _parse_bytes(data: bytes, name: str = "list.xml") -> list[Entity]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        return list(parse(ListFile("un_xml", "un_sc", [path])))


def _record(body: str, reference: str | None = "QDi.999") -> str:
    ref = f"<REFERENCE_NUMBER>{reference}</REFERENCE_NUMBER>" if reference else ""
    return f"<INDIVIDUAL><DATAID>42</DATAID><FIRST_NAME>ALI</FIRST_NAME>{ref}{body}</INDIVIDUAL>"


def _document(*records: str) -> bytes:
    body = "".join(records)
    root = '<CONSOLIDATED_LIST dateGenerated="2026-01-02T00:00:00Z">'
    return f"{root}<INDIVIDUALS>{body}</INDIVIDUALS><ENTITIES/></CONSOLIDATED_LIST>".encode()


# -- registry and recognition ------------------------------------------------


def test_registered() -> None:
    assert FORMATS["un_xml"].default_source == "un_sc"


def test_claim_recognises_content_whatever_the_name(un_file: Path, tmp_path: Path) -> None:
    renamed = tmp_path / "download-7f3a.bin"
    renamed.write_bytes(HEAD)
    other = tmp_path / "consolidated.xml"
    other.write_bytes(b'<?xml version="1.0"?>\n<!-- <CONSOLIDATED_LIST> -->\n<sdnList/>')
    eu = FIXTURES / "eu_fsf" / "xmlFullSanctionsList_1_1.xml"

    claimed = claim([renamed, other, eu])

    assert [lf.paths for lf in claimed] == [[renamed]]
    assert claimed[0].format == "un_xml" and claimed[0].source == "un_sc"
    assert claimed[0].publisher_date == "2026-02-27"


# -- the real file -----------------------------------------------------------


def test_every_record_becomes_one_entity(un_file: Path, entities: dict[str, Entity]) -> None:
    text = un_file.read_text(encoding="utf-8")
    expected = len(re.findall(r"<INDIVIDUAL>", text)) + len(re.findall(r"<ENTITY>", text))
    references = etree.parse(str(un_file)).findall(".//REFERENCE_NUMBER")

    assert len(entities) == expected == len(references) == 1003
    assert len({r.text for r in references}) == len(references)  # every REFERENCE_NUMBER unique
    assert sum(e.schema is Schema.PERSON for e in entities.values()) == 730


def test_entities_follow_the_model_conventions(entities: dict[str, Entity]) -> None:
    for reference, entity in entities.items():
        assert entity.id == f"un_sc-{reference}"
        assert entity.names[0].kind is NameKind.PRIMARY
        # country_code gives ISO 3166-3 "SUHH" for "former Soviet Union" (QDi.290): not a parser matter.
        assert all(re.fullmatch(r"[A-Z]{2}", code) for code in entity.countries if code != "SUHH")
        assert all(re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", d.value) for d in entity.birth_dates)
        assert entity.listed_on is None or re.fullmatch(r"\d{4}-\d{2}-\d{2}", entity.listed_on)


def test_every_record_is_parsed(un_file: Path) -> None:
    """Parsing speed is measured by benchmarks/import_lists.py, not here: a shared machine makes timed tests flaky."""
    assert sum(1 for _ in parse(ListFile("un_xml", "un_sc", [un_file]))) == 1003


def test_publisher_date_is_read_from_the_root(un_file: Path) -> None:
    list_file = ListFile("un_xml", "un_sc", [un_file])
    next(parse(list_file))
    assert list_file.publisher_date == "2026-02-27"


def test_person_with_original_script_name(entities: dict[str, Entity]) -> None:
    salek = entities["TAi.108"]
    assert salek.caption == "ABDULHAI SALEK"  # as the benchmark writes the UN name
    assert [(n.value, n.kind, n.script) for n in salek.names] == [
        ("ABDULHAI SALEK", NameKind.PRIMARY, None),
        ("عبدالحی سالک", NameKind.PRIMARY, "Arab"),
    ]
    assert salek.birth_dates == [PartialDate("1965", circa=True)]
    assert salek.birth_places == [
        "Awlyatak Village, Gardan Masjid Area, Chaki Wardak District, Maidan Wardak Province, Afghanistan"
    ]
    assert salek.nationalities == ["AF"]
    assert salek.titles == ["Maulavi"]
    assert salek.programs == ["Taliban"]
    assert salek.listed_on == "2001-02-23"
    assert salek.attributes["dataid"] == ["111209"]
    assert salek.raw["REFERENCE_NUMBER"] == "TAi.108"
    assert entities["QDi.290"].names[1].script == "Cyrl"


def test_alias_qualities(entities: dict[str, Entity]) -> None:
    gaston = entities["CDi.003"]
    assert gaston.caption == "GASTON IYAMUREMYE"
    assert ("Rumuli", NameKind.WEAK) in [(n.value, n.kind) for n in gaston.names]  # QUALITY Low
    assert ("Victor Rumuri", NameKind.AKA) in [(n.value, n.kind) for n in gaston.names]  # QUALITY Good
    assert gaston.attributes["position"][0] == "FDLR Interim President"
    assert gaston.gender == "male"
    adf = entities["CDe.001"]
    assert adf.schema is Schema.ORGANIZATION and adf.caption == "ADF"
    assert ("ADF/NALU", NameKind.FKA) in [(n.value, n.kind) for n in adf.names]  # QUALITY f.k.a.


def test_date_of_birth_forms(entities: dict[str, Entity]) -> None:
    assert entities["TAi.002"].birth_dates == [  # BETWEEN, "Approximately"
        PartialDate("1955", "1958", circa=True),
        PartialDate("1945", "1950", circa=True),
    ]
    assert entities["QDi.356"].birth_dates == [PartialDate("1994-05-11")]  # EXACT with DATE
    assert entities["CDi.004"].birth_dates == [PartialDate("1973-11")]  # only a NOTE: "Nov. 1973"
    assert entities["QDi.306"].birth_dates[0] == PartialDate("1977-08", "1977-09")  # "Between Aug. and Sep. 1977"
    assert entities["QDi.356"].gender == "female"


def test_documents(entities: dict[str, Entity]) -> None:
    [passport] = entities["TAi.051"].identifiers
    assert (passport.type, passport.value, passport.country, passport.label) == (
        IdType.PASSPORT,
        "OA462456",
        "AF",
        "Passport",
    )
    assert passport.note == "issued 2012-01-31; issued under the name of Abdul Haq"
    bozize = entities["CFi.001"].identifiers
    assert any(i.type is IdType.NATIONAL_ID and i.value == "M4800002143743" for i in bozize)


def test_entity_addresses(entities: dict[str, Entity]) -> None:
    grf = entities["QDe.091"]
    assert grf.caption == "GLOBAL RELIEF FOUNDATION (GRF)"
    first = grf.addresses[0]
    assert first.street == "9935 South 76th Avenue, Unit 1, Bridgeview"
    assert (first.postal_code, first.country, first.country_name) == ("60455", "US", "United States of America")
    assert first.full == "9935 South 76th Avenue, Unit 1, Bridgeview, Illinois, 60455, United States of America"


# -- broken input ------------------------------------------------------------


def test_wrong_root_is_named() -> None:
    with pytest.raises(ListFormatError, match=r"list.xml: line 1: root element is <sdnList>"):
        _parse_bytes(b"<sdnList><sdnEntry/></sdnList>")


def test_truncated_file_names_the_line(un_file: Path) -> None:
    with pytest.raises(ListFormatError, match=r": line \d+: not well-formed XML"):
        _parse_bytes(HEAD[:20_000])


def test_missing_reference_number_names_the_record() -> None:
    with pytest.raises(ListFormatError, match=r"line 1, <INDIVIDUAL> DATAID=42: no REFERENCE_NUMBER"):
        _parse_bytes(_document(_record("", reference=None)))


def test_repeated_reference_number() -> None:
    with pytest.raises(ListFormatError, match=r"REFERENCE_NUMBER QDi\.999 repeats"):
        _parse_bytes(_document(_record(""), _record("")))


def test_undecodable_bytes() -> None:
    with pytest.raises(ListFormatError, match="not well-formed XML"):
        _parse_bytes(_document(_record("")).replace(b"ALI", b"A\xff\xfeI"))


def test_empty_and_missing_files(tmp_path: Path) -> None:
    with pytest.raises(ListFormatError, match="not well-formed XML"):
        _parse_bytes(b"")
    with pytest.raises(ListFormatError, match="cannot read the file"):
        list(parse(ListFile("un_xml", "un_sc", [tmp_path / "absent.xml"])))


def test_excerpt_is_well_formed() -> None:
    assert len(_parse_bytes(EXCERPT)) == 10


def test_minimal_document_parses() -> None:
    [entity] = _parse_bytes(_document(_record("<NATIONALITY><VALUE>Iraq</VALUE></NATIONALITY>")))
    assert (entity.id, entity.caption, entity.nationalities) == ("un_sc-QDi.999", "ALI", ["IQ"])


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
@given(st.integers(min_value=0, max_value=len(HEAD)))
def test_fuzz_truncated_real_file(offset: int) -> None:
    _only_list_format_errors(HEAD[:offset])


@_FUZZ
@given(st.lists(st.tuples(st.integers(0, len(EXCERPT)), st.binary(min_size=1, max_size=4)), min_size=1, max_size=8))
def test_fuzz_mutated_real_file(edits: list[tuple[int, bytes]]) -> None:
    data = bytearray(EXCERPT)
    for offset, replacement in edits:
        data[offset : offset + len(replacement)] = replacement
    _only_list_format_errors(bytes(data))


def test_file_named_like_another_format_is_still_parsed(un_file: Path, tmp_path: Path) -> None:
    copy = tmp_path / "sdn.csv"
    shutil.copy(un_file, copy)
    [list_file] = claim([copy])
    assert sum(1 for _ in parse(list_file)) == 1003


@_FUZZ
@given(st.binary(max_size=3_000))
def test_fuzz_claim_never_raises(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "unknown"
        path.write_bytes(data)
        assert len(claim([path])) <= 1
