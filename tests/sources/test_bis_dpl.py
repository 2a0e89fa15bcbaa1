"""The BIS Denied Persons List parser, on the real dpl.txt and on broken variants of it."""

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
from proscribe.sources.bis_dpl import claim, dpl_source_id, looks_like_organization, parse
from tests.conftest import FIXTURES, LISTS

DPL_FILE = LISTS / "bis" / "dpl.txt"
DPL_BYTES = DPL_FILE.read_bytes() if DPL_FILE.exists() else b""
HEADER = DPL_BYTES.split(b"\n", 1)[0] + b"\n"


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


@pytest.fixture(scope="module")
def dpl_file(lists_dir: Path) -> Path:
    return lists_dir / "bis" / "dpl.txt"


@pytest.fixture(scope="module")
def entities(dpl_file: Path) -> list[Entity]:
    return list(parse(ListFile("bis_dpl", "us_bis_dpl", [dpl_file])))


def by_name(entities: list[Entity], name: str) -> list[Entity]:
    return [e for e in entities if e.caption == name]


def _parse_bytes(data: bytes) -> list[Entity]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "dpl.txt"
        path.write_bytes(data)
        return list(parse(ListFile("bis_dpl", "us_bis_dpl", [path])))


def test_registered() -> None:
    assert FORMATS["bis_dpl"].default_source == "us_bis_dpl"


def test_one_entity_per_name_and_order(dpl_file: Path, entities: list[Entity]) -> None:
    groups = {(" ".join(row["Name"].split()).upper(), row["Effective_Date"]) for row in _rows(dpl_file)}
    assert len(entities) == len(groups) == 461
    assert len({e.id for e in entities}) == len(entities)
    assert all(e.id == f"us_bis_dpl-{e.source_id}" for e in entities)


def test_rows_of_one_party_become_its_addresses(dpl_file: Path, entities: list[Entity]) -> None:
    rows = [row for row in _rows(dpl_file) if row["Name"].strip() == "MANSOUR MOGHTADERI ZADEH"]
    (entity,) = by_name(entities, "MANSOUR MOGHTADERI ZADEH")
    assert len(rows) == 4
    assert sorted(a.street or "" for a in entity.addresses) == sorted(row["Street_Address"] for row in rows)
    assert len(entity.raw["rows"]) == 4


def test_two_orders_against_one_name_are_two_parties(entities: list[Entity]) -> None:
    orders = sorted(by_name(entities, "I. ASH"), key=lambda e: e.listed_on or "")
    assert [e.listed_on for e in orders] == ["2002-03-04", "2003-06-19"]
    # The earliest order keeps the name-only id, so a later order never renames it.
    assert orders[0].source_id == dpl_source_id("I. ASH", "03/04/2002", first_order=True)
    assert orders[1].source_id == dpl_source_id("I. ASH", "06/19/2003", first_order=False)
    assert orders[0].source_id != orders[1].source_id


def test_ids_do_not_depend_on_row_order() -> None:
    header, *rows = DPL_BYTES.splitlines(keepends=True)
    forward = {e.id for e in _parse_bytes(DPL_BYTES)}
    backward = {e.id for e in _parse_bytes(header + b"".join(reversed(rows)))}
    assert forward == backward


def test_person_or_organisation_is_inferred(entities: list[Entity]) -> None:
    (ash, *_) = by_name(entities, "I. ASH")
    (airline,) = by_name(entities, "AIR FREIGHT LTD")
    (web,) = by_name(entities, "TECHONWEB")
    assert ash.schema is Schema.PERSON
    assert airline.schema is Schema.ORGANIZATION
    assert web.schema is Schema.ORGANIZATION
    assert all(e.attributes["schema_inferred"] == ["true"] for e in entities)
    assert looks_like_organization("COTRICOM S.A.")
    assert looks_like_organization("P&P COMPUTERS")
    assert not looks_like_organization("ROBERT J. SHUBERT, SR.")


