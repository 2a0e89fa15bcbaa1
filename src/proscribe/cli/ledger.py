"""``proscribe ledger``: blocked property, recorded directly or from blocked transactions, and its events."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import typer
from rich.table import Table

from proscribe.cli.app import context, print_json, stdout
from proscribe.cli.options import ACTOR, JSON
from proscribe.enforcement import ledger
from proscribe.enforcement.ledger import PropertyInput
from proscribe.enforcement.ownership import party_key
from proscribe.enforcement.transactions import TransactionError, parse_amount, parse_currency, parse_isin
from proscribe.errors import UserError
from proscribe.store.audit import default_actor

app = typer.Typer(no_args_is_help=True, help="The blocked-property ledger (double-entry, append-only).")

ON = typer.Option(None, "--on", help="The day it happened, YYYY-MM-DD (default: today).")


def _day(text: str | None) -> date:
    if not text:
        return date.today()
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UserError(f"{text!r} is not a date (YYYY-MM-DD)") from None


def _property(text: str) -> int:
    value = text.upper().removeprefix("BP-")
    if not value.isdigit():
        raise UserError(f"{text!r} is not a blocked-property reference (BP-<number>)")
    return int(value)


def parse_property(
    kind: str,
    owner: str,
    quantity: str,
    *,
    owner_id: str | None,
    programs: Sequence[str],
    currency: str | None,
    isin: str | None,
    description: str,
    location: str | None,
    value: str | None,
    value_currency: str | None,
    blocked_on: date,
    account: str | None,
    basis: str,
) -> PropertyInput:
    """A PropertyInput from command-line words, each checked with the same rules as transactions."""
    try:
        amount = parse_amount(quantity, "quantity" if kind != "funds" else "amount")
        cur = parse_currency(currency) if currency else None
        code = parse_isin(isin) if isin else None
        estimated = parse_amount(value, "value") if value else None
        value_cur = parse_currency(value_currency) if value_currency else None
    except TransactionError as error:
        raise UserError(str(error)) from error
    if estimated is not None and value_cur is None:
        raise UserError("an estimated value needs its currency (--value-currency)")
    return PropertyInput(
        kind=kind,
        owner_id=owner_id or party_key(owner),
        owner_name=owner,
        programs=tuple(programs),
        basis=basis,
        blocked_on=blocked_on,
        quantity=amount,
        currency=cur,
        isin=code,
        description=description,
        location=location,
        estimated_value=estimated,
        value_currency=value_cur,
        account=account,
    )


@app.command("record")
def record_command(
    ctx: typer.Context,
    kind: str = typer.Argument(..., help="funds, securities or goods."),
    owner: str = typer.Option(..., "--owner", help="The blocked person who owns (or has an interest in) it."),
    owner_id: str | None = typer.Option(None, "--owner-id", help="Their list entity id, when listed."),
    programs: list[str] = typer.Option([], "--program", help="Sanctions program (repeatable)."),
    quantity: str = typer.Option(..., "--quantity", "--amount", help="Amount of funds, or number of units."),
    currency: str | None = typer.Option(None, "--currency", help="Funds: ISO 4217 currency."),
    isin: str | None = typer.Option(None, "--isin", help="Securities: the ISIN."),
    description: str = typer.Option("", "--description", help="What the property is."),
    location: str | None = typer.Option(None, "--location", help="Goods: where they are held."),
    value: str | None = typer.Option(None, "--value", help="Estimated value."),
    value_currency: str | None = typer.Option(None, "--value-currency", help="Currency of the estimated value."),
    account: str | None = typer.Option(None, "--account", help="Your blocked-account number."),
    basis: str = typer.Option("recorded directly", "--basis", help="Why it is blocked."),
    on: str | None = ON,
    actor: str | None = ACTOR,
) -> None:
    """Record blocked property directly (e.g. a shipment of a blocked maker's goods in a warehouse)."""
    prop = parse_property(
        kind,
        owner,
        quantity,
        owner_id=owner_id,
        programs=programs,
        currency=currency,
        isin=isin,
        description=description or f"{kind} of {owner}",
        location=location,
        value=value,
        value_currency=value_currency,
        blocked_on=_day(on),
        account=account,
        basis=basis,
    )
    property_id = ledger.record(context(ctx).engine, prop, actor or default_actor())
    stdout.print(f"{ledger.reference(property_id)}: {prop.quantity} {prop.unit} of {owner} blocked")


def _event(
    ctx: typer.Context,
    kind: str,
    reference: str,
    amount: str | None,
    on: str | None,
    ref_text: str | None,
    note: str | None,
    actor: str | None,
) -> None:
    try:
        value = parse_amount(amount, "amount") if amount is not None else None
    except TransactionError as error:
        raise UserError(str(error)) from error
    balance = ledger.add_event(
        context(ctx).engine, _property(reference), kind, value, _day(on), ref_text, note, actor or default_actor()
    )
    stdout.print(f"{reference.upper()}: {kind} recorded; balance {balance}")


@app.command("interest")
def interest_command(
    ctx: typer.Context,
    reference: str = typer.Argument(...),
    amount: str = typer.Argument(...),
    on: str | None = ON,
    note: str | None = typer.Option(None, "--note"),
    actor: str | None = ACTOR,
) -> None:
    """Credit interest to blocked funds."""
    _event(ctx, "interest", reference, amount, on, None, note, actor)


@app.command("release")
def release_command(
    ctx: typer.Context,
    reference: str = typer.Argument(...),
    amount: str = typer.Argument(...),
    licence: str = typer.Option("", "--licence", help="The OFAC licence authorising the release."),
    on: str | None = ON,
    note: str | None = typer.Option(None, "--note"),
    actor: str | None = ACTOR,
) -> None:
    """Release part or all of the property under a licence."""
    _event(ctx, "release", reference, amount, on, licence, note, actor)


@app.command("unblock")
def unblock_command(
    ctx: typer.Context,
    reference: str = typer.Argument(...),
    notice: str = typer.Option(..., "--notice", help="The delisting (e.g. the Federal Register notice)."),
    on: str | None = ON,
    note: str | None = typer.Option(None, "--note"),
    actor: str | None = ACTOR,
) -> None:
    """Unblock the whole remaining balance after the owner was delisted; the record closes."""
    _event(ctx, "unblock", reference, None, on, notice, note, actor)


@app.command("list")
def list_command(
    ctx: typer.Context,
    as_of: str | None = typer.Option(None, "--as-of", help="Balances on that day."),
    as_json: bool = JSON,
) -> None:
    """Every blocked property with its balance (derived from the entries)."""
    with context(ctx).engine.connect() as connection:
        found = ledger.list_properties(connection, _day(as_of) if as_of else None)
    if as_json:
        print_json(found)
        return
    table = Table("ref", "owner", "programs", "kind", "blocked", "interest", "released", "balance", "unit", "status")
    for p in found:
        table.add_row(
            p["reference"],
            p["owner_name"],
            ", ".join(p["programs"]),
            p["kind"],
            p["blocked"],
            p["interest"],
            p["released"],
            p["balance"],
            p["unit"],
            p["status"],
        )
    stdout.print(table)


@app.command("show")
def show_command(ctx: typer.Context, reference: str = typer.Argument(...), as_json: bool = JSON) -> None:
    """One property's events."""
    with context(ctx).engine.connect() as connection:
        events = ledger.history(connection, _property(reference))
    if as_json:
        print_json(events)
        return
    for e in events:
        stdout.print(
            f"#{e['event']} {e['on']} {e['kind']} {e['amount']} {e['unit']} {e['reference'] or ''} "
            f"{e['note'] or ''} ({e['actor']})",
            markup=False,
        )


@app.command("check")
def check_command(ctx: typer.Context, as_json: bool = JSON) -> None:
    """Prove the ledger: balanced events, blocked accounts = blocked + interest - releases, nothing negative."""
    with context(ctx).engine.connect() as connection:
        result = ledger.check(connection)
    if as_json:
        print_json(
            {
                "ok": result.ok,
                "problems": result.problems,
                "properties": result.properties,
                "events": result.events,
                "held": {k: str(v) for k, v in result.held.items()},
            }
        )
    elif result.ok:
        held = ", ".join(f"{v} {k}" for k, v in sorted(result.held.items())) or "nothing"
        stdout.print(f"ledger consistent: {result.properties:,} properties, {result.events:,} events; held: {held}")
    if not result.ok:
        raise UserError("ledger inconsistent: " + "; ".join(result.problems))
