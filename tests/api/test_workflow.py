"""Parties and alerts over the API: analysts' work, each change audited under the key's name."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from proscribe.api.settings import ApiSettings
from proscribe.store.audit import export
from proscribe.workflow.monitor import run_monitor
from tests.api.conftest import audit_count, auth

PARTIES = [
    {"id": "cust-1", "name": "Hangzhou Hikvision Digital Technology", "type": "company", "country": "China"},
    {"id": "cust-2", "name": "Eric Badege", "type": "person", "date_of_birth": "1971", "extra": {"branch": "Paris"}},
]


def events(engine: Engine) -> list[dict[str, Any]]:
    with engine.connect() as connection:
        return list(export(connection))


@pytest.fixture(scope="module")
def alert_ids(client: TestClient, keys: dict[str, str], api_engine: Engine, api_settings: ApiSettings) -> list[int]:
    """Alerts opened by monitoring the two parties above (added through the API)."""
    response = client.post("/parties", json={"parties": PARTIES}, headers=auth(keys["analyst"]))
    assert response.status_code == 200, response.text
    assert sorted(response.json()["created"]) == ["cust-1", "cust-2"]
    event = events(api_engine)[-1]
    assert (event["actor"], event["action"]) == ("api-key:test-analyst", "parties.import")
    run_monitor(api_engine, api_settings.store, "tests")
    alerts = client.get("/alerts", params={"status": "open"}, headers=auth(keys["analyst"])).json()
    assert alerts
    return [a["id"] for a in alerts]


def test_parties_are_listed_and_shown(client: TestClient, keys: dict[str, str], alert_ids: list[int]) -> None:
    page = client.get("/parties", params={"limit": 1000}, headers=auth(keys["analyst"])).json()
    assert {p["party_id"] for p in page["parties"]} >= {"cust-1", "cust-2"}
    shown = client.get("/parties/cust-2", headers=auth(keys["analyst"])).json()
    assert shown["active"] is True and shown["party"]["extra"] == {"branch": "Paris"}
    assert shown["history"][0]["actor"] == "api-key:test-analyst"
    assert client.get("/parties/nobody", headers=auth(keys["analyst"])).status_code == 404


def test_unchanged_parties_write_no_new_version(client: TestClient, keys: dict[str, str], alert_ids: list[int]) -> None:
    again = client.post("/parties", json={"parties": PARTIES}, headers=auth(keys["analyst"])).json()
    assert again == {"created": [], "updated": [], "unchanged": 2}


@pytest.mark.parametrize(
    "party",
    [{"id": "x", "name": ""}, {"id": "", "name": "X"}, {"id": "x", "name": "X", "country": "Atlantis"},
     {"id": "x", "name": "X", "date_of_birth": "2999"}, {"id": "x", "name": "X", "type": "spaceship"},
     {"id": "x", "name": "X", "colour": "red"}, {"id": "x", "name": "X\u0000Y"}, {"id": "x\u0000", "name": "X"},
     {"id": "x", "name": "X", "extra": {"note": "\u0000"}}],
)  # fmt: skip
def test_invalid_parties_are_422_and_nothing_is_written(
    client: TestClient, keys: dict[str, str], api_engine: Engine, party: dict[str, str]
) -> None:
    before = audit_count(api_engine)
    response = client.post("/parties", json={"parties": [party]}, headers=auth(keys["analyst"]))
    assert response.status_code == 422
    assert audit_count(api_engine) == before


def test_a_lone_surrogate_is_422(client: TestClient, keys: dict[str, str], api_engine: Engine) -> None:
    before = audit_count(api_engine)
    body = '{"parties": [{"id": "x", "name": "X", "id_number": "\\ud800"}]}'
    headers = {**auth(keys["analyst"]), "content-type": "application/json"}
    assert client.post("/parties", content=body, headers=headers).status_code == 422
    assert audit_count(api_engine) == before


@pytest.mark.parametrize("path", ["/alerts?party=a%00b", "/parties/a%00b", "/entities/x%00", "/search?q=%00"])
def test_a_nul_in_the_path_or_query_is_400(client: TestClient, keys: dict[str, str], path: str) -> None:
    """PostgreSQL refuses NUL in text: such a request is refused at the gate, never a 500 from the store."""
    response = client.get(path, headers=auth(keys["analyst"]))
    assert response.status_code == 400 and "NUL" in response.json()["detail"]


def test_duplicate_party_ids_are_422(client: TestClient, keys: dict[str, str]) -> None:
    body = {"parties": [{"id": "d", "name": "A"}, {"id": "d", "name": "B"}]}
    assert client.post("/parties", json=body, headers=auth(keys["analyst"])).status_code == 422


def test_reader_cannot_see_alerts(client: TestClient, keys: dict[str, str], alert_ids: list[int]) -> None:
    assert client.get("/alerts", headers=auth(keys["reader"])).status_code == 403
    assert client.get(f"/alerts/{alert_ids[0]}", headers=auth(keys["reader"])).status_code == 403


def test_analyst_decides_an_alert_once(
    client: TestClient, keys: dict[str, str], api_engine: Engine, alert_ids: list[int]
) -> None:
    alert_id = alert_ids[0]
    shown = client.get(f"/alerts/{alert_id}", headers=auth(keys["analyst"])).json()
    assert shown["status"] == "open" and shown["entity"]["id"] == shown["entity_id"]
    body = {"decision": "true-match", "note": "same company, same registration number"}
    decided = client.post(f"/alerts/{alert_id}/decision", json=body, headers=auth(keys["analyst"]))
    assert decided.json() == {"id": alert_id, "status": "true-match"}
    event = events(api_engine)[-1]
    assert (event["actor"], event["action"], event["subject"]) == (
        "api-key:test-analyst", "alert.true-match", f"alert/{alert_id}",
    )  # fmt: skip
    again = client.post(f"/alerts/{alert_id}/decision", json=body, headers=auth(keys["admin"]))
    assert again.status_code == 409 and "already closed" in again.json()["detail"]
    history = client.get(f"/alerts/{alert_id}", headers=auth(keys["analyst"])).json()["history"]
    assert history[-1]["actor"] == "api-key:test-analyst"


@pytest.mark.parametrize(
    ("path", "body", "status"),
    [("/alerts/999999/decision", {"decision": "escalate", "note": "look"}, 404),
     ("/alerts/1/decision", {"decision": "maybe", "note": "hmm"}, 422),
     ("/alerts/1/decision", {"decision": "escalate", "note": "  "}, 422),
     ("/alerts/1/decision", {"decision": "escalate"}, 422),
     ("/alerts/0/decision", {"decision": "escalate", "note": "x"}, 422),
     ("/alerts/999999/approval", {"approve": True}, 404)],
)  # fmt: skip
def test_bad_decisions_are_4xx(
    client: TestClient, keys: dict[str, str], path: str, body: dict[str, str], status: int
) -> None:
    assert client.post(path, json=body, headers=auth(keys["analyst"])).status_code == status
