"""OFAC's reports from the store: Blocked Property, Reject, and the Annual Report of Blocked Property.

``data`` gathers the facts, ``files`` writes them as CSV (for systems) and
PDF (for the person who files them).
"""

from __future__ import annotations

from proscribe.enforcement.reports.data import Report, annual_report, blocked_report, reject_report
from proscribe.enforcement.reports.files import write_csv, write_pdf, write_report

__all__ = ["Report", "annual_report", "blocked_report", "reject_report", "write_csv", "write_pdf", "write_report"]
