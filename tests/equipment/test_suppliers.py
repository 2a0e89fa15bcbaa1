"""Suppliers and labels screened two ways: the reference facts and, with lists loaded, the screening engine."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import LISTS
from tests.equipment.conftest import home_cli

INVENTORY = (
    "Asset,Brand,Model,MAC,Supplier\n"
    "S1,Axis,P3245,00:40:8C:00:00:01,Hikvision USA Inc.\n"
    "S2,Axis,P3245,00:40:8C:00:00:02,Anixter\n"
    "S3,Generic,Router X,,Huawei Technologies Company\n"
    "S4,EZVIZ,CS-C6N,,Anixter\n"
)


def test_reference_only_when_no_lists_are_loaded(tmp_path: Path) -> None:
    home = tmp_path / "home"
    (tmp_path / "inv.csv").write_text(INVENTORY, encoding="utf-8")
    assert home_cli(home, "devices", "import", str(tmp_path / "inv.csv")).exit_code == 0
    result = home_cli(home, "devices", "suppliers", "--json")
    assert result.exit_code == 0, result.stderr
    data = result.json()
    assert "reference facts only" in data["note"]
    flagged = {p["name"]: p for p in data["parties"] if p["flagged"]}
    assert (
        flagged["Hikvision USA Inc."]["maker"] == "Hikvision"
        and flagged["Hikvision USA Inc."]["relation"] == "subsidiary"
    )
    assert flagged["EZVIZ"]["role"] == "label" and flagged["EZVIZ"]["maker"] == "Hikvision"
    assert "Anixter" not in flagged and "Axis" not in flagged


def test_suppliers_are_screened_against_the_loaded_lists(tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert home_cli(home, "lists", "import", str(LISTS / "fcc")).exit_code == 0
    (tmp_path / "inv.csv").write_text(INVENTORY, encoding="utf-8")
    assert home_cli(home, "devices", "import", str(tmp_path / "inv.csv")).exit_code == 0
    result = home_cli(home, "devices", "suppliers", "--json")
    assert result.exit_code == 0, result.stderr
    data = result.json()
    assert "us_fcc_covered" in data["note"]
    parties = {p["name"]: p for p in data["parties"]}
    huawei = parties["Huawei Technologies Company"]
    assert huawei["flagged"] and huawei["list_matches"][0]["source"] == "us_fcc_covered"
    assert parties["Hikvision USA Inc."]["flagged"]
    assert not parties["Anixter"]["flagged"]
    out = tmp_path / "r.html"
    assert home_cli(home, "devices", "report", "--format", "html", "--output", str(out)).exit_code == 0
    html = out.read_text(encoding="utf-8")
    assert "Huawei Technologies Company" in html and "us_fcc_covered" in html
