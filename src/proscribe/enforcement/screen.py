"""Deciding a transaction: every name-bearing field and every place in it, against the lists and the policy.

A decision is ``pass``, ``hold`` (an analyst reviews an alert), ``reject``
(refused, nothing held) or ``block`` (the funds or property are frozen into a
blocked account). Each hit says which field it came from and which rule of the
policy chose its action, so the reasons a reviewer or regulator reads are the
reasons the code acted on. This module decides only; recording (ledger,
alerts, audit) happens in ``proscribe.enforcement.service``.

What is screened, and how:
- party names (originator, beneficiary, ordering customer, supplier,
  manufacturer, intermediaries), their banks (by name, and by BIC when a list
  carries that BIC), vessels and aircraft (with IMO or tail number) go to the
  matching engine; results are cached per distinct query, because a book
  repeats its counterparties;
- free text (purpose, remittance information, goods description) is scanned
  for windows that read like listed names (``textscan``), which the engine
  then screens; such hits hold at most (``Policy.free_text_max``);
- entities blocked under the 50 percent rule are hits too: a listed entry
  derived-blocked through its owners, and unlisted companies named in the
  ownership file, screened through a small index of their own;
- countries (party countries, BIC countries, vessel flags, goods origin, and
  region names in addresses) against the policy's embargo rules.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from proscribe.enforcement.ownership import Derivation, OwnershipGraph, party_key
from proscribe.enforcement.policy import SEVERITY, CountryRule, Policy, strongest
from proscribe.enforcement.textscan import NameScanner, tokens
from proscribe.enforcement.transactions import Transaction
from proscribe.match import Match, Query, Screener

CACHE_LIMIT = 200_000


@dataclass(frozen=True, slots=True)
class Hit:
    field: str
    entity_id: str
    caption: str
    score: float
    programs: tuple[str, ...]
    action: str
    rule: str
    via: str  # list | ownership | text
    match: Match | None = None
    confirmed: str = ""  # the action if an analyst confirms the hit (differs from ``action`` when held)
    summary: str = ""  # why the names match, when there is no engine match to explain it

    def output(self) -> dict[str, Any]:
        return {
            "field": self.field,
            "entity_id": self.entity_id,
            "score": round(self.score, 4),
            "programs": list(self.programs),
        }

    def reason(self) -> str:
        programs = ", ".join(self.programs) or "no program"
        return (
            f"{self.action}: {self.field} matches {self.entity_id} {self.caption!r} "
            f"(score {self.score:.2f}; {programs}); rule {self.rule}"
        )


@dataclass(frozen=True, slots=True)
class PlaceHit:
    field: str
    territory: str
    party: str | None  # the party tied to that place, when there is one
    rule: CountryRule

    @property
    def action(self) -> str:
        return self.rule.action

    def reason(self) -> str:
        note = f" ({self.rule.note})" if self.rule.note else ""
        return f"{self.action}: {self.field} is {self.territory}, under {self.rule.program}{note}"


@dataclass(frozen=True, slots=True)
class Target:
    """Whose property is blocked (or why a transaction is rejected): owner, legal authority, the rule."""

    owner_id: str
    owner_name: str
    programs: tuple[str, ...]
    basis: str


@dataclass(slots=True)
class Decision:
    id: str
    decision: str
    reasons: list[str]
    hits: list[Hit] = field(default_factory=list)
    places: list[PlaceHit] = field(default_factory=list)
    target: Target | None = None

    def output(self) -> dict[str, Any]:
        """The published output line: id, decision, reasons, hits (field, entity_id, score, programs)."""
        return {
            "id": self.id,
            "decision": self.decision,
            "reasons": self.reasons,
            "hits": [hit.output() for hit in self.hits],
        }


@dataclass(frozen=True, slots=True)
class NameField:
    field: str
    name: str
    schema: str | None
    country: str | None
    id_number: str | None


class TransactionScreener:
    """Decides transactions; built once per run from the engine, the scanner, the policy and the ownership graph."""

    def __init__(
        self, screener: Screener, scanner: NameScanner, policy: Policy, graph: OwnershipGraph | None = None
    ) -> None:
        self.screener = screener
        self.scanner = scanner
        self.policy = policy
        self.graph = graph or OwnershipGraph([], [])
        derived = self.graph.derived_only()
        self.derived: dict[str, Derivation] = derived
        # unlisted companies blocked through their owners: compared with the main index's token weights
        self._owned = [
            (key, self.graph.nodes[key].caption, frozenset(tokens(self.graph.nodes[key].caption)))
            for key in derived
            if key.startswith("party:")
        ]
        self._cache: dict[tuple[Any, ...], tuple[Match, ...]] = {}
        self._owned_cache: dict[str, list[tuple[str, str, float, str]]] = {}
        self.places = PlaceRules(policy)

    # --- the decision ---

    def decide(self, tx: Transaction) -> Decision:
        hits = [hit for entry in name_fields(tx, self.scanner) for hit in self._name_hits(tx, entry)]
        hits += [hit for name, text in tx.texts for hit in self._text_hits(tx, name, text)]
        places = self.places.hits(tx)
        decision = strongest([h.action for h in hits] + [p.action for p in places])
        hits.sort(key=lambda h: (-SEVERITY[h.action], -h.score, h.field, h.entity_id))
        places.sort(key=lambda p: (-SEVERITY[p.action], p.field))
        reasons = _reasons(hits, places)
        target = _target(decision, hits, places) if decision in ("block", "reject") else None
        return Decision(tx.id, decision, reasons, hits, places, target)

    def _name_hits(self, tx: Transaction, entry: NameField) -> Iterator[Hit]:
        for match in self._matches(entry):
            yield self._hit(tx, entry.field, match, "list")
        for key, caption, score, summary in self._owned_matches(entry.name):
            derivation = self.derived[key]
            hit = Hit(
                entry.field,
                key,
                caption,
                score,
                derivation.programs,
                "block",
                self._fifty_rule(derivation),
                "ownership",
                None,
                "block",
                summary,
            )
            yield self._confidence(hit)

    def _text_hits(self, tx: Transaction, name: str, text: str) -> Iterator[Hit]:
        seen: set[str] = set()
        for window in self.scanner.windows(text):
            width = window.end - window.start
            for match in self._matches(NameField(name, window.text, None, None, None)):
                if match.entity_id in seen or len(tokens(match.matched_name)) > width + 1:
                    continue  # in prose, only (nearly) the whole listed name is evidence
                seen.add(match.entity_id)
                hit = self._hit(tx, name, match, "text")
                if SEVERITY[hit.action] > SEVERITY[self.policy.free_text_max]:
                    rule = f"{hit.rule}; found in free text ({window.text!r}): {self.policy.free_text_max} at most"
                    hit = replace(hit, action=self.policy.free_text_max, rule=rule)
                yield hit

    def _hit(self, tx: Transaction, field_name: str, match: Match, via: str) -> Hit:
        decided = self.policy.decide_entity(match.source, match.programs, tx.kind)
        action, rule, programs = decided.action, decided.rule, decided.programs or tuple(match.programs)
        derivation = self.derived.get(match.entity_id)
        if derivation is not None and SEVERITY["block"] > SEVERITY[action]:
            action, rule, programs = "block", self._fifty_rule(derivation), derivation.programs
        hit = Hit(field_name, match.entity_id, match.caption, match.score, programs, action, rule, via, match, action)
        return self._confidence(hit)

    def _confidence(self, hit: Hit) -> Hit:
        """Only a strong match decides block or reject by itself; a weaker one holds for an analyst."""
        if hit.action in ("block", "reject") and hit.score < self.policy.auto_decide_score:
            rule = (
                f"{hit.rule} [{hit.action} if confirmed: score below {self.policy.auto_decide_score:.2f},"
                " held for review]"
            )
            return replace(hit, action="hold", rule=rule)
        return hit

    def _fifty_rule(self, derivation: Derivation) -> str:
        terms = " + ".join(
            f"{h.share.normalize():f} % {self.graph.nodes[h.owner].caption} [{h.owner}]" for h in derivation.decisive
        )
        total = sum((h.share for h in derivation.decisive), Decimal(0))
        return f"50 percent rule: owned by blocked persons {terms} = {total.normalize():f} % (see ownership explain)"

    def _owned_matches(self, name: str) -> list[tuple[str, str, float, str]]:
        """Unlisted ownership-blocked companies whose name the party name matches: (key, caption, score, why)."""
        if not self._owned:
            return []
        cached = self._owned_cache.get(name)
        if cached is None:
            words = _words(name)
            cached = []
            for key, caption, listed in self._owned:
                if words & listed:
                    comparison = self.screener.compare(name, caption, "organization")
                    if comparison.match:
                        cached.append((key, caption, comparison.score, comparison.explanation.summary))
            if len(self._owned_cache) >= CACHE_LIMIT:  # a long-lived API worker meets endless names
                self._owned_cache.clear()
            self._owned_cache[name] = cached
        return cached

    def _matches(self, entry: NameField) -> tuple[Match, ...]:
        engine = self.screener
        key = (entry.name, entry.schema, entry.country, entry.id_number)
        found = self._cache.get(key)
        if found is None:
            country = entry.country.split("-")[0] if entry.country else None
            query = Query.build(entry.name, entry.schema, None, country, entry.id_number, entry.field)
            result = engine.screen(query, threshold=self.policy.alert_threshold, limit=10)
            found = tuple(m for m in result.matches if m.match)
            if len(self._cache) >= CACHE_LIMIT:
                self._cache.clear()
            self._cache[key] = found
        return found


class PlaceRules:
    """The policy's embargoed places, found in a transaction: countries, BIC countries, flags, region names.

    Its own class because a held transaction resolved as blocked names the same place's party as the owner
    of the property, long after the screening that held it.
    """

    def __init__(self, policy: Policy) -> None:
        self.policy = policy
        words = {word: rule for rule in policy.country_rules for word in rule.keywords}
        self._region_words = words
        self._regions = (
            re.compile(r"\b(" + "|".join(map(re.escape, sorted(words, key=len, reverse=True))) + r")\b", re.IGNORECASE)
            if words
            else None
        )

    def hits(self, tx: Transaction) -> list[PlaceHit]:
        found: list[PlaceHit] = []
        seen: set[tuple[str, str]] = set()
        for field_name, code, party in self._place_facts(tx):
            rule = self.policy.country_rule(code)
            if rule is not None and (field_name, rule.territory) not in seen:
                seen.add((field_name, rule.territory))
                found.append(PlaceHit(field_name, code, party, rule))
        return found

    def _place_facts(self, tx: Transaction) -> Iterator[tuple[str, str, str | None]]:
        for party in tx.parties:
            holder = party.name or party.bank
            if party.country:
                yield f"{party.role}.country", party.country, holder
            if party.bic:
                yield f"{party.role}.bic", party.bic[4:6], party.bank or party.bic
            for text_field, text in ((f"{party.role}.address", party.address), (f"{party.role}.city", party.city)):
                for rule in self._region_rules(text):
                    yield text_field, rule.territory, holder
        for craft in tx.crafts:
            if craft.flag:
                yield f"{craft.kind}.flag", craft.flag, craft.name
        if tx.goods_origin:
            yield "goods_origin", tx.goods_origin, None
        for rule in self._region_rules(tx.goods_location):
            yield "goods_location", rule.territory, None

    def _region_rules(self, text: str | None) -> list[CountryRule]:
        if not text or self._regions is None:
            return []
        return [self._region_words[m.group(1).lower()] for m in self._regions.finditer(text)]


def _words(name: str) -> frozenset[str]:
    return frozenset(re.findall(r"\w+", name.casefold()))


def name_fields(tx: Transaction, scanner: NameScanner) -> list[NameField]:
    """Every name-bearing field of a transaction, as the engine will be asked about it."""
    fields: list[NameField] = []
    for party in tx.parties:
        if party.name:
            fields.append(NameField(f"{party.role}.name", party.name, party.type, party.country, party.id_number))
        listed_bic = scanner.listed_identifier(party.bic)
        if party.bank or listed_bic:
            country = party.bic[4:6] if party.bic else None
            fields.append(
                NameField(f"{party.role}.bank", party.bank or str(party.bic), "organization", country, listed_bic)
            )
    for craft in tx.crafts:
        label = craft.name or craft.number
        if label:
            fields.append(NameField(f"{craft.kind}.name", label, craft.kind, None, craft.number))
    return fields


def _reasons(hits: Sequence[Hit], places: Sequence[PlaceHit]) -> list[str]:
    if not hits and not places:
        return ["no listed party, no listed name in the text, no embargoed place"]
    ranked = [(SEVERITY[h.action], 0, h.reason()) for h in hits] + [(SEVERITY[p.action], 1, p.reason()) for p in places]
    ranked.sort(key=lambda r: (-r[0], r[1]))
    return list(dict.fromkeys(r[2] for r in ranked))


def _target(decision: str, hits: Sequence[Hit], places: Sequence[PlaceHit]) -> Target:
    """The owner and legal authority behind a block or reject: the strongest hit, else the place rule."""
    deciding = [h for h in hits if h.action == decision]
    if deciding:
        top = max(deciding, key=lambda h: h.score)
        programs = tuple(dict.fromkeys(p for h in deciding for p in h.programs))
        return Target(top.entity_id, top.caption, programs, "; ".join(h.reason() for h in deciding))
    target = place_target([p for p in places if p.action == decision])
    if target is None:  # pragma: no cover - a block or reject comes from a hit or a place
        raise ValueError(f"no hit or place decided {decision}")
    return target


def place_target(places: Sequence[PlaceHit]) -> Target | None:
    """The owner behind embargoed places: the party tied to the first of them (None without places)."""
    if not places:
        return None
    owner = places[0].party or "unnamed party"
    programs = tuple(dict.fromkeys(p.rule.program for p in places))
    return Target(party_key(owner), owner, programs, "; ".join(p.reason() for p in places))
