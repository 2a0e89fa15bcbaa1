"""Importing inventories: column mapping, CSV and XLSX, and bad input refused whole with one line naming the row."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import Workbook

from tests.conftest import CliResult

GOOD = (
    "Tag,Make,Model,HW Addr,Location,Type,Bought,Price\n"
    'T1,Hikvision,DS-2CD2143G0-I,44:19:B6:00:00:01,HQ,IP camera,2020-02-03,"1,250.00"\n'
    "T2,Axis,P3245,00:40:8C:00:00:02,HQ,IP camera,2021,$399\n"
)


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_columns_are_mapped_by_their_usual_names_and_kept(cli: Callable[..., CliResult], tmp_path: Path) -> None:
    result = cli("devices", "import", str(write(tmp_path / "fleet.csv", GOOD)), "--json")
    assert result.exit_code == 0, result.stderr
    summary = result.json()
    assert summary["devices"] == 2
    assert summary["mapping"] == {
        "brand": "Make",
        "model": "Model",
        "mac": "HW Addr",
        "site": "Location",
        "device_type": "Type",
        "purchase_date": "Bought",
        "unit_cost": "Price",
    }
    assert summary["unmapped_columns"] == ["Tag"]


@pytest.mark.parametrize(
    ("text", "args", "message"),
    [
        (GOOD, ["--map", "colour=Make"], "fleet.csv: row 1: --map 'colour=Make': unknown column 'colour'"),
        (GOOD, ["--map", "mac=MAC Address"], "fleet.csv: row 1: no column 'MAC Address' (mapped to mac)"),
        (
            GOOD + "T3,Dahua,IPC-HFW2431S,3C:EF:8C:00:00,HQ,IP camera,2020-01-01,10\n",
            [],
            "fleet.csv: row 4: MAC '3C:EF:8C:00:00' is not a MAC address",
        ),
        (
            GOOD + "T3,Dahua,IPC-HFW2431S,3C:EF:8C:00:00:03,HQ,IP camera,2020-01-01,ten\n",
            [],
            "fleet.csv: row 4: unit cost 'ten' is not a number",
        ),
        (
            GOOD + "T3,Dahua,IPC-HFW2431S,3C:EF:8C:00:00:03,HQ,IP camera,2020-13-45,10\n",
            [],
            "fleet.csv: row 4: purchase date '2020-13-45' is not a date",
        ),
        ("Tag,Colour\nT1,red\n", [], "fleet.csv: row 1: no column for brand, model or MAC"),
    ],
)
def test_bad_input_is_refused_whole_with_one_line(
    cli: Callable[..., CliResult], tmp_path: Path, text: str, args: list[str], message: str
) -> None:
    first = tmp_path / "first.csv"
    assert cli("devices", "import", str(write(first, GOOD))).exit_code == 0
    result = cli("devices", "import", str(write(tmp_path / "fleet.csv", text)), *args)
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and message in lines[0], result.stderr
    # nothing half-imported: the previous inventory is still the whole inventory
    out = tmp_path / "after.csv"
    assert cli("devices", "report", "--format", "csv", "--output", str(out), "--no-screen").exit_code == 0
    assert len(out.read_text(encoding="utf-8").strip().splitlines()) == 3


def test_xlsx_inventories_with_an_explicit_mapping_and_append(cli: Callable[..., CliResult], tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Asset", "Fabricante", "Modelo", "Direccion MAC", "Coste"])
    sheet.append(["X1", "Dahua", "IPC-HDW2431T", "3C-EF-8C-00-00-09", 120])
    sheet.append(["X2", "Lorex", "LNB4321", "", None])
    book.save(tmp_path / "inventario.xlsx")
    first = cli("devices", "import", str(write(tmp_path / "fleet.csv", GOOD)))
    assert first.exit_code == 0
    result = cli(
        "devices",
        "import",
        str(tmp_path / "inventario.xlsx"),
        "--append",
        "--json",
        "--map",
        "brand=Fabricante",
        "--map",
        "model=Modelo",
        "--map",
        "mac=Direccion MAC",
        "--map",
        "unit_cost=Coste",
    )
    assert result.exit_code == 0, result.stderr
    assert result.json()["total_devices"] == 4
    out = tmp_path / "all.csv"
    assert cli("devices", "report", "--format", "csv", "--output", str(out), "--no-screen").exit_code == 0
    text = out.read_text(encoding="utf-8")
    header = text.splitlines()[0].split(",")
    assert header[:5] == ["Tag", "Make", "Model", "HW Addr", "Location"] and "Fabricante" in header
    assert header[-5:] == ["maker", "status", "rules", "confidence", "evidence"]


def test_a_report_without_devices_says_so(cli: Callable[..., CliResult], tmp_path: Path) -> None:
    result = cli("devices", "report", "--format", "html", "--output", str(tmp_path / "r.html"))
    assert result.exit_code == 1 and "import an inventory first" in result.stderr


def test_xlsx_date_cells_import(tmp_path: Path) -> None:
    import datetime

    from tests.equipment.conftest import home_cli

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Brand", "Model", "Purchase Date"])
    sheet.append(["Dahua", "IPC-HDW2431T", datetime.datetime(2021, 3, 4)])
    book.save(tmp_path / "dated.xlsx")
    result = home_cli(tmp_path / "home", "devices", "import", str(tmp_path / "dated.xlsx"))
    assert result.exit_code == 0, result.stderr
