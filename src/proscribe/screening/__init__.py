"""Screening as a service of a proscribe home: the index lifecycle, batch files, and the Python API.

``proscribe.match`` is the engine (pure: names in, scores out); this package
binds it to a store and to users' files.
"""

from __future__ import annotations

from proscribe.screening.api import compare, screen
from proscribe.screening.index_files import IndexStatus, load_index, open_screener, rebuild

__all__ = ["IndexStatus", "compare", "load_index", "open_screener", "rebuild", "screen"]
