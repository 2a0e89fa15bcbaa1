"""Shared test fixtures: where the real list files are, and scratch homes."""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SHARED = PROJECT_ROOT.parent / "shared"
LISTS = SHARED / "lists"
BENCH = SHARED / "bench"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session")
def lists_dir() -> Path:
    if not LISTS.is_dir():
        pytest.fail(f"the shared list snapshots are missing: {LISTS} (clone the project beside ../shared)")
    return LISTS


POSTGRES_URL = os.environ.get("PROSCRIBE_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def _postgres_available() -> str | None:
    """None when the test server answers, else the reason it does not."""
    try:
        with psycopg.connect(POSTGRES_URL.replace("+psycopg", ""), connect_timeout=3) as conn:
            conn.execute("select 1")
    except psycopg.Error as error:
        return str(error).strip().splitlines()[0]
    return None


@pytest.fixture(scope="session")
def postgres_url() -> str:
    """The test PostgreSQL server; skips without one, except under CI=true where it must be there."""
    reason = _postgres_available()
    if reason:
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL at {POSTGRES_URL} is required under CI: {reason}")
        pytest.skip(f"no PostgreSQL at {POSTGRES_URL}: {reason}")
    return POSTGRES_URL


@pytest.fixture
def postgres_schema_url(postgres_url: str) -> Iterator[str]:
    """A database URL whose search_path is a fresh schema, dropped afterwards: tests never see each other."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    plain = postgres_url.replace("+psycopg", "")
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute(f'create schema "{schema}"')
    try:
        yield f"{postgres_url}?options=-csearch_path%3D{schema}"
    finally:
        with psycopg.connect(plain, autocommit=True) as conn:
            conn.execute(f'drop schema "{schema}" cascade')


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Each store test runs on the embedded SQLite store and on the real PostgreSQL server."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'proscribe.db'}"
    return str(request.getfixturevalue("postgres_schema_url"))


@dataclass
class CliResult:
    exit_code: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        return json.loads(self.stdout)


def run_cli(args: list[str], home: Path, database_url: str | None = None) -> CliResult:
    """Run the ``proscribe`` command in-process, as a user would type it."""
    from typer.testing import CliRunner

    from proscribe.cli.app import app

    env = {"PROSCRIBE_HOME": str(home)}
    if database_url:
        env["PROSCRIBE_DATABASE_URL"] = database_url
    result = CliRunner().invoke(app, args, env=env, catch_exceptions=False)
    return CliResult(result.exit_code, result.stdout, result.stderr)


@pytest.fixture
def cli(tmp_path: Path, database_url: str) -> Callable[..., CliResult]:
    """``cli("lists", "show")``: the command against a fresh store (SQLite, and PostgreSQL)."""
    home = tmp_path / "home"
    return lambda *args: run_cli(list(args), home, database_url)


@pytest.fixture(scope="session")
def loaded_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A home with every shared list imported and the screening index built (once per test process)."""
    home = tmp_path_factory.mktemp("loaded")
    result = run_cli(["lists", "import", str(LISTS)], home, f"sqlite:///{home / 'proscribe.db'}")
    assert result.exit_code == 0, result.stderr
    return home


@pytest.fixture
def loaded_cli(loaded_home: Path) -> Callable[..., CliResult]:
    """``loaded_cli("screen", "Hikvision")`` against the shared loaded home (read-only use)."""
    return lambda *args: run_cli(list(args), loaded_home, f"sqlite:///{loaded_home / 'proscribe.db'}")


@pytest.fixture
def sqlite_cli(tmp_path: Path) -> Callable[..., CliResult]:
    """``sqlite_cli("monitor", "run")``: the command against a fresh embedded store only."""
    home = tmp_path / "home"
    return lambda *args: run_cli(list(args), home, f"sqlite:///{home / 'proscribe.db'}")
