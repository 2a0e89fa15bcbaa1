"""Benchmark: a delta monitoring run after a list update, against a full re-screen of the same register.

A register of 10,000 parties (benchmark negatives plus real listed names) is
monitored on an earlier edition; a later edition is imported; then, in the
same process and on the same store, the delta run (what ``monitor run`` does)
and a full re-screen of the whole register against every current list are
timed alternately, several times, from copies of the same store. Reported:
medians and the ratio delta / full, for two updates:

- ``2019-2021``: the SDN 2019 edition, then the current one (a third of the
  list added or changed);
- ``designations``: the current OFAC files less ``--designations`` SDN
  entries (some of them names in the register), then the current files: the
  day-to-day case of a handful of new designations. The earlier edition is
  written to a scratch folder from the real files; nothing is invented.

Each timed run is, by default, one call in this process, so the two share the
machine's state; caches the normaliser keeps between calls are warm for the
full re-screen after the first round (a delta run reads stored forms and needs
none). ``--fresh`` times each run in a new process instead, as ``proscribe
monitor run`` starts, measuring the run itself (not the interpreter's start).

    .venv/bin/python benchmarks/monitor_delta.py [--parties 10000] [--runs 3] [--designations 20] [--fresh]
"""

from __future__ import annotations

import argparse
import csv
import shutil
import statistics
import subprocess
import sys
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
from proscribe.workflow.register_index import FILE_NAME
from proscribe.workflow.tables import party_screenings
from screening import baseline_ops_per_second  # this folder's screening benchmark: the same reference

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
        for number, negative in enumerate(csv.DictReader(handle)):
            if len(parties) >= count:
                break
            parties.append(Party(f"n{number}", negative["full_name"], "person"))
    return parties


def without_designations(target: Path, count: int) -> None:
    """The current OFAC files less ``count`` SDN entries, every tenth of the file's first ones.

    The register plants the file's first ``parties // 100`` listed names, so with the defaults half the
    dropped entries are names in the register.
    """
    source = SHARED / "lists" / "ofac"
    target.mkdir(parents=True)
    for path in source.glob("*.csv"):
        if path.name != "sdn.csv":
            shutil.copyfile(path, target / path.name)
    with (source / "sdn.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    listed = [row for row in rows if len(row) > 2 and row[2].strip() in ("individual", "-0-")]
    dropped = {row[0] for row in listed[: count * 10 : 10]}
    with (target / "sdn.csv").open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(row for row in rows if row[0] not in dropped)


def prepare(home: Path, count: int, before: Path) -> None:
    settings = resolve_settings(home)
    engine = open_engine(settings.database_url)
    import_lists(engine, scan([before]).lists, actor="bench")
    import_register(engine, register(count), "bench", "bench")
    run_monitor(engine, settings, "bench")
    import_lists(engine, scan([SHARED / "lists" / "ofac"]).lists, actor="bench")
    load_index(settings, engine)  # build the later edition's index outside the timings
    engine.dispose()


def timed_run(template: Path, work: Path, full: bool, fresh: bool = False) -> tuple[float, int]:
    if work.exists():
        shutil.rmtree(work)
    shutil.copytree(template, work)
    settings = resolve_settings(work)
    engine = open_engine(settings.database_url)
    if full:  # forget what was screened (and the register's words kept): every party meets every list
        with engine.begin() as connection:
            connection.execute(delete(party_screenings))
        (settings.index_dir / FILE_NAME).unlink(missing_ok=True)
    engine.dispose()
    if fresh:
        output = subprocess.run(
            [sys.executable, __file__, "--time-one", str(work)], check=True, capture_output=True, text=True
        ).stdout.split()
        return float(output[0]), int(output[1])
    return time_one(work)


def time_one(work: Path) -> tuple[float, int]:
    """One monitoring run on the store in ``work``: (seconds, parties screened)."""
    settings = resolve_settings(work)
    engine = open_engine(settings.database_url)
    start = time.perf_counter()
    report = run_monitor(engine, settings, "bench")
    elapsed = time.perf_counter() - start
    engine.dispose()
    return elapsed, report.parties_screened


def measure(scratch: Path, before: Path, parties: int, runs: int, fresh: bool) -> dict[str, float]:
    template = scratch / "template"
    if template.exists():
        shutil.rmtree(template)
    prepare(template, parties, before)
    deltas, fulls, ratios = [], [], []
    for _ in range(runs):
        delta, screened_delta = timed_run(template, scratch / "work", full=False, fresh=fresh)
        full, screened_full = timed_run(template, scratch / "work", full=True, fresh=fresh)
        deltas.append(delta)
        fulls.append(full)
        ratios.append(delta / full)
    return {
        "delta": statistics.median(deltas),
        "full": statistics.median(fulls),
        "ratio": statistics.median(ratios),
        "low": min(ratios),
        "high": max(ratios),
        "screened_delta": screened_delta,
        "screened_full": screened_full,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--parties", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--designations", type=int, default=20)
    parser.add_argument("--update", choices=("2019-2021", "designations", "both"), default="both")
    parser.add_argument("--fresh", action="store_true", help="time each run in a new process")
    parser.add_argument("--time-one", type=Path, help=argparse.SUPPRESS)  # the child of --fresh
    args = parser.parse_args()
    if args.time_one:
        seconds, screened = time_one(args.time_one)
        print(seconds, screened)
        return
    print(f"register: {args.parties:,} parties; runs: {args.runs}; {'a new process' if args.fresh else 'in process'}")
    print(f"reference loop on this machine: {baseline_ops_per_second() / 1e6:.1f} M iterations/s (its speed now)")
    with tempfile.TemporaryDirectory() as scratch_dir:
        scratch = Path(scratch_dir)
        updates = []
        if args.update in ("2019-2021", "both"):
            updates.append(("SDN 2019 -> current", SHARED / "lists" / "ofac" / "2019"))
        if args.update in ("designations", "both"):
            without_designations(scratch / "before", args.designations)
            updates.append((f"{args.designations} new SDN designations", scratch / "before"))
        for label, before in updates:
            found = measure(scratch, before, args.parties, args.runs, args.fresh)
            print(f"{label}:")
            print(f"  delta run: median {found['delta']:.2f} s ({found['screened_delta']:,} parties screened)")
            print(f"  full re-screen: median {found['full']:.2f} s ({found['screened_full']:,} parties screened)")
            print(f"  delta / full: median {found['ratio']:.3f} (min {found['low']:.3f}, max {found['high']:.3f})")


if __name__ == "__main__":
    main()
