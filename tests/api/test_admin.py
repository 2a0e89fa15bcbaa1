"""Keys over the API, the audit trail's export and verification, health and metrics."""

from __future__ import annotations

import itertools
import json

from fastapi.testclient import TestClient
from sqlalchemy import Engine

from tests.api.conftest import audit_count, auth


def test_admin_creates_a_key_that_works_and_is_listed_without_secrets(
    client: TestClient, keys: dict[str, str], api_engine: Engine
) -> None:
    before = audit_count(api_engine)
    created = client.post("/keys", json={"name": "erp-prod", "role": "reader"}, headers=auth(keys["admin"]))
    assert created.status_code == 201
    key = created.json()["key"]
    assert client.get("/search", params={"q": "Huawei"}, headers=auth(key)).status_code == 200
    listed = client.get("/keys", headers=auth(keys["admin"])).json()
    entry = next(k for k in listed if k["name"] == "erp-prod")
    assert entry["role"] == "reader" and key not in json.dumps(listed)
    assert audit_count(api_engine) == before + 1
    assert (
        client.post("/keys", json={"name": "erp-prod", "role": "reader"}, headers=auth(keys["admin"])).status_code
        == 409
    )
    assert client.delete("/keys/no-such-key", headers=auth(keys["admin"])).status_code == 404


def test_audit_export_is_the_chained_trail(client: TestClient, keys: dict[str, str]) -> None:
    response = client.get("/audit/export", headers=auth(keys["admin"]))
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/x-ndjson")
    events = [json.loads(line) for line in response.text.splitlines()]
    assert events and all(b["prev_hash"] == a["hash"] for a, b in itertools.pairwise(events))
    verified = client.get("/audit/verify", headers=auth(keys["admin"])).json()
    assert verified["ok"] is True and verified["checked"] == len(events)


def test_health_ready_metrics_and_openapi_need_no_key(client: TestClient, keys: dict[str, str]) -> None:
    client.get("/search", params={"q": "Hikvision"}, headers=auth(keys["reader"]))
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/readyz").json() == {"status": "ok"}
    metrics = client.get("/metrics")
    assert metrics.status_code == 200
    assert 'proscribe_http_requests_total{method="GET",route="/search",status="200"}' in metrics.text
    assert "proscribe_index_entities" in metrics.text
    spec = client.get("/openapi.json").json()
    assert {"/screen", "/search", "/match/{dataset}", "/entities/{entity_id}", "/lists", "/lists/update"} <= set(
        spec["paths"]
    )
    assert spec["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"


def test_cors_is_off_unless_configured(client: TestClient) -> None:
    response = client.get("/healthz", headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in response.headers
