"""The counterparty register: mapping, versions, and bad files rejected whole."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import CliResult

GOOD = "CustNo,Company,Ctry,Born,branch\nc1,Acme Widgets Ltd,US,,Boston\nc2,Jane Roe,United Kingdom,1970-05,Leeds\n"


def write(tmp_path: Path, text: str, name: str = "register.csv") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


MAP = ["--map", "id=CustNo,name=Company,country=Ctry", "--map", "date_of_birth=Born", "--extra", "branch"]


def test_import_update_and_history(cli: Callable[..., CliResult], tmp_path: Path) -> None:
    first = cli("parties", "import", str(write(tmp_path, GOOD)), *MAP, "--json")
    assert first.exit_code == 0, first.stderr
    assert first.json() == {"created": 2, "updated": 0, "removed": 0, "unchanged": 0}
    changed = GOOD.replace("Jane Roe", "Jane Q. Roe")
    second = cli("parties", "import", str(write(tmp_path, changed)), *MAP, "--json").json()
    assert second == {"created": 0, "updated": 1, "removed": 0, "unchanged": 1}
    history = cli("parties", "show", "c2", "--json").json()["versions"]
    assert [v["change"] for v in history] == ["created", "updated"]
    assert history[1]["changed_fields"] == ["name"] and history[0]["record"]["country"] == "GB"
    only_one = "CustNo,Company,Ctry,Born,branch\nc1,Acme Widgets Ltd,US,,Boston\n"
    third = cli("parties", "import", str(write(tmp_path, only_one)), *MAP, "--complete", "--json").json()
    assert third["removed"] == 1
    assert [p["party_id"] for p in cli("parties", "list", "--json").json()] == ["c1"]


@pytest.mark.parametrize(
    ("text", "args", "message"),
    [
        (GOOD + "c1,Again,US,,X\n", MAP, "line 4: party id 'c1' already on line 2"),
        (GOOD + "c3,,US,,X\n", MAP, "line 4: party 'c3' has no name"),
        (
            GOOD,
            ["--map", "id=CustNo,name=Company,country=Ctry", "--map", "date_of_birth=Born"],
            "unknown columns 'branch'",
        ),
        (GOOD, ["--map", "id=CustNo,name=Firm"], "--map name=Firm: no column 'Firm'"),
        (GOOD, ["--map", "id=CustNo,nmae=Company"], "unknown field 'nmae'"),
        (GOOD + "c3,Bob,US,1970-13-01,X\n", MAP, "line 4: date_of_birth '1970-13-01' is not a date"),
        (GOOD + "c3,Bob,US,2999,X\n", MAP, "line 4: date_of_birth '2999' is not a date"),
        (GOOD + "c3,Bob,Atlantis,,X\n", MAP, "line 4: unknown country 'Atlantis'"),
        (GOOD + "c3,Bob,US,,X,surplus\n", MAP, "line 4: 6 fields where the header has 5"),
    ],
)
def test_bad_register_files_import_nothing(
    cli: Callable[..., CliResult], tmp_path: Path, text: str, args: list[str], message: str
) -> None:
    result = cli("parties", "import", str(write(tmp_path, text)), *args)
    assert result.exit_code == 1
    assert message in result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith("error: ")
    assert cli("parties", "list", "--json").json() == []
