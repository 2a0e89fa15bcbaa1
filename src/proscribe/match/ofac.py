"""``algorithm="ofac"``: the scoring OFAC documents for its Sanctions List Search, for reproducing its results.

OFAC's FAQ 249 ("How is the Score calculated?") describes the method:

1. Potential matches are first looked for by the first letter of the input
   search terms and a similarity of at least 50% by edit distance.
2. Technique one: Jaro-Winkler between the entire input name and the entire
   listed name.
3. Technique two: the input is split into name parts; each part is compared to
   the listed name's parts with Jaro-Winkler and Soundex; a score per input
   part and a composite over all input parts are computed.
4. The higher of the two techniques is the score.

The FAQ does not publish how Soundex enters the part score nor how parts are
combined; we take, per input part, the best listed part by Jaro-Winkler, raised
to ``SOUNDEX_AGREEMENT`` when the two parts share a Soundex code, and the
composite as the mean over input parts. That composite ignores listed parts the
input does not mention, which is why this method alerts so readily: it is
offered to reproduce what OFAC's own tool shows, not as the default.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import lru_cache

import jellyfish
from rapidfuzz.distance import JaroWinkler, Levenshtein
from rigour.names import tokenize_name

from proscribe.match.index import ScreeningIndex
from proscribe.match.normalize import clean, to_ascii
from proscribe.match.search import Searcher

SOUNDEX_AGREEMENT = 0.9
PREFILTER_SIMILARITY = 0.5  # "at least 50% or more similar based on edit distance"


@lru_cache(maxsize=131072)
def _soundex(part: str) -> str:
    return str(jellyfish.soundex(part)) if part.isalpha() else part


def name_parts(name: str) -> list[str]:
    """Upper-case ASCII name parts, as OFAC's tool compares them."""
    parts = [to_ascii(part) for part in tokenize_name(clean(name).casefold())]
    return [part for part in parts if part]


def part_score(query_part: str, listed_part: str) -> float:
    """Jaro-Winkler of two parts, raised when their Soundex codes agree."""
    score = JaroWinkler.normalized_similarity(query_part, listed_part)
    if score < SOUNDEX_AGREEMENT and _soundex(query_part) == _soundex(listed_part):
        score = SOUNDEX_AGREEMENT
    return score


def score_parts(query_parts: list[str], listed_parts: list[str]) -> tuple[float, str]:
    """max(whole-name Jaro-Winkler, mean best part score), with a one-line account of both."""
    if not query_parts or not listed_parts:
        return 0.0, "no name parts to compare"
    whole = JaroWinkler.normalized_similarity(" ".join(query_parts), " ".join(listed_parts))
    best_parts = [max(part_score(q, c) for c in listed_parts) for q in query_parts]
    composite = sum(best_parts) / len(best_parts)
    score = max(whole, composite)
    detail = f"OFAC method: whole-name Jaro-Winkler {whole:.3f}, name-part composite {composite:.3f}"
    return score, detail


def ofac_score(name1: str, name2: str) -> tuple[float, str]:
    """Score two names by OFAC's documented method."""
    return score_parts(name_parts(name1), name_parts(name2))


def prefilter(query_parts: list[str], listed_parts: list[str]) -> bool:
    """OFAC's first pass: a listed part starting with a query part's first letter, 50% similar by edit distance."""
    for q in query_parts:
        for c in listed_parts:
            if q[0] == c[0] and Levenshtein.normalized_similarity(q, c) >= PREFILTER_SIMILARITY:
                return True
    return False


class OfacMatcher:
    """OFAC's method over the screening index: the index finds names sharing a similar part, OFAC's rules score them."""

    def __init__(self, index: ScreeningIndex, searcher: Searcher) -> None:
        self.index = index
        self.searcher = searcher
        self._parts: dict[int, list[str]] = {}

    def _listed_parts(self, name_id: int) -> list[str]:
        found = self._parts.get(name_id)
        if found is None:
            found = self._parts[name_id] = name_parts(self.index.name_text[name_id])
        return found

    def search(self, name: str, floor: float, allowed: Callable[[int], bool]) -> Iterator[tuple[int, int, float, str]]:
        """(entity, name id, score, detail) for the best-scoring listed name of each entity at or above ``floor``."""
        query_parts = name_parts(name)
        if not query_parts:
            return
        names: set[int] = set()
        postings = self.index.postings
        for part in query_parts:
            vocab_id = self.index.vocab_index.get(part)
            neighbours = (
                self.index.stored_neighbours(vocab_id)
                if vocab_id is not None
                else self.index.find_neighbours(part, frozenset(), False)
            )
            for other in neighbours:
                names.update(postings[other])
        best: dict[int, tuple[int, float, str]] = {}
        for name_id in names:
            entity = self.index.name_entity[name_id]
            if not allowed(entity):
                continue
            listed_parts = self._listed_parts(name_id)
            if not prefilter(query_parts, listed_parts):
                continue
            score, detail = score_parts(query_parts, listed_parts)
            if score >= floor and (entity not in best or score > best[entity][1]):
                best[entity] = (name_id, score, detail)
        for entity, (name_id, score, detail) in best.items():
            yield entity, name_id, score, detail
