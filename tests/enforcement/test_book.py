"""End to end on a generated book of 5,000 transactions: decisions, the ledger after every step, the reports."""

from __future__ import annotations

import csv
import os
import random
import shutil
import subprocess
from collections import Counter
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select

from proscribe.config import Settings
from proscribe.enforcement import index as enforcement_index
from proscribe.enforcement import ledger
from proscribe.enforcement.book import Pools, generate, read_negatives
from proscribe.enforcement.config import set_filer
from proscribe.enforcement.ownership_store import import_links
from proscribe.enforcement.policy import DEFAULT_POLICY
from proscribe.enforcement.reports import annual_report, blocked_report, reject_report, write_report
from proscribe.enforcement.service import Enforcer, Item, RunStats
from proscribe.enforcement.tables import tx_alerts
from proscribe.match import Screener
from proscribe.screening import load_index
from proscribe.store.audit import verify
from proscribe.store.queries import iter_current_entities
from tests.conftest import BENCH

BOOK_SIZE = 5000


def poppler() -> bool:
    found = shutil.which("pdftoppm") is not None and shutil.which("pdftotext") is not None
    if not found and os.environ.get("CI") == "true":
        pytest.fail("pdftoppm and pdftotext (poppler-utils) are required under CI")
    return found


def build_book(settings: Settings, engine: Engine, rng: random.Random) -> Any:
    with engine.connect() as connection:
        entities = list(iter_current_entities(connection))
    index, _ = load_index(settings, engine)
    extra = enforcement_index.load(settings, engine)
    pools = Pools(
        entities,
        read_negatives(BENCH / "negatives_global.csv", 20000),
        Screener(index),
        DEFAULT_POLICY,
        extra.scanner,
        rng,
    )
    return generate(pools, BOOK_SIZE, date(2025, 7, 1), date(2026, 6, 30), rng)


def test_book_of_5000_transactions(settings: Settings, engine: Engine, tmp_path: Path) -> None:
    rng = random.Random(20261128)
    book = build_book(settings, engine, rng)
    assert len(book.records) >= BOOK_SIZE
    ownership = tmp_path / "ownership.csv"
    with ownership.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, ["owner", "owned", "share_percent", "source"])
        writer.writeheader()
        writer.writerows(book.ownership_rows)
    import_links(engine, ownership, "analyst")
    set_filer(
        engine,
        {
            "name": "Example Bank, N.A.",
            "address": "1 Main Street, Springfield, IL 62701",
            "contact": "Jane Compliance",
            "phone": "+1 217 555 0100",
        },
        "officer",
    )

    enforcer = Enforcer(settings, engine, "payments", today=date(2025, 7, 1))
    outputs: list[dict[str, Any]] = []
    steps = 0
    days: dict[str, list[dict[str, Any]]] = {}
    for record in book.records:
        days.setdefault(record["date"], []).append(record)

    def after_step(_stats: RunStats) -> None:
        nonlocal steps
        steps += 1
        with engine.connect() as connection:
            check = ledger.check(connection)
        assert check.ok, check.problems

    for day, records in sorted(days.items()):
        enforcer.today = date.fromisoformat(day)
        stats = enforcer.run(
            [Item(n, r) for n, r in enumerate(records, 1)], f"book-{day}", outputs.append, after_step, chunk=25
        )
        assert stats.errors == 0, stats.problems
        _ledger_activity(engine, rng, enforcer.today)
        after_step(stats)

    assert len(outputs) == len(book.records)
    wrong = Counter(
        (book.category[o["id"]], book.expected[o["id"]], o["decision"])
        for o in outputs
        if o["decision"] != book.expected[o["id"]]
    )
    assert not wrong, wrong
    decided = Counter(o["decision"] for o in outputs)
    assert all(decided[d] > 100 for d in ("pass", "hold", "reject", "block")), decided
    replays = len(book.records) - len(book.expected)
    assert replays > 50 and steps > 300

    with engine.connect() as connection:
        properties = ledger.list_properties(connection)
        assert verify(connection).ok
        held = connection.execute(select(tx_alerts.c.tx_id).distinct()).scalars().all()
    assert len(properties) == decided["block"] - sum(
        1 for o in outputs if o["decision"] == "block" and _is_replay_line(o, book)
    )
    assert len(held) == len({o["id"] for o in outputs if o["decision"] == "hold"})
    for output in outputs:
        assert set(output) == {"id", "decision", "reasons", "hits"}
        for hit in output["hits"]:
            assert set(hit) == {"field", "entity_id", "score", "programs"}

    _reports(engine, tmp_path / "reports", decided)


