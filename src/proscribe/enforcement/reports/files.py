"""Reports as files: CSV for systems, PDF for the person who files them with OFAC.

The per-transaction reports (blocked property, reject) put each report on its
own pages, laid out like a form: who files, what was blocked or rejected, whose
it is and under which program, the payment as instructed, the due date, and a
signature block. The annual report is one landscape table with totals per
currency or unit. Fonts are the Vera fonts reportlab ships, so names with
accents print the same everywhere.
"""

from __future__ import annotations

import csv
from datetime import UTC, datetime
from html import escape
from pathlib import Path
from typing import Any

from proscribe.enforcement.reports.data import Report

_FONT, _BOLD = "ProscribeEnfVera", "ProscribeEnfVeraBold"
FILE_NAMES = {"blocked": "blocked_property_reports", "reject": "reject_reports", "annual": "annual_blocked_property"}
LABELS = {
    "reference": "Reference",
    "date_blocked": "Date blocked",
    "report_due": "Report due",
    "owner": "Owner",
    "owner_id": "Owner (list entry)",
    "programs": "Sanctions program(s)",
    "property_kind": "Kind of property",
    "description": "Description",
    "amount": "Amount / quantity blocked",
    "unit": "Currency / unit",
    "estimated_value": "Estimated value",
    "value_currency": "Value currency",
    "location": "Where held",
    "blocked_account": "Blocked account",
    "tx_id": "Transaction reference",
    "tx_date": "Transaction date",
    "originator": "Originator",
    "beneficiary": "Beneficiary",
    "banks": "Banks (name / BIC)",
    "payment_details": "Payment details",
    "basis": "Basis (screening hits and rule)",
    "balance_now": "Balance now",
    "status": "Status",
    "date_rejected": "Date rejected",
    "kind": "Type of transaction",
    "currency": "Currency",
    "intermediaries": "Intermediary banks",
    "balance_as_of": "Balance on 30 June",
}
SECTIONS = {
    "blocked": (
        (
            "Blocked property",
            (
                "reference",
                "property_kind",
                "description",
                "amount",
                "unit",
                "estimated_value",
                "value_currency",
                "location",
                "blocked_account",
                "date_blocked",
                "report_due",
            ),
        ),
        ("Owner and legal authority", ("owner", "owner_id", "programs", "basis")),
        ("Transaction as instructed", ("tx_id", "tx_date", "originator", "beneficiary", "banks", "payment_details")),
    ),
    "reject": (
        ("Rejected transaction", ("tx_id", "kind", "tx_date", "amount", "currency", "date_rejected", "report_due")),
        ("Parties", ("originator", "beneficiary", "banks", "intermediaries", "payment_details")),
        ("Basis for rejection", ("programs", "basis")),
    ),
}
KIND_LABELS = {"reject": {"amount": "Amount"}}
ANNUAL_TABLE = {  # column -> (heading, width in points); landscape A4 leaves about 757
    "reference": ("Ref.", 46),
    "owner": ("Owner", 115),
    "programs": ("Program(s)", 80),
    "property_kind": ("Kind", 40),
    "description": ("Description", 140),
    "balance_as_of": ("Balance 30 June", 66),
    "unit": ("Unit", 40),
    "date_blocked": ("Blocked on", 58),
    "blocked_account": ("Account", 66),
    "location": ("Where held", 100),
}
REGULATION = {
    "blocked": "31 CFR 501.603(b)(1): report within 10 business days of the date property is blocked",
    "reject": "31 CFR 501.604: report within 10 business days of the date a transaction is rejected",
    "annual": "31 CFR 501.603(b)(2): all blocked property held as of 30 June, due by 30 September",
}


def write_report(report: Report, folder: Path) -> tuple[Path, Path]:
    """``<name>.csv`` and ``<name>.pdf`` in ``folder``; returns both paths."""
    folder.mkdir(parents=True, exist_ok=True)
    base = folder / FILE_NAMES[report.kind]
    csv_path, pdf_path = base.with_suffix(".csv"), base.with_suffix(".pdf")
    write_csv(report, csv_path)
    write_pdf(report, pdf_path)
    return csv_path, pdf_path


