"""The block/reject policy: defaults from the regimes' facts, and checked documents."""

from __future__ import annotations

from typing import Any

import pytest

from proscribe.enforcement.policy import DEFAULT_POLICY, Policy, PolicyError


@pytest.mark.parametrize(
    ("source", "programs", "kind", "action"),
    [
        ("us_ofac_sdn", ["SDGT"], "payment", "block"),
        ("us_ofac_sdn", ["GLOMAG"], "payment", "block"),  # Global Magnitsky is blocking
        ("us_ofac_sdn", ["FSE-SY"], "payment", "reject"),  # evaders: prohibited, not blocked
        ("us_ofac_sdn", ["FSE-SY", "SDGT"], "payment", "block"),  # the strongest program wins
        ("us_ofac_cons", ["CMIC-EO13959"], "securities", "reject"),
        ("us_ofac_cons", ["CMIC-EO13959"], "payment", "hold"),  # NS-CMIC does not block payments
        ("us_ofac_cons", ["UKRAINE-EO13662"], "payment", "hold"),  # SSI: sectoral, not blocking
        ("us_bis_dpl", ["DPL"], "payment", "hold"),
        ("us_fcc_covered", ["FCC-COVERED"], "purchase_order", "hold"),
        ("un_sc", ["DPRK"], "payment", "hold"),
    ],
)
def test_default_actions(source: str, programs: list[str], kind: str, action: str) -> None:
    assert DEFAULT_POLICY.decide_entity(source, programs, kind).action == action


def test_fifty_percent_rule_only_for_blocking_programs() -> None:
    assert DEFAULT_POLICY.blocking("us_ofac_sdn", ["SDGT", "FSE-SY"]) == ("SDGT",)
    assert DEFAULT_POLICY.blocking("us_ofac_cons", ["CMIC-EO13959"]) == ()
    assert DEFAULT_POLICY.blocking("us_bis_dpl", ["DPL"]) == ()


def test_country_rules() -> None:
    assert DEFAULT_POLICY.country_rule("CU").action == "block"  # type: ignore[union-attr]
    assert DEFAULT_POLICY.country_rule("IR").action == "reject"  # type: ignore[union-attr]
    assert DEFAULT_POLICY.country_rule("UA-CRI").action == "reject"  # type: ignore[union-attr]
    assert DEFAULT_POLICY.country_rule("UA") is None
    assert DEFAULT_POLICY.country_rule("SY") is None  # the Syria program was revoked in 2025


def test_documents_round_trip_and_are_checked() -> None:
    data = DEFAULT_POLICY.to_dict()
    assert Policy.from_dict(data).to_dict() == data
    assert Policy.from_dict(data).fingerprint == DEFAULT_POLICY.fingerprint


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"auto_decide_score": 2}, "auto_decide_score: a number in (0, 1]"),
        ({"program_rules": [{"action": "freeze"}]}, "program_rules[1].action: 'freeze' is not one of"),
        ({"program_rules": [{"action": "hold", "fifty_percent": True}]}, "extends only blocking rules"),
        ({"program_rules": [{"action": "reject", "kinds": ["loan"]}]}, "program_rules[1].kinds: 'loan'"),
        ({"country_rules": [{"territory": "Cuba", "action": "block"}]}, "country_rules[1].territory"),
        ({"colour": "red"}, "unknown policy field 'colour'"),
    ],
)
def test_bad_documents(change: dict[str, Any], message: str) -> None:
    with pytest.raises(PolicyError) as caught:
        Policy.from_dict({**DEFAULT_POLICY.to_dict(), **change})
    assert message in str(caught.value)
