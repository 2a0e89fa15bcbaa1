"""Opening the store: one engine per database URL, migrated to the current schema on open.

SQLite is the embedded default (WAL journal, so readers keep reading the
current edition while an import writes, and a killed writer leaves nothing
committed); PostgreSQL serves teams. Both are migrated by Alembic, never by
``create_all``, so an existing store upgrades in place.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from alembic import command
from alembic.config import Config
from sqlalchemy import CursorResult, Engine, create_engine, event
from sqlalchemy.engine import make_url

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


class StoreError(Exception):
    """The store cannot be opened or used; the message says which database and why."""


def open_engine(url: str, migrate: bool = True) -> Engine:
    """An engine for ``url``, with the schema brought up to date."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 60})
        event.listen(engine, "connect", _sqlite_pragmas)
    else:
        if parsed.drivername == "postgresql":
            url = str(parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False))
        engine = create_engine(url, pool_pre_ping=True)
    if migrate:
        try:
            upgrade(engine)
        except Exception as error:  # any driver error opening the database
            engine.dispose()
            raise StoreError(f"cannot open the store at {parsed.render_as_string()}: {error}") from error
    return engine


def upgrade(engine: Engine) -> None:
    """Run Alembic migrations to head on ``engine``."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def inserted_id(result: CursorResult[Any]) -> int:
    """The primary key an INSERT just generated."""
    key = result.inserted_primary_key
    if key is None or key[0] is None:
        raise StoreError("the database returned no key for a new row")
    return int(key[0])


def utc_iso(moment: datetime) -> str:
    """A stored time as ISO 8601 with its offset: every time is stored in UTC, and SQLite hands it back
    without one (PostgreSQL with one), so a reader of the JSON never has to guess the zone."""
    aware = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    return aware.isoformat()


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


Item = TypeVar("Item")


def chunks(values: Sequence[Item], size: int) -> Iterator[Sequence[Item]]:
    """``values`` in slices of at most ``size``: an ``IN`` list per query that stays under the number of
    bound parameters a database takes (SQLite's limit was 999)."""
    for start in range(0, len(values), size):
        yield values[start : start + size]
