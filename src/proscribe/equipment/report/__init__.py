"""Exposure reports in four formats over one computed summary (``summary.summarize``)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from proscribe.equipment.report.summary import Summary, summarize

FORMATS = ("html", "csv", "xlsx", "pdf")


def write_report(summary: Summary, columns: Sequence[str], report_format: str, path: Path) -> None:
    """Write ``summary`` as ``report_format`` to ``path`` (written aside, then renamed into place)."""
    partial = path.with_name(path.name + ".part")
    try:
        if report_format == "html":
            from proscribe.equipment.report.html import render_html

            partial.write_text(render_html(summary), encoding="utf-8")
        elif report_format == "csv":
            from proscribe.equipment.report.tables import write_csv

            write_csv(summary, columns, partial)
        elif report_format == "xlsx":
            from proscribe.equipment.report.tables import write_xlsx

            write_xlsx(summary, columns, partial)
        elif report_format == "pdf":
            from proscribe.equipment.report.pdf import write_pdf

            write_pdf(summary, partial)
        else:
            raise ValueError(f"unknown report format {report_format!r}; use one of {', '.join(FORMATS)}")
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)


__all__ = ["FORMATS", "Summary", "summarize", "write_report"]
