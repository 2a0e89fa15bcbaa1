"""Equipment classification benchmark: 100,000 inventory rows, read and identified (issue 7: under 10 s).

The inventory is generated from the reference facts and the IEEE registry by
the same generator the tests use (``tests/equipment/fleet.py``), written as a
CSV, then measured several times in one process, with fresh caches each run:

- read + classify: ``read_inventory`` (CSV parsing, column mapping, MAC, cost
  and date validation) then ``identify_all`` on every row;
- classify only: ``identify_all`` on devices already in memory;
- baselines in the same process, for scale: a bare ``csv.DictReader`` pass over
  the same file (the floor of any import), and netaddr's own per-row registry
  lookup (``EUI(mac).oui.registration().org``) for the rows that have a MAC;
- the registry load (netaddr's bundled IEEE files parsed once per process) and
  an import into the embedded SQLite store, each timed once.

The figures are medians. Also checked: the share of covered devices found and
clean devices flagged on this larger fleet.

Usage: ``.venv/bin/python benchmarks/classify_devices.py [--rows N] [--runs N] [--markdown FILE]``
"""

from __future__ import annotations

import argparse
import csv
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.equipment.fleet import generate  # noqa: E402

from proscribe.equipment import identify as identify_module  # noqa: E402
from proscribe.equipment import inventory as inventory_module  # noqa: E402
from proscribe.equipment.identify import identify_all  # noqa: E402
from proscribe.equipment.inventory import read_inventory  # noqa: E402
from proscribe.equipment.oui import _load_cached, load_registry  # noqa: E402
from proscribe.equipment.reference import load_reference  # noqa: E402


def clear_caches() -> None:
    """Every per-process memo, so each run pays for its own look-ups."""
    for cached in (
        identify_module._model_matches,
        identify_module._brand_facts,
        identify_module._label_evidence,
        identify_module._registration_evidence,
        identify_module.supplier_relation,
        inventory_module.parse_date,
        inventory_module.parse_cost,
    ):
        cached.cache_clear()
    load_registry()._seen.clear()


def timed(action: Callable[[], object], runs: int, before: Callable[[], None] = lambda: None) -> list[float]:
    times = []
    for _ in range(runs):
        before()
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return times


def netaddr_baseline(macs: list[str]) -> None:
    import netaddr

    names = []
    for mac in macs:
        try:
            names.append(netaddr.EUI(mac).oui.registration().org)
        except netaddr.NotRegisteredError:
            names.append(None)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--markdown", type=Path, default=ROOT / "benchmarks" / "devices_results.md")
    args = parser.parse_args()

    _load_cached.cache_clear()
    start = time.perf_counter()
    registry = load_registry()
    registry_load = time.perf_counter() - start
    reference = load_reference()

    work = Path(tempfile.mkdtemp(prefix="proscribe-bench-"))
    start = time.perf_counter()
    fleet = generate(args.rows, seed=2026)
    path = fleet.write_csv(work / "fleet.csv")
    generation = time.perf_counter() - start

    devices = read_inventory(path).devices
    read_classify = timed(
        lambda: identify_all(read_inventory(path).devices, reference, registry), args.runs, clear_caches
    )
    classify = timed(lambda: identify_all(devices, reference, registry), args.runs, clear_caches)

    def csv_pass() -> None:
        with path.open(encoding="utf-8", newline="") as handle:
            for _row in csv.DictReader(handle):
                pass

    reading = timed(csv_pass, args.runs)
    macs = [d.mac for d in devices if d.mac]
    lookups = timed(lambda: netaddr_baseline(macs), args.runs)

    verdicts = identify_all(devices, reference, registry)
    covered = found = clean = clean_flagged = 0
    names = {"hikvision": "Hikvision", "dahua": "Dahua", "huawei": "Huawei", "zte": "ZTE", "hytera": "Hytera"}
    for device, verdict in zip(devices, verdicts, strict=True):
        truth = fleet.truth[device.raw["Asset Tag"]]
        if truth.maker:
            covered += 1
            found += verdict.status.flagged and verdict.maker == names[truth.maker]
        if truth.kind == "clean":
            clean += 1
            clean_flagged += verdict.status.flagged

    from tests.conftest import run_cli

    home = work / "home"
    start = time.perf_counter()
    result = run_cli(["devices", "import", str(path)], home, f"sqlite:///{home / 'proscribe.db'}")
    store_import = time.perf_counter() - start
    assert result.exit_code == 0, result.stderr

    median = statistics.median
    lines = [
        f"# Equipment classification ({args.rows:,} inventory rows)",
        "",
        f"Machine: {platform.machine()}, Python {platform.python_version()}; median of {args.runs} runs,"
        " caches cleared before each run; `benchmarks/classify_devices.py`.",
        "",
        "| measure | median (s) | runs (s) | rows/s |",
        "|---|---:|---:|---:|",
    ]

    def row(label: str, times: list[float], count: int) -> str:
        runs = ", ".join(f"{t:.2f}" for t in times)
        return f"| {label} | {median(times):.2f} | {runs} | {count / median(times):,.0f} |"

    lines += [
        row("read CSV + validate + classify (issue 7 target: < 10 s)", read_classify, args.rows),
        row("classify only (devices in memory)", classify, args.rows),
        row("baseline: bare csv.DictReader pass over the same file", reading, args.rows),
        row(f"baseline: netaddr per-row registry lookup ({len(macs):,} MACs)", lookups, len(macs)),
        "",
        f"Once: IEEE registry load (netaddr's bundled files) {registry_load:.2f} s; generating the fleet"
        f" {generation:.2f} s; `proscribe devices import` into SQLite {store_import:.2f} s.",
        "",
        f"On this fleet: {found:,} of {covered:,} covered devices found ({100 * found / covered:.2f}%);"
        f" {clean_flagged} of {clean:,} clean devices flagged.",
        "",
    ]
    text = "\n".join(lines)
    args.markdown.write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
