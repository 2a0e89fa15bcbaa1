"""The 2019 -> 2021 SDN diff, checked against counts computed from the raw files alone."""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

from tests.conftest import LISTS, CliResult


def _rows(path: Path) -> list[list[str]]:
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as handle:
        rows = [[cell.strip() for cell in row] for row in csv.reader(handle)]
    return [["" if c == "-0-" else c for c in row] for row in rows if row and row[0].isdigit()]


def raw_records(folder: Path) -> dict[str, tuple[object, ...]]:
    """ent_num -> everything the four files say about it, independent of the project's parser."""
    extra: dict[str, list[tuple[str, ...]]] = defaultdict(list)
    for name in ("alt.csv", "add.csv"):
        for row in _rows(folder / name):
            extra[row[0]].append((name, *row[1:]))
    comments = {row[0]: row[1] for row in _rows(folder / "sdn_comments.csv")}
    return {
        row[0]: (tuple(row[1:]), tuple(sorted(extra[row[0]])), comments.get(row[0], ""))
        for row in _rows(folder / "sdn.csv")
    }


def expected_counts() -> tuple[int, int, int]:
    old, new = raw_records(LISTS / "ofac" / "2019"), raw_records(LISTS / "ofac")
    added = len(new.keys() - old.keys())
    removed = len(old.keys() - new.keys())
    changed = sum(1 for k in old.keys() & new.keys() if old[k] != new[k])
    return added, removed, changed


def test_sdn_diff_2019_to_2021_matches_the_files(cli: Callable[..., CliResult]) -> None:
    assert cli("lists", "import", str(LISTS / "ofac" / "2019")).exit_code == 0
    result = cli(
        "lists",
        "import",
        str(LISTS / "ofac" / "sdn.csv"),
        str(LISTS / "ofac" / "alt.csv"),
        str(LISTS / "ofac" / "add.csv"),
        str(LISTS / "ofac" / "sdn_comments.csv"),
        "--json",
    )
    assert result.exit_code == 0, result.stderr
    summary = result.json()[0]
    added, removed, changed = expected_counts()
    assert (summary["added"], summary["removed"], summary["changed"]) == (added, removed, changed)

    diff = cli("lists", "diff", "us_ofac_sdn", "--json").json()
    assert diff["counts"] == {"added": added, "removed": removed, "changed": changed}
    assert all(change["fields"] for change in diff["changed"])
    text = cli("lists", "diff", "us_ofac_sdn", "--from", str(diff["from_edition"]), "--to", str(diff["to_edition"]))
    assert f"{added} added, {removed} removed, {changed} changed" in text.stdout


def test_diff_names_unknown_editions(cli: Callable[..., CliResult]) -> None:
    assert cli("lists", "import", str(LISTS / "ofac" / "2019")).exit_code == 0
    result = cli("lists", "diff", "us_ofac_sdn", "--from", "999")
    assert result.exit_code == 1 and "no edition 999" in result.stderr
    assert "nothing to compare" in cli("lists", "diff", "us_ofac_sdn").stderr
