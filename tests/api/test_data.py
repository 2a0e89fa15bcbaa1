"""Entities, lists and the admin's list update: read by readers, updated by admins, audited by key."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from proscribe.api.routers import data
from proscribe.api.service import try_lock
from proscribe.fetch.download import FetchError
from proscribe.fetch.update import UpdateResult
from proscribe.store.audit import export
from tests.api.conftest import auth


def test_entity_native_and_ftm(client: TestClient, keys: dict[str, str]) -> None:
    native = client.get("/entities/us_ofac_cons-30946", headers=auth(keys["reader"])).json()
    assert native["id"] == "us_ofac_cons-30946"
    assert native["schema"] == "organization"
    assert native["raw"]  # the publisher's own record rides along
    ftm = client.get("/entities/us_ofac_cons-30946", params={"format": "ftm"}, headers=auth(keys["reader"])).json()
    assert ftm["schema"] == "Organization"
    assert "HIKVISION" in ftm["properties"]["alias"]
    assert ftm["datasets"] == ["us_ofac_cons"]


def test_unknown_entity_is_404(client: TestClient, keys: dict[str, str]) -> None:
    assert client.get("/entities/nobody-0", headers=auth(keys["reader"])).status_code == 404
    assert (
        client.get("/entities/un_sc-CDi.001", params={"edition": 999999}, headers=auth(keys["reader"])).status_code
        == 404
    )


def test_lists_show_current_editions_and_the_index(client: TestClient, keys: dict[str, str]) -> None:
    data_ = client.get("/lists", headers=auth(keys["reader"])).json()
    sources = {row["source"] for row in data_["lists"]}
    assert {"un_sc", "us_ofac_sdn", "us_ofac_cons"} <= sources
    assert all(row["current"] for row in data_["lists"])
    assert data_["index"]["ready"] is True and data_["index"]["entities"] > 10_000
    every = client.get("/lists", params={"all": "true"}, headers=auth(keys["reader"])).json()["lists"]
    assert len(every) > len(data_["lists"])  # older OFAC and CSL editions are kept


def last_event(engine: Engine) -> dict[str, Any]:
    with engine.connect() as connection:
        return list(export(connection))[-1]


def test_list_update_is_audited_under_the_admin_key(
    client: TestClient, keys: dict[str, str], api_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[tuple[Path, list[str], str | None, str | None]] = []

    def fake_update(
        engine: Engine, folder: Path, sources: list[Any], mirror: str | None, actor: str | None = None
    ) -> list[UpdateResult]:
        calls.append((folder, [s.key for s in sources], mirror, actor))
        return [UpdateResult(source=s.key, up_to_date=True) for s in sources]

    monkeypatch.setattr(data, "update_sources", fake_update)
    response = client.post("/lists/update", json={"lists": ["un_sc"]}, headers=auth(keys["admin"]))
    assert response.status_code == 200, response.text
    assert response.json() == {
        "results": [{"source": "un_sc", "up_to_date": True, "editions": []}],
        "index_rebuilt": False,
    }
    assert calls[0][1] == ["un_sc"]
    assert calls[0][3] == "api-key:test-admin"  # the imports it makes are audited under the key too
    event = last_event(api_engine)
    assert (event["actor"], event["action"]) == ("api-key:test-admin", "lists.update")


def test_failed_update_is_502_and_still_audited(
    client: TestClient, keys: dict[str, str], api_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    def failing(*_args: Any, **_options: Any) -> list[UpdateResult]:
        raise FetchError("https://example.invalid/un.xml: connection refused")

    monkeypatch.setattr(data, "update_sources", failing)
    response = client.post("/lists/update", headers=auth(keys["admin"]))
    assert response.status_code == 502
    event = last_event(api_engine)
    assert event["action"] == "lists.update" and "connection refused" in event["payload"]["error"]


def test_unknown_list_is_400(client: TestClient, keys: dict[str, str]) -> None:
    response = client.post("/lists/update", json={"lists": ["no_such_list"]}, headers=auth(keys["admin"]))
    assert response.status_code == 400


def test_concurrent_update_is_409(client: TestClient, keys: dict[str, str], api_home: Path) -> None:
    with try_lock(api_home / data.UPDATE_LOCK) as held:  # as another worker process running an update would
        assert held
        assert client.post("/lists/update", headers=auth(keys["admin"])).status_code == 409
