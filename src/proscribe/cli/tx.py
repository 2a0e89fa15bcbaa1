"""``proscribe tx``: screen transactions, review held ones, and manage the block/reject policy."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import IO, Any

import typer
from rich.table import Table

from proscribe.cli.app import context, print_json, stderr, stdout
from proscribe.cli.options import ACTOR, JSON
from proscribe.enforcement import review
from proscribe.enforcement.config import get_policy, reset_policy, set_policy
from proscribe.enforcement.service import Enforcer, RunStats
from proscribe.errors import UserError
from proscribe.store.audit import default_actor

app = typer.Typer(no_args_is_help=True, help="Transactions: screen, block or reject, review held ones.")
policy_app = typer.Typer(no_args_is_help=True, help="The block/reject policy (by program and by country).")
app.add_typer(policy_app, name="policy")


@app.command("screen")
def screen_command(
    ctx: typer.Context,
    source: Path = typer.Argument(..., help="Transactions as JSON lines (.jsonl) or CSV (flattened fields)."),
    output: Path | None = typer.Option(None, "--output", help="Where the result lines go (default: stdout)."),
    actor: str | None = ACTOR,
) -> None:
    """Screen every transaction; one JSON line each: id, decision (pass/hold/reject/block), reasons, hits."""
    app_ctx = context(ctx)
    enforcer = Enforcer(app_ctx.settings, app_ctx.engine, actor or default_actor())
    handle: IO[str] = output.open("w", encoding="utf-8") if output else sys.stdout
    try:

        def emit(line: dict[str, Any]) -> None:
            handle.write(json.dumps(line, ensure_ascii=False) + "\n")

        stats = enforcer.screen_file(source, emit)
    finally:
        if output:
            handle.close()
        else:
            handle.flush()
    _summary(stats)
    if stats.errors:
        raise typer.Exit(1)


def _summary(stats: RunStats) -> None:
    for problem in stats.problems:
        prefix = "" if ": warning: " in problem else "error: "
        typer.echo(f"{prefix}{problem}", err=True)
    decisions = ", ".join(f"{k} {stats.decisions.get(k, 0):,}" for k in ("pass", "hold", "reject", "block"))
    rate = (stats.screened + stats.replayed) / stats.seconds if stats.seconds else 0.0
    stderr.print(
        f"{stats.rows:,} transactions: {stats.screened:,} screened ({decisions}), {stats.replayed:,} replayed, "
        f"{stats.errors:,} refused; {stats.properties:,} blocked-property records, {stats.alerts:,} alerts "
        f"({rate:,.0f} transactions/s)"
    )


@app.command("show")
def show_command(ctx: typer.Context, tx_id: str = typer.Argument(...), as_json: bool = JSON) -> None:
    """One screened transaction: its record, decision, alerts and resolution."""
    with context(ctx).engine.connect() as connection:
        found = review.show(connection, tx_id)
    if as_json:
        print_json(found)
        return
    stdout.print(f"[bold]{tx_id}[/bold]: {found['decision']} on {found['decided_on']} ({found['origin']})")
    for reason in found["output"]["reasons"]:
        stdout.print(f"  {reason}", markup=False)
    for alert in found["alerts"]:
        stdout.print(
            f"  alert {alert['id']} [{alert['status']}] {alert['field']} ~ {alert['entity_id']} "
            f"{alert['score']:.2f} (if confirmed: {alert['if_confirmed']})",
            markup=False,
        )
    if found["resolution"]:
        r = found["resolution"]
        stdout.print(f"  resolved {r['decision']} on {r['on']} by {r['by']}: {r['note']}", markup=False)


@app.command("alerts")
def alerts_command(
    ctx: typer.Context,
    status: str | None = typer.Option("open", "--status", help="open, true-match, false-positive ('' for all)."),
    as_json: bool = JSON,
) -> None:
    """Alerts of held transactions, oldest first."""
    with context(ctx).engine.connect() as connection:
        found = review.list_alerts(connection, status or None)
    if as_json:
        print_json(found)
        return
    table = Table("id", "tx", "field", "entity", "score", "if confirmed", "status")
    for a in found:
        table.add_row(
            str(a["id"]),
            a["tx_id"],
            a["field"],
            f"{a['entity_id']} {a['caption']}",
            f"{a['score']:.2f}",
            a["if_confirmed"],
            a["status"],
        )
    stdout.print(table)


@app.command("holds")
def holds_command(
    ctx: typer.Context,
    status: str = typer.Option("open", "--status", help="open (awaiting review), resolved, or all."),
    as_json: bool = JSON,
) -> None:
    """Held transactions, oldest first: the review queue, holds chosen by a place (no alert) included."""
    if status not in ("open", "resolved", "all"):
        raise UserError(f"--status {status!r}: use open, resolved or all")
    with context(ctx).engine.connect() as connection:
        found, _total = review.list_holds(connection, status, limit=1_000_000)
    if as_json:
        print_json(found)
        return
    table = Table("tx", "amount", "held", "reasons", "status")
    for hold in found:
        resolution = hold["resolution"]
        state = f"{resolution['decision']} by {resolution['by']}" if resolution else "open"
        amount = f"{hold['amount']} {hold['currency']}"
        table.add_row(hold["id"], amount, hold["decided_on"], "; ".join(hold["reasons"]), state)
    stdout.print(table)


@app.command("resolve")
def resolve_command(
    ctx: typer.Context,
    tx_id: str = typer.Argument(...),
    decision: str = typer.Option(..., "--as", help="pass (release), reject, or block."),
    note: str = typer.Option("", "--note", help="Why (recorded in the audit trail)."),
    actor: str | None = ACTOR,
) -> None:
    """Resolve a held transaction: release it, reject it, or block it into the ledger."""
    done = review.resolve(context(ctx).engine, tx_id, decision, note, actor or default_actor())
    extra = f", property {done['property']}" if done.get("property") else ""
    stdout.print(f"{tx_id}: resolved as {decision}{extra}")


@policy_app.command("show")
def policy_show(ctx: typer.Context, as_json: bool = JSON) -> None:
    """The policy in force: program rules (first match wins), country rules, thresholds."""
    with context(ctx).engine.connect() as connection:
        policy = get_policy(connection)
    if as_json:
        print_json(policy.to_dict())
        return
    stdout.print(
        f"auto-decide score {policy.auto_decide_score}; free-text hits at most {policy.free_text_max}; "
        f"alert threshold {policy.alert_threshold or 'engine default'}; fingerprint {policy.fingerprint}"
    )
    table = Table("#", "list", "program", "kinds", "action", "50 % rule", "note")
    for number, rule in enumerate(policy.program_rules, start=1):
        table.add_row(
            str(number),
            rule.source,
            rule.program,
            "/".join(rule.kinds) or "all",
            rule.action,
            "yes" if rule.fifty_percent else "",
            rule.note,
        )
    stdout.print(table)
    places = Table("territory", "action", "program", "address words", "note")
    for place in policy.country_rules:
        places.add_row(place.territory, place.action, place.program, ", ".join(place.keywords), place.note)
    stdout.print(places)


@policy_app.command("set")
def policy_set(
    ctx: typer.Context, source: Path = typer.Argument(..., help="A policy JSON document."), actor: str | None = ACTOR
) -> None:
    """Replace the policy with a JSON document (the shape `tx policy show --json` prints)."""
    try:
        data = json.loads(source.read_text(encoding="utf-8"))
    except OSError as error:
        raise UserError(f"{source}: {error.strerror}") from error
    except json.JSONDecodeError as error:
        raise UserError(f"{source}: line {error.lineno}: not valid JSON ({error.msg})") from error
    policy = set_policy(context(ctx).engine, data, actor or default_actor())
    stdout.print(
        f"policy {policy.fingerprint} in force: {len(policy.program_rules)} program rules, "
        f"{len(policy.country_rules)} country rules"
    )


@policy_app.command("reset")
def policy_reset(ctx: typer.Context, actor: str | None = ACTOR) -> None:
    """Go back to the default policy (documented in `proscribe.enforcement.policy`)."""
    policy = reset_policy(context(ctx).engine, actor or default_actor())
    stdout.print(f"default policy {policy.fingerprint} in force")
