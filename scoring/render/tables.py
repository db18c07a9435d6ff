"""Score tables: the terminal view, and scores.json / scores.csv / scores.xlsx.

The CSV and Excel files carry the breakdown table in its original columns plus
自评得分, 扣分 and 失分原因. All outputs are byte-identical for the same input.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import unicodedata
from datetime import date
from decimal import Decimal
from typing import Any

from ..core.figures import fmt, fmt_signed
from ..core.officezip import fixed_zip, stamp_of
from ..model.model import Scheme
from ..model.values import BuildInfo
from ..score.score import STATUS_LABELS, NodeScore, RowScore, ScoreLine, ScoreTable
from ..score.verified import Verified

SCHEMA_VERSION = 2  # 2: levels are the scheme's level names, nodes nest, rows carry their path

# The breakdown table's columns: 编号, then one per level of the scheme (its own names), then these.
AFTER_LEVELS = ["赋分", "扣分标准", "加分标准", "考核方式", "涉及内容", "责任组(科室、单位)", "备注",
                "自评得分", "扣分", "加分", "失分原因", "状态"]


def columns(scheme: Scheme) -> list[str]:
    return ["编号", *scheme.level_names, *AFTER_LEVELS]


def _day(day: date | None) -> str | None:
    return day.isoformat() if day is not None else None

def _num(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


# --- JSON -------------------------------------------------------------------


def _line_json(ln: ScoreLine) -> dict[str, Any]:
    return {"rule": ln.rule, "rule_text": ln.rule_text, "amount": _num(ln.amount), "reason": ln.reason,
            "evidence": list(ln.evidence), "at_risk": ln.at_risk, "unit": ln.unit or None, "bonus": ln.bonus,
            "deadline": ln.deadline.isoformat() if ln.deadline else None}


def _verified_json(r: RowScore, verified: Verified | None) -> dict[str, Any] | None:
    v = verified.of(r) if verified else None
    if v is None:
        return None
    return {"score": _num(v.score), "difference": _num(v.score - r.score), "note": v.note}


def _row_json(r: RowScore, scheme: Scheme, verified: Verified | None = None) -> dict[str, Any]:
    ind = r.indicator
    return {
        "id": ind.id, "section": ind.section, "level1_id": ind.level1_id, "path": list(scheme.cells(ind)),
        "key": ind.key, "points": _num(ind.points), "points_text": ind.points_text, "units": list(ind.units),
        "score": _num(r.score), "deduction": _num(r.deduction), "bonus": _num(r.bonus), "status": r.status,
        "at_risk": _num(r.at_risk), "missing_facts": list(r.missing_facts), "due": _day(r.due),
        "evidence": list(r.evidence), "lines": [_line_json(ln) for ln in r.lines],
        "verified": _verified_json(r, verified),
    }


def _node_json(n: NodeScore) -> dict[str, Any]:
    """A node's subtotal; its groups nested, each naming the rows below it (the top node carries them whole)."""
    node = n.node
    return {"id": node.id, "name": node.name, "level": n.level_name, "points": _num(n.points),
            "stated_points": _num(node.stated_points), "limit": _num(n.limit), "deduction": _num(n.deduction),
            "clamped": _num(n.clamped), "bonus": _num(n.bonus), "score": _num(n.score),
            "groups": [{**_node_json(g), "rows": [r.indicator.id for r in g.rows]} for g in n.groups]}


def fingerprint(scheme: Scheme) -> str:
    """What makes two bureaus' scores comparable row by row: the levels, and every row's id, place and points."""
    rows = [[ind.id, ind.section, *scheme.cells(ind), ind.points_text]
            for ind in (*scheme.rows, *scheme.comprehensive, *scheme.major)]
    text = json.dumps([list(scheme.level_names), rows], ensure_ascii=False, separators=(",", ":"))
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def _verified_total(table: ScoreTable, verified: Verified | None) -> dict[str, Any] | None:
    if verified is None:
        return None
    total, normalised, grade = verified.summary(table)
    return {"total": _num(total), "normalised": _num(normalised), "grade": grade, "rows": len(verified.rows),
            "source": verified.source}


