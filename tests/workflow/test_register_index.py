"""The register's words kept between runs: never a party missed, never trusted once the register moved."""

from __future__ import annotations

import csv
import shutil
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text

from proscribe.match import Query, Screener, build_index
from proscribe.match.delta import ChangedEntries
from proscribe.match.features import QueryFacts
from proscribe.match.normalize import name_forms
from proscribe.model import Entity
from proscribe.sources import FORMATS
from proscribe.sources.detect import scan
from proscribe.store.db import open_engine
from proscribe.workflow.register_index import FILE_NAME, RUN_FILE, RegisterIndex, kept_maps, register_mark, run_key
from tests.conftest import BENCH, LISTS, CliResult, run_cli


def _un() -> list[Entity]:
    entities: list[Entity] = []
    for list_file in scan([LISTS / "un"]).lists:
        entities.extend(FORMATS[list_file.format].parse(list_file))
    return entities


def _register(entities: list[Entity]) -> dict[str, Query]:
    """Benchmark negatives, real variants of UN names and the UN names themselves."""
    queries: dict[str, Query] = {}
    with (BENCH / "negatives_global.csv").open(encoding="utf-8") as handle:
        for number, row in zip(range(3000), csv.DictReader(handle), strict=False):
            queries[f"n{number}"] = Query.build(row["full_name"], "person", row["date_of_birth"] or None)
    with (BENCH / "positives_un_treated.csv").open(encoding="utf-8") as handle:
        for number, row in zip(range(1000), csv.DictReader(handle), strict=False):
            queries[f"v{number}"] = Query.build(row["full_name"], None, row["date_of_birth"] or None)
    for entity in entities[::3]:
        identifier = entity.identifiers[0].value if entity.identifiers else None
        queries[entity.id] = Query.build(entity.names[-1].value, entity.schema.value, id_number=identifier)
    return queries


@pytest.mark.parametrize("step", [1, 2, 5, 50])  # every entity changed: more changed words than the register's
def test_every_party_the_delta_filter_keeps_is_a_candidate(step: int) -> None:
    entities = _un()
    screener = Screener(build_index(entities))
    changed = ChangedEntries(screener.index, {e.id for e in entities[::step]}, screener.threshold)
    queries = _register(entities)
    forms = {party_id: tuple(name_forms(q.name, q.schema)) for party_id, q in queries.items()}
    words = RegisterIndex.build("1@", 1, forms, {party_id: QueryFacts.of(q) for party_id, q in queries.items()})
    candidates = words.candidates(changed)
    kept = {party_id for party_id, q in queries.items() if changed.may_match(forms[party_id], QueryFacts.of(q))}
    assert kept <= candidates
    assert kept and (len(candidates) < len(queries) or step == 1)
    # the kept words and facts give the same answer as each party's own forms and facts
    fresh = ChangedEntries(screener.index, {e.id for e in entities[::step]}, screener.threshold)
    assert words.may_match(fresh) == kept
    assert (len(fresh.words) >= len(words.tokens)) == (step == 1)  # both ways of naming the parties to bound


