"""``GET /search`` and ``POST /screen``: the engine's output contract, and 4xx (never 500) for bad input."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from proscribe.api.models import MAX_BATCH
from proscribe.api.service import ScreeningService
from proscribe.match import Query
from tests.api.conftest import auth

CONTRACT = {"id", "query", "alert", "matches"}
MATCH_FIELDS = {
    "entity_id", "source", "source_id", "schema", "caption", "matched_name", "score", "match", "programs",
    "explanation",
}  # fmt: skip


@pytest.fixture(scope="module")
def reader(keys: dict[str, str]) -> dict[str, str]:
    return auth(keys["reader"])


def test_search_finds_hikvision_in_the_engine_contract(client: TestClient, reader: dict[str, str]) -> None:
    response = client.get("/search", params={"q": "Hikvision", "limit": 3}, headers=reader)
    assert response.status_code == 200
    result = response.json()
    assert set(result) == CONTRACT
    assert result["alert"] is True
    assert result["matches"][0]["entity_id"] == "us_ofac_cons-30946"
    assert set(result["matches"][0]) == MATCH_FIELDS
    assert response.headers["x-request-id"]


def test_screen_answers_exactly_what_the_engine_answers(
    client: TestClient, reader: dict[str, str], service: ScreeningService
) -> None:
    body = {
        "name": "Eric Badege",
        "type": "person",
        "date_of_birth": "1971",
        "country": "Democratic Republic of the Congo",
    }
    response = client.post("/screen", json={**body, "id": "c-17", "limit": 5}, headers=reader)
    assert response.status_code == 200
    expected = service.screener("default").screen(
        Query.build("Eric Badege", "person", "1971", "CD", id="c-17"), limit=5
    )
    assert response.json() == expected.to_dict()


def test_batch_keeps_order_and_ids(client: TestClient, reader: dict[str, str]) -> None:
    queries = [{"name": "Hikvision", "id": "a"}, {"name": "Jane Q Nobody Smithfield", "id": "b"}, {"name": "Huawei"}]
    response = client.post("/screen", json={"queries": queries, "limit": 2}, headers=reader)
    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["query"] for r in results] == ["Hikvision", "Jane Q Nobody Smithfield", "Huawei"]
    assert [r["id"] for r in results] == ["a", "b", None]
    assert all(set(r) == CONTRACT and len(r["matches"]) <= 2 for r in results)


def test_algorithm_and_filters_are_applied(client: TestClient, reader: dict[str, str]) -> None:
    body = {"name": "Hikvision", "algorithm": "ofac", "sources": ["us_fcc_covered"], "schemas": ["company"]}
    matches = client.post("/screen", json=body, headers=reader).json()["matches"]
    assert matches and {m["source"] for m in matches} == {"us_fcc_covered"}


def test_a_full_batch_is_accepted(client: TestClient, reader: dict[str, str]) -> None:
    queries = [{"name": f"Test Person {i}"} for i in range(MAX_BATCH)]
    response = client.post("/screen", json={"queries": queries, "limit": 1}, headers=reader)
    assert response.status_code == 200
    assert len(response.json()["results"]) == MAX_BATCH


@pytest.mark.parametrize(
    "body",
    [
        {"queries": [{"name": "x"}] * (MAX_BATCH + 1)},
        {"queries": []},
        {},
        {"name": ""},
        {"name": "   "},
        {"name": 5},
        {"name": ["Hikvision"]},
        {"name": "Hikvision", "type": "spaceship"},
        {"name": "Hikvision", "country": "Atlantis"},
        {"name": "Hikvision", "date_of_birth": "1971-02-30"},
        {"name": "Hikvision", "date_of_birth": "sometime"},
        {"name": "Hikvision", "threshold": 2},
        {"name": "Hikvision", "limit": 0},
        {"name": "Hikvision", "algorithm": "magic"},
        {"name": "Hikvision", "unexpected": True},
        {"name": "x" * 501},
        {"queries": [{"name": "ok"}, {"name": 3}]},
        {"queries": "Hikvision"},
        [{"name": "Hikvision"}],
        "Hikvision",
        None,
    ],
)
def test_invalid_bodies_are_422(client: TestClient, reader: dict[str, str], body: object) -> None:
    response = client.post("/screen", json=body, headers=reader)
    assert response.status_code == 422, response.text
    assert response.json()["detail"]


@pytest.mark.parametrize(
    ("content", "content_type"),
    [(b"{not json", "application/json"), (b"", "application/json"), (b"\xff\xfe", "application/json"),
     (b"name=Hikvision", "application/x-www-form-urlencoded"), (b'{"name": "Hikvision"}', "text/plain")],
)  # fmt: skip
def test_unreadable_bodies_are_4xx(
    client: TestClient, reader: dict[str, str], content: bytes, content_type: str
) -> None:
    response = client.post("/screen", content=content, headers={**reader, "Content-Type": content_type})
    assert 400 <= response.status_code < 500, response.text


def test_oversize_body_is_413(app_factory: Callable[..., object], keys: dict[str, str]) -> None:
    body = b'{"name": "' + b"x" * 5000 + b'"}'
    with TestClient(app_factory(max_body_bytes=2048)) as small:  # type: ignore[arg-type]
        declared = small.post(
            "/screen", content=body, headers={**auth(keys["reader"]), "Content-Type": "application/json"}
        )
        streamed = small.post(
            "/screen", content=iter([body[:1000], body[1000:]]),
            headers={**auth(keys["reader"]), "Content-Type": "application/json"},
        )  # fmt: skip
    assert declared.status_code == 413
    assert streamed.status_code == 413


@pytest.mark.parametrize(
    "params",
    [{}, {"q": ""}, {"q": "Hikvision", "limit": "many"}, {"q": "Hikvision", "type": "spaceship"},
     {"q": "Hikvision", "country": "Atlantis"}, {"q": "Hikvision", "threshold": "-1"}],
)  # fmt: skip
def test_invalid_search_parameters_are_422(client: TestClient, reader: dict[str, str], params: dict[str, str]) -> None:
    assert client.get("/search", params=params, headers=reader).status_code == 422


def test_screening_before_the_index_is_loaded_is_503(
    app_factory: Callable[..., object], keys: dict[str, str], service: ScreeningService
) -> None:
    empty = ScreeningService(service.store, service.engine)
    from proscribe.api.app import create_app

    app = create_app(app_factory().state.api.settings, empty)  # type: ignore[attr-defined]
    bare = TestClient(app)  # no lifespan: the index is never loaded
    response = bare.get("/search", params={"q": "Hikvision"}, headers=auth(keys["reader"]))
    assert response.status_code == 503
    assert response.headers["retry-after"]
    assert bare.get("/readyz").status_code == 503
    assert bare.get("/healthz").json() == {"status": "ok"}


def test_a_repeated_single_value_parameter_is_refused(client: TestClient, reader: dict[str, str]) -> None:
    twice = client.get("/search", params=[("q", "Hikvision"), ("q", "Dahua")], headers=reader)
    assert twice.status_code == 422 and "'q' is given more than once" in twice.text
    many = client.post(
        "/match/default",
        params=[("include_dataset", "us_ofac_cons"), ("include_dataset", "un_sc")],
        json={"queries": {"q1": {"schema": "Company", "properties": {"name": ["Hikvision"]}}}},
        headers=reader,
    )
    assert many.status_code == 200
