"""``GET /search`` and ``POST /screen``: names in, the engine's screening output contract out.

Screening runs on the worker's event loop: one name takes well under a
millisecond, far less than handing it to a thread would cost. A batch yields
to the loop every few names so one client's 1,000 names never hold up other
clients' single checks for long.
"""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from pydantic import ValidationError

from proscribe.api import metrics
from proscribe.api.auth import require
from proscribe.api.context import ApiContext, api, json_response, screener
from proscribe.api.models import (
    DATE_PATTERN,
    MAX_NAME,
    Algorithm,
    BatchScreenRequest,
    BatchScreenResultOut,
    EntityType,
    ScreenOptions,
    ScreenQuery,
    ScreenRequest,
    ScreenResultOut,
    SingleScreenRequest,
)
from proscribe.api.routers.common import errors
from proscribe.match import Query as EngineQuery
from proscribe.match import Screener

router = APIRouter(tags=["Screening"], dependencies=[Depends(require("reader"))])
YIELD_EVERY = 25


def screen_one(engine: Screener, query: ScreenQuery, options: ScreenOptions) -> dict[str, Any]:
    """One query through the engine, as the engine's contract dict."""
    built = EngineQuery.build(query.name, query.type, query.date_of_birth, query.country, query.id_number, query.id)
    result = engine.screen(
        built,
        threshold=options.threshold,
        limit=options.limit,
        sources=options.sources,
        programs=options.programs,
        schemas=options.schemas,
    )
    return result.to_dict()


async def _search_request(
    q: Annotated[str, Query(min_length=1, max_length=MAX_NAME, description="The name to screen.")],
    type: Annotated[EntityType | None, Query(description="person, organization, vessel or aircraft.")] = None,
    date_of_birth: Annotated[
        str | None, Query(pattern=DATE_PATTERN, description="YYYY, YYYY-MM or YYYY-MM-DD.")
    ] = None,
    country: Annotated[str | None, Query(max_length=64, description="ISO code or English name.")] = None,
    id_number: Annotated[str | None, Query(max_length=255)] = None,
    threshold: Annotated[float | None, Query(ge=0.0, le=1.0)] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 10,
    algorithm: Annotated[Algorithm, Query()] = "default",
    sources: Annotated[list[str], Query(max_length=50, description="Only these lists (repeatable).")] = [],  # noqa: B006
    programs: Annotated[list[str], Query(max_length=50, description="Only these programs (repeatable).")] = [],  # noqa: B006
    schemas: Annotated[list[EntityType], Query(max_length=9, description="Only these types (repeatable).")] = [],  # noqa: B006
) -> SingleScreenRequest:
    """The query string read into the model ``POST /screen`` takes, so both validate alike (async: no thread hop)."""
    fields: dict[str, Any] = {
        "name": q, "type": type, "date_of_birth": date_of_birth, "country": country, "id_number": id_number,
        "threshold": threshold, "limit": limit, "algorithm": algorithm, "sources": sources or None,
        "programs": programs or None, "schemas": schemas or None,
    }  # fmt: skip
    try:
        return SingleScreenRequest(**fields)
    except ValidationError as error:
        raise RequestValidationError([{**e, "loc": ("query", _parameter(e["loc"]))} for e in error.errors()]) from None


def _parameter(loc: tuple[int | str, ...]) -> str:
    """The query parameter a model field came from (the model calls ``q`` ``name``)."""
    field = str(loc[0]) if loc else "q"
    return "q" if field == "name" else field


@router.get("/search", response_model=ScreenResultOut, responses=errors(403, 503), summary="Screen one name")
async def search(
    request: Annotated[SingleScreenRequest, Depends(_search_request)],
    context: Annotated[ApiContext, Depends(api)],
) -> Response:
    """Screen one name given in the query string; the answer is the engine's result for that name."""
    engine = screener(context, request.algorithm)
    metrics.SCREENED.labels(endpoint="search").inc()
    return json_response(screen_one(engine, request, request))


@router.post(
    "/screen",
    response_model=ScreenResultOut | BatchScreenResultOut,
    responses=errors(403, 503),
    summary="Screen one name, or a batch of up to 1,000",
)
async def screen(body: ScreenRequest, context: Annotated[ApiContext, Depends(api)]) -> Response:
    """One query (``{"name": ...}``) gets one result; ``{"queries": [...]}`` gets ``{"results": [...]}`` in order."""
    engine = screener(context, body.algorithm)
    if isinstance(body, BatchScreenRequest):
        results = []
        for number, query in enumerate(body.queries, start=1):
            results.append(screen_one(engine, query, body))
            if number % YIELD_EVERY == 0:
                await asyncio.sleep(0)
        metrics.SCREENED.labels(endpoint="screen").inc(len(results))
        return json_response({"results": results})
    metrics.SCREENED.labels(endpoint="screen").inc()
    return json_response(screen_one(engine, body, body))
