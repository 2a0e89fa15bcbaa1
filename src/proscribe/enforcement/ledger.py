"""The blocked-property ledger: double-entry, append-only, exact, every event in the audit trail.

Blocked property must be held, accounted for to the cent (or share, or crate)
and reported for as long as it stays blocked, often years. So nothing here is
ever updated: blocking, crediting interest, a licence-authorised release and
unblocking after delisting are *events*, each posting entries that sum to zero
per unit (currency, ``ISIN:<code>`` for securities, ``UNITS`` for goods)
between the property's blocked account and a counter-account. A balance is the
sum of its entries, computed when asked, never stored. Two facts are kept for
every event, its stated amount and its postings, so ``check`` can prove the
central invariant from independent records: per unit, the blocked accounts
hold exactly what was blocked, plus interest credited, minus what was released
or unblocked, and no blocked account is ever negative. Money is never lost.

The pure functions (``postings``, ``validate``) are the rules; the functions
taking a connection write within the caller's transaction, so a blocked
transaction's screening record, its property, its ledger event and its audit
events commit together or not at all.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, Engine, func, insert, select

from proscribe.enforcement.tables import blocked_properties, ledger_entries, ledger_events
from proscribe.errors import UserError
from proscribe.store import audit
from proscribe.store.audit import write_transaction

PROPERTY_KINDS = ("funds", "securities", "goods")
EVENT_KINDS = ("blocked", "interest", "release", "unblock")
CLEARING = "clearing/incoming"
INTEREST = "interest/credited"
RELEASED = "released/licence"
UNBLOCKED = "released/delisting"
ZERO = Decimal(0)


def blocked_account(property_id: int) -> str:
    return f"blocked/BP-{property_id}"


def reference(property_id: int) -> str:
    return f"BP-{property_id}"


@dataclass(frozen=True, slots=True)
class PropertyInput:
    """Blocked property as recorded: from a blocked transaction, or directly by a compliance officer."""

    kind: str  # funds | securities | goods
    owner_id: str
    owner_name: str
    programs: tuple[str, ...]
    basis: str
    blocked_on: date
    quantity: Decimal  # amount of funds, number of securities, units of goods
    currency: str | None = None  # funds
    isin: str | None = None  # securities
    description: str = ""
    location: str | None = None
    estimated_value: Decimal | None = None
    value_currency: str | None = None
    account: str | None = None  # the institution's own blocked-account number, when it has one
    tx_id: str | None = None

    @property
    def unit(self) -> str:
        if self.kind == "funds":
            assert self.currency is not None
            return self.currency
        if self.kind == "securities":
            return f"ISIN:{self.isin}"
        return "UNITS"


@dataclass(slots=True)
class PropertyState:
    """What the entries say about one property now."""

    balance: Decimal = ZERO
    blocked: Decimal = ZERO
    interest: Decimal = ZERO
    released: Decimal = ZERO
    closed: bool = False
    last_event_on: date | None = None


def postings(kind: str, property_id: int, unit: str, amount: Decimal) -> list[tuple[str, str, Decimal]]:
    """The balanced entries of one event: (account, unit, signed amount); they sum to zero."""
    account = blocked_account(property_id)
    counter = {"blocked": CLEARING, "interest": INTEREST, "release": RELEASED, "unblock": UNBLOCKED}[kind]
    sign = Decimal(1) if kind in ("blocked", "interest") else Decimal(-1)
    return [(account, unit, sign * amount), (counter, unit, -sign * amount)]


def validate(kind: str, prop_kind: str, state: PropertyState, amount: Decimal, on: date, today: date) -> None:
    """The rules an event must keep; raises UserError saying which it breaks."""
    if kind not in EVENT_KINDS[1:]:
        raise UserError(f"unknown ledger event {kind!r}")
    if state.closed:
        raise UserError("the property was unblocked; a closed record takes no further events")
    if on > today:
        raise UserError(f"date {on.isoformat()} is in the future")
    if state.last_event_on and on < state.last_event_on:
        raise UserError(f"date {on.isoformat()} is before the property's last event ({state.last_event_on})")
    if kind == "interest" and prop_kind != "funds":
        raise UserError("interest is credited to blocked funds only")
    if kind != "unblock" and amount <= ZERO:
        raise UserError("the amount must be greater than zero")
    if kind == "release" and amount > state.balance:
        raise UserError(f"release of {amount} exceeds the blocked balance of {state.balance}")


# --- writing ---------------------------------------------------------------------------------------


def record_property(connection: Connection, prop: PropertyInput, actor: str, today: date) -> int:
    """Insert blocked property and its 'blocked' event (with its audit event), in the caller's transaction."""
    property_id = record_properties(connection, [prop], actor, today)[0]
    audit.append(connection, actor, "ledger.blocked", f"property/{reference(property_id)}", blocked_payload(prop))
    return property_id


