"""Score history from git, its line chart, and each file's last change.

The history scores the tags reachable from HEAD, or when there are none, the
last commits of the current branch that touch indicators/ or evidence/. Each
commit is scored at its own commit date from its own files (exported with the
diff module, never checked out), and the result is cached by commit hash in
``build/.history-cache.json`` so a build scores only commits it has not seen.
The cache is keyed by a hash of the scoring code, so new rules re-score all.
Everything here depends only on the commits: no clock, no working tree.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import subprocess
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import ROUND_CEILING, Decimal
from html import escape
from pathlib import Path
from typing import Any, NamedTuple

from .charts import FONT, INK
from .diff import GitError, checked_out, git, git_prefix
from .numbers import fmt
from .output import write_files
from .pipeline import BuildInfo, gather
from .problems import DataError, Severity, UsageError

HISTORY_LIMIT = 20
CACHE_NAME = ".history-cache.json"
TOTAL = "总分"


@dataclass(frozen=True)
class HistoryPoint:
    commit: str
    date: date  # the commit date
    label: str  # the tag, or the short hash
    total: Decimal
    levels: dict[str, Decimal]  # 一级 id → its score
    names: dict[str, str] = field(default_factory=dict)  # 一级 id → its name, for the legend


@dataclass(frozen=True)
class History:
    points: tuple[HistoryPoint, ...]
    notes: tuple[str, ...]  # revisions skipped, in Chinese
    tagged: bool = False  # the points are the tags (else the recent commits)


class Candidate(NamedTuple):
    commit: str
    date: date
    label: str


# --- which revisions ----------------------------------------------------------


def _parse_stamp(stamp: str) -> datetime:
    return datetime.fromtimestamp(int(stamp), tz=UTC)


def tagged_revisions(root: Path) -> list[Candidate]:
    """Tags reachable from HEAD, oldest commit first (ties by tag name)."""
    fmt_ = "%(refname:short)%00%(*objectname)%00%(objectname)%00%(*committerdate:unix)%00%(committerdate:unix)"
    out = git(root, "for-each-ref", "--merged=HEAD", f"--format={fmt_}", "refs/tags")
    found: list[tuple[datetime, str, str]] = []
    for line in out.splitlines():
        name, peeled, obj, peeled_stamp, stamp = line.split("\0")
        # an annotated tag points at a tag object: its peeled values are the commit's
        found.append((_parse_stamp(peeled_stamp or stamp), name, peeled or obj))
    found.sort()
    return [Candidate(commit, when.date(), name) for when, name, commit in found]


def recent_revisions(root: Path, limit: int) -> list[Candidate]:
    """The last ``limit`` commits of HEAD that touch the data, oldest first."""
    out = git(root, "log", f"-n{limit}", "--format=%H %ct", "HEAD", "--", "indicators", "evidence")
    found = [line.split() for line in out.splitlines() if line.strip()]
    return [Candidate(h, _parse_stamp(t).date(), h[:7]) for h, t in reversed(found)]


def revisions(root: Path, limit: int = HISTORY_LIMIT) -> list[Candidate]:
    try:
        tags = tagged_revisions(root)
        return tags[-limit:] if tags else recent_revisions(root, limit)
    except GitError:
        return []  # no commit yet


# --- scoring with a cache -----------------------------------------------------


def code_version() -> str:
    """A hash of the scoring code: a cache written by other code is not reused."""
    digest = hashlib.sha256()
    for path in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def score_commit(root: Path, commit: str, when: date) -> dict[str, Any]:
    """One commit's total and 一级 scores as cache data, or why it could not be scored."""
    info = BuildInfo(commit, datetime(when.year, when.month, when.day, tzinfo=UTC), False)
    with checked_out(root, commit) as data_root:
        try:
            table = gather(data_root, as_of=when, info=info).table
        except DataError as exc:
            errors = sum(1 for p in exc.problems if p.severity == Severity.ERROR)
            return {"ok": False, "errors": errors}
    return {"ok": True, "total": str(table.total),
            "levels": {lv.level.id: str(lv.score) for lv in table.levels},
            "names": {lv.level.id: lv.level.name for lv in table.levels}}


def _read_cache(path: Path, version: str) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("version") != version or not isinstance(data.get("commits"), dict):
        return {}
    return dict(data["commits"])


