"""Benchmark: importing every shared list into a fresh embedded store.

Runs ``proscribe lists import <lists>`` as a child process several times, each
into a fresh home, and reports the median wall time and the peak resident
memory of the child (``ru_maxrss``). As a same-process baseline it also times
parsing alone (no store), so a reader can tell parser cost from store cost
on a noisy machine.

    .venv/bin/python benchmarks/import_lists.py [--lists ../shared/lists] [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run_import(lists: Path, *options: str) -> tuple[float, float]:
    """(wall seconds, peak RSS in MiB) of one ``lists import`` in a fresh home."""
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "PROSCRIBE_HOME": home}
        env.pop("PROSCRIBE_DATABASE_URL", None)
        start = time.perf_counter()
        child = subprocess.Popen(
            [sys.executable, "-m", "proscribe", "lists", "import", str(lists), *options],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - start
        if status != 0:
            raise SystemExit(f"import failed with status {status}")
        return wall, usage.ru_maxrss / 1024


def parse_only(lists: Path) -> float:
    from proscribe.sources.detect import scan
    from proscribe.store.importer import stage

    start = time.perf_counter()
    for list_file in scan([lists]).lists:
        stage(list_file)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lists", type=Path, default=ROOT.parent / "shared" / "lists")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    parse_only(args.lists)  # warm the page cache and imports
    parse_times = [parse_only(args.lists) for _ in range(args.runs)]
    imports = [run_import(args.lists, "--no-index") for _ in range(args.runs)]
    walls = [w for w, _ in imports]
    peaks = [m for _, m in imports]
    indexed = [run_import(args.lists) for _ in range(args.runs)]
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}, {resource.getpagesize()}-byte pages")
    print(f"runs: {args.runs}")
    print(
        f"parse + stage only (in process): median {statistics.median(parse_times):.2f} s "
        f"(min {min(parse_times):.2f}, max {max(parse_times):.2f})"
    )
    print(
        f"import into the store (child):   median {statistics.median(walls):.2f} s "
        f"(min {min(walls):.2f}, max {max(walls):.2f})"
    )
    print(f"peak memory of the import:       median {statistics.median(peaks):.0f} MiB (max {max(peaks):.0f})")
    walls_ix = [w for w, _ in indexed]
    print(
        f"import + screening index build:  median {statistics.median(walls_ix):.2f} s "
        f"(min {min(walls_ix):.2f}, max {max(walls_ix):.2f}); peak {max(m for _, m in indexed):.0f} MiB"
    )


if __name__ == "__main__":
    main()
