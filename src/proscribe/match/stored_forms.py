"""Name forms kept between runs: a party's normalised readings, stored so a later run need not redo them.

Normalising a name (transliteration, Japanese readings, rigour's tables) costs
more than deciding whether it could meet a few changed list entries, so a
monitoring run stores each party's forms when it screens the party in full,
and a delta run reads them back. The text carries a format version: forms
written by another version of the normaliser are ignored and recomputed, never
trusted.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from proscribe.match.normalize import NameForm, Token, TokenKind

# Bump whenever normalize.py changes what a name becomes: stored forms of another version are recomputed.
FORMS_VERSION = 2


def dump_forms(forms: Sequence[NameForm]) -> str:
    stored = [[form.source, form.reading, [token_data(t) for t in form.tokens]] for form in forms]
    return json.dumps(
        {"v": FORMS_VERSION, "forms": stored},
        ensure_ascii=False,
        separators=(",", ":"),
    )


def load_forms(text: str | None) -> tuple[NameForm, ...] | None:
    """The stored forms, or None when absent, unreadable or written by another normaliser version."""
    if not text:
        return None
    try:
        data = json.loads(text)
        if data.get("v") != FORMS_VERSION:
            return None
        forms = data["forms"]
        return tuple(
            NameForm(source, tuple(map(token_from_data, tokens)), reading) for source, reading, tokens in forms
        )
    except (ValueError, TypeError, KeyError, AttributeError):
        return None


def token_data(token: Token) -> list[Any]:
    """A token as plain data (JSON or marshal), every field kept."""
    return [
        token.text,
        token.original,
        token.kind.value,
        int(token.consonantal),
        sorted(token.symbols),
        int(token.location),
        int(token.syllable),
    ]


_KINDS = {kind.value: kind for kind in TokenKind}  # a kind by its stored value, without the enum's own lookup
_TOKENS: dict[tuple[Any, ...], Token] = {}  # a register repeats its words: build each token once


def distinct_tokens_from_data(items: Iterable[list[Any]]) -> list[Token]:
    """Tokens back from :func:`token_data`, each met once (a register's words): built without the cache that
    :func:`token_from_data` keeps for words read again and again."""
    return [
        Token(text, original, _KINDS[kind], bool(consonantal), frozenset(symbols), bool(location), bool(syllable))
        for text, original, kind, consonantal, symbols, location, syllable in items
    ]


def token_from_data(data: list[Any]) -> Token:
    """A token back from :func:`token_data`: built once per distinct token, as a register repeats its words."""
    text, original, kind, consonantal, symbols, location, syllable = data
    key = (text, original, kind, consonantal, tuple(symbols), location, syllable)
    found = _TOKENS.get(key)
    if found is None:
        found = Token(
            str(text),
            str(original),
            _KINDS[kind],
            bool(consonantal),
            frozenset(map(str, symbols)),
            bool(location),
            bool(syllable),
        )
        if len(_TOKENS) > 500_000:
            _TOKENS.clear()
        _TOKENS[key] = found
    return found
