"""This year against last year: rows matched by id, then by name, each row's points and score then and now.

Last year is another project folder (last year's repository, checked out) or a git revision of this
one (a tag such as ``2021``). Rows are matched:

1. by ``results/lastyear-map.yaml`` when it exists (staff's corrections win: ``this_id: last_id``, or
   ``this_id: null`` for a row that is new this year);
2. by id, when both years have the row;
3. by name: each row left this year takes the most similar name left last year (difflib's ratio of
   the rows' full paths, at least ``MIN_SIMILARITY``), the best pairs first.

The comparison uses the assessors' 核定分 for a row where both years have them (results/verified.yaml),
else the self-scores, and says which.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from ..core.figures import fmt, fmt_signed
from ..core.problems import Problem, error
from ..gather.pipeline import Checked
from ..score.lastyearfile import LastRow, LastYear
from ..score.score import RowScore, ScoreTable
from ..score.verified import Verified, read_rows

MAP_FILE = "results/lastyear-map.yaml"
MIN_SIMILARITY = 0.6


@dataclass(frozen=True)
class Year:
    """One year's scored project: its table and, when they came back, the assessors' figures."""

    label: str
    table: ScoreTable
    verified: Verified | None = None

    def score(self, row: RowScore, use_verified: bool) -> Decimal:
        return self.verified.score(row) if use_verified and self.verified else row.score

    @classmethod
    def of(cls, label: str, checked: Checked) -> Year:
        return cls(label, checked.table, checked.verified)


@dataclass(frozen=True)
class RowPair:
    now: RowScore | None
    then: RowScore | None
    matched_by: str  # "编号" | "名称" | "对照表" | "" (new or removed)
    score_now: Decimal | None
    score_then: Decimal | None

    @property
    def name(self) -> str:
        row = self.now or self.then
        assert row is not None
        return row.indicator.name

    @property
    def change(self) -> Decimal | None:
        if self.score_now is None or self.score_then is None:
            return None
        return self.score_now - self.score_then

    @property
    def reweighted(self) -> bool:
        return self.now is not None and self.then is not None and self.now.points != self.then.points


@dataclass(frozen=True)
class Comparison:
    now: Year
    then: Year
    pairs: tuple[RowPair, ...]  # this year's rows in order (matched or new), then last year's removed rows
    verified: bool  # both years have 核定分: rows they both verified use them

    @property
    def matched(self) -> tuple[RowPair, ...]:
        return tuple(p for p in self.pairs if p.now is not None and p.then is not None)

    @property
    def new(self) -> tuple[RowPair, ...]:
        return tuple(p for p in self.pairs if p.then is None)

    @property
    def removed(self) -> tuple[RowPair, ...]:
        return tuple(p for p in self.pairs if p.now is None)

    def total(self, year: Year) -> Decimal:
        return year.verified.summary(year.table)[0] if self.verified and year.verified else year.table.total

    def grade(self, year: Year) -> str:
        return year.verified.summary(year.table)[2] if self.verified and year.verified else year.table.grade

    def mapping(self) -> dict[str, str | None]:
        """This year's row id → last year's (None: new), as written to results/lastyear-map.yaml."""
        return {p.now.indicator.id: p.then.indicator.id if p.then else None for p in self.pairs if p.now is not None}


# --- the mapping file ---------------------------------------------------------------------------


def load_map(root: Path, now: ScoreTable, then: ScoreTable) -> tuple[dict[str, str | None], list[Problem]]:
    """results/lastyear-map.yaml, checked: each key a row this year, each value a row last year or null."""
    _, rows, problems = read_rows(root, MAP_FILE, "今年指标编号: 上年指标编号（新增的行写 null）", "lastyear-map")
    if rows is None:
        return {}, problems
    ids_now = {r.indicator.id for r in now.rows}
    ids_then = {r.indicator.id for r in then.rows}
    found: dict[str, str | None] = {}
    for key, value in rows.items():
        line = rows.line_of(key)
        if str(key) not in ids_now:
            problems.append(error(MAP_FILE, line, f"今年的方案中没有指标 {key}", "lastyear-map"))
        elif value is not None and str(value) not in ids_then:
            problems.append(error(MAP_FILE, line, f"上年的方案中没有指标 {value}", "lastyear-map"))
        else:
            found[str(key)] = None if value is None else str(value)
    return found, problems


def map_yaml(comparison: Comparison) -> str:
    out = ["# 今年与上年指标的对照：今年指标编号: 上年指标编号；今年新增的行写 null。",
           "# 由 python build.py compare-last 按编号、再按名称相似度写出；请核对并改正，改正后以本文件为准。",
           f"# 今年：{comparison.now.label}　上年：{comparison.then.label}", "rows:"]
    for now_id, then_id in comparison.mapping().items():
        out.append(f"  {now_id}: {then_id if then_id is not None else 'null'}")
    return "\n".join(out) + "\n"


# --- matching -----------------------------------------------------------------------------------


def _label(row: RowScore, table: ScoreTable) -> str:
    return "/".join(table.scheme.cells(row.indicator)).replace("*", "")


def match(now: ScoreTable, then: ScoreTable, fixed: Mapping[str, str | None]) -> dict[str, tuple[str | None, str]]:
    """This year's row id → (last year's row id or None, how it was matched)."""
    rows_then = {r.indicator.id: r for r in then.rows}
    out: dict[str, tuple[str | None, str]] = {}
    taken: set[str] = set()
    for rid, other in fixed.items():
        out[rid] = (other, "对照表")
        if other is not None:
            taken.add(other)
    for row in now.rows:
        rid = row.indicator.id
        if rid not in out and rid in rows_then and rid not in taken:
            out[rid] = (rid, "编号")
            taken.add(rid)
    left_now = [r for r in now.rows if r.indicator.id not in out]
    left_then = [r for r in then.rows if r.indicator.id not in taken]
    scored = []
    for a in left_now:
        for b in left_then:
            ratio = difflib.SequenceMatcher(None, _label(a, now), _label(b, then)).ratio()
            if ratio >= MIN_SIMILARITY:
                scored.append((-ratio, a.indicator.id, b.indicator.id))
    for _, a_id, b_id in sorted(scored):
        if a_id not in out and b_id not in taken:
            out[a_id] = (b_id, "名称")
            taken.add(b_id)
    for a in left_now:
        out.setdefault(a.indicator.id, (None, ""))
    return out


def compare(now: Year, then: Year, fixed: Mapping[str, str | None] | None = None) -> Comparison:
    use_verified = now.verified is not None and then.verified is not None
    rows_then = {r.indicator.id: r for r in then.table.rows}
    matched = match(now.table, then.table, fixed or {})
    pairs: list[RowPair] = []
    for row in now.table.rows:
        other_id, how = matched[row.indicator.id]
        other = rows_then.get(other_id) if other_id else None
        pairs.append(RowPair(row, other, how, now.score(row, use_verified),
                             then.score(other, use_verified) if other else None))
    used = {p.then.indicator.id for p in pairs if p.then is not None}
    pairs += [RowPair(None, r, "", None, then.score(r, use_verified)) for r in then.table.rows if r.indicator.id not in used]
    return Comparison(now, then, tuple(pairs), use_verified)


# --- outputs ------------------------------------------------------------------------------------


def recorded(c: Comparison) -> LastYear:
    """Last year's figures and the matching, as results/lastyear.yaml keeps them for every build."""
    became = {p.then.indicator.id: p for p in c.pairs if p.then is not None}
    then = c.then
    rows = []
    for row in then.table.rows:
        pair = became.get(row.indicator.id)
        v = then.verified.of(row) if then.verified else None
        now = pair.now.indicator.id if pair is not None and pair.now is not None else None
        rows.append(LastRow(row.indicator.id, row.indicator.name, row.points, row.score, v.score if v else None,
                            now, pair.matched_by if pair is not None and now is not None else ""))
    summary = then.verified.summary(then.table) if then.verified else None
    # Named by its year (and the revision when it was one), never by a folder of this machine: the label is shown.
    source = f"{then.table.scheme.year}年度" + (f"（{then.label}）" if then.label.startswith("版本") else "")
    return LastYear(source, tuple(rows), then.table.total, then.table.grade,
                    summary[0] if summary else None, summary[2] if summary else "")


