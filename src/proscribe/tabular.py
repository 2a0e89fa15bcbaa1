"""Reading and writing the tables users bring: CSV, JSON lines and XLSX, streamed row by row.

Batch screening, pair comparison and register imports all read a user's file
whose every row may be wrong in its own way; a bad row is reported with its
line number and handed back as such, so the caller decides whether to skip it
or reject the file. Nothing here loads a whole file into memory.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from types import TracebackType
from typing import IO, Any

KINDS = ("csv", "jsonl", "xlsx")


class TableError(Exception):
    """A file that cannot be read or written as a table at all; names the file (and line)."""


@dataclass(frozen=True, slots=True)
class Row:
    """One data row: its line (CSV/JSONL line, XLSX row number) and values, or why it could not be read."""

    line: int
    values: dict[str, str]
    error: str | None = None


def table_kind(path: Path, explicit: str | None = None) -> str:
    """csv, jsonl or xlsx, from an explicit choice or the file name."""
    if explicit:
        if explicit not in KINDS:
            raise TableError(f"unknown table format {explicit!r}; use one of {', '.join(KINDS)}")
        return explicit
    suffix = path.suffix.lower()
    if suffix in (".csv", ".tsv", ".txt"):
        return "csv"
    if suffix in (".jsonl", ".ndjson", ".json"):
        return "jsonl"
    if suffix in (".xlsx", ".xlsm"):
        return "xlsx"
    raise TableError(f"{path}: cannot tell the table format from the name; use .csv, .jsonl or .xlsx")


def read_rows(path: Path, kind: str | None = None) -> Iterator[Row]:
    """Stream the data rows of a table. Header problems raise TableError; row problems come back as Rows."""
    kind = table_kind(path, kind)
    if not path.is_file():
        raise TableError(f"{path}: no such file")
    if kind == "csv":
        return _read_csv(path)
    if kind == "jsonl":
        return _read_jsonl(path)
    return _read_xlsx(path)


def _text(path: Path) -> IO[str]:
    return path.open(encoding="utf-8-sig", newline="", errors="strict")


def _read_csv(path: Path) -> Iterator[Row]:
    with _text(path) as handle:
        try:
            sample = handle.read(65536)
        except UnicodeDecodeError as error:
            raise TableError(f"{path}: not UTF-8 text ({error.reason} at byte {error.start})") from error
        handle.seek(0)
        delimiter = "\t" if path.suffix.lower() == ".tsv" or sample.count("\t") > sample.count(",") else ","
        reader = csv.reader(handle, delimiter=delimiter)
        try:
            header = next(reader)
        except StopIteration:
            raise TableError(f"{path}: empty file (a header row is needed)") from None
        except (csv.Error, UnicodeDecodeError) as error:
            raise TableError(f"{path}: line 1: {error}") from error
        header = [h.strip() for h in header]
        _check_header(path, header)
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as error:
                yield Row(reader.line_num, {}, f"unreadable CSV: {error}")
                continue
            except UnicodeDecodeError as error:
                raise TableError(f"{path}: line {reader.line_num + 1}: not UTF-8 text ({error.reason})") from error
            if not any(c.strip() for c in cells):
                continue
            if len(cells) != len(header):
                yield Row(reader.line_num, {}, f"{len(cells)} fields where the header has {len(header)}")
                continue
            yield Row(reader.line_num, dict(zip(header, cells, strict=True)))


def _read_jsonl(path: Path) -> Iterator[Row]:
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            try:
                data = json.loads(raw)
            except (json.JSONDecodeError, UnicodeDecodeError) as error:
                yield Row(number, {}, f"not valid JSON: {error}")
                continue
            if not isinstance(data, dict):
                yield Row(number, {}, "a JSON object is expected on each line")
                continue
            yield Row(number, {str(k): _cell(v) for k, v in data.items()})


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float, bool)):
        return str(value)
    if isinstance(value, (datetime, date, time)):  # XLSX date cells
        return value.isoformat()
    return json.dumps(value, ensure_ascii=False)


def _read_xlsx(path: Path) -> Iterator[Row]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many types for a file that is not a workbook
        raise TableError(f"{path}: not a readable XLSX workbook ({type(error).__name__})") from error
    try:
        rows = workbook.active.iter_rows(values_only=True) if workbook.active else iter(())
        header_cells = next(rows, None)
        if header_cells is None:
            raise TableError(f"{path}: empty sheet (a header row is needed)")
        header = [_cell(c).strip() for c in header_cells]
        while header and not header[-1]:
            header.pop()
        _check_header(path, header)
        for number, cells in enumerate(rows, start=2):
            values = [_cell(c) for c in cells[: len(header)]]
            if not any(v.strip() for v in values):
                continue
            values += [""] * (len(header) - len(values))
            yield Row(number, dict(zip(header, values, strict=True)))
    finally:
        workbook.close()


def _check_header(path: Path, header: Sequence[str]) -> None:
    if not any(header):
        raise TableError(f"{path}: line 1: the header row is empty")
    seen: set[str] = set()
    for name in header:
        if not name:
            raise TableError(f"{path}: line 1: a header cell is empty")
        if name in seen:
            raise TableError(f"{path}: line 1: column {name!r} appears twice")
        seen.add(name)


class TableWriter:
    """Writes rows (dicts) as CSV, JSON lines or XLSX; CSV/XLSX columns are fixed by the first row."""

    def __init__(self, path: Path | None, kind: str, stream: IO[str] | None = None) -> None:
        self.kind = kind
        self.path = path
        self._columns: list[str] | None = None
        self._handle: IO[str] | None = stream
        self._csv: Any = None
        self._book: Any = None
        self._sheet: Any = None
        if kind == "xlsx":
            if path is None:
                raise TableError("XLSX output needs a file (--output)")
            from openpyxl import Workbook

            self._book = Workbook(write_only=True)
            self._sheet = self._book.create_sheet("results")
        elif self._handle is None:
            assert path is not None
            self._handle = path.open("w", encoding="utf-8", newline="")

    def write(self, row: dict[str, Any]) -> None:
        if self.kind == "jsonl":
            assert self._handle is not None
            self._handle.write(json.dumps(row, ensure_ascii=False) + "\n")
            return
        if self._columns is None:
            self._columns = list(row)
            if self.kind == "csv":
                self._csv = csv.writer(self._handle or io.StringIO())
                self._csv.writerow(self._columns)
            else:
                self._sheet.append(self._columns)
        values = [_cell(row.get(column)) for column in self._columns]
        if self.kind == "csv":
            self._csv.writerow(values)
        else:
            self._sheet.append(values)

    def close(self) -> None:
        if self._book is not None and self.path is not None:
            self._book.save(self.path)
        if self._handle is not None and self.path is not None:
            self._handle.close()
        elif self._handle is not None:
            self._handle.flush()

    def __enter__(self) -> TableWriter:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.close()
