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
_LEGAL_SYMBOLS = ("[ORGCLS:", "[SYMBOL:CO]", "[SYMBOL:CORP]")
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


# Consonants that romanisation systems write differently for one sound (Revised Romanization against
# McCune-Reischauer for Korean, pinyin against Wade-Giles for Chinese): GIM / KIM, JEONG / CHONG, XI / HSI.
_ROMANISATION_FOLDS = (("ch", "c"), ("zh", "c"), ("hs", "s"), ("sh", "s"), ("ts", "c"))
_ROMANISATION_LETTERS = str.maketrans({"g": "k", "b": "p", "d": "t", "j": "c", "z": "c", "q": "c", "x": "s", "r": "l"})


@lru_cache(maxsize=65536)
def romanisation_key(syllable: str) -> str:
    """A romanised syllable's consonants, with the letters romanisation systems swap folded together."""
    for pair, single in _ROMANISATION_FOLDS:
        syllable = syllable.replace(pair, single)
    return _collapse("".join(char for char in syllable.translate(_ROMANISATION_LETTERS) if char not in _WEAK))


def romanisations_agree(query: str, candidate: str) -> bool:
    """Two romanisations of one syllable (GIM / KIM, EUN / UN): an equivalence with this support is strong.

    rigour relates a single Chinese character or Korean syllable to many names; where the spellings share
    no consonant structure (刘 LIU / YU) the equivalence alone is weak evidence.
    """
    return romanisation_key(query) == romanisation_key(candidate)


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
    keys_agree: tuple[bool, bool] | None = None,
) -> tuple[float, str, int]:
    """How alike two tokens are: ``(similarity in [0, 1], kind, edit distance)``; kind "" when unrelated.

    Kinds: exact, fuzzy (edit distance within :func:`max_edits`), legal (one legal
    designation written two ways), symbol (rigour's name equivalences), phonetic
    (metaphone), skeleton (consonants). The strongest applicable kind wins.
    Tokens with digits only match exactly; single letters are initials, handled
    by the scorer.

    ``mode`` narrows what counts: ``syllable`` for one Chinese or Korean
    syllable (exact or by equivalence only: romanised syllables a letter apart
    are different names, not typos); ``merged`` for two words written as one
    (exact, fuzzy, or a consonantal skeleton: sound keys over joined words find
    too much).

    ``keys_agree``: whether the two words' sound keys are equal and whether their skeletons agree, when the
    caller knows already, having met the pair through the keys each is filed under (``lookup_keys`` files a
    word under the very sound and skeleton keys these checks compare); the candidate must be a single
    listed word, which is filed under both.
    """
    if query == candidate:
        return TOKEN_SIMILARITY["exact"], "exact", 0
    if not query or not candidate or not query.isalpha() or not candidate.isalpha():
        return 0.0, "", -1
    if mode == "syllable":
        if shares_symbol(query_symbols, candidate_symbols):
            kind = "symbol" if romanisations_agree(query, candidate) else "symbol_weak"
            return TOKEN_SIMILARITY[kind], kind, -1
        return 0.0, "", -1
    best = _fuzzy(query, candidate)
    if mode == "word" and best[0] < TOKEN_SIMILARITY["symbol"]:
        best = max(best, _symbolic(query, candidate, query_symbols, candidate_symbols, consonantal))
        if best[0] < TOKEN_SIMILARITY["phonetic"] and not consonantal:
            sounds = _sound_keys_agree(query, candidate) if keys_agree is None else keys_agree[0]
            if sounds and _letters_close(query, candidate):
                best = (TOKEN_SIMILARITY["phonetic"], "phonetic", -1)
    sim = TOKEN_SIMILARITY["skeleton_consonantal" if consonantal else "skeleton"]
    if best[0] < sim and (mode == "word" or consonantal):
        skeletal = skeletons_agree(query, candidate, consonantal) if keys_agree is None else keys_agree[1]
        if skeletal:
            best = (sim, "skeleton", best[2])
    return best


def _fuzzy(query: str, candidate: str) -> tuple[float, str, int]:
    """Typos: within :func:`max_edits` by OSA distance; short words must share their start (or swap it)."""
    longest = max(len(query), len(candidate))
    shortest = min(len(query), len(candidate))
    if shortest < 4 and _collapse(query) == _collapse(candidate):  # a doubled letter: YYU / YU
        return fuzzy_similarity(1, longest), "fuzzy", 1
    same_start = query[0] == candidate[0] or (len(query) > 1 and query[:2] == candidate[1::-1])
    allowed = max_edits(longest) if shortest >= 3 else 0
    if longest == 3 and shortest == 3 and sorted(query) == sorted(candidate):
        allowed = 1  # two letters swapped in a three-letter word: ADB / ABD, SKO / SOK
    if not allowed or not (longest > 4 or same_start or longest == 3):
        return 0.0, "", -1
    edits = OSA.distance(query, candidate, score_cutoff=allowed)
    if edits > allowed:
        return 0.0, "", -1
    return fuzzy_similarity(edits, longest, same_start), "fuzzy", edits


def _symbolic(
    query: str, candidate: str, query_symbols: frozenset[str], candidate_symbols: frozenset[str], consonantal: bool
) -> tuple[float, str, int]:
    """Shared rigour symbols: one legal designation (Co. / Company), or a name equivalence.

    Name equivalences between two short Latin words (``su``, ``wei``) are ignored:
    rigour relates too many of them.
    """
    if not query_symbols or not candidate_symbols:
        return 0.0, "", -1
    shared = query_symbols & candidate_symbols
    if any(symbol.startswith(_LEGAL_SYMBOLS) for symbol in shared):
        return TOKEN_SIMILARITY["legal"], "legal", -1
    if (consonantal or min(len(query), len(candidate)) >= 3) and shares_symbol(query_symbols, candidate_symbols):
        return TOKEN_SIMILARITY["symbol"], "symbol", -1
    return 0.0, "", -1


def _sound_keys_agree(query: str, candidate: str) -> bool:
    """The same metaphone key of three sounds or more, between words of four letters or more: the words
    ``lookup_keys`` files under a sound key, and under the same one."""
    if min(len(query), len(candidate)) < 4:
        return False
    key = phonetic(query)
    return len(key) >= 3 and key == phonetic(candidate)


def _letters_close(query: str, candidate: str) -> bool:
    """A sound key is coarse on short words (ACME and AQIM are both AKM), so words sounding alike must also
    differ by at most a third of the longer one's letters (ALEKSANDR / ALEXANDER: 3 of 9; RENT / RENATO: 2
    of 6)."""
    allowed = max(1, max(len(query), len(candidate)) // 3)
    return OSA.distance(query, candidate, score_cutoff=allowed) <= allowed
