"""The assessors' 核定分: the table sent to them, their filled-in table read back, and results/verified.yaml.

After the dossier is sent, the assessment team returns its own figure per row (核定得分) and a remark
(核定意见). ``verified-export`` writes the score table with those two columns empty and every other
cell locked; ``verified-import FILE`` reads the filled-in table (their layout within reason: a header
row naming 核定得分, rows matched by 编号 or by name) and writes ``results/verified.yaml``, which is
reviewed by pull request like evidence. From then on every build reads it (``load_verified``): each
row shows 自评 / 核定 / 差额 / 意见, and a row the assessors did not score keeps its self-score,
marked so. The 核定 total is the self-assessed total with each verified row's difference applied.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from ..core.figures import ZERO, fmt
from ..core.problems import Problem, UsageError, error
from ..core.safeio import read_text
from ..core.yamlio import LineDict, YamlSyntaxError, load_yaml
from ..model.model import Scheme
from .score import RowScore, ScoreTable, rated

VERIFIED_FILE = "results/verified.yaml"
SCORE_HEADS = ("核定得分", "核定分", "核定分值", "考核组核定得分")
NOTE_HEADS = ("核定意见", "核定说明", "考核组意见", "备注（核定）")
ID_HEADS = ("编号", "指标编号")
LIMIT = 1024 * 1024


@dataclass(frozen=True)
class VerifiedRow:
    score: Decimal
    note: str = ""
    line: int = 0


@dataclass(frozen=True)
class Verified:
    """The assessors' figures by row id, as results/verified.yaml holds them."""

    rows: Mapping[str, VerifiedRow] = field(default_factory=dict)
    source: str = ""

    def of(self, row: RowScore) -> VerifiedRow | None:
        return self.rows.get(row.indicator.id)

    def score(self, row: RowScore) -> Decimal:
        """The row's 核定分 where the assessors scored it, else its self-score."""
        v = self.of(row)
        return v.score if v is not None else row.score

    def total(self, table: ScoreTable) -> Decimal:
        """The self-assessed total with each verified row's difference applied."""
        return table.total + sum((self.score(r) - r.score for r in table.rows), ZERO)

    def summary(self, table: ScoreTable) -> tuple[Decimal, Decimal | None, str]:
        """The 核定 total, its 100-point figure when the scheme normalises, and its grade."""
        total = self.total(table)
        if table.scheme.total_floor is not None:
            total = max(total, table.scheme.total_floor)
        normalised, grade = rated(table.scheme, total, table.full_marks)
        return total, normalised, grade

    def differences(self, table: ScoreTable) -> list[tuple[RowScore, VerifiedRow, Decimal]]:
        """Every verified row whose figure differs from the self-score, largest difference first."""
        out = [(r, v, v.score - r.score) for r in table.rows if (v := self.of(r)) is not None and v.score != r.score]
        return sorted(out, key=lambda x: (-abs(x[2]), x[0].indicator.id))


# --- results/verified.yaml --------------------------------------------------------------------------------


def _number(value: Any) -> Decimal | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _row_problem(scheme: Scheme, rid: str, score: Decimal | None) -> str:
    ind = next((r for r in scheme.rows if r.id == rid), None)
    if ind is None:
        return f"未知指标 {rid}：方案中没有这一行"
    if score is None:
        return f"{rid} 的核定得分应为数字"
    if score > ind.points and not any(rule.gives_bonus for rule in ind.rules):
        return f"{rid} 的核定得分 {fmt(score)} 高于该行赋分 {fmt(ind.points)}"
    return ""


def read_rows(root: Path, rel: str, shape: str, code: str) -> tuple[dict[str, Any], LineDict | None, list[Problem]]:
    """A file of results/ (``rel``) holding ``rows:``: its mapping and its rows, or the problem (``shape``: what
    each row should say). An absent file is no rows and no problem."""
    path = root / rel
    if not path.exists():
        return {}, None, []
    try:
        data = load_yaml(read_text(root, path, LIMIT))
    except YamlSyntaxError as exc:
        return {}, None, [error(rel, exc.line, exc.message, "yaml")]
    except (OSError, ValueError) as exc:
        return {}, None, [error(rel, 0, str(exc), "read")]
    rows = data.get("rows") if isinstance(data, dict) else None
    if not isinstance(rows, LineDict):
        return {}, None, [error(rel, 1, f"应有 rows:，其下每行写 {shape}", code)]
    return data, rows, []


def load_verified(root: Path, scheme: Scheme) -> tuple[Verified | None, list[Problem]]:
    """results/verified.yaml, checked against the scheme; None when the file is absent."""
    data, rows_data, problems = read_rows(root, VERIFIED_FILE, "指标编号: {score: 核定得分, note: 核定意见}", "verified")
    if rows_data is None:
        return None, problems
    rows: dict[str, VerifiedRow] = {}
    for rid, item in rows_data.items():
        line = rows_data.line_of(rid)
        item = item if isinstance(item, dict) else {"score": item}
        score = _number(item.get("score"))
        problem = _row_problem(scheme, str(rid), score)
        if problem:
            problems.append(error(VERIFIED_FILE, line, problem, "verified"))
        elif score is not None:
            rows[str(rid)] = VerifiedRow(score, str(item.get("note") or ""), line)
    source = str(data.get("source") or "")
    return (None if problems else Verified(rows, source)), problems