def write_csv(report: Report, path: Path) -> None:
    filer = report.filer
    extra = {"filer_name": filer.name, "filer_address": filer.address, "filer_contact": filer.contact}
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([*report.columns, *extra])
        for record in report.records:
            writer.writerow([*(record.get(c, "") for c in report.columns), *extra.values()])


_GLYPHS: set[int] = set()


def _fonts() -> None:
    from reportlab import rl_config
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if _FONT in pdfmetrics.getRegisteredFontNames():
        return
    folder = Path(rl_config.__file__).parent / "fonts"
    regular = TTFont(_FONT, str(folder / "Vera.ttf"))
    _GLYPHS.update(regular.face.charWidths)
    pdfmetrics.registerFont(regular)
    pdfmetrics.registerFont(TTFont(_BOLD, str(folder / "VeraBd.ttf")))
    pdfmetrics.registerFontFamily(_FONT, normal=_FONT, bold=_BOLD, italic=_FONT, boldItalic=_BOLD)


def _text(value: str) -> str:
    return escape(printable(value))


def printable(text: str) -> str:
    """Text the PDF font can draw: names in other scripts are transliterated (the CSV keeps the original)."""
    if all(ord(char) in _GLYPHS or char in "\n\t" for char in text):
        return text
    from proscribe.enforcement.textscan import transliterate

    latin = transliterate(text)
    latin = "".join(char if ord(char) in _GLYPHS else "?" for char in latin)
    return f"{latin} [transliterated; original script in the CSV]"


def _styles() -> dict[str, Any]:
    from reportlab.lib.styles import ParagraphStyle

    base = ParagraphStyle("enf", fontName=_FONT, fontSize=9, leading=11.5)
    return {
        "title": ParagraphStyle("enf-title", parent=base, fontName=_BOLD, fontSize=17, leading=21),
        "h2": ParagraphStyle(
            "enf-h2", parent=base, fontName=_BOLD, fontSize=11, leading=14, spaceBefore=8, spaceAfter=3
        ),
        "meta": ParagraphStyle("enf-meta", parent=base, fontSize=8, textColor="#52606d"),
        "cell": ParagraphStyle("enf-cell", parent=base, fontSize=8.5, leading=10.5),
        "small": ParagraphStyle("enf-small", parent=base, fontSize=7, leading=8.5),
        "warn": ParagraphStyle("enf-warn", parent=base, textColor="#b42318"),
    }


def write_pdf(report: Report, path: Path) -> None:
    from reportlab.lib.pagesizes import A4, LETTER, landscape
    from reportlab.lib.units import mm
    from reportlab.platypus import PageBreak, SimpleDocTemplate

    _fonts()
    styles = _styles()
    generated = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    story: list[Any] = []
    if report.kind == "annual":
        story += _annual(report, styles)
    elif not report.records:
        story += _header(report, styles, f"No {report.title.lower()}s for {report.period}.")
    for number, record in enumerate(report.records if report.kind != "annual" else []):
        if number:
            story.append(PageBreak())
        story += _single(report, record, styles)
    size = landscape(A4) if report.kind == "annual" else LETTER

    def footer(canvas: Any, document: Any) -> None:
        canvas.saveState()
        canvas.setFont(_FONT, 7)
        canvas.setFillColor("#52606d")
        canvas.drawString(
            15 * mm, 8 * mm, f"{report.title} - {report.filer.name or 'filer not set'} - generated {generated}"
        )
        canvas.drawRightString(size[0] - 15 * mm, 8 * mm, f"page {document.page}")
        canvas.restoreState()

    document = SimpleDocTemplate(
        str(path),
        pagesize=size,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=14 * mm,
        bottomMargin=16 * mm,
        title=report.title,
        author=report.filer.name or "proscribe",
    )
    document.build(story, onFirstPage=footer, onLaterPages=footer)


