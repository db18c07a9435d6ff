"""Inline SVG charts shared by the site and the PDF: no JavaScript, no images."""

from __future__ import annotations

from decimal import Decimal
from html import escape

from .numbers import fmt
from .score import ScoreTable

FONT = "'Noto Sans CJK SC', 'Noto Sans SC', 'Source Han Sans SC', sans-serif"
GREY, BLUE, RED, GREEN, INK = "#d9dde3", "#1f5fa8", "#c0392b", "#2e7d32", "#222"


def _x(value: Decimal, scale: Decimal) -> str:
    return fmt((value * scale).quantize(Decimal("0.1")))


def level_chart(table: ScoreTable, width: int = 640) -> str:
    """One bar per 一级指标: its score as a share of its own points (grey track = the points).

    Each track has the same length, so a small 一级 shows its losses as clearly as a
    large one; the figures beside each bar give the points themselves.
    """
    levels = table.levels
    label_w, value_w, bar_h, gap = 190, 92, 16, 14
    plot_w = width - label_w - value_w
    height = len(levels) * (bar_h + gap) + gap + 18
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="zwgk-chart" role="img" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" font-family="{escape(FONT)}" font-size="12">',
        f"<title>{escape('各一级指标得分与赋分')}</title>",
    ]
    y = gap
    for lv in levels:
        name = lv.level.name if len(lv.level.name) <= 14 else lv.level.name[:13] + "…"
        share = min(max(lv.score, Decimal(0)) / lv.points, Decimal(1)) if lv.points else Decimal(0)
        colour = RED if share < Decimal("0.6") else BLUE
        scale = Decimal(plot_w)
        parts.append(f'<text x="{label_w - 8}" y="{y + bar_h - 3}" text-anchor="end" fill="{INK}">{escape(name)}</text>')
        parts.append(f'<rect x="{label_w}" y="{y}" width="{plot_w}" height="{bar_h}" fill="{GREY}"/>')
        parts.append(f'<rect x="{label_w}" y="{y + 3}" width="{_x(share, scale)}" height="{bar_h - 6}" fill="{colour}"/>')
        parts.append(f'<text x="{width - value_w + 6}" y="{y + bar_h - 3}" fill="{INK}">'
                     f"{escape(fmt(lv.score))} / {escape(fmt(lv.points))}</text>")
        y += bar_h + gap
    legend_y = y + 6
    parts.append(f'<rect x="{label_w}" y="{legend_y - 9}" width="12" height="10" fill="{GREY}"/>')
    parts.append(f'<text x="{label_w + 16}" y="{legend_y}" fill="{INK}">赋分（100%）</text>')
    parts.append(f'<rect x="{label_w + 100}" y="{legend_y - 9}" width="12" height="10" fill="{BLUE}"/>')
    parts.append(f'<text x="{label_w + 116}" y="{legend_y}" fill="{INK}">自评得分占赋分的比例</text>')
    parts.append("</svg>")
    return "".join(parts)
