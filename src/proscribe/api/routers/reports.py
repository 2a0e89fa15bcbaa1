"""OFAC's reports over HTTP: Blocked Property, Reject and the Annual Report of Blocked Property, as CSV or PDF.

The files are the ones ``proscribe reports ...`` writes, from the same
functions; over HTTP each request returns one of them (CSV for systems, PDF
for the person who files it). Preparing filings is a compliance analyst's
work, and the reports name sanctioned owners, so they take the analyst role.
A report changes nothing, so it is no audit event; filing it is the
institution's act, outside this service.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from datetime import date
from pathlib import Path as FilePath
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Query
from fastapi.responses import Response

from proscribe.api.auth import require
from proscribe.api.context import ApiContext, api
from proscribe.api.keys import Principal
from proscribe.api.routers.common import DAY_PATTERN, errors, parse_day
from proscribe.enforcement.reports import Report, annual_report, blocked_report, reject_report, write_csv, write_pdf
from proscribe.enforcement.reports.files import FILE_NAMES

router = APIRouter(tags=["OFAC reports"])
analyst = require("analyst")
MEDIA = {"csv": "text/csv; charset=utf-8", "pdf": "application/pdf"}
WRITERS: dict[str, Callable[[Report, FilePath], None]] = {"csv": write_csv, "pdf": write_pdf}
Format = Annotated[Literal["csv", "pdf"], Query(description="csv (for systems) or pdf (for filing).")]
Start = Annotated[str | None, Query(alias="from", pattern=DAY_PATTERN, description="First day (YYYY-MM-DD).")]
End = Annotated[str | None, Query(alias="to", pattern=DAY_PATTERN, description="Last day (YYYY-MM-DD).")]
TEXT: dict[str, Any] = {"type": "string"}
HEADERS = {
    "Content-Disposition": {"description": "attachment, with the file name the CLI gives it", "schema": TEXT},
    "X-Report-Records": {"description": "How many reports (or properties) the file holds.", "schema": TEXT},
}
FILE_RESPONSES: dict[int | str, dict[str, Any]] = {
    **errors(403),
    200: {
        "description": "The report file. X-Report-Note says when the filer's details are not set yet.",
        "content": {"text/csv": {}, "application/pdf": {}},
        "headers": HEADERS,
    },
}


def _file(report: Report, form: str) -> Response:
    """The report written as the CLI writes it (through a scratch folder: the writers take a path)."""
    name = f"{FILE_NAMES[report.kind]}.{form}"
    with tempfile.TemporaryDirectory(prefix="proscribe-report-") as folder:
        path = FilePath(folder) / name
        WRITERS[form](report, path)
        content = path.read_bytes()
    headers = {"Content-Disposition": f'attachment; filename="{name}"', "X-Report-Records": str(len(report.records))}
    missing = report.filer.missing()
    if missing:
        headers["X-Report-Note"] = f"filer {', '.join(missing)} not set; run `proscribe reports filer` before filing"
    return Response(content, media_type=MEDIA[form], headers=headers)


def _period(start: str | None, end: str | None) -> tuple[date | None, date | None]:
    first, last = parse_day(start, "from"), parse_day(end, "to")
    if first and last and first > last:
        raise HTTPException(422, f"from: {start} is after to ({end})")
    return first, last


@router.get(
    "/reports/blocked", response_class=Response, responses=FILE_RESPONSES, summary="Blocked Property Reports (analyst)"
)
def blocked(
    context: Annotated[ApiContext, Depends(api)],
    _p: Annotated[Principal, Depends(analyst)],
    start: Start = None,
    end: End = None,
    format: Format = "csv",
) -> Response:
    """One report per property blocked in the period (every one when none is given), each with its due date."""
    first, last = _period(start, end)
    with context.engine.connect() as connection:
        report = blocked_report(connection, first, last)
    return _file(report, format)


@router.get("/reports/reject", response_class=Response, responses=FILE_RESPONSES, summary="Reject Reports (analyst)")
def reject(
    context: Annotated[ApiContext, Depends(api)],
    _p: Annotated[Principal, Depends(analyst)],
    start: Start = None,
    end: End = None,
    format: Format = "csv",
) -> Response:
    """One report per transaction rejected in the period, at screening or on review, each with its due date."""
    first, last = _period(start, end)
    with context.engine.connect() as connection:
        report = reject_report(connection, first, last)
    return _file(report, format)


@router.get(
    "/reports/annual", response_class=Response, responses=FILE_RESPONSES,
    summary="Annual Report of Blocked Property (analyst)",
)  # fmt: skip
def annual(
    context: Annotated[ApiContext, Depends(api)],
    _p: Annotated[Principal, Depends(analyst)],
    year: Annotated[int, Query(ge=1990, le=2999, description="The report is as of 30 June of this year.")],
    format: Format = "csv",
) -> Response:
    """Every property still blocked on 30 June of the year, with its balance that day (due 30 September)."""
    with context.engine.connect() as connection:
        report = annual_report(connection, year)
    return _file(report, format)
