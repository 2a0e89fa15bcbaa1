"""``proscribe alerts``: list, show, assign, decide and approve alerts."""

from __future__ import annotations

import typer
from rich.table import Table

from proscribe.cli.app import context, print_json, stdout
from proscribe.cli.options import ACTOR, JSON
from proscribe.store.audit import default_actor
from proscribe.workflow.alerts import DECISIONS, approve, assign, decide, get_alert, list_alerts

app = typer.Typer(no_args_is_help=True, help="Alerts raised by monitoring, and analysts' decisions on them.")


@app.command("list")
def list_command(
    ctx: typer.Context,
    status: str | None = typer.Option(None, "--status", help="Only alerts with this status."),
    party: str | None = typer.Option(None, "--party", help="Only alerts of this party."),
    as_json: bool = JSON,
) -> None:
    """Alerts, oldest first."""
    with context(ctx).engine.connect() as connection:
        found = list_alerts(connection, status, party)
    if as_json:
        print_json([a.to_dict() for a in found])
        return
    table = Table("id", "status", "party", "entity", "score", "edition", "assignee", "reason")
    for a in found:
        table.add_row(
            str(a.id), a.status, a.party_id, a.entity_id, f"{a.score:.3f}", str(a.edition), a.assignee or "", a.reason
        )
    stdout.print(table)


@app.command("show")
def show_command(ctx: typer.Context, alert_id: int = typer.Argument(...), as_json: bool = JSON) -> None:
    """One alert: the party and list entry as screened, the explanation, and its history."""
    with context(ctx).engine.connect() as connection:
        alert = get_alert(connection, alert_id)
    if as_json:
        print_json(alert)
        return
    stdout.print(
        f"[bold]alert {alert['id']}[/bold] {alert['status']}: party {alert['party_id']} ~ "
        f"{alert['entity_id']} ({alert['entity'].get('names', [{}])[0].get('value', '')}) "
        f"score {alert['score']:.3f}, edition {alert['edition']}"
    )
    stdout.print(f"reason: {alert['reason']}")
    stdout.print(f"party: {alert['party']}", markup=False)
    stdout.print(f"why: {alert['explanation']['explanation']['summary']}", markup=False)
    for event in alert["history"]:
        note = event["payload"].get("note")
        stdout.print(
            f"  #{event['seq']} {event['at']} {event['actor']}: {event['action']}" + (f" - {note}" if note else ""),
            markup=False,
        )


@app.command("decide")
def decide_command(
    ctx: typer.Context,
    alert_id: int = typer.Argument(...),
    decision: str = typer.Option(..., "--as", help=f"One of: {', '.join(DECISIONS)}."),
    note: str = typer.Option(..., "--note", help="Why: kept with the decision and in the audit trail."),
    actor: str | None = ACTOR,
) -> None:
    """Decide an alert (with four-eyes on, a true match or false positive awaits a second person)."""
    status = decide(context(ctx).engine, alert_id, decision, note, actor or default_actor())
    stdout.print(f"alert {alert_id}: {status}")


@app.command("approve")
def approve_command(
    ctx: typer.Context,
    alert_id: int = typer.Argument(...),
    note: str = typer.Option("", "--note"),
    reject: bool = typer.Option(False, "--reject", help="Send the proposed decision back: the alert reopens."),
    actor: str | None = ACTOR,
) -> None:
    """Approve (or reject) another analyst's proposed decision."""
    status = approve(context(ctx).engine, alert_id, actor or default_actor(), note, reject)
    stdout.print(f"alert {alert_id}: {status}")


@app.command("assign")
def assign_command(
    ctx: typer.Context,
    alert_id: int = typer.Argument(...),
    to: str = typer.Option(..., "--to", help="The analyst who takes the alert."),
    actor: str | None = ACTOR,
) -> None:
    """Assign an alert to an analyst."""
    assign(context(ctx).engine, alert_id, to, actor or default_actor())
    stdout.print(f"alert {alert_id}: assigned to {to}")
