"""The root of the ``proscribe`` command: global options, error reporting, sub-commands."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from sqlalchemy import Engine
from typer.core import TyperGroup

from proscribe.config import Settings, resolve_settings
from proscribe.errors import USER_ERRORS
from proscribe.store.db import open_engine

stdout = Console(highlight=False, soft_wrap=True)
stderr = Console(stderr=True, highlight=False, soft_wrap=True)


class _Group(TyperGroup):
    """Reports a user's error as one line, ``error: <what and where>``, with exit status 1."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except USER_ERRORS as error:
            typer.echo(f"error: {error}", err=True)
            raise typer.Exit(1) from error


@dataclass(slots=True)
class AppContext:
    settings: Settings
    _engine: Engine | None = None

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            self._engine = open_engine(self.settings.database_url)
        return self._engine


app = typer.Typer(
    cls=_Group,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    help="Sanctions and restricted-party compliance: official lists, screening, monitoring.",
)


@app.callback()
def _root(
    ctx: typer.Context,
    home: Path | None = typer.Option(
        None, "--home", envvar="PROSCRIBE_HOME", help="Folder holding the store and indexes.", show_default=False
    ),
) -> None:
    ctx.obj = AppContext(resolve_settings(home))


def print_json(data: object) -> None:
    """JSON for machines: plain, never wrapped or coloured."""
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2))


def context(ctx: typer.Context) -> AppContext:
    obj = ctx.find_root().obj
    assert isinstance(obj, AppContext)
    return obj


def _register() -> None:
    from proscribe.cli import (
        alerts,
        audit,
        config,
        devices,
        entity,
        keys,
        ledger,
        lists,
        monitor,
        ownership,
        parties,
        reports,
        screen,
        serve,
        tx,
    )

    app.add_typer(lists.app, name="lists")
    app.add_typer(parties.app, name="parties")
    app.add_typer(monitor.app, name="monitor")
    app.add_typer(alerts.app, name="alerts")
    app.add_typer(audit.app, name="audit")
    app.add_typer(config.app, name="config")
    app.add_typer(devices.app, name="devices")
    app.command("entity")(entity.show_entity)
    app.command("screen")(screen.screen_command)
    app.command("compare")(screen.compare_command)
    app.add_typer(keys.app, name="keys")
    app.command("serve")(serve.serve_command)
    app.add_typer(tx.app, name="tx")
    app.add_typer(ledger.app, name="ledger")
    app.add_typer(ownership.app, name="ownership")
    app.add_typer(reports.app, name="reports")


_register()


def main() -> None:
    app(prog_name="proscribe")
