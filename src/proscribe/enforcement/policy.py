"""The enforcement policy: which list hit blocks, rejects or holds a transaction, and which places are embargoed.

Whether property is *blocked* (frozen, kept in a blocked account) or a
transaction is *rejected* (refused, nothing held) depends on the sanctions
program, not on the list alone; both must be reported to OFAC within 10
business days. The rules here are data, kept in the store and changed only with
an audit event, so a compliance officer can adapt them without a release.

Default program rules (first match wins; an entry with several programs takes
the strongest action of them, block > reject > hold):

1. OFAC SDN list, Foreign Sanctions Evaders tags (``FSE-*``): **reject**.
   Dealings are prohibited but the property of an FSE is not blocked.
2. OFAC SDN list, non-SDN tags carried there (``NS-*``): **hold** for review.
3. OFAC SDN list, every other program: **block**. SDN programs are blocking
   sanctions (property of a listed person is frozen), and the 50 percent rule
   extends them to entities owned 50 % or more, in aggregate, by blocked persons.
4. OFAC non-SDN lists, NS-CMIC (``CMIC-*``, ``NS-CMIC*``) on a securities
   order: **reject**. EO 13959 / EO 14032 prohibit purchasing publicly traded
   securities of these companies; it is not a blocking sanction and the 50
   percent rule does not apply to it.
5. Same companies, any other transaction: **hold** (payments to them are not
   prohibited by NS-CMIC; other regimes, e.g. Section 889 procurement limits,
   need a person's judgement).
6. OFAC non-SDN lists, FSE tags: **reject**; every other non-SDN tag (SSI,
   NS-MBS, NS-PLC, CAPTA ...): **hold** (they restrict particular dealings).
7. Any other list (Consolidated Screening List, UN, BIS Denied Persons, FCC
   Covered List, OpenSanctions ...): **hold**. Export controls and equipment
   bans do not freeze payments; a person decides.

Default country rules (comprehensive embargoes): Cuba **block** (CACR, 31 CFR
515: property in which Cuba or a Cuban national has an interest is blocked),
North Korea **block** (NKSR, EO 13722), Iran **reject** (ITSR, 31 CFR 560:
transactions are prohibited; property is blocked only where a blocked person
has an interest), and the occupied regions of Ukraine (Crimea EO 13685, the
so-called DNR/LNR EO 14065) **reject**. Syria is not in the defaults: its
sanctions program was revoked with effect from 1 July 2025 (EO 14312);
persons still listed on the SDN list are caught by rule 3.

Only hits scoring at least ``auto_decide_score`` decide block or reject by
themselves; weaker hits hold the transaction for an analyst. A name found only
inside free text holds at most (``free_text_max``): a mention is evidence for
a person to weigh, not proof of an interest.
"""

from __future__ import annotations

import fnmatch
import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from proscribe.enforcement.transactions import KINDS

ACTIONS = ("pass", "hold", "reject", "block")
SEVERITY = {action: rank for rank, action in enumerate(ACTIONS)}
RULE_ACTIONS = ("hold", "reject", "block")
SDN = "us_ofac_sdn"
NON_SDN = "us_ofac_cons"


class PolicyError(ValueError):
    """A policy document that cannot be used; the message names the rule and the field."""


def strongest(actions: Iterable[str]) -> str:
    return max(actions, key=SEVERITY.__getitem__, default="pass")


@dataclass(frozen=True, slots=True)
class ProgramRule:
    action: str
    source: str = "*"  # list key, shell pattern
    program: str = "*"  # program tag, shell pattern, case-insensitive
    kinds: tuple[str, ...] = ()  # transaction kinds it applies to; empty: every kind
    fifty_percent: bool = False  # entities owned 50 % or more by such persons are blocked too
    note: str = ""

    def applies(self, source: str, program: str, kind: str | None) -> bool:
        if kind is not None and self.kinds and kind not in self.kinds:
            return False
        return fnmatch.fnmatchcase(source.lower(), self.source.lower()) and fnmatch.fnmatchcase(
            program.upper(), self.program.upper()
        )

    def describe(self) -> str:
        where = f"{self.source}:{self.program}" + (f" on {'/'.join(self.kinds)}" if self.kinds else "")
        return f"{where} -> {self.action}" + (f" ({self.note})" if self.note else "")


@dataclass(frozen=True, slots=True)
class CountryRule:
    territory: str  # ISO alpha-2 (CU), or a region (UA-CRI); a country rule also covers its regions
    action: str
    program: str  # the legal authority, as reports name it
    keywords: tuple[str, ...] = ()  # words that place an address there (region names, cities)
    note: str = ""

    def covers(self, code: str) -> bool:
        return code == self.territory or code.startswith(self.territory + "-")


