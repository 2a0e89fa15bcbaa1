"""``POST /match/{dataset}`` and ``GET /algorithms`` in yente's shapes, for clients written for yente.

The dataset in the path is ``default`` (or ``sanctions``) for every loaded
list, or one list's key (``us_ofac_sdn``, ``un_sc`` ...); ``include_dataset``
and ``exclude_dataset`` narrow it further. Each example's names are screened
one by one and each listed entity keeps its best score. yente's algorithm
names are accepted and served by proscribe's default algorithm (``ofac``
selects OFAC's published method), so a client pinned to ``logic-v1`` keeps
working.
"""

from __future__ import annotations

import asyncio
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Path, Query
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response

from proscribe.api import metrics
from proscribe.api.auth import require
from proscribe.api.context import ApiContext, api, json_response, screener
from proscribe.api.routers.common import errors
from proscribe.api.yente import (
    SCHEMA_TYPES,
    ExampleError,
    ParsedExample,
    best_per_entity,
    parse_example,
    scored_entity,
)
from proscribe.api.yente import topics as list_topics
from proscribe.api.yente_models import AlgorithmOut, AlgorithmsOut, EntityMatchQuery, EntityMatchResponse
from proscribe.match import Match, Screener
from proscribe.match import Query as EngineQuery

router = APIRouter(tags=["Matching (yente-compatible)"], dependencies=[Depends(require("reader"))])

COLLECTIONS = ("default", "sanctions")
ALGORITHM_NAMES = {
    "default": "default", "best": "default", "logic-v1": "default", "logic-v2": "default",
    "name-based": "default", "name-qualified": "default", "regression-v1": "default",
    "regression-v2": "default", "ofac": "ofac",
}  # fmt: skip
DEFAULT_LIMIT = 5
MAX_LIMIT = 500


def allowed_sources(
    dataset: str, loaded: list[str], include: list[str], exclude: list[str], wanted_topics: list[str]
) -> list[str]:
    """The lists a request may match against; a 404 for a dataset this service does not hold."""
    if dataset in COLLECTIONS:
        sources = list(loaded)
    elif dataset in loaded:
        sources = [dataset]
    else:
        raise HTTPException(404, "No such dataset.")
    if include:
        sources = [s for s in sources if s in include]
    if wanted_topics:
        sources = [s for s in sources if set(list_topics(s)) & set(wanted_topics)]
    return [s for s in sources if s not in exclude]


def allowed_types(example: ParsedExample, excluded_schemas: list[str]) -> tuple[str, ...] | None:
    """The entity types an example may match, after ``exclude_schema``."""
    removed = {kind for schema in excluded_schemas for kind in (SCHEMA_TYPES.get(schema) or ())}
    if example.types is None and not removed:
        return None
    base = example.types or ("person", "organization", "vessel", "aircraft")
    return tuple(kind for kind in base if kind not in removed)


def match_example(
    engine: Screener, example: ParsedExample, sources: list[str], types: tuple[str, ...] | None,
    threshold: float | None, cutoff: float | None, limit: int, excluded: set[str],
) -> list[tuple[Match, str]]:  # fmt: skip
    """Every name of one example through the engine; each entity's best match, best first."""
    if not sources or (types is not None and not types):
        return []
    results = []
    for name in example.names:
        query = EngineQuery.build(name, example.query_type, example.date_of_birth, example.country, example.id_number)
        found = engine.screen(
            query, threshold=threshold, limit=limit + len(excluded), min_score=cutoff,
            sources=sources, schemas=list(types) if types else None,
        )  # fmt: skip
        results.append((name, found.matches))
    return [pair for pair in best_per_entity(results) if pair[0].entity_id not in excluded][:limit]


