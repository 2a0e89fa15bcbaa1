"""Ownership and the 50 percent rule: which unlisted entities are blocked because blocked persons own them.

OFAC's rule: an entity owned 50 % or more, directly or indirectly, individually
or in the aggregate, by one or more blocked persons is itself blocked. Indirect
ownership is not multiplied down a chain: once an entity is blocked, its own
holdings count in full (A blocked owns 60 % of B, so B is blocked; B owns 50 %
of C, so C is blocked). Holdings of different blocked persons add up (25 % +
25 % blocks), whatever program blocked each of them. Only blocking programs
propagate: an owner listed under NS-CMIC, or on an export-control list, blocks
nothing it owns.

The computation is the least fixed point from the listed blocked persons,
grown through a work queue: each newly blocked node adds its shares to what it
owns, and a node whose blocked owners reach 50 % joins the queue. Cycles end
because a node is blocked once; a node in a cycle is blocked only if the
shares from outside prove it. Each derived node keeps the holdings that decided
it (those of owners blocked before it), so an explanation is a finite tree that
ends at listed persons, with the sum at every level. Shares are exact decimals:
33.33 % + 16.67 % is exactly 50 %.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal

THRESHOLD = Decimal(50)


@dataclass(frozen=True, slots=True)
class Holding:
    owner: str  # node key
    owned: str
    share: Decimal  # percent
    source: str  # where the fact comes from: a list entry's relation, or the user's file and its stated source


@dataclass(frozen=True, slots=True)
class Node:
    key: str  # a listed entity id, or ``party:<name>`` for a party no list names
    caption: str
    source: str | None = None  # the list, when listed
    programs: tuple[str, ...] = ()
    blocking: tuple[str, ...] = ()  # programs under which it is blocked and the 50 percent rule applies

    @property
    def listed_blocked(self) -> bool:
        return bool(self.blocking)

    def label(self) -> str:
        return f"{self.caption} [{self.key}]"


@dataclass(slots=True)
class Derivation:
    """Why a node is blocked: listed under a blocking program, or by the holdings of blocked owners."""

    key: str
    order: int  # when it was found blocked: explanations only point to earlier nodes
    listed: bool
    decisive: list[Holding] = field(default_factory=list)  # blocked owners' holdings when it tipped over 50 %
    later: list[Holding] = field(default_factory=list)  # blocked owners found afterwards
    programs: tuple[str, ...] = ()

    @property
    def blocked_share(self) -> Decimal:
        return sum((h.share for h in self.decisive + self.later), Decimal(0))


class OwnershipGraph:
    """Nodes and holdings; ``derive`` computes the blocked set once, ``explain`` shows why."""

    def __init__(self, nodes: Iterable[Node], holdings: Iterable[Holding]) -> None:
        self.nodes: dict[str, Node] = {node.key: node for node in nodes}
        merged: dict[tuple[str, str], Holding] = {}
        for holding in holdings:  # a later fact about the same pair (the user's file) replaces an earlier one
            if holding.owner != holding.owned:
                merged[(holding.owner, holding.owned)] = holding
        self.by_owner: dict[str, list[Holding]] = {}
        self.by_owned: dict[str, list[Holding]] = {}
        for holding in merged.values():
            self.by_owner.setdefault(holding.owner, []).append(holding)
            self.by_owned.setdefault(holding.owned, []).append(holding)
            for key in (holding.owner, holding.owned):
                self.nodes.setdefault(key, Node(key, key.removeprefix("party:")))
        self._derived: dict[str, Derivation] | None = None

    @property
    def holdings(self) -> Iterator[Holding]:
        for found in self.by_owner.values():
            yield from found

    def derive(self) -> dict[str, Derivation]:
        """Every blocked node (listed or derived) with its derivation; computed once."""
        if self._derived is not None:
            return self._derived
        blocked: dict[str, Derivation] = {}
        queue: deque[str] = deque()
        for node in self.nodes.values():
            if node.listed_blocked:
                blocked[node.key] = Derivation(node.key, len(blocked), True, programs=node.blocking)
                queue.append(node.key)
        totals: dict[str, Decimal] = {}
        pending: dict[str, list[Holding]] = {}
        while queue:
            owner = queue.popleft()
            for holding in self.by_owner.get(owner, ()):
                target = holding.owned
                found = blocked.get(target)
                if found is not None:
                    found.later.append(holding)
                    continue
                totals[target] = totals.get(target, Decimal(0)) + holding.share
                pending.setdefault(target, []).append(holding)
                if totals[target] >= THRESHOLD:
                    blocked[target] = Derivation(target, len(blocked), False, decisive=pending.pop(target))
                    queue.append(target)
        changed = True
        while changed:  # later owners may be derived after the node they own: repeat until stable
            changed = False
            for derivation in sorted(blocked.values(), key=lambda d: d.order):
                if not derivation.listed:
                    programs = _programs(blocked, derivation)
                    changed |= programs != derivation.programs
                    derivation.programs = programs
        self._derived = blocked
        return blocked

    def derived_only(self) -> dict[str, Derivation]:
        """Nodes blocked by the 50 percent rule alone (not listed under a blocking program themselves)."""
        return {key: d for key, d in self.derive().items() if not d.listed}

    def explain(self, key: str) -> list[str]:
        """Lines a person can check: the decision, each owner with its share and why it counts, the sums."""
        node = self.nodes.get(key)
        if node is None:
            return [f"{key}: not in the ownership graph (no recorded owners or holdings)"]
        derived = self.derive()
        found = derived.get(key)
        lines: list[str] = []
        if found is None:
            lines.append(f"{node.label()}: NOT blocked under the 50 percent rule")
            counted = self._blocked_owner_share(key)
            lines.append(f"  blocked owners hold {_pct(counted)} % < {_pct(THRESHOLD)} %")
            lines.extend("  " + self._other_owner(h, derived) for h in self.by_owned.get(key, ()))
            return lines
        verdict = "listed" if found.listed else "blocked under the 50 percent rule"
        lines.append(f"{node.label()}: BLOCKED ({verdict}; programs {', '.join(found.programs) or '-'})")
        lines.extend(self._why(found, derived, depth=1))
        others = [h for h in self.by_owned.get(key, ()) if h not in found.decisive and h not in found.later]
        for holding in others:
            lines.append("  " + self._other_owner(holding, derived))
        return lines

    def _why(self, found: Derivation, derived: dict[str, Derivation], depth: int) -> list[str]:
        indent = "  " * depth
        node = self.nodes[found.key]
        if found.listed:
            return [f"{indent}listed on {node.source}: {', '.join(node.blocking)} (blocking; the rule applies)"]
        terms = " + ".join(f"{_pct(h.share)} % ({self.nodes[h.owner].caption})" for h in found.decisive)
        total = sum((h.share for h in found.decisive), Decimal(0))
        lines = [f"{indent}{terms} = {_pct(total)} % >= {_pct(THRESHOLD)} %: blocked"]
        for holding in found.decisive:
            owner = derived[holding.owner]
            lines.append(
                f"{indent}- {_pct(holding.share)} % held by {self.nodes[holding.owner].label()}"
                f" (source: {holding.source})"
            )
            lines.extend(self._why(owner, derived, depth + 1))
        for holding in found.later:
            lines.append(f"{indent}- also {_pct(holding.share)} % held by blocked {self.nodes[holding.owner].label()}")
        return lines

    def _other_owner(self, holding: Holding, derived: dict[str, Derivation]) -> str:
        owner = self.nodes[holding.owner]
        share = f"{_pct(holding.share)} % held by {owner.label()}"
        if holding.owner in derived:
            return f"- {share}: blocked (counted)"
        if owner.programs:
            return (
                f"- {share}: listed under {', '.join(owner.programs)}, not a blocking program for the"
                " 50 percent rule (not counted)"
            )
        return f"- {share}: not blocked (not counted)"

    def _blocked_owner_share(self, key: str) -> Decimal:
        derived = self.derive()
        return sum((h.share for h in self.by_owned.get(key, ()) if h.owner in derived), Decimal(0))


def _programs(blocked: dict[str, Derivation], derivation: Derivation) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for holding in derivation.decisive + derivation.later:
        owner = blocked.get(holding.owner)
        if owner is not None:
            for program in owner.programs:
                seen[program] = None
    return tuple(seen)


def _pct(value: Decimal) -> str:
    return format(value.normalize(), "f")


def party_key(name: str) -> str:
    """The node key of a party no list names: its name, spaces and case folded."""
    return "party:" + " ".join(name.split()).casefold()