def blocked_payload(prop: PropertyInput) -> dict[str, Any]:
    return {
        "kind": prop.kind,
        "owner_id": prop.owner_id,
        "owner_name": prop.owner_name,
        "programs": list(prop.programs),
        "unit": prop.unit,
        "quantity": str(prop.quantity),
        "blocked_on": prop.blocked_on.isoformat(),
        "tx_id": prop.tx_id,
        "basis": prop.basis,
    }


def record_properties(connection: Connection, props: Sequence[PropertyInput], actor: str, today: date) -> list[int]:
    """Insert many properties with their 'blocked' events in three statements; the caller appends audit events.

    Ids are allocated from the current maxima: the caller's write transaction
    holds the writers' lock, so no other writer can take the same ones.
    """
    for prop in props:
        _check_input(prop, today)
    if not props:
        return []
    now = datetime.now(UTC)
    first = _next_id(connection, blocked_properties)
    ids = list(range(first, first + len(props)))
    connection.execute(
        insert(blocked_properties),
        [
            {
                "id": property_id,
                "kind": prop.kind,
                "owner_id": prop.owner_id,
                "owner_name": prop.owner_name,
                "programs": json.dumps(prop.programs),
                "basis": prop.basis,
                "tx_id": prop.tx_id,
                "blocked_on": prop.blocked_on.isoformat(),
                "account": prop.account or "",
                "unit": prop.unit,
                "quantity": str(prop.quantity),
                "description": prop.description,
                "location": prop.location,
                "value_currency": prop.value_currency,
                "estimated_value": str(prop.estimated_value) if prop.estimated_value is not None else None,
                "created_at": now,
                "actor": actor,
            }
            for property_id, prop in zip(ids, props, strict=True)
        ],
    )
    _events(
        connection,
        [(i, "blocked", p.unit, p.quantity, p.blocked_on, p.tx_id, None) for i, p in zip(ids, props, strict=True)],
        actor,
    )
    return ids


def _next_id(connection: Connection, table: Any) -> int:
    return int(connection.execute(select(func.coalesce(func.max(table.c.id), 0))).scalar_one()) + 1


def add_event(
    engine: Engine,
    property_id: int,
    kind: str,
    amount: Decimal | None,
    on: date,
    reference_text: str | None,
    note: str | None,
    actor: str,
    today: date | None = None,
) -> Decimal:
    """Interest, release or unblock, checked against the property's state; returns the new balance."""
    today = today or date.today()
    with write_transaction(engine) as connection:
        row = _property_row(connection, property_id)
        state = property_state(connection, property_id)
        if kind == "unblock":
            amount = state.balance
        if amount is None:
            raise UserError("an amount is needed")
        validate(kind, row.kind, state, amount, on, today)
        if kind == "release" and not (reference_text or "").strip():
            raise UserError("a release needs the licence that authorises it (--licence)")
        _events(connection, [(property_id, kind, row.unit, amount, on, reference_text, note)], actor)
        audit.append(
            connection,
            actor,
            f"ledger.{kind}",
            f"property/{reference(property_id)}",
            {"unit": row.unit, "amount": str(amount), "on": on.isoformat(), "reference": reference_text, "note": note},
        )
        return property_state(connection, property_id).balance


def record(engine: Engine, prop: PropertyInput, actor: str, today: date | None = None) -> int:
    """Record property blocked directly (not from a screened transaction), in its own transaction."""
    with write_transaction(engine) as connection:
        return record_property(connection, prop, actor, today or date.today())


