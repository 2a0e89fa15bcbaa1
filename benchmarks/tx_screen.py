"""Transaction screening throughput: ``proscribe tx screen`` on a generated payments book, one core.

The book (``proscribe.enforcement.book``) mixes clean payments between people
from the public negatives benchmark with payments to listed parties,
embargoed countries, listed BICs and vessels, names in remittance text and
ownership-blocked companies (about 38 % of transactions touch something). Its
parties are *not* filtered by the engine here: whatever the engine alerts on
is screened and recorded like in production.

Two books:
- ``book``: a bank's book, customers recurring (a pool of 1/10 of the clean
  names) and payees drawn from ``--payees`` distinct people;
- ``fresh``: every payee a different person (no repetition to profit from).

Each run is a fresh process on a fresh copy of the home (empty transaction
tables, indexes built), so no cache survives between runs. It times opening
(indexes loaded) and screening the file exactly as ``proscribe tx screen``
does (the Enforcer with output to a file, every decision recorded: ledger,
alerts, audit), with CPU time of that process. The same process first times a
baseline, reading the book with the project's table reader and writing one JSON
line per row, so figures from different machines can be compared.

Usage: ``.venv/bin/python benchmarks/tx_screen.py [--home LOADED_HOME] [--count 20000] [--runs 5]``
(without ``--home`` the shared lists are imported into a temporary home first).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


def prepare(home: Path, folder: Path, count: int, payees: int, seed: int) -> dict[str, Path]:
    """Write the two books (JSON lines) and the ownership file; import nothing."""
    from proscribe.config import resolve_settings
    from proscribe.enforcement import index as enforcement_index
    from proscribe.enforcement.book import Pools, generate, read_negatives
    from proscribe.enforcement.policy import DEFAULT_POLICY
    from proscribe.match import Screener
    from proscribe.screening import load_index
    from proscribe.store.db import open_engine
    from proscribe.store.queries import iter_current_entities

    settings = resolve_settings(home)
    engine = open_engine(settings.database_url)
    with engine.connect() as connection:
        entities = list(iter_current_entities(connection))
    index, _ = load_index(settings, engine)
    scanner = enforcement_index.load(settings, engine).scanner
    negatives = read_negatives(SHARED / "bench" / "negatives_global.csv")
    files: dict[str, Path] = {}
    for name, distinct in (("book", payees), ("fresh", count)):
        rng = random.Random(seed)
        rng.shuffle(negatives)
        pools = Pools(entities, negatives, Screener(index), DEFAULT_POLICY, scanner, rng, filtered=False)
        pools.clean = negatives[:distinct]
        pools.sequential = name == "fresh"
        book = generate(pools, count, date(2025, 7, 1), date(2026, 6, 30), rng)
        path = folder / f"{name}.jsonl"
        path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in book.records), encoding="utf-8")
        files[name] = path
        owners = folder / "ownership.csv"
        owners.write_text(
            "owner,owned,share_percent,source\n"
            + "".join(f"{r['owner']},{r['owned']},{r['share_percent']},{r['source']}\n" for r in book.ownership_rows),
            encoding="utf-8",
        )
    engine.dispose()
    return files


def baseline(book: Path, out: Path) -> float:
    """Seconds to read the book with the project's table reader and write one JSON line per row."""
    from proscribe.tabular import read_rows

    start = time.perf_counter()
    with out.open("w", encoding="utf-8") as handle:
        for row in read_rows(book):
            handle.write(json.dumps({"id": row.values.get("id"), "decision": "pass", "reasons": [], "hits": []}) + "\n")
    return time.perf_counter() - start


def one_run(home: Path, book: Path, owners: Path) -> dict[str, Any]:
    """In a fresh process: baseline, then open and screen exactly as `proscribe tx screen` does."""
    from proscribe.config import resolve_settings
    from proscribe.enforcement.ownership_store import import_links
    from proscribe.enforcement.service import Enforcer
    from proscribe.store.db import open_engine

    base = baseline(book, book.with_suffix(".baseline.out"))
    settings = resolve_settings(home)
    engine = open_engine(settings.database_url)
    import_links(engine, owners, "bench")
    wall, cpu = time.perf_counter(), time.process_time()
    enforcer = Enforcer(settings, engine, "bench", today=date(2026, 11, 28))
    opened_wall, opened_cpu = time.perf_counter() - wall, time.process_time() - cpu
    out = book.with_suffix(".out")
    with out.open("w", encoding="utf-8") as handle:
        stats = enforcer.screen_file(book, lambda line: handle.write(json.dumps(line, ensure_ascii=False) + "\n"))
    total_wall, total_cpu = time.perf_counter() - wall, time.process_time() - cpu
    engine.dispose()
    return {
        "rows": stats.rows,
        "decisions": dict(stats.decisions),
        "errors": stats.errors,
        "alerts": stats.alerts,
        "properties": stats.properties,
        "baseline_s": base,
        "open_s": opened_wall,
        "open_cpu_s": opened_cpu,
        "screen_s": stats.seconds,
        "total_s": total_wall,
        "total_cpu_s": total_cpu,
    }


