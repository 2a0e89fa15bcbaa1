"""Monitoring across a real list update: SDN 2019 -> 2021 with a 10,000-party register.

Planted parties carry real listed names, chosen (with the screening engine
alone, not the monitor) so each hits exactly one entry: one that is unchanged
between the editions, one that changed, or one added in 2021. Filler parties
are real benchmark negatives that hit nothing. The monitor must then raise
exactly the alerts the edition diff implies.
"""

from __future__ import annotations

import csv
import random
from collections.abc import Callable
from pathlib import Path

import pytest

from proscribe.match import Screener, build_index
from proscribe.model import Entity, Schema
from proscribe.sources import FORMATS
from proscribe.sources.detect import scan
from proscribe.workflow.monitor import party_query
from proscribe.workflow.parties import Party
from tests.conftest import BENCH, LISTS, CliResult

PER_GROUP = 12
PARTIES = 10_000


def _entities(folder: Path) -> dict[str, Entity]:
    found: dict[str, Entity] = {}
    for list_file in scan([folder / name for name in ("sdn.csv", "add.csv", "alt.csv", "sdn_comments.csv")]).lists:
        found.update({e.id: e for e in FORMATS[list_file.format].parse(list_file)})
    return found


def _hits(screener: Screener, name: str, kind: str) -> set[str]:
    """What the monitor's own query for such a party would alert on."""
    query = party_query(Party("probe", name, kind))
    return {m.entity_id for m in screener.screen(query, limit=25).matches if m.match}


@pytest.fixture(scope="module")
def register(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, set[str]]]:
    """A register CSV and, per group, the party ids planted in it."""
    old, new = _entities(LISTS / "ofac" / "2019"), _entities(LISTS / "ofac")
    old_only, new_only = Screener(build_index(old.values())), Screener(build_index(new.values()))
    rng = random.Random(20191009)
    groups: dict[str, list[Entity]] = {"unchanged": [], "changed": [], "added": []}
    candidates = [e for e in new.values() if e.schema in (Schema.PERSON, Schema.ORGANIZATION)]
    rng.shuffle(candidates)
    for entity in candidates:
        before = old.get(entity.id)
        group = "added" if before is None else ("unchanged" if before.to_dict() == entity.to_dict() else "changed")
        if len(groups[group]) >= PER_GROUP:
            continue
        expected_old = set() if group == "added" else {entity.id}
        name, kind = entity.caption, "person" if entity.schema is Schema.PERSON else "organization"
        if _hits(new_only, name, kind) == {entity.id} and _hits(old_only, name, kind) == expected_old:
            groups[group].append(entity)
        if all(len(g) >= PER_GROUP for g in groups.values()):
            break
    assert all(len(g) == PER_GROUP for g in groups.values()), {k: len(v) for k, v in groups.items()}

    rows: list[dict[str, str]] = []
    planted: dict[str, set[str]] = {}
    for group, entities in groups.items():
        for number, entity in enumerate(entities):
            party_id = f"{group}-{number}"
            planted.setdefault(group, set()).add(party_id)
            kind = "person" if entity.schema is Schema.PERSON else "organization"
            rows.append({"CustomerNo": party_id, "Legal name": entity.caption, "Kind": kind, "Country": ""})
    with (BENCH / "negatives_global.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if len(rows) >= PARTIES:
                break
            name = row["full_name"]
            if not _hits(old_only, name, "person") and not _hits(new_only, name, "person"):
                rows.append({"CustomerNo": f"n{len(rows)}", "Legal name": name, "Kind": "person", "Country": ""})
    path = tmp_path_factory.mktemp("register") / "register.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=["CustomerNo", "Legal name", "Kind", "Country"])
        writer.writeheader()
        writer.writerows(rows)
    return path, planted


@pytest.mark.slow
def test_monitoring_raises_exactly_the_alerts_the_update_implies(
    sqlite_cli: Callable[..., CliResult], register: tuple[Path, dict[str, set[str]]]
) -> None:
    path, planted = register
    cli = sqlite_cli
    mapping = ["--map", "id=CustomerNo,name=Legal name,type=Kind,country=Country"]
    assert cli("lists", "import", str(LISTS / "ofac" / "2019")).exit_code == 0
    imported = cli("parties", "import", str(path), *mapping, "--json")
    assert imported.exit_code == 0, imported.stderr
    assert imported.json()["created"] == PARTIES

    first = cli("monitor", "run", "--json").json()
    assert first["mode"] == "full" and first["parties_screened"] == PARTIES
    alerts = cli("alerts", "list", "--json").json()
    assert {a["party_id"] for a in alerts} == planted["unchanged"] | planted["changed"]

    # analysts decide some alerts as false positives: two unchanged entries, two changed ones
    by_party = {a["party_id"]: a for a in alerts}
    quiet = sorted(planted["unchanged"])[:2]
    reopened = sorted(planted["changed"])[:2]
    for party_id in quiet + reopened:
        decided = cli("alerts", "decide", str(by_party[party_id]["id"]), "--as", "false-positive", "--note", "checked")
        assert decided.exit_code == 0, decided.stderr

    assert cli("lists", "import", str(LISTS / "ofac")).exit_code == 0
    second = cli("monitor", "run", "--json").json()
    assert second["mode"] == "delta"
    # only parties that could meet an added or changed entry are screened again (the bound of match.delta)
    assert second["parties_screened"] < PARTIES / 2
    new_alerts = [a for a in cli("alerts", "list", "--json").json() if a["id"] > max(a["id"] for a in alerts)]
    assert sorted(a["party_id"] for a in new_alerts) == sorted(planted["changed"] | planted["added"])
    for alert in new_alerts:
        if alert["party_id"] in reopened:
            assert "list entry changed" in alert["reason"] and "false-positive" in alert["reason"]
    # nothing is raised twice
    third = cli("monitor", "run", "--json").json()
    assert third["mode"] == "idle" and third["alerts_opened"] == 0
    statuses = {a["party_id"]: a["status"] for a in cli("alerts", "list", "--json").json()}
    assert all(statuses[p] == "false-positive" for p in quiet)
    assert cli("audit", "verify").exit_code == 0
