"""The scoring rules as data: token-match strengths, token weights, and secondary-fact features.

Every number that shapes a score lives here, in the spirit of nomenklatura's
LogicV2 feature table: a reviewer can read the whole policy on one screen, and
every explanation line names the row of this module that produced it.

The name score is a symmetric, weighted coverage over a one-to-one token
alignment (see ``score.py``); the tables below say how strongly each kind of
token agreement counts and how much each token weighs. Secondary facts then
move the name score up or down by bounded amounts: a shifted date of birth or a
missing middle name lowers a strong name match without sinking it, while an
exact identifier match is decisive.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from proscribe.match.types import Query

# How alike two tokens are when they agree in each way (1.0 = identical).
TOKEN_SIMILARITY: dict[str, float] = {
    "exact": 1.0,
    "legal": 1.0,  # the same legal designation written two ways: Co. / Company, Ltd / Limited / LLC
    "symbol": 0.9,  # rigour name equivalence: Mohammed / Мухаммед, tech / technology, 김 GIM / KIM
    "symbol_weak": 0.7,  # an equivalence of one Chinese or Korean syllable without shared consonants: 刘 LIU / YU
    "phonetic": 0.85,  # same metaphone key: Aleksandr / Alexander
    "skeleton": 0.8,  # same consonants: Noorzai / Nurzai
    "skeleton_consonantal": 0.9,  # Arabic/Hebrew/Thai written without vowels: mhmd / Mohamed
    "initial": 0.6,  # a single letter against a word it starts: J / John
}
# A token matched against two adjacent tokens written together (ABDULRAHMAN / ABDUL RAHMAN) keeps this share.
MERGED_FACTOR = 0.95


FIRST_LETTER_CHANGED = 0.05  # typos rarely hit the first letter (the Jaro-Winkler insight): TARAK is not SARAK


def fuzzy_similarity(edits: int, length: int, same_first: bool = True) -> float:
    """Similarity of two words ``edits`` apart, the longer having ``length`` letters: 1 edit in 5 -> 0.86."""
    return 1.0 - edits / (length + 2) - (0.0 if same_first else FIRST_LETTER_CHANGED)


# How much a token counts, relative to its rarity weight (inverse document frequency).
KIND_WEIGHT: dict[str, float] = {
    "word": 1.0,
    "number": 1.0,
    "legal": 0.1,
    "org_term": 0.2,
    "honorific": 0.2,
}
LOCATION_WEIGHT = 0.5  # a place name inside an organisation name: "Zhejiang" Dahua Technology
# What a token of these kinds weighs when the other name has nothing to align it with (else its weight):
# legal forms and generic organisation words are added and dropped freely (Acme / Acme LLC / Acme Company).
UNMATCHED_KIND_WEIGHT: dict[str, float] = {"legal": 0.0, "org_term": 0.0}

# Name-level penalties (subtracted from the name score).
NUMBER_MISMATCH = 0.15  # both names carry numbers and one of the query's has no exact counterpart

# Default decision threshold of the default algorithm, and of the OFAC algorithm.
DEFAULT_THRESHOLD = 0.8
OFAC_THRESHOLD = 0.85


@dataclass(frozen=True, slots=True)
class Facts:
    """The secondary facts of one listed entity, as the index stores them."""

    schema: str
    birth_dates: tuple[tuple[str, str | None], ...] = ()  # (partial ISO date, range end or None)
    countries: tuple[str, ...] = ()
    identifiers: tuple[str, ...] = ()  # normalised with :func:`normalize_identifier`


@dataclass(frozen=True, slots=True)
class QueryFacts:
    schema: str | None = None
    date_of_birth: str | None = None
    country: str | None = None
    id_number: str | None = None

    @classmethod
    def of(cls, query: Query) -> QueryFacts:
        """The secondary facts a query brings, as screening weighs them."""
        return cls(query.schema.value if query.schema else None, query.date_of_birth, query.country, query.id_number)

    @property
    def gives_facts(self) -> bool:
        """Whether it gives a date of birth, a country or an identifier: only then can an entry's changed facts
        move its score (the type aside, which moves with the entry's names)."""
        return bool(self.date_of_birth or self.country or self.id_number)


@dataclass(frozen=True, slots=True)
class Evidence:
    value: float  # in [-1, 1]: how strongly the fact agrees (+) or disagrees (-)
    detail: str


@dataclass(frozen=True, slots=True)
class FactFeature:
    """One secondary-fact rule: its effect is ``weight * value``; ``decisive`` lifts the score to DECISIVE_SCORE."""

    name: str
    weight: float
    evaluate: Callable[[QueryFacts, Facts], Evidence | None]
    decisive: bool = False


DECISIVE_SCORE = 0.99
# Contrary facts count for more when the name itself says little. A name's specificity is the weight of its
# matched listed tokens, in units of the rarest token's weight; below SPECIFIC_NAME (two rare words and a bit)
# disagreeing dates and countries are amplified, up to MAX_AMPLIFY: ZHANG LEI born 1988 is not the listed
# ZHANG LEI born 1961, while ABDULHAI SALEK with a shifted year of birth still is the listed one.
SPECIFIC_NAME = 3.0
MAX_AMPLIFY = 3.0


def amplification(specificity: float) -> float:
    """How much contrary secondary facts are amplified for a name match of this specificity."""
    if specificity <= 0:
        return MAX_AMPLIFY
    return max(1.0, min(MAX_AMPLIFY, SPECIFIC_NAME / specificity))


_ID_CLEAN = re.compile(r"[^0-9A-Z]")
_DATE = re.compile(r"^\s*(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?")


def normalize_identifier(value: str) -> str:
    """Identifiers compare without spaces, dashes or case: ``AB 123-456`` = ``ab123456``."""
    return _ID_CLEAN.sub("", value.upper())


def parse_date(value: str | None) -> tuple[int, int | None, int | None] | None:
    """(year, month, day) from a partial ISO date, tolerating ``1969-7-16``; None when no year."""
    if not value:
        return None
    found = _DATE.match(value)
    if not found:
        return None
    year, month, day = found.groups()
    return int(year), int(month) if month else None, int(day) if day else None


def _date_evidence(query: tuple[int, int | None, int | None], listed: str, end: str | None) -> Evidence | None:
    parsed = parse_date(listed)
    if parsed is None:
        return None
    year, month, day = parsed
    last = parse_date(end)
    if last and last[0] > year:  # a range of years: inside counts as the same year
        if year <= query[0] <= last[0]:
            return Evidence(0.3, f"birth year {query[0]} within listed {year}-{last[0]}")
        gap = min(abs(query[0] - year), abs(query[0] - last[0]))
        return Evidence(-min(gap, 4) * 0.25, f"birth year {query[0]} is {gap} year(s) outside {year}-{last[0]}")
    if query[0] != year:
        gap = abs(query[0] - year)
        return Evidence(-min(gap, 4) * 0.25, f"birth year {query[0]} vs listed {listed}: off by {gap}")
    if query[1] and month and query[2] and day and (query[1], query[2]) == (month, day):
        return Evidence(0.5, f"date of birth {listed} matches exactly")
    if (query[1] and month and query[1] != month) or (query[2] and day and query[2] != day):
        return Evidence(0.0, f"same birth year {year}, month or day differs from listed {listed}")
    return Evidence(0.3, f"same birth year {year} (listed {listed})")


def date_of_birth(query: QueryFacts, facts: Facts) -> Evidence | None:
    """Best agreement between the query's date of birth and any listed one (lists often give several)."""
    wanted = parse_date(query.date_of_birth)
    if wanted is None or not facts.birth_dates:
        return None
    found = [e for value, end in facts.birth_dates if (e := _date_evidence(wanted, value, end)) is not None]
    return max(found, key=lambda evidence: evidence.value) if found else None


def nationality(query: QueryFacts, facts: Facts) -> Evidence | None:
    if not query.country or not facts.countries:
        return None
    if query.country in facts.countries:
        return Evidence(1.0, f"country {query.country} is listed")
    return Evidence(-1.0, f"country {query.country} not among listed {', '.join(facts.countries)}")


def identifier_match(query: QueryFacts, facts: Facts) -> Evidence | None:
    if not query.id_number or normalize_identifier(query.id_number) not in facts.identifiers:
        return None
    return Evidence(1.0, f"identifier {query.id_number} matches a listed identifier")


def identifier_conflict(query: QueryFacts, facts: Facts) -> Evidence | None:
    if not query.id_number or not facts.identifiers:
        return None
    if normalize_identifier(query.id_number) in facts.identifiers:
        return None
    return Evidence(-1.0, f"identifier {query.id_number} differs from the {len(facts.identifiers)} listed")


def schema_conflict(query: QueryFacts, facts: Facts) -> Evidence | None:
    """The query's type differs from the listed entry's; a query with a date of birth is a person."""
    schema = query.schema or ("person" if query.date_of_birth else None)
    if not schema or schema == facts.schema:
        return None
    why = "" if query.schema else " (it has a date of birth)"
    return Evidence(-1.0, f"query is a {schema}{why}, listed entry a {facts.schema}")


FACT_FEATURES: tuple[FactFeature, ...] = (
    FactFeature("identifier_match", 1.0, identifier_match, decisive=True),
    FactFeature("identifier_conflict", 0.05, identifier_conflict),
    FactFeature("date_of_birth", 0.1, date_of_birth),
    FactFeature("nationality", 0.03, nationality),
    FactFeature("schema_conflict", 0.2, schema_conflict),
)


def max_bonus(query: QueryFacts) -> float:
    """The most secondary facts can add for this query: candidates whose name score plus this falls short are pruned."""
    bonus = 0.0
    if query.date_of_birth:
        bonus += 0.1 * 0.5
    if query.country:
        bonus += 0.03
    return bonus
