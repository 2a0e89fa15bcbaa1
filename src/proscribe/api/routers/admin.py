"""Admin endpoints: API keys and the audit trail.

A key created here is shown once, in this response, exactly as
``proscribe keys create`` prints it; revoking takes effect in every worker
within the few seconds each remembers a key. The audit export streams the
whole hash-chained trail as JSON lines, the form a regulator receives.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path
from fastapi.responses import Response, StreamingResponse
from pydantic import BaseModel, ConfigDict, Field

from proscribe.api.auth import require
from proscribe.api.context import ApiContext, api, json_response
from proscribe.api.keys import NAME_PATTERN, Principal, create_key, list_keys, revoke_key
from proscribe.api.routers.common import errors
from proscribe.store.audit import export, verify

router = APIRouter(tags=["Administration"])
admin = require("admin")


class KeyIn(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    name: str = Field(min_length=1, max_length=64, pattern=NAME_PATTERN.pattern)
    role: Literal["reader", "analyst", "admin"]


class KeyOut(BaseModel):
    name: str
    role: str
    prefix: str
    created_at: str
    created_by: str
    revoked_at: str | None


class NewKeyOut(BaseModel):
    name: str
    role: str
    key: str = Field(description="The key itself: shown this once, stored only as a hash.")


class VerificationOut(BaseModel):
    ok: bool
    checked: int
    first_bad: int | None
    reason: str


@router.get("/keys", response_model=list[KeyOut], responses=errors(403), summary="API keys (admin)")
def keys(context: Annotated[ApiContext, Depends(api)], _p: Annotated[Principal, Depends(admin)]) -> Response:
    """Every key by name, with its role and whether it was revoked; never the key or its hash."""
    with context.engine.connect() as connection:
        return json_response([k.to_dict() for k in list_keys(connection)])


@router.post("/keys", response_model=NewKeyOut, status_code=201, responses=errors(403, 409), summary="Create a key")
def new_key(
    body: KeyIn, context: Annotated[ApiContext, Depends(api)], principal: Annotated[Principal, Depends(admin)]
) -> NewKeyOut:
    """Create a key with a role; the response carries the key, which cannot be shown again."""
    key = create_key(context.engine, body.name, body.role, principal.actor)
    return NewKeyOut(name=body.name, role=body.role, key=key)


@router.delete(
    "/keys/{name}", status_code=204, response_class=Response, responses=errors(403, 404, 409), summary="Revoke a key"
)
def revoke(
    name: Annotated[str, Path(min_length=1, max_length=64)],
    context: Annotated[ApiContext, Depends(api)],
    principal: Annotated[Principal, Depends(admin)],
) -> Response:
    """Revoke the key named ``name``; requests with it are refused within seconds."""
    revoke_key(context.engine, name, principal.actor)
    context.keys.forget()
    return Response(status_code=204)


def _lines(context: ApiContext) -> Iterator[bytes]:
    with context.engine.connect() as connection:
        for event in export(connection):
            yield (json.dumps(event, ensure_ascii=False) + "\n").encode()


@router.get(
    "/audit/export",
    responses={**errors(403), 200: {"content": {"application/x-ndjson": {}}, "description": "One event per line."}},
    response_class=StreamingResponse,
    summary="Export the audit trail (admin)",
)
def audit_export(context: Annotated[ApiContext, Depends(api)], _p: Annotated[Principal, Depends(admin)]) -> Response:
    """Every audit event, oldest first, with its hashes, as JSON lines."""
    return StreamingResponse(_lines(context), media_type="application/x-ndjson")


@router.get("/audit/verify", response_model=VerificationOut, responses=errors(403), summary="Verify the audit trail")
def audit_verify(context: Annotated[ApiContext, Depends(api)], _p: Annotated[Principal, Depends(admin)]) -> Response:
    """Walk the hash chain and name the first event that was edited, deleted or reordered."""
    with context.engine.connect() as connection:
        result = verify(connection)
    return json_response(
        {"ok": result.ok, "checked": result.checked, "first_bad": result.first_bad, "reason": result.reason}
    )
