"""A list update is looked at as screening reads it: an entry whose remarks changed is screened again only for
the parties that matched it, an alias it gained reaches the parties matching that alias alone, and a passport it
gained reaches the party giving that passport."""

from __future__ import annotations

import csv
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from proscribe.workflow.register_index import FILE_NAME
from tests.conftest import BENCH, LISTS, CliResult

FILES = ("sdn.csv", "add.csv", "alt.csv", "sdn_comments.csv")


def _rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def _write(path: Path, rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)


@pytest.mark.parametrize("kept_words", [True, False], ids=["kept-words", "reading-the-register"])
def test_an_update_screens_again_only_the_parties_it_can_touch(
    sqlite_cli: Callable[..., CliResult], tmp_path: Path, kept_words: bool
) -> None:
    cli = sqlite_cli
    before, after = tmp_path / "before", tmp_path / "after"
    for folder in (before, after):
        folder.mkdir()
        for name in FILES:
            shutil.copyfile(LISTS / "ofac" / name, folder / name)
    sdn = _rows(before / "sdn.csv")
    bank = next(row for row in sdn if row[0] == "306")  # BANCO NACIONAL DE CUBA, with a remark
    person, holder = [row for row in sdn if len(row) > 2 and row[2].strip() == "individual"][:2]
    with (BENCH / "negatives_global.csv").open(encoding="utf-8") as handle:
        negatives = [row["full_name"] for _, row in zip(range(3), csv.DictReader(handle), strict=False)]
    # the later edition: the bank's remark changed, the person gained an alias spelling a register name, and
    # the holder gained a passport a register party gives (its names as they were: only its facts changed)
    revised = {bank[0]: "a.k.a. 'BNC'; remark revised.", holder[0]: "Passport ZX9988776 (Egypt)."}
    _write(after / "sdn.csv", [[*row[:-1], revised[row[0]]] if row[0] in revised else row for row in sdn])
    _write(after / "alt.csv", [*_rows(before / "alt.csv"), [person[0], "999999", "aka", negatives[0].upper(), "-0-"]])

    register = tmp_path / "register.csv"
    _write(
        register,
        [
            ["id", "name", "type", "id_number"],
            ["bank", bank[1], "organization", ""],
            ["alias", negatives[0], "person", ""],
            ["other", negatives[1], "person", ""],
            ["passport", negatives[2], "person", "ZX9988776"],
        ],
    )
    assert cli("lists", "import", str(before)).exit_code == 0
    assert cli("parties", "import", str(register)).exit_code == 0
    first = cli("monitor", "run", "--json").json()
    assert first["mode"] == "full"
    first_alerts = cli("alerts", "list", "--json").json()
    alerted = {(a["party_id"], a["entity_id"]) for a in first_alerts}
    assert ("bank", "us_ofac_sdn-306") in alerted and not any(p in ("alias", "other", "passport") for p, _ in alerted)

    assert cli("lists", "import", str(after)).exit_code == 0
    if not kept_words:
        (tmp_path / "home" / "index" / FILE_NAME).unlink()
    second = cli("monitor", "run", "--json").json()
    assert second["mode"] == "delta" and second["entries_considered"] == 3
    assert second["parties_screened"] == 3  # the bank (alerted on the entry before), the alias, the passport
    raised = {
        (a["party_id"], a["entity_id"]): a["reason"]
        for a in cli("alerts", "list", "--json").json()
        if a["id"] > max(alert["id"] for alert in first_alerts)
    }
    assert raised.keys() == {
        ("bank", "us_ofac_sdn-306"),
        ("alias", f"us_ofac_sdn-{person[0]}"),
        ("passport", f"us_ofac_sdn-{holder[0]}"),
    }
    reason = raised[("bank", "us_ofac_sdn-306")]
    assert reason.startswith("list entry changed (") and "remarks" in reason
    assert raised[("alias", f"us_ofac_sdn-{person[0]}")] == "new hit"
    assert raised[("passport", f"us_ofac_sdn-{holder[0]}")] == "new hit"
