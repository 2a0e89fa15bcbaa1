"""Batch screening of a user's file: rows in, one result per row out, streamed, on every core asked for.

A compliance run must never silently drop a party: a row without a name is
reported with its line number and counted, and a row whose date of birth or
country cannot be read is still screened on its name, with a warning, rather
than skipped. Memory stays flat whatever the file size: rows are read, screened
and written in bounded windows.
"""

from __future__ import annotations

import multiprocessing
import re
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import IO, Any

from proscribe.countries import country_code
from proscribe.match import Query, Screener, ScreenResult
from proscribe.match.types import parse_schema
from proscribe.screening.index_files import index_in_memory
from proscribe.tabular import Row, TableWriter, read_rows

NAME_COLUMNS = ("name", "full_name")
KNOWN_COLUMNS = {"name", "full_name", "id", "type", "date_of_birth", "nationality", "country", "id_number"}
PARTIAL_DATE = re.compile(r"^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$")
CHUNK = 256
MAX_REPORTED = 1000


@dataclass(slots=True)
class ScreenOptions:
    threshold: float | None = None
    limit: int | None = None
    sources: list[str] | None = None
    programs: list[str] | None = None
    schemas: list[str] | None = None


@dataclass(slots=True)
class BatchStats:
    rows: int = 0
    screened: int = 0
    alerts: int = 0
    skipped: int = 0
    warnings: int = 0
    problems: list[str] = field(default_factory=list)  # "line N: message", the first MAX_REPORTED
    seconds: float = 0.0

    def note(self, line: int, message: str) -> None:
        if len(self.problems) < MAX_REPORTED:
            self.problems.append(f"line {line}: {message}")


@dataclass(slots=True)
class Prepared:
    row: Row
    query: Query | None
    warnings: list[str]
    error: str | None


def prepare(row: Row) -> Prepared:
    """A query from one input row: an error when it cannot be screened, warnings for facts it had to drop."""
    if row.error:
        return Prepared(row, None, [], row.error)
    values = row.values
    name = next((values[c].strip() for c in NAME_COLUMNS if values.get(c, "").strip()), "")
    if not name:
        return Prepared(row, None, [], "no name (a 'name' or 'full_name' column is needed)")
    warnings: list[str] = []
    try:
        schema = parse_schema(values.get("type"))
    except ValueError as error:
        warnings.append(str(error))
        schema = None
    dob = values.get("date_of_birth", "").strip() or None
    if dob and not PARTIAL_DATE.match(dob):
        warnings.append(f"date_of_birth {dob!r} is not YYYY, YYYY-MM or YYYY-MM-DD; screened without it")
        dob = None
    country_text = (values.get("nationality") or values.get("country") or "").strip()
    country = country_code(country_text) if country_text else None
    if country_text and not country:
        warnings.append(f"unknown country {country_text!r}; screened without it")
    id_number = values.get("id_number", "").strip() or None
    query = Query(name, schema, dob, country, id_number, values.get("id", "").strip() or str(row.line))
    return Prepared(row, query, warnings, None)


def output_record(prepared: Prepared, result: ScreenResult, kind: str) -> dict[str, Any]:
    """One output row: the published JSONL contract, or the input columns plus the top match for tables."""
    extra = {k: v for k, v in prepared.row.values.items() if k not in KNOWN_COLUMNS}
    if kind == "jsonl":
        record = result.to_dict()
        record["line"] = prepared.row.line
        if extra:
            record["input"] = extra
        if prepared.warnings:
            record["warnings"] = prepared.warnings
        return record
    top = result.matches[0] if result.matches else None
    return {
        **prepared.row.values,
        "alert": result.alert,
        "matches": sum(1 for m in result.matches if m.match),
        "top_score": round(top.score, 4) if top else "",
        "top_entity_id": top.entity_id if top else "",
        "top_caption": top.caption if top else "",
        "top_matched_name": top.matched_name if top else "",
        "top_programs": "; ".join(top.programs) if top else "",
        "top_explanation": top.explanation.summary if top else "",
        "warnings": "; ".join(prepared.warnings),
    }


_worker: tuple[Screener, ScreenOptions, str] | None = None


def _screen_chunk(chunk: list[Prepared]) -> list[tuple[bool, dict[str, Any]]]:
    assert _worker is not None
    screener, options, kind = _worker
    out = []
    for prepared in chunk:
        assert prepared.query is not None
        result = screener.screen(
            prepared.query,
            threshold=options.threshold,
            limit=options.limit,
            sources=options.sources,
            programs=options.programs,
            schemas=options.schemas,
        )
        out.append((result.alert, output_record(prepared, result, kind)))
    return out


def screen_file(
    screener: Screener,
    source: Path,
    output: Path | None,
    *,
    input_kind: str | None = None,
    output_kind: str = "jsonl",
    stream: IO[str] | None = None,
    jobs: int = 1,
    options: ScreenOptions | None = None,
    progress: Callable[[BatchStats], None] | None = None,
) -> BatchStats:
    """Screen every row of ``source`` into ``output`` (or ``stream``); returns the counts and row problems.

    The collector is held off throughout (``index_in_memory``), and forked workers inherit that: its passes
    would also write to every index page a worker shares copy-on-write with the others.
    """
    with index_in_memory():
        return _screen_file(screener, source, output, input_kind, output_kind, stream, jobs, options, progress)


def _screen_file(
    screener: Screener,
    source: Path,
    output: Path | None,
    input_kind: str | None,
    output_kind: str,
    stream: IO[str] | None,
    jobs: int,
    options: ScreenOptions | None,
    progress: Callable[[BatchStats], None] | None,
) -> BatchStats:
    global _worker
    _worker = (screener, options or ScreenOptions(), output_kind)
    stats = BatchStats()
    start = time.perf_counter()
    rows = read_rows(source, input_kind)
    # fork: workers share the loaded index copy-on-write instead of loading it again
    pool = multiprocessing.get_context("fork").Pool(jobs) if jobs > 1 else None
    try:
        with TableWriter(output, output_kind, stream) as writer:
            for window in _windows(rows, stats, jobs):
                screened = pool.map(_screen_chunk, window) if pool else [_screen_chunk(c) for c in window]
                for results in screened:
                    for alert, record in results:
                        writer.write(record)
                        stats.screened += 1
                        stats.alerts += int(alert)
                if progress:
                    progress(stats)
    finally:
        if pool is not None:
            pool.close()
            pool.join()
        _worker = None
    stats.seconds = time.perf_counter() - start
    return stats


def _windows(rows: Iterable[Row], stats: BatchStats, jobs: int) -> Iterator[list[list[Prepared]]]:
    """Chunks of screenable rows, ``jobs * 4`` chunks at a time; bad rows are counted and reported here."""
    iterator = iter(rows)
    while True:
        window: list[list[Prepared]] = []
        chunk: list[Prepared] = []
        consumed = 0
        for row in islice(iterator, CHUNK * jobs * 4):
            consumed += 1
            stats.rows += 1
            prepared = prepare(row)
            if prepared.error:
                stats.skipped += 1
                stats.note(row.line, prepared.error)
                continue
            for warning in prepared.warnings:
                stats.warnings += 1
                stats.note(row.line, warning)
            chunk.append(prepared)
            if len(chunk) == CHUNK:
                window.append(chunk)
                chunk = []
        if chunk:
            window.append(chunk)
        if window:
            yield window
        if consumed == 0:
            return
