"""``/healthz``, ``/readyz`` and ``/metrics``: open to the orchestrator and the scraper, without a key.

``/healthz`` says the process answers; ``/readyz`` says it can screen (an index
with entities is loaded), so a load balancer sends traffic only to workers
that will not answer 503.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import Response

from proscribe.api import metrics
from proscribe.api.context import ApiContext, api, json_response
from proscribe.api.models import ErrorOut, StatusOut

router = APIRouter(tags=["Service"])


@router.get("/healthz", response_model=StatusOut, summary="Liveness")
async def healthz() -> StatusOut:
    """The process is up and answering."""
    return StatusOut(status="ok")


@router.get(
    "/readyz",
    response_model=StatusOut,
    responses={503: {"model": ErrorOut, "description": "Not ready: the detail says why."}},
    summary="Readiness",
)
async def readyz(context: Annotated[ApiContext, Depends(api)]) -> Response:
    """Ready when the screening index is loaded and holds entities; 503 with the reason otherwise."""
    service = context.service
    if service.ready:
        return json_response({"status": "ok"})
    if service.snapshot is not None:
        reason = "no lists are loaded: run `proscribe lists update` or `proscribe lists import FOLDER`"
    else:
        reason = service.problem or "the screening index is still loading"
    return json_response({"detail": reason}, status=503)


@router.get(
    "/metrics",
    response_class=Response,
    responses={200: {"content": {"text/plain": {}}, "description": "Prometheus exposition format."}},
    summary="Prometheus metrics",
)
async def prometheus(context: Annotated[ApiContext, Depends(api)]) -> Response:
    """Request counts and latencies by route, names screened, refusals, and the index size."""
    snapshot = context.service.snapshot
    metrics.INDEX_ENTITIES.set(snapshot.status.entities if snapshot else 0)
    body, content_type = metrics.render()
    return Response(body, media_type=content_type)
