"""Fixtures for the equipment tests: a generated fleet, imported once, and the tools that look at reports."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.conftest import CliResult, run_cli
from tests.equipment.fleet import Fleet, generate


def home_cli(home: Path, *args: str) -> CliResult:
    return run_cli(list(args), home, f"sqlite:///{home / 'proscribe.db'}")


@pytest.fixture(scope="session")
def fleet() -> Fleet:
    return generate(2400)


@pytest.fixture(scope="session")
def fleet_home(tmp_path_factory: pytest.TempPathFactory, fleet: Fleet) -> Path:
    """A home with the generated fleet imported (no lists: reports check suppliers against the reference only)."""
    home = tmp_path_factory.mktemp("fleet")
    path = fleet.write_csv(home / "fleet.csv")
    result = home_cli(home, "devices", "import", str(path))
    assert result.exit_code == 0, result.stderr
    return home


def need_binary(name: str) -> str:
    """The path of a system tool; skips without it, except under CI=true where it must be installed."""
    found = shutil.which(name)
    if found is None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{name} is required under CI (Debian: chromium, poppler-utils)")
        pytest.skip(f"{name} is not installed")
    return found
