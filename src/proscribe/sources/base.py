"""The contract every official-format parser follows.

A parser turns one publisher file (or a fixed group of files, such as OFAC's
CSV trio) into :class:`~proscribe.model.Entity` objects, streaming. It does no
I/O beyond reading its inputs and never touches the store: the importer in
``proscribe.store`` consumes the stream inside one transaction, so a parser
that raises :class:`ListFormatError` halfway leaves nothing behind.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

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
