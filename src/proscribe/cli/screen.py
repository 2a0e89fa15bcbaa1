"""``proscribe screen`` and ``proscribe compare``: one name or a whole file, with explanations."""

from __future__ import annotations

import sys
from pathlib import Path

import typer
from rich.table import Table

from proscribe.cli.app import context, print_json, stderr, stdout
from proscribe.errors import UserError
from proscribe.match import ALGORITHMS, Query, Screener, ScreenResult, compare
from proscribe.match.types import parse_schema
from proscribe.screening import load_index
from proscribe.screening.batch import BatchStats, ScreenOptions, screen_file
from proscribe.tabular import TableError, TableWriter, read_rows, table_kind


def screen_command(
    ctx: typer.Context,
    name: str | None = typer.Argument(None, help="The name to screen (or use --input for a file)."),
    entity_type: str | None = typer.Option(None, "--type", help="person, organization, vessel or aircraft."),
    dob: str | None = typer.Option(None, "--dob", help="Date of birth: YYYY, YYYY-MM or YYYY-MM-DD."),
    country: str | None = typer.Option(None, "--country", help="Nationality or country (code or name)."),
    id_number: str | None = typer.Option(None, "--id-number", help="A passport, tax or registration number."),
    threshold: float | None = typer.Option(None, "--threshold", help="Alert threshold (default: the algorithm's)."),
    algorithm: str = typer.Option("default", "--algorithm", help=f"One of: {', '.join(ALGORITHMS)}."),
    sources: list[str] = typer.Option([], "--source", help="Only these lists (repeatable)."),
    programs: list[str] = typer.Option([], "--program", help="Only entries under these programs (repeatable)."),
    schemas: list[str] = typer.Option([], "--schema", help="Only these entity types (repeatable)."),
    limit: int = typer.Option(10, "--limit", min=1, max=1000, help="Matches shown per name."),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
    input_file: Path | None = typer.Option(None, "--input", help="Screen every row of a CSV, JSONL or XLSX file."),
    output_file: Path | None = typer.Option(None, "--output", help="Where batch results go (default: stdout)."),
    output_format: str | None = typer.Option(None, "--format", help="Batch output: jsonl, csv or xlsx."),
    jobs: int = typer.Option(1, "--jobs", min=1, max=64, help="Worker processes for --input."),
) -> None:
    """Screen a name (or every row of --input) against the current lists."""
    if algorithm not in ALGORITHMS:
        raise UserError(f"unknown algorithm {algorithm!r}; use one of {', '.join(ALGORITHMS)}")
    if threshold is not None and not 0.0 <= threshold <= 1.0:
        raise UserError(f"--threshold {threshold} is outside 0..1")
    for schema in schemas:
        _schema(schema)
    if (name is None) == (input_file is None):
        raise UserError("give either a NAME or --input FILE")
    app_ctx = context(ctx)
    index, _status = load_index(app_ctx.settings, app_ctx.engine)
    if len(index) == 0:
        raise UserError("no lists are loaded: run `proscribe lists update` or `proscribe lists import FOLDER`")
    screener = Screener(index, algorithm=algorithm, threshold=threshold)
    options = ScreenOptions(threshold, limit, sources or None, programs or None, schemas or None)
    if input_file is not None:
        _screen_batch(screener, input_file, output_file, output_format, jobs, options)
        return
    assert name is not None
    try:
        query = Query.build(name, entity_type, dob, country, id_number)
    except ValueError as error:
        raise UserError(str(error)) from error
    if country and query.country is None:
        raise UserError(f"unknown country {country!r}")
    result = screener.screen(
        query,
        threshold=threshold,
        limit=limit,
        sources=options.sources,
        programs=options.programs,
        schemas=options.schemas,
    )
    if as_json:
        print_json(result.to_dict())
    else:
        _render(result, screener.threshold if threshold is None else threshold)


def _schema(value: str) -> None:
    try:
        parse_schema(value)
    except ValueError as error:
        raise UserError(str(error)) from error


