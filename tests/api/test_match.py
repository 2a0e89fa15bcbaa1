"""``POST /match/{dataset}`` in yente's shapes: requests as yente's documentation writes them, and yente-client."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import pytest
import uvicorn
from fastapi.testclient import TestClient

from proscribe.api.app import create_app
from proscribe.api.service import ScreeningService
from proscribe.api.settings import ApiSettings
from tests.api.conftest import auth

HIKVISION = "us_ofac_cons-30946"
UN_PERSON = "un_sc-CDi.001"  # ERIC BADEGE, born 1971, Congolese: on the UN list

# The body as yente's documentation shows it: one Company and one Person example under the caller's keys.
YENTE_BODY = {
    "queries": {
        "entity1": {"schema": "Company", "properties": {"name": ["Hikvision"], "jurisdiction": ["cn"]}},
        "entity2": {
            "schema": "Person",
            "properties": {"name": ["Eric Badege"], "birthDate": ["1971"], "nationality": ["cd"]},
        },
    }
}
RESULT_FIELDS = {
    "id", "caption", "schema", "properties", "datasets", "referents", "target", "first_seen", "last_seen",
    "last_change", "score", "features", "explanations", "match", "token",
}  # fmt: skip


def test_yente_documented_request_gets_yente_shape(client: TestClient, keys: dict[str, str]) -> None:
    response = client.post(
        "/match/default", json=YENTE_BODY, params={"threshold": 0.7, "limit": 5, "algorithm": "logic-v1"},
        headers=auth(keys["reader"], "ApiKey"),
    )  # fmt: skip
    assert response.status_code == 200, response.text
    data = response.json()
    assert set(data) == {"responses", "limit"}
    assert data["limit"] == 5
    assert response.headers["x-batch-size"] == "2"
    for key, expected in (("entity1", HIKVISION), ("entity2", UN_PERSON)):
        answer = data["responses"][key]
        assert set(answer) == {"status", "results", "total", "query"}
        assert answer["status"] == 200
        assert answer["total"] == {"value": len(answer["results"]), "relation": "eq"}
        top = answer["results"][0]
        assert set(top) == RESULT_FIELDS
        assert top["id"] == expected
        assert top["match"] is True and top["score"] >= 0.7
        assert top["explanations"]["name"]["candidate"]
        assert all(isinstance(v, list) for v in top["properties"].values())
    person = data["responses"]["entity2"]["results"][0]
    assert person["schema"] == "Person"
    assert person["datasets"] == ["un_sc"]
    assert "1971" in person["properties"]["birthDate"]
    assert data["responses"]["entity2"]["query"] == YENTE_BODY["queries"]["entity2"] | {"id": None}


def test_first_and_last_name_parts_are_matched(client: TestClient, keys: dict[str, str]) -> None:
    body = {"queries": {"q": {"schema": "Person", "properties": {"firstName": ["Eric"], "lastName": ["Badege"]}}}}
    results = client.post("/match/un_sc", json=body, headers=auth(keys["reader"])).json()["responses"]["q"]["results"]
    assert results[0]["id"] == UN_PERSON


def test_dataset_and_filters_narrow_the_lists(client: TestClient, keys: dict[str, str]) -> None:
    body = {"queries": {"q": {"schema": "LegalEntity", "properties": {"name": "Hikvision"}}}}
    only_fcc = client.post("/match/us_fcc_covered", json=body, headers=auth(keys["reader"])).json()
    assert {r["datasets"][0] for r in only_fcc["responses"]["q"]["results"]} <= {"us_fcc_covered"}
    params = {"exclude_dataset": "us_ofac_cons", "exclude_entity_ids": HIKVISION}
    without = client.post("/match/default", json=body, params=params, headers=auth(keys["reader"])).json()
    assert HIKVISION not in [r["id"] for r in without["responses"]["q"]["results"]]
    people_only = client.post(
        "/match/default", json=body, params={"exclude_schema": "Organization"}, headers=auth(keys["reader"])
    ).json()
    assert people_only["responses"]["q"]["results"] == []


@pytest.mark.parametrize(
    ("path", "params", "body", "status"),
    [
        ("/match/no_such_list", {}, YENTE_BODY, 404),
        ("/match/default", {"algorithm": "magic"}, YENTE_BODY, 400),
        ("/match/default", {}, {"queries": {}}, 400),
        ("/match/default", {}, {"queries": {"q": {"schema": "Document", "properties": {"name": ["x"]}}}}, 400),
        ("/match/default", {}, {"queries": {"q": {"schema": "Person", "properties": {"birthDate": ["1971"]}}}}, 400),
        ("/match/default", {}, {"queries": {"q": {"schema": "Person"}}}, 422),
        ("/match/default", {}, {"queries": [{"schema": "Person", "properties": {}}]}, 422),
        ("/match/default", {"limit": 0}, YENTE_BODY, 422),
        ("/match/default", {}, {"queries": {f"q{i}": YENTE_BODY["queries"]["entity1"] for i in range(1001)}}, 422),
    ],
)
def test_bad_match_requests_are_4xx(
    client: TestClient, keys: dict[str, str], path: str, params: dict[str, str], body: object, status: int
) -> None:
    response = client.post(path, json=body, params=params, headers=auth(keys["reader"]))
    assert response.status_code == status, response.text
    assert response.json()["detail"]


def test_algorithms_lists_what_match_accepts(client: TestClient, keys: dict[str, str]) -> None:
    data = client.get("/algorithms", headers=auth(keys["reader"])).json()
    assert data["default"] == data["best"] == "default"
    assert {a["name"] for a in data["algorithms"]} == {"default", "ofac"}


@pytest.fixture(scope="module")
def live_url(api_settings: ApiSettings, service: ScreeningService) -> Iterator[str]:
    """The app served by uvicorn on a loopback port, as a yente client would reach it."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(create_app(api_settings, service), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


def test_yente_client_works_unchanged(live_url: str, keys: dict[str, str]) -> None:
    yente_client = pytest.importorskip("yente_client")
    with yente_client.Client(base_url=live_url, api_key=keys["reader"], app_name="proscribe-tests") as client:
        company = client.match(yente_client.Company(name="Hikvision"), datasets=["default"], threshold=0.7)
        person = client.match(
            yente_client.Person(firstName="Eric", lastName="Badege", birthDate="1971", nationality="cd"),
            algorithm="logic-v2",
            limit=3,
        )
    assert company.top is not None and company.top.id == HIKVISION
    assert company.top.match and company.top.explanations["name"].candidate
    assert person.top is not None and person.top.id == UN_PERSON
    assert person.top.schema_ == "Person"
