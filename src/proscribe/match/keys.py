"""Token keys and token-to-token similarity: the small pure functions the index and the scorer share.

The index precomputes, for every listed token, which other tokens are its
neighbours under these keys; a query token not seen at build time goes through
the same functions at query time. Keeping one :func:`token_similarity` for both
paths means ``screen`` and ``compare`` can never disagree about a pair of words.
"""

from __future__ import annotations

from functools import lru_cache

import jellyfish
from rapidfuzz.distance import OSA

from proscribe.match.features import TOKEN_SIMILARITY, fuzzy_similarity

_VOWELS = frozenset("aeiouy")
_WEAK = frozenset("aeiouyw")


def max_edits(length: int) -> int:
    """Edits tolerated between two words whose longer one has ``length`` letters.

    Words of up to three letters must match exactly (``al``, ``ri``, ``abd``: one
    edit away from dozens of others); long words may carry two typos. Tighter
    than this and real typos are lost; looser and short common names start
    matching each other.
    """
    if length <= 3:
        return 0
    if length < 8:
        return 1
    return 2


def deletions(word: str) -> set[str]:
    """The word's one-letter deletions (SymSpell): two words within one edit share one of these or each other."""
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


@lru_cache(maxsize=131072)
def skeleton(word: str, consonantal: bool = False) -> tuple[str, ...]:
    """Consonant-skeleton keys: vowels dropped, doubled letters collapsed (``noorzai`` and ``nurzai`` -> ``nrz``).

    Words transliterated from Arabic, Hebrew or Thai lack most vowels, and their
    ``w``/``y`` stand for vowels as often as for consonants, so they get both
    readings (``dwd`` -> ``dvd``/``dd``; ``mhmwd`` -> ``mhmd``). Every key is
    returned; :func:`token_similarity` decides how short a key may still count.
    """
    if not word.isalpha():
        return ()
    keys: list[str] = []
    variants = [word]
    if consonantal and "w" in word:
        variants.append(word.replace("w", "v"))
    for index, variant in enumerate(variants):
        drop = _WEAK if consonantal and index == 0 else _VOWELS
        key = _collapse("".join(char for char in variant if char not in drop))
        if key and key not in keys:
            keys.append(key)
    return tuple(keys)


def _collapse(text: str) -> str:
    out: list[str] = []
    for char in text:
        if not out or out[-1] != char:
            out.append(char)
    return "".join(out)


@lru_cache(maxsize=131072)
def phonetic(word: str) -> str:
    """Metaphone key for words of three letters or more (``aleksandr`` = ``alexander``); "" otherwise."""
    if len(word) < 3 or not word.isalpha():
        return ""
    return str(jellyfish.metaphone(word))


def shares_symbol(left: frozenset[str], right: frozenset[str]) -> bool:
    """Two words are known equivalents (``Mohammed``/``Мухаммед``, ``tech``/``technology``).

    Numeric symbols are ignored: rigour reads ``i`` as the Roman numeral 1, and
    numbers must match exactly anyway.
    """
    if not left or not right:
        return False
    return any(not symbol.startswith("[NUM:") for symbol in left & right)


def skeletons_agree(query: str, candidate: str, consonantal: bool) -> bool:
    """Consonant skeletons agree: on three consonants between Latin words (TERRY/ATAR share only ``tr``),
    on two where the query was written without vowels (``msh`` / MOSHE needs all it has)."""
    shared = set(skeleton(query, consonantal)) & set(skeleton(candidate))
    return any(len(key) >= (2 if consonantal else 3) for key in shared)


def token_similarity(
    query: str,
    candidate: str,
    query_symbols: frozenset[str] = frozenset(),
    candidate_symbols: frozenset[str] = frozenset(),
    consonantal: bool = False,
    mode: str = "word",
) -> tuple[float, str, int]:
    """How alike two tokens are: ``(similarity in [0, 1], kind, edit distance)``; kind "" when unrelated.

    Kinds, strongest first: exact, fuzzy (edit distance within :func:`max_edits`),
    symbol (rigour's name equivalences), phonetic (metaphone), skeleton
    (consonants). The best applicable kind wins. Tokens with digits only match
    exactly; single letters are initials, handled by the scorer.

    ``mode`` narrows what counts: ``syllable`` for one Chinese or Korean
    syllable (exact or by equivalence only: romanised syllables a letter apart
    are different names, not typos); ``merged`` for two words written as one
    (exact, fuzzy, or a consonantal skeleton: sound keys over joined words
    find too much). Equivalence symbols between two short Latin words (``su``,
    ``wei``) are ignored: rigour relates too many of them.
    """
    if query == candidate:
        return TOKEN_SIMILARITY["exact"], "exact", 0
    if not query or not candidate or not query.isalpha() or not candidate.isalpha():
        return 0.0, "", -1
    symbol_ok = mode == "syllable" or consonantal or min(len(query), len(candidate)) >= 3
    if mode == "syllable":
        if shares_symbol(query_symbols, candidate_symbols):
            return TOKEN_SIMILARITY["symbol"], "symbol", -1
        return 0.0, "", -1
    best, kind, distance = 0.0, "", -1
    longest = max(len(query), len(candidate))
    same_start = query[0] == candidate[0] or (query[:2] == candidate[1::-1] and len(query) > 1)
    if min(len(query), len(candidate)) < 4 and _collapse(query) == _collapse(candidate):  # YYU / YU
        best, kind, distance = fuzzy_similarity(1, longest), "fuzzy", 1
    allowed = max_edits(longest) if min(len(query), len(candidate)) >= 3 else 0
    if not best and allowed and (longest > 4 or same_start):
        edits = OSA.distance(query, candidate, score_cutoff=allowed)
        if edits <= allowed:
            best, kind, distance = fuzzy_similarity(edits, longest, same_start), "fuzzy", edits
    if mode == "word":
        if best < TOKEN_SIMILARITY["symbol"] and symbol_ok and shares_symbol(query_symbols, candidate_symbols):
            best, kind = TOKEN_SIMILARITY["symbol"], "symbol"
        if best < TOKEN_SIMILARITY["phonetic"] and not consonantal and min(len(query), len(candidate)) >= 4:
            key = phonetic(query)
            if len(key) >= 3 and key == phonetic(candidate):
                best, kind = TOKEN_SIMILARITY["phonetic"], "phonetic"
    sim = TOKEN_SIMILARITY["skeleton_consonantal" if consonantal else "skeleton"]
    if best < sim and (mode == "word" or consonantal) and skeletons_agree(query, candidate, consonantal):
        best, kind = sim, "skeleton"
    return best, kind, distance