def test_the_file_is_read_back_only_for_its_run_and_register(tmp_path: Path) -> None:
    forms = {"p1": tuple(name_forms("Hangzhou Hikvision Digital Technology")), "p2": tuple(name_forms("Acme"))}
    run = run_key(7, datetime(2026, 11, 28, 6, 0, 0, 123456, tzinfo=UTC))
    facts = {"p1": QueryFacts("organization", None, "CN", "91330000733796106P"), "p2": QueryFacts()}
    words = RegisterIndex.build(run, 3, forms, facts)
    words.save(tmp_path)
    again = RegisterIndex.load(tmp_path, run, 3)
    assert again is not None and again.tokens == words.tokens and again.pairs == words.pairs
    assert again.party_ids == ["p1", "p2"] and again.identifiers == words.identifiers
    assert again.party_forms == words.party_forms and again.party_facts == words.party_facts
    assert RegisterIndex.load(tmp_path, run_key(8, datetime.now(UTC)), 3) is None  # another run since
    # another store's run 7 (the same number, another start), read back without its zone as SQLite gives it
    assert RegisterIndex.load(tmp_path, run_key(7, datetime(2026, 11, 28, 6, 0, 1)), 3) is None
    assert RegisterIndex.load(tmp_path, run_key(7, datetime(2026, 11, 28, 6, 0, 0, 123456)), 3) is not None
    assert RegisterIndex.load(tmp_path, run, 4) is None  # a party written since
    # a later run that changed none of the register writes its own part alone, naming the same words
    later = run_key(8, datetime(2026, 11, 29, 6, 0, tzinfo=UTC))
    written = (tmp_path / FILE_NAME).stat().st_mtime_ns
    again.moved_to(later).save_run(tmp_path)
    assert (tmp_path / FILE_NAME).stat().st_mtime_ns == written
    assert RegisterIndex.load(tmp_path, run, 3) is None and RegisterIndex.load(tmp_path, later, 3) is not None
    # words written by another run than the one the run part names (a write cut between the two files)
    RegisterIndex.build(run_key(9, datetime.now(UTC)), 3, forms, facts).save(tmp_path / "other")
    shutil.copyfile(tmp_path / "other" / FILE_NAME, tmp_path / FILE_NAME)
    assert RegisterIndex.load(tmp_path, later, 3) is None
    (tmp_path / FILE_NAME).write_bytes(b"\x00not marshal")
    assert RegisterIndex.load(tmp_path, later, 3) is None
    assert kept_maps(tmp_path) is None  # nor are its maps carried from a damaged file
    (tmp_path / RUN_FILE).write_bytes(b"")
    assert kept_maps(tmp_path) is None and RegisterIndex.load(tmp_path, later, 3) is None
    assert RegisterIndex.load(tmp_path / "absent", run, 3) is None


REGISTER = "id,name,country\np1,ABDULHAI SALEK,AF\np2,Hangzhou Hikvision Digital Technology,CN\np3,Acme Widgets,US\n"


def _alerts(cli: Callable[..., CliResult]) -> list[tuple[str, str, str]]:
    return sorted((a["party_id"], a["entity_id"], a["reason"]) for a in cli("alerts", "list", "--json").json())


def _first_run(cli: Callable[..., CliResult], tmp_path: Path) -> Callable[..., CliResult]:
    """The UN list and a small register, after a first monitoring run (which keeps the register's words)."""
    register = tmp_path / "register.csv"
    register.write_text(REGISTER)
    assert cli("lists", "import", str(LISTS / "un")).exit_code == 0
    assert cli("parties", "import", str(register)).exit_code == 0
    assert cli("monitor", "run").exit_code == 0
    assert (tmp_path / "home" / "index" / FILE_NAME).exists()
    return cli


def _first_run_words(home: Path) -> RegisterIndex | None:
    """The words the first run kept, read as the next run reads them (the embedded store of ``home``)."""
    engine = open_engine(f"sqlite:///{home / 'proscribe.db'}")
    with engine.connect() as connection:
        first = connection.execute(text("select id, started_at from monitor_runs")).one()
        started = (
            first.started_at if isinstance(first.started_at, datetime) else datetime.fromisoformat(first.started_at)
        )
        words = RegisterIndex.load(home / "index", run_key(first.id, started), register_mark(connection))
    engine.dispose()
    return words


@pytest.fixture
def monitored(cli: Callable[..., CliResult], tmp_path: Path) -> Callable[..., CliResult]:
    """:func:`_first_run` on the embedded store and on the real PostgreSQL server."""
    return _first_run(cli, tmp_path)


def test_a_run_on_the_kept_words_raises_what_a_run_reading_the_register_raises(
    sqlite_cli: Callable[..., CliResult], tmp_path: Path
) -> None:
    cli = _first_run(sqlite_cli, tmp_path)  # the comparison copies the store's file
    home = tmp_path / "home"
    assert cli("lists", "import", str(LISTS / "fcc")).exit_code == 0
    reading = tmp_path / "reading"
    shutil.copytree(home, reading)
    (reading / "index" / FILE_NAME).unlink()  # this copy must read the whole register

    words = _first_run_words(home)
    assert words is not None and words.neighbours is not None  # the next run uses it, with the words' maps
    kept = cli("monitor", "run", "--json").json()
    read = run_cli(["monitor", "run", "--json"], reading, f"sqlite:///{reading / 'proscribe.db'}").json()
    assert kept["mode"] == read["mode"] == "delta" and kept["alerts_opened"] == read["alerts_opened"] >= 1
    assert kept["parties"] == read["parties"] == 3
    other = lambda *args: run_cli(list(args), reading, f"sqlite:///{reading / 'proscribe.db'}")  # noqa: E731
    assert _alerts(cli) == _alerts(other)
    assert any(party == "p2" for party, _, _ in _alerts(cli))  # Hikvision, on the FCC list


