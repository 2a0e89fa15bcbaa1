"""A killed import leaves the previous edition current and readable (SIGKILL to a child process)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from proscribe.store.db import open_engine
from proscribe.store.queries import current_edition_ids, get_entity, iter_current_entities
from proscribe.store.schema import editions
from tests.conftest import LISTS, run_cli


def _start_import(home: Path, database_url: str, *paths: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PROSCRIBE_HOME": str(home), "PROSCRIBE_DATABASE_URL": database_url}
    return subprocess.Popen(
        [sys.executable, "-m", "proscribe", "lists", "import", *map(str, paths)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def _wal_bytes(home: Path) -> int:
    wal = home / "proscribe.db-wal"
    return wal.stat().st_size if wal.exists() else 0


@pytest.mark.slow
@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_sigkill_midway_keeps_previous_edition(tmp_path: Path, backend: str, request: pytest.FixtureRequest) -> None:
    home = tmp_path / "home"
    if backend == "sqlite":
        url = f"sqlite:///{home / 'proscribe.db'}"
    else:  # tagged, so only this test's child counts as "writing"
        url = request.getfixturevalue("postgres_schema_url") + f"&application_name=kill-{tmp_path.name[-20:]}"
    first = run_cli(["lists", "import", str(LISTS / "ofac" / "2019")], home, url)
    assert first.exit_code == 0, first.stderr
    engine = open_engine(url)
    with engine.connect() as connection:
        before = current_edition_ids(connection)
    engine.dispose()

    # the 2021 edition plus the UN list: parsing takes a while, then one transaction writes both
    child = _start_import(home, url, LISTS / "ofac", LISTS / "un")
    deadline = time.monotonic() + 60
    killed_while_writing = False
    while child.poll() is None and time.monotonic() < deadline:
        if backend == "sqlite" and _wal_bytes(home) > 256 * 1024:  # the transaction is writing
            killed_while_writing = True
            break
        if backend == "postgres" and _writing_on_postgres(url, f"kill-{tmp_path.name[-20:]}"):
            killed_while_writing = True
            break
        time.sleep(0.005)
    child.send_signal(signal.SIGKILL)
    child.wait()
    assert killed_while_writing, "the import finished before it could be killed midway"

    engine = open_engine(url)
    with engine.connect() as connection:
        assert current_edition_ids(connection) == before
        assert connection.execute(select(func.count()).select_from(editions)).scalar_one() == 1
        assert get_entity(connection, "us_ofac_sdn-36") is not None
        assert sum(1 for _ in iter_current_entities(connection)) > 5000
    engine.dispose()
    again = run_cli(["lists", "import", str(LISTS / "ofac")], home, url)
    assert again.exit_code == 0, again.stderr


def _writing_on_postgres(url: str, application: str) -> bool:
    """Whether the child's session is inside a transaction that has written rows (it holds an xid)."""
    import psycopg

    conninfo = url.replace("+psycopg", "").split("?")[0]
    with psycopg.connect(conninfo, autocommit=True) as conn:
        row = conn.execute(
            "select count(*) from pg_stat_activity where backend_xid is not null and application_name = %s",
            (application,),
        ).fetchone()
    return bool(row and row[0])