def _num(value: Decimal | None) -> str:
    return "" if value is None else fmt(value)


def to_markdown(c: Comparison) -> str:
    basis = "考核组核定分（两年都有核定的行）" if c.verified else "自评得分"
    out = ["# 与上年比较", "", f"今年：{c.now.label}；上年：{c.then.label}。比较的是{basis}。", "",
           "| | 上年 | 今年 | 变化 |", "|---|---|---|---|",
           f"| 总分 | {fmt(c.total(c.then))} | {fmt(c.total(c.now))} | {fmt_signed(c.total(c.now) - c.total(c.then))} |",
           f"| 等次 | {c.grade(c.then)} | {c.grade(c.now)} | |", "",
           f"对应的行 {len(c.matched)} 项，今年新增 {len(c.new)} 项，今年删去 {len(c.removed)} 项。", "",
           "| 今年编号 | 上年编号 | 指标 | 对应方式 | 上年赋分 | 今年赋分 | 上年得分 | 今年得分 | 变化 |",
           "|---|---|---|---|---|---|---|---|---|"]
    for p in c.pairs:
        now_id = p.now.indicator.id if p.now else "（已删去）"
        then_id = p.then.indicator.id if p.then else "（新增）"
        out.append(f"| {now_id} | {then_id} | {p.name} | {p.matched_by} | {_num(p.then.points if p.then else None)} | "
                   f"{_num(p.now.points if p.now else None)} | {_num(p.score_then)} | {_num(p.score_now)} | "
                   f"{fmt_signed(p.change) if p.change is not None else ''} |")
    return "\n".join(out) + "\n"


def to_xlsx(c: Comparison) -> bytes:
    import io

    import openpyxl

    from ..core.officezip import fixed_zip

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "与上年比较"
    sheet.append(["今年编号", "上年编号", "指标", "对应方式", "上年赋分", "今年赋分", "上年得分", "今年得分", "变化"])
    for p in c.pairs:
        values: list[object] = [p.now.indicator.id if p.now else "", p.then.indicator.id if p.then else "", p.name,
                                p.matched_by or ("新增" if p.then is None else "删去"),
                                p.then.points if p.then else None, p.now.points if p.now else None,
                                p.score_then, p.score_now, p.change]
        sheet.append([float(v) if isinstance(v, Decimal) else v for v in values])
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"
    sheet.append([])
    sheet.append(["总分", "", "", "", None, None, float(c.total(c.then)), float(c.total(c.now)),
                  float(c.total(c.now) - c.total(c.then))])
    sheet.append(["等次", "", "", "", None, None, c.grade(c.then), c.grade(c.now), None])
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return fixed_zip(buffer.getvalue(), (2000, 1, 1, 0, 0, 0))
