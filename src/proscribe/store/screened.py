"""What screening reads of an entity version, kept beside it: a list update then tells monitoring what to look at.

Name screening reads an entity's type, its names (and which are weak
aliases), its birth dates, its countries and its identifiers; everything else
(programs, remarks, addresses but for their countries, the publisher's record)
is shown with a match, never scored. ``match.index`` builds from exactly these
(``tests/store/test_screened.py`` checks it). When an entry changes, a party
that did not match it before can match it now only through a name it gained,
or, for a party with a date of birth, a country or an identifier, through its
changed facts; a party that matched it before is screened again whatever
changed (the hit's entry changed). So the importer stores, per version, the
names as screening reads them and a digest of the facts, and
:func:`screened_change` compares two versions without reading either record.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from proscribe.model import Entity, NameKind

VERSION = 1  # raise when screening starts reading more of an entity: stored values of older versions then say "all"

_PREFIX = f"v{VERSION} "  # begins every stored value: one of another version is never compared
ScreenedName = tuple[str, bool]  # a name's text, and whether it is a weak alias


@dataclass(frozen=True, slots=True)
class ScreenedChange:
    """How one entry changed, as screening reads it."""

    gained: frozenset[ScreenedName] | None  # names screening had not seen before; None: all of them count as new
    facts: bool  # birth dates, countries or identifiers changed (always, for an entry new to the list)


NEW = ScreenedChange(None, True)  # an entry new to the list, or one whose earlier version says too little
UNSCORED = ScreenedChange(frozenset(), False)  # nothing screening reads changed


def screened_content(entity: Entity) -> str:
    """The stored form of what screening reads of ``entity``: the version prefix, then canonical JSON."""
    names = [[name.value, name.kind is NameKind.WEAK] for name in entity.names]
    facts = [
        [[date.value, date.end] for date in entity.birth_dates],
        entity.countries,
        [identifier.value for identifier in entity.identifiers],
    ]
    digest = hashlib.sha256(_canonical(facts).encode()).hexdigest()[:32]
    return _PREFIX + _canonical({"schema": entity.schema.value, "names": names, "facts": digest})


def screened_change(before: str | None, after: str | None) -> ScreenedChange:
    """How an entry changed from the version stored as ``before`` to ``after`` (None: a version stored before
    this was kept, or no earlier version): a changed type changes how every name is read, so all count."""
    if before is not None and before == after and before.startswith(_PREFIX):
        return UNSCORED  # the common change: programs, remarks, addresses
    earlier, later = _read(before), _read(after)
    if earlier is None or later is None or earlier["schema"] != later["schema"]:
        return NEW
    if earlier["names"] == later["names"]:
        return ScreenedChange(frozenset(), earlier["facts"] != later["facts"])
    seen = {(str(text), bool(weak)) for text, weak in earlier["names"]}
    gained = frozenset((str(text), bool(weak)) for text, weak in later["names"]) - seen
    return ScreenedChange(gained, earlier["facts"] != later["facts"])


def _read(stored: str | None) -> dict[str, Any] | None:
    if stored is None or not stored.startswith(_PREFIX):
        return None
    data: dict[str, Any] = json.loads(stored[len(_PREFIX) :])
    return data


def _canonical(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