_REPLAYS: dict[int, set[str]] = {}


def _is_replay_line(output: dict[str, Any], book: Any) -> bool:
    seen = _REPLAYS.setdefault(id(book), set())
    if output["id"] in seen:
        return True
    seen.add(output["id"])
    return False


def _ledger_activity(engine: Engine, rng: random.Random, today: date) -> None:
    """Between business days: interest on blocked funds, licensed releases, delistings."""
    with engine.connect() as connection:
        open_funds = [p for p in ledger.list_properties(connection) if p["status"] == "blocked"]
    for prop in rng.sample(open_funds, min(len(open_funds), 3)):
        balance = Decimal(prop["balance"])
        choice = rng.random()
        if choice < 0.6 and prop["kind"] == "funds":
            interest = (balance * Decimal("0.0001")).quantize(Decimal("0.01")) or Decimal("0.01")
            ledger.add_event(engine, prop["id"], "interest", interest, today, None, "monthly interest", "ops", today)
        elif choice < 0.85 and balance > 1:
            amount = (balance / 3).quantize(Decimal("0.01"))
            ledger.add_event(
                engine, prop["id"], "release", amount, today, "OFAC-2026-123", "specific licence", "ops", today
            )
        elif choice < 0.9:
            ledger.add_event(engine, prop["id"], "unblock", None, today, "delisted", None, "ops", today)


def _reports(engine: Engine, folder: Path, decided: Counter[str]) -> None:
    with engine.connect() as connection:
        blocked = blocked_report(connection)
        rejected = reject_report(connection)
        annual = annual_report(connection, 2026)
        early = blocked_report(connection, date(2025, 7, 1), date(2025, 7, 10))
    assert len(rejected.records) > 100 and len(blocked.records) > 100
    assert 0 < len(annual.records) <= len(blocked.records)
    assert all(r["report_due"] > r["date_blocked"] for r in blocked.records)
    paths = {
        name: write_report(report, folder / name)
        for name, report in (("blocked", early), ("reject", rejected), ("annual", annual))
    }
    for _csv, _pdf in paths.values():
        assert _csv.stat().st_size > 0 and _pdf.read_bytes().startswith(b"%PDF")
    with (folder / "annual" / "annual_blocked_property.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == len(annual.records)
    total_usd = sum(Decimal(r["balance_as_of"]) for r in rows if r["unit"] == "USD")
    assert str(total_usd) == annual.totals["USD"]
    if not poppler():
        pytest.skip("pdftoppm/pdftotext not installed: the PDF pages were not rendered")
    _pdf_checks(paths["blocked"][1], early.records[0], folder)
    _pdf_checks(paths["reject"][1], rejected.records[0], folder)
    text = subprocess.run(
        ["pdftotext", "-layout", "-l", "1", str(paths["annual"][1]), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Annual Report of Blocked Property" in text and "as of 2026-06-30" in text and "2026-09-30" in text
    assert "Example Bank, N.A." in text


def _pdf_checks(pdf: Path, first: dict[str, str], folder: Path) -> None:
    subprocess.run(["pdftoppm", "-r", "50", "-f", "1", "-l", "2", "-png", str(pdf), str(folder / pdf.stem)], check=True)
    pages = sorted(folder.glob(f"{pdf.stem}-*.png"))
    assert len(pages) == 2 and all(p.stat().st_size > 5000 for p in pages)
    text = subprocess.run(
        ["pdftotext", "-layout", "-f", "1", "-l", "1", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Example Bank, N.A." in text and "Jane Compliance" in text
    assert f"Due by {first['report_due']}" in " ".join(text.split())
    assert "10 business days" in text and "Signature" in text
    key = first.get("reference") or first["tx_id"]
    assert key in text
    assert (first.get("owner") or first["beneficiary"]).split(",")[0][:12] in text or "transliterated" in text


def test_reports_of_an_empty_store_are_still_documents(engine: Engine, tmp_path: Path) -> None:
    with engine.connect() as connection:
        report = annual_report(connection, 2026)
    csv_path, pdf_path = write_report(report, tmp_path)
    assert csv_path.read_text(encoding="utf-8").startswith("reference,owner")
    if poppler():
        text = subprocess.run(["pdftotext", str(pdf_path), "-"], capture_output=True, text=True, check=True).stdout
        text = " ".join(text.split())
        assert "No blocked property was held on that day." in text and "Filer name, address, contact not set" in text