def _check_input(prop: PropertyInput, today: date) -> None:
    if prop.kind not in PROPERTY_KINDS:
        raise UserError(f"unknown property kind {prop.kind!r}; use one of {', '.join(PROPERTY_KINDS)}")
    if prop.quantity <= ZERO:
        raise UserError("the blocked amount or quantity must be greater than zero")
    if prop.blocked_on > today:
        raise UserError(f"blocked on {prop.blocked_on.isoformat()}: in the future")
    if not prop.owner_name.strip():
        raise UserError("the owner of blocked property must be named")
    if prop.kind == "funds" and not prop.currency:
        raise UserError("blocked funds need a currency")
    if prop.kind == "securities" and not prop.isin:
        raise UserError("blocked securities need an ISIN")
    if prop.kind == "goods" and not (prop.description.strip() and prop.location):
        raise UserError("blocked goods need a description and where they are held (--location)")


# (property id, kind, unit, amount, day, reference, note)
EventRow = tuple[int, str, str, Decimal, date, str | None, str | None]


def _events(connection: Connection, events: Sequence[EventRow], actor: str) -> list[int]:
    """Insert events and their balanced entries (explicit ids, allocated under the writers' lock)."""
    now = datetime.now(UTC)
    first = _next_id(connection, ledger_events)
    ids = list(range(first, first + len(events)))
    connection.execute(
        insert(ledger_events),
        [
            {
                "id": event_id,
                "property_id": pid,
                "kind": kind,
                "occurred_on": on.isoformat(),
                "unit": unit,
                "amount": str(amount),
                "reference": ref,
                "note": note,
                "created_at": now,
                "actor": actor,
            }
            for event_id, (pid, kind, unit, amount, on, ref, note) in zip(ids, events, strict=True)
        ],
    )
    entries = [
        {"event_id": event_id, "account": account, "unit": u, "amount": str(value)}
        for event_id, (pid, kind, unit, amount, _on, _ref, _note) in zip(ids, events, strict=True)
        for account, u, value in postings(kind, pid, unit, amount)
    ]
    entry = _next_id(connection, ledger_entries)
    for offset, row in enumerate(entries):
        row["id"] = entry + offset
    connection.execute(insert(ledger_entries), entries)
    return ids


# --- reading ---------------------------------------------------------------------------------------


def _property_row(connection: Connection, property_id: int) -> Any:
    row = connection.execute(select(blocked_properties).where(blocked_properties.c.id == property_id)).first()
    if row is None:
        raise UserError(f"no blocked property {reference(property_id)}")
    return row


def property_state(connection: Connection, property_id: int, as_of: date | None = None) -> PropertyState:
    """The property's balance and totals, derived from its events and entries (optionally as of a day)."""
    query = (
        select(ledger_events.c.kind, ledger_events.c.occurred_on, ledger_entries.c.amount)
        .join(ledger_entries, ledger_entries.c.event_id == ledger_events.c.id)
        .where(ledger_events.c.property_id == property_id, ledger_entries.c.account == blocked_account(property_id))
        .order_by(ledger_events.c.id)
    )
    state = PropertyState()
    for kind, on, amount in connection.execute(query):
        day = date.fromisoformat(on)
        if as_of is not None and day > as_of:
            continue
        _apply(state, kind, Decimal(amount), day)
    return state


def _apply(state: PropertyState, kind: str, signed: Decimal, day: date) -> None:
    state.balance += signed
    if kind == "blocked":
        state.blocked += signed
    elif kind == "interest":
        state.interest += signed
    else:
        state.released -= signed
    if kind == "unblock":
        state.closed = True
    state.last_event_on = max(day, state.last_event_on) if state.last_event_on else day


def all_states(connection: Connection, as_of: date | None = None) -> dict[int, PropertyState]:
    """Every property's state in one pass over the entries."""
    query = (
        select(
            ledger_events.c.property_id,
            ledger_events.c.kind,
            ledger_events.c.occurred_on,
            ledger_entries.c.account,
            ledger_entries.c.amount,
        )
        .join(ledger_entries, ledger_entries.c.event_id == ledger_events.c.id)
        .order_by(ledger_events.c.id)
    )
    states: dict[int, PropertyState] = {}
    for property_id, kind, on, account, amount in connection.execute(query):
        if account != blocked_account(property_id):
            continue
        day = date.fromisoformat(on)
        if as_of is not None and day > as_of:
            continue
        _apply(states.setdefault(property_id, PropertyState()), kind, Decimal(amount), day)
    return states


