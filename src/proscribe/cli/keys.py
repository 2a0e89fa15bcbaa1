"""``proscribe keys``: create, list and revoke the HTTP API's keys."""

from __future__ import annotations

import typer
from rich.table import Table

from proscribe.api.keys import ROLES, create_key, list_keys, revoke_key
from proscribe.cli.app import context, print_json, stdout
from proscribe.cli.options import ACTOR, JSON
from proscribe.store.audit import default_actor

app = typer.Typer(no_args_is_help=True, help="API keys for `proscribe serve`: each has a name and a role.")


@app.command("create")
def create_command(
    ctx: typer.Context,
    role: str = typer.Option(..., "--role", help=f"One of: {', '.join(ROLES)}."),
    name: str = typer.Option(..., "--name", help="A name for the key: the audit trail's actor for its requests."),
    actor: str | None = ACTOR,
) -> None:
    """Create a key; it is printed once, alone on the last line, and stored only as a hash."""
    key = create_key(context(ctx).engine, name, role, actor or default_actor())
    typer.echo(f"created {role} key {name!r}; it is shown only now, so store it safely:")
    typer.echo(key)


@app.command("revoke")
def revoke_command(
    ctx: typer.Context, name: str = typer.Argument(..., help="The key's name."), actor: str | None = ACTOR
) -> None:
    """Revoke a key; the service refuses it within seconds."""
    revoke_key(context(ctx).engine, name, actor or default_actor())
    typer.echo(f"revoked key {name!r}")


@app.command("list")
def list_command(ctx: typer.Context, as_json: bool = JSON) -> None:
    """Every key by name and role, with when it was created and revoked (never the key)."""
    with context(ctx).engine.connect() as connection:
        found = list_keys(connection)
    if as_json:
        print_json([k.to_dict() for k in found])
        return
    table = Table("name", "role", "prefix", "created", "by", "revoked")
    for k in found:
        table.add_row(k.name, k.role, k.prefix + "...", k.created_at[:19], k.created_by, (k.revoked_at or "")[:19])
    stdout.print(table)
