"""``proscribe monitor run``: re-screen what changed and open only new alerts."""

from __future__ import annotations

import typer

from proscribe.cli.app import context, print_json, stdout
from proscribe.cli.options import ACTOR, JSON
from proscribe.errors import UserError
from proscribe.store.audit import default_actor
from proscribe.workflow.monitor import run_monitor

app = typer.Typer(no_args_is_help=True, help="Ongoing monitoring of the counterparty register.")


@app.command("run")
def run_command(
    ctx: typer.Context,
    threshold: float | None = typer.Option(None, "--threshold", help="Alert threshold (default: the setting)."),
    actor: str | None = ACTOR,
    as_json: bool = JSON,
) -> None:
    """Screen changed parties against all lists and all parties against changed list entries."""
    if threshold is not None and not 0.0 < threshold <= 1.0:
        raise UserError(f"--threshold {threshold} is outside (0, 1]")
    app_ctx = context(ctx)
    report = run_monitor(app_ctx.engine, app_ctx.settings, actor or default_actor(), threshold)
    if as_json:
        print_json(report.to_dict())
        return
    if report.mode == "idle":
        stdout.print(f"nothing changed since the last run: {report.parties:,} parties, no screening needed")
        return
    stdout.print(
        f"run {report.run_id} ({report.mode}): {report.parties_screened:,} of {report.parties:,} parties screened, "
        f"{report.entries_considered:,} list entries considered, {report.hits:,} hits, "
        f"{report.alerts_opened:,} alerts opened in {report.seconds:.1f} s"
    )