def _screen_batch(
    screener: Screener, source: Path, output: Path | None, kind: str | None, jobs: int, options: ScreenOptions
) -> None:
    try:
        output_kind = table_kind(output, kind) if output else (kind or "jsonl")
        table_kind(source)
    except TableError as error:
        raise UserError(str(error)) from error
    if output_kind == "xlsx" and output is None:
        raise UserError("XLSX output needs --output FILE")

    def report(stats: BatchStats) -> None:
        stderr.print(f"\rscreened {stats.screened:,} rows, {stats.alerts:,} alerts", end="")

    try:
        stats = screen_file(
            screener,
            source,
            output,
            output_kind=output_kind,
            stream=None if output else sys.stdout,
            jobs=jobs,
            options=options,
            progress=report if output else None,
        )
    except TableError as error:
        raise UserError(str(error)) from error
    if output:
        stderr.print()
    for problem in stats.problems:
        stderr.print(f"{source}: {problem}")
    rate = stats.screened / stats.seconds if stats.seconds else 0.0
    stderr.print(
        f"{stats.rows:,} rows: {stats.screened:,} screened, {stats.alerts:,} alerts, "
        f"{stats.skipped:,} skipped, {stats.warnings:,} warnings ({rate:,.0f} rows/s)"
    )


def _render(result: ScreenResult, threshold: float) -> None:
    if not result.matches:
        stdout.print(f"{result.query}: no listed name scores near the threshold ({threshold:.2f})")
        return
    status = "[bold red]ALERT[/bold red]" if result.alert else "no alert"
    stdout.print(f"{result.query}: {status} (threshold {threshold:.2f})")
    table = Table("#", "score", "entity", "listed name", "programs", show_lines=True)
    for rank, match in enumerate(result.matches, start=1):
        score = f"[bold]{match.score:.3f}[/bold]" if match.match else f"{match.score:.3f}"
        listed = match.caption
        if match.matched_name != match.caption:
            listed += f"\n[dim]matched: {match.matched_name}[/dim]"
        listed += f"\n[dim]{match.explanation.summary}[/dim]"
        table.add_row(
            str(rank), score, f"{match.entity_id}\n[dim]{match.schema}[/dim]", listed, ", ".join(match.programs)
        )
    stdout.print(table)


def compare_command(
    name1: str | None = typer.Argument(None, help="The first name (read as the query)."),
    name2: str | None = typer.Argument(None, help="The second name (read as the listed name)."),
    entity_type: str | None = typer.Option(None, "--type", help="person, organization, vessel or aircraft."),
    algorithm: str = typer.Option("default", "--algorithm", help=f"One of: {', '.join(ALGORITHMS)}."),
    threshold: float | None = typer.Option(None, "--threshold", help="Match threshold (default: the algorithm's)."),
    pairs: Path | None = typer.Option(None, "--pairs", help="CSV of name1,name2[,schema] pairs."),
    output: Path | None = typer.Option(None, "--output", help="Where --pairs results go (CSV; default stdout)."),
    as_json: bool = typer.Option(False, "--json", help="Print the comparison as JSON."),
) -> None:
    """Score two names against each other, with the explanation (no lists needed)."""
    if algorithm not in ALGORITHMS:
        raise UserError(f"unknown algorithm {algorithm!r}; use one of {', '.join(ALGORITHMS)}")
    if entity_type:
        _schema(entity_type)
    if pairs is not None:
        _compare_pairs(pairs, output, algorithm, threshold, entity_type)
        return
    if not name1 or not name2:
        raise UserError('give two names (proscribe compare "NAME 1" "NAME 2") or --pairs FILE.csv')
    result = compare(name1, name2, entity_type, threshold=threshold, algorithm=algorithm)
    if as_json:
        print_json(result.to_dict())
        return
    verdict = "[bold red]match[/bold red]" if result.match else "no match"
    stdout.print(f"{result.score:.3f} {verdict} (threshold {result.threshold:.2f}): {result.explanation.summary}")
    table = Table("feature", "value", "weight", "detail")
    for feature in result.explanation.features:
        table.add_row(feature.name, f"{feature.value:.3f}", f"{feature.weight:+.3f}", feature.detail)
    stdout.print(table)


def _compare_pairs(
    pairs: Path, output: Path | None, algorithm: str, threshold: float | None, default_type: str | None
) -> None:
    try:
        rows = read_rows(pairs, "csv")
        with TableWriter(output, "csv", None if output else sys.stdout) as writer:
            bad = 0
            for row in rows:
                values = row.values
                if row.error or not values.get("name1", "").strip() or not values.get("name2", "").strip():
                    bad += 1
                    stderr.print(f"{pairs}: line {row.line}: {row.error or 'name1 and name2 are needed'}")
                    continue
                schema = values.get("schema", "").strip() or default_type
                try:
                    result = compare(values["name1"], values["name2"], schema, threshold=threshold, algorithm=algorithm)
                except ValueError as error:
                    bad += 1
                    stderr.print(f"{pairs}: line {row.line}: {error}")
                    continue
                writer.write({**values, "score": round(result.score, 4), "match": result.match})
    except TableError as error:
        raise UserError(str(error)) from error
    if bad:
        stderr.print(f"{bad} rows skipped")