def to_json(table: ScoreTable, info: BuildInfo, as_of: date, verified: Verified | None = None) -> str:
    s = table.scheme
    doc = {
        "schema": SCHEMA_VERSION,
        "bureau": {"name": s.assessed.name, "code": s.assessed.code or None},
        "scheme": {"title": s.title, "issuer": s.issuer, "doc_number": s.doc_number, "year": s.year,
                   "period": [s.period_start.isoformat(), s.period_end.isoformat()],
                   "due_date": _day(s.due_date), "clamp": s.clamp, "normalise": s.normalise,
                   "full_marks": _num(s.full_marks), "fingerprint": fingerprint(s)},
        "build": {"commit": info.commit or None, "date": info.date.isoformat(), "dirty": info.dirty,
                  "as_of": as_of.isoformat()},
        "total": {"base": _num(table.base), "row_bonus": _num(table.row_bonus),
                  "comprehensive_bonus": _num(table.comprehensive_bonus),
                  "major_deduction": _num(table.major_deduction), "raw_total": _num(table.raw_total),
                  "total": _num(table.total), "full_marks": _num(table.full_marks),
                  "normalised": _num(table.normalised), "grade": table.grade, "at_risk": _num(table.at_risk),
                  "status_counts": table.status_counts(), "verified": _verified_total(table, verified)},
        "levels": list(s.level_names),
        "nodes": [{**_node_json(lv), "rows": [_row_json(r, s, verified) for r in lv.rows]} for lv in table.levels],
        "comprehensive": [_row_json(r, s) for r in table.comprehensive],
        "major": [_row_json(r, s) for r in table.major],
        "units": [{"id": u.unit.id, "name": u.unit.name, "points": _num(u.points), "score": _num(u.score),
                   "deduction": _num(u.deduction), "at_risk": _num(u.at_risk),
                   "rows": [r.indicator.id for r in u.rows],
                   "todo": [{"row": t.row.indicator.id, "at_risk": _num(t.at_risk), "due": _day(t.row.due),
                             "missing_facts": list(t.row.missing_facts), "lost": _num(t.lost),
                             "reasons": list(t.reasons), "facts": list(t.facts)}
                            for t in u.todo]} for u in table.units],
    }
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


MANIFEST_VERSION = 1


def manifest(table: ScoreTable, info: BuildInfo, edition: str, dossier: str | None) -> str:
    """What a published site is: whose assessment, which year and scheme, which edition and commit (roll-ups read it)."""
    s = table.scheme
    doc = {"manifest": MANIFEST_VERSION, "bureau": {"name": s.assessed.name, "code": s.assessed.code or None},
           "year": s.year, "scheme": {"title": s.title, "doc_number": s.doc_number, "fingerprint": fingerprint(s)},
           "edition": edition, "commit": info.commit or None, "date": info.date.isoformat(),
           "scores": "scores.json", "scores_schema": SCHEMA_VERSION, "dossier": dossier}
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


# --- CSV and Excel ------------------------------------------------------------

# A text cell that begins with one of these is a formula to a spreadsheet (OWASP
# "CSV injection"): the CSV gets a leading apostrophe, the Excel file a text cell.
# A cell that is only "-" (the scheme's mark for "none") cannot be a formula and stays.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def formula_like(text: str) -> bool:
    return text.startswith(FORMULA_STARTS) and text != "-"
NUMBER_COLUMNS = frozenset({"赋分", "自评得分", "扣分", "加分", "核定得分", "差额"})
NUMBER_FORMAT = "0.00"
Cell = str | Decimal | None


def _record(r: RowScore, scheme: Scheme) -> list[Cell]:
    ind = r.indicator
    t = ind.text
    *path, name = scheme.cells(ind)
    return [ind.id, *path, ("*" if ind.key else "") + name, _points_cell(ind.points_text, ind.points), t.deduction, t.bonus, t.method,
            t.content, "、".join(ind.units), t.remarks, r.score if r.applicable else "不适用", r.deduction, r.bonus,
            r.reasons, r.status_label]


def _points_cell(text: str, points: Decimal) -> Cell:
    """赋分 as a number when the cell is one (so a spreadsheet can add it up); text such as "-" stays text."""
    try:
        return points if Decimal(text) == points else text
    except ArithmeticError:
        return text


