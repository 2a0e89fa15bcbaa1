"""The reference data and the IEEE registry: provenance on every row, registrant names matched as the facts say."""

from __future__ import annotations

import csv
from importlib import resources

import pytest

from proscribe.equipment.device import Device, Status
from proscribe.equipment.identify import identify
from proscribe.equipment.oui import format_mac, is_locally_administered, load_registry, parse_mac
from proscribe.equipment.reference import load_reference, normalize_name

DATA_FILES = ("makers.csv", "rules.csv", "brands.csv", "registrants.csv", "models.csv", "fingerprints.csv")


@pytest.mark.parametrize("name", DATA_FILES)
def test_every_reference_row_has_a_source_and_a_grade(name: str) -> None:
    text = resources.files("proscribe.equipment").joinpath("data").joinpath(name).read_text(encoding="utf-8")
    rows = list(csv.DictReader(text.splitlines()))
    assert rows
    for row in rows:
        assert row["grade"] in ("V", "I"), row
        assert row["source"].startswith(("covered-equipment.md", "list-sources.md")), row


def test_grade_i_facts_are_kept_as_such() -> None:
    reference = load_reference()
    inferred = {fact.name for fact in reference.brands if fact.provenance.grade == "I"}
    assert {"Annke", "CP Plus", "Zhejiang HuaRay Technology Co., Ltd"} <= inferred
    assert "LTS" not in inferred and "Amcrest" not in inferred


@pytest.mark.parametrize(
    ("mac", "maker"),
    [
        ("44:19:B6:00:00:01", "hikvision"),
        ("58:50:ED:00:00:01", "hikvision"),
        ("3C:EF:8C:00:00:01", "dahua"),
        ("9C:14:63:00:00:01", "dahua"),
    ],
)
def test_the_reference_examples_resolve_through_the_bundled_registry(mac: str, maker: str) -> None:
    verdict = identify(Device(mac=mac), load_reference(), load_registry())
    assert verdict.status is Status.COVERED
    assert verdict.maker_key == maker
    assert verdict.evidence[0].kind == "mac" and "registered to" in verdict.evidence[0].detail


def test_registrant_names_are_matched_after_normalisation_including_the_misspelt_dahua() -> None:
    reference = load_reference()
    index = reference.registrant_index
    assert index[normalize_name("ZHEJIANG DAHUA TECHNOLOGYCO.,LTD")].maker == "dahua"
    assert index[normalize_name("Hytera Communications Co .,ltd")].maker == "hytera"
    assert index[normalize_name("Hytera Communications Corporation Limited")].maker == "hytera"
    assert index[normalize_name("Huawei Technologies Co., Ltd.")].maker == "huawei"
    assert index[normalize_name("Shanghai Dahua Scale Factory")].maker is None
    assert index[normalize_name("Honor Device Co., Ltd.")].maker is None


def test_the_bundled_registry_has_the_covered_blocks_by_name_not_by_a_copied_table() -> None:
    registry = load_registry()
    reference = load_reference()
    covered = registry.blocks_of(
        lambda name: (fact := reference.registrant_index.get(normalize_name(name))) is not None and bool(fact.maker)
    )
    by_maker: dict[str, int] = {}
    for block in covered:
        maker = reference.registrant_index[normalize_name(block.registrant)].maker
        assert maker is not None
        by_maker[maker] = by_maker.get(maker, 0) + 1
    assert by_maker["hikvision"] >= 60 and by_maker["dahua"] >= 25
    assert {"huawei", "zte", "hytera"} <= by_maker.keys()
    assert "netaddr" in registry.origin


def test_mac_notations_and_the_locally_administered_bit() -> None:
    for text in ("44:19:B6:12:34:56", "44-19-b6-12-34-56", "4419.b612.3456", "4419B6123456"):
        assert parse_mac(text) == 0x4419B6123456
    for text in ("44:19:B6:12:34", "zz:19:B6:12:34:56", "44:19-B6:12:34:56", ""):
        assert parse_mac(text) is None
    assert format_mac(0x4419B6123456) == "44:19:B6:12:34:56"
    assert is_locally_administered(0x0219B6123456) and is_locally_administered(0x4619B6123456)
    assert not is_locally_administered(0x4419B6123456)


def test_a_randomised_mac_inside_a_covered_block_shape_gives_no_maker_evidence() -> None:
    # 46:19:B6 is 44:19:B6 with the locally administered bit set: it belongs to nobody
    verdict = identify(Device(mac="46:19:B6:12:34:56"), load_reference(), load_registry())
    assert verdict.status is Status.UNKNOWN
    assert "locally administered" in verdict.evidence_text()
