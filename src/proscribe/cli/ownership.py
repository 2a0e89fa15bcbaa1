"""``proscribe ownership``: ownership facts and the 50 percent rule, explained."""

from __future__ import annotations

from pathlib import Path

import typer

from proscribe.cli.app import context, print_json, stdout
from proscribe.cli.options import ACTOR, JSON
from proscribe.enforcement import index as enforcement_index
from proscribe.enforcement.config import get_policy
from proscribe.enforcement.ownership import party_key
from proscribe.enforcement.ownership_store import build_graph, import_links
from proscribe.errors import UserError
from proscribe.store.audit import default_actor

app = typer.Typer(no_args_is_help=True, help="Ownership facts and the 50 percent rule.")


@app.command("import")
def import_command(
    ctx: typer.Context,
    source: Path = typer.Argument(..., help="CSV (or JSONL) with owner, owned, share_percent, source."),
    replace: bool = typer.Option(False, "--replace", help="Drop stored links the file does not have."),
    actor: str | None = ACTOR,
) -> None:
    """Import ownership links (owner and owned: list entity ids, or names of unlisted parties)."""
    report = import_links(context(ctx).engine, source, actor or default_actor(), replace)
    stdout.print(
        f"{report.rows:,} rows: {report.added:,} added, {report.changed:,} changed, "
        f"{report.unchanged:,} unchanged, {report.removed:,} removed"
    )


@app.command("explain")
def explain_command(
    ctx: typer.Context,
    entity: str = typer.Argument(..., help="A list entity id, or an unlisted party's name."),
    as_json: bool = JSON,
) -> None:
    """Whether ENTITY is blocked under the 50 percent rule: the chain of owners and the arithmetic."""
    app_ctx = context(ctx)
    extra = enforcement_index.load(app_ctx.settings, app_ctx.engine)
    with app_ctx.engine.connect() as connection:
        graph = build_graph(connection, extra, get_policy(connection))
    key = entity if entity in graph.nodes else party_key(entity)
    if key not in graph.nodes:
        raise UserError(f"{entity!r} has no recorded owners or holdings (import them with `ownership import`)")
    lines = graph.explain(key)
    if as_json:
        found = graph.derive().get(key)
        print_json(
            {
                "entity": key,
                "blocked": found is not None,
                "programs": list(found.programs) if found else [],
                "explanation": lines,
            }
        )
        return
    for line in lines:
        stdout.print(line, markup=False)
