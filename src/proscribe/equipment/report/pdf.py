"""The exposure report as a PDF, for people who file or print it: figures, charts, totals, evidence.

Uses the Vera fonts reportlab ships, so accented names print the same on every
machine. Long fleets list the first flagged devices in full and point to the
CSV/XLSX reports for the rest, which keeps the document printable.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from pathlib import Path
from typing import Any

from proscribe.equipment.device import Status
from proscribe.equipment.report.summary import GRADE_NOTE, Group, Summary, money

DETAIL_LIMIT = 500
_FONT, _BOLD = "ProscribeVera", "ProscribeVeraBold"


def _fonts() -> None:
    from reportlab import rl_config
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if _FONT in pdfmetrics.getRegisteredFontNames():
        return
    folder = Path(rl_config.__file__).parent / "fonts"
    pdfmetrics.registerFont(TTFont(_FONT, str(folder / "Vera.ttf")))
    pdfmetrics.registerFont(TTFont(_BOLD, str(folder / "VeraBd.ttf")))
    pdfmetrics.registerFontFamily(_FONT, normal=_FONT, bold=_BOLD, italic=_FONT, boldItalic=_BOLD)


def write_pdf(summary: Summary, path: Path) -> None:
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    _fonts()
    styles = _styles()
    story: list[Any] = [
        Paragraph("Equipment exposure report", styles["title"]),
        Paragraph(
            escape(
                f"Generated {summary.generated_at:%Y-%m-%d %H:%M} UTC from {', '.join(summary.inventories) or '-'}."
                f" MAC registry: {summary.registry_origin}."
            ),
            styles["meta"],
        ),
        Spacer(1, 4 * mm),
        _figures(summary, styles),
        Spacer(1, 3 * mm),
        Paragraph(
            escape(
                f"{GRADE_NOTE} Flags resting only on such facts: {summary.inferred_only:,}."
                f" Probable relabels: {summary.relabels:,}."
            ),
            styles["note"],
        ),
        Spacer(1, 4 * mm),
        _chart(summary),
    ]
    for title, groups, label in (
        ("Totals by site", summary.by_site, "Site"),
        ("Totals by maker", summary.by_maker, "Likely maker"),
        ("Totals by rule", summary.by_rule, "Rule"),
        ("Totals by device type", summary.by_type, "Device type"),
    ):
        story += [Paragraph(title, styles["h2"]), _group_table(groups, label, summary.currency, styles)]
    story += _parties(summary, styles)
    story += _flagged(summary, styles)
    story.append(Paragraph("Rules and sources", styles["h2"]))
    story += [Paragraph(escape(note), styles["small"]) for note in summary.rule_notes]
    document = SimpleDocTemplate(
        str(path),
        pagesize=landscape(A4),
        leftMargin=12 * mm,
        rightMargin=12 * mm,
        topMargin=12 * mm,
        bottomMargin=12 * mm,
        title="Equipment exposure report",
        author="proscribe",
    )
    document.build(story)


def _styles() -> dict[str, Any]:
    from reportlab.lib.styles import ParagraphStyle

    base = ParagraphStyle("base", fontName=_FONT, fontSize=9, leading=11)
    return {
        "title": ParagraphStyle("title", parent=base, fontName=_BOLD, fontSize=20, leading=24),
        "h2": ParagraphStyle("h2", parent=base, fontName=_BOLD, fontSize=13, leading=16, spaceBefore=10, spaceAfter=4),
        "meta": ParagraphStyle("meta", parent=base, fontSize=8, textColor="#52606d"),
        "note": ParagraphStyle("note", parent=base, backColor="#fff8e6", borderPadding=4),
        "small": ParagraphStyle("small", parent=base, fontSize=7.5, leading=9),
        "cell": ParagraphStyle("cell", parent=base, fontSize=7.5, leading=9),
        "figure": ParagraphStyle("figure", parent=base, fontName=_BOLD, fontSize=15, leading=18),
    }


def _table(data: list[list[Any]], widths: Sequence[float] | None = None, header_colour: str = "#f5f7fa") -> Any:
    from reportlab.platypus import Table, TableStyle

    table = Table(data, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), _FONT),
                ("FONTNAME", (0, 0), (-1, 0), _BOLD),
                ("FONTSIZE", (0, 0), (-1, -1), 8),
                ("BACKGROUND", (0, 0), (-1, 0), header_colour),
                ("LINEBELOW", (0, 0), (-1, -1), 0.25, "#cbd2d9"),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def _figures(summary: Summary, styles: dict[str, Any]) -> Any:
    from reportlab.platypus import Paragraph

    counts = summary.counts
    figures = [
        ("Devices", f"{summary.total:,}"),
        ("Covered", f"{counts[Status.COVERED]:,}"),
        ("Probably covered", f"{counts[Status.PROBABLY_COVERED]:,}"),
        ("Not covered", f"{counts[Status.NOT_COVERED]:,}"),
        ("Unknown", f"{counts[Status.UNKNOWN]:,}"),
        ("Replacement cost", money(summary.replacement_cost, summary.currency)),
    ]
    labels = [Paragraph(escape(label), styles["meta"]) for label, _value in figures]
    values = [Paragraph(escape(value), styles["figure"]) for _label, value in figures]
    return _table([labels, values], [100, 100, 110, 100, 100, 200], header_colour="#ffffff")


def _chart(summary: Summary) -> Any:
    from reportlab.graphics.charts.barcharts import HorizontalBarChart
    from reportlab.graphics.shapes import Drawing, String
    from reportlab.lib import colors

    groups = [g for g in summary.by_site if g.flagged][:10]
    drawing = Drawing(760, 40 + 22 * max(len(groups), 1))
    drawing.add(String(0, drawing.height - 12, "Flagged devices by site", fontName=_BOLD, fontSize=10))
    if not groups:
        drawing.add(String(0, 10, "No flagged devices.", fontName=_FONT, fontSize=9))
        return drawing
    chart = HorizontalBarChart()
    chart.x, chart.y = 160, 10
    chart.width, chart.height = 520, drawing.height - 30
    chart.data = [[g.covered for g in reversed(groups)], [g.probable for g in reversed(groups)]]
    chart.categoryAxis.categoryNames = [g.name[:28] for g in reversed(groups)]
    chart.categoryAxis.labels.fontName = _FONT
    chart.categoryAxis.labels.fontSize = 8
    chart.valueAxis.labels.fontName = _FONT
    chart.valueAxis.valueMin = 0
    chart.categoryAxis.style = "stacked"
    chart.bars[0].fillColor = colors.HexColor("#c0392b")
    chart.bars[1].fillColor = colors.HexColor("#e67e22")
    drawing.add(chart)
    drawing.add(String(690, 20, "covered", fontName=_FONT, fontSize=8, fillColor=colors.HexColor("#c0392b")))
    drawing.add(String(690, 8, "probably covered", fontName=_FONT, fontSize=8, fillColor=colors.HexColor("#e67e22")))
    return drawing


def _group_table(groups: Sequence[Group], label: str, currency: str, styles: dict[str, Any]) -> Any:
    from reportlab.platypus import Paragraph

    if not groups:
        return Paragraph("None.", styles["cell"])
    data: list[list[Any]] = [[label, "Devices", "Covered", "Probably covered", "Replacement cost", "Without cost"]]
    for group in groups[:40]:
        data.append(
            [
                Paragraph(escape(group.name), styles["cell"]),
                f"{group.devices:,}",
                f"{group.covered:,}",
                f"{group.probable:,}",
                money(group.cost, currency),
                f"{group.unpriced:,}",
            ]
        )
    return _table(data, [230, 70, 70, 90, 120, 80])


def _parties(summary: Summary, styles: dict[str, Any]) -> list[Any]:
    from reportlab.platypus import Paragraph

    items: list[Any] = [Paragraph("Suppliers and labels", styles["h2"])]
    if summary.screening_note:
        items.append(Paragraph(escape(summary.screening_note), styles["small"]))
    flagged = [p for p in summary.parties if p.flagged]
    if not flagged:
        items.append(Paragraph("No supplier or label is tied to a covered maker or a listed party.", styles["cell"]))
        return items
    data: list[list[Any]] = [["Name", "Role", "Devices", "Reference relation", "Official list matches"]]
    for party in flagged[:60]:
        relation = f"{party.relation} of {party.maker} [{party.grade}]" if party.maker else ""
        listed = "; ".join(f"{m.caption} ({m.source}, {m.score:.2f})" for m in party.list_matches)
        data.append(
            [
                Paragraph(escape(party.name), styles["cell"]),
                party.role,
                f"{party.devices:,}",
                Paragraph(escape(relation), styles["cell"]),
                Paragraph(escape(listed), styles["cell"]),
            ]
        )
    items.append(_table(data, [170, 50, 50, 180, 350]))
    return items


def _flagged(summary: Summary, styles: dict[str, Any]) -> list[Any]:
    from reportlab.platypus import Paragraph

    items: list[Any] = [Paragraph("Flagged devices and their evidence", styles["h2"])]
    flagged = summary.flagged_rows()
    if not flagged:
        return [*items, Paragraph("No flagged devices.", styles["cell"])]
    data: list[list[Any]] = [["Site", "Label / model", "MAC", "Maker", "Status", "Conf.", "Evidence"]]
    for device, verdict, _cost in flagged[:DETAIL_LIMIT]:
        evidence = "<br/>".join(escape(e.text()) for e in verdict.evidence)
        data.append(
            [
                Paragraph(escape(device.site), styles["cell"]),
                Paragraph(escape(f"{device.brand} {device.model}".strip()), styles["cell"]),
                device.mac,
                verdict.maker,
                verdict.status.value,
                f"{verdict.confidence:.2f}",
                Paragraph(evidence, styles["cell"]),
            ]
        )
    items.append(_table(data, [70, 110, 80, 60, 75, 35, 380]))
    if len(flagged) > DETAIL_LIMIT:
        more = f"{len(flagged) - DETAIL_LIMIT:,} more flagged devices are in the CSV and XLSX reports."
        items.append(Paragraph(more, styles["small"]))
    return items
