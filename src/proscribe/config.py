"""Where proscribe keeps its data, resolved once from options and environment.

The home folder holds the embedded SQLite store and the screening index; a
team points ``PROSCRIBE_DATABASE_URL`` at PostgreSQL instead and keeps only the
index in the home folder.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from platformdirs import user_data_dir

HOME_ENV = "PROSCRIBE_HOME"
DATABASE_URL_ENV = "PROSCRIBE_DATABASE_URL"


@dataclass(frozen=True, slots=True)
class Settings:
    home: Path
    database_url: str

    @property
    def index_dir(self) -> Path:
        return self.home / "index"

    @property
    def downloads_dir(self) -> Path:
        return self.home / "downloads"


def resolve_settings(home: Path | str | None = None, database_url: str | None = None) -> Settings:
    """Settings from explicit values, then the environment, then platform defaults."""
    home_path = Path(home or os.environ.get(HOME_ENV) or user_data_dir("proscribe", appauthor=False)).expanduser()
    url = database_url or os.environ.get(DATABASE_URL_ENV) or f"sqlite:///{home_path / 'proscribe.db'}"
    return Settings(home=home_path, database_url=url)