def _write_cache(path: Path, version: str, commits: dict[str, Any]) -> None:
    text = json.dumps({"version": version, "commits": dict(sorted(commits.items()))}, ensure_ascii=False, indent=1)
    with contextlib.suppress(OSError):  # a read-only checkout still gets its history, only slower next time
        write_files(path.parent, {path.name: (text + "\n").encode("utf-8")})


def _point(c: Candidate, data: dict[str, Any]) -> HistoryPoint:
    return HistoryPoint(c.commit, c.date, c.label, Decimal(data["total"]),
                        {k: Decimal(v) for k, v in data["levels"].items()}, dict(data.get("names", {})))


def history(root: Path, limit: int = HISTORY_LIMIT, cache: Path | None = None) -> History:
    """Score points for the tags (else the recent data commits), oldest first."""
    try:
        git_prefix(root)
    except UsageError:
        return History((), ("项目不在 git 仓库中，没有历史得分",))
    cache = cache or root / "build" / CACHE_NAME
    version = code_version()
    known = _read_cache(cache, version)
    points: list[HistoryPoint] = []
    notes: list[str] = []
    fresh = False
    candidates = revisions(root, limit)
    for c in candidates:
        if c.commit not in known:
            known[c.commit] = score_commit(root, c.commit, c.date)
            fresh = True
        data = known[c.commit]
        if data.get("ok"):
            points.append(_point(c, data))
        else:
            notes.append(f"{c.label}（{c.date.isoformat()}）未通过校验（错误 {data.get('errors', 0)} 个），未计入历史得分")
    if fresh:
        _write_cache(cache, version, known)
    tagged = bool(candidates) and candidates[-1].label != candidates[-1].commit[:7]
    return History(tuple(points), tuple(notes), tagged)


# --- the chart ----------------------------------------------------------------

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
    """The total, then each 一级 in the order the newest point lists them."""
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


def history_chart(points: Sequence[HistoryPoint], width: int = 640) -> str:
    """An inline SVG line chart: the total and each 一级 over the revisions."""
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
        "<title>历史得分：总分和各一级指标得分</title>",
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


def _x_labels(points: Sequence[HistoryPoint], xs: Sequence[Decimal], base: int) -> list[str]:
    parts = []
    for p, x in zip(points, xs, strict=True):
        label = p.label if len(p.label) <= 12 else p.label[:11] + "…"
        parts.append(f'<text transform="translate({_num(x)},{base + 14}) rotate(-35)" text-anchor="end" '
                     f'fill="{INK}">{escape(label)}</text>')
        parts.append(f'<text transform="translate({_num(x)},{base + 14}) rotate(-35)" dy="12" text-anchor="end" '
                     f'fill="#666" font-size="9">{p.date.isoformat()}</text>')
    return parts


def _dots(points: Sequence[HistoryPoint], xs: Sequence[Decimal], values: Sequence[Decimal | None], y: Scale,
          colour: str, name: str) -> list[str]:
    parts = []
    for p, x, v in zip(points, xs, values, strict=True):
        if v is not None:
            tip = escape(f"{p.label}（{p.date.isoformat()}）{name}：{fmt(v)}")
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


# --- each file's last change --------------------------------------------------


class Change(NamedTuple):
    date: date  # the author date of the last commit that changed the file
    author: str
    commit: str


def _parse_header(line: str) -> Change | None:
    fields_ = line.lstrip("\x1e").split("\x1f")
    if len(fields_) != 3:
        return None
    commit, day, author = fields_
    return Change(date.fromisoformat(day), author, commit)


def last_changes(root: Path, paths: Iterable[str]) -> dict[str, Change]:
    """The last commit of each path (relative to the project), from one ``git log``.

    The log is read newest first and stopped once every path has been seen;
    files never committed are left out.
    """
    wanted = {p for p in paths}
    if not wanted:
        return {}
    tops = sorted({p.split("/", 1)[0] for p in wanted})
    cmd = ["git", "-c", "core.quotePath=false", "-C", str(root), "log", "--relative", "--name-only",
           "--format=%x1e%H%x1f%as%x1f%an", "--", *tops]
    found: dict[str, Change] = {}
    try:
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, encoding="utf-8")
    except FileNotFoundError:
        return {}
    with proc:
        assert proc.stdout is not None
        current: Change | None = None
        for raw in proc.stdout:
            line = raw.rstrip("\n")
            if line.startswith("\x1e"):
                current = _parse_header(line)
            elif line and current is not None and line in wanted and line not in found:
                found[line] = current
                if len(found) == len(wanted):
                    proc.kill()
                    break
    return found
