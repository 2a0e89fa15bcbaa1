"""Reading transactions: the JSON and flattened CSV shapes, normalisation, and every refusal."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from proscribe.enforcement.transactions import TransactionError, isin_checks, nest, parse_transaction

TODAY = date(2026, 11, 28)


def record(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "id": "t1",
        "amount": "1250.00",
        "currency": "USD",
        "date": "2026-11-20",
        "originator": {"name": "John Smith", "country": "US"},
        "beneficiary": {"name": "Acme Ltd", "country": "CN", "bank": "Bank of China", "bic": "BKCHCNBJ"},
        "purpose": "invoice 42",
    }
    base.update(changes)
    return base


def test_the_documented_shape() -> None:
    tx = parse_transaction(record(), TODAY)
    assert tx.amount == Decimal("1250.00") and str(tx.amount) == "1250.00"
    assert tx.currency == "USD" and tx.date == date(2026, 11, 20) and tx.kind == "payment"
    beneficiary = next(p for p in tx.parties if p.role == "beneficiary")
    assert (beneficiary.name, beneficiary.country, beneficiary.bic) == ("Acme Ltd", "CN", "BKCHCNBJ")
    assert tx.texts == (("purpose", "invoice 42"),)


def test_csv_flattening_is_the_same_transaction() -> None:
    flat = {
        "id": "t1",
        "amount": "1250.00",
        "currency": "usd",
        "date": "2026-11-20",
        "originator_name": "John Smith",
        "originator_country": "United States",
        "beneficiary_name": "Acme Ltd",
        "beneficiary_country": "China",
        "beneficiary_bank": "Bank of China",
        "beneficiary_bic": "BKCH CN BJ",
        "purpose": "invoice 42",
        "intermediary_bank": "",
    }
    assert parse_transaction(flat, TODAY).content_hash == parse_transaction(record(), TODAY).content_hash


def test_json_lines_cells_arrive_as_json_text() -> None:
    import json

    cells = {k: json.dumps(v) if isinstance(v, dict) else v for k, v in record().items()}
    assert parse_transaction(cells, TODAY) == parse_transaction(record(), TODAY)


def test_intermediaries_vessels_and_regions() -> None:
    tx = parse_transaction(
        record(
            intermediaries=[{"bank": "Bank A", "bic": "DEUTDEFF"}, {"bank": "Bank B"}],
            vessel={"name": "OCEAN STAR", "imo": "9123456", "flag": "Panama"},
            beneficiary={"name": "X", "country": "Crimea"},
        ),
        TODAY,
    )
    assert [p.role for p in tx.parties if p.role.startswith("intermediary")] == ["intermediary", "intermediary2"]
    assert tx.crafts[0].flag == "PA"
    assert next(p for p in tx.parties if p.role == "beneficiary").country == "UA-CRI"
    assert nest({"intermediary2_bic": "DEUTDEFF", "vessel": "OCEAN STAR"}) == {
        "intermediary2": {"bic": "DEUTDEFF"},
        "vessel": {"name": "OCEAN STAR"},
    }


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"amount": "-5.00"}, "amount: '-5.00' is negative"),
        ({"amount": "12,50"}, "amount: '12,50' is not a number"),
        ({"amount": "abc"}, "amount: 'abc' is not a number"),
        ({"amount": "NaN"}, "amount: 'NaN' is not a number"),
        ({"amount": "1e5"}, "amount: '1e5' is not a number"),
        ({"amount": None}, "amount: missing"),
        ({"currency": "XYZ"}, "currency: 'XYZ' is not an ISO 4217 currency code"),
        ({"currency": "US"}, "currency: 'US' is not an ISO 4217 currency code"),
        ({"date": "2026-12-01"}, "date: 2026-12-01 is in the future (today is 2026-11-28)"),
        ({"date": "20/11/2026"}, "date: '20/11/2026' is not a date"),
        ({"id": " "}, "id: missing"),
        ({"kind": "loan"}, "kind: 'loan' is not one of"),
        ({"beneficiary": {"name": "X", "bic": "NOTABIC"}}, "beneficiary.bic: 'NOTABIC' is not a BIC"),
        ({"beneficiary": {"name": "X", "country": "Atlantis"}}, "beneficiary.country: unknown country 'Atlantis'"),
        ({"beneficiary": {"name": "X", "iban": "1"}}, "beneficiary: unknown field 'iban'"),
        ({"beneficiary": {"name": "X", "type": "robot"}}, "beneficiary.type: unknown type 'robot'"),
        ({"isin": "US0378331006", "kind": "securities"}, "isin: 'US0378331006' is not a valid ISIN"),
        ({"originator": None, "beneficiary": None}, "no party"),
    ],
)
def test_refusals_name_the_field(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(TransactionError) as caught:
        parse_transaction(record(**changes), TODAY)
    assert message in str(caught.value)


def test_unknown_top_level_fields_are_warned_not_silent() -> None:
    tx = parse_transaction(record(benficiary={"name": "typo"}), TODAY)
    assert tx.warnings == ("unknown field 'benficiary' ignored",)


def test_isin_check_digit() -> None:
    assert isin_checks("US0378331005")  # Apple
    assert isin_checks("DE000BAY0017")  # Bayer
    assert not isin_checks("US0378331006")


def test_canonical_form_ignores_spelling_not_content() -> None:
    a = parse_transaction(record(amount="1250.00"), TODAY)
    b = parse_transaction(record(amount="1250.0"), TODAY)
    assert a.content_hash == b.content_hash  # the same amount, however written (JSON numbers lose trailing zeros)
    assert str(a.amount) == "1250.00" and str(b.amount) == "1250.0"  # each kept exactly as stated
    assert parse_transaction(record(amount="1250.01"), TODAY).content_hash != a.content_hash
    assert parse_transaction(record(currency="usd"), TODAY).content_hash == a.content_hash
