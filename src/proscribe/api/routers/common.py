"""Pieces the routers share: documented error responses, days in query strings, user errors as HTTP answers."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import HTTPException

from proscribe.api.models import ErrorOut


def errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` for the given error statuses, plus those any authenticated route can give.

    400 is among those: the framework answers it for a body that is not readable text at all.
    """
    described = {
        400: "The request cannot be carried out as given (or its body cannot be read).",
        401: "No API key, or an unknown or revoked one.",
        403: "The key's role does not allow this.",
        404: "No such thing.",
        409: "The request conflicts with the current state (already decided, changed meanwhile, busy).",
        413: "The request body is too large.",
        422: "The request is not valid: the detail names each invalid field.",
        429: "The key's rate limit is exceeded; Retry-After says when to try again.",
        502: "A publisher could not be reached; nothing else changed.",
        503: "The screening index is not loaded yet, or no lists are loaded.",
    }
    wanted = {400, 401, 413, 422, 429, *codes}
    return {code: {"model": ErrorOut, "description": described[code]} for code in sorted(wanted)}


DAY_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"


def parse_day(value: str | None, name: str) -> date | None:
    """A calendar day from YYYY-MM-DD (the pattern only says it looks like one), or a 422 naming the parameter."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise HTTPException(422, f"{name}: {value!r} is not a calendar date (YYYY-MM-DD)") from None
