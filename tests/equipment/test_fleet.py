"""The issue's measure: a generated fleet of 2,400 devices, imported and reported through the command line.

At least 99% of the devices made by covered makers must be flagged with the
right maker, no clean device (a maker that is not covered, with its own label
and MAC block) may be flagged, and every flag must list its evidence.
"""

from __future__ import annotations

import csv
from pathlib import Path

from tests.equipment.conftest import home_cli
from tests.equipment.fleet import COLUMNS, Fleet

VERDICT_COLUMNS = ["maker", "status", "rules", "confidence", "evidence"]
MAKERS = {"hikvision": "Hikvision", "dahua": "Dahua", "huawei": "Huawei", "zte": "ZTE", "hytera": "Hytera"}


def test_the_generated_fleet_is_classified_as_the_issue_requires(
    fleet: Fleet, fleet_home: Path, tmp_path: Path
) -> None:
    out = tmp_path / "exposure.csv"
    result = home_cli(fleet_home, "devices", "report", "--format", "csv", "--output", str(out))
    assert result.exit_code == 0, result.stderr
    with out.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        assert reader.fieldnames == [*COLUMNS, *VERDICT_COLUMNS]  # the inventory's own columns, then ours
        rows = list(reader)
    assert len(rows) == len(fleet.rows) >= 2000
    kinds = {truth.kind for truth in fleet.truth.values()}
    assert {"direct", "oem", "oem-inferred", "mislabelled", "unknown", "clean"} <= kinds

    covered = found = clean = clean_flagged = 0
    for row in rows:
        truth = fleet.truth[row["Asset Tag"]]
        flagged = row["status"] in ("covered", "probably-covered")
        if flagged:
            assert row["evidence"].strip() and row["rules"] == "NDAA 889; FCC Covered List", row
            assert float(row["confidence"]) >= 0.45
        if truth.maker is not None:
            covered += 1
            found += flagged and row["maker"] == MAKERS[truth.maker]
        if truth.kind == "clean":
            clean += 1
            clean_flagged += flagged
            assert row["status"] == "not-covered", row
        if truth.kind == "unknown":
            assert row["status"] == "unknown", row
    assert covered >= 1000 and clean >= 500
    assert found / covered >= 0.99, f"{found}/{covered} covered devices found"
    assert clean_flagged == 0


def test_relabelled_devices_carry_the_disagreement_in_their_evidence(
    fleet: Fleet, fleet_home: Path, tmp_path: Path
) -> None:
    out = tmp_path / "exposure.csv"
    assert home_cli(fleet_home, "devices", "report", "--format", "csv", "--output", str(out)).exit_code == 0
    with out.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    relabels = [r for r in rows if fleet.truth[r["Asset Tag"]].kind == "mislabelled" and r["MAC Address"]]
    assert relabels
    with_mac_block = [r for r in relabels if "registered to" in r["evidence"] and "locally" not in r["evidence"]]
    assert with_mac_block and all("probable relabel" in r["evidence"] for r in with_mac_block)
