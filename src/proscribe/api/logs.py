"""Structured logs: one JSON object per line, so a log pipeline indexes fields instead of parsing prose.

Each line has ``ts``, ``level``, ``logger`` and ``message``; a caller adds
fields with ``extra={"fields": {...}}`` (the access log adds method, path,
status, duration, request id and the key's name). API keys never reach a log.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import Any


class JsonFormatter(logging.Formatter):
    """Formats a record as one JSON line, with the record's ``fields`` merged in."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            line.update(fields)
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


def uvicorn_log_config(level: str) -> dict[str, Any]:
    """A ``logging.config`` dict routing uvicorn's and proscribe's loggers through the JSON formatter."""
    upper = level.upper()
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": f"{__name__}.JsonFormatter"}},
        "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}},
        "loggers": {
            "uvicorn": {"handlers": ["stderr"], "level": upper, "propagate": False},
            "uvicorn.error": {"handlers": ["stderr"], "level": upper, "propagate": False},
            "uvicorn.access": {"handlers": [], "level": "WARNING", "propagate": False},
            "proscribe": {"handlers": ["stderr"], "level": upper, "propagate": False},
        },
    }


def configure(level: str) -> None:
    """Send proscribe's logs through the JSON formatter when no one configured them (an app run in-process)."""
    logger = logging.getLogger("proscribe")
    logger.setLevel(level.upper())
    if not logger.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(JsonFormatter())
        logger.addHandler(handler)
        logger.propagate = False
