"""The register's words, kept between monitoring runs: a list change finds the parties it can touch.

A delta run must learn which parties could match an entry added or changed
since the last run. Reading every party, its stored forms and its hash costs
in proportion to the register, however small the change. This index keeps,
as of the last run, every distinct word of the parties' stored name forms with
the parties using it (and each pair of adjacent words, which may match a
listed word written together), the words filed under the keys they are looked
up by, the parties' normalised identifiers, each party's forms (as word
numbers) and secondary facts, and, when that run looked every word up, the
words' neighbour maps in its index (:mod:`~proscribe.match.carried`). When
the register has not changed since that run:

- the maps are carried to the current index from the listed words that
  changed alone, so no word is looked up again;
- each changed entry's words meet the register's words under those keys
  (``ChangedEntries.reaching``), which names the parties that could match;
- the delta bound (:class:`~proscribe.match.delta.ChangedEntries`) runs on
  those parties' kept forms and facts, and only the parties it keeps are read
  back from the store.

It is a cache beside the screening index, never the truth, in two files: the
register's part (rewritten only when the register changed) names the run that
wrote it and the register's change count then (rows of ``party_versions``,
which only grow); the run's part (rewritten by every run) names the last run
(its number and start, which no other store shares) and the register's part it
goes with. A run that finds either moved on, or a file it cannot read, reads
the whole register as before and writes both anew.
"""

from __future__ import annotations

import marshal
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from itertools import pairwise
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, func, select

from proscribe.files import written_aside
from proscribe.match.carried import CarriedMaps
from proscribe.match.delta import ChangedEntries
from proscribe.match.delta_queries import NumberedQueries
from proscribe.match.features import QueryFacts, normalize_identifier
from proscribe.match.lookup_keys import FiledQueries
from proscribe.match.normalize import NameForm, Token
from proscribe.match.stored_forms import FORMS_VERSION, distinct_tokens_from_data, token_data
from proscribe.store.db import utc_iso
from proscribe.workflow.tables import party_versions

FILE_NAME = "register.words"  # the register's part: rewritten only when the register changes
RUN_FILE = "register.run"  # the last run's part (its key, the words' maps in its index): rewritten every run
FORMAT = 8
Facts = tuple[str | None, str | None, str | None, str | None]  # QueryFacts' fields, as stored


def run_key(run_id: int, started_at: datetime) -> str:
    """A monitoring run as the file names it: its number alone could be another store's."""
    return f"{run_id}@{utc_iso(started_at)}"


def register_mark(connection: Connection) -> int:
    """How many changes the register has seen: every party written adds a version row, none is deleted."""
    return int(connection.execute(select(func.count()).select_from(party_versions)).scalar_one())


