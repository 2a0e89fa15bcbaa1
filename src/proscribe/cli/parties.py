"""``proscribe parties``: import the counterparty register, list parties, show one with its history."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table
from sqlalchemy import select

from proscribe.cli.app import context, print_json, stderr, stdout
from proscribe.cli.options import ACTOR, JSON
from proscribe.errors import UserError
from proscribe.store.audit import default_actor
from proscribe.workflow.parties import (
    RegisterError,
    history,
    import_register,
    parse_mapping,
    read_register,
    row_to_party,
)
from proscribe.workflow.tables import parties

app = typer.Typer(no_args_is_help=True, help="The counterparty register: customers, suppliers, employees ...")


@app.command("import")
def import_command(
    ctx: typer.Context,
    path: Path = typer.Argument(..., help="CSV or XLSX register (columns id, name, type, country, date_of_birth ...)."),
    mapping: list[str] = typer.Option([], "--map", help="FIELD=COLUMN pairs, e.g. name=Company,country=Ctry."),
    extra: list[str] = typer.Option([], "--extra", help="Keep this further column with each party (repeatable)."),
    ignore_unknown: bool = typer.Option(
        False, "--ignore-unknown", help="Skip columns that are neither mapped nor kept."
    ),
    complete: bool = typer.Option(
        False, "--complete", help="The file is the whole register: remove parties not in it."
    ),
    actor: str | None = ACTOR,
    as_json: bool = JSON,
) -> None:
    """Import or update parties (all or nothing: any bad row stops the import)."""
    try:
        register = read_register(path, parse_mapping(mapping), extra, ignore_unknown)
    except RegisterError as error:
        for problem in error.problems:
            stderr.print(f"{path}: {problem}", markup=False)
        raise
    result = import_register(context(ctx).engine, register, actor or default_actor(), str(path), complete)
    summary = {
        "created": len(result.created),
        "updated": len(result.updated),
        "removed": len(result.removed),
        "unchanged": result.unchanged,
    }
    if as_json:
        print_json(summary)
    else:
        stdout.print(", ".join(f"{v:,} {k}" for k, v in summary.items()))


@app.command("list")
def list_command(ctx: typer.Context, as_json: bool = JSON, limit: int = typer.Option(50, "--limit")) -> None:
    """The active parties."""
    with context(ctx).engine.connect() as connection:
        rows = [row_to_party(r) for r in connection.execute(select(parties).where(parties.c.active.is_(True)))]
    if as_json:
        print_json([p.record() for p in rows])
        return
    table = Table("id", "name", "type", "country", "date of birth")
    for party in rows[:limit]:
        table.add_row(party.party_id, party.name, party.type or "", party.country or "", party.date_of_birth or "")
    stdout.print(table)
    if len(rows) > limit:
        stdout.print(f"... {len(rows) - limit:,} more (--limit, --json)")


@app.command("show")
def show_command(ctx: typer.Context, party_id: str = typer.Argument(...), as_json: bool = JSON) -> None:
    """One party with every version it has had."""
    with context(ctx).engine.connect() as connection:
        versions = history(connection, party_id)
    if not versions:
        raise UserError(f"no party {party_id!r}")
    if as_json:
        print_json({"party_id": party_id, "versions": versions})
        return
    for version in versions:
        fields = ", ".join(version["changed_fields"])
        stdout.print(
            f"v{version['version']} {version['change']} {version['changed_at']} by {version['actor']}"
            + (f" ({fields})" if fields else "")
        )
        stdout.print(f"  {version['record']}", markup=False)
