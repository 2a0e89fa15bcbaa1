"""The blocked-property ledger and OFAC's reports over the API: analysts' work, every change audited."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from tests.api.conftest import audit_count, auth
from tests.api.test_transactions import CUBA_BANK, events, screen, tx


def block(client: TestClient, key: str, amount: str = "1250.00") -> dict[str, Any]:
    """A payment to an SDN-listed bank, screened through the API: the property it put into the ledger."""
    body = tx("ledger", beneficiary=CUBA_BANK, amount=amount)
    assert screen(client, key, body).json()["decision"] == "block"
    return next(p for p in client.get("/ledger", headers=auth(key)).json() if p["tx_id"] == body["id"])


def change(client: TestClient, key: str, reference: str, kind: str, body: dict[str, Any]) -> Any:
    return client.post(f"/ledger/{reference}/{kind}", json=body, headers=auth(key))


def test_interest_release_and_unblock_keep_the_balance_and_the_trail(
    client: TestClient, keys: dict[str, str], api_engine: Engine
) -> None:
    held = block(client, keys["analyst"])
    ref = held["reference"]
    assert change(client, keys["analyst"], ref, "interest", {"amount": "10.00", "note": "Q3"}).json() == {
        "reference": ref, "kind": "interest", "balance": "1260.00",
    }  # fmt: skip
    released = change(client, keys["analyst"], ref, "release", {"amount": "260.00", "licence": "OFAC-2026-17"})
    assert released.json()["balance"] == "1000.00"
    too_much = change(client, keys["analyst"], ref, "release", {"amount": "1000.01", "licence": "OFAC-2026-18"})
    assert too_much.status_code == 409 and "exceeds the blocked balance of 1000.00" in too_much.json()["detail"]
    unblocked = change(client, keys["admin"], ref, "unblock", {"notice": "86 FR 12345"})
    assert unblocked.json()["balance"] == "0.00"
    closed = change(client, keys["analyst"], ref, "interest", {"amount": "1"})
    assert closed.status_code == 409 and "closed record" in closed.json()["detail"]

    shown = client.get(f"/ledger/{ref.lower()}", headers=auth(keys["analyst"])).json()
    assert shown["property"]["status"] == "unblocked" and shown["property"]["released"] == "1260.00"
    assert [(e["kind"], e["amount"], e["reference"], e["actor"]) for e in shown["events"]] == [
        ("blocked", "1250.00", held["tx_id"], "api-key:test-analyst"),
        ("interest", "10.00", None, "api-key:test-analyst"),
        ("release", "260.00", "OFAC-2026-17", "api-key:test-analyst"),
        ("unblock", "1000.00", "86 FR 12345", "api-key:test-admin"),
    ]
    trail = [(e["action"], e["actor"]) for e in events(api_engine) if e["subject"] == f"property/{ref}"]
    assert trail == [
        ("ledger.interest", "api-key:test-analyst"), ("ledger.release", "api-key:test-analyst"),
        ("ledger.unblock", "api-key:test-admin"),
    ]  # fmt: skip
    check = client.get("/ledger/check", headers=auth(keys["analyst"])).json()
    assert check["ok"] is True and check["problems"] == []


def test_as_of_shows_the_ledger_on_that_day(client: TestClient, keys: dict[str, str]) -> None:
    held = block(client, keys["analyst"])
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    earlier = client.get("/ledger", params={"as_of": yesterday}, headers=auth(keys["analyst"])).json()
    assert held["reference"] not in {p["reference"] for p in earlier}
    today = client.get("/ledger", params={"as_of": date.today().isoformat()}, headers=auth(keys["analyst"])).json()
    assert held["reference"] in {p["reference"] for p in today}


@pytest.mark.parametrize(
    ("kind", "body", "status", "message"),
    [("release", {"amount": "5"}, 422, "licence"),
     ("release", {"amount": "5", "licence": "  "}, 422, "blank"),
     ("release", {"amount": "0", "licence": "L"}, 422, "greater than zero"),
     ("release", {"amount": "1e3", "licence": "L"}, 422, "is not a number"),
     ("interest", {"amount": "5", "on": "2026-02-30"}, 422, "not a calendar date"),
     ("interest", {"amount": "5", "on": "2999-01-01"}, 422, "in the future"),
     ("interest", {"amount": "5", "on": "2000-01-01"}, 409, "before the property's last event"),
     ("interest", {"amount": "5", "colour": "red"}, 422, "Extra inputs"),
     ("interest", {"amount": True}, 422, ""),
     ("unblock", {}, 422, "notice"),
     ("unblock", {"notice": "N\x00"}, 422, "NUL")],
)  # fmt: skip
def test_bad_ledger_changes_are_refused_and_write_nothing(
    client: TestClient, keys: dict[str, str], api_engine: Engine, kind: str, body: Any, status: int, message: str
) -> None:
    ref = block(client, keys["analyst"])["reference"]
    before = audit_count(api_engine)
    response = change(client, keys["analyst"], ref, kind, body)
    assert response.status_code == status, response.text
    assert message in str(response.json()["detail"])
    assert audit_count(api_engine) == before


@pytest.mark.parametrize(
    ("path", "status"),
    [("/ledger/BP-999999999", 404), ("/ledger/BP-x", 422), ("/ledger/12-3", 422), ("/ledger?as_of=2026-13-01", 422),
     ("/ledger?as_of=yesterday", 422)],
)  # fmt: skip
def test_unknown_properties_and_bad_days_are_4xx(
    client: TestClient, keys: dict[str, str], path: str, status: int
) -> None:
    response = client.get(path, headers=auth(keys["analyst"]))
    assert response.status_code == status and response.json()["detail"]


def test_unknown_property_change_is_404(client: TestClient, keys: dict[str, str], api_engine: Engine) -> None:
    before = audit_count(api_engine)
    response = change(client, keys["analyst"], "BP-999999999", "release", {"amount": "1", "licence": "L"})
    assert response.status_code == 404 and "no blocked property BP-999999999" in response.json()["detail"]
    assert audit_count(api_engine) == before


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_blocked_and_reject_reports_as_csv_and_pdf(client: TestClient, keys: dict[str, str]) -> None:
    held = block(client, keys["analyst"])
    rejected = tx("rep-iran", beneficiary={"name": "Isabella Joaquin Torres", "country": "IR"})
    assert screen(client, keys["analyst"], rejected).json()["decision"] == "reject"
    today = date.today().isoformat()

    report = client.get("/reports/blocked", params={"from": today, "to": today}, headers=auth(keys["analyst"]))
    assert report.status_code == 200 and report.headers["content-type"].startswith("text/csv")
    assert report.headers["content-disposition"] == 'attachment; filename="blocked_property_reports.csv"'
    record = next(r for r in rows(report.text) if r["reference"] == held["reference"])
    assert (record["owner_id"], record["amount"], record["unit"], record["tx_id"]) == (
        "us_ofac_sdn-306", "1250.00", "USD", held["tx_id"],
    )  # fmt: skip
    assert record["report_due"] > today and int(report.headers["x-report-records"]) >= 1

    reject = client.get("/reports/reject", headers=auth(keys["analyst"]))
    assert any(r["tx_id"] == rejected["id"] and r["currency"] == "USD" for r in rows(reject.text))
    pdf = client.get("/reports/reject", params={"format": "pdf"}, headers=auth(keys["admin"]))
    assert pdf.headers["content-type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    before = client.get("/reports/blocked", params={"to": "2000-01-01"}, headers=auth(keys["analyst"]))
    assert rows(before.text) == [] and before.headers["x-report-records"] == "0"


def test_annual_report(client: TestClient, keys: dict[str, str]) -> None:
    response = client.get("/reports/annual", params={"year": 2026}, headers=auth(keys["analyst"]))
    assert response.status_code == 200
    assert response.headers["content-disposition"] == 'attachment; filename="annual_blocked_property.csv"'
    assert response.text.startswith("reference,owner,owner_id,programs")
    pdf = client.get("/reports/annual", params={"year": 2026, "format": "pdf"}, headers=auth(keys["analyst"]))
    assert pdf.content.startswith(b"%PDF")


@pytest.mark.parametrize(
    "path",
    ["/reports/blocked?from=2026-02-30", "/reports/blocked?from=2026-11-02&to=2026-11-01", "/reports/reject?to=soon",
     "/reports/reject?format=xlsx", "/reports/annual", "/reports/annual?year=1066", "/reports/annual?year=x",
     "/reports/blocked?from=2026-01-01&from=2026-02-01"],
)  # fmt: skip
def test_bad_report_requests_are_422(client: TestClient, keys: dict[str, str], path: str) -> None:
    response = client.get(path, headers=auth(keys["analyst"]))
    assert response.status_code == 422 and response.json()["detail"]