@dataclass(slots=True)
class Invariant:
    ok: bool
    problems: list[str] = field(default_factory=list)
    held: dict[str, Decimal] = field(default_factory=dict)  # per unit: the sum over blocked accounts
    expected: dict[str, Decimal] = field(default_factory=dict)  # blocked + interest - releases, from the events
    properties: int = 0
    events: int = 0


def check(connection: Connection) -> Invariant:
    """Prove the ledger: balanced events, blocked accounts = blocked + interest - released, nothing negative."""
    result = Invariant(ok=True)
    sums: dict[tuple[int, str], Decimal] = defaultdict(Decimal)
    held: dict[str, Decimal] = defaultdict(Decimal)
    accounts: dict[str, Decimal] = defaultdict(Decimal)
    for event_id, account, unit, amount in connection.execute(
        select(ledger_entries.c.event_id, ledger_entries.c.account, ledger_entries.c.unit, ledger_entries.c.amount)
    ):
        value = Decimal(amount)
        sums[(event_id, unit)] += value
        if account.startswith("blocked/"):
            held[unit] += value
            accounts[account] += value
    expected: dict[str, Decimal] = defaultdict(Decimal)
    for kind, unit, amount in connection.execute(
        select(ledger_events.c.kind, ledger_events.c.unit, ledger_events.c.amount)
    ):
        sign = 1 if kind in ("blocked", "interest") else -1
        expected[unit] += sign * Decimal(amount)
        result.events += 1
    result.properties = connection.execute(select(func.count()).select_from(blocked_properties)).scalar_one()
    unbalanced = [key for key, total in sums.items() if total != ZERO]
    if unbalanced:
        result.problems.append(f"{len(unbalanced)} event(s) do not balance, e.g. event {unbalanced[0][0]}")
    for unit in sorted(set(held) | set(expected)):
        if held.get(unit, ZERO) != expected.get(unit, ZERO):
            result.problems.append(
                f"{unit}: blocked accounts hold {held.get(unit, ZERO)} but events say {expected.get(unit, ZERO)}"
            )
    negative = sorted(a for a, v in accounts.items() if v < ZERO)
    if negative:
        result.problems.append(f"negative blocked balance in {', '.join(negative[:5])}")
    result.held = dict(held)
    result.expected = dict(expected)
    result.ok = not result.problems
    return result


def list_properties(connection: Connection, as_of: date | None = None) -> list[dict[str, Any]]:
    """Every blocked property with its derived balance and status (open or unblocked), oldest first."""
    states = all_states(connection, as_of)
    rows = connection.execute(select(blocked_properties).order_by(blocked_properties.c.id))
    found = []
    for row in rows:
        if as_of is not None and date.fromisoformat(row.blocked_on) > as_of:
            continue
        state = states.get(row.id, PropertyState())
        found.append(property_dict(row, state))
    return found


def property_dict(row: Any, state: PropertyState) -> dict[str, Any]:
    return {
        "reference": reference(row.id),
        "id": row.id,
        "kind": row.kind,
        "owner_id": row.owner_id,
        "owner_name": row.owner_name,
        "programs": json.loads(row.programs),
        "basis": row.basis,
        "tx_id": row.tx_id,
        "blocked_on": row.blocked_on,
        "account": row.account or blocked_account(row.id),
        "unit": row.unit,
        "blocked": str(state.blocked),
        "interest": str(state.interest),
        "released": str(state.released),
        "balance": str(state.balance),
        "status": "unblocked" if state.closed else "blocked",
        "description": row.description,
        "location": row.location,
        "estimated_value": row.estimated_value,
        "value_currency": row.value_currency,
    }


def history(connection: Connection, property_id: int) -> list[dict[str, Any]]:
    _property_row(connection, property_id)
    events = connection.execute(
        select(ledger_events).where(ledger_events.c.property_id == property_id).order_by(ledger_events.c.id)
    )
    return [
        {
            "event": e.id,
            "kind": e.kind,
            "on": e.occurred_on,
            "unit": e.unit,
            "amount": e.amount,
            "reference": e.reference,
            "note": e.note,
            "actor": e.actor,
        }
        for e in events
    ]
