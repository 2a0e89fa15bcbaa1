"""Recognise which official format each input file is, so users never have to say.

A user points ``proscribe lists import`` at files or whole folders. Within one
folder, files are offered to every registered format in turn (most specific
first); a format claims the files that are its own, possibly several at once
(OFAC's CSV trio is one list). Sub-folders are separate groups: the SDN
edition in ``ofac/2019/`` is another edition, not more rows of ``ofac/``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from proscribe.sources import FORMATS
from proscribe.sources.base import ListFile, ListFormatError

# Files that sit beside list snapshots and are never lists themselves.
_IGNORED_SUFFIXES = {".md", ".rst", ".pdf", ".html.orig", ".sha256", ".sig", ".asc"}


@dataclass(slots=True)
class Scan:
    """What a scan found: the recognised lists, and the files it passed over while walking folders."""

    lists: list[ListFile] = field(default_factory=list)
    skipped: list[Path] = field(default_factory=list)


def scan(paths: Iterable[Path], format_key: str | None = None, source: str | None = None) -> Scan:
    """Find the lists among ``paths`` (files or folders, walked recursively).

    A file named explicitly must be recognised, or it is an error; a file met
    while walking a folder that no format claims is skipped and reported.
    ``format_key`` forces one format; ``source`` files every list under that key.
    """
    result = Scan()
    explicit_by_folder: dict[Path, list[Path]] = {}
    folders: list[Path] = []
    for path in paths:
        if path.is_dir():
            folders.extend(_walk_folders(path))
        elif path.is_file():
            explicit_by_folder.setdefault(path.parent, []).append(path)
        else:
            raise ListFormatError(path, None, "no such file or folder")
    for files in explicit_by_folder.values():
        claimed, unclaimed = _claim(files, format_key)
        if unclaimed:
            raise ListFormatError(unclaimed[0], None, _unrecognised_message(format_key))
        result.lists.extend(claimed)
    for folder in folders:
        files = sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))
        claimed, unclaimed = _claim(files, format_key)
        result.lists.extend(claimed)
        result.skipped.extend(unclaimed)
    if source:
        for list_file in result.lists:
            list_file.source = source
    return result


def _walk_folders(root: Path) -> list[Path]:
    return [root, *sorted(p for p in root.rglob("*") if p.is_dir() and not p.name.startswith("."))]


def _claim(files: Sequence[Path], format_key: str | None) -> tuple[list[ListFile], list[Path]]:
    remaining = [f for f in files if f.suffix.lower() not in _IGNORED_SUFFIXES]
    ignored = [f for f in files if f.suffix.lower() in _IGNORED_SUFFIXES]
    claimed: list[ListFile] = []
    formats = [FORMATS[format_key]] if format_key else list(FORMATS.values())
    for fmt in formats:
        if not remaining:
            break
        found = fmt.claim(remaining)
        taken = {p for lf in found for p in lf.paths}
        claimed.extend(found)
        remaining = [f for f in remaining if f not in taken]
    return claimed, remaining + ignored


def _unrecognised_message(format_key: str | None) -> str:
    if format_key:
        return f"not recognised as format {format_key!r}"
    known = ", ".join(FORMATS) or "none"
    return f"not a recognised list format (known formats: {known}); name one with --format"
