"""The Python API: ``proscribe.screen(...)`` and ``proscribe.compare(...)``.

A screener is opened once per home and reused; each call checks that the
store's current editions are still the ones the index was built from, so a
long-running process picks up a list update without a restart.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy import Engine

from proscribe.config import Settings, resolve_settings
from proscribe.match import Comparison, Query, Screener, ScreenResult
from proscribe.match import compare as compare_names
from proscribe.screening.index_files import load_index
from proscribe.store.db import open_engine
from proscribe.store.queries import current_edition_ids

_lock = threading.Lock()
_open: dict[tuple[str, str], tuple[Engine, Screener, dict[str, int]]] = {}


def _screener(settings: Settings) -> Screener:
    key = (str(settings.home), settings.database_url)
    with _lock:
        cached = _open.get(key)
        engine = cached[0] if cached else open_engine(settings.database_url)
        with engine.connect() as connection:
            editions = current_edition_ids(connection)
        if cached and cached[2] == editions:
            return cached[1]
        index, status = load_index(settings, engine)
        screener = Screener(index)
        _open[key] = (engine, screener, status.editions)
        return screener


def screen(
    name: str,
    *,
    type: str | None = None,
    date_of_birth: str | None = None,
    country: str | None = None,
    id_number: str | None = None,
    threshold: float | None = None,
    limit: int | None = None,
    sources: Sequence[str] | None = None,
    programs: Sequence[str] | None = None,
    schemas: Sequence[str] | None = None,
    home: Path | str | None = None,
) -> ScreenResult:
    """Screen one name against the current lists of ``home`` (default: PROSCRIBE_HOME / the user data folder)."""
    screener = _screener(resolve_settings(home))
    query = Query.build(name, type, date_of_birth, country, id_number)
    return screener.screen(query, threshold=threshold, limit=limit, sources=sources, programs=programs, schemas=schemas)


def compare(
    name1: str, name2: str, *, type: str | None = None, algorithm: str = "default", threshold: float | None = None
) -> Comparison:
    """Score two names against each other, with the explanation; needs no lists."""
    return compare_names(name1, name2, type, threshold=threshold, algorithm=algorithm)
