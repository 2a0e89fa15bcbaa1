"""Name scoring and explanation: weighted one-to-one token alignment, then secondary facts.

The name score is a symmetric weighted coverage::

    sum(sim * (w_query + w_listed) for each aligned pair) / (W_query + W_listed)

Every token on either side counts by its rarity weight, so a missing common
middle name (MOHAMMAD) costs little while a missing rare surname costs a lot;
an extra legal form (LLC) costs almost nothing, an extra rare word (DANIELS)
a lot. Alignment is greedy on contribution, one token to one token, except
that one token may cover two adjacent tokens written together on the other
side (ABDULRAHMAN / ABDUL RAHMAN). It is order-free: reordered names match.

Edges (candidate token pairs) come from the index's precomputed neighbour maps
when screening, or from :func:`direct_edges` when comparing two names; both use
the same similarity function, so both paths score a pair the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from proscribe.match.features import (
    DECISIVE_SCORE,
    FACT_FEATURES,
    KIND_WEIGHT,
    LOCATION_WEIGHT,
    MERGED_FACTOR,
    NUMBER_MISMATCH,
    SPECIFIC_NAME,
    TOKEN_SIMILARITY,
    UNMATCHED_KIND_WEIGHT,
    Facts,
    QueryFacts,
    amplification,
)
from proscribe.match.keys import token_similarity
from proscribe.match.normalize import Token, TokenKind
from proscribe.match.types import Feature

# An edge: (contribution, similarity, kind, edit distance, query start, query span, listed start, listed span)
Edge = tuple[float, float, str, int, int, int, int, int]


KIND_WEIGHT_OF = {kind: KIND_WEIGHT[kind.value] for kind in TokenKind}  # by the kind itself: no ``.value`` read


def token_weight(token: Token, rarity: float = 1.0) -> float:
    """A token's weight: its rarity scaled down for legal forms, organisation words, titles and places."""
    weight = rarity * KIND_WEIGHT_OF[token.kind]
    return weight * LOCATION_WEIGHT if token.location else weight


@dataclass(frozen=True, slots=True)
class Side:
    """One name ready for scoring: tokens and their weights.

    ``extra`` is what each token weighs when it is left unmatched. A query word
    the lists never use borrows the rarity of the listed word it resembles, so a
    misspelt MOHAMMAD weighs as MOHAMMAD does; but if it matches nothing it is
    simply an unknown, rare word, and weighs as one. A legal form left unmatched
    weighs nothing (``features.UNMATCHED_KIND_WEIGHT``): legal forms are added
    and dropped all the time.
    """

    texts: tuple[str, ...]
    weights: tuple[float, ...]
    kinds: tuple[str, ...]
    extra: tuple[float, ...] = ()
    modes: tuple[str, ...] = ()

    @property
    def total(self) -> float:
        return sum(self.weights)

    def unmatched_weight(self, i: int) -> float:
        weight = self.extra[i] if self.extra else self.weights[i]
        return weight * UNMATCHED_KIND_WEIGHT.get(self.kinds[i], 1.0)

    @classmethod
    def of(
        cls, tokens: Sequence[Token], rarities: Sequence[float] | None = None, unknown: Sequence[float] | None = None
    ) -> Side:
        rarities = rarities if rarities is not None else [1.0] * len(tokens)
        weights = tuple(token_weight(token, rarity) for token, rarity in zip(tokens, rarities, strict=True))
        extra = (
            tuple(token_weight(token, rarity) for token, rarity in zip(tokens, unknown, strict=True))
            if unknown is not None
            else ()
        )
        return cls(
            tuple(token.text for token in tokens),
            weights,
            tuple(token.kind.value for token in tokens),
            extra,
            tuple(token_mode(token) for token in tokens),
        )


def firm_total(weights: Sequence[float], kinds: Sequence[str]) -> float:
    """The least a side can weigh in the denominator: its weights, less those free when unmatched."""
    return sum(w * min(1.0, UNMATCHED_KIND_WEIGHT.get(k, 1.0)) for w, k in zip(weights, kinds, strict=True))


def token_mode(token: Token) -> str:
    """How a token may match (see ``token_similarity``): one Chinese or Korean syllable matches strictly."""
    return "syllable" if token.syllable else "word"


def initial_edge(query: Side, listed: Side, i: int, j: int) -> Edge | None:
    """A single letter against a word it begins (J / JOHN, either side)."""
    left, right = query.texts[i], listed.texts[j]
    if (query.modes and query.modes[i] == "syllable") or (listed.modes and listed.modes[j] == "syllable"):
        return None  # a one-letter Chinese syllable (A, E) is a whole name, not an initial
    if left == right or not left or not right or left[0] != right[0]:
        return None
    if (len(left) == 1) == (len(right) == 1) or not left.isalpha() or not right.isalpha():
        return None
    sim = TOKEN_SIMILARITY["initial"]
    return (sim * (query.weights[i] + listed.weights[j]), sim, "initial", -1, i, 1, j, 1)