def to_yaml(rows: Mapping[str, VerifiedRow], source: str) -> str:
    """results/verified.yaml's text: one line per row, in the scheme's order, comments in Chinese."""
    import json

    out = ["# 考核组核定分：由 python build.py verified-import 从考核组返回的表格写出，经合并请求审核后生效。",
           "# 每行：指标编号: {score: 核定得分, note: 核定意见}；未列出的行沿用自评得分。",
           f"source: {json.dumps(source, ensure_ascii=False)}", "rows:"]
    for rid, v in rows.items():
        note = f", note: {json.dumps(v.note, ensure_ascii=False)}" if v.note else ""
        out.append(f"  {rid}: {{score: {fmt(v.score)}{note}}}")
    return "\n".join(out) + "\n"


# --- the table for the assessors, and reading it back -----------------------------------------------------


def export_table(table: ScoreTable) -> bytes:
    """The score table with empty 核定得分 and 核定意见 columns; every other cell locked (no password)."""
    import openpyxl
    from openpyxl.styles import Protection

    scheme = table.scheme
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "核定表"
    heads = ["编号", *scheme.level_names, "赋分", "自评得分", "失分原因", "核定得分", "核定意见"]
    sheet.append(heads)
    for r in table.rows:
        cells = list(scheme.cells(r.indicator))
        sheet.append([r.indicator.id, *cells, float(r.points), float(r.score), r.reasons, None, None])
    sheet.protection.sheet = True  # no password: it guards against slips, not people
    for row in sheet.iter_rows(min_row=2):
        for cell in row[-2:]:
            cell.protection = Protection(locked=False)
    widths = [14, *([16] * len(scheme.level_names)), 6, 8, 40, 10, 30]
    for i, width in enumerate(widths):
        sheet.column_dimensions[openpyxl.utils.get_column_letter(i + 1)].width = width
    sheet.freeze_panes = "B2"
    buffer = io.BytesIO()
    book.save(buffer)
    from ..core.officezip import fixed_zip

    return fixed_zip(buffer.getvalue(), (2000, 1, 1, 0, 0, 0))


@dataclass
class _Layout:
    sheet: str
    header: int  # 1-based row of the header
    score: int  # 0-based columns
    note: int | None
    ident: int | None
    name: int | None


def _find_layout(book: Any, scheme: Scheme) -> _Layout | None:
    row_name = scheme.level_names[-1]
    for sheet in book.worksheets:
        for number, values in enumerate(sheet.iter_rows(max_row=30, values_only=True), start=1):
            heads = [str(v).strip() if v is not None else "" for v in values]
            score = next((i for i, h in enumerate(heads) if h in SCORE_HEADS), None)
            if score is None:
                continue
            note = next((i for i, h in enumerate(heads) if h in NOTE_HEADS), None)
            ident = next((i for i, h in enumerate(heads) if h in ID_HEADS), None)
            name = next((i for i, h in enumerate(heads) if h in (row_name, "指标名称", "考核内容")), None)
            if ident is not None or name is not None:
                return _Layout(sheet.title, number, score, note, ident, name)
    return None


def _column(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return str(get_column_letter(index + 1))


def read_returned(path: Path, scheme: Scheme) -> tuple[dict[str, VerifiedRow], list[str]]:
    """The assessors' filled-in table: every verified row, or every problem (sheet, row, column) in Chinese."""
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, data_only=True, read_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise UsageError(f"{path} 不是可读取的 Excel 工作簿（.xlsx）：{type(exc).__name__}") from None
    layout = _find_layout(book, scheme)
    if layout is None:
        return {}, [f"{path.name}：找不到表头（应有“核定得分”列，以及“编号”或“{scheme.level_names[-1]}”列）"]
    sheet = book[layout.sheet]
    by_id = {r.id: r for r in scheme.rows}
    by_name: dict[str, list[str]] = {}
    for r in scheme.rows:
        by_name.setdefault(r.name.lstrip("*").strip(), []).append(r.id)
    rows: dict[str, VerifiedRow] = {}
    problems: list[str] = []
    for number, values in enumerate(sheet.iter_rows(min_row=layout.header + 1, values_only=True),
                                    start=layout.header + 1):
        cells = list(values)

        def at(i: int | None, cells: list[Any] = cells) -> Any:
            return cells[i] if i is not None and i < len(cells) else None

        raw_score, ident, name = at(layout.score), at(layout.ident), at(layout.name)
        if raw_score is None or str(raw_score).strip() == "":
            continue  # not scored by the assessors: the row keeps its self-score
        where = f"工作表“{layout.sheet}”第 {number} 行"
        rid = str(ident).strip() if ident is not None and str(ident).strip() in by_id else ""
        if not rid and name is not None:
            found = by_name.get(str(name).lstrip("*").strip(), [])
            rid = found[0] if len(found) == 1 else ""
        if not rid:
            label = ident if ident is not None else name
            column = _column(layout.ident if layout.ident is not None else layout.name or 0)
            problems.append(f"{where} {column} 列：未知指标“{label}”，方案中没有这一行")
            continue
        score = _number(raw_score)
        problem = _row_problem(scheme, rid, score)
        if problem:
            what = "核定得分应为数字，这里是“" + str(raw_score) + "”" if score is None else problem
            problems.append(f"{where} {_column(layout.score)} 列：{what}")
            continue
        assert score is not None
        rows[rid] = VerifiedRow(score, str(at(layout.note) or "").strip(), number)
    order = {r.id: i for i, r in enumerate(scheme.rows)}
    return dict(sorted(rows.items(), key=lambda kv: order[kv[0]])), problems
