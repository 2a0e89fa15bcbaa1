"""The candidate index: every listed name as weighted tokens, with the keys that find them fast.

Built once from a plain iterable of :class:`~proscribe.model.Entity` (the store
hands over its current editions; this module knows nothing of the store), kept
in memory, and saved to one file that a new process loads in well under a
second. What it holds, and why:

- token postings (token -> listed names), with an IDF rarity per token, so a
  query walks only the postings of its rare tokens;
- merged-adjacent-token entries (``abdul`` + ``rahman`` -> ``abdulrahman``), so a
  name written as one word finds the listed name written as two;
- for every listed token, its neighbours precomputed at build time: fuzzy
  (SymSpell-style one-deletion map checked with OSA distance), phonetic
  (metaphone), consonant skeleton, and rigour name-equivalence symbols; a query
  token never seen at build time is looked up through the same maps;
- the secondary facts each entity needs for scoring (dates of birth,
  countries, identifiers) and an identifier map for decisive ID matches.

The saved file is ``MAGIC``, a format version, then one ``marshal`` blob of
plain lists, tuples and dicts: marshal reads such data several times faster
than pickle, and the version lets a newer release refuse a stale file.
"""

from __future__ import annotations

import marshal
import math
import threading
from collections.abc import Iterable, Sequence
from collections.abc import Set as AbstractSet
from functools import cached_property
from itertools import pairwise
from operator import itemgetter
from pathlib import Path
from typing import Any

from proscribe.files import written_aside
from proscribe.match.features import KIND_WEIGHT, LOCATION_WEIGHT, Facts, normalize_identifier
from proscribe.match.keys import token_similarity
from proscribe.match.lookup_keys import filed_keys, query_keys
from proscribe.match.normalize import Token, name_forms, name_symbols
from proscribe.match.score import firm_total
from proscribe.model import Entity, NameKind

MAGIC = b"PSCRIDX"
FORMAT_VERSION = 4

# One neighbour: (vocabulary id, similarity, kind, edit distance)
Neighbour = tuple[int, float, str, int]
# The deletion, phonetic, skeleton and symbol maps a word is looked up through (see ``key_maps``)
KeyMaps = tuple[dict[str, Any], dict[str, Any], dict[str, Any], dict[str, Any]]
_KIND_CODES = {"word": "w", "number": "n", "legal": "l", "org_term": "o", "honorific": "h"}
KIND_NAMES = {code: name for name, code in _KIND_CODES.items()}


class IndexFormatError(Exception):
    """A saved index this version cannot read (wrong file, or an older or newer format)."""