def direct_edges(
    query_tokens: Sequence[Token],
    listed_tokens: Sequence[Token],
    query: Side,
    listed: Side,
    symbols: Callable[[Token], frozenset[str]],
) -> list[Edge]:
    """Every token pair worth aligning between two names, computed directly (``compare``)."""
    edges: list[Edge] = []
    listed_symbols = [symbols(token) for token in listed_tokens]
    for i, qt in enumerate(query_tokens):
        query_symbols = symbols(qt)
        for j, lt in enumerate(listed_tokens):
            sim, kind, distance = token_similarity(
                qt.text, lt.text, query_symbols, listed_symbols[j], qt.consonantal, token_mode(qt)
            )
            if sim > 0:
                edges.append((sim * (query.weights[i] + listed.weights[j]), sim, kind, distance, i, 1, j, 1))
            else:
                edge = initial_edge(query, listed, i, j)
                if edge:
                    edges.append(edge)
    edges.extend(_merged_direct(query_tokens, listed_tokens, query, listed))
    return edges


def _merged_direct(
    query_tokens: Sequence[Token], listed_tokens: Sequence[Token], query: Side, listed: Side
) -> list[Edge]:
    """Edges where one side wrote two adjacent tokens as one word."""
    edges: list[Edge] = []
    for i, qt in enumerate(query_tokens):
        for j in range(len(listed_tokens) - 1):
            joined = listed_tokens[j].text + listed_tokens[j + 1].text
            sim, kind, distance = token_similarity(qt.text, joined, consonantal=qt.consonantal, mode="merged")
            if sim > 0:
                sim *= MERGED_FACTOR
                weight = query.weights[i] + listed.weights[j] + listed.weights[j + 1]
                edges.append((sim * weight, sim, f"merged-{kind}", distance, i, 1, j, 2))
    for i in range(len(query_tokens) - 1):
        joined = query_tokens[i].text + query_tokens[i + 1].text
        consonantal = (
            query_tokens[i].consonantal
            and query_tokens[i + 1].consonantal
            and min(len(query_tokens[i].text), len(query_tokens[i + 1].text)) <= 2
        )
        for j, lt in enumerate(listed_tokens):
            sim, kind, distance = token_similarity(joined, lt.text, consonantal=consonantal, mode="merged")
            if sim > 0:
                sim *= MERGED_FACTOR
                weight = query.weights[i] + query.weights[i + 1] + listed.weights[j]
                edges.append((sim * weight, sim, f"merged-{kind}", distance, i, 2, j, 1))
        for j in range(len(listed_tokens) - 1):  # a letter moved across the space: MYONGC HIN / MYONG CHIN
            other = listed_tokens[j].text + listed_tokens[j + 1].text
            sim, kind, distance = token_similarity(joined, other, consonantal=consonantal, mode="merged")
            if sim > 0 and (query_tokens[i].text, query_tokens[i + 1].text) != (
                listed_tokens[j].text,
                listed_tokens[j + 1].text,
            ):
                sim *= MERGED_FACTOR
                weight = query.weights[i] + query.weights[i + 1] + listed.weights[j] + listed.weights[j + 1]
                edges.append((sim * weight, sim, f"merged-{kind}", distance, i, 2, j, 2))
    return edges


def align(edges: list[Edge]) -> list[Edge]:
    """Greedy one-to-one alignment: most similar pairs first, then the heavier, then the shorter span.

    Similarity first, so an exact pair is never displaced by a weaker pair that
    happens to cover more weight (a merged pair spanning three tokens).
    """
    edges.sort(key=lambda edge: (-edge[1], -edge[0], edge[5] + edge[7]))
    used_query: set[int] = set()
    used_listed: set[int] = set()
    chosen: list[Edge] = []
    for edge in edges:
        q_range = range(edge[4], edge[4] + edge[5])
        l_range = range(edge[6], edge[6] + edge[7])
        if any(i in used_query for i in q_range) or any(j in used_listed for j in l_range):
            continue
        used_query.update(q_range)
        used_listed.update(l_range)
        chosen.append(edge)
    return chosen


def number_penalty(query: Side, listed: Side, chosen: list[Edge]) -> float:
    """Numbers are significant: a query number with no exact counterpart among listed numbers costs dearly."""
    if "number" not in query.kinds or "number" not in listed.kinds:
        return 0.0
    exact = {edge[4] for edge in chosen if edge[2] == "exact"}
    unmatched = any(kind == "number" and i not in exact for i, kind in enumerate(query.kinds))
    return NUMBER_MISMATCH if unmatched else 0.0


def _denominator(query: Side, listed: Side, chosen: list[Edge]) -> float:
    """W_query + W_listed, each token weighing its matched or its unmatched weight."""
    matched_query: set[int] = set()
    matched_listed: set[int] = set()
    for edge in chosen:
        matched_query.update(range(edge[4], edge[4] + edge[5]))
        matched_listed.update(range(edge[6], edge[6] + edge[7]))
    total = 0.0
    for i, weight in enumerate(query.weights):
        total += weight if i in matched_query else query.unmatched_weight(i)
    for j, weight in enumerate(listed.weights):
        total += weight if j in matched_listed else listed.unmatched_weight(j)
    return total


