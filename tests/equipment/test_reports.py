"""The reports as a person sees them: HTML rendered by headless Chromium, the PDF rasterised and read back.

Each test skips when the system tool is missing, except under CI=true where
it fails (the project's ./dev script installs chromium and poppler-utils).
"""

from __future__ import annotations

import csv
import re
import subprocess
from collections import Counter
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PIL import Image

from tests.equipment.conftest import home_cli, need_binary

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def expected(fleet_home: Path, tmp_path_factory: pytest.TempPathFactory) -> Counter[str]:
    """Status counts from the CSV report of the same fleet: the figures every other format must show."""
    out = tmp_path_factory.mktemp("csv") / "exposure.csv"
    assert home_cli(fleet_home, "devices", "report", "--format", "csv", "--output", str(out)).exit_code == 0
    with out.open(encoding="utf-8", newline="") as handle:
        return Counter(row["status"] for row in csv.DictReader(handle))


def distinct_colours(png: Path) -> tuple[int, float]:
    """How many colours a picture has, and the share of pixels that are not white."""
    with Image.open(png) as image:
        rgb = image.convert("RGB")
        colours = rgb.getcolors(maxcolors=1 << 20) or []
        pixels = rgb.width * rgb.height
    white = sum(count for count, colour in colours if colour == (255, 255, 255))
    return len(colours), 1 - white / pixels


def test_html_report_renders_in_chromium_with_its_key_figures(
    fleet_home: Path, tmp_path: Path, expected: Counter[str]
) -> None:
    chromium = need_binary("chromium")
    report = tmp_path / "exposure.html"
    result = home_cli(
        fleet_home,
        "devices",
        "report",
        "--format",
        "html",
        "--output",
        str(report),
        "--cost",
        "*=300",
        "--currency",
        "USD",
    )
    assert result.exit_code == 0, result.stderr
    shot = tmp_path / "shot.png"
    common = [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'profile'}"]
    subprocess.run(
        [*common, f"--screenshot={shot}", "--window-size=1280,2000", report.as_uri()],
        check=True,
        capture_output=True,
        timeout=120,
    )
    colours, inked = distinct_colours(shot)
    assert colours > 50 and inked > 0.05, (colours, inked)  # text, charts and tables, not a blank page

    dom = subprocess.run(
        [*common, "--dump-dom", report.as_uri()], check=True, capture_output=True, timeout=120, text=True
    ).stdout

    def figure(ident: str) -> str:
        match = re.search(rf"id=\"{ident}\"[^>]*>([^<]+)<", dom)
        assert match, ident
        return match.group(1)

    assert figure("total-devices") == f"{sum(expected.values()):,}"
    assert figure("covered-count") == f"{expected['covered']:,}"
    assert figure("probable-count") == f"{expected['probably-covered']:,}"
    assert figure("not-covered-count") == f"{expected['not-covered']:,}"
    assert figure("replacement-cost").startswith("USD ") and figure("replacement-cost") != "USD 0.00"
    assert dom.count("<svg") >= 4 and "Flagged devices and their evidence" in dom
    assert "registered to" in dom and "probable relabel" in dom


def test_pdf_report_rasterises_and_reads_back(fleet_home: Path, tmp_path: Path, expected: Counter[str]) -> None:
    pdftoppm = need_binary("pdftoppm")
    pdftotext = need_binary("pdftotext")
    report = tmp_path / "exposure.pdf"
    result = home_cli(fleet_home, "devices", "report", "--format", "pdf", "--output", str(report))
    assert result.exit_code == 0, result.stderr
    assert report.read_bytes().startswith(b"%PDF")
    subprocess.run(
        [pdftoppm, "-r", "50", "-png", "-f", "1", "-l", "1", str(report), str(tmp_path / "page")],
        check=True,
        timeout=120,
    )
    pages = sorted(tmp_path.glob("page*.png"))
    assert pages
    colours, inked = distinct_colours(pages[0])
    assert colours > 20 and inked > 0.03, (colours, inked)
    text = subprocess.run(
        [pdftotext, "-layout", str(report), "-"], check=True, capture_output=True, text=True, timeout=120
    ).stdout
    assert "Equipment exposure report" in text
    first_page = text.split("\f")[0]
    for count in (sum(expected.values()), expected["covered"], expected["probably-covered"]):
        assert f"{count:,}" in first_page
    assert "secondary or inferred" in text and "registered to" in text


def test_xlsx_report_has_every_device_and_the_totals(fleet_home: Path, tmp_path: Path, expected: Counter[str]) -> None:
    report = tmp_path / "exposure.xlsx"
    assert home_cli(fleet_home, "devices", "report", "--format", "xlsx", "--output", str(report)).exit_code == 0
    book = load_workbook(report, read_only=True)
    assert book.sheetnames == ["Devices", "Totals", "Suppliers", "Notes"]
    rows = list(book["Devices"].iter_rows(values_only=True))
    assert rows[0][-5:] == ("maker", "status", "rules", "confidence", "evidence")
    assert Counter(row[-4] for row in rows[1:]) == expected
    totals = {row[0]: row[1] for row in book["Totals"].iter_rows(values_only=True) if row and row[0]}
    assert totals["covered"] == expected["covered"]
    suppliers = list(book["Suppliers"].iter_rows(values_only=True))
    assert any(row[0] == "Hikvision USA Inc." and row[3] == "Hikvision" for row in suppliers)
