"""The exposure report as tables: CSV (one row per device) and XLSX (devices, totals, suppliers, notes).

Both give every device back with the inventory's own columns first, in the
file's order, then ``maker``, ``status``, ``rules``, ``confidence`` and
``evidence``, so the result can be sorted and filtered beside the original.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

from proscribe.equipment.report.summary import GRADE_NOTE, OUTPUT_COLUMNS, Group, Summary, own_columns, row_values


def write_csv(summary: Summary, columns: Sequence[str], path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([*own_columns(columns), *OUTPUT_COLUMNS])
        for device, verdict, _cost in summary.rows:
            writer.writerow(row_values(columns, device, verdict))


def write_xlsx(summary: Summary, columns: Sequence[str], path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("Devices")
    sheet.append([*own_columns(columns), *OUTPUT_COLUMNS])
    for device, verdict, _cost in summary.rows:
        values: list[object] = list(row_values(columns, device, verdict))
        values[-2] = verdict.confidence  # a number, so a spreadsheet sorts and filters it as one
        sheet.append(values)
    totals = book.create_sheet("Totals")
    totals.append(["Devices", summary.total])
    for status, count in summary.counts.items():
        totals.append([status.value, count])
    totals.append(["Replacement cost (covered)", float(summary.covered_cost)])
    totals.append(["Replacement cost (probably covered)", float(summary.probable_cost)])
    totals.append(["Flagged without a unit cost", summary.unpriced])
    totals.append(["Currency", summary.currency])
    for title, groups in (
        ("Site", summary.by_site),
        ("Maker", summary.by_maker),
        ("Rule", summary.by_rule),
        ("Device type", summary.by_type),
    ):
        totals.append([])
        _groups(totals, title, groups)
    parties = book.create_sheet("Suppliers")
    parties.append(["Name", "Role", "Devices", "Covered maker", "Relation", "Grade", "Source", "Official list matches"])
    for party in summary.parties:
        listed = "; ".join(f"{m.caption} ({m.source}, score {m.score:.2f})" for m in party.list_matches)
        parties.append(
            [party.name, party.role, party.devices, party.maker, party.relation, party.grade, party.source, listed]
        )
    notes = book.create_sheet("Notes")
    notes.append([GRADE_NOTE])
    notes.append([f"MAC registry: {summary.registry_origin}"])
    if summary.screening_note:
        notes.append([summary.screening_note])
    for note in summary.rule_notes:
        notes.append([note])
    book.save(path)


def _groups(sheet: object, title: str, groups: Sequence[Group]) -> None:
    append = sheet.append  # type: ignore[attr-defined]
    append([title, "Devices", "Covered", "Probably covered", "Replacement cost", "Flagged without cost"])
    for group in groups:
        append([group.name, group.devices, group.covered, group.probable, float(group.cost), group.unpriced])
