"""Fixtures for the HTTP API: a private copy of the loaded home, a loaded index, keys of each role, clients.

The API writes (keys, parties, decisions, audit events), so its tests work on
their own copy of the shared loaded home, never on the home other tests read.
The index is loaded once per test process and shared by every app the tests
build, as one worker would share it between requests.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from proscribe.api.app import create_app
from proscribe.api.keys import create_key
from proscribe.api.service import ScreeningService
from proscribe.api.settings import ApiSettings
from proscribe.config import resolve_settings
from proscribe.store.db import open_engine
from proscribe.store.schema import audit_events

ROLES = ("reader", "analyst", "admin")


@pytest.fixture(scope="session")
def api_home(loaded_home: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("api") / "home"
    shutil.copytree(loaded_home, home)
    return home


@pytest.fixture(scope="session")
def api_settings(api_home: Path) -> ApiSettings:
    return ApiSettings(store=resolve_settings(api_home), rate_limit=0.0, access_log=False, log_level="warning")


@pytest.fixture(scope="session")
def api_engine(api_settings: ApiSettings) -> Engine:
    return open_engine(api_settings.store.database_url)


@pytest.fixture(scope="session")
def service(api_settings: ApiSettings, api_engine: Engine) -> ScreeningService:
    loaded = ScreeningService(api_settings.store, api_engine, check_seconds=0.5)
    loaded.load()
    return loaded


@pytest.fixture(scope="session")
def keys(api_engine: Engine) -> dict[str, str]:
    """A key of each role, by role name."""
    return {role: create_key(api_engine, f"test-{role}", role, "tests") for role in ROLES}


@pytest.fixture(scope="session")
def app_factory(api_settings: ApiSettings, service: ScreeningService) -> Callable[..., object]:
    """``app_factory(rate_limit=2)``: an app on the shared index with settings changed as given."""
    return lambda **changes: create_app(replace(api_settings, **changes), service)


@pytest.fixture(scope="module")
def client(api_settings: ApiSettings, service: ScreeningService) -> Iterator[TestClient]:
    with TestClient(create_app(api_settings, service)) as test_client:
        yield test_client


def auth(key: str, scheme: str = "Bearer") -> dict[str, str]:
    return {"Authorization": f"{scheme} {key}"}


def audit_count(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(audit_events)).scalar_one())