def records(table: ScoreTable) -> list[list[Cell]]:
    """The breakdown table's rows, then 综合加分项 and 重大扣分项, then the total.

    扣分 and 加分 are positive everywhere. On the total row 扣分 is every point
    lost from the full marks (the 一级 deductions after the clamp, plus 重大扣分)
    and 加分 every point gained, so 满分 − 扣分 + 加分 = 自评总分 (before a floor).
    """
    out = [_record(r, table.scheme) for r in (*table.rows, *table.comprehensive, *table.major)]
    lost = table.full_marks - table.base + table.major_deduction
    blanks: list[Cell] = [""] * (table.scheme.depth - 1)
    out.append(["", "合计", *blanks, table.full_marks, "", "", "", "", "", "", table.total, lost,
                table.row_bonus + table.comprehensive_bonus, "", f"等次：{table.grade}" if table.grade else ""])
    return out


VERIFIED_COLUMNS = ["核定得分", "差额", "核定意见"]
UNVERIFIED = "未核定，沿用自评得分"


def _verified_cells(table: ScoreTable, verified: Verified) -> list[list[Cell]]:
    """The 核定 columns of each record (records' order): the rows, 综合加分 and 重大扣分 (not verified), the total."""
    out: list[list[Cell]] = []
    for r in table.rows:
        v = verified.of(r)
        out.append([v.score, v.score - r.score, v.note] if v is not None else ["", "", UNVERIFIED])
    out += [["", "", ""] for _ in (*table.comprehensive, *table.major)]
    total, _, grade = verified.summary(table)
    out.append([total, total - table.total, f"核定等次：{grade}"])
    return out


def table_cells(table: ScoreTable, verified: Verified | None = None) -> tuple[list[str], list[list[Cell]]]:
    """The breakdown table's heads and records, with the 核定 columns when the assessors' figures came back."""
    heads, rows = columns(table.scheme), records(table)
    if verified is None:
        return heads, rows
    return heads + VERIFIED_COLUMNS, [row + extra for row, extra in zip(rows, _verified_cells(table, verified), strict=True)]


def _csv_cell(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return fmt(value)
    return "'" + value if formula_like(value) else value


def to_csv(table: ScoreTable, verified: Verified | None = None) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    heads, rows = table_cells(table, verified)
    writer.writerow(heads)
    writer.writerows([_csv_cell(v) for v in row] for row in rows)
    # UTF-8 with BOM so that Excel on Windows opens the Chinese correctly.
    return buffer.getvalue().encode("utf-8-sig")


AFTER_WIDTHS = [6, 40, 24, 14, 24, 16, 12, 8, 6, 6, 40, 10]


def widths(scheme: Scheme) -> list[int]:
    """Column widths: the rows' own level widest, the levels above it narrower."""
    return [12, *([14] * (scheme.depth - 1)), 20, *AFTER_WIDTHS]


def to_xlsx(table: ScoreTable, info: BuildInfo, verified: Verified | None = None) -> bytes:
    """The table as a workbook: numbers as numbers, every text as text (never a formula), dated by the commit."""
    import openpyxl  # only this writer needs it: other commands start without it
    from openpyxl.utils import get_column_letter

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "自评得分"
    heads, rows = table_cells(table, verified)
    sheet.append(heads)
    for values in rows:
        sheet.append([_num(v) if isinstance(v, Decimal) else v for v in values])
    for row in sheet.iter_rows(min_row=2):
        for cell, column in zip(row, heads, strict=True):
            if column in NUMBER_COLUMNS:
                cell.number_format = NUMBER_FORMAT
            elif isinstance(cell.value, str):
                cell.data_type = "s"  # openpyxl would store a leading "=" as a formula
                if formula_like(cell.value):
                    cell.quotePrefix = True
    for i, width in enumerate(widths(table.scheme) + ([8, 6, 30] if verified else [])):
        sheet.column_dimensions[get_column_letter(i + 1)].width = width
    sheet.freeze_panes = "B2"
    stamp = info.date.replace(tzinfo=None)
    book.properties.created = book.properties.modified = stamp
    book.properties.creator = table.scheme.issuer
    book.properties.title = table.scheme.title
    buffer = io.BytesIO()
    book.save(buffer)
    return fixed_zip(buffer.getvalue(), stamp_of(stamp))




# --- the terminal -------------------------------------------------------------


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int, right: bool = False) -> str:
    gap = " " * max(0, width - _width(text))
    return gap + text if right else text + gap


