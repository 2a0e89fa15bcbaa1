"""Stored name forms read back as the normaliser made them, and anything else is recomputed, never trusted."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from proscribe.match.normalize import name_forms
from proscribe.match.stored_forms import FORMS_VERSION, dump_forms, load_forms
from proscribe.model import Schema

NAMES = [
    ("SALEK, ABDULHAI", Schema.PERSON),
    ("Hangzhou Hikvision Digital Technology Co., Ltd.", Schema.ORGANIZATION),
    ("김정은", None),
    ("Владимир Путин", Schema.PERSON),
    ("عبد الله", None),
    ("山田太郎", None),  # kanji: a Chinese and a Japanese reading
    ("ヤマダ タロウ", None),
    ("11420 CORP", Schema.ORGANIZATION),
]


@pytest.mark.parametrize(("name", "schema"), NAMES)
def test_forms_round_trip(name: str, schema: Schema | None) -> None:
    forms = tuple(name_forms(name, schema))
    assert forms
    assert load_forms(dump_forms(forms)) == forms


@given(st.text(max_size=40))
def test_any_name_round_trips(name: str) -> None:
    forms = tuple(name_forms(name))
    assert load_forms(dump_forms(forms)) == forms


@pytest.mark.parametrize(
    "stored",
    [
        None,
        "",
        "not json",
        "[]",
        json.dumps({"v": FORMS_VERSION + 1, "forms": []}),
        json.dumps({"v": FORMS_VERSION, "forms": [["x", "", [["x"]]]]}),
        json.dumps({"v": FORMS_VERSION, "forms": [["x", "", [["x", "x", "nonsense", 0, [], 0, 0]]]]}),
    ],
)
def test_absent_stale_or_damaged_forms_are_not_used(stored: str | None) -> None:
    assert load_forms(stored) is None
