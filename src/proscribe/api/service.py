"""The screening index as a long-running worker holds it: loaded once, swapped when a list changes.

Each worker process loads the index file the CLI builds (about a second), so
``--workers 2`` costs no rebuild per worker. A background thread compares the
store's current editions with the loaded index every few seconds; when a list
update made a new edition current, it loads (or, if nobody has yet, rebuilds)
the index and swaps it in whole, so requests never see half an index and a
list update reaches the service without a restart. The index folder's lock
(see ``proscribe.screening.index_files``) keeps two workers from rebuilding the
same index at once.
"""

from __future__ import annotations

import fcntl
import gc
import logging
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine

from proscribe.config import Settings
from proscribe.match import ALGORITHMS, Screener
from proscribe.model import Entity
from proscribe.screening import IndexStatus, load_index
from proscribe.store.queries import current_edition_ids, get_entity

log = logging.getLogger("proscribe.api")

# One name per script the engine reads: its first name in each script loads transliteration tables and
# dictionaries (up to a second or more), which a worker pays here, before it is ready, not on a client's request.
WARM_UP_NAMES = (
    "John Smith", "Banco Nacional de Cuba", "Владимир Путин", "حسين موسوي", "王桂荣", "山田太郎", "김정은",
    "Αλέξανδρος Παπαδόπουλος", "דוד כהן", "Nguyễn Văn An", "สมชาย ใจดี", "राहुल शर्मा",
)  # fmt: skip
ENTITY_CACHE_SIZE = 50_000


class NotReady(Exception):
    """No index is loaded yet (or no lists are); the message says which."""


@dataclass(frozen=True, slots=True)
class Snapshot:
    """One loaded index with a screener per algorithm; replaced whole, never changed."""

    status: IndexStatus
    screeners: dict[str, Screener]
    loaded_at: datetime
    entities: dict[str, Entity | None] = field(default_factory=dict)  # store look-ups for this edition set

    @property
    def editions(self) -> dict[str, int]:
        return self.status.editions


class ScreeningService:
    """Owns the index of one home for one worker process; see the module docstring."""

    def __init__(self, store: Settings, engine: Engine, check_seconds: float = 5.0) -> None:
        self.store = store
        self.engine = engine
        self.check_seconds = check_seconds
        self.problem: str | None = None
        self._snapshot: Snapshot | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._load_lock = threading.Lock()
        # Run in the background thread after each index it loads, so what depends on the index (the
        # transaction screener) is ready before a request needs it.
        self.after_load: list[Callable[[], None]] = []

    @property
    def snapshot(self) -> Snapshot | None:
        return self._snapshot

    @property
    def ready(self) -> bool:
        snapshot = self._snapshot
        return snapshot is not None and snapshot.status.entities > 0

    def screener(self, algorithm: str = "default") -> Screener:
        """The current screener for ``algorithm``; NotReady while no index with entities is loaded."""
        snapshot = self._snapshot
        if snapshot is None:
            raise NotReady(self.problem or "the screening index is still loading; try again in a moment")
        if snapshot.status.entities == 0:
            raise NotReady("no lists are loaded: run `proscribe lists update` or `proscribe lists import FOLDER`")
        return snapshot.screeners[algorithm]

    def load(self) -> Snapshot:
        """Load the index now (rebuilding it if the store moved on), and make it current."""
        with self._load_lock:
            index, status = load_index(self.store, self.engine)
        screeners = {name: Screener(index, algorithm=name) for name in ALGORITHMS}
        for screener in screeners.values():
            warm_up(screener)
        snapshot = Snapshot(status=status, screeners=screeners, loaded_at=datetime.now(UTC))
        # The index is millions of long-lived objects: leave them out of the cyclic collector's passes, which
        # would otherwise stall a request for a tenth of a second each time they ran. (Reference counting
        # still frees an index once a newer one replaces it.)
        gc.collect()
        gc.freeze()
        self._snapshot = snapshot
        self.problem = None
        how = "built" if status.built_in_seconds is not None else "loaded"
        log.info(
            "screening index %s", how, extra={"fields": {"entities": status.entities, "editions": status.editions}}
        )
        return snapshot

    def is_stale(self) -> bool:
        snapshot = self._snapshot
        with self.engine.connect() as connection:
            editions = current_edition_ids(connection)
        return snapshot is None or editions != snapshot.editions

    def refresh(self) -> bool:
        """Load a newer index if the store's current editions changed; True when one was swapped in."""
        if not self.is_stale():
            return False
        self.load()
        return True

    def start(self) -> None:
        """Load in the background and keep checking for list updates until ``stop``."""
        if self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="proscribe-index", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        thread, self._thread = self._thread, None
        if thread is not None:
            thread.join(timeout=10)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                if self._snapshot is None or self.is_stale():
                    self.load()
                    self._after_load()
            except Exception as error:  # the store is unreachable, the index unreadable: keep serving, say why
                self.problem = f"cannot load the screening index: {error}"
                log.error(self.problem)
            self._stop.wait(self.check_seconds)

    def _after_load(self) -> None:
        for hook in self.after_load:
            try:
                hook()
            except Exception as error:  # a warm-up that fails leaves its work to the first request that needs it
                log.warning("warming up after loading the index failed: %s", error)

    def cached(self, ids: Sequence[str]) -> bool:
        """Whether ``entities(ids)`` can answer without the store (so without leaving the event loop)."""
        snapshot = self._snapshot
        return snapshot is not None and all(entity_id in snapshot.entities for entity_id in ids)

    def entities(self, ids: Sequence[str]) -> dict[str, Entity]:
        """The stored entities for ``ids`` in the editions the index was built from (cached per index)."""
        snapshot = self._snapshot
        cache = snapshot.entities if snapshot is not None else {}
        missing = [entity_id for entity_id in dict.fromkeys(ids) if entity_id not in cache]
        if missing:
            if len(cache) + len(missing) > ENTITY_CACHE_SIZE:
                cache.clear()
            with self.engine.connect() as connection:
                for entity_id in missing:
                    cache[entity_id] = get_entity(connection, entity_id)
        return {entity_id: found for entity_id in ids if (found := cache.get(entity_id)) is not None}

    def wait_ready(self, timeout: float) -> bool:
        """Block until an index is loaded or ``timeout`` passes (tests and the load benchmark use this)."""
        deadline = time.monotonic() + timeout
        while self._snapshot is None and time.monotonic() < deadline:
            time.sleep(0.05)
        return self._snapshot is not None


def warm_up(screener: Screener) -> None:
    """Screen a name in each script once, so lazy one-time loading happens before the first real request."""
    for name in WARM_UP_NAMES:
        screener.screen(name, limit=1)


@contextmanager
def try_lock(path: Path) -> Iterator[bool]:
    """Hold an exclusive lock on ``path`` if no process (or thread) holds it; yields whether it was taken."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
