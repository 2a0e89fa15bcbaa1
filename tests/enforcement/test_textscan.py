"""Listed names inside free text: found where they are written, not in ordinary payment wording."""

from __future__ import annotations

import random

from sqlalchemy import Engine

from proscribe.config import Settings
from proscribe.enforcement import index as enforcement_index
from proscribe.enforcement.textscan import NameScanner, tokens
from proscribe.model import IdType, Schema
from proscribe.store.queries import iter_current_entities


def test_windows_in_text(settings: Settings, engine: Engine) -> None:
    scanner = enforcement_index.load(settings, engine).scanner
    assert [w.text for w in scanner.windows("charter of MAHAN AIR aircraft, ref 12")] == ["mahan air"]
    assert [w.text for w in scanner.windows("via Banco Nacionall de Cuba, Havana")] == ["banco nacionall de cuba"]
    for prose in ("salary March", "rent June", "consulting fees", "invoice 1234", "school fees", "spare parts"):
        assert scanner.windows(prose) == [], prose

    with engine.connect() as connection:
        entities = list(iter_current_entities(connection, ["us_ofac_sdn"]))
    bics = [i.value for e in entities for i in e.identifiers if i.type is IdType.BIC and len(i.value) == 8]
    assert bics and scanner.listed_identifier(bics[0] + "XXX") == bics[0]
    assert scanner.listed_identifier("ZZZZUS33") is None

    rng = random.Random(1)
    firms = [e.caption for e in entities if e.schema is Schema.ORGANIZATION]
    sample = rng.sample(firms, 300)
    found = sum(
        any(w.text == " ".join(tokens(name)) for w in scanner.windows(f"payment to {name} as agreed, ref 1"))
        for name in sample
    )
    assert found >= 297, found  # the whole listed name is the window


def test_joined_and_split_words() -> None:
    scanner = NameScanner.from_names([("abdul", "rahman", "trading"), ("hikvision",), ("ocean", "star")])
    assert [w.text for w in scanner.windows("paid to ABDULRAHMAN TRADING")] == ["abdulrahman trading"]
    assert [w.text for w in scanner.windows("HIKVSION cameras")] == ["hikvsion"]  # one letter missing
    assert scanner.windows("a star is born") == []  # half a two-word name is not the name
    assert [w.text for w in scanner.windows("vessel OCEAN STAR, IMO 9123456")] == ["ocean star"]
