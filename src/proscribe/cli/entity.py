"""``proscribe entity ID``: one listed party with every field, and its relations both ways."""

from __future__ import annotations

from collections.abc import Sequence

import typer
from rich.table import Table

from proscribe.cli.app import context, print_json, stdout
from proscribe.errors import UserError
from proscribe.model import Entity, PartialDate
from proscribe.store.queries import get_entity, last_seen_edition, related_to


def show_entity(
    ctx: typer.Context,
    entity_id: str = typer.Argument(..., help="Entity id, e.g. us_ofac_cons-30946 or un_sc-CDi.002."),
    edition: int | None = typer.Option(None, "--edition", help="Read it from this edition instead of the current one."),
    as_json: bool = typer.Option(False, "--json", help="Print the entity as JSON."),
) -> None:
    """Show one entity with every field and its relations."""
    with context(ctx).engine.connect() as connection:
        entity = get_entity(connection, entity_id, edition)
        note = None
        if entity is None and edition is None:
            last = last_seen_edition(connection, entity_id)
            if last is not None:
                entity = get_entity(connection, entity_id, last)
                note = f"not in the current edition; last listed in edition {last}"
        if entity is None:
            raise UserError(f"no entity {entity_id!r}" + (f" in edition {edition}" if edition else ""))
        incoming = related_to(connection, entity_id)
    if as_json:
        data = entity.to_dict()
        data["caption"] = entity.caption
        data["related_from"] = [{"id": i, "caption": c, "type": t} for i, c, t in incoming]
        if note:
            data["note"] = note
        print_json(data)
        return
    _render(entity, incoming, note)


def _render(entity: Entity, incoming: list[tuple[str, str, str]], note: str | None) -> None:
    stdout.print(f"[bold]{entity.caption}[/bold]  ({entity.id}, {entity.schema})")
    if note:
        stdout.print(f"[yellow]{note}[/yellow]")
    facts = Table(show_header=False, box=None, pad_edge=False)
    facts.add_column(style="dim")
    facts.add_column()
    rows: list[tuple[str, str]] = [
        ("source", f"{entity.source} (publisher id {entity.source_id})"),
        ("programs", ", ".join(entity.programs)),
        ("listed on", entity.listed_on or ""),
        ("gender", entity.gender or ""),
        ("titles", "; ".join(entity.titles)),
        ("born", "; ".join(_date(d) for d in entity.birth_dates)),
        ("birth places", "; ".join(entity.birth_places)),
        ("nationalities", ", ".join(entity.nationalities)),
        ("citizenships", ", ".join(entity.citizenships)),
    ]
    if entity.vessel:
        v = entity.vessel
        vessel = [f"{k} {getattr(v, k)}" for k in v.__slots__ if getattr(v, k)]
        rows.append(("vessel", "; ".join(vessel)))
    rows += [(k.replace("_", " "), "; ".join(v)) for k, v in entity.attributes.items()]
    for label, value in rows:
        if value:
            facts.add_row(label, value)
    stdout.print(facts)
    _table("names", ("kind", "name", "script"), [(n.kind, n.value, n.script or "") for n in entity.names])
    _table(
        "identifiers",
        ("type", "value", "country", "label", "note"),
        [(i.type, i.value, i.country or "", i.label or "", i.note or "") for i in entity.identifiers],
    )
    _table(
        "addresses",
        ("address", "country"),
        [
            (a.full or ", ".join(filter(None, [a.street, a.city, a.region, a.postal_code])), a.country or "")
            for a in entity.addresses
        ],
    )
    relations = [
        (r.type, r.target_name, r.target_id or "", "" if r.share is None else f"{r.share:g}%") for r in entity.relations
    ]
    relations += [(f"{t} (from)", c, i, "") for i, c, t in incoming]
    _table("relations", ("type", "name", "entity", "share"), relations)
    if entity.remarks:
        stdout.print(f"[dim]remarks[/dim] {entity.remarks}")


def _table(title: str, columns: tuple[str, ...], rows: Sequence[tuple[str, ...]]) -> None:
    if not rows:
        return
    table = Table(*columns, title=title, title_justify="left")
    for row in rows:
        table.add_row(*(str(c) for c in row))
    stdout.print(table)


def _date(d: PartialDate) -> str:
    text = d.value + (f" to {d.end}" if d.end else "")
    return f"circa {text}" if d.circa else text
