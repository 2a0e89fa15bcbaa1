"""The screening index of a proscribe home: built from the store's current editions, kept on disk.

Screening must start fast in a new process (a CLI call, an API worker) and
must never screen against a stale index. The index file sits in the home's
``index`` folder with a small JSON stamp naming the current edition of every
source it was built from; opening compares that stamp with the store and
rebuilds when any edition changed. Writes go to a temporary file first and are
renamed into place, so a reader never sees half an index; a lock file in the
folder makes processes that find the index stale (a CLI import, API workers)
rebuild it one at a time, and the later ones load what the first one built.
"""

from __future__ import annotations

import fcntl
import gc
import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from proscribe.config import Settings
from proscribe.files import written_aside
from proscribe.match import IndexFormatError, Screener, ScreeningIndex, build_index
from proscribe.store.queries import current_edition_ids, iter_current_entities

INDEX_FILE = "screening.idx"
STAMP_FILE = "screening.json"
LOCK_FILE = "screening.lock"


@dataclass(frozen=True, slots=True)
class IndexStatus:
    path: Path
    editions: dict[str, int]
    entities: int
    built_in_seconds: float | None  # None when loaded from disk


def _stamp(index_dir: Path) -> dict[str, Any] | None:
    try:
        data = json.loads((index_dir / STAMP_FILE).read_text())
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def is_current(index_dir: Path, editions: dict[str, int]) -> bool:
    stamp = _stamp(index_dir)
    return bool(stamp and stamp.get("editions") == editions and (index_dir / INDEX_FILE).is_file())


@contextmanager
def index_lock(index_dir: Path) -> Iterator[None]:
    """An exclusive lock on the index folder, shared by every process of the host that builds the index."""
    index_dir.mkdir(parents=True, exist_ok=True)
    with (index_dir / LOCK_FILE).open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def rebuild(engine: Engine, index_dir: Path) -> tuple[ScreeningIndex, IndexStatus]:
    """Build the index from every current edition and save it with its stamp."""
    with index_lock(index_dir):
        return _rebuild(engine, index_dir)


def _rebuild(engine: Engine, index_dir: Path) -> tuple[ScreeningIndex, IndexStatus]:
    start = time.perf_counter()
    with engine.connect() as connection:
        editions = current_edition_ids(connection)
        index = build_index(iter_current_entities(connection))
    elapsed = time.perf_counter() - start
    index.save(index_dir / INDEX_FILE)  # written aside and renamed; the stamp follows it
    stamp = {"editions": editions, "entities": len(index), "built_at": time.time()}
    with written_aside(index_dir / STAMP_FILE) as stream:
        stream.write(json.dumps(stamp, indent=2).encode())
    return index, IndexStatus(index_dir / INDEX_FILE, editions, len(index), elapsed)


def load_index(settings: Settings, engine: Engine) -> tuple[ScreeningIndex, IndexStatus]:
    """The current index: from disk when its stamp matches the store, rebuilt otherwise.

    A stale index is rebuilt under the folder's lock, after looking again: another process may have
    rebuilt it while this one waited.
    """
    index_dir = settings.index_dir
    loaded = _load_if_current(engine, index_dir)
    if loaded is not None:
        return loaded
    with index_lock(index_dir):
        return _load_if_current(engine, index_dir) or _rebuild(engine, index_dir)


def _load_if_current(engine: Engine, index_dir: Path) -> tuple[ScreeningIndex, IndexStatus] | None:
    with engine.connect() as connection:
        editions = current_edition_ids(connection)
    if not is_current(index_dir, editions):
        return None
    try:
        index = ScreeningIndex.load(index_dir / INDEX_FILE)
    except (IndexFormatError, OSError, ValueError, EOFError):
        return None  # an unreadable or outdated index file is rebuilt, never trusted
    return index, IndexStatus(index_dir / INDEX_FILE, editions, len(index), None)


@contextmanager
def index_in_memory() -> Iterator[None]:
    """Hold the cyclic garbage collector off while a long job works beside a loaded index.

    An index is millions of long-lived objects, and each full pass of the collector walks them all: a
    run that allocates as it goes (forms, hits, rows) would spend seconds in passes that free nothing.
    Reference counting still frees everything as usual; only cycles wait until the job ends.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def open_screener(settings: Settings, engine: Engine, **options: Any) -> Screener:
    index, _status = load_index(settings, engine)
    return Screener(index, **options)