def _header(report: Report, styles: dict[str, Any], subtitle: str) -> list[Any]:
    from reportlab.platypus import Paragraph

    items: list[Any] = [
        Paragraph(_text(report.title), styles["title"]),
        Paragraph(
            _text(
                f"To the Office of Foreign Assets Control, U.S. Department of the Treasury. {REGULATION[report.kind]}."
            ),
            styles["meta"],
        ),
        Paragraph(_text(subtitle), styles["cell"]),
        Paragraph("Filer (holder of the property / reporting institution)", styles["h2"]),
        _form(
            [
                ("Name", report.filer.name),
                ("Address", report.filer.address),
                ("Contact person", report.filer.contact),
                ("Telephone", report.filer.phone),
                ("E-mail", report.filer.email),
            ],
            styles,
        ),
    ]
    missing = report.filer.missing()
    if missing:
        items.append(
            Paragraph(
                _text(f"Filer {', '.join(missing)} not set: run `proscribe reports filer` before filing."),
                styles["warn"],
            )
        )
    return items


def _single(report: Report, record: dict[str, str], styles: dict[str, Any]) -> list[Any]:
    from reportlab.platypus import Paragraph, Spacer

    key = record.get("reference") or record.get("tx_id", "")
    due = record.get("report_due", "")
    event = record.get("date_blocked") or record.get("date_rejected") or ""
    subtitle = (
        f"Report {key}. Due by {due} (10 business days after {event}; weekends and US federal holidays not counted)."
    )
    items = _header(report, styles, subtitle)
    for title, columns in SECTIONS[report.kind]:
        items.append(Paragraph(_text(title), styles["h2"]))
        labels = {**LABELS, **KIND_LABELS.get(report.kind, {})}
        items.append(_form([(labels[c], record.get(c, "")) for c in columns], styles))
    if report.kind == "blocked" and record.get("property_kind") == "funds":
        items.append(
            Paragraph(
                "The funds were placed in a blocked, interest-bearing account on the date blocked.", styles["cell"]
            )
        )
    items += [Spacer(1, 10), _signature(styles)]
    return items


def _annual(report: Report, styles: dict[str, Any]) -> list[Any]:
    from reportlab.platypus import Paragraph, Spacer

    subtitle = f"All blocked property held {report.period}: {len(report.records):,} item(s). Due by {report.due}."
    items = _header(report, styles, subtitle)
    items.append(Paragraph("Blocked property held", styles["h2"]))
    columns = tuple(ANNUAL_TABLE)
    data: list[list[Any]] = [[Paragraph(_text(ANNUAL_TABLE[c][0]), styles["small"]) for c in columns]]
    for record in report.records:
        data.append([Paragraph(_text(record.get(c, "")), styles["small"]) for c in columns])
    if report.records:
        items.append(_table(data, [width for _label, width in ANNUAL_TABLE.values()]))
    else:
        items.append(Paragraph("No blocked property was held on that day.", styles["cell"]))
    items.append(Paragraph("Totals", styles["h2"]))
    totals = [(unit, total) for unit, total in report.totals.items()] or [("-", "0")]
    items.append(_form([(f"Total {unit}", total) for unit, total in totals], styles))
    items += [Spacer(1, 10), _signature(styles)]
    return items


def _form(pairs: list[tuple[str, str]], styles: dict[str, Any]) -> Any:
    from reportlab.platypus import Paragraph

    data = [
        [Paragraph(_text(label), styles["cell"]), Paragraph(_text(value or "-"), styles["cell"])]
        for label, value in pairs
    ]
    return _table(data, [150, 377], header=False)


def _signature(styles: dict[str, Any]) -> Any:
    from reportlab.platypus import Paragraph

    data = [
        [
            Paragraph("Prepared by (name, title)", styles["cell"]),
            Paragraph("Signature", styles["cell"]),
            Paragraph("Date", styles["cell"]),
        ],
        ["", "", ""],
    ]
    return _table(data, [200, 187, 140], header=False, height=28)


def _table(data: list[list[Any]], widths: list[float], header: bool = True, height: float | None = None) -> Any:
    from reportlab.platypus import Table, TableStyle

    table = Table(data, colWidths=widths, repeatRows=1 if header else 0, rowHeights=[None, height] if height else None)
    commands: list[Any] = [
        ("FONTNAME", (0, 0), (-1, -1), _FONT),
        ("GRID", (0, 0), (-1, -1), 0.4, "#9aa5b1"),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("BACKGROUND", (0, 0), (0, -1), "#f0f4f8") if not header else ("BACKGROUND", (0, 0), (-1, 0), "#e4e7eb"),
    ]
    table.setStyle(TableStyle(commands))
    return table
