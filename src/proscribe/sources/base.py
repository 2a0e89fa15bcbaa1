"""The contract every official-format parser follows.

A parser turns one publisher file (or a fixed group of files, such as OFAC's
CSV trio) into :class:`~proscribe.model.Entity` objects, streaming. It does no
I/O beyond reading its inputs and never touches the store: the importer in
``proscribe.store`` consumes the stream inside one transaction, so a parser
that raises :class:`ListFormatError` halfway leaves nothing behind.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TypeVar

from proscribe.model import Entity


class ListFormatError(Exception):
    """A list file that cannot be read as its format says; the message names the file and place."""

    def __init__(self, path: Path | str, where: str | None, message: str) -> None:
        self.path = str(path)
        self.where = where
        self.message = message
        location = f"{self.path}: {where}" if where else self.path
        super().__init__(f"{location}: {message}")


@dataclass(slots=True)
class ListFile:
    """One recognised input: which format, which source key, which files make it up."""

    format: str  # a key of FORMATS, e.g. "ofac_csv"
    source: str  # the list key, e.g. "us_ofac_sdn"
    paths: list[Path]
    publisher_date: str | None = None  # ISO date the publisher put on the file, when it says
    extra: dict[str, str] = field(default_factory=dict)


Parser = Callable[[ListFile], Iterator[Entity]]


@dataclass(frozen=True, slots=True)
class Format:
    """A registered official format: how to recognise it and how to parse it."""

    key: str
    default_source: str
    description: str
    parse: Parser
    # Return the ListFile(s) this format claims among the given files of one folder.
    claim: Callable[[Sequence[Path]], list[ListFile]]


def sniff(path: Path, size: int = 8192) -> bytes:
    """The first bytes of a file, for recognising its format without parsing it."""
    try:
        with path.open("rb") as handle:
            return handle.read(size)
    except OSError:
        return b""


def claim_each(
    paths: Sequence[Path], format_key: str, source: str, recognise: Callable[[Path, bytes], bool]
) -> list[ListFile]:
    """Claim every file that ``recognise(path, head_bytes)`` accepts as its own one-file list."""
    return [ListFile(format=format_key, source=source, paths=[path]) for path in paths if recognise(path, sniff(path))]


def empty_to_none(value: str | None) -> str | None:
    """Strip a field; empty strings and OFAC's ``-0-`` placeholder become None."""
    if value is None:
        return None
    value = value.strip()
    if not value or value == "-0-":
        return None
    return value


_T = TypeVar("_T")
_PARTIAL_ISO_DATE = re.compile(r"\d{4}(?:-\d{2}(?:-\d{2})?)?")


def unique(values: Iterable[_T]) -> list[_T]:
    """Values in first-seen order without repeats (works for unhashable dataclasses too)."""
    seen: list[_T] = []
    for value in values:
        if value not in seen:
            seen.append(value)
    return seen


def partial_iso_date(text: str | None) -> str | None:
    """A partial ISO date (YYYY, YYYY-MM, YYYY-MM-DD) that names a real month and day, else None."""
    if not text or not _PARTIAL_ISO_DATE.fullmatch(text):
        return None
    if len(text) > 4 and not 1 <= int(text[5:7]) <= 12:
        return None
    try:
        return date.fromisoformat(text).isoformat() if len(text) == 10 else text
    except ValueError:
        return None