@dataclass(frozen=True, slots=True)
class Decided:
    """The action a list entry calls for, and the rule (text) that chose it."""

    action: str
    rule: str
    programs: tuple[str, ...]  # the programs behind the action
    fifty_percent: bool


@dataclass(frozen=True, slots=True)
class Policy:
    program_rules: tuple[ProgramRule, ...]
    country_rules: tuple[CountryRule, ...]
    auto_decide_score: float = 0.95
    alert_threshold: float | None = None  # the engine's threshold for a hit (None: the engine's default)
    free_text_max: str = "hold"
    _cache: dict[tuple[str, tuple[str, ...], str | None], Decided] = field(
        default_factory=dict, compare=False, repr=False
    )

    def decide_entity(self, source: str, programs: Sequence[str], kind: str | None = None) -> Decided:
        """What a hit on a list entry calls for: the strongest action over its programs."""
        key = (source, tuple(programs), kind)
        found = self._cache.get(key)
        if found is None:
            found = self._decide(source, programs, kind)
            self._cache[key] = found
        return found

    def _decide(self, source: str, programs: Sequence[str], kind: str | None) -> Decided:
        best: tuple[str, ProgramRule] | None = None
        chosen: list[str] = []
        for program in programs or [""]:
            rule = next((r for r in self.program_rules if r.applies(source, program, kind)), None)
            if rule is None:
                continue
            if best is None or SEVERITY[rule.action] > SEVERITY[best[0]]:
                best, chosen = (rule.action, rule), [program]
            elif rule.action == best[0]:
                chosen.append(program)
        if best is None:
            return Decided("hold", f"{source}: no rule matches; held for review", tuple(programs), False)
        action, rule = best
        return Decided(action, rule.describe(), tuple(p for p in chosen if p), rule.fifty_percent)

    def blocking(self, source: str, programs: Sequence[str]) -> tuple[str, ...]:
        """The programs of an entry under which the 50 percent rule extends blocking to what it owns."""
        found = []
        for program in programs:
            rule = next((r for r in self.program_rules if r.applies(source, program, None)), None)
            if rule is not None and rule.action == "block" and rule.fifty_percent:
                found.append(program)
        return tuple(found)

    def country_rule(self, code: str) -> CountryRule | None:
        return next((rule for rule in self.country_rules if rule.covers(code)), None)

    def to_dict(self) -> dict[str, Any]:
        return {
            "auto_decide_score": self.auto_decide_score,
            "alert_threshold": self.alert_threshold,
            "free_text_max": self.free_text_max,
            "program_rules": [_rule_dict(asdict(rule)) for rule in self.program_rules],
            "country_rules": [_rule_dict(asdict(rule)) for rule in self.country_rules],
        }

    @property
    def fingerprint(self) -> str:
        return hashlib.sha256(json.dumps(self.to_dict(), sort_keys=True).encode()).hexdigest()[:16]

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Policy:
        """A policy from its JSON document, every field checked; raises PolicyError naming what is wrong."""
        if not isinstance(data, Mapping):
            raise PolicyError("a policy is a JSON object")
        known = {"auto_decide_score", "alert_threshold", "free_text_max", "program_rules", "country_rules"}
        unknown = sorted(set(data) - known)
        if unknown:
            raise PolicyError(f"unknown policy field {unknown[0]!r}")
        auto = _score(data.get("auto_decide_score", 0.95), "auto_decide_score")
        threshold = data.get("alert_threshold")
        cap = data.get("free_text_max", "hold")
        if cap not in ACTIONS:
            raise PolicyError(f"free_text_max: {cap!r} is not one of {', '.join(ACTIONS)}")
        return cls(
            program_rules=tuple(_program_rule(i, r) for i, r in enumerate(_list(data, "program_rules"), 1)),
            country_rules=tuple(_country_rule(i, r) for i, r in enumerate(_list(data, "country_rules"), 1)),
            auto_decide_score=auto,
            alert_threshold=None if threshold is None else _score(threshold, "alert_threshold"),
            free_text_max=cap,
        )


def _rule_dict(values: dict[str, Any]) -> dict[str, Any]:
    return {k: list(v) if isinstance(v, tuple) else v for k, v in values.items() if v not in ((), "", False)}


def _list(data: Mapping[str, Any], key: str) -> list[Any]:
    value = data.get(key, [])
    if not isinstance(value, list):
        raise PolicyError(f"{key}: a list is expected")
    return value


