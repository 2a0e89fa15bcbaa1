"""Keys and roles: 401 without a valid key, 403 below the role, and nothing written either way."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from proscribe.api.auth import KeyCache, RateLimiter, presented_key
from proscribe.api.keys import create_key, revoke_key
from proscribe.workflow.tables import parties
from tests.api.conftest import audit_count, auth

WRITES = [
    ("POST", "/alerts/1/decision", {"decision": "false-positive", "note": "not our customer"}),
    ("POST", "/alerts/1/approval", {"approve": True, "note": "agreed"}),
    ("POST", "/parties", {"parties": [{"id": "p-auth", "name": "Hikvision"}]}),
    ("POST", "/keys", {"name": "sneaky", "role": "admin"}),
    ("DELETE", "/keys/test-admin", None),
    ("POST", "/lists/update", {"lists": ["un_sc"]}),
    ("POST", "/transactions/screen", {"id": "t-auth", "amount": "10.00", "currency": "USD", "date": "2026-11-20",
                                      "beneficiary": {"name": "BANCO NACIONAL DE CUBA"}}),
    ("POST", "/ledger/BP-1/interest", {"amount": "1.00"}),
    ("POST", "/ledger/BP-1/release", {"amount": "1.00", "licence": "OFAC-1"}),
    ("POST", "/ledger/BP-1/unblock", {"notice": "delisted"}),
    ("POST", "/transactions/t-auth/resolve", {"as": "block", "note": "confirmed"}),
]  # fmt: skip
ANALYST_READS = [
    "/ledger", "/ledger/check", "/ledger/BP-1", "/reports/blocked", "/reports/reject", "/reports/annual?year=2026",
    "/transactions/holds", "/transactions/t-auth",
]  # fmt: skip


def party_count(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(parties)).scalar_one())


@pytest.mark.parametrize(
    ("header", "expected"),
    [("Bearer k1", "k1"), ("ApiKey k2", "k2"), ("apikey k3", "k3"), ("k4", "k4"), ("Bearer", None), ("", None),
     (None, None), ("Basic a b", None)],
)  # fmt: skip
def test_presented_key_reads_every_header_form(header: str | None, expected: str | None) -> None:
    assert presented_key(header) == expected


@pytest.mark.parametrize(("method", "path", "body"), [("GET", "/search?q=Hikvision", None), *WRITES])
def test_no_key_is_401_and_writes_nothing(
    client: TestClient, api_engine: Engine, method: str, path: str, body: object
) -> None:
    before = (audit_count(api_engine), party_count(api_engine))
    response = client.request(method, path, json=body)
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert response.json()["detail"]
    assert (audit_count(api_engine), party_count(api_engine)) == before


@pytest.mark.parametrize("path", ANALYST_READS)
def test_no_key_on_ledger_and_reports_is_401(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 401 and response.json()["detail"]


@pytest.mark.parametrize("path", ANALYST_READS)
def test_reader_key_cannot_read_the_ledger_or_reports(client: TestClient, keys: dict[str, str], path: str) -> None:
    response = client.get(path, headers=auth(keys["reader"]))
    assert response.status_code == 403
    assert "analyst role" in response.json()["detail"]


def test_unknown_key_is_401(client: TestClient) -> None:
    assert client.get("/search", params={"q": "Hikvision"}, headers=auth("psk_not-a-key")).status_code == 401


def test_no_key_with_a_junk_body_is_still_401(client: TestClient) -> None:
    response = client.post("/screen", content=b"{not json", headers={"Content-Type": "application/json"})
    assert response.status_code == 401


@pytest.mark.parametrize("scheme", ["Bearer", "ApiKey"])
def test_both_header_forms_are_accepted(client: TestClient, keys: dict[str, str], scheme: str) -> None:
    response = client.get("/search", params={"q": "Hikvision"}, headers=auth(keys["reader"], scheme))
    assert response.status_code == 200


@pytest.mark.parametrize(("method", "path", "body"), WRITES)
def test_reader_key_below_the_role_is_403_and_writes_nothing(
    client: TestClient, api_engine: Engine, keys: dict[str, str], method: str, path: str, body: object
) -> None:
    before = (audit_count(api_engine), party_count(api_engine))
    response = client.request(method, path, json=body, headers=auth(keys["reader"]))
    assert response.status_code == 403
    assert "role" in response.json()["detail"]
    assert (audit_count(api_engine), party_count(api_engine)) == before


@pytest.mark.parametrize(("method", "path"), [("GET", "/keys"), ("GET", "/audit/export"), ("POST", "/lists/update")])
def test_analyst_key_on_admin_endpoints_is_403(
    client: TestClient, api_engine: Engine, keys: dict[str, str], method: str, path: str
) -> None:
    before = audit_count(api_engine)
    assert client.request(method, path, headers=auth(keys["analyst"])).status_code == 403
    assert audit_count(api_engine) == before


def test_revoked_key_is_refused_at_once_by_the_worker_that_revoked_it(
    client: TestClient, api_engine: Engine, keys: dict[str, str]
) -> None:
    key = create_key(api_engine, "short-lived", "reader", "tests")
    assert client.get("/lists", headers=auth(key)).status_code == 200
    assert client.delete("/keys/short-lived", headers=auth(keys["admin"])).status_code == 204
    assert client.get("/lists", headers=auth(key)).status_code == 401


def test_key_cache_forgets_a_revoked_key_after_its_time(api_engine: Engine) -> None:
    key = create_key(api_engine, "cached", "reader", "tests")
    cache = KeyCache(api_engine, ttl=5.0)
    assert cache.principal(key, now=0.0) is not None
    revoke_key(api_engine, "cached", "tests")
    assert cache.principal(key, now=1.0) is not None  # still remembered for a moment
    assert cache.principal(key, now=6.0) is None


def test_rate_limit_answers_429_with_retry_after(app_factory: Callable[..., object], keys: dict[str, str]) -> None:
    with TestClient(app_factory(rate_limit=0.5, rate_burst=2)) as limited:  # type: ignore[arg-type]
        codes = [limited.get("/lists", headers=auth(keys["reader"])).status_code for _ in range(3)]
        refused = limited.get("/lists", headers=auth(keys["reader"]))
    assert codes[:2] == [200, 200]
    assert refused.status_code == 429
    assert int(refused.headers["retry-after"]) >= 1


def test_token_bucket_refills_at_its_rate() -> None:
    limiter = RateLimiter(rate=2.0, burst=2)
    assert [limiter.acquire("k", now=0.0) for _ in range(3)] == [0.0, 0.0, 0.5]
    assert limiter.acquire("k", now=0.5) == 0.0
    assert RateLimiter(rate=0.0, burst=1).acquire("k") == 0.0
