"""Finding listed names inside free text (remittance information, goods descriptions), fast.

A name field is screened as a whole; free text is not a name, and screening
every run of one to six words of it with the matching engine would cost dozens
of engine calls per transaction. Instead every listed name is filed under its
rarest tokens (its *anchors*: two, or three for long names; with one-deletion
variants for typos, and joined with each neighbour so ``abdul rahman`` also
finds ``abdulrahman``). A text is read token by token; around each anchor hit
the window grows over the neighbouring tokens that belong to the same listed
name, and only windows holding at least half of that name (or all of a short
one) go to the engine, which decides, with its explanation, like for any name.

Both sides are read the same way: any script transliterated to Latin (ICU),
accents folded, lower case, letters and digits only.

The scanner also knows every identifier a listed entry carries (BIC, IMO ...),
so a party's BIC is put to the engine, which treats identifiers as decisive,
only in the form a list actually uses (with or without the branch code).
"""

from __future__ import annotations

import marshal
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from proscribe.model import Entity

MAGIC = b"PSCRTXS"
FORMAT_VERSION = 4
_TOKEN = re.compile(r"[a-z0-9]+")
MIN_DELETION_LENGTH = 5  # shorter words have too many one-deletion neighbours in ordinary prose
MIN_WINDOW_CHARS = 4
MAX_TEXT_TOKENS = 400  # a remittance field is short; a pasted document is screened on its first part


@lru_cache(maxsize=1)
def _transliterator() -> Any:
    import icu

    return icu.Transliterator.createInstance("Any-Latin; Latin-ASCII")


def transliterate(text: str) -> str:
    """Latin letters for any script (ICU ``Any-Latin; Latin-ASCII``)."""
    return str(_transliterator().transliterate(text))


@lru_cache(maxsize=65536)
def tokens(text: str) -> tuple[str, ...]:
    """Lower-case ASCII letter/digit tokens of any script (transliterated), for anchors and windows alike."""
    if not text.isascii():
        text = _transliterator().transliterate(text)
    return tuple(_TOKEN.findall(text.lower()))


@lru_cache(maxsize=131072)
def token_keys(token: str) -> tuple[str, ...]:
    """The keys a token is filed and looked up under: itself and, when long enough, its one-deletion variants."""
    if len(token) < MIN_DELETION_LENGTH:
        return (token,)
    return tuple(dict.fromkeys([token, *(token[:i] + token[i + 1 :] for i in range(len(token)))]))


def normalize_identifier(value: str) -> str:
    return re.sub(r"[^A-Z0-9]", "", value.upper())


@lru_cache(maxsize=65536)
def identifier_forms(value: str) -> tuple[str, ...]:
    """An identifier as listed entries may carry it: as written, and a BIC without its branch code."""
    text = normalize_identifier(value)
    forms = [text]
    if len(text) == 11 and text[:6].isalpha():
        forms.append(text[:8])
    return tuple(f for f in forms if len(f) >= 4)


@dataclass(frozen=True, slots=True)
class Window:
    """A stretch of free text that reads like (part of) a listed name, to be screened as a name."""

    start: int  # token positions, end exclusive
    end: int
    text: str