def _score(value: Any, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0.0 < float(value) <= 1.0:
        raise PolicyError(f"{name}: a number in (0, 1] is expected, not {value!r}")
    return float(value)


def _strings(value: Any, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise PolicyError(f"{where}: a list of words is expected")
    return tuple(value)


def _program_rule(number: int, raw: Any) -> ProgramRule:
    where = f"program_rules[{number}]"
    if not isinstance(raw, Mapping):
        raise PolicyError(f"{where}: an object is expected")
    unknown = sorted(set(raw) - {"action", "source", "program", "kinds", "fifty_percent", "note"})
    if unknown:
        raise PolicyError(f"{where}: unknown field {unknown[0]!r}")
    action = raw.get("action")
    if action not in RULE_ACTIONS:
        raise PolicyError(f"{where}.action: {action!r} is not one of {', '.join(RULE_ACTIONS)}")
    kinds = _strings(raw.get("kinds", []), f"{where}.kinds")
    for kind in kinds:
        if kind not in KINDS:
            raise PolicyError(f"{where}.kinds: {kind!r} is not one of {', '.join(KINDS)}")
    fifty = raw.get("fifty_percent", False)
    if not isinstance(fifty, bool):
        raise PolicyError(f"{where}.fifty_percent: true or false")
    if fifty and action != "block":
        raise PolicyError(f"{where}: the 50 percent rule extends only blocking rules")
    return ProgramRule(
        action, str(raw.get("source", "*")), str(raw.get("program", "*")), kinds, fifty, str(raw.get("note", ""))
    )


def _country_rule(number: int, raw: Any) -> CountryRule:
    where = f"country_rules[{number}]"
    if not isinstance(raw, Mapping):
        raise PolicyError(f"{where}: an object is expected")
    unknown = sorted(set(raw) - {"territory", "action", "program", "keywords", "note"})
    if unknown:
        raise PolicyError(f"{where}: unknown field {unknown[0]!r}")
    territory = str(raw.get("territory", "")).upper()
    if not territory or not territory.split("-")[0].isalpha() or len(territory.split("-")[0]) != 2:
        raise PolicyError(f"{where}.territory: an ISO code such as CU or UA-CRI is expected")
    action = raw.get("action")
    if action not in RULE_ACTIONS:
        raise PolicyError(f"{where}.action: {action!r} is not one of {', '.join(RULE_ACTIONS)}")
    keywords = tuple(k.lower() for k in _strings(raw.get("keywords", []), f"{where}.keywords"))
    return CountryRule(territory, action, str(raw.get("program") or territory), keywords, str(raw.get("note", "")))


DEFAULT_POLICY = Policy(
    program_rules=(
        ProgramRule("reject", SDN, "FSE*", note="Foreign Sanctions Evaders: dealings prohibited, nothing blocked"),
        ProgramRule("hold", SDN, "NS-*", note="non-SDN restriction carried on the SDN list"),
        ProgramRule("block", SDN, "*", fifty_percent=True, note="SDN blocking program; 50 percent rule"),
        ProgramRule("reject", NON_SDN, "CMIC*", ("securities",), note="NS-CMIC securities purchase prohibited"),
        ProgramRule("reject", NON_SDN, "NS-CMIC*", ("securities",), note="NS-CMIC securities purchase prohibited"),
        ProgramRule("hold", NON_SDN, "CMIC*", note="NS-CMIC is not blocking; review other dealings"),
        ProgramRule("hold", NON_SDN, "NS-CMIC*", note="NS-CMIC is not blocking; review other dealings"),
        ProgramRule("reject", NON_SDN, "FSE*", note="Foreign Sanctions Evaders: dealings prohibited"),
        ProgramRule("hold", NON_SDN, "*", note="non-SDN sectoral or menu-based restriction"),
        ProgramRule("hold", "*", "*", note="not a blocking list; review"),
    ),
    country_rules=(
        CountryRule("CU", "block", "CUBA (CACR, 31 CFR 515)", note="comprehensive embargo; Cuban interest blocked"),
        CountryRule("KP", "block", "DPRK (NKSR, 31 CFR 510; EO 13722)", note="comprehensive embargo"),
        CountryRule("IR", "reject", "IRAN (ITSR, 31 CFR 560)", note="comprehensive embargo; reject"),
        CountryRule(
            "UA-CRI",
            "reject",
            "UKRAINE-EO13685 (Crimea)",
            ("crimea", "krym", "sevastopol", "simferopol", "kerch", "yalta", "yevpatoria"),
            "region embargo",
        ),
        CountryRule("UA-DPR", "reject", "RUSSIA-EO14065 (so-called DNR)", ("donetsk", "dnr"), "region embargo"),
        CountryRule(
            "UA-LPR", "reject", "RUSSIA-EO14065 (so-called LNR)", ("luhansk", "lugansk", "lnr"), "region embargo"
        ),
    ),
)
