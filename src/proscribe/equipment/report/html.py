"""The exposure report as one self-contained HTML page: key figures, charts, totals, and every flag's evidence.

Key figures carry ``id`` attributes (``total-devices``, ``covered-count``,
``probable-count``, ``replacement-cost`` ...) so that scripts, and the tests
that read the rendered page, find them without scraping prose.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from proscribe.equipment.device import Status
from proscribe.equipment.report import charts
from proscribe.equipment.report.summary import GRADE_NOTE, Group, Summary, money

DETAIL_LIMIT = 5000  # flagged devices listed in full; the CSV/XLSX reports always have every row

_STYLE = """
body{font-family:"DejaVu Sans",Helvetica,Arial,sans-serif;color:#1f2933;margin:32px;max-width:1200px;line-height:1.4}
h1{font-size:28px;margin:0 0 4px}h2{font-size:20px;margin:32px 0 8px;border-bottom:2px solid #e4e7eb;padding-bottom:4px}
.meta{color:#52606d;font-size:13px}
.cards{display:flex;flex-wrap:wrap;gap:12px;margin:20px 0}
.card{border-radius:8px;padding:12px 16px;min-width:150px;background:#f5f7fa;border-left:6px solid #9aa5b1}
.card .n{font-size:28px;font-weight:bold;display:block}.card .l{font-size:13px;color:#52606d}
.card.covered{border-color:#c0392b}.card.probable{border-color:#e67e22}.card.clean{border-color:#2e86c1}
.card.cost{border-color:#1f2933}
.charts{display:flex;flex-wrap:wrap;gap:24px;align-items:flex-start}
.chart h3{font-size:15px;margin:8px 0}
table{border-collapse:collapse;width:100%;font-size:13px;margin:8px 0}
th,td{border-bottom:1px solid #e4e7eb;padding:5px 8px;text-align:left;vertical-align:top}
th{background:#f5f7fa}td.n{text-align:right;font-variant-numeric:tabular-nums}
.status{font-weight:bold;white-space:nowrap}.s-covered{color:#c0392b}.s-probably-covered{color:#d35400}
ul.ev{margin:0;padding-left:16px}ul.ev li{margin:1px 0}.grade-I{color:#8a4b08}
.note{background:#fff8e6;border-left:4px solid #e67e22;padding:8px 12px;font-size:13px}
"""


def render_html(summary: Summary) -> str:
    """The whole report page."""
    parts = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        "<title>Equipment exposure report</title>",
        f"<style>{_STYLE}</style></head><body>",
        "<h1>Equipment exposure report</h1>",
        f"<p class='meta'>Generated {escape(summary.generated_at.strftime('%Y-%m-%d %H:%M UTC'))}"
        f" from {escape(', '.join(summary.inventories) or 'no inventory')}. "
        f"MAC registry: {escape(summary.registry_origin)}.</p>",
        _cards(summary),
        f"<p class='note'>{escape(GRADE_NOTE)} Flags resting only on such facts:"
        f" <b id='inferred-only'>{summary.inferred_only:,}</b>. Probable relabels (a label that is not the"
        f" maker's own): <b id='relabel-count'>{summary.relabels:,}</b>.</p>",
        _charts(summary),
        "<h2>Totals by site</h2>",
        _group_table(summary.by_site, "Site", summary.currency, "by-site"),
        "<h2>Totals by maker</h2>",
        _group_table(summary.by_maker, "Likely maker", summary.currency, "by-maker"),
        "<h2>Totals by rule</h2>",
        _group_table(summary.by_rule, "Rule", summary.currency, "by-rule"),
        "<h2>Totals by device type</h2>",
        _group_table(summary.by_type, "Device type", summary.currency, "by-type"),
        "<h2>Suppliers and labels</h2>",
        _parties(summary),
        "<h2>Flagged devices and their evidence</h2>",
        _flagged(summary),
        "<h2>Rules and sources</h2>",
        "<ul>" + "".join(f"<li>{escape(note)}</li>" for note in summary.rule_notes) + "</ul>",
        "<p class='meta'>Status: <b>covered</b> (confidence at least 0.80 that a covered maker made the device),"
        " <b>probably covered</b> (0.45 to 0.80, or signals that disagree), <b>not covered</b> (the MAC"
        " registrant or the device itself names a maker that is not covered), <b>unknown</b> (no maker"
        " evidence beyond a label). [V] marks facts seen in the source itself, [I] secondary or inferred facts.</p>",
        "</body></html>",
    ]
    return "\n".join(parts)


def _card(kind: str, ident: str, value: str, label: str) -> str:
    number = f"<span class='n' id='{ident}'>{escape(value)}</span>"
    return f"<div class='card {kind}'>{number}<span class='l'>{label}</span></div>"


def _cards(summary: Summary) -> str:
    counts = summary.counts
    cost_note = f" ({summary.unpriced:,} flagged without a unit cost)" if summary.unpriced else ""
    return (
        "<div class='cards'>"
        + _card("", "total-devices", f"{summary.total:,}", "devices")
        + _card("covered", "covered-count", f"{counts[Status.COVERED]:,}", "covered")
        + _card("probable", "probable-count", f"{counts[Status.PROBABLY_COVERED]:,}", "probably covered")
        + _card("clean", "not-covered-count", f"{counts[Status.NOT_COVERED]:,}", "not covered")
        + _card("", "unknown-count", f"{counts[Status.UNKNOWN]:,}", "unknown")
        + _card(
            "cost",
            "replacement-cost",
            money(summary.replacement_cost, summary.currency),
            f"estimated replacement cost{escape(cost_note)}",
        )
        + "</div>"
        + f"<p class='meta'>Covered: <span id='covered-cost'>{escape(money(summary.covered_cost, summary.currency))}"
        + "</span>; probably covered: <span id='probable-cost'>"
        + f"{escape(money(summary.probable_cost, summary.currency))}</span>.</p>"
    )


def _charts(summary: Summary) -> str:
    counts = summary.counts
    donut = charts.donut(
        [
            ("covered", counts[Status.COVERED], charts.COVERED),
            ("probably covered", counts[Status.PROBABLY_COVERED], charts.PROBABLE),
            ("not covered", counts[Status.NOT_COVERED], charts.NOT_COVERED),
            ("unknown", counts[Status.UNKNOWN], charts.UNKNOWN),
        ],
        "Devices by status",
    )
    blocks = [
        ("Devices by status", donut),
        ("Flagged devices by site", charts.stacked_bars(summary.by_site, "Flagged devices by site")),
        ("Flagged devices by maker", charts.stacked_bars(summary.by_maker, "Flagged devices by maker")),
        ("Flagged devices by type", charts.stacked_bars(summary.by_type, "Flagged devices by device type")),
    ]
    return (
        "<div class='charts'>"
        + "".join(f"<div class='chart'><h3>{escape(title)}</h3>{svg}</div>" for title, svg in blocks)
        + "</div>"
    )


def _group_table(groups: Sequence[Group], label: str, currency: str, ident: str) -> str:
    if not groups:
        return "<p>None.</p>"
    head = (
        f"<table id='{ident}'><tr><th>{escape(label)}</th><th>Devices</th><th>Covered</th>"
        "<th>Probably covered</th><th>Replacement cost</th><th>Flagged without cost</th></tr>"
    )
    rows = "".join(
        f"<tr><td>{escape(g.name)}</td><td class='n'>{g.devices:,}</td><td class='n'>{g.covered:,}</td>"
        f"<td class='n'>{g.probable:,}</td><td class='n'>{escape(money(g.cost, currency))}</td>"
        f"<td class='n'>{g.unpriced:,}</td></tr>"
        for g in groups
    )
    return head + rows + "</table>"


def _parties(summary: Summary) -> str:
    note = f"<p class='meta'>{escape(summary.screening_note)}</p>" if summary.screening_note else ""
    flagged = [p for p in summary.parties if p.flagged]
    if not flagged:
        return note + "<p>No supplier or label is tied to a covered maker or matches a listed party.</p>"
    rows = []
    for party in flagged:
        relation = f"{party.relation} of {party.maker} [{party.grade}]" if party.maker else ""
        listed = "; ".join(
            f"{m.caption} ({m.source}, {', '.join(m.programs) or 'listed'}, score {m.score:.2f})"
            for m in party.list_matches
        )
        rows.append(
            f"<tr><td>{escape(party.name)}</td><td>{escape(party.role)}</td><td class='n'>{party.devices:,}</td>"
            f"<td>{escape(relation)}</td><td>{escape(listed)}</td></tr>"
        )
    return (
        note + "<table id='parties'><tr><th>Name</th><th>Role</th><th>Devices</th><th>Reference relation</th>"
        "<th>Official list matches</th></tr>" + "".join(rows) + "</table>"
    )


def _flagged(summary: Summary) -> str:
    flagged = summary.flagged_rows()
    if not flagged:
        return "<p>No flagged devices.</p>"
    shown = flagged[:DETAIL_LIMIT]
    rows = []
    for device, verdict, cost in shown:
        evidence = "".join(
            f"<li class='grade-{escape(e.grade or 'none')}'>{escape(e.text())}</li>" for e in verdict.evidence
        )
        rows.append(
            f"<tr><td>{escape(device.site)}</td><td>{escape(device.brand)}</td><td>{escape(device.model)}</td>"
            f"<td>{escape(device.mac)}</td><td>{escape(device.ip)}</td><td>{escape(verdict.maker)}</td>"
            f"<td class='status s-{verdict.status.value}'>{verdict.status.value}</td>"
            f"<td class='n'>{verdict.confidence:.2f}</td><td>{escape('; '.join(verdict.rules))}</td>"
            f"<td class='n'>{escape(money(cost, summary.currency)) if cost is not None else ''}</td>"
            f"<td><ul class='ev'>{evidence}</ul></td></tr>"
        )
    more = ""
    if len(flagged) > len(shown):
        more = f"<p>{len(flagged) - len(shown):,} more flagged devices are in the CSV and XLSX reports.</p>"
    return (
        "<table id='flagged'><tr><th>Site</th><th>Label</th><th>Model</th><th>MAC</th><th>IP</th><th>Maker</th>"
        "<th>Status</th><th>Confidence</th><th>Rules</th><th>Unit cost</th><th>Evidence</th></tr>"
        + "".join(rows)
        + "</table>"
        + more
    )