def _clip(text: str, width: int) -> str:
    out = ""
    for ch in text:
        if _width(out + ch) > width - 1:
            return out + "…"
        out += ch
    return out


def terminal(table: ScoreTable) -> str:
    s = table.scheme
    number = f"{s.doc_number}　" if s.doc_number else ""
    out: list[str] = [s.title, f"{number}考核期 {s.period_start} 至 {s.period_end}　完成时限 {s.due_date or '未规定'}", ""]
    idw = max((len(r.indicator.id) for r in table.rows), default=10) + 2
    head = f"{_pad('编号', idw)}{_pad('指标', 36)}{_pad('赋分', 6, True)}{_pad('得分', 8, True)}  状态"
    for lv in table.levels:
        out.append(f"【{lv.node.name}】 赋分 {fmt(lv.points)}　得分 {fmt(lv.score)}")
        out.append(head)
        out.extend(_node_lines(lv, idw))
        out.append("")
    for title, rows in (("综合加分项", table.comprehensive), ("重大扣分项", table.major)):
        shown = [ln for r in rows for ln in r.lines if ln.amount != 0]
        out.append(f"【{title}】" + ("" if shown else " 无"))
        out.extend(_line_text(ln) for ln in shown)
        out.append("")
    out.append(f"{s.top_name}得分合计 {fmt(table.base)} / {fmt(table.full_marks)}")
    out.append(f"指标加分 {fmt_signed(table.row_bonus)}　综合加分 {fmt_signed(table.comprehensive_bonus)}"
               f"　重大扣分 {fmt_signed(-table.major_deduction)}")
    total = f"总分 {fmt(table.total)} / {fmt(table.full_marks)}"
    if table.normalised is not None:
        above = "，含加分，超过100" if table.normalised > 100 else ""
        total += f"（折算百分制 {fmt(table.normalised)}{above}）"
    out.append(f"{total}　等次：{table.grade}" if table.grade else total)
    counts = table.status_counts()
    out.append(f"材料齐全 {counts['complete']} 项，材料不全 {counts['partial']} 项，缺少材料 {counts['missing']} 项；"
               f"补齐材料可挽回 {fmt(table.at_risk)} 分")
    return "\n".join(out) + "\n"


def verified_lines(table: ScoreTable, verified: Verified) -> str:
    """The assessors' figures under the table: the 核定 total, and every row where they differ."""
    total, normalised, grade = verified.summary(table)
    scaled = f"（折算百分制 {fmt(normalised)}）" if normalised is not None else ""
    out = [f"核定总分 {fmt(total)}{scaled}　核定等次：{grade}　与自评相差 {fmt_signed(total - table.total)}"
           f"（考核组核定 {len(verified.rows)} 行，其余沿用自评得分）"]
    for r, v, diff in verified.differences(table):
        note = f"：{v.note}" if v.note else ""
        out.append(f"    {r.indicator.id}  自评 {fmt(r.score)}　核定 {fmt(v.score)}　差额 {fmt_signed(diff)}{note}")
    return "\n".join(out) + "\n"


def _node_lines(n: NodeScore, idw: int) -> list[str]:
    """A node's rows with their lines; a group that states its own figure or limit gets a subtotal line."""
    out: list[str] = []
    for child in n.children:
        if isinstance(child, NodeScore):
            out.extend(_node_lines(child, idw))
            continue
        ind = child.indicator
        name = _clip(("*" if ind.key else "") + ind.name, 34)
        out.append(f"{_pad(ind.id, idw)}{_pad(name, 36)}{_pad(ind.points_text, 6, True)}"
                   f"{_pad(fmt(child.score) if child.applicable else '不适用', 8, True)}  {STATUS_LABELS[child.status]}")
        out.extend(_line_text(ln) for ln in child.lines if ln.amount != 0)
    node = n.node
    if node.depth > 0 and (node.stated_points is not None or n.limit is not None):
        out.append(f"  〔{n.level_name}小计：{node.name}〕 赋分 {fmt(n.points)}　得分 {fmt(n.score)}")
    if n.clamp_note:
        out.append(f"    {n.clamp_note}")
    return out


def _line_text(ln: ScoreLine) -> str:
    source = f"（证据：{'、'.join(ln.evidence)}）" if ln.evidence else ""
    return f"    {fmt_signed(ln.amount):>6}  {ln.reason}{source}"
