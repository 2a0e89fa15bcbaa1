"""``proscribe screen`` / ``compare`` on the real lists: product cases, batch files, bad rows, the Python API."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from tests.conftest import CliResult

HIKVISION = "us_ofac_cons-30946"


@pytest.mark.parametrize(
    "name", ["Hikvision", "HIK VISION DIGITAL TECH", "Hangzhou Hikvision Digital Technology Company"]
)
def test_hikvision_variants_find_the_ns_cmic_entry_first(loaded_cli: Callable[..., CliResult], name: str) -> None:
    result = loaded_cli("screen", name, "--json")
    assert result.exit_code == 0, result.stderr
    data = result.json()
    assert data["alert"] is True
    top = data["matches"][0]
    assert top["entity_id"] == HIKVISION
    assert "CMIC-EO13959" in top["programs"]
    assert top["explanation"]["summary"]
    assert set(top) >= {
        "entity_id",
        "source",
        "source_id",
        "schema",
        "caption",
        "matched_name",
        "score",
        "match",
        "programs",
        "explanation",
    }


def test_dahua_prefers_the_covered_maker_over_the_unrelated_denied_person(loaded_cli: Callable[..., CliResult]) -> None:
    matches = loaded_cli("screen", "Zhejiang Dahua Technology Co.", "--json", "--limit", "20").json()["matches"]
    ranked = [m["caption"].upper() for m in matches]
    covered = next(i for i, c in enumerate(ranked) if c.startswith("DAHUA TECHNOLOGY COMPANY"))
    denied = [i for i, c in enumerate(ranked) if "DAHUA ELECTRONICS" in c]
    assert not denied or covered < denied[0]


def test_screen_filters_and_human_output(loaded_cli: Callable[..., CliResult]) -> None:
    text = loaded_cli("screen", "Hikvision")
    assert text.exit_code == 0 and HIKVISION in text.stdout and "ALERT" in text.stdout
    only_un = loaded_cli("screen", "Hikvision", "--source", "un_sc", "--json").json()
    assert all(m["source"] == "un_sc" for m in only_un["matches"])


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["screen", "x", "--type", "robot"], "unknown type"),
        (["screen", "x", "--threshold", "1.5"], "outside 0..1"),
        (["screen", "x", "--algorithm", "magic"], "unknown algorithm"),
        (["screen"], "either a NAME or --input"),
        (["screen", "x", "--country", "Atlantis"], "unknown country"),
    ],
)
def test_bad_options_are_one_line_errors(loaded_cli: Callable[..., CliResult], args: list[str], message: str) -> None:
    result = loaded_cli(*args)
    assert result.exit_code != 0
    assert message in result.stderr and result.stderr.strip().count("\n") == 0


def test_compare_rejects_false_friends(loaded_cli: Callable[..., CliResult]) -> None:
    for first, second in (("Belletech Corp", "11420 Corp"), ("Emma Daniels", "Emma LLC")):
        data = loaded_cli("compare", first, second, "--json").json()
        assert data["match"] is False and data["score"] < data["threshold"]
    same = loaded_cli("compare", "SALEK, ABDULHAI", "ABDULHAI SALEK", "--json").json()
    assert same["match"] is True


def test_compare_pairs_file(loaded_cli: Callable[..., CliResult], tmp_path: Path) -> None:
    pairs = tmp_path / "pairs.csv"
    pairs.write_text("name1,name2,schema\nVladimir Putin,Владимир Путин,person\n,missing,\nEmma Daniels,Emma LLC,\n")
    out = tmp_path / "out.csv"
    result = loaded_cli("compare", "--pairs", str(pairs), "--output", str(out))
    assert result.exit_code == 0, result.stderr
    assert "line 3" in result.stderr
    lines = out.read_text().splitlines()
    assert lines[0] == "name1,name2,schema,score,match"
    assert len(lines) == 3 and lines[1].endswith(",True") and lines[2].endswith(",False")


def _batch_csv(path: Path) -> None:
    path.write_text(
        "id,name,date_of_birth,nationality,branch\n"
        "c1,Hangzhou Hikvision Digital Technology Co Ltd,,CN,Boston\n"
        "c2,,1970,,Boston\n"
        "c3,Jane Q Harmless-Example,19xx,Narnia,Denver\n"
        "c4,ABDULHAI SALEK,1965,af,Denver\n"
    )


def test_batch_screening_jsonl_reports_bad_rows(loaded_cli: Callable[..., CliResult], tmp_path: Path) -> None:
    source = tmp_path / "parties.csv"
    _batch_csv(source)
    out = tmp_path / "results.jsonl"
    result = loaded_cli("screen", "--input", str(source), "--output", str(out))
    assert result.exit_code == 0, result.stderr
    assert "line 3: no name" in result.stderr
    assert "line 4: date_of_birth '19xx'" in result.stderr and "unknown country 'Narnia'" in result.stderr
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["id"] for r in rows] == ["c1", "c3", "c4"]
    assert rows[0]["alert"] and rows[0]["matches"][0]["entity_id"] == HIKVISION
    assert rows[0]["input"] == {"branch": "Boston"}
    assert rows[2]["alert"] and rows[2]["matches"][0]["source"] == "un_sc"
    assert "4 rows: 3 screened" in result.stderr


def test_batch_screening_parallel_matches_serial_and_xlsx(loaded_cli: Callable[..., CliResult], tmp_path: Path) -> None:
    source = tmp_path / "parties.xlsx"
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["full_name", "country"])
    names = ["Hikvision", "Zhejiang Dahua Technology", "Nobody Inparticular", "Kim Jong Un", "ABDULHAI SALEK"] * 60
    for name in names:
        sheet.append([name, ""])
    book.save(source)
    serial, parallel = tmp_path / "serial.jsonl", tmp_path / "parallel.jsonl"
    assert loaded_cli("screen", "--input", str(source), "--output", str(serial)).exit_code == 0
    assert loaded_cli("screen", "--input", str(source), "--output", str(parallel), "--jobs", "2").exit_code == 0
    assert serial.read_text() == parallel.read_text()
    table = tmp_path / "results.xlsx"
    assert loaded_cli("screen", "--input", str(source), "--output", str(table)).exit_code == 0
    rows = list(load_workbook(table, read_only=True).active.iter_rows(values_only=True))  # type: ignore[union-attr]
    assert len(rows) == len(names) + 1 and "top_entity_id" in rows[0]


def test_batch_rejects_unreadable_files(loaded_cli: Callable[..., CliResult], tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"name\n\xff\xfe broken\n")
    result = loaded_cli("screen", "--input", str(bad))
    assert result.exit_code == 1 and "bad.csv" in result.stderr
    dup = tmp_path / "dup.csv"
    dup.write_text("name,name\na,b\n")
    result = loaded_cli("screen", "--input", str(dup))
    assert result.exit_code == 1 and "column 'name' appears twice" in result.stderr


def test_python_api(loaded_home: Path) -> None:
    import proscribe

    result = proscribe.screen("Hikvision", home=loaded_home)
    assert result.matches[0].entity_id == HIKVISION
    assert proscribe.compare("Emma Daniels", "Emma LLC").match is False
