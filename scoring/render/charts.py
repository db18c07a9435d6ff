"""Inline SVG charts shared by the site and the PDF: no JavaScript, no images."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from decimal import ROUND_CEILING, Decimal
from html import escape

from ..core.figures import fmt
from ..model.values import HistoryPoint
from ..score.score import ScoreTable

FONT = "'Noto Sans CJK SC', 'Noto Sans SC', 'Source Han Sans SC', sans-serif"
GREY, BLUE, RED, INK = "#d9dde3", "#1f5fa8", "#c0392b", "#222"


def _x(value: Decimal, scale: Decimal) -> str:
    return fmt((value * scale).quantize(Decimal("0.1")))


def level_chart(table: ScoreTable, width: int = 640) -> str:
    """One bar per top-level node: its score as a share of its own points (grey track = the points).

    Each track has the same length, so a small node shows its losses as clearly as a
    large one; the figures beside each bar give the points themselves.
    """
    levels = table.levels
    label_w, value_w, bar_h, gap = 190, 92, 16, 14
    plot_w = width - label_w - value_w
    height = len(levels) * (bar_h + gap) + gap + 18
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="zwgk-chart" role="img" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" font-family="{escape(FONT)}" font-size="12">',
        f"<title>{escape(f'各{table.scheme.top_name}得分与赋分')}</title>",
    ]
    y = gap
    for lv in levels:
        name = lv.node.name if len(lv.node.name) <= 14 else lv.node.name[:13] + "…"
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


# --- the score history ------------------------------------------------------------

TOTAL = "总分"

Scale = Callable[[Decimal], Decimal]
PALETTE = ("#1f5fa8", "#c0392b", "#2e7d32", "#8e44ad", "#d35400", "#16a085", "#7f8c8d", "#b7950b", "#2c3e50")
STEPS = (Decimal("0.5"), Decimal(1), Decimal(2), Decimal(5), Decimal(10), Decimal(20), Decimal(25), Decimal(50))


def _num(value: Decimal) -> str:
    return fmt(value.quantize(Decimal("0.1")))


def _axis(top: Decimal) -> tuple[Decimal, Decimal]:
    """(axis maximum, grid step): at most six grid lines."""
    top = max(top, Decimal(1))
    step = next((s for s in STEPS if top / s <= 6), Decimal(100))
    ceiling = (top / step).to_integral_value(rounding=ROUND_CEILING) * step
    return ceiling, step


def _series(points: Sequence[HistoryPoint]) -> list[tuple[str, list[Decimal | None]]]:
    """The total, then each top-level node in the order the newest point lists them."""
    series: list[tuple[str, list[Decimal | None]]] = [(TOTAL, [p.total for p in points])]
    order: dict[str, str] = {}
    for p in reversed(points):
        for ident in p.levels:
            order.setdefault(ident, p.names.get(ident, ident))
    for ident, name in order.items():
        series.append((name, [p.levels.get(ident) for p in points]))
    return series


def _polyline(xs: Sequence[Decimal], values: Sequence[Decimal | None], y: Scale, colour: str, width: str) -> list[str]:
    parts: list[str] = []
    run: list[str] = []
    for x, v in [*zip(xs, values, strict=True), (Decimal(0), None)]:
        if v is None:  # a level missing from a revision breaks the line
            if len(run) > 1:
                parts.append(f'<polyline points="{" ".join(run)}" fill="none" stroke="{colour}" stroke-width="{width}"/>')
            run = []
        else:
            run.append(f"{_num(x)},{_num(y(v))}")
    return parts


def _empty_chart(width: int) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="zwgk-chart" role="img" viewBox="0 0 {width} 40" '
            f'width="{width}" height="40" font-family="{escape(FONT)}" font-size="12">'
            f'<title>历史得分</title><text x="8" y="24" fill="{INK}">暂无历史得分（还没有可计分的提交）</text></svg>')


def history_chart(points: Sequence[HistoryPoint], width: int = 640, level_name: str = "一级指标") -> str:
    """An inline SVG line chart: the total and each top-level node (``level_name``) over the revisions."""
    if not points:
        return _empty_chart(width)
    series = _series(points)
    left, right, top, plot_h, bottom = 44, 170, 16, 220, 64
    plot_w = width - left - right
    height = top + plot_h + bottom
    peak = max(v for _, values in series for v in values if v is not None)
    ceiling, step = _axis(peak)
    n = len(points)
    xs = [Decimal(left) + (Decimal(plot_w) * i / (n - 1) if n > 1 else Decimal(plot_w) / 2) for i in range(n)]

    def y(value: Decimal) -> Decimal:
        return Decimal(top + plot_h) - Decimal(plot_h) * max(value, Decimal(0)) / ceiling

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="zwgk-chart" role="img" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" font-family="{escape(FONT)}" font-size="11">',
        f"<title>历史得分：总分和各{escape(level_name)}得分</title>",
    ]
    parts += _grid(ceiling, step, left, plot_w, y)
    parts += _x_labels(points, xs, top + plot_h)
    for i, (name, values) in enumerate(series):
        colour, stroke = PALETTE[i % len(PALETTE)], "2.5" if i == 0 else "1.5"
        parts += _polyline(xs, values, y, colour, stroke)
        parts += _dots(points, xs, values, y, colour, name)
    parts += _legend(series, width - right + 12, top)
    parts.append("</svg>")
    return "".join(parts)


def _grid(ceiling: Decimal, step: Decimal, left: int, plot_w: int, y: Scale) -> list[str]:
    parts = []
    value = Decimal(0)
    while value <= ceiling:
        yy = _num(y(value))
        parts.append(f'<line x1="{left}" y1="{yy}" x2="{left + plot_w}" y2="{yy}" stroke="#d9dde3" stroke-width="1"/>')
        parts.append(f'<text x="{left - 6}" y="{yy}" dy="4" text-anchor="end" fill="{INK}">{fmt(value)}</text>')
        value += step
    return parts


def _tag(p: HistoryPoint) -> str:
    """The point's tag, or "" when its label is only the commit's short hash."""
    return "" if p.commit.startswith(p.label) else p.label


def _x_labels(points: Sequence[HistoryPoint], xs: Sequence[Decimal], base: int) -> list[str]:
    """Each point by its date, and under it its tag where it has one (a commit hash tells a reader nothing)."""
    parts = []
    for p, x in zip(points, xs, strict=True):
        parts.append(f'<text transform="translate({_num(x)},{base + 14}) rotate(-35)" text-anchor="end" '
                     f'fill="{INK}">{p.date.isoformat()}</text>')
        tag = _tag(p)
        if tag:
            label = tag if len(tag) <= 12 else tag[:11] + "…"
            parts.append(f'<text transform="translate({_num(x)},{base + 14}) rotate(-35)" dy="12" '
                         f'text-anchor="end" fill="#595959" font-size="9">{escape(label)}</text>')
    return parts


def _dots(points: Sequence[HistoryPoint], xs: Sequence[Decimal], values: Sequence[Decimal | None], y: Scale,
          colour: str, name: str) -> list[str]:
    parts = []
    for p, x, v in zip(points, xs, values, strict=True):
        if v is not None:
            when = f"{p.date.isoformat()}（{_tag(p)}）" if _tag(p) else p.date.isoformat()
            tip = escape(f"{when}{name}：{fmt(v)}")
            parts.append(f'<circle cx="{_num(x)}" cy="{_num(y(v))}" r="3" fill="{colour}"><title>{tip}</title></circle>')
    return parts


def _legend(series: Iterable[tuple[str, list[Decimal | None]]], x: int, top: int) -> list[str]:
    parts = []
    for i, (name, _) in enumerate(series):
        yy = top + 8 + i * 18
        label = name if len(name) <= 9 else name[:8] + "…"
        colour = PALETTE[i % len(PALETTE)]
        parts.append(f'<line x1="{x}" y1="{yy}" x2="{x + 18}" y2="{yy}" stroke="{colour}" '
                     f'stroke-width="{"2.5" if i == 0 else "1.5"}"/>')
        parts.append(f'<text x="{x + 24}" y="{yy}" dy="4" fill="{INK}">{escape(label)}</text>')
    return parts