class NameScanner:
    """Anchors of every listed name, the token lists that window growth needs, and listed identifiers."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.anchors: dict[str, tuple[int, ...]] = data["anchors"]
        self.name_tokens: list[tuple[str, ...]] = data["name_tokens"]
        self.identifiers: frozenset[str] = frozenset(data["identifiers"])
        self._name_sets: dict[int, frozenset[str]] = {}
        self._windows: dict[str, list[Window]] = {}  # texts repeat ("salary", "rent") in a book

    @classmethod
    def build(cls, entities: Iterable[Entity]) -> NameScanner:
        names: list[tuple[str, ...]] = []
        identifiers: set[str] = set()
        for entity in entities:
            for name in entity.names:
                found = tokens(name.value)
                if found:
                    names.append(found)
            for identifier in entity.identifiers:
                identifiers.update(identifier_forms(identifier.value))
        return cls.from_names(names, identifiers)

    @classmethod
    def from_names(cls, names: list[tuple[str, ...]], identifiers: Iterable[str] = ()) -> NameScanner:
        frequency: Counter[str] = Counter()
        for found in names:
            frequency.update(set(found))
        anchors: dict[str, set[int]] = {}
        for number, found in enumerate(names):
            for key in _anchor_keys(found, frequency):
                anchors.setdefault(key, set()).add(number)
        return cls(
            {
                "anchors": {key: tuple(sorted(ids)) for key, ids in anchors.items()},
                "name_tokens": names,
                "identifiers": sorted(set(identifiers)),
            }
        )

    def to_data(self) -> dict[str, Any]:
        return {"anchors": self.anchors, "name_tokens": self.name_tokens, "identifiers": sorted(self.identifiers)}

    def save(self, path: Path) -> None:
        temporary = path.with_name(path.name + ".tmp")
        with temporary.open("wb") as handle:
            handle.write(MAGIC + FORMAT_VERSION.to_bytes(2, "big"))
            marshal.dump(self.to_data(), handle)
        temporary.replace(path)

    @classmethod
    def load(cls, path: Path) -> NameScanner:
        with path.open("rb") as handle:
            head = handle.read(len(MAGIC) + 2)
            if head[: len(MAGIC)] != MAGIC or int.from_bytes(head[len(MAGIC) :], "big") != FORMAT_VERSION:
                raise ValueError(f"{path}: not a name scanner file of format {FORMAT_VERSION}")
            data = marshal.load(handle)
        return cls(data)

    def listed_identifier(self, value: str | None) -> str | None:
        """The form of ``value`` that a listed entry carries (BIC with or without branch), or None."""
        if not value:
            return None
        return next((form for form in identifier_forms(value) if form in self.identifiers), None)

    def windows(self, text: str) -> list[Window]:
        """Stretches of ``text`` that read like a listed name: anchor hits grown over that name's other tokens."""
        cached = self._windows.get(text)
        if cached is None:
            cached = self._find_windows(text)
            if len(self._windows) >= 65536:
                self._windows.clear()
            self._windows[text] = cached
        return cached

    def _find_windows(self, text: str) -> list[Window]:
        found = tokens(text)[:MAX_TEXT_TOKENS]
        seen: dict[tuple[int, int], Window] = {}
        for position, number in self._anchor_hits(found):
            start, end = self._grow(found, position, number)
            if (start, end) in seen:
                continue
            words = found[start:end]
            if sum(len(w) for w in words) < MIN_WINDOW_CHARS:
                continue
            listed = len(self.name_tokens[number])
            if (len(words) == 1 and listed > 1) or len(words) * 2 < min(listed, 4):
                continue  # too little of the listed name is there to be it
            seen[(start, end)] = Window(start, end, " ".join(words))
        found_windows = sorted(seen.values(), key=lambda w: (w.start, -w.end))
        # a window inside a longer one adds nothing: the longer one is screened as the name
        return [
            w
            for w in found_windows
            if not any(o is not w and o.start <= w.start and o.end >= w.end for o in found_windows)
        ]

    def _anchor_hits(self, found: tuple[str, ...]) -> Iterator[tuple[int, int]]:
        """(text position, listed name number) for each anchor hit, at most once per name and position.

        A token hits an anchor when it is the anchor, or one edit away by a
        missing or an extra letter (the anchor's deletions are filed as ``~key``);
        a joined pair of tokens hits a joined anchor.
        """
        anchors = self.anchors
        for position, token in enumerate(found):
            keys = [token, "~" + token]
            if len(token) > MIN_DELETION_LENGTH:
                keys.extend(token[:i] + token[i + 1 :] for i in range(len(token)))
            if position + 1 < len(found):
                keys.append(token + found[position + 1])
            seen: set[int] = set()
            for key in keys:
                for number in anchors.get(key, ()):
                    if number not in seen:
                        seen.add(number)
                        yield position, number

    def _grow(self, found: tuple[str, ...], position: int, number: int) -> tuple[int, int]:
        """Widen [position, position + 1) over neighbouring tokens that belong to listed name ``number``."""
        start, end = position, position + 1
        while start > 0 and self._belongs(found[start - 1], number):
            start -= 1
        while end < len(found) and self._belongs(found[end], number):
            end += 1
        return start, end

    def _belongs(self, token: str, number: int) -> bool:
        members = self._name_sets.get(number)
        if members is None:
            members = frozenset(key for word in self.name_tokens[number] for key in token_keys(word))
            self._name_sets[number] = members
        return not members.isdisjoint(token_keys(token))


def _anchor_keys(found: tuple[str, ...], frequency: Counter[str]) -> set[str]:
    """Keys a listed name is filed under: its rarest tokens, their deletions (``~``), their joins with neighbours."""
    distinct = sorted(set(found), key=lambda t: (frequency[t], -len(t), t))
    chosen = set(distinct[: 3 if len(distinct) >= 5 else 2])
    keys: set[str] = set()
    for position, token in enumerate(found):
        if token not in chosen:
            continue
        keys.add(token)
        if len(token) >= MIN_DELETION_LENGTH:
            keys.update("~" + token[:i] + token[i + 1 :] for i in range(len(token)))
        if position > 0:
            keys.add(found[position - 1] + token)
        if position + 1 < len(found):
            keys.add(token + found[position + 1])
    return keys
