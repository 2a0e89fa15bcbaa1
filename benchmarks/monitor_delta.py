"""Benchmark: a delta monitoring run after the SDN 2019 -> 2021 update, against a full re-screen.

A register of 10,000 parties (benchmark negatives plus real listed names) is
monitored on the 2019 SDN edition; the 2021 edition is imported; then, in the
same process and on the same store, the delta run (what ``monitor run`` does)
and a full re-screen of the whole register against every current list are
timed alternately, several times, from copies of the same store. Reported:
medians and the ratio delta / full.

    .venv/bin/python benchmarks/monitor_delta.py [--parties 10000] [--runs 3]
"""

from __future__ import annotations

import argparse
import csv
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from sqlalchemy import delete

from proscribe.config import resolve_settings
from proscribe.screening import load_index
from proscribe.sources.detect import scan
from proscribe.store.db import open_engine
from proscribe.store.importer import import_lists
from proscribe.workflow.monitor import run_monitor
from proscribe.workflow.parties import Party, import_register
from proscribe.workflow.tables import party_screenings

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


def register(count: int) -> list[Party]:
    parties: list[Party] = []
    with (SHARED / "lists" / "ofac" / "sdn.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.reader(handle):
            if len(parties) >= count // 100:
                break
            if len(row) > 2 and row[2].strip() in ("individual", "-0-"):
                parties.append(Party(f"sdn{row[0]}", row[1], "person" if row[2] == "individual" else "organization"))
    with (SHARED / "bench" / "negatives_global.csv").open(encoding="utf-8") as handle:
        for number, row in enumerate(csv.DictReader(handle)):
            if len(parties) >= count:
                break
            parties.append(Party(f"n{number}", row["full_name"], "person"))
    return parties


def prepare(home: Path, count: int) -> None:
    settings = resolve_settings(home)
    engine = open_engine(settings.database_url)
    import_lists(engine, scan([SHARED / "lists" / "ofac" / "2019"]).lists, actor="bench")
    import_register(engine, register(count), "bench", "bench")
    run_monitor(engine, settings, "bench")
    import_lists(engine, scan([SHARED / "lists" / "ofac"]).lists, actor="bench")
    load_index(settings, engine)  # build the 2021 index outside the timings
    engine.dispose()


def timed_run(template: Path, work: Path, full: bool) -> tuple[float, int]:
    if work.exists():
        shutil.rmtree(work)
    shutil.copytree(template, work)
    settings = resolve_settings(work)
    engine = open_engine(settings.database_url)
    if full:  # forget what was screened: every party counts as changed and meets every list
        with engine.begin() as connection:
            connection.execute(delete(party_screenings))
    start = time.perf_counter()
    report = run_monitor(engine, settings, "bench")
    elapsed = time.perf_counter() - start
    engine.dispose()
    return elapsed, report.parties_screened


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--parties", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        template = Path(scratch) / "template"
        prepare(template, args.parties)
        deltas, fulls, ratios = [], [], []
        for _ in range(args.runs):
            delta, screened_delta = timed_run(template, Path(scratch) / "work", full=False)
            full, screened_full = timed_run(template, Path(scratch) / "work", full=True)
            deltas.append(delta)
            fulls.append(full)
            ratios.append(delta / full)
    print(f"register: {args.parties:,} parties; runs: {args.runs}")
    print(
        f"delta run after 2019 -> 2021: median {statistics.median(deltas):.2f} s ({screened_delta:,} parties screened)"
    )
    print(
        f"full re-screen, same register: median {statistics.median(fulls):.2f} s ({screened_full:,} parties screened)"
    )
    print(f"delta / full: median {statistics.median(ratios):.3f} (min {min(ratios):.3f}, max {max(ratios):.3f})")


if __name__ == "__main__":
    main()
