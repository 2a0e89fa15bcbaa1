"""The index as a worker holds it: a list update is picked up without a restart."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from proscribe.api.app import create_app
from proscribe.api.service import ScreeningService
from proscribe.api.settings import ApiSettings
from proscribe.config import resolve_settings
from proscribe.store.db import open_engine
from tests.conftest import LISTS, run_cli


@pytest.fixture
def small_home(tmp_path: Path) -> Path:
    home = tmp_path / "home"
    result = run_cli(["lists", "import", str(LISTS / "fcc")], home)
    assert result.exit_code == 0, result.stderr
    return home


def test_a_new_edition_is_swapped_in_by_the_background_check(small_home: Path) -> None:
    store = resolve_settings(small_home)
    service = ScreeningService(store, open_engine(store.database_url), check_seconds=0.1)
    service.start()
    try:
        assert _wait(lambda: service.ready)
        before = service.snapshot
        assert before is not None and before.status.entities == 12
        assert service.screener().screen("Hangzhou Hikvision Digital Technology Company").matches
        assert run_cli(["lists", "import", str(LISTS / "bis")], small_home).exit_code == 0
        assert _wait(lambda: service.snapshot is not before)
        after = service.snapshot
        assert after is not None and after.status.entities > 12
        assert set(after.editions) == {"us_fcc_covered", "us_bis_dpl"}
        assert service.refresh() is False  # nothing new since
    finally:
        service.stop()


def test_entities_are_read_once_per_index(small_home: Path) -> None:
    store = resolve_settings(small_home)
    service = ScreeningService(store, open_engine(store.database_url))
    service.load()
    ids = [m.entity_id for m in service.screener().screen("Huawei Technologies Company").matches]
    assert ids and not service.cached(ids)
    assert set(service.entities([*ids, "nobody-0"])) == set(ids)
    assert service.cached(ids)


def _wait(condition: object, timeout: float = 60.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return True
        time.sleep(0.05)
    return False


def test_the_transaction_screener_is_built_in_the_background_after_a_load(small_home: Path) -> None:
    """The first transaction request does not wait for the enforcement index: the worker warms it."""
    settings = ApiSettings(store=resolve_settings(small_home), access_log=False, log_level="warning")
    service = ScreeningService(settings.store, open_engine(settings.store.database_url), check_seconds=0.1)
    app = create_app(settings, service)
    with TestClient(app):
        assert _wait(lambda: app.state.api.enforcement.parts is not None)
        parts = app.state.api.enforcement.parts
        assert service.snapshot is not None and parts.snapshot is service.snapshot
    assert service.after_load == []  # the app's hook leaves with it
