"""``proscribe lists``: import, update, show and diff the official lists."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TransferSpeedColumn
from rich.table import Table

from proscribe.cli.app import AppContext, context, print_json, stderr, stdout
from proscribe.errors import UserError
from proscribe.fetch.update import select_sources, update_sources
from proscribe.screening import rebuild
from proscribe.sources import FORMATS
from proscribe.sources.detect import scan
from proscribe.store.diff import diff_editions
from proscribe.store.importer import EditionSummary, StagedList, import_lists
from proscribe.store.queries import list_editions

app = typer.Typer(no_args_is_help=True, help="Official lists: import, update, show, diff.")


@app.command("import")
def import_command(
    ctx: typer.Context,
    paths: list[Path] = typer.Argument(..., help="List files or folders (walked recursively)."),
    source: str | None = typer.Option(None, "--source", help="File every list found under this key."),
    format_key: str | None = typer.Option(None, "--format", help=f"Force a format: {', '.join(FORMATS)}."),
    as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON."),
    no_index: bool = typer.Option(
        False, "--no-index", help="Do not rebuild the screening index now; it is rebuilt when next used."
    ),
) -> None:
    """Import list files as new editions (atomic: all or nothing)."""
    if format_key and format_key not in FORMATS:
        raise UserError(f"unknown format {format_key!r}; known: {', '.join(FORMATS)}")
    found = scan(paths, format_key=format_key, source=source)
    for skipped in found.skipped:
        stderr.print(f"skipped {skipped}: not a recognised list format")
    if not found.lists:
        raise UserError(f"no list files found in {', '.join(str(p) for p in paths)}")

    def staged(item: StagedList) -> None:
        stderr.print(f"parsed {item.list_file.source} ({item.list_file.format}): {len(item.records)} entities")

    app_ctx = context(ctx)
    summaries = import_lists(app_ctx.engine, found.lists, on_staged=None if as_json else staged)
    _print_summaries(summaries, as_json)
    if not no_index:
        _refresh_index(app_ctx, summaries, quiet=as_json)


@app.command("update")
def update_command(
    ctx: typer.Context,
    keys: list[str] = typer.Argument(None, help="Lists to fetch (default: every list with a public URL)."),
    mirror: str | None = typer.Option(None, "--mirror", help="Base URL of a mirror serving the publishers' paths."),
    as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON."),
) -> None:
    """Download the official lists (conditional requests, retries) and import what changed."""
    app_ctx = context(ctx)
    sources = select_sources(keys or [])
    with Progress(
        TextColumn("{task.description}"), BarColumn(), DownloadColumn(), TransferSpeedColumn(), console=stderr
    ) as progress:
        tasks: dict[str, int] = {}

        def report(name: str, done: int, total: int | None) -> None:
            if name not in tasks:
                tasks[name] = int(progress.add_task(name, total=total))
            progress.update(tasks[name], completed=done, total=total)  # type: ignore[arg-type]

        results = update_sources(app_ctx.engine, app_ctx.settings.downloads_dir, sources, mirror, report)
    summaries = [s for r in results for s in r.editions]
    for result in results:
        if result.up_to_date:
            stderr.print(f"{result.source}: up to date (server reports no change)")
    _print_summaries(summaries, as_json)
    _refresh_index(app_ctx, summaries, quiet=as_json)


def _refresh_index(app_ctx: AppContext, summaries: list[EditionSummary], quiet: bool) -> None:
    """Rebuild the screening index now, so the first screening after an import starts at once."""
    if not any(s.status == "imported" for s in summaries):
        return
    _index, status = rebuild(app_ctx.engine, app_ctx.settings.index_dir)
    if not quiet:
        stderr.print(f"screening index rebuilt: {status.entities:,} entities in {status.built_in_seconds or 0:.1f} s")


@app.command("show")
def show_command(
    ctx: typer.Context,
    all_editions: bool = typer.Option(False, "--all", help="Every stored edition, not only the current ones."),
    as_json: bool = typer.Option(False, "--json", help="Print as JSON."),
) -> None:
    """Every source, its current edition, dates and counts."""
    with context(ctx).engine.connect() as connection:
        rows = [e for e in list_editions(connection) if all_editions or e.current]
    if as_json:
        print_json([e.to_dict() for e in rows])
        return
    if not rows:
        stdout.print("No lists loaded yet: run `proscribe lists update` or `proscribe lists import FOLDER`.")
        return
    table = Table("source", "edition", "current", "published", "imported", "entities", "names")
    for e in rows:
        table.add_row(
            e.source,
            str(e.id),
            "yes" if e.current else "",
            e.publisher_date or "-",
            e.imported_at.strftime("%Y-%m-%d %H:%M"),
            f"{e.entity_count:,}",
            f"{e.name_count:,}",
        )
    stdout.print(table)


@app.command("diff")
def diff_command(
    ctx: typer.Context,
    key: str = typer.Argument(..., help="The list key, e.g. us_ofac_sdn."),
    from_edition: int | None = typer.Option(None, "--from", help="Older edition id (default: the one before --to)."),
    to_edition: int | None = typer.Option(None, "--to", help="Newer edition id (default: the current edition)."),
    limit: int = typer.Option(20, "--limit", help="Entities listed per kind of change (JSON lists all)."),
    as_json: bool = typer.Option(False, "--json", help="Print the full diff as JSON."),
) -> None:
    """Added, removed and changed entities between two editions, with the fields that changed."""
    with context(ctx).engine.connect() as connection:
        known = list_editions(connection, key)
        if not known:
            raise UserError(f"no editions of {key!r} are stored; `proscribe lists show` lists what is")
        ids = [e.id for e in known]
        current = next((e.id for e in known if e.current), ids[-1])
        to_id = to_edition if to_edition is not None else current
        if to_id not in ids:
            raise UserError(f"{key} has no edition {to_id}; stored: {', '.join(map(str, ids))}")
        if from_edition is None:
            older = [i for i in ids if i < to_id]
            if not older:
                raise UserError(f"{key} edition {to_id} is the first stored; nothing to compare it with")
            from_id = older[-1]
        elif from_edition not in ids:
            raise UserError(f"{key} has no edition {from_edition}; stored: {', '.join(map(str, ids))}")
        else:
            from_id = from_edition
        diff = diff_editions(connection, key, from_id, to_id)
    if as_json:
        print_json(diff.to_dict())
        return
    stdout.print(
        f"{key}: edition {from_id} -> {to_id}: {len(diff.added)} added, "
        f"{len(diff.removed)} removed, {len(diff.changed)} changed"
    )
    for label, items in (("added", diff.added), ("removed", diff.removed)):
        for entity_id, caption in items[:limit]:
            stdout.print(f"  {label:8} {entity_id}  {caption}")
        if len(items) > limit:
            stdout.print(f"  ... {len(items) - limit} more {label}")
    for change in diff.changed[:limit]:
        stdout.print(f"  changed  {change.entity_id}  {change.caption}  [{', '.join(change.fields)}]")
    if len(diff.changed) > limit:
        stdout.print(f"  ... {len(diff.changed) - limit} more changed")


def _print_summaries(summaries: list[EditionSummary], as_json: bool) -> None:
    if as_json:
        print_json([_summary_dict(s) for s in summaries])
        return
    for s in summaries:
        line = (
            f"[bold]{s.source}[/bold] edition {s.edition_id} {s.status}: {s.entity_count:,} entities "
            f"({_schemas(s.schema_counts)}), {s.name_count:,} names"
        )
        if s.previous_edition_id and s.status != "unchanged":
            line += (
                f"; against edition {s.previous_edition_id}: "
                f"+{s.added:,} added, ~{s.changed:,} changed, -{s.removed:,} removed"
            )
        stdout.print(line)
        for note in s.notes:
            stdout.print(f"  {note}")


def _summary_dict(s: EditionSummary) -> dict[str, object]:
    return {
        "source": s.source,
        "format": s.format,
        "files": s.files,
        "status": s.status,
        "edition": s.edition_id,
        "previous_edition": s.previous_edition_id,
        "publisher_date": s.publisher_date,
        "entities": s.entity_count,
        "names": s.name_count,
        "by_schema": s.schema_counts,
        "added": s.added,
        "changed": s.changed,
        "removed": s.removed,
        "notes": s.notes,
    }


def _schemas(counts: dict[str, int]) -> str:
    return ", ".join(f"{k} {v:,}" for k, v in counts.items())
