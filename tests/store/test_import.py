"""Importing the real shared lists: counts, editions, no-op re-imports, atomicity on bad input."""

from __future__ import annotations

import csv
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import LISTS, CliResult, run_cli


def ofac_ent_nums(path: Path) -> set[str]:
    """Every ent_num of an OFAC primary file, read with nothing but the csv module."""
    with path.open(encoding="utf-8", newline="") as handle:
        return {row[0] for row in csv.reader(handle) if row and row[0].strip().isdigit()}


def un_counts() -> tuple[int, int]:
    text = (LISTS / "un" / "consolidated.xml").read_text(encoding="utf-8")
    return len(re.findall(r"<INDIVIDUAL>", text)), len(re.findall(r"<ENTITY>", text))


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict[str, object]]]:
    """All shared lists imported once into an SQLite file; tests get a copy."""
    home = tmp_path_factory.mktemp("template")
    result = run_cli(["lists", "import", str(LISTS), "--json"], home, f"sqlite:///{home / 'proscribe.db'}")
    assert result.exit_code == 0, result.stderr
    return home / "proscribe.db", result.json()


@pytest.fixture
def imported(
    cli: Callable[..., CliResult], database_url: str, request: pytest.FixtureRequest
) -> list[dict[str, object]]:
    if database_url.startswith("sqlite:///"):
        template, summaries = request.getfixturevalue("sqlite_template")
        target = Path(database_url.removeprefix("sqlite:///"))
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(template, target)
        return summaries
    result = cli("lists", "import", str(LISTS), "--json")
    assert result.exit_code == 0, result.stderr
    imported_now: list[dict[str, object]] = result.json()
    return imported_now


def test_import_all_shared_lists_matches_the_files(
    cli: Callable[..., CliResult], imported: list[dict[str, object]]
) -> None:
    show = cli("lists", "show", "--json").json()
    current = {e["source"]: e for e in show}
    assert current["us_ofac_sdn"]["entity_count"] == len(ofac_ent_nums(LISTS / "ofac" / "sdn.csv"))
    assert current["us_ofac_cons"]["entity_count"] == len(ofac_ent_nums(LISTS / "ofac" / "cons_prim.csv"))
    individuals, entities = un_counts()
    assert current["un_sc"]["entity_count"] == individuals + entities
    assert current["un_sc"]["schema_counts"]["person"] == individuals
    for source in ("us_trade_csl", "us_bis_dpl", "us_fcc_covered"):
        assert current[source]["entity_count"] > 0
    # both SDN editions are stored; the newer (2021) one is current
    sdn = [s for s in imported if s["source"] == "us_ofac_sdn"]
    assert len(sdn) == 2
    every = cli("lists", "show", "--all", "--json").json()
    assert len([e for e in every if e["source"] == "us_ofac_sdn"]) == 2


def test_reimporting_identical_files_is_a_no_op(
    cli: Callable[..., CliResult], imported: list[dict[str, object]]
) -> None:
    before = cli("lists", "show", "--all", "--json").json()
    again = cli("lists", "import", str(LISTS), "--json")
    assert again.exit_code == 0, again.stderr
    assert {s["status"] for s in again.json()} == {"unchanged"}
    assert cli("lists", "show", "--all", "--json").json() == before


def test_hikvision_entity_has_program_and_structured_identifiers(
    cli: Callable[..., CliResult], imported: list[dict[str, object]]
) -> None:
    text = cli("entity", "us_ofac_cons-30946")
    assert text.exit_code == 0, text.stderr
    assert "CMIC-EO13959" in text.stdout
    assert "CNE100000PM8" in text.stdout and "91330000733796106P" in text.stdout
    data = cli("entity", "us_ofac_cons-30946", "--json").json()
    assert "HIKVISION" in data["caption"].upper()
    assert "CMIC-EO13959" in data["programs"]
    ids = {(i["type"], i["value"]) for i in data["identifiers"]}
    assert ("isin", "CNE100000PM8") in ids
    assert ("uscc", "91330000733796106P") in ids


def test_unknown_entity_is_a_one_line_error(cli: Callable[..., CliResult]) -> None:
    result = cli("entity", "us_ofac_sdn-0")
    assert result.exit_code == 1
    assert result.stderr.strip().count("\n") == 0
    assert "us_ofac_sdn-0" in result.stderr


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda b: b[: len(b) // 2], id="truncated"),
        pytest.param(lambda b: b.replace(b"<INDIVIDUAL>", b"<INDIVIDUAL><", 1), id="corrupted"),
        pytest.param(lambda b: b.decode("utf-8").encode("utf-16"), id="wrong-encoding"),
    ],
)
def test_bad_file_fails_cleanly_and_leaves_the_store_unchanged(
    cli: Callable[..., CliResult],
    imported: list[dict[str, object]],
    tmp_path: Path,
    damage: Callable[[bytes], bytes],
) -> None:
    before = cli("lists", "show", "--all", "--json").json()
    bad = tmp_path / "bad" / "consolidated.xml"
    bad.parent.mkdir()
    bad.write_bytes(damage((LISTS / "un" / "consolidated.xml").read_bytes()))
    # a good, new edition beside the bad file: nothing of the command may be kept
    good = tmp_path / "good" / "covered_list.csv"
    good.parent.mkdir()
    good.write_text("".join((LISTS / "fcc" / "covered_list.csv").read_text().splitlines(keepends=True)[:-1]))
    result = cli("lists", "import", str(good), str(bad))
    assert result.exit_code != 0
    message = result.stderr.strip().splitlines()[-1]  # progress lines come before it
    assert message.startswith("error: ")
    assert "consolidated.xml" in message
    assert cli("lists", "show", "--all", "--json").json() == before


def test_a_file_of_no_known_format_is_named(cli: Callable[..., CliResult], tmp_path: Path) -> None:
    junk = tmp_path / "notes.csv"
    junk.write_text("a,b,c\n1,2,3\n")
    result = cli("lists", "import", str(junk))
    assert result.exit_code == 1
    assert "notes.csv" in result.stderr and "not a recognised list format" in result.stderr
    assert cli("lists", "show", "--json").json() == []