@router.post(
    "/match/{dataset}",
    response_model=EntityMatchResponse,
    responses=errors(400, 403, 404, 503),
    summary="Query by example (yente's matcher)",
)
async def match(
    body: EntityMatchQuery,
    context: Annotated[ApiContext, Depends(api)],
    dataset: Annotated[str, Path(max_length=64, description="default, sanctions, or one list's key.")],
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Results per query.")] = DEFAULT_LIMIT,
    threshold: Annotated[float | None, Query(ge=0.0, le=1.0, description="Match threshold.")] = None,
    cutoff: Annotated[float | None, Query(ge=0.0, le=1.0, description="Drop results scoring below.")] = None,
    algorithm: Annotated[str, Query(max_length=32, description="default or ofac; yente's names map to default.")] = (
        "default"
    ),
    include_dataset: Annotated[list[str], Query(max_length=50)] = [],  # noqa: B006 - FastAPI copies defaults
    exclude_dataset: Annotated[list[str], Query(max_length=50)] = [],  # noqa: B006
    exclude_schema: Annotated[list[str], Query(max_length=10)] = [],  # noqa: B006
    exclude_entity_ids: Annotated[list[str], Query(max_length=50)] = [],  # noqa: B006
    topics: Annotated[list[str], Query(max_length=20)] = [],  # noqa: B006
    changed_since: Annotated[str | None, Query(max_length=40, description="Accepted; not applied.")] = None,
) -> Response:
    """Match entities described by example, each under the caller's own key, answered in yente's shape."""
    if algorithm not in ALGORITHM_NAMES:
        raise HTTPException(400, f"Invalid algorithm {algorithm!r}; use one of {', '.join(ALGORITHM_NAMES)}")
    if not body.queries:
        raise HTTPException(400, "No queries provided.")
    engine = screener(context, ALGORITHM_NAMES[algorithm])
    snapshot = context.service.snapshot
    loaded = sorted(snapshot.editions) if snapshot else []
    sources = allowed_sources(dataset, loaded, include_dataset, exclude_dataset, topics)
    parsed: dict[str, ParsedExample] = {}
    for key, given in body.queries.items():
        try:
            parsed[key] = parse_example(given.schema_, given.properties)
        except ExampleError as error:
            raise HTTPException(400, f"Cannot parse example entity {key!r}: {error}") from None
    excluded = set(exclude_entity_ids)
    found: dict[str, list[tuple[Match, str]]] = {}
    for key, example in parsed.items():
        types = allowed_types(example, exclude_schema)
        found[key] = match_example(engine, example, sources, types, threshold, cutoff, limit, excluded)
        await asyncio.sleep(0)  # an example can be 20 names: let other requests in between examples
    ids = [m.entity_id for pairs in found.values() for m, _name in pairs]
    entities = (
        context.service.entities(ids)
        if context.service.cached(ids)
        else await run_in_threadpool(context.service.entities, ids)
    )
    responses = {}
    for key, pairs in found.items():
        given = body.queries[key]
        responses[key] = {
            "status": 200,
            "results": [scored_entity(m, entities.get(m.entity_id), name) for m, name in pairs],
            "total": {"value": len(pairs), "relation": "eq"},
            "query": {"id": given.id, "schema": given.schema_, "properties": parsed[key].cleaned},
        }
    metrics.SCREENED.labels(endpoint="match").inc(sum(len(e.names) for e in parsed.values()))
    return json_response({"responses": responses, "limit": limit}, headers={"x-batch-size": str(len(responses))})


@router.get("/algorithms", response_model=AlgorithmsOut, responses=errors(403), summary="Matching algorithms")
async def algorithms() -> AlgorithmsOut:
    """The algorithms ``/match`` and ``/screen`` accept (yente's names are served by ``default``)."""
    return AlgorithmsOut(
        algorithms=[
            AlgorithmOut(name="default", description="proscribe's name matcher with secondary facts and explanations"),
            AlgorithmOut(name="ofac", description="OFAC's published Sanctions List Search method"),
        ],
        default="default",
        best="default",
    )