def test_names_hidden_in_the_published_name(entities: list[Entity]) -> None:
    (s7,) = by_name(entities, "SIBERIAN AIRLINES D/B/A S7 AIRLINES")
    (sun,) = by_name(entities, "FUYI SUN A/K/A FRANK SUN")
    (pearl,) = by_name(entities, "PEARL (A.K.A. NEI-CHIEN CHU) LI")
    assert [n.value for n in s7.names if n.kind is NameKind.AKA] == ["SIBERIAN AIRLINES", "S7 AIRLINES"]
    assert sun.schema is Schema.PERSON
    assert {n.value for n in sun.names} >= {"FUYI SUN", "FRANK SUN"}
    assert {n.value for n in pearl.names} >= {"NEI-CHIEN CHU", "PEARL LI"}


def test_countries(entities: list[Entity]) -> None:
    (villa,) = by_name(entities, "AARON ABRAHAM VILLA")
    (smith,) = by_name(entities, "STEPHEN EDWARD SMITH")
    (zadeh,) = by_name(entities, "MANSOUR ZADEH")
    (krutilin,) = by_name(entities, "ALEXEY KRUTILIN")
    (hu,) = by_name(entities, "JOHNSON HU")
    # Empty country with a US state and ZIP: US, and marked as inferred.
    assert villa.countries == ["US"]
    assert villa.attributes["country_inferred"] == ["true"]
    # "NM" in the country column with a ZIP is New Mexico, not a country.
    assert smith.countries == ["US"]
    assert smith.addresses[0].region == "NM"
    # Nicosia rows put "CY" in the state column and no country: left unknown, not guessed.
    nicosia = [a for a in zadeh.addresses if "NICOSIA" in (a.city or "")]
    assert len(nicosia) == 3
    assert all(a.country is None for a in nicosia)
    assert zadeh.countries == ["US"]  # its North Carolina prison address
    assert krutilin.countries == []
    assert hu.countries == ["CN"]


def test_dates_and_facts(entities: list[Entity]) -> None:
    (villa,) = by_name(entities, "AARON ABRAHAM VILLA")
    assert villa.listed_on == "2022-08-24"
    assert villa.attributes["expiration_date"] == ["2026-01-14"]
    assert villa.attributes["federal_register_notice"] == ["87 F.R. 52741 8/29/2022"]
    assert villa.programs == ["DPL"]


def test_claims_only_the_dpl() -> None:
    files = sorted(p for p in LISTS.rglob("*") if p.is_file()) + sorted(p for p in FIXTURES.rglob("*") if p.is_file())
    assert [lf.paths[0] for lf in claim(files)] == [DPL_FILE]


@pytest.mark.parametrize(
    ("data", "where", "message"),
    [
        (HEADER + b'"A"\t"B"\n', "row 2 (line 2)", "expected 12 columns, found 2"),
        (HEADER + b'"\xff\xfe"' + b'\t""' * 11 + b"\n", "line 2", "not UTF-8"),
        (HEADER + b'""' + b'\t"x"' * 11 + b"\n", "row 2 (line 2)", "empty Name"),
        (b"Name,City\nX,Y\n", "row 1", "not a Denied Persons List"),
        (b"", None, "empty file"),
    ],
)
def test_malformed_input_is_reported_with_its_place(data: bytes, where: str | None, message: str) -> None:
    with pytest.raises(ListFormatError) as caught:
        _parse_bytes(data)
    assert caught.value.where == where
    assert message in caught.value.message


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=3000))
def test_random_bytes_raise_only_list_format_errors(data: bytes) -> None:
    with contextlib.suppress(ListFormatError):
        _parse_bytes(HEADER + data)


@settings(max_examples=40, deadline=None)
@given(st.integers(min_value=0, max_value=max(len(DPL_BYTES), 1)))
def test_truncated_file_raises_only_list_format_errors(offset: int) -> None:
    with contextlib.suppress(ListFormatError):
        _parse_bytes(DPL_BYTES[:offset])


@settings(max_examples=80, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(min_value=0, max_value=max(len(DPL_BYTES) - 1, 0)),
            st.sampled_from([b'"', b"\t", b"\n", b"\r", b"\x00", b"\xff", b"", b"/", b"9"]),
        ),
        min_size=1,
        max_size=6,
    )
)
def test_mutated_rows_raise_only_list_format_errors(edits: list[tuple[int, bytes]]) -> None:
    data = bytearray(DPL_BYTES)
    for position, replacement in sorted(edits, reverse=True):
        data[position : position + 1] = replacement
    with contextlib.suppress(ListFormatError):
        _parse_bytes(bytes(data))
