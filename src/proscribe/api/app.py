"""The application factory: settings in, a FastAPI app with every router, the gate and the index out.

``create_app()`` with no arguments reads the environment and the config file,
which is how each ``proscribe serve`` worker builds its app. Tests pass
settings and, to screen at once, a service whose index is already loaded.
"""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import Depends, FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import Response

from proscribe import __version__
from proscribe.api import logs
from proscribe.api.auth import KeyCache, RateLimiter
from proscribe.api.context import ApiContext, json_response
from proscribe.api.enforcement import EnforcementService
from proscribe.api.middleware import ApiGate
from proscribe.api.query_params import reject_repeated_scalars
from proscribe.api.routers import admin, data, health, holds, ledger, match, reports, screening, transactions, workflow
from proscribe.api.service import ScreeningService
from proscribe.api.settings import ApiSettings, load_settings
from proscribe.errors import UserError
from proscribe.store.db import open_engine

log = logging.getLogger("proscribe.api")

DESCRIPTION = """\
Screen names against official sanctions and restricted-party lists, work alerts, and keep the audit trail.

Every endpoint except `/healthz`, `/readyz`, `/metrics` and the documentation needs an API key,
sent as `Authorization: Bearer KEY` (or `Authorization: ApiKey KEY`, as yente's clients do).
Keys have a role: **reader** (screen, search, read lists and entities), **analyst** (alerts and
parties, transaction screening and the review of held transactions, the blocked-property ledger
and OFAC reports as well), **admin**
(list updates, keys and the audit trail as well). Create one with
`proscribe keys create --role reader --name NAME`.

`POST /transactions/screen` decides payments and other transactions (pass, hold, reject, block) as
`proscribe tx screen` does, and records them: blocked funds go into the ledger (`/ledger`), rejected
and blocked ones into OFAC's reports (`/reports/...`), every decision into the audit trail under the
key's name. Held transactions wait for an analyst: `GET /transactions/holds` is the queue,
`GET /transactions/{tx_id}` the recorded screening, and `POST /transactions/{tx_id}/resolve` releases,
rejects or blocks one as `proscribe tx resolve` does.

`POST /match/{dataset}` speaks yente's request and response shapes, so a yente client works unchanged.
"""


def create_app(settings: ApiSettings | None = None, service: ScreeningService | None = None) -> FastAPI:
    """The service for ``settings`` (default: from the environment); ``service`` reuses a loaded index."""
    settings = settings or load_settings()
    logs.configure(settings.log_level)
    engine = service.engine if service is not None else open_engine(settings.store.database_url)
    service = service or ScreeningService(settings.store, engine, settings.index_check_seconds)
    context = ApiContext(
        settings=settings,
        engine=engine,
        service=service,
        keys=KeyCache(engine),
        limiter=RateLimiter(settings.worker_rate, settings.worker_burst),
        enforcement=EnforcementService(settings.store, engine, service),
    )

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        service.after_load.append(context.enforcement.warm)  # the transaction screener, ready before a request
        service.start()
        try:
            yield
        finally:
            service.stop()
            service.after_load.remove(context.enforcement.warm)

    app = FastAPI(
        title="proscribe",
        version=__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
        dependencies=[Depends(reject_repeated_scalars)],
        openapi_tags=[{"name": "Matching (yente-compatible)", "description": "yente's /match request and response."}],
    )
    app.state.api = context
    for module in (screening, match, data, workflow, transactions, holds, ledger, reports, admin, health):
        app.include_router(module.router)
    app.add_exception_handler(RequestValidationError, _invalid_request)
    app.add_exception_handler(UserError, _refused)
    app.add_exception_handler(Exception, _internal_error)
    app.add_middleware(
        ApiGate, keys=context.keys, limiter=context.limiter, max_body=settings.max_body_bytes,
        access_log=settings.access_log,
    )  # fmt: skip
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware, allow_origins=list(settings.cors_origins), allow_methods=["GET", "POST", "DELETE"],
            allow_headers=["Authorization", "Content-Type", "X-Request-ID"],
        )  # fmt: skip
    _document_security(app)
    return app


async def _invalid_request(request: Request, error: Exception) -> Response:
    """FastAPI's 422, written as ASCII JSON: the echoed input may hold a lone surrogate UTF-8 cannot carry."""
    errors = jsonable_encoder(error.errors() if isinstance(error, RequestValidationError) else [])
    body = json.dumps({"detail": errors}, ensure_ascii=True, separators=(",", ":"), default=str)
    return Response(body.encode(), status_code=422, media_type="application/json")


async def _refused(request: Request, error: Exception) -> Response:
    """A workflow function's refusal (``UserError``), whichever route met it: 404 for what does not exist
    (its message begins "no "), 409 for the rest; nothing was changed."""
    message = str(error)
    return json_response({"detail": message}, status=404 if message.startswith("no ") else 409)


async def _internal_error(request: Request, error: Exception) -> Response:
    """A bug, never the client's fault: logged with the request id, answered without internals."""
    log.error("unhandled error", exc_info=error, extra={"fields": {"path": request.url.path}})
    return json_response({"detail": "internal error; the service log has the details"}, status=500)


def _document_security(app: FastAPI) -> None:
    """Publish the two header forms in the OpenAPI document, so generated clients send a key."""
    original = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = original()
        schema.setdefault("components", {})["securitySchemes"] = {
            "bearer": {"type": "http", "scheme": "bearer", "description": "Authorization: Bearer KEY"},
            "apiKey": {"type": "apiKey", "in": "header", "name": "Authorization", "description": "ApiKey KEY"},
        }
        public = {"/healthz", "/readyz", "/metrics"}
        for path, operations in schema.get("paths", {}).items():
            if path in public:
                continue
            for operation in operations.values():
                operation["security"] = [{"bearer": []}, {"apiKey": []}]
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
