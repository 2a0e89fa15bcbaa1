"""The blocked-property ledger: append-only, balanced, exact, and money is never lost."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule
from sqlalchemy import Engine, select, text

from proscribe.enforcement import ledger
from proscribe.enforcement.ledger import PropertyInput
from proscribe.enforcement.tables import ledger_entries
from proscribe.errors import UserError
from proscribe.store.audit import verify
from proscribe.store.db import open_engine
from proscribe.store.schema import audit_events

DAY = date(2026, 1, 5)
TODAY = date(2026, 11, 28)


def funds(amount: str = "1000.00", currency: str = "USD", **changes: object) -> PropertyInput:
    values: dict[str, object] = dict(
        kind="funds",
        owner_id="us_ofac_sdn-306",
        owner_name="BANCO NACIONAL DE CUBA",
        programs=("CUBA",),
        basis="test",
        blocked_on=DAY,
        quantity=Decimal(amount),
        currency=currency,
        description="wire",
    )
    values.update(changes)
    return PropertyInput(**values)  # type: ignore[arg-type]


def test_events_and_derived_balances(bare_engine: Engine) -> None:
    engine = bare_engine
    first = ledger.record(engine, funds("1000.10"), "alice", TODAY)
    assert ledger.add_event(
        engine, first, "interest", Decimal("0.015"), DAY + timedelta(days=30), None, None, "alice", TODAY
    ) == Decimal("1000.115")
    assert ledger.add_event(
        engine, first, "release", Decimal("100.005"), DAY + timedelta(days=40), "GL-1", None, "bob", TODAY
    ) == Decimal("900.110")
    goods = ledger.record(
        engine,
        funds(
            kind="goods",
            quantity=Decimal(40),
            currency=None,
            location="Warehouse 7, NJ",
            description="40 crates of network cameras",
            estimated_value=Decimal("52000"),
            value_currency="USD",
        ),
        "alice",
        TODAY,
    )
    assert ledger.add_event(
        engine, first, "unblock", None, DAY + timedelta(days=50), "FR 2026-0001", None, "bob", TODAY
    ) == Decimal(0)
    with engine.connect() as connection:
        states = ledger.all_states(connection)
        check = ledger.check(connection)
        listed = {p["reference"]: p for p in ledger.list_properties(connection)}
        assert verify(connection).ok
        actions = [r.action for r in connection.execute(select(audit_events.c.action).order_by(audit_events.c.seq))]
    assert states[first].closed and states[first].balance == 0 and states[goods].balance == 40
    assert check.ok, check.problems
    assert check.held == {"USD": Decimal(0), "UNITS": Decimal(40)}
    assert listed[f"BP-{first}"]["status"] == "unblocked" and listed[f"BP-{goods}"]["unit"] == "UNITS"
    assert actions == ["ledger.blocked", "ledger.interest", "ledger.release", "ledger.blocked", "ledger.unblock"]
    with engine.connect() as connection:  # as of a day before the release
        assert ledger.property_state(connection, first, DAY + timedelta(days=35)).balance == Decimal("1000.115")


def test_rules_of_events(bare_engine: Engine) -> None:
    engine = bare_engine
    prop = ledger.record(engine, funds("50"), "alice", TODAY)
    goods = ledger.record(
        engine,
        funds(kind="goods", quantity=Decimal(2), currency=None, location="Dock 3", description="pallets"),
        "alice",
        TODAY,
    )
    cases = [
        (prop, "release", Decimal("50.01"), "L-1", "exceeds the blocked balance of 50"),
        (prop, "release", Decimal("5"), None, "needs the licence"),
        (prop, "interest", Decimal("-1"), None, "greater than zero"),
        (goods, "interest", Decimal("1"), None, "interest is credited to blocked funds only"),
    ]
    for property_id, kind, amount, ref, message in cases:
        with pytest.raises(UserError, match=message):
            ledger.add_event(engine, property_id, kind, amount, DAY, ref, None, "bob", TODAY)
    with pytest.raises(UserError, match="is in the future"):
        ledger.add_event(engine, prop, "interest", Decimal(1), TODAY + timedelta(days=1), None, None, "bob", TODAY)
    with pytest.raises(UserError, match="before the property's last event"):
        ledger.add_event(engine, prop, "interest", Decimal(1), DAY - timedelta(days=1), None, None, "bob", TODAY)
    ledger.add_event(engine, prop, "unblock", None, DAY, "delisted", None, "bob", TODAY)
    with pytest.raises(UserError, match="closed record"):
        ledger.add_event(engine, prop, "interest", Decimal(1), DAY, None, None, "bob", TODAY)
    with pytest.raises(UserError, match="need a description and where they are held"):
        ledger.record(engine, funds(kind="goods", currency=None, description="x"), "a", TODAY)
    with pytest.raises(UserError, match="no blocked property BP-999"):
        ledger.add_event(engine, 999, "interest", Decimal(1), DAY, None, None, "bob", TODAY)


def test_the_database_refuses_to_rewrite_the_ledger(bare_engine: Engine) -> None:
    engine = bare_engine
    ledger.record(engine, funds(), "alice", TODAY)
    for statement in (
        "UPDATE ledger_entries SET amount = '0'",
        "DELETE FROM ledger_events",
        "DELETE FROM blocked_properties",
        "UPDATE blocked_properties SET owner_name = 'x'",
    ):
        with pytest.raises(Exception, match="append-only"), engine.begin() as connection:
            connection.execute(text(statement))
    with engine.connect() as connection:
        assert [r.amount for r in connection.execute(select(ledger_entries))] == ["1000.00", "-1000.00"]


class LedgerMachine(RuleBasedStateMachine):
    """Random blocking, interest, releases and unblocking; after every step the ledger proves itself."""

    engine: Engine
    counter = 0

    def __init__(self) -> None:
        super().__init__()
        LedgerMachine.counter += 1
        self.engine = open_engine(f"sqlite:///{LedgerMachine.folder / f'ledger{LedgerMachine.counter}.db'}")
        self.model: dict[int, tuple[str, Decimal, bool]] = {}  # property -> (unit, balance, closed)
        self.totals: dict[str, Decimal] = {}
        self.day = DAY

    folder: Path = Path()

    def teardown(self) -> None:
        self.engine.dispose()

    def _add(self, unit: str, delta: Decimal) -> None:
        self.totals[unit] = self.totals.get(unit, Decimal(0)) + delta

    @rule(
        amount=st.decimals(min_value=Decimal("0.01"), max_value=Decimal("1000000"), places=2),
        currency=st.sampled_from(["USD", "EUR", "JPY"]),
    )
    def block(self, amount: Decimal, currency: str) -> None:
        property_id = ledger.record(self.engine, funds(str(amount), currency, blocked_on=self.day), "m", TODAY)
        self.model[property_id] = (currency, amount, False)
        self._add(currency, amount)

    def _open(self) -> list[int]:
        return sorted(p for p, (_u, _b, closed) in self.model.items() if not closed)

    @precondition(lambda self: bool(self._open()))
    @rule(data=st.data(), amount=st.decimals(min_value=Decimal("0.0001"), max_value=Decimal("5000"), places=4))
    def interest(self, data: st.DataObject, amount: Decimal) -> None:
        property_id = data.draw(st.sampled_from(self._open()))
        unit, balance, _closed = self.model[property_id]
        ledger.add_event(self.engine, property_id, "interest", amount, self.day, None, None, "m", TODAY)
        self.model[property_id] = (unit, balance + amount, False)
        self._add(unit, amount)

    @precondition(lambda self: bool(self._open()))
    @rule(data=st.data(), share=st.fractions(min_value=0, max_value=1.2))
    def release(self, data: st.DataObject, share: object) -> None:
        property_id = data.draw(st.sampled_from(self._open()))
        unit, balance, _closed = self.model[property_id]
        amount = (balance * Decimal(share.numerator) / Decimal(share.denominator)).quantize(Decimal("0.01"))  # type: ignore[attr-defined]
        if amount <= 0 or amount > balance:
            with pytest.raises(UserError):
                ledger.add_event(self.engine, property_id, "release", amount, self.day, "L-1", None, "m", TODAY)
            return
        ledger.add_event(self.engine, property_id, "release", amount, self.day, "L-1", None, "m", TODAY)
        self.model[property_id] = (unit, balance - amount, False)
        self._add(unit, -amount)

    @precondition(lambda self: bool(self._open()))
    @rule(data=st.data())
    def unblock(self, data: st.DataObject) -> None:
        property_id = data.draw(st.sampled_from(self._open()))
        unit, balance, _closed = self.model[property_id]
        ledger.add_event(self.engine, property_id, "unblock", None, self.day, "delisted", None, "m", TODAY)
        self.model[property_id] = (unit, Decimal(0), True)
        self._add(unit, -balance)

    @rule(days=st.integers(0, 20))
    def time_passes(self, days: int) -> None:
        self.day = min(self.day + timedelta(days=days), TODAY)

    @invariant()
    def money_is_never_lost(self) -> None:
        with self.engine.connect() as connection:
            check = ledger.check(connection)
            states = ledger.all_states(connection)
        assert check.ok, check.problems
        assert {u: v for u, v in check.held.items()} == {u: v for u, v in self.totals.items()}
        for property_id, (_unit, balance, closed) in self.model.items():
            assert states[property_id].balance == balance and states[property_id].closed == closed
            assert states[property_id].balance >= 0


def test_ledger_invariant_over_thousands_of_random_operations(tmp_path: Path) -> None:
    LedgerMachine.folder = tmp_path
    runner = LedgerMachine.TestCase
    runner.settings = settings(
        max_examples=40, stateful_step_count=60, deadline=None, suppress_health_check=list(HealthCheck)
    )
    runner().runTest()
