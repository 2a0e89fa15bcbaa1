"""``proscribe config``: workflow settings shared by every analyst (changes are audited)."""

from __future__ import annotations

import typer

from proscribe.cli.app import context, print_json, stdout
from proscribe.cli.options import ACTOR, JSON
from proscribe.store.audit import default_actor
from proscribe.workflow.settings import KNOWN, all_settings, set_setting

app = typer.Typer(no_args_is_help=True, help="Workflow settings (four-eyes, monitoring threshold).")


@app.command("show")
def show_command(ctx: typer.Context, as_json: bool = JSON) -> None:
    with context(ctx).engine.connect() as connection:
        values = all_settings(connection)
    if as_json:
        print_json(values)
        return
    for key, value in values.items():
        stdout.print(f"{key} = {value or '(default)'}  [dim]{KNOWN[key].help}[/dim]")


@app.command("set")
def set_command(ctx: typer.Context, key: str, value: str, actor: str | None = ACTOR) -> None:
    checked = set_setting(context(ctx).engine, key, value, actor or default_actor())
    stdout.print(f"{key} = {checked}")
