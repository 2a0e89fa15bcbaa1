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

_VERSION_MARK = f"v{VERSION}"  # begins every stored value: one of another version is never compared
ScreenedName = tuple[str, bool]  # a name's text, and whether it is a weak alias


@dataclass(frozen=True, slots=True)
class ScreenedChange:
    """How one entry changed, as screening reads it."""

    gained: frozenset[ScreenedName] | None  # names screening had not seen before; None: all of them count as new
    facts: bool  # birth dates, countries or identifiers changed (always, for an entry new to the list)


NEW = ScreenedChange(None, True)  # an entry new to the list, or one whose earlier version says too little
UNSCORED = ScreenedChange(frozenset(), False)  # nothing screening reads changed


def screened_content(entity: Entity) -> str:
    """The stored form of what screening reads of ``entity``: its version, type and a digest of its facts,
    then its names as JSON, apart by spaces, so two versions mostly compare as strings."""
    names = [[name.value, name.kind is NameKind.WEAK] for name in entity.names]
    facts = [
        [[date.value, date.end] for date in entity.birth_dates],
        entity.countries,
        [identifier.value for identifier in entity.identifiers],
    ]
    digest = hashlib.sha256(_canonical(facts).encode()).hexdigest()[:32]
    return f"{_VERSION_MARK} {entity.schema.value} {digest} {_canonical(names)}"


def screened_change(before: str | None, after: str | None) -> ScreenedChange:
    """How an entry changed from the version stored as ``before`` to ``after`` (None: a version stored before
    this was kept, or no earlier version): a changed type changes how every name is read, so all count."""
    if before is None or after is None:
        return NEW
    earlier, later = before.split(" ", 3), after.split(" ", 3)
    if len(earlier) != 4 or len(later) != 4 or earlier[0] != _VERSION_MARK or later[0] != _VERSION_MARK:
        return NEW  # kept by another version of this
    if earlier[1] != later[1]:
        return NEW
    facts = earlier[2] != later[2]
    if earlier[3] == later[3]:  # the common change (programs, remarks, addresses) reads no names
        return UNSCORED if not facts else ScreenedChange(frozenset(), True)
    try:
        seen = {(str(text), bool(weak)) for text, weak in json.loads(earlier[3])}
        gained = frozenset((str(text), bool(weak)) for text, weak in json.loads(later[3])) - seen
    except (ValueError, TypeError):  # not as this version writes it: every name counts
        return NEW
    return ScreenedChange(gained, facts)


def _canonical(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