def name_score(query: Side, listed: Side, chosen: list[Edge]) -> float:
    """Symmetric weighted coverage of the alignment, less the number penalty, in [0, 1]."""
    total = _denominator(query, listed, chosen)
    if total <= 0:
        return 0.0
    covered = sum(edge[0] for edge in chosen)
    score = min(1.0, round(covered / total, 9)) - number_penalty(query, listed, chosen)
    return max(0.0, score)


def alignment_features(query: Side, listed: Side, chosen: list[Edge]) -> list[Feature]:
    """One explanation line per query token (how it aligned) and per listed token left unmatched."""
    features: list[Feature] = []
    total = _denominator(query, listed, chosen) or 1.0
    matched_query: set[int] = set()
    matched_listed: set[int] = set()
    for edge in sorted(chosen, key=lambda e: e[4]):
        contribution, sim, kind, distance, qi, qn, lj, ln = edge
        q_text = " ".join(query.texts[qi : qi + qn])
        l_text = " ".join(listed.texts[lj : lj + ln])
        matched_query.update(range(qi, qi + qn))
        matched_listed.update(range(lj, lj + ln))
        detail = f"{q_text} ~ {l_text}: {kind}" + (f", distance {distance}" if distance > 0 else "")
        features.append(Feature(f"token_{kind}", sim, contribution / total, detail))
    for i, text in enumerate(query.texts):
        if i not in matched_query:
            weight = query.unmatched_weight(i)
            features.append(Feature("token_extra", 0.0, 0.0, f"{text}: in the query only (weight {weight:.2f})"))
    for j, text in enumerate(listed.texts):
        if j not in matched_listed:
            weight = listed.unmatched_weight(j)
            features.append(
                Feature("token_missing", 0.0, 0.0, f"{text}: in the listed name only (weight {weight:.2f})")
            )
    penalty = number_penalty(query, listed, chosen)
    if penalty:
        features.append(Feature("number_mismatch", -1.0, -penalty, "a number in the query has no exact listed match"))
    return features


def specificity(listed: Side, chosen: list[Edge], max_rarity: float) -> float:
    """How much a name match says: matched listed weight in units of the rarest token's weight."""
    if max_rarity <= 0:
        return SPECIFIC_NAME
    matched = sum(sum(listed.weights[edge[6] : edge[6] + edge[7]]) for edge in chosen)
    return matched / max_rarity


def apply_facts(
    score: float, query: QueryFacts, facts: Facts, name_specificity: float = SPECIFIC_NAME
) -> tuple[float, list[Feature]]:
    """Move a name score by the secondary facts (date of birth, country, identifiers, type), clamped to [0, 1].

    Contrary facts are amplified for names of low specificity (see ``features.amplification``).
    """
    features: list[Feature] = []
    decisive = False
    amplify = amplification(name_specificity)
    for rule in FACT_FEATURES:
        evidence = rule.evaluate(query, facts)
        if evidence is None:
            continue
        if rule.decisive and evidence.value > 0:
            decisive = True
            features.append(Feature(rule.name, evidence.value, max(0.0, DECISIVE_SCORE - score), evidence.detail))
            continue
        effect = rule.weight * evidence.value
        detail = evidence.detail
        if effect < 0 and amplify > 1.0 and rule.name != "schema_conflict":
            effect *= amplify
            detail += f" (x{amplify:.1f}: the name alone says little)"
        score += effect
        features.append(Feature(rule.name, evidence.value, effect, detail))
    score = max(0.0, min(1.0, score))
    if decisive:
        score = max(score, DECISIVE_SCORE)
    return score, features


def summarize(matched_name: str, name: float, final: float, features: list[Feature]) -> str:
    """One line for a person: which name matched, how well, and what moved the score."""
    kinds: dict[str, int] = {}
    for feature in features:
        if feature.name.startswith("token_") and feature.name not in ("token_extra", "token_missing"):
            label = feature.name.removeprefix("token_")
            kinds[label] = kinds.get(label, 0) + 1
    missing = sum(1 for feature in features if feature.name == "token_missing")
    extra = sum(1 for feature in features if feature.name == "token_extra")
    parts = [f"{count} {kind}" for kind, count in kinds.items()]
    if missing:
        parts.append(f"{missing} listed token(s) unmatched")
    if extra:
        parts.append(f"{extra} query token(s) unmatched")
    moves = [
        f"{feature.name} {feature.weight:+.2f}"
        for feature in features
        if not feature.name.startswith("token_") and feature.weight
    ]
    line = f"matched '{matched_name}' (name {name:.2f}: {', '.join(parts) or 'no token agreement'})"
    if moves:
        line += "; " + ", ".join(moves)
    return f"{line} -> {final:.2f}"
