"""Fixtures for enforcement tests: writable copies of the shared loaded home, and a bare migrated store."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from proscribe.config import Settings, resolve_settings
from proscribe.store.db import open_engine
from tests.conftest import CliResult, run_cli


def copy_home(source: Path, target: Path) -> Path:
    """A private copy of a loaded home (store and indexes): tests that write never touch the shared one."""
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("*.tmp"))
    return target


@pytest.fixture
def home(loaded_home: Path, tmp_path: Path) -> Path:
    return copy_home(loaded_home, tmp_path / "home")


@pytest.fixture
def settings(home: Path) -> Settings:
    return resolve_settings(home)


@pytest.fixture
def engine(settings: Settings) -> Iterator[Engine]:
    engine = open_engine(settings.database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def home_cli(home: Path) -> Callable[..., CliResult]:
    return lambda *args: run_cli([str(a) for a in args], home, f"sqlite:///{home / 'proscribe.db'}")


@pytest.fixture
def bare_engine(database_url: str) -> Iterator[Engine]:
    """A migrated store with no lists, on SQLite and on PostgreSQL."""
    engine = open_engine(database_url)
    yield engine
    engine.dispose()
