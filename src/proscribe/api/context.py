"""What every route needs from the running service, held on ``app.state`` and fetched per request."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from fastapi import HTTPException, Request
from fastapi.responses import Response
from sqlalchemy import Engine

from proscribe.api.auth import KeyCache, RateLimiter
from proscribe.api.enforcement import EnforcementService
from proscribe.api.service import NotReady, ScreeningService
from proscribe.api.settings import ApiSettings
from proscribe.match import Screener


@dataclass(slots=True)
class ApiContext:
    settings: ApiSettings
    engine: Engine
    service: ScreeningService
    keys: KeyCache
    limiter: RateLimiter
    enforcement: EnforcementService


async def api(request: Request) -> ApiContext:
    """The running service's parts (async, so resolving it never costs a thread hop)."""
    found = request.app.state.api
    assert isinstance(found, ApiContext)
    return found


def screener(context: ApiContext, algorithm: str) -> Screener:
    """The loaded screener, or a 503 that says why there is none yet."""
    try:
        return context.service.screener(algorithm)
    except NotReady as error:
        raise HTTPException(503, str(error), headers={"Retry-After": "5"}) from error


def json_response(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    """A JSON response from plain data, skipping a second validation of what the engine already built."""
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return Response(body.encode(), status_code=status, media_type="application/json", headers=headers)
