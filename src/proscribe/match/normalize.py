"""Name normalisation: one listed or queried name becomes comparable tokens.

Both sides of a comparison go through exactly this code, so a listed name and a
query written the same way always produce the same tokens. The steps, and why:

- Unicode NFKC and case folding, so full-width letters, ligatures and case never
  decide a match.
- ``LAST, First`` is turned round: lists (OFAC) and spreadsheets write people
  that way, and the order feature should compare like with like.
- Transliteration of every non-Latin token to ASCII (rigour's spellings for the
  scripts it admits, ICU ``Any-Latin; Latin-ASCII`` for the rest), keeping the
  original form beside it: name-equivalence symbols are looked up on both, so
  ``김`` meets ``Kim`` through the symbol even where spellings part.
- Chinese and Korean are split into syllables (one character each): lists write
  ``KIM JONG UN``, ``Xi Jinping`` or ``XIJINPING``, and merged-token matching
  joins syllables back where the other side wrote them together.
- Arabic, Hebrew and Thai are written without (most) vowels; their tokens are
  flagged ``consonantal`` so the matcher compares consonant skeletons.
- Legal forms (LLC, GmbH, OOO, Co., Ltd., 有限公司 ...), generic organisation
  words (company, corporation), and honorifics are recognised with rigour's
  tables and kept as tokens of their own kind: they weigh little but are not
  thrown away, since ``BAH AG MOUSSA`` is a person, not a company.
- Numbers stay tokens of their own kind and only ever match exactly:
  ``11420 CORP`` is not ``BELLETECH CORP``.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from typing import Any

from rigour._core import person_name_prefixes_list
from rigour.names import NameTypeTag, analyze_names, extract_org_types, remove_person_prefixes, tokenize_name
from rigour.text.translit import maybe_ascii

from proscribe.model import Schema


class TokenKind(StrEnum):
    WORD = "word"
    NUMBER = "number"  # any token with a digit: matches exactly or not at all
    LEGAL = "legal"  # a legal form: LLC, GmbH, OOO, JSC, 有限公司
    ORG_TERM = "org_term"  # a generic organisation word: company, corporation, co
    HONORIFIC = "honorific"  # Mr, Dr, Sheikh, General (as a leading title)


@dataclass(frozen=True, slots=True)
class Token:
    text: str  # lower-case ASCII comparison form
    original: str  # case-folded form as written, original script kept
    kind: TokenKind
    consonantal: bool  # transliterated from a script that omits vowels
    symbols: frozenset[str]  # rigour organisation symbols (name equivalences are looked up separately)
    location: bool = False  # a place name inside an organisation name (weighs less)
    syllable: bool = False  # one Chinese or Korean syllable: matched exactly or by equivalence, never fuzzily


@dataclass(frozen=True, slots=True)
class NameForm:
    """One way of reading a name: its tokens, and which reading it is ("" for the main one)."""

    source: str
    tokens: tuple[Token, ...]
    reading: str = ""

    @property
    def text(self) -> str:
        return " ".join(token.text for token in self.tokens)


_APOSTROPHES = re.compile(r"[\u0027\u2018\u2019\u02bb\u02bc\u02bd\u02be\u02bf\u0060\u00b4]")
# Thousands separators: commas and dots (after NFKC, which makes them of their full-width forms), and the
# no-break spaces typography puts there (before NFKC, which makes them plain spaces). A plain space is not one:
# "1-400" reads as the words 1 and 400, and their written form "1 400" must read the same again.
_THOUSANDS = re.compile(r"(?<=\d)[,.](?=\d{3}(?!\d))")
_THOUSANDS_SPACE = re.compile(r"(?<=\d)[\u00a0\u202f\u2009](?=\d{3}(?!\d))")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_SPACES = re.compile(r"\s+")

_CONSONANTAL_SCRIPTS = ("ARABIC", "HEBREW", "SYRIAC", "THAANA", "THAI", "NKO")
_SYLLABLE_SCRIPTS = ("CJK", "HANGUL")
_KANA_SCRIPTS = ("HIRAGANA", "KATAKANA")


def clean(text: str) -> str:
    """NFKC, typographic apostrophes dropped (``BA'ASYIR`` is one word), thousands separators removed."""
    text = _THOUSANDS_SPACE.sub("", text)
    text = unicodedata.normalize("NFKC", text)
    text = _APOSTROPHES.sub("", text)
    text = _THOUSANDS.sub("", text)
    return _SPACES.sub(" ", text).strip()


@lru_cache(maxsize=4096)
def _script(char: str) -> str:
    """The Unicode script family of a letter, from its character name (``CJK``, ``ARABIC`` ...)."""
    try:
        return unicodedata.name(char).split(" ")[0]
    except ValueError:
        return "UNKNOWN"


def token_script(token: str) -> str:
    """The script of a token's first non-ASCII letter; ``LATIN`` for ASCII tokens."""
    if token.isascii():
        return "LATIN"
    for char in token:
        if not char.isascii() and char.isalpha():
            return _script(char)
    return "LATIN"


@lru_cache(maxsize=1)
def _icu_transliterator() -> Any:
    import icu  # PyICU: imported lazily, the Latin-only path never needs it

    return icu.Transliterator.createInstance("Any-Latin; Latin-ASCII")


@lru_cache(maxsize=131072)
def to_ascii(word: str) -> str:
    """A word in lower-case ASCII letters and digits; rigour's spelling first, ICU for other scripts."""
    if word.isascii():
        return _NON_ALNUM.sub("", word.lower())
    out = maybe_ascii(word)
    if not out.isascii():
        out = _icu_transliterator().transliterate(out)
    out = unicodedata.normalize("NFKD", out)
    return _NON_ALNUM.sub("", out.lower())


@lru_cache(maxsize=262144)
def org_symbols(form: str) -> frozenset[str]:
    """rigour's organisation symbols for one word: legal forms (``ORGCLS``), ``SYMBOL:CO``, domains, places.

    Only single-word spans count, so a symbol ties two words, never a word to a phrase.
    These tables load in a fraction of a second, so tokenisation may always use them.
    """
    return _single_word_symbols(NameTypeTag.ORG, form)


@lru_cache(maxsize=262144)
def name_symbols(form: str) -> frozenset[str]:
    """rigour's given-name and surname equivalences for one word (``NAME:Q…``: Mohammed = Мухаммед = محمد).

    rigour's name tables take many seconds to load on first use, so the query
    path never calls this: the index looks every listed form up at build time
    and keeps the answers (see ``ScreeningIndex.name_symbols``).
    """
    return frozenset(s for s in _single_word_symbols(NameTypeTag.ENT, form) if s.startswith(("[NAME:", "[NICK:")))


def _single_word_symbols(kind: NameTypeTag, form: str) -> frozenset[str]:
    found: set[str] = set()
    for name in analyze_names(kind, [form]):
        for span in name.spans:
            if len(span.parts) == 1:
                found.add(str(span.symbol))
    return frozenset(found)


def reorder_comma(text: str, schema: Schema | None) -> str:
    """``SALEK, ABDULHAI`` -> ``ABDULHAI SALEK``; organisation names and ``Name, Ltd.`` stay as they are."""
    if schema is Schema.ORGANIZATION or text.count(",") != 1:
        return text
    left, right = (part.strip() for part in text.split(","))
    if not left or not right or len(right.split()) > 4 or len(left.split()) > 4:
        return text
    if extract_org_types(right.casefold()) or any(_org_symbol(word) for word in tokenize_name(right.casefold())):
        return text
    return f"{right} {left}"


def _org_symbol(word: str) -> str | None:
    """``legal`` or ``org_term`` when rigour knows the word as a legal form or a generic organisation word."""
    symbols = org_symbols(word)
    if any(symbol.startswith("[ORGCLS:") for symbol in symbols):
        return "legal"
    if "[SYMBOL:CO]" in symbols or "[SYMBOL:CORP]" in symbols:
        return "org_term"
    return None


def _split_words(text: str) -> list[tuple[str, str, bool, bool]]:
    """``(ascii, original, consonantal, syllable)`` per word; Chinese and Korean split into syllables."""
    words: list[tuple[str, str, bool, bool]] = []
    for word in tokenize_name(text):
        script = token_script(word)
        syllable = script in _SYLLABLE_SCRIPTS
        pieces = [char for char in word if char.strip()] if syllable else [word]
        consonantal = script in _CONSONANTAL_SCRIPTS
        for piece in pieces:
            ascii_form = to_ascii(piece)
            if ascii_form:
                words.append((ascii_form, piece, consonantal, syllable))
    return words


def _legal_words(folded: str, schema: Schema | None) -> Counter[str]:
    """Words that belong to a recognised multi-word legal form (``obshchestvo s ogranichennoi ...``)."""
    if schema is Schema.PERSON:
        return Counter()
    found: Counter[str] = Counter()
    for matched, _target in extract_org_types(folded):
        words = tokenize_name(matched)
        if schema is None and len(words) == 1 and not unambiguous_legal_form(words[0]):
            continue
        for word in words:
            found.update([word] if token_script(word) not in _SYLLABLE_SCRIPTS else list(word))
    return found


def unambiguous_legal_form(word: str) -> bool:
    """A one-word legal form that is no one's name part: long (GMBH, LTDA) or without vowels (LTD, LLC, PLC).

    Short forms with vowels (SA, AG, AS, SEM, AO) are also name parts (BAH AG MOUSSA, TARAK SEM), so in a
    name of unknown type they stay words; in a name known to be an organisation they are legal forms.
    """
    return len(word) >= 4 or (len(word) >= 2 and not any(char in "aeiouy" for char in word))


@lru_cache(maxsize=1)
def _honorific_starts() -> frozenset[str]:
    """First words of rigour's person prefixes: only names starting so need the full prefix match."""
    return frozenset(
        prefix.split()[0].casefold().rstrip(".") for prefix in person_name_prefixes_list() if prefix.split()
    )


def _honorific_words(folded: str) -> Counter[str]:
    """Leading titles (Mr, Dr, Sheikh, General ...) per rigour's table."""
    first = folded.lstrip(" .,;:-'\"(").split(" ", 1)[0].rstrip(".")
    if first not in _honorific_starts():
        return Counter()
    stripped = remove_person_prefixes(folded)
    if stripped == folded:
        return Counter()
    return Counter(tokenize_name(folded[: len(folded) - len(stripped)]))


@lru_cache(maxsize=262144)
def _word_facts(word: str, original: str) -> tuple[str | None, frozenset[str], bool]:
    """Per word, whatever the name around it: organisation role, organisation symbols, whether it is a place."""
    org = _org_symbol(original) or (_org_symbol(word) if word != original else None)
    symbols = org_symbols(word) | org_symbols(original) if original != word else org_symbols(word)
    return org, symbols, any(symbol.startswith("[LOC:") for symbol in symbols)


def _kind(
    word: str,
    original: str,
    legal: Counter[str],
    honorific: Counter[str],
    schema: Schema | None,
    syllable: bool,
) -> TokenKind:
    person = schema is Schema.PERSON
    organisation = schema is Schema.ORGANIZATION
    if not word.isalpha():  # ASCII letters and digits only by now: a digit makes a number
        return TokenKind.NUMBER
    if legal and legal[original] > 0:
        legal[original] -= 1
        return TokenKind.LEGAL
    if syllable:  # a Chinese or Korean syllable is part of a legal form only inside a recognised one (有限公司)
        return TokenKind.WORD
    if honorific and honorific[original] > 0:
        honorific[original] -= 1
        return TokenKind.HONORIFIC
    if not person:
        org = _word_facts(word, original)[0]
        if org == "legal" and (organisation or unambiguous_legal_form(word)):
            return TokenKind.LEGAL
        if org == "org_term":
            return TokenKind.ORG_TERM
    return TokenKind.WORD


def tokenize(text: str, schema: Schema | None = None) -> tuple[Token, ...]:
    """The tokens of one name, in written order (after ``LAST, First`` reordering)."""
    text = reorder_comma(clean(text), schema)
    folded = text.casefold()
    legal = _legal_words(folded, schema)
    honorific = _honorific_words(folded) if schema is not Schema.ORGANIZATION else Counter()
    words = _split_words(folded)
    kinds = [_kind(word, original, legal, honorific, schema, syllable) for word, original, _, syllable in words]
    org_like = schema is Schema.ORGANIZATION or any(k in (TokenKind.LEGAL, TokenKind.ORG_TERM) for k in kinds)
    tokens: list[Token] = []
    for (word, original, consonantal, syllable), kind in zip(words, kinds, strict=True):
        _org, symbols, place = _word_facts(word, original)
        location = org_like and place and kind is TokenKind.WORD
        tokens.append(Token(word, original, kind, consonantal, symbols, location, syllable))
    return tuple(tokens)


def _has_script(text: str, scripts: tuple[str, ...]) -> bool:
    return any(not char.isascii() and char.isalpha() and _script(char) in scripts for char in text)


@lru_cache(maxsize=1)
def _kakasi() -> Any:
    """pykakasi's converter for Japanese readings, or None where it is not installed."""
    try:
        import pykakasi
    except ImportError:
        return None
    return pykakasi.kakasi()  # type: ignore[no-untyped-call]


def japanese_reading(text: str) -> str | None:
    """Hepburn romaji of a name with Japanese characters, segmented into words; None when unreadable."""
    kakasi = _kakasi()
    if kakasi is None:
        return None
    words: list[str] = []
    for part in clean(text).split(" "):
        reading = _part_reading(part)
        if reading is None:
            return None
        words.extend(reading)
    return " ".join(words) or None


@lru_cache(maxsize=65536)
def _part_reading(part: str) -> tuple[str, ...] | None:
    """Romaji words of one space-separated part; None when pykakasi cannot read a character of it."""
    words: list[str] = []
    converter: Any = _kakasi()
    for segment in converter.convert(part):
        reading = segment.get("hepburn", "").strip()
        if not reading and segment.get("orig", "").strip():
            return None  # a character pykakasi cannot read (simplified Chinese): not Japanese
        if reading:
            words.append(reading)
    return tuple(words)


def name_forms(text: str, schema: Schema | None = None) -> list[NameForm]:
    """Every reading of a name to match on: the main one, plus a Japanese reading where kanji or kana appear.

    Kanji alone may be Chinese or Japanese, so both readings are kept; kana make it Japanese.
    """
    main = NameForm(text, tokenize(text, schema))
    if not _has_script(text, ("CJK", *_KANA_SCRIPTS)):
        return [main] if main.tokens else []
    reading = japanese_reading(text)
    forms = [main] if main.tokens else []
    if reading:
        japanese = NameForm(text, tokenize(reading, schema), "ja")
        if japanese.tokens and japanese.text != main.text:
            if _has_script(text, _KANA_SCRIPTS):
                return [japanese]
            forms.append(japanese)
    return forms


def normalize_name(text: str, schema: Schema | None = None) -> str:
    """The main reading as one comparable string; idempotent: ``normalize_name(normalize_name(x))`` is the same."""
    return " ".join(token.text for token in tokenize(text, schema))