class ScreeningIndex:
    """Listed names as token ids, postings, neighbour maps and entity facts; see the module docstring."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data
        self.entity_ids: list[str] = data["entity_ids"]
        self.entity_info: list[tuple[str, str, str, str, tuple[str, ...]]] = data["entity_info"]
        self.entity_facts: list[tuple[Any, ...]] = data["entity_facts"]
        self.name_entity: list[int] = data["name_entity"]
        self.name_text: list[str] = data["name_text"]
        self.name_tokens: list[tuple[int, ...]] = data["name_tokens"]
        self.name_kinds: list[str] = data["name_kinds"]
        self.name_weights: list[tuple[float, ...]] = data["name_weights"]
        self.name_merged: list[tuple[int, ...]] = data["name_merged"]
        self.name_weak: list[bool] = data["name_weak"]
        self.vocab: list[str] = data["vocab"]
        self.rarity: list[float] = data["rarity"]
        self.vocab_symbols: list[tuple[str, ...]] = data["vocab_symbols"]
        self.postings: list[tuple[int, ...]] = data["postings"]
        self.neighbours: list[tuple[Any, ...]] = data["neighbours"]
        self._deletes: dict[str, tuple[int, ...]] | None = data.get("deletes")
        self._deletes_blob: bytes | memoryview | None = None
        self._deletes_lock = threading.Lock()
        self.phonetic_map: dict[str, tuple[int, ...]] = data["phonetic_map"]
        self.skeleton_map: dict[str, tuple[int, ...]] = data["skeleton_map"]
        self.symbol_map: dict[str, tuple[int, ...]] = data["symbol_map"]
        self.identifier_map: dict[str, tuple[int, ...]] = data["identifier_map"]
        self.lexicon: dict[str, tuple[str, ...]] = data["lexicon"]
        self.max_rarity: float = data["max_rarity"]
        self.vocab_index: dict[str, int] = dict(zip(self.vocab, range(len(self.vocab)), strict=True))
        # The least each name can weigh in a score's denominator (unmatched legal forms are free): pruning bound.
        # Computed at build and saved, so loading an index does not spend a fifth of a second on it.
        self.name_total: list[float] = data.get("name_total") or name_totals(self.name_weights, self.name_kinds)
        self._symbol_sets: dict[int, frozenset[str]] = {}

    def __len__(self) -> int:
        return len(self.entity_ids)

    @property
    def name_count(self) -> int:
        return len(self.name_text)

    @cached_property
    def merged_from(self) -> int:
        """Vocabulary ids from here on are two listed words written together (keyed for fuzzy lookup only): found
        at build and saved (finding it walks every name's words)."""
        found = self.data.get("merged_from")
        return int(found) if found is not None else _merged_from(self.name_tokens)

    @cached_property
    def heaviest_weight(self) -> float:
        """The most any listed token weighs in a name (found at build and saved: finding it costs 0.01 s)."""
        found = self.data.get("heaviest_weight")
        if found is None:
            found = max((max(weights, default=0.0) for weights in self.name_weights), default=0.0)
        return float(found)

    @cached_property
    def highest_rarity(self) -> float:
        """The most a query word's closest listed neighbour can weigh: a merged spelling's rarity (its parts'
        sum) may exceed every listed word's."""
        return max(self.max_rarity, max(self.rarity, default=0.0))

    def facts(self, entity: int) -> Facts:
        schema, dates, countries, identifiers = self.entity_facts[entity]
        return Facts(schema, dates, countries, identifiers)

    def symbols_of(self, vocab_id: int) -> frozenset[str]:
        found = self._symbol_sets.get(vocab_id)
        if found is None:
            found = self._symbol_sets[vocab_id] = frozenset(self.vocab_symbols[vocab_id])
        return found

    def token_symbols(self, token: Token) -> frozenset[str]:
        """A query token's symbols: its organisation symbols plus the name equivalences the build looked up."""
        found = self.lexicon.get(token.text)
        original = self.lexicon.get(token.original) if token.original != token.text else None
        if not found and not original:
            return token.symbols
        return token.symbols.union(found or (), original or ())

    def stored_neighbours(self, vocab_id: int) -> dict[int, tuple[float, str, int]]:
        """The build-time neighbour map of a listed token, itself included as exact."""
        flat = self.neighbours[vocab_id]
        found: dict[int, tuple[float, str, int]] = {vocab_id: (1.0, "exact", 0)}
        for k in range(0, len(flat), 4):
            found[flat[k]] = (flat[k + 1], flat[k + 2], flat[k + 3])
        return found

    def find_neighbours(
        self,
        text: str,
        symbols: frozenset[str],
        consonantal: bool,
        mode: str = "word",
        allowed: AbstractSet[int] | None = None,
        maps: KeyMaps | None = None,
    ) -> dict[int, tuple[float, str, int]]:
        """Every listed token related to ``text`` (of ``allowed`` only, if given), with similarity, kind and
        edit distance; ``maps`` are key maps over ``allowed`` (see :func:`key_maps`) to look it up in."""
        return find_neighbours(
            text,
            symbols,
            consonantal,
            mode,
            self.vocab,
            self.vocab_index,
            self.symbols_of,
            maps or (self.deletes(), self.phonetic_map, self.skeleton_map, self.symbol_map),
            allowed,
        )

    def token_rarity(self, text: str, neighbours: dict[int, tuple[float, str, int]]) -> float:
        """The rarity of a query token: its own if listed, else its closest listed neighbour's, else the maximum."""
        own = self.vocab_index.get(text)
        if own is not None:
            return self.rarity[own]
        if not neighbours:
            return self.max_rarity
        closest = max(map(itemgetter(0), neighbours.values()))  # the most alike, and of those the commonest
        rarity = self.rarity
        return min(rarity[vocab_id] for vocab_id, hit in neighbours.items() if hit[0] == closest)

    def deletes(self) -> dict[str, tuple[int, ...]]:
        """The deletion map, read from the saved file on first use: only unseen query words need it,
        and it is the bulk of the file, so loading it lazily keeps a new process's start fast."""
        if self._deletes is None:
            with self._deletes_lock:  # API workers' threads may ask at once; load once, never lose the blob
                if self._deletes is None:
                    self._deletes = marshal.loads(self._deletes_blob or marshal.dumps({}))
                    self._deletes_blob = None
        return self._deletes

    def save(self, path: Path | str) -> None:
        """Write the index to one file (written aside and renamed, so readers never see half a file).

        Layout: MAGIC, format version (2 bytes), length of the main blob (8 bytes), the main marshal blob
        (everything but the deletion map), then the deletion map's marshal blob.
        """
        main = marshal.dumps({key: value for key, value in self.data.items() if key != "deletes"})
        with written_aside(Path(path)) as handle:
            handle.write(MAGIC + FORMAT_VERSION.to_bytes(2, "big") + len(main).to_bytes(8, "big"))
            handle.write(main)
            handle.write(marshal.dumps(self.deletes()))

    @classmethod
    def load(cls, path: Path | str) -> ScreeningIndex:
        blob = Path(path).read_bytes()
        if not blob.startswith(MAGIC):
            raise IndexFormatError(f"{path}: not a screening index file")
        start = len(MAGIC)
        version = int.from_bytes(blob[start : start + 2], "big")
        if version != FORMAT_VERSION:
            raise IndexFormatError(f"{path}: index format {version}, this version reads {FORMAT_VERSION}: rebuild it")
        size = int.from_bytes(blob[start + 2 : start + 10], "big")
        view = memoryview(blob)  # the two blobs are read in place: copying them out cost a fifth of the load
        try:
            data = marshal.loads(view[start + 10 : start + 10 + size])
        except (EOFError, ValueError, TypeError) as error:
            raise IndexFormatError(f"{path}: damaged index file ({error}): rebuild it") from None
        index = cls(data)
        index._deletes_blob = view[start + 10 + size :]
        return index


SymbolsOf = Any  # Callable[[int], frozenset[str]]


def find_neighbours(
    text: str,
    symbols: frozenset[str],
    consonantal: bool,
    mode: str,
    vocab: list[str],
    vocab_index: dict[str, int],
    symbols_of: SymbolsOf,
    maps: KeyMaps,
    allowed: AbstractSet[int] | None = None,
) -> dict[int, tuple[float, str, int]]:
    """Look a token up through the deletion, phonetic, skeleton and symbol maps, then verify each hit.

    ``mode`` is :func:`token_similarity`'s: ``syllable`` looks up equivalence symbols only. With
    ``allowed``, only those vocabulary ids are verified and returned (a delta run's changed words).
    """
    deletes, phonetic_map, skeleton_map, symbol_map = maps
    keys = query_keys(text, consonantal, mode)
    candidates: set[int] = set()
    for key in keys.deletions:
        candidates.update(deletes.get(key, ()))
    for key in keys.shorter:
        shorter = vocab_index.get(key)  # listed words too short for the deletion map (YYU / YU)
        if shorter is not None:
            candidates.add(shorter)
    if keys.sound:
        candidates.update(phonetic_map.get(keys.sound, ()))
    for key in keys.skeletons:
        candidates.update(skeleton_map.get(key, ()))
    if mode != "merged":
        for symbol in symbols:
            if not symbol.startswith("[NUM:"):
                candidates.update(symbol_map.get(symbol, ()))
    found: dict[int, tuple[float, str, int]] = {}
    own = vocab_index.get(text)
    if allowed is not None:
        candidates &= allowed
        own = own if own in allowed else None
    if own is not None:
        found[own] = (1.0, "exact", 0)
    for vocab_id in candidates:
        if vocab_id == own:
            continue
        sim, kind, distance = token_similarity(text, vocab[vocab_id], symbols, symbols_of(vocab_id), consonantal, mode)
        if sim > 0:
            found[vocab_id] = (sim, kind, distance)
    return found


class IndexBuilder:
    """Accumulates entities, then computes weights, postings and neighbour maps in :meth:`finish`."""

    def __init__(self) -> None:
        self.entity_ids: list[str] = []
        self.entity_info: list[tuple[str, str, str, str, tuple[str, ...]]] = []
        self.entity_facts: list[tuple[Any, ...]] = []
        self.name_entity: list[int] = []
        self.name_text: list[str] = []
        self.name_tokens: list[tuple[int, ...]] = []
        self.name_kinds: list[str] = []
        self.name_location: list[tuple[bool, ...]] = []
        self.name_weak: list[bool] = []
        self.vocab: list[str] = []
        self.vocab_index: dict[str, int] = {}
        self.vocab_symbols: list[set[str]] = []
        self.consonantal: list[bool] = []
        self.originals: set[str] = set()
        self.df: list[int] = []

    def intern(self, text: str) -> int:
        found = self.vocab_index.get(text)
        if found is None:
            found = self.vocab_index[text] = len(self.vocab)
            self.vocab.append(text)
            self.vocab_symbols.append(set())
            self.consonantal.append(False)
            self.df.append(0)
        return found

    def add(self, entity: Entity) -> None:
        index = len(self.entity_ids)
        self.entity_ids.append(entity.id)
        self.entity_info.append(
            (entity.source, entity.source_id, entity.schema.value, entity.caption, tuple(entity.programs))
        )
        dates = tuple((d.value, d.end) for d in entity.birth_dates)
        identifiers = tuple(dict.fromkeys(v for i in entity.identifiers if (v := normalize_identifier(i.value))))
        self.entity_facts.append((entity.schema.value, dates, tuple(entity.countries), identifiers))
        seen: set[tuple[int, ...]] = set()
        for name in entity.names:
            for form in name_forms(name.value, entity.schema):
                self._add_form(index, name.value, form.tokens, name.kind is NameKind.WEAK, seen)

    def _add_form(self, entity: int, text: str, tokens: tuple[Token, ...], weak: bool, seen: set[Any]) -> None:
        ids = tuple(self.intern(token.text) for token in tokens)
        if not ids or ids in seen:
            return
        seen.add(ids)
        for token, vocab_id in zip(tokens, ids, strict=True):
            self.vocab_symbols[vocab_id].update(token.symbols)
            if token.original != token.text:
                self.originals.add(token.original)
                self.vocab_symbols[vocab_id].update(name_symbols(token.original))
            self.consonantal[vocab_id] = self.consonantal[vocab_id] or token.consonantal
        for vocab_id in set(ids):
            self.df[vocab_id] += 1
        self.name_entity.append(entity)
        self.name_text.append(text)
        self.name_tokens.append(ids)
        self.name_kinds.append("".join(_KIND_CODES[token.kind.value] for token in tokens))
        self.name_location.append(tuple(token.location for token in tokens))
        self.name_weak.append(weak)

    def finish(self) -> ScreeningIndex:
        names = len(self.name_tokens)
        listed = len(self.vocab)  # ids from here on are merged pairs
        rarity = [math.log((names + 1) / (df + 0.5)) for df in self.df]
        weights = [
            tuple(
                rarity[t] * KIND_WEIGHT[KIND_NAMES[k]] * (LOCATION_WEIGHT if loc else 1.0)
                for t, k, loc in zip(ids, kinds, locs, strict=True)
            )
            for ids, kinds, locs in zip(self.name_tokens, self.name_kinds, self.name_location, strict=True)
        ]
        merged: list[tuple[int, ...]] = []
        for ids in self.name_tokens:
            pairs: list[int] = []
            for a, b in pairwise(ids):
                pair = self.intern(self.vocab[a] + self.vocab[b])
                if pair == len(rarity):  # a merged spelling no listed name uses: weighs as its two parts
                    rarity.append(rarity[a] + rarity[b])
                pairs.append(pair)
            merged.append(tuple(pairs))
        postings: list[list[int]] = [[] for _ in self.vocab]
        for name_id, (ids, joined) in enumerate(zip(self.name_tokens, merged, strict=True)):
            for vocab_id in dict.fromkeys(ids + joined):
                postings[vocab_id].append(name_id)
        for vocab_id, text in enumerate(self.vocab):
            self.vocab_symbols[vocab_id].update(name_symbols(text))
        symbols = [tuple(sorted(s)) for s in self.vocab_symbols]
        lexicon = _lexicon(self.vocab, self.originals, symbols)
        maps = key_maps(self.vocab, symbols, listed)
        symbol_sets = [frozenset(s) for s in symbols]
        neighbours: list[tuple[Any, ...]] = []
        for vocab_id, text in enumerate(self.vocab):
            found = find_neighbours(
                text, symbol_sets[vocab_id], self.consonantal[vocab_id], "word", self.vocab, self.vocab_index,
                symbol_sets.__getitem__, maps,
            )  # fmt: skip
            found.pop(vocab_id, None)
            neighbours.append(tuple(x for other, hit in found.items() for x in (other, *hit)))
        identifier_map: dict[str, list[int]] = {}
        for entity, facts in enumerate(self.entity_facts):
            for value in facts[3]:
                identifier_map.setdefault(value, []).append(entity)
        data = {
            "entity_ids": self.entity_ids,
            "entity_info": self.entity_info,
            "entity_facts": self.entity_facts,
            "name_entity": self.name_entity,
            "name_text": self.name_text,
            "name_tokens": self.name_tokens,
            "name_kinds": self.name_kinds,
            "name_weights": weights,
            "name_merged": merged,
            "name_weak": self.name_weak,
            "vocab": self.vocab,
            "rarity": rarity,
            "vocab_symbols": symbols,
            "postings": [tuple(p) for p in postings],
            "neighbours": neighbours,
            "deletes": maps[0],
            "phonetic_map": maps[1],
            "skeleton_map": maps[2],
            "symbol_map": maps[3],
            "identifier_map": {k: tuple(v) for k, v in identifier_map.items()},
            "lexicon": lexicon,
            "max_rarity": math.log((names + 1) / 0.5),
            "name_total": name_totals(weights, self.name_kinds),
            "heaviest_weight": max((max(w, default=0.0) for w in weights), default=0.0),
            "merged_from": _merged_from(self.name_tokens),
        }
        return ScreeningIndex(data)


def _merged_from(name_tokens: list[tuple[int, ...]]) -> int:
    return 1 + max((t for tokens in name_tokens for t in tokens), default=-1)


def name_totals(weights: list[tuple[float, ...]], kinds: list[str]) -> list[float]:
    """Each name's firm total: the least it can weigh in a score's denominator."""
    return [firm_total(w, [KIND_NAMES[code] for code in k]) for w, k in zip(weights, kinds, strict=True)]


def key_maps(
    vocab: list[str], symbols: Sequence[Sequence[str]], listed: int, ids: Iterable[int] | None = None
) -> KeyMaps:
    """Deletion, phonetic, skeleton and symbol maps over the vocabulary (or over ``ids`` of it only).

    Merged entries (ids from ``listed`` on: two listed words joined) are filed for fuzzy lookup only
    (see ``lookup_keys.filed_keys``). Maps over a
    subset find, for any word, exactly the subset's share of what the whole maps find: a delta run looks
    the register's words up among the changed words only, at a cost in proportion to the change.
    """
    deletes: dict[str, list[int]] = {}
    phonetics: dict[str, list[int]] = {}
    skeletons: dict[str, list[int]] = {}
    symbol_map: dict[str, list[int]] = {}
    for vocab_id in range(len(vocab)) if ids is None else sorted(ids):
        removed, sound, skeleton_keys = filed_keys(vocab[vocab_id], vocab_id >= listed)
        for key in removed:
            deletes.setdefault(key, []).append(vocab_id)
        if vocab_id >= listed:
            continue
        if sound:
            phonetics.setdefault(sound, []).append(vocab_id)
        for key in skeleton_keys:
            skeletons.setdefault(key, []).append(vocab_id)
        for symbol in symbols[vocab_id]:
            if not symbol.startswith("[NUM:"):
                symbol_map.setdefault(symbol, []).append(vocab_id)
    return tuple({k: tuple(v) for k, v in m.items()} for m in (deletes, phonetics, skeletons, symbol_map))  # type: ignore[return-value]


_SYLLABLE_BLOCKS = ((0xAC00, 0xD7A4), (0x4E00, 0xA000))  # Hangul syllables, CJK unified ideographs


def _lexicon(vocab: list[str], originals: set[str], symbols: list[tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
    """Name equivalences for every listed form, and for every Korean syllable and Chinese character.

    Queries look their words up here instead of asking rigour (whose name tables
    take many seconds to load): a query word written as some listed word was, or
    any one Hangul syllable or Han character (金 -> Kim, 박 -> Park), finds the
    same equivalences rigour would give. Entries sharing no symbol with the
    listed vocabulary could never produce a match and are left out.
    """
    listed = {symbol for found in symbols for symbol in found if symbol.startswith(("[NAME:", "[NICK:"))}
    forms = set(vocab) | originals
    for start, end in _SYLLABLE_BLOCKS:
        forms.update(chr(code) for code in range(start, end))
    lexicon: dict[str, tuple[str, ...]] = {}
    for form in forms:
        found = name_symbols(form) & listed
        if found:
            lexicon[form] = tuple(sorted(found))
    return lexicon


def build_index(entities: Iterable[Entity]) -> ScreeningIndex:
    """Build the screening index from any iterable of entities (a parser's stream, the store's editions)."""
    builder = IndexBuilder()
    for entity in entities:
        builder.add(entity)
    return builder.finish()
