"""The index file of a home, as several processes meet it: a CLI import and API workers at once."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from proscribe.config import resolve_settings
from proscribe.match import ScreeningIndex
from proscribe.screening.index_files import INDEX_FILE, load_index, rebuild
from proscribe.store.db import open_engine
from tests.conftest import LISTS, run_cli


def test_concurrent_rebuilds_and_loads_leave_one_whole_index(tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert run_cli(["lists", "import", "--no-index", str(LISTS / "fcc")], home).exit_code == 0
    settings = resolve_settings(home)
    engine = open_engine(settings.database_url)
    with ThreadPoolExecutor(max_workers=6) as pool:
        jobs = [pool.submit(rebuild, engine, settings.index_dir) for _ in range(3)]
        jobs += [pool.submit(load_index, settings, engine) for _ in range(3)]
        sizes = {len(job.result()[0]) for job in jobs}
    assert sizes == {12}
    assert len(ScreeningIndex.load(settings.index_dir / INDEX_FILE)) == 12
    assert not list(settings.index_dir.glob("*.tmp"))


def test_saving_the_same_file_from_two_writers_never_trips_over_the_other(tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert run_cli(["lists", "import", str(LISTS / "fcc")], home).exit_code == 0
    settings = resolve_settings(home)
    index = ScreeningIndex.load(settings.index_dir / INDEX_FILE)
    target = tmp_path / "copy.idx"
    with ThreadPoolExecutor(max_workers=4) as pool:
        for job in [pool.submit(index.save, target) for _ in range(8)]:
            job.result()
    assert len(ScreeningIndex.load(target)) == 12