def run_child(home: Path, book: Path, owners: Path, scratch: Path) -> dict[str, Any]:
    copy = scratch / "home"
    if copy.exists():
        shutil.rmtree(copy)
    shutil.copytree(home, copy, ignore=shutil.ignore_patterns("*.tmp"))
    command = [sys.executable, __file__, "--child", str(copy), str(book), str(owners)]
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    result = subprocess.run(command, capture_output=True, text=True, check=True, env=env)
    return dict(json.loads(result.stdout.strip().splitlines()[-1]))


def summarize(name: str, runs: list[dict[str, Any]]) -> list[str]:
    rows = runs[0]["rows"]
    screen = statistics.median(r["screen_s"] for r in runs)
    total = statistics.median(r["total_s"] for r in runs)
    cpu = statistics.median(r["total_cpu_s"] for r in runs)
    base = statistics.median(r["baseline_s"] for r in runs)
    opened = statistics.median(r["open_s"] for r in runs)
    spread = ", ".join(f"{rows / r['total_s']:,.0f}" for r in runs)
    return [
        f"| {name}: whole command (open + screen + record) | {total:.2f} s | {rows / total:,.0f} tx/s "
        f"(runs: {spread}) | {rows / cpu:,.0f} tx/s per CPU-second |",
        f"| {name}: screening phase only | {screen:.2f} s | {rows / screen:,.0f} tx/s | opening took {opened:.2f} s |",
        f"| {name}: baseline, read + write JSON lines | {base:.3f} s | {rows / base:,.0f} rows/s | "
        f"command / baseline = {total / base:,.0f}x |",
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, help="a home with the shared lists imported (default: import them)")
    parser.add_argument("--count", type=int, default=20000)
    parser.add_argument("--payees", type=int, default=5000, help="distinct payees in the bank's book")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--markdown", type=Path, default=ROOT / "benchmarks" / "tx_results.md")
    parser.add_argument("--child", nargs=3, type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(one_run(*args.child)))
        return 0
    with tempfile.TemporaryDirectory(prefix="tx-bench-") as temporary:
        scratch = Path(temporary)
        home = args.home
        if home is None:
            home = scratch / "loaded"
            subprocess.run(
                [
                    str(ROOT / ".venv" / "bin" / "proscribe"),
                    "--home",
                    str(home),
                    "lists",
                    "import",
                    str(SHARED / "lists"),
                ],
                check=True,
                capture_output=True,
            )
        files = prepare(home, scratch, args.count, args.payees, args.seed)
        results: dict[str, list[dict[str, Any]]] = {}
        for name in ("book", "fresh"):
            results[name] = [run_child(home, files[name], scratch / "ownership.csv", scratch) for _ in range(args.runs)]
            print(name, [round(r["rows"] / r["total_s"]) for r in results[name]], file=sys.stderr)
    first = results["book"][0]
    lines = [
        f"# Transaction screening (`proscribe tx screen`), {args.count:,} transactions",
        "",
        f"Machine: {platform.machine()}, Python {platform.python_version()}, one process (one core); median of "
        f"{args.runs} runs, each a fresh process on a fresh copy of the home; `benchmarks/tx_screen.py`.",
        "",
        "| measure | median time | throughput | note |",
        "|---|---:|---:|---|",
        *summarize(f"bank's book ({args.payees:,} distinct payees)", results["book"]),
        *summarize("every payee a new person", results["fresh"]),
        "",
        f"Decisions in the bank's book: {json.dumps(first['decisions'])}; {first['properties']:,} blocked-property "
        f"records and {first['alerts']:,} alerts written; {first['errors']} refused rows. Target (issue 5): at least "
        "1,000 transactions per second per core.",
        "",
    ]
    args.markdown.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main())
