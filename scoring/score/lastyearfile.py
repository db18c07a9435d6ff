"""results/lastyear.yaml: last year's figures, kept in the repository so every build can compare with them.

``compare-last LAST`` (scoring/results/lastyear_command.py) scores last year's project once, matches its rows
with this year's (scoring/results/lastyear.py) and writes this file: for each of last year's rows its name,
points, self-score and 核定分 (when last year's came back), and the row of this year it became (``now``,
or null when it was removed), with the totals and grades. Every build reads it like
results/verified.yaml: the site's 「与上年比较」 page and the dossier's section are rendered from it
and this year's own table, so a build never needs last year's checkout, and this year's figures are
always those of the build (a row scored again since the comparison shows its new score).

The file is derived data: ``compare-last`` rewrites it each time. Staff correct the row matching in
results/lastyear-map.yaml and run ``compare-last`` again.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from ..core.figures import fmt
from ..core.problems import Problem, error
from ..core.yamlio import LineDict
from ..model.model import Scheme
from .score import RowScore, ScoreTable
from .verified import Verified, read_rows

LASTYEAR_FILE = "results/lastyear.yaml"
CODE = "lastyear"
RERUN = "请重新运行 python build.py compare-last 上年项目或版本"


@dataclass(frozen=True)
class LastRow:
    """One of last year's rows, as compare-last recorded it."""

    id: str
    name: str
    points: Decimal
    score: Decimal  # the self-score
    verified: Decimal | None  # the 核定分, when last year's came back and scored the row
    now: str | None  # this year's row it became; None: removed this year
    by: str  # how it was matched: 编号 | 名称 | 对照表 ("" when removed)


@dataclass(frozen=True)
class LastYear:
    """results/lastyear.yaml, checked against this year's scheme."""

    source: str  # what last year was: a folder or a revision, as compare-last was given it
    rows: tuple[LastRow, ...]
    total: Decimal
    grade: str
    verified_total: Decimal | None = None  # last year's 核定 total and grade, when they came back
    verified_grade: str = ""


def _decimal(value: Any) -> Decimal | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _row(rid: str, item: Any, ids_now: set[str]) -> tuple[LastRow | None, str]:
    if not isinstance(item, dict):
        return None, f"{rid} 应写作 {{name: 名称, points: 赋分, score: 得分, now: 今年编号}}"
    points, score = _decimal(item.get("points")), _decimal(item.get("score"))
    verified = _decimal(item.get("verified")) if item.get("verified") is not None else None
    if points is None or score is None or (item.get("verified") is not None and verified is None):
        return None, f"{rid} 的 points、score、verified 应为数字"
    now = item.get("now")
    if now is not None and str(now) not in ids_now:
        return None, f"上年指标 {rid} 对应的今年指标 {now} 不在今年的方案中（对照已过时）；{RERUN}"
    return LastRow(rid, str(item.get("name") or rid), points, score, verified,
                   None if now is None else str(now), str(item.get("by") or "")), ""


def load_lastyear(root: Path, scheme: Scheme) -> tuple[LastYear | None, list[Problem]]:
    """results/lastyear.yaml, checked; None when the file is absent (no comparison with last year)."""
    data, rows_data, problems = read_rows(root, LASTYEAR_FILE, "上年指标编号: {name, points, score, now}", CODE)
    if rows_data is None:
        return None, problems
    ids_now = {r.id for r in scheme.rows}
    rows: list[LastRow] = []
    taken: dict[str, str] = {}
    for rid, item in rows_data.items():
        row, problem = _row(str(rid), item, ids_now)
        if row is not None and row.now is not None and row.now in taken:
            problem = f"今年指标 {row.now} 同时对应上年的 {taken[row.now]} 和 {rid}；{RERUN}"
        if problem:
            problems.append(error(LASTYEAR_FILE, rows_data.line_of(rid), problem, CODE))
        elif row is not None:
            rows.append(row)
            if row.now is not None:
                taken[row.now] = row.id
    found = data.get("total") if isinstance(data, dict) else None
    total: dict[str, Any] = found if isinstance(found, dict) else {}
    score, verified = _decimal(total.get("score")), _decimal(total.get("verified"))
    if score is None:
        problems.append(error(LASTYEAR_FILE, data.line_of("total") if isinstance(data, LineDict) else 1,
                              f"应有 total: {{score: 上年总分, grade: 上年等次}}；{RERUN}", CODE))
    if problems or score is None:
        return None, problems
    return LastYear(str((data or {}).get("source") or ""), tuple(rows), score, str(total.get("grade") or ""),
                    verified, str(total.get("verified_grade") or "")), []


