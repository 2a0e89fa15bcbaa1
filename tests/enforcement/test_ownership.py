"""The 50 percent rule: aggregation along chains, across owners, through cycles, and only for blocking programs."""

from __future__ import annotations

from decimal import Decimal

from proscribe.enforcement.ownership import Holding, Node, OwnershipGraph

SDN = ("SDGT",)


def listed(key: str, programs: tuple[str, ...] = SDN, blocking: bool = True) -> Node:
    return Node(key, key.upper(), "us_ofac_sdn" if blocking else "us_ofac_cons", programs, programs if blocking else ())


def owns(owner: str, owned: str, share: str) -> Holding:
    return Holding(owner, owned, Decimal(share), "test")


def blocked(graph: OwnershipGraph) -> set[str]:
    return set(graph.derived_only())


def test_chain_60_then_50_blocks_the_grandchild() -> None:
    graph = OwnershipGraph([listed("a")], [owns("a", "party:b", "60"), owns("party:b", "party:c", "50")])
    assert blocked(graph) == {"party:b", "party:c"}
    assert graph.derive()["party:c"].programs == SDN
    text = "\n".join(graph.explain("party:c"))
    assert "50 % (b) = 50 % >= 50 %: blocked" in text
    assert "60 % (A) = 60 % >= 50 %: blocked" in text
    assert "listed on us_ofac_sdn: SDGT" in text


def test_indirect_shares_are_not_multiplied() -> None:
    graph = OwnershipGraph([listed("a")], [owns("a", "party:b", "40"), owns("party:b", "party:c", "100")])
    assert blocked(graph) == set()  # B is not blocked, so its 100 % of C does not count


def test_two_blocked_owners_of_25_percent_aggregate() -> None:
    graph = OwnershipGraph(
        [listed("x"), listed("y", ("IRAN",))], [owns("x", "party:z", "25"), owns("y", "party:z", "25")]
    )
    assert blocked(graph) == {"party:z"}
    assert set(graph.derive()["party:z"].programs) == {"SDGT", "IRAN"}
    assert "25 % (X) + 25 % (Y) = 50 % >= 50 %: blocked" in "\n".join(graph.explain("party:z"))


def test_just_below_and_exactly_at_the_threshold() -> None:
    below = OwnershipGraph([listed("x"), listed("y")], [owns("x", "party:z", "33.33"), owns("y", "party:z", "16.66")])
    at = OwnershipGraph([listed("x"), listed("y")], [owns("x", "party:z", "33.33"), owns("y", "party:z", "16.67")])
    assert blocked(below) == set()
    assert blocked(at) == {"party:z"}  # exact decimals: 33.33 + 16.67 is 50
    assert "blocked owners hold 49.99 % < 50 %" in "\n".join(below.explain("party:z"))


def test_ns_cmic_owner_is_not_extended() -> None:
    cmic = listed("hik", ("CMIC-EO13959",), blocking=False)
    graph = OwnershipGraph([cmic], [owns("hik", "party:sub", "100")])
    assert blocked(graph) == set()
    assert "not a blocking program for the 50 percent rule (not counted)" in "\n".join(graph.explain("party:sub"))


def test_unblocked_owners_do_not_count() -> None:
    graph = OwnershipGraph([listed("x")], [owns("x", "party:z", "30"), owns("party:w", "party:z", "70")])
    assert blocked(graph) == set()


def test_cycle_terminates_and_needs_outside_proof() -> None:
    cycle = [owns("party:a", "party:b", "60"), owns("party:b", "party:a", "60")]
    assert blocked(OwnershipGraph([listed("x")], cycle)) == set()  # nothing blocked feeds the cycle
    fed = OwnershipGraph([listed("x")], [*cycle, owns("x", "party:a", "30")])
    assert blocked(fed) == set()  # 30 % from outside is not enough; the cycle cannot prove itself
    proven = OwnershipGraph([listed("x")], [*cycle, owns("x", "party:a", "50")])
    assert blocked(proven) == {"party:a", "party:b"}
    for key in ("party:a", "party:b"):
        assert proven.explain(key)  # finite explanations despite the cycle
    assert "also 60 % held by blocked" in "\n".join(proven.explain("party:a"))


def test_ten_level_chain() -> None:
    holdings = [owns("l0", "party:l1", "50")] + [owns(f"party:l{n}", f"party:l{n + 1}", "50") for n in range(1, 10)]
    graph = OwnershipGraph([listed("l0")], holdings)
    assert blocked(graph) == {f"party:l{n}" for n in range(1, 11)}
    lines = graph.explain("party:l10")
    assert sum("= 50 % >= 50 %: blocked" in line for line in lines) == 10
    assert lines[-1].strip().startswith("listed on us_ofac_sdn")
    broken = OwnershipGraph(
        [listed("l0")], [h if h.owned != "party:l5" else owns(h.owner, h.owned, "49") for h in holdings]
    )
    assert blocked(broken) == {f"party:l{n}" for n in range(1, 5)}


def test_a_later_fact_about_the_same_pair_replaces_the_earlier() -> None:
    graph = OwnershipGraph([listed("x")], [owns("x", "party:z", "60"), owns("x", "party:z", "10")])
    assert blocked(graph) == set()
