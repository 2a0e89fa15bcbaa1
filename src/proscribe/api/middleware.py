"""The gate every request passes: size limit, API key, rate limit, then request id, metrics and access log.

It is plain ASGI (no per-request task or body copy) because it runs on every
request of a service that must answer hundreds a second per core. Checks run
before any route or body parsing, so a request without a valid key is a 401
whatever its body, and nothing behind the gate ever runs for it.
"""

from __future__ import annotations

import json
import logging
import re
import time
import uuid
from typing import Any

from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from proscribe.api import metrics
from proscribe.api.auth import KeyCache, RateLimiter, presented_key, retry_after
from proscribe.api.keys import Principal

access = logging.getLogger("proscribe.api.access")

PUBLIC_PATHS = frozenset(
    {"/healthz", "/readyz", "/metrics", "/openapi.json", "/docs", "/docs/oauth2-redirect", "/redoc"}
)
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key == name:
            return bytes(value).decode("latin-1")
    return None


async def send_json(send: Send, status: int, body: dict[str, Any], headers: dict[str, str] | None = None) -> None:
    payload = json.dumps(body, ensure_ascii=False).encode()
    raw = [(b"content-type", b"application/json"), (b"content-length", str(len(payload)).encode())]
    raw += [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in (headers or {}).items()]
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": payload})


class ApiGate:
    """ASGI middleware; see the module docstring."""

    def __init__(
        self, app: ASGIApp, keys: KeyCache, limiter: RateLimiter, max_body: int, access_log: bool = True
    ) -> None:
        self.app = app
        self.keys = keys
        self.limiter = limiter
        self.max_body = max_body
        self.access_log = access_log

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        given = _header(scope, b"x-request-id")
        request_id = given if given and _REQUEST_ID.match(given) else uuid.uuid4().hex[:16]
        state: dict[str, Any] = {"status": 500, "principal": None}

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                state["status"] = message["status"]
                MutableHeaders(scope=message).append("x-request-id", request_id)
            await send(message)

        try:
            refusal = self._refusal(scope, state)
            if refusal is not None:
                status, detail, headers = refusal
                metrics.REFUSED.labels(reason=str(status)).inc()
                await send_json(send_with_id, status, {"detail": detail}, headers)
                return
            await self.app(scope, self._limited(receive), send_with_id)
        finally:
            self._record(scope, state, request_id, time.perf_counter() - start)

    def _refusal(self, scope: Scope, state: dict[str, Any]) -> tuple[int, str, dict[str, str]] | None:
        """Why this request is refused before any route sees it (status, message, headers), or None."""
        length = _header(scope, b"content-length")
        if length is not None and (not length.isdigit() or int(length) > self.max_body):
            return 413, f"the request body is larger than {self.max_body:,} bytes", {}
        if scope["path"] in PUBLIC_PATHS or scope["method"] == "OPTIONS":
            return None
        key = presented_key(_header(scope, b"authorization"))
        challenge = {"WWW-Authenticate": 'Bearer realm="proscribe"'}
        if key is None:
            return 401, "an API key is required: send Authorization: Bearer KEY (or ApiKey KEY)", challenge
        principal = self.keys.principal(key)
        if principal is None:
            return 401, "unknown or revoked API key", challenge
        state["principal"] = principal
        wait = self.limiter.acquire(principal.name)
        if wait > 0:
            return (
                429,
                f"rate limit of key {principal.name!r} exceeded; retry shortly",
                {"Retry-After": retry_after(wait)},
            )
        scope.setdefault("state", {})["principal"] = principal
        if "\x00" in scope["path"] or b"%00" in scope.get("query_string", b""):
            return 400, "the request path or query contains a NUL character", {}
        return None

    def _limited(self, receive: Receive) -> Receive:
        """``receive`` that stops a body without Content-Length once it passes the size limit."""
        seen = 0

        async def limited() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_body:
                    raise HTTPException(413, f"the request body is larger than {self.max_body:,} bytes")
            return message

        return limited

    def _record(self, scope: Scope, state: dict[str, Any], request_id: str, seconds: float) -> None:
        route = scope.get("route")
        template = getattr(route, "path", None) or ("public" if scope["path"] in PUBLIC_PATHS else "unmatched")
        method = scope["method"]
        status = state["status"]
        metrics.REQUESTS.labels(method=method, route=template, status=str(status)).inc()
        metrics.LATENCY.labels(method=method, route=template).observe(seconds)
        if self.access_log:
            principal = state["principal"]
            fields = {
                "request_id": request_id,
                "method": method,
                "path": scope["path"],
                "route": template,
                "status": status,
                "duration_ms": round(seconds * 1000, 2),
                "key": principal.name if isinstance(principal, Principal) else None,
                "client": (scope.get("client") or ("", 0))[0],
            }
            access.info("request", extra={"fields": fields})
