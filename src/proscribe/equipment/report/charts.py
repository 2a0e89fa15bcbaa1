"""Inline SVG charts: the HTML report stays one file that opens anywhere, with no script and no network."""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape

from proscribe.equipment.report.summary import Group

COVERED = "#c0392b"
PROBABLE = "#e67e22"
NOT_COVERED = "#2e86c1"
UNKNOWN = "#95a5a6"
INK = "#1f2933"


def donut(parts: Sequence[tuple[str, int, str]], title: str, size: int = 220) -> str:
    """A ring of (label, value, colour) with the total in the middle and a legend beside it."""
    total = sum(value for _label, value, _colour in parts) or 1
    radius, width, centre = size * 0.36, size * 0.16, size / 2
    arcs: list[str] = []
    angle = -math.pi / 2
    for label, value, colour in parts:
        if value <= 0:
            continue
        sweep = 2 * math.pi * value / total
        if value == total:  # a full ring cannot be drawn as one arc
            arcs.append(
                f'<circle cx="{centre}" cy="{centre}" r="{radius:.1f}" fill="none" stroke="{colour}"'
                f' stroke-width="{width:.1f}"><title>{escape(label)}: {value}</title></circle>'
            )
            break
        end = angle + sweep
        x1, y1 = centre + radius * math.cos(angle), centre + radius * math.sin(angle)
        x2, y2 = centre + radius * math.cos(end), centre + radius * math.sin(end)
        large = 1 if sweep > math.pi else 0
        arcs.append(
            f'<path d="M {x1:.2f} {y1:.2f} A {radius:.1f} {radius:.1f} 0 {large} 1 {x2:.2f} {y2:.2f}"'
            f' fill="none" stroke="{colour}" stroke-width="{width:.1f}"><title>{escape(label)}: {value}</title></path>'
        )
        angle = end
    legend = []
    for row, (label, value, colour) in enumerate(parts):
        y = 40 + row * 28
        share = 100 * value / total
        legend.append(
            f'<rect x="{size + 10}" y="{y - 12}" width="16" height="16" rx="3" fill="{colour}"/>'
            f'<text x="{size + 34}" y="{y + 1}" font-size="14" fill="{INK}">{escape(label)}: {value:,}'
            f" ({share:.1f}%)</text>"
        )
    grand = sum(value for _label, value, _colour in parts)
    return (
        f'<svg role="img" aria-label="{escape(title)}" width="{size + 300}" height="{size}"'
        f' viewBox="0 0 {size + 300} {size}" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{escape(title)}</title>{''.join(arcs)}"
        f'<text x="{centre}" y="{centre - 4}" text-anchor="middle" font-size="26" font-weight="bold"'
        f' fill="{INK}">{grand:,}</text>'
        f'<text x="{centre}" y="{centre + 18}" text-anchor="middle" font-size="12" fill="{INK}">devices</text>'
        f"{''.join(legend)}</svg>"
    )


def stacked_bars(groups: Sequence[Group], title: str, limit: int = 12, width: int = 560) -> str:
    """Horizontal bars of flagged devices per group: covered, then probably covered, stacked."""
    shown = [g for g in groups if g.flagged][:limit]
    if not shown:
        return f'<p class="empty">{escape(title)}: no flagged devices.</p>'
    label_width, bar_height, gap = 170, 22, 10
    scale_max = max(g.flagged for g in shown)
    plot = width - label_width - 60
    height = 30 + len(shown) * (bar_height + gap)
    parts = [
        f'<svg role="img" aria-label="{escape(title)}" width="{width}" height="{height}"'
        f' viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>'
    ]
    for row, group in enumerate(shown):
        y = 10 + row * (bar_height + gap)
        covered_w = plot * group.covered / scale_max
        probable_w = plot * group.probable / scale_max
        name = group.name if len(group.name) <= 24 else group.name[:23] + "…"
        parts.append(
            f'<text x="{label_width - 8}" y="{y + 16}" text-anchor="end" font-size="13" fill="{INK}">'
            f"{escape(name)}</text>"
            f'<rect x="{label_width}" y="{y}" width="{covered_w:.1f}" height="{bar_height}" fill="{COVERED}">'
            f"<title>{escape(group.name)}: {group.covered} covered</title></rect>"
            f'<rect x="{label_width + covered_w:.1f}" y="{y}" width="{probable_w:.1f}" height="{bar_height}"'
            f' fill="{PROBABLE}"><title>{escape(group.name)}: {group.probable} probably covered</title></rect>'
            f'<text x="{label_width + covered_w + probable_w + 6:.1f}" y="{y + 16}" font-size="13" fill="{INK}">'
            f"{group.flagged:,}</text>"
        )
    legend_y = height - 8
    parts.append(
        f'<rect x="{label_width}" y="{legend_y - 10}" width="12" height="12" fill="{COVERED}"/>'
        f'<text x="{label_width + 18}" y="{legend_y}" font-size="12" fill="{INK}">covered</text>'
        f'<rect x="{label_width + 90}" y="{legend_y - 10}" width="12" height="12" fill="{PROBABLE}"/>'
        f'<text x="{label_width + 108}" y="{legend_y}" font-size="12" fill="{INK}">probably covered</text></svg>'
    )
    return "".join(parts)
