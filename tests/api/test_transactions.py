"""Transactions over the API: decided and recorded as ``proscribe tx screen`` does, under the key's name.

The lists are the real ones (BANCO NACIONAL DE CUBA is SDN-listed under the
CUBA program); every test uses its own transaction ids, so tests can run in any
order on the shared store of their process.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from proscribe.api.enforcement import EnforcementService
from proscribe.api.service import ScreeningService
from proscribe.api.settings import ApiSettings
from proscribe.enforcement.config import reset_policy, set_policy
from proscribe.enforcement.policy import DEFAULT_POLICY
from proscribe.enforcement.tables import blocked_properties, tx_alerts, tx_screenings
from proscribe.store.audit import export
from tests.api.conftest import audit_count, auth

BASE = {"amount": "1250.00", "currency": "USD", "date": "2026-11-20", "originator": {"name": "Justin Marsh"}}
CUBA_BANK = {"name": "BANCO NACIONAL DE CUBA", "bank": "BANCO NACIONAL DE CUBA"}
CLEAN = {"name": "Isabella Joaquin Torres", "country": "CL"}


def new_id(label: str) -> str:
    return f"{label}-{uuid.uuid4().hex[:10]}"


def tx(label: str, **fields: Any) -> dict[str, Any]:
    return {"id": new_id(label), **BASE, **fields}


def events(engine: Engine) -> list[dict[str, Any]]:
    with engine.connect() as connection:
        return list(export(connection))


def stored(engine: Engine) -> tuple[int, int, int, int]:
    """(screenings, blocked properties, transaction alerts, audit events): everything a batch can write."""
    with engine.connect() as connection:
        counts = [
            int(connection.execute(select(func.count()).select_from(table)).scalar_one())
            for table in (tx_screenings, blocked_properties, tx_alerts)
        ]
    return counts[0], counts[1], counts[2], audit_count(engine)


def screen(client: TestClient, key: str, body: object) -> Any:
    return client.post("/transactions/screen", json=body, headers=auth(key))


def test_payment_to_an_sdn_bank_is_blocked_into_the_ledger_under_the_keys_name(
    client: TestClient, keys: dict[str, str], api_engine: Engine
) -> None:
    body = tx("cuba", beneficiary=CUBA_BANK, purpose="invoice 17")
    response = screen(client, keys["analyst"], body)
    assert response.status_code == 200, response.text
    line = response.json()
    assert set(line) == {"id", "decision", "reasons", "hits"}
    assert (line["id"], line["decision"]) == (body["id"], "block")
    hit = next(h for h in line["hits"] if h["field"] == "beneficiary.name")
    assert hit == {
        "field": "beneficiary.name", "entity_id": "us_ofac_sdn-306", "score": hit["score"], "programs": ["CUBA"],
    }  # fmt: skip
    assert any("rule us_ofac_sdn:* -> block" in reason for reason in line["reasons"])

    ledger = client.get("/ledger", headers=auth(keys["analyst"])).json()
    held = next(p for p in ledger if p["tx_id"] == body["id"])
    assert (held["owner_id"], held["balance"], held["unit"], held["status"]) == (
        "us_ofac_sdn-306", "1250.00", "USD", "blocked",
    )  # fmt: skip
    trail = [e for e in events(api_engine) if e["subject"] == f"tx/{body['id']}"]
    assert [(e["action"], e["actor"]) for e in trail] == [("tx.block", "api-key:test-analyst")]
    assert trail[0]["payload"]["property"] == held["reference"]
    run = next(e for e in reversed(events(api_engine)) if e["action"] == "tx.screen")
    assert (run["actor"], run["subject"]) == ("api-key:test-analyst", "run/api")
    assert run["payload"]["decisions"] == {"block": 1}
    shown = client.get(f"/ledger/{held['reference']}", headers=auth(keys["analyst"])).json()
    assert [(e["kind"], e["amount"], e["actor"]) for e in shown["events"]] == [
        ("blocked", "1250.00", "api-key:test-analyst")
    ]


def test_clean_payment_passes_and_nothing_is_blocked(
    client: TestClient, keys: dict[str, str], api_engine: Engine
) -> None:
    before = stored(api_engine)
    body = tx("clean", beneficiary=CLEAN, purpose="rent")
    line = screen(client, keys["analyst"], body).json()
    assert (line["id"], line["decision"], line["hits"]) == (body["id"], "pass", [])
    assert line["reasons"] == ["no listed party, no listed name in the text, no embargoed place"]
    screenings, properties, alerts, _audit = stored(api_engine)
    assert (screenings, properties, alerts) == (before[0] + 1, before[1], before[2])


def test_batch_is_answered_in_order_and_a_replay_records_nothing_twice(
    client: TestClient, keys: dict[str, str], api_engine: Engine
) -> None:
    batch = [
        tx("b-clean", beneficiary=CLEAN),
        tx("b-iran", beneficiary={"name": "Isabella Joaquin Torres", "country": "IR"}),
        tx("b-cuba", beneficiary=CUBA_BANK),
        tx("b-hik", beneficiary={"name": "Hangzhou Hikvision Digital Technology Co., Ltd."}, purpose="CCTV"),
    ]
    response = screen(client, keys["admin"], {"transactions": batch})
    assert response.status_code == 200, response.text
    results = response.json()["results"]
    assert [(r["id"], r["decision"]) for r in results] == [
        (batch[0]["id"], "pass"), (batch[1]["id"], "reject"), (batch[2]["id"], "block"), (batch[3]["id"], "hold"),
    ]  # fmt: skip
    after = stored(api_engine)
    again = screen(client, keys["analyst"], {"transactions": [batch[2], batch[2], batch[0]]})
    assert again.json()["results"] == [results[2], results[2], results[0]]
    assert stored(api_engine)[:3] == after[:3]  # no screening, property or alert added


def bad(label: str, **changes: Any) -> dict[str, Any]:
    record = tx(label, beneficiary=CLEAN)
    record.update(changes)
    return {key: value for key, value in record.items() if value is not None}


INVALID = [
    pytest.param(bad("neg", amount="-5"), "amount: '-5' is negative", id="negative-amount"),
    pytest.param(bad("cur", currency="XXQ"), "currency: 'XXQ' is not an ISO 4217", id="bad-currency"),
    pytest.param(bad("day", date="2026-02-30"), "is not a date", id="impossible-date"),
    pytest.param(bad("future", date="2099-01-01"), "is in the future", id="future-date"),
    pytest.param(bad("typo", benficiary={"name": "A"}), "Extra inputs", id="unknown-field"),
    pytest.param(bad("bool", amount=True), "", id="amount-of-wrong-type"),
    pytest.param(bad("bic", beneficiary={"name": "A", "bic": "NOTABIC"}), "is not a BIC", id="bad-bic"),
    pytest.param(bad("ctry", beneficiary={"name": "A", "country": "Atlantis"}), "unknown country", id="bad-country"),
    pytest.param(bad("nul", beneficiary={"name": "A\x00B"}), "NUL", id="nul-character"),
    pytest.param(bad("party", originator=None, beneficiary=None), "no party", id="no-party"),
    pytest.param(bad("i", intermediaries=[{"bank": "B"}] * 6), "at most 5", id="too-many-intermediaries"),
    pytest.param(bad("id", id="x" * 201), "at most 200", id="id-too-long"),
]


@pytest.mark.parametrize(("item", "message"), INVALID)
def test_a_batch_with_one_bad_item_is_refused_whole_and_nothing_is_stored(
    client: TestClient, keys: dict[str, str], api_engine: Engine, item: dict[str, Any], message: str
) -> None:
    before = stored(api_engine)
    good = [tx("ok-cuba", beneficiary=CUBA_BANK), tx("ok-clean", beneficiary=CLEAN)]
    response = screen(client, keys["analyst"], {"transactions": [*good, item]})
    assert response.status_code == 422, response.text
    errors = response.json()["detail"]
    assert {tuple(e["loc"][:4]) for e in errors} == {("body", "batch", "transactions", 2)}
    assert message in str(errors)
    assert stored(api_engine) == before
    single = screen(client, keys["analyst"], item)
    assert single.status_code == 422 and message in single.text
    assert stored(api_engine) == before


@pytest.mark.parametrize(
    ("body", "status"),
    [({"transactions": []}, 422), ({"transactions": "t1"}, 422), ([BASE], 422), ({}, 422), ("t1", 422),
     ({"transactions": [BASE] * 1001}, 422), ({"transactions": [tx("x")], "dry_run": True}, 422)],
)  # fmt: skip
def test_junk_bodies_are_4xx_and_store_nothing(
    client: TestClient, keys: dict[str, str], api_engine: Engine, body: object, status: int
) -> None:
    before = stored(api_engine)
    response = screen(client, keys["analyst"], body)
    assert response.status_code == status
    assert response.json()["detail"]
    assert stored(api_engine) == before


def test_unreadable_and_oversized_bodies_are_4xx(client: TestClient, keys: dict[str, str], api_engine: Engine) -> None:
    before = stored(api_engine)
    headers = {**auth(keys["analyst"]), "Content-Type": "application/json"}
    assert client.post("/transactions/screen", content=b'{"id": ', headers=headers).status_code == 422
    item = b'{"id": "t", "purpose": "' + b"x" * 4000 + b'"}'
    huge = b'{"transactions": [' + b",".join([item] * 600) + b"]}"
    response = client.post("/transactions/screen", content=huge, headers=headers)
    assert response.status_code == 413 and "larger than" in response.json()["detail"]
    assert stored(api_engine) == before


def test_same_id_with_other_content_is_refused(client: TestClient, keys: dict[str, str], api_engine: Engine) -> None:
    first = tx("reuse", beneficiary=CLEAN)
    assert screen(client, keys["analyst"], first).json()["decision"] == "pass"
    before = stored(api_engine)
    changed = {**first, "amount": "99.00"}
    response = screen(client, keys["analyst"], {"transactions": [tx("fresh", beneficiary=CLEAN), changed]})
    assert response.status_code == 409
    detail = response.json()["detail"]
    assert detail.startswith(f"transactions[1]: transaction id {first['id']!r} was screened before on ")
    assert detail.endswith("with different content (amount differ); a new transaction needs a new id")
    twice = screen(client, keys["analyst"], {"transactions": [tx("other", beneficiary=CLEAN), changed, first]})
    assert twice.status_code == 422 and "with other content" in twice.text
    assert stored(api_engine) == before


def test_a_policy_change_is_applied_to_the_next_request(
    client: TestClient, keys: dict[str, str], api_engine: Engine
) -> None:
    rule = {"action": "reject", "source": "us_ofac_sdn", "program": "CUBA", "note": "test: reject, do not block"}
    document = DEFAULT_POLICY.to_dict()
    document["program_rules"] = [rule, *document["program_rules"]]
    assert screen(client, keys["analyst"], tx("pre", beneficiary=CUBA_BANK)).json()["decision"] == "block"
    set_policy(api_engine, document, "tests")
    try:
        line = screen(client, keys["analyst"], tx("policy", beneficiary=CUBA_BANK)).json()
    finally:
        reset_policy(api_engine, "tests")
    assert line["decision"] == "reject"
    assert any("test: reject, do not block" in reason for reason in line["reasons"])
    assert screen(client, keys["analyst"], tx("post", beneficiary=CUBA_BANK)).json()["decision"] == "block"


def test_the_enforcer_follows_the_services_index(
    client: TestClient, keys: dict[str, str], service: ScreeningService
) -> None:
    assert screen(client, keys["analyst"], tx("idx", beneficiary=CLEAN)).status_code == 200
    enforcement = client.app.state.api.enforcement  # type: ignore[attr-defined]
    assert enforcement.parts.snapshot is service.snapshot
    service.load()  # what the background check does when a list update made a new edition current
    assert screen(client, keys["analyst"], tx("idx2", beneficiary=CUBA_BANK)).json()["decision"] == "block"
    assert enforcement.parts.snapshot is service.snapshot
    assert enforcement.parts.screener.screener.index is service.screener().index


class _StaleService:
    """A service whose loaded index is one edition behind the store until it is refreshed."""

    def __init__(self, real: ScreeningService) -> None:
        self.real = real
        self.refreshed = 0
        self.snapshot = type("Old", (), {"editions": {"us_ofac_sdn": -1}})()

    def refresh(self) -> bool:
        self.refreshed += 1
        self.snapshot = self.real.snapshot
        return True

    def screener(self, algorithm: str = "default") -> object:
        return self.real.screener(algorithm)


def test_a_newer_edition_in_the_store_is_loaded_before_screening(
    api_engine: Engine, api_settings: ApiSettings, service: ScreeningService
) -> None:
    stale = _StaleService(service)
    enforcement = EnforcementService(api_settings.store, api_engine, stale)  # type: ignore[arg-type]
    parts = enforcement.current()
    assert stale.refreshed == 1 and parts.snapshot is service.snapshot