def to_yaml(last: LastYear) -> str:
    """The file's text: comments in Chinese, one line per row of last year, in last year's order."""
    def num(value: Decimal) -> str:
        return fmt(value)

    total = f"{{score: {num(last.total)}, grade: {json.dumps(last.grade, ensure_ascii=False)}"
    if last.verified_total is not None:
        total += f", verified: {num(last.verified_total)}, verified_grade: {json.dumps(last.verified_grade, ensure_ascii=False)}"
    out = ["# 上年的得分：由 python build.py compare-last 写出，每次运行重写；构建据此生成“与上年比较”。",
           "# 每行：上年指标编号: {name: 名称, points: 赋分, score: 自评得分, verified: 核定得分, now: 今年对应的指标编号"
           "（null：今年已删去）, by: 对应方式}。",
           "# 行的对应请在 results/lastyear-map.yaml 中改正，再运行 compare-last。",
           f"source: {json.dumps(last.source, ensure_ascii=False)}", f"total: {total}}}", "rows:"]
    for r in last.rows:
        verified = f", verified: {num(r.verified)}" if r.verified is not None else ""
        now = r.now if r.now is not None else "null"
        by = f", by: {r.by}" if r.by else ""
        out.append(f"  {r.id}: {{name: {json.dumps(r.name, ensure_ascii=False)}, points: {num(r.points)}, "
                   f"score: {num(r.score)}{verified}, now: {now}{by}}}")
    return "\n".join(out) + "\n"


# --- the comparison every build shows -------------------------------------------------------------


@dataclass(frozen=True)
class Pair:
    """A row this year and/or last year, with the figures compared."""

    now: RowScore | None
    then: LastRow | None
    score_now: Decimal | None
    score_then: Decimal | None

    @property
    def id(self) -> str:
        return self.now.indicator.id if self.now else self.then.id if self.then else ""

    @property
    def name(self) -> str:
        return self.now.indicator.name if self.now else self.then.name if self.then else ""

    @property
    def change(self) -> Decimal | None:
        return None if self.score_now is None or self.score_then is None else self.score_now - self.score_then

    @property
    def reweighted(self) -> bool:
        return self.now is not None and self.then is not None and self.now.points != self.then.points


@dataclass(frozen=True)
class LastYearView:
    """This year's table against last year's recorded figures."""

    source: str
    verified: bool  # both years have 核定分: rows each year verified use them, the totals are the 核定 totals
    total_now: Decimal
    total_then: Decimal
    grade_now: str
    grade_then: str
    matched: tuple[Pair, ...]
    new: tuple[Pair, ...]
    removed: tuple[Pair, ...]

    @property
    def basis(self) -> str:
        return "考核组核定分（两年都有核定分：核定的行用核定分，总分为核定总分）" if self.verified else "自评得分"

    @property
    def change(self) -> Decimal:
        return self.total_now - self.total_then

    @property
    def changed(self) -> tuple[Pair, ...]:
        """Matched rows whose score or points changed, largest |change| first, then id."""
        out = [p for p in self.matched if p.change or p.reweighted]
        return tuple(sorted(out, key=lambda p: (-abs(p.change or Decimal(0)), p.id)))


def lastyear_view(last: LastYear | None, table: ScoreTable, verified: Verified | None) -> LastYearView | None:
    if last is None:
        return None
    use_verified = verified is not None and last.verified_total is not None

    def now_score(row: RowScore) -> Decimal:
        return verified.score(row) if use_verified and verified is not None else row.score

    def then_score(row: LastRow) -> Decimal:
        return row.verified if use_verified and row.verified is not None else row.score

    by_now: Mapping[str, LastRow] = {r.now: r for r in last.rows if r.now is not None}
    matched: list[Pair] = []
    new: list[Pair] = []
    for row in table.rows:
        then = by_now.get(row.indicator.id)
        pair = Pair(row, then, now_score(row), then_score(then) if then else None)
        (matched if then else new).append(pair)
    removed = [Pair(None, r, None, then_score(r)) for r in last.rows if r.now is None]
    if use_verified and verified is not None and last.verified_total is not None:
        total_now, _, grade_now = verified.summary(table)
        total_then, grade_then = last.verified_total, last.verified_grade
    else:
        total_now, grade_now, total_then, grade_then = table.total, table.grade, last.total, last.grade
    return LastYearView(last.source, use_verified, total_now, total_then, grade_now, grade_then,
                        tuple(matched), tuple(new), tuple(removed))
