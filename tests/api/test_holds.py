"""Held transactions over the API: the review queue and resolutions, exactly as ``proscribe tx`` records them.

The lists are the real ones: a payment to Hangzhou Hikvision (FCC Covered
List, NS-CMIC; no blocking program) is held for review, one to BANCO NACIONAL
DE CUBA (SDN, CUBA) is blocked at once. Every test screens its own
transactions under fresh ids, so tests can run in any order on the shared store.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, func, select

from proscribe.api.settings import ApiSettings
from proscribe.enforcement.tables import blocked_properties, tx_alerts, tx_resolutions
from tests.api.conftest import audit_count, auth
from tests.api.test_transactions import CLEAN, CUBA_BANK, events, screen, tx
from tests.conftest import run_cli

HIKVISION = {"name": "Hangzhou Hikvision Digital Technology Co., Ltd."}
ANALYST = "api-key:test-analyst"


def held(client: TestClient, key: str, tx_id: str | None = None) -> dict[str, Any]:
    """A payment screened through the API and held for review: its answer line."""
    body = tx("hold", beneficiary=HIKVISION, purpose="CCTV cameras")
    if tx_id is not None:
        body["id"] = tx_id
    line = screen(client, key, body).json()
    assert line["decision"] == "hold", line
    return dict(line)


def resolve(client: TestClient, key: str, tx_id: str, body: object) -> Any:
    return client.post(f"/transactions/{tx_id}/resolve", json=body, headers=auth(key))


def queue(client: TestClient, key: str, **params: Any) -> dict[str, Any]:
    response = client.get("/transactions/holds", params={"limit": 1000, **params}, headers=auth(key))
    assert response.status_code == 200, response.text
    return dict(response.json())


def listed(client: TestClient, key: str, tx_id: str, **params: Any) -> dict[str, Any] | None:
    return next((h for h in queue(client, key, **params)["holds"] if h["id"] == tx_id), None)


def written(engine: Engine) -> tuple[int, int, int, int]:
    """(resolutions, blocked properties, closed alerts, audit events): everything a resolution can write."""
    with engine.connect() as connection:
        resolutions = connection.execute(select(func.count()).select_from(tx_resolutions)).scalar_one()
        properties = connection.execute(select(func.count()).select_from(blocked_properties)).scalar_one()
        closed = connection.execute(select(func.count()).where(tx_alerts.c.status != "open")).scalar_one()
    return int(resolutions), int(properties), int(closed), audit_count(engine)


def test_a_held_payment_is_queued_then_blocked_into_the_ledger_under_the_keys_name(
    client: TestClient, keys: dict[str, str], api_engine: Engine
) -> None:
    key = keys["analyst"]
    line = held(client, key)
    tx_id = line["id"]
    item = listed(client, key, tx_id)
    assert item is not None
    assert (item["status"], item["resolution"], item["origin"]) == ("open", None, "api:1")
    assert (item["reasons"], item["hits"]) == (line["reasons"], line["hits"])
    assert (item["amount"], item["currency"], item["kind"]) == ("1250.00", "USD", "payment")
    assert item["held_at"].endswith("+00:00")
    assert any(h["field"] == "beneficiary.name" for h in item["hits"])

    shown = client.get(f"/transactions/{tx_id}", headers=auth(key)).json()
    assert (shown["decision"], shown["output"], shown["resolution"]) == ("hold", line, None)
    assert shown["alerts"] and {a["status"] for a in shown["alerts"]} == {"open"}

    response = resolve(client, key, tx_id, {"as": "block", "note": "beneficiary confirmed by the bank"})
    assert response.status_code == 200, response.text
    done = response.json()
    assert {k: v for k, v in done.items() if k not in ("resolution", "held_at")} == {
        k: v for k, v in item.items() if k not in ("resolution", "held_at", "status")
    } | {"status": "resolved"}
    resolution = done["resolution"]
    assert (resolution["decision"], resolution["note"], resolution["by"]) == (
        "block", "beneficiary confirmed by the bank", ANALYST,
    )  # fmt: skip
    assert resolution["property"].startswith("BP-")

    ledger = client.get("/ledger", headers=auth(key)).json()
    blocked = next(p for p in ledger if p["tx_id"] == tx_id)
    assert (blocked["reference"], blocked["balance"], blocked["unit"], blocked["status"]) == (
        resolution["property"], "1250.00", "USD", "blocked",
    )  # fmt: skip
    assert "blocked on review: beneficiary confirmed by the bank" in blocked["basis"]
    trail = [e for e in events(api_engine) if e["subject"] == f"tx/{tx_id}"]
    assert [(e["action"], e["actor"]) for e in trail] == [("tx.hold", ANALYST), ("tx.block", ANALYST)]
    assert trail[1]["payload"]["property"] == resolution["property"]
    assert trail[1]["payload"]["alerts"] == [a["id"] for a in shown["alerts"]]
    ledger_trail = [e for e in events(api_engine) if e["subject"] == f"property/{resolution['property']}"]
    assert [(e["action"], e["actor"]) for e in ledger_trail] == [("ledger.blocked", ANALYST)]

    assert listed(client, key, tx_id) is None  # no longer open
    assert listed(client, key, tx_id, status="resolved", resolution="block") == done
    assert listed(client, key, tx_id, status="all") == done
    assert listed(client, key, tx_id, status="resolved", resolution="pass") is None
    after = client.get(f"/transactions/{tx_id}", headers=auth(key)).json()
    assert after["resolution"] == resolution | {"on": after["resolution"]["on"]}
    assert {a["status"] for a in after["alerts"]} == {"true-match"}
    assert client.get("/ledger/check", headers=auth(key)).json()["ok"] is True


def test_resolving_twice_is_a_409_with_the_clis_message_and_changes_nothing(
    client: TestClient, keys: dict[str, str], api_engine: Engine
) -> None:
    tx_id = held(client, keys["analyst"])["id"]
    assert resolve(client, keys["analyst"], tx_id, {"as": "block", "note": "confirmed"}).status_code == 200
    before = written(api_engine)
    for decision in ("block", "pass"):
        again = resolve(client, keys["admin"], tx_id, {"as": decision, "note": "once more"})
        assert again.status_code == 409
        assert again.json()["detail"] == f"transaction {tx_id} was already resolved as block by {ANALYST}"
    assert written(api_engine) == before


@pytest.mark.parametrize(
    ("decision", "alerts", "action"), [("pass", "false-positive", "tx.release"), ("reject", "true-match", "tx.reject")]
)
def test_pass_and_reject_close_the_alerts_and_block_nothing(
    client: TestClient, keys: dict[str, str], api_engine: Engine, decision: str, alerts: str, action: str
) -> None:
    tx_id = held(client, keys["analyst"])["id"]
    properties = written(api_engine)[1]
    done = resolve(client, keys["admin"], tx_id, {"as": decision, "note": "checked the register"}).json()
    assert (done["status"], done["resolution"]["decision"], done["resolution"]["property"]) == (
        "resolved", decision, None,
    )  # fmt: skip
    assert done["resolution"]["by"] == "api-key:test-admin"
    assert written(api_engine)[1] == properties
    shown = client.get(f"/transactions/{tx_id}", headers=auth(keys["analyst"])).json()
    assert {a["status"] for a in shown["alerts"]} == {alerts}
    trail = [(e["action"], e["actor"]) for e in events(api_engine) if e["subject"] == f"tx/{tx_id}"]
    assert trail[-1] == (action, "api-key:test-admin")
    assert listed(client, keys["analyst"], tx_id, status="resolved", resolution=decision) == done


@pytest.mark.parametrize(("beneficiary", "decision"), [(CLEAN, "pass"), (CUBA_BANK, "block")])
def test_a_transaction_that_was_not_held_cannot_be_resolved(
    client: TestClient, keys: dict[str, str], api_engine: Engine, beneficiary: dict[str, str], decision: str
) -> None:
    body = tx("not-held", beneficiary=beneficiary)
    assert screen(client, keys["analyst"], body).json()["decision"] == decision
    before = written(api_engine)
    response = resolve(client, keys["analyst"], body["id"], {"as": "pass", "note": "release it"})
    assert response.status_code == 409
    assert response.json()["detail"] == (
        f"transaction {body['id']} was decided {decision} at screening; only held ones are resolved"
    )
    assert written(api_engine) == before
    assert listed(client, keys["analyst"], body["id"], status="all") is None
    assert client.get(f"/transactions/{body['id']}", headers=auth(keys["analyst"])).json()["decision"] == decision


def test_an_unknown_transaction_is_a_404(client: TestClient, keys: dict[str, str], api_engine: Engine) -> None:
    before = written(api_engine)
    shown = client.get("/transactions/never-screened", headers=auth(keys["analyst"]))
    assert shown.status_code == 404 and shown.json()["detail"] == "no screened transaction 'never-screened'"
    resolved = resolve(client, keys["analyst"], "never-screened", {"as": "pass", "note": "x"})
    assert resolved.status_code == 404 and "no screened transaction" in resolved.json()["detail"]
    assert written(api_engine) == before


def test_ids_with_slashes_are_reachable(client: TestClient, keys: dict[str, str]) -> None:
    tx_id = f"2026/11/{uuid.uuid4().hex[:10]}"
    held(client, keys["analyst"], tx_id)
    for path in (tx_id, tx_id.replace("/", "%2F")):
        assert client.get(f"/transactions/{path}", headers=auth(keys["analyst"])).json()["output"]["id"] == tx_id
    done = resolve(client, keys["analyst"], tx_id, {"as": "pass", "note": "a customer of ours"})
    assert done.status_code == 200 and done.json()["id"] == tx_id


def test_the_screening_is_what_proscribe_tx_show_prints(
    client: TestClient, keys: dict[str, str], api_settings: ApiSettings
) -> None:
    tx_id = held(client, keys["analyst"])["id"]
    assert resolve(client, keys["analyst"], tx_id, {"as": "reject", "note": "confirmed"}).status_code == 200
    home = api_settings.store.home
    shown = run_cli(["tx", "show", tx_id, "--json"], home, api_settings.store.database_url)
    assert shown.exit_code == 0, shown.stderr
    assert client.get(f"/transactions/{tx_id}", headers=auth(keys["analyst"])).json() == shown.json()


def test_a_hold_resolved_at_the_command_line_is_shown_resolved(
    client: TestClient, keys: dict[str, str], api_settings: ApiSettings
) -> None:
    tx_id = held(client, keys["analyst"])["id"]
    store = api_settings.store
    done = run_cli(["tx", "resolve", tx_id, "--as", "pass", "--note", "known customer", "--actor", "jo"], store.home,
                   store.database_url)  # fmt: skip
    assert done.exit_code == 0, done.stderr
    item = listed(client, keys["analyst"], tx_id, status="resolved")
    assert item is not None and item["resolution"]["by"] == "jo"
    again = resolve(client, keys["analyst"], tx_id, {"as": "block", "note": "no"})
    assert again.status_code == 409 and again.json()["detail"].endswith("already resolved as pass by jo")


def test_the_queue_is_oldest_first_a_page_at_a_time(client: TestClient, keys: dict[str, str]) -> None:
    key = keys["analyst"]
    ours = [held(client, key)["id"] for _ in range(3)]
    everything = queue(client, key, status="all")
    ids = [h["id"] for h in everything["holds"]]
    assert everything["total"] == len(ids) and [i for i in ids if i in ours] == ours
    assert all(h["status"] == "open" for h in queue(client, key)["holds"])
    start = ids.index(ours[0])
    pages = [queue(client, key, status="all", limit=1, offset=start + n) for n in range(3)]
    assert [p["holds"][0]["id"] for p in pages] == ours
    assert all(p["total"] == everything["total"] for p in pages)
    assert queue(client, key, status="all", offset=len(ids))["holds"] == []


@pytest.mark.parametrize(
    "params",
    [{"status": "closed"}, {"resolution": "release"}, {"limit": 0}, {"limit": 1001}, {"offset": -1},
     {"limit": "ten"}, [("status", "open"), ("status", "all")]],
)  # fmt: skip
def test_a_bad_queue_query_is_a_422(client: TestClient, keys: dict[str, str], params: Any) -> None:
    response = client.get("/transactions/holds", params=params, headers=auth(keys["analyst"]))
    assert response.status_code == 422 and response.json()["detail"]


JUNK = [
    pytest.param(b'{"as": "block", ', "", id="not-json"),
    pytest.param(b'["block", "why"]', "", id="not-an-object"),
    pytest.param(b'{"as": "BLOCK", "note": "why"}', "'pass', 'reject' or 'block'", id="unknown-resolution"),
    pytest.param(b'{"as": "block"}', "Field required", id="no-note"),
    pytest.param(b'{"as": "block", "note": "  "}', "is blank", id="blank-note"),
    pytest.param(b'{"as": "block", "note": ""}', "at least 1 character", id="empty-note"),
    pytest.param(b'{"as": "block", "note": "a\\u0000b"}', "NUL", id="nul-in-note"),
    pytest.param(b'{"as": "block", "note": "a\\ud800b"}', "unicode", id="lone-surrogate"),
    pytest.param(b'{"as": "block", "note": 7}', "string", id="note-not-text"),
    pytest.param(b'{"as": 1, "note": "why"}', "", id="resolution-not-text"),
    pytest.param(b'{"as_": "block", "note": "why"}', "Extra inputs", id="python-name"),
    pytest.param(b'{"as": "block", "note": "why", "amount": "1"}', "Extra inputs", id="unknown-field"),
    pytest.param(b'{"as": "block", "note": "' + b"x" * 2001 + b'"}', "at most 2000", id="note-too-long"),
]


@pytest.mark.parametrize(("body", "message"), JUNK)
def test_junk_resolutions_are_422_and_the_hold_stays_open(
    client: TestClient, keys: dict[str, str], api_engine: Engine, body: bytes, message: str
) -> None:
    tx_id = held(client, keys["analyst"])["id"]
    before = written(api_engine)
    headers = {**auth(keys["analyst"]), "Content-Type": "application/json"}
    response = client.post(f"/transactions/{tx_id}/resolve", content=body, headers=headers)
    assert response.status_code == 422, response.text
    assert message in response.text
    assert written(api_engine) == before
    assert listed(client, keys["analyst"], tx_id) is not None


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_huge_ids_are_refused_before_any_lookup(
    client: TestClient, keys: dict[str, str], api_engine: Engine, method: str
) -> None:
    before = written(api_engine)
    path = f"/transactions/{'x' * 300}" + ("/resolve" if method == "POST" else "")
    body = {"as": "pass", "note": "x"} if method == "POST" else None
    response = client.request(method, path, json=body, headers=auth(keys["analyst"]))
    assert response.status_code == 422 and "at most 255" in response.text
    assert written(api_engine) == before


def test_a_reader_key_can_neither_see_nor_resolve_holds(
    client: TestClient, keys: dict[str, str], api_engine: Engine
) -> None:
    tx_id = held(client, keys["analyst"])["id"]
    before = written(api_engine)
    for method, path, body in [
        ("GET", "/transactions/holds", None),
        ("GET", f"/transactions/{tx_id}", None),
        ("POST", f"/transactions/{tx_id}/resolve", {"as": "block", "note": "sneaky"}),
    ]:
        response = client.request(method, path, json=body, headers=auth(keys["reader"]))
        assert response.status_code == 403 and "analyst role" in response.json()["detail"]
    assert written(api_engine) == before
    assert listed(client, keys["analyst"], tx_id) is not None


def test_the_document_names_the_field_as_clients_send_it(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    resolve_in = schema["components"]["schemas"]["ResolveIn"]
    assert set(resolve_in["properties"]) == {"as", "note"} and set(resolve_in["required"]) == {"as", "note"}
    assert set(resolve_in["examples"][0]) == {"as", "note"}
    assert {"/transactions/holds", "/transactions/{tx_id}", "/transactions/{tx_id}/resolve"} <= set(schema["paths"])
