"""``proscribe reports``: OFAC's Blocked Property, Reject and Annual reports, as CSV and PDF."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import typer

from proscribe.cli.app import context, print_json, stderr, stdout
from proscribe.cli.options import ACTOR, JSON
from proscribe.enforcement.config import get_filer, set_filer
from proscribe.enforcement.reports import Report, annual_report, blocked_report, reject_report, write_report
from proscribe.errors import UserError
from proscribe.store.audit import default_actor

app = typer.Typer(no_args_is_help=True, help="OFAC reports of blocked and rejected transactions, and the annual.")

OUTPUT = typer.Option(..., "--output", help="Folder for the CSV and PDF.")
START = typer.Option(None, "--from", help="First day (YYYY-MM-DD).")
END = typer.Option(None, "--to", help="Last day (YYYY-MM-DD).")


def _day(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UserError(f"{text!r} is not a date (YYYY-MM-DD)") from None


def _write(report: Report, output: Path) -> None:
    csv_path, pdf_path = write_report(report, output)
    stdout.print(f"{report.title}: {len(report.records):,} record(s) ({report.period}) -> {csv_path}, {pdf_path}")
    missing = report.filer.missing()
    if missing:
        stderr.print(f"note: filer {', '.join(missing)} not set; run `proscribe reports filer` before filing")


@app.command("blocked")
def blocked_command(
    ctx: typer.Context, output: Path = OUTPUT, start: str | None = START, end: str | None = END
) -> None:
    """Blocked Property Reports (one per blocked property), each with its due date."""
    with context(ctx).engine.connect() as connection:
        report = blocked_report(connection, _day(start), _day(end))
    _write(report, output)


@app.command("reject")
def reject_command(ctx: typer.Context, output: Path = OUTPUT, start: str | None = START, end: str | None = END) -> None:
    """Reject Reports (one per rejected transaction), each with its due date."""
    with context(ctx).engine.connect() as connection:
        report = reject_report(connection, _day(start), _day(end))
    _write(report, output)


@app.command("annual")
def annual_command(
    ctx: typer.Context,
    output: Path = OUTPUT,
    year: int = typer.Option(..., "--year", min=1990, max=2999, help="The report is as of 30 June of this year."),
) -> None:
    """The Annual Report of Blocked Property as of 30 June (due 30 September)."""
    with context(ctx).engine.connect() as connection:
        report = annual_report(connection, year)
    _write(report, output)


@app.command("filer")
def filer_command(
    ctx: typer.Context,
    name: str | None = typer.Option(None, "--name", help="The holder / reporting institution."),
    address: str | None = typer.Option(None, "--address"),
    contact: str | None = typer.Option(None, "--contact", help="Contact person."),
    phone: str | None = typer.Option(None, "--phone"),
    email: str | None = typer.Option(None, "--email"),
    actor: str | None = ACTOR,
    as_json: bool = JSON,
) -> None:
    """Show, or set, who files the reports (changes are audit events)."""
    engine = context(ctx).engine
    changes = {"name": name, "address": address, "contact": contact, "phone": phone, "email": email}
    if any(v is not None for v in changes.values()):
        filer = set_filer(engine, changes, actor or default_actor())
    else:
        with engine.connect() as connection:
            filer = get_filer(connection)
    data = {
        "name": filer.name,
        "address": filer.address,
        "contact": filer.contact,
        "phone": filer.phone,
        "email": filer.email,
    }
    if as_json:
        print_json(data)
        return
    for key, value in data.items():
        stdout.print(f"{key}: {value or '-'}", markup=False)