@dataclass(slots=True)
class RegisterIndex:
    """The register's words as of one run (see the module docstring)."""

    run: str  # run_key of the last run it stands for
    mark: int
    written: str  # run_key of the run that wrote the register's part (which the run part names)
    party_ids: list[str]
    tokens: list[Token]
    token_parties: list[list[int]]  # per token: the parties (numbers into party_ids) whose forms hold it
    pairs: dict[tuple[int, int], list[int]]  # two tokens adjacent in a form -> the parties
    identifiers: dict[str, list[int]]  # a normalised identifier -> the parties giving it
    filed: FiledQueries  # the tokens under their lookup keys: a change's words find the tokens they meet
    party_forms: list[list[tuple[int, ...]]]  # per party: its forms, as numbers into tokens
    party_facts: list[Facts]  # per party: the secondary facts its screening weighs
    neighbours: CarriedMaps | None = None  # the tokens' neighbour maps in the index of that run, when kept

    @classmethod
    def build(
        cls,
        run: str,
        mark: int,
        forms: Mapping[str, Iterable[NameForm]],
        facts: Mapping[str, QueryFacts],
    ) -> RegisterIndex:
        """From every active party's forms and secondary facts (by party id)."""
        party_ids = sorted(forms)
        numbers: dict[Token, int] = {}
        tokens: list[Token] = []
        token_parties: list[list[int]] = []
        pairs: dict[tuple[int, int], list[int]] = {}
        identifiers: dict[str, list[int]] = {}
        party_forms: list[list[tuple[int, ...]]] = []
        party_facts: list[Facts] = []
        for party, party_id in enumerate(party_ids):
            seen: set[int] = set()
            seen_pairs: set[tuple[int, int]] = set()
            numbered: list[tuple[int, ...]] = []
            for form in forms[party_id]:
                ids: list[int] = []
                for token in form.tokens:
                    number = numbers.get(token)
                    if number is None:
                        number = numbers[token] = len(tokens)
                        tokens.append(token)
                        token_parties.append([])
                    ids.append(number)
                    if number not in seen:
                        seen.add(number)
                        token_parties[number].append(party)
                for pair in pairwise(ids):
                    if pair not in seen_pairs:
                        seen_pairs.add(pair)
                        pairs.setdefault(pair, []).append(party)
                numbered.append(tuple(ids))
            party_forms.append(numbered)
            known = facts[party_id]
            party_facts.append((known.schema, known.date_of_birth, known.country, known.id_number))
            if known.id_number and (key := normalize_identifier(known.id_number)):
                identifiers.setdefault(key, []).append(party)
        filed = FiledQueries.of(tokens)
        return cls(
            run, mark, run, party_ids, tokens, token_parties, pairs, identifiers, filed, party_forms, party_facts
        )

    @property
    def giving_facts(self) -> bool:
        """Whether a party gives a date of birth, a country or an identifier (not only a name and a type)."""
        return any(QueryFacts(*facts).gives_facts for facts in self.party_facts)

    def candidates(self, changed: ChangedEntries) -> set[str]:
        """Ids of the parties holding a word (or two adjacent words) that reaches a changed entry's, or one of
        its identifiers: every party that could match, and usually far fewer than the register."""
        return {self.party_ids[party] for party in self._candidates(changed.numbered(self.tokens))}

    def may_match(self, changed: ChangedEntries | None, facts_changed: ChangedEntries | None = None) -> set[str]:
        """Ids of the parties the delta bound keeps (``ChangedEntries.may_match`` on each party's kept forms
        and facts): what a run must screen, found without reading the register from the store.
        ``facts_changed``: entries whose birth dates, countries or identifiers changed, which only a party
        giving such a fact of its own can newly match."""
        found = set() if changed is None else self._kept(changed, range(len(self.party_ids)))
        if facts_changed is not None:
            giving = [party for party, facts in enumerate(self.party_facts) if QueryFacts(*facts).gives_facts]
            found |= self._kept(facts_changed, giving)
        return {self.party_ids[party] for party in found}

    def _kept(self, changed: ChangedEntries, among: Sequence[int]) -> set[int]:
        bound = changed.numbered(self.tokens, self.neighbours)
        bound.settle_pairs(self.pairs)
        # A change with fewer words than the register names its candidates from its own side, cheaply; a
        # larger one reaches most parties anyway, and the bound drops one none of whose words reach it at once.
        if len(changed.words) < len(self.tokens):
            among = sorted(self._candidates(bound).intersection(among))
        return bound.keeping(among, self.party_forms, self.party_facts)

    def _candidates(self, bound: NumberedQueries) -> set[int]:
        changed = bound.changed
        found: set[int] = set()
        for number in changed.reaching(self.tokens, self.filed):
            found.update(self.token_parties[number])
        for (left, right), parties in self.pairs.items():
            if not found.issuperset(parties) and bound.pair_reaches(left, right):
                found.update(parties)
        for value in changed.identifiers & self.identifiers.keys():
            found.update(self.identifiers[value])
        return found

    # -- the file ----------------------------------------------------------------------------------------

    def save(self, folder: Path) -> None:
        """Write both parts, the register's first: a run part naming other words is never read with them."""
        data = {
            "format": FORMAT,
            "forms": FORMS_VERSION,
            "written": self.written,
            "mark": self.mark,
            "parties": self.party_ids,
            "tokens": [token_data(token) for token in self.tokens],
            "token_parties": self.token_parties,
            "pairs": [(left, right, parties) for (left, right), parties in self.pairs.items()],
            "identifiers": self.identifiers,
            "filed": self.filed.to_data(),
            "party_forms": self.party_forms,
            "party_facts": self.party_facts,
        }
        _write(folder, FILE_NAME, data)
        self.save_run(folder)

    def save_run(self, folder: Path) -> None:
        """Write the run's part alone: after a run that changed none of the register."""
        neighbours = None if self.neighbours is None else self.neighbours.to_data()
        _write(folder, RUN_FILE, {"format": FORMAT, "run": self.run, "words": self.written, "neighbours": neighbours})

    @classmethod
    def load(cls, folder: Path, run: str, mark: int) -> RegisterIndex | None:
        """The index standing for ``run`` (a run_key) with the register at ``mark``; None if there is none such."""
        try:
            parts = _parts(folder, run)
            if parts is None or parts[1]["mark"] != mark:
                return None
            head, data = parts
            return cls(
                run,
                mark,
                data["written"],
                list(data["parties"]),
                distinct_tokens_from_data(data["tokens"]),
                data["token_parties"],
                {(left, right): parties for left, right, parties in data["pairs"]},
                data["identifiers"],
                FiledQueries.from_data(data["filed"]),
                data["party_forms"],
                data["party_facts"],
                None if head["neighbours"] is None else CarriedMaps.from_data(head["neighbours"]),
            )
        except (OSError, EOFError, ValueError, TypeError, KeyError, IndexError):
            return None

    def moved_to(self, run: str) -> RegisterIndex:
        """The same register, as of a later run that changed none of it."""
        return replace(self, run=run)


def kept_maps(folder: Path) -> tuple[list[Token], FiledQueries, CarriedMaps] | None:
    """The words the last kept register words hold, filed under their lookup keys, with their neighbour maps,
    whichever run or register kept them: a word's map depends on the word and the index alone, so they serve
    a run whose register moved on since. None when there are none such."""
    try:
        parts = _parts(folder)
        if parts is None or parts[0]["neighbours"] is None:
            return None
        head, data = parts
        tokens = distinct_tokens_from_data(data["tokens"])
        return tokens, FiledQueries.from_data(data["filed"]), CarriedMaps.from_data(head["neighbours"])
    except (OSError, EOFError, ValueError, TypeError, KeyError, IndexError):
        return None


def _parts(folder: Path, run: str | None = None) -> tuple[Any, Any] | None:
    """The run part and the register part it names, both of this format (the run part of ``run`` only,
    when given: checked before the larger register part is read); None when they do not go together.
    A missing or damaged file raises, for the caller to read as none."""
    head: Any = marshal.loads((folder / RUN_FILE).read_bytes())
    if head["format"] != FORMAT or (run is not None and head["run"] != run):
        return None
    data: Any = marshal.loads((folder / FILE_NAME).read_bytes())
    if (data["format"], data["forms"], data["written"]) != (FORMAT, FORMS_VERSION, head["words"]):
        return None
    return head, data


def _write(folder: Path, name: str, data: Any) -> None:
    with written_aside(folder / name) as handle:
        marshal.dump(data, handle)
