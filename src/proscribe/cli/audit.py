"""``proscribe audit``: verify the hash chain, export the trail for a regulator."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from proscribe.cli.app import context, stdout
from proscribe.errors import UserError
from proscribe.store.audit import export, verify

app = typer.Typer(no_args_is_help=True, help="The tamper-evident audit trail.")


@app.command("verify")
def verify_command(ctx: typer.Context) -> None:
    """Check every event against the chain; name the first event that was edited, deleted or reordered."""
    with context(ctx).engine.connect() as connection:
        result = verify(connection)
    if not result.ok:
        raise UserError(f"audit trail broken at event {result.first_bad}: {result.reason}")
    stdout.print(f"audit trail intact: {result.checked:,} events")


@app.command("export")
def export_command(
    ctx: typer.Context,
    output: Path | None = typer.Option(None, "--output", help="JSONL file (default: stdout)."),
) -> None:
    """Write every event as JSON lines, oldest first, with its hashes."""
    with context(ctx).engine.connect() as connection:
        lines = (json.dumps(event, ensure_ascii=False) for event in export(connection))
        if output is None:
            for line in lines:
                typer.echo(line)
            return
        try:
            with output.open("w", encoding="utf-8") as handle:
                count = sum(1 for line in lines if handle.write(line + "\n"))
        except OSError as error:
            raise UserError(f"{output}: {error.strerror}") from error
    stdout.print(f"{count:,} events written to {output}")
