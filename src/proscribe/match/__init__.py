"""Screening: normalise names, index listed entities, score and explain matches.

Entry points: :class:`Screener` (``screen`` a query against an index, ``compare``
two names), :func:`build_index` / :meth:`ScreeningIndex.load` for the index,
and :func:`compare` for two names without an index.
"""

from __future__ import annotations

from proscribe.match.features import DEFAULT_THRESHOLD, OFAC_THRESHOLD
from proscribe.match.index import IndexFormatError, ScreeningIndex, build_index
from proscribe.match.screen import ALGORITHMS, Screener, compare
from proscribe.match.types import Comparison, Explanation, Feature, Match, Query, ScreenResult

__all__ = [
    "ALGORITHMS",
    "DEFAULT_THRESHOLD",
    "OFAC_THRESHOLD",
    "Comparison",
    "Explanation",
    "Feature",
    "IndexFormatError",
    "Match",
    "Query",
    "ScreenResult",
    "Screener",
    "ScreeningIndex",
    "build_index",
    "compare",
]