def test_a_party_written_after_the_run_is_screened_in_full(monitored: Callable[..., CliResult], tmp_path: Path) -> None:
    cli = monitored
    register = tmp_path / "register.csv"
    # p3 is renamed to a UN-listed name; then a list changes too, so the run is a delta run
    register.write_text(REGISTER.replace("Acme Widgets", "JANAN AGHA"))
    assert cli("parties", "import", str(register)).exit_code == 0
    assert cli("lists", "import", str(LISTS / "fcc")).exit_code == 0
    run = cli("monitor", "run", "--json").json()
    assert run["mode"] == "delta"
    assert any(party == "p3" for party, _, _ in _alerts(cli))


def test_a_candidate_screened_as_another_version_is_screened_in_full(
    monitored: Callable[..., CliResult], database_url: str
) -> None:
    """A screening row edited behind the register's back (the mark never moved) is not trusted."""
    cli = monitored
    engine = open_engine(database_url)
    with engine.begin() as connection:
        before = connection.execute(text("select record_hash from party_screenings where party_id = 'p2'")).scalar()
        connection.execute(text("update party_screenings set record_hash = 'edited' where party_id = 'p2'"))
    assert cli("lists", "import", str(LISTS / "fcc")).exit_code == 0
    assert cli("monitor", "run").exit_code == 0
    with engine.connect() as connection:
        after = connection.execute(text("select record_hash from party_screenings where party_id = 'p2'")).scalar()
    engine.dispose()
    assert after == before  # screened in full again, as it is


def test_a_register_moved_on_still_carries_the_words_maps(sqlite_cli: Callable[..., CliResult], tmp_path: Path) -> None:
    """A register written since the last run is read whole, but its words' maps are carried from the last
    kept words all the same: the run raises what a run with no kept words raises, and keeps maps again."""
    cli = _first_run(sqlite_cli, tmp_path)
    home = tmp_path / "home"
    register = tmp_path / "register.csv"
    register.write_text(REGISTER + "p4,Zhejiang Dahua Technology Co.,CN\n")  # a new party: the register moved on
    assert cli("parties", "import", str(register)).exit_code == 0
    assert cli("lists", "import", str(LISTS / "fcc")).exit_code == 0
    reading = tmp_path / "reading"
    shutil.copytree(home, reading)
    for name in (FILE_NAME, RUN_FILE):
        (reading / "index" / name).unlink()  # this copy has no words kept at all
    assert kept_maps(home / "index") is not None
    carried = cli("monitor", "run", "--json").json()
    read = run_cli(["monitor", "run", "--json"], reading, f"sqlite:///{reading / 'proscribe.db'}").json()
    assert carried["mode"] == read["mode"] == "delta" and carried["alerts_opened"] == read["alerts_opened"] >= 1
    other = lambda *args: run_cli(list(args), reading, f"sqlite:///{reading / 'proscribe.db'}")  # noqa: E731
    assert _alerts(cli) == _alerts(other)
    assert {"p2", "p4"} <= {party for party, _, _ in _alerts(cli)}  # Hikvision and Dahua, on the FCC list
    found = kept_maps(home / "index")
    assert found is not None and any(token.text == "dahua" for token in found[0])  # kept again, with p4's words
    assert kept_maps(reading / "index") is not None  # a run with no maps at hand looks every word up, once


def test_kept_words_without_maps_get_them_on_the_next_run(sqlite_cli: Callable[..., CliResult], tmp_path: Path) -> None:
    """Kept words written without maps (by an earlier version) are not left so: the next run looks them up."""
    cli = _first_run(sqlite_cli, tmp_path)
    index = tmp_path / "home" / "index"
    words = _first_run_words(tmp_path / "home")
    assert words is not None
    words.neighbours = None
    words.save_run(index)
    assert kept_maps(index) is None
    assert cli("lists", "import", str(LISTS / "fcc")).exit_code == 0
    assert cli("monitor", "run", "--json").json()["alerts_opened"] >= 1
    assert kept_maps(index) is not None
