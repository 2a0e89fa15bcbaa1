"""Options several commands share, defined once so they read the same everywhere."""

from __future__ import annotations

import typer

from proscribe.store.audit import ACTOR_ENV

ACTOR = typer.Option(
    None, "--actor", envvar=ACTOR_ENV, help="Who is acting (recorded in the audit trail; default: the OS user)."
)
JSON = typer.Option(False, "--json", help="Print as JSON.")
