"""Score tables: the terminal view, and scores.json / scores.csv / scores.xlsx.

The CSV and Excel files carry the breakdown table in its original columns plus
自评得分, 扣分 and 失分原因. All outputs are byte-identical for the same input.
"""

from __future__ import annotations

import io
import json
import unicodedata
import zipfile
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from .model import Indicator
from .numbers import fmt, fmt_signed
from .pipeline import BuildInfo
from .score import STATUS_LABELS, RowScore, ScoreLine, ScoreTable

if TYPE_CHECKING:  # pandas costs most of a second to import: only the CSV and Excel writers load it
    import pandas as pd

SCHEMA_VERSION = 1

COLUMNS = ["编号", "一级指标", "二级指标", "三级指标", "赋分", "扣分标准", "加分标准", "考核方式", "涉及内容",
           "责任组(科室、单位)", "备注", "自评得分", "扣分", "加分", "失分原因", "状态"]


def _num(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


# --- JSON -------------------------------------------------------------------


def _line_json(ln: ScoreLine) -> dict[str, Any]:
    return {"rule": ln.rule, "rule_text": ln.rule_text, "amount": _num(ln.amount), "reason": ln.reason,
            "evidence": list(ln.evidence), "at_risk": ln.at_risk, "unit": ln.unit or None, "bonus": ln.bonus,
            "deadline": ln.deadline.isoformat() if ln.deadline else None}


def _row_json(r: RowScore) -> dict[str, Any]:
    ind = r.indicator
    return {
        "id": ind.id, "section": ind.section, "level1": ind.level1, "level2": ind.level2, "level3": ind.level3,
        "key": ind.key, "points": _num(ind.points), "points_text": ind.points_text, "units": list(ind.units),
        "score": _num(r.score), "deduction": _num(r.deduction), "bonus": _num(r.bonus), "status": r.status,
        "at_risk": _num(r.at_risk), "missing_facts": list(r.missing_facts), "due": r.due.isoformat(),
        "evidence": list(r.evidence), "lines": [_line_json(ln) for ln in r.lines],
    }


def to_json(table: ScoreTable, info: BuildInfo) -> str:
    s = table.scheme
    doc = {
        "schema": SCHEMA_VERSION,
        "scheme": {"title": s.title, "issuer": s.issuer, "doc_number": s.doc_number, "year": s.year,
                   "period": [s.period_start.isoformat(), s.period_end.isoformat()],
                   "due_date": s.due_date.isoformat(), "clamp": s.clamp, "normalise": s.normalise,
                   "full_marks": _num(s.full_marks)},
        "build": {"commit": info.commit or None, "date": info.date.isoformat(), "dirty": info.dirty,
                  "as_of": table.as_of.isoformat()},
        "total": {"base": _num(table.base), "row_bonus": _num(table.row_bonus),
                  "comprehensive_bonus": _num(table.comprehensive_bonus),
                  "major_deduction": _num(table.major_deduction), "raw_total": _num(table.raw_total),
                  "total": _num(table.total), "full_marks": _num(table.full_marks),
                  "normalised": _num(table.normalised), "grade": table.grade, "at_risk": _num(table.at_risk),
                  "status_counts": table.status_counts()},
        "levels": [{"id": lv.level.id, "name": lv.level.name, "points": _num(lv.points),
                    "deduction": _num(lv.deduction), "clamped": _num(lv.clamped), "bonus": _num(lv.bonus),
                    "score": _num(lv.score), "rows": [_row_json(r) for r in lv.rows]} for lv in table.levels],
        "comprehensive": [_row_json(r) for r in table.comprehensive],
        "major": [_row_json(r) for r in table.major],
        "units": [{"id": u.unit.id, "name": u.unit.name, "points": _num(u.points), "score": _num(u.score),
                   "deduction": _num(u.deduction), "at_risk": _num(u.at_risk),
                   "rows": [r.indicator.id for r in u.rows],
                   "todo": [{"row": t.row.indicator.id, "at_risk": _num(t.at_risk), "due": t.row.due.isoformat(),
                             "missing_facts": list(t.row.missing_facts)} for t in u.todo]} for u in table.units],
    }
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


# --- CSV and Excel ------------------------------------------------------------


def _record(ind: Indicator, r: RowScore) -> list[Any]:
    t = ind.text
    name = ("*" if ind.key else "") + ind.level3
    return [ind.id, ind.level1, ind.level2, name, ind.points_text, t.deduction, t.bonus, t.method, t.content,
            "、".join(ind.units), t.remarks, fmt(r.score), fmt(r.deduction), fmt(r.bonus), r.reasons,
            STATUS_LABELS[r.status]]


def frame(table: ScoreTable) -> pd.DataFrame:
    records = [_record(r.indicator, r) for r in table.rows]
    for r in (*table.comprehensive, *table.major):
        records.append(_record(r.indicator, r))
    records.append(["", "合计", "", "", fmt(table.full_marks), "", "", "", "", "", "", fmt(table.total),
                    fmt(table.base - table.full_marks), fmt(table.row_bonus + table.comprehensive_bonus), "",
                    f"等次：{table.grade}"])
    import pandas as pd

    return pd.DataFrame(records, columns=COLUMNS)


def to_csv(table: ScoreTable) -> bytes:
    # UTF-8 with BOM so that Excel on Windows opens the Chinese correctly.
    return frame(table).to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


_ZIP_DATE = (1980, 1, 1, 0, 0, 0)


def to_xlsx(table: ScoreTable, info: BuildInfo) -> bytes:
    import pandas as pd

    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        frame(table).to_excel(writer, index=False, sheet_name="自评得分")
        book = writer.book
        stamp = info.date.replace(tzinfo=None)
        book.properties.created = stamp
        book.properties.modified = stamp
        book.properties.creator = table.scheme.issuer
        book.properties.title = table.scheme.title
        sheet = writer.sheets["自评得分"]
        widths = [12, 14, 14, 20, 6, 40, 24, 14, 24, 16, 12, 8, 6, 6, 40, 10]
        for i, width in enumerate(widths):
            sheet.column_dimensions[chr(ord("A") + i)].width = width
        sheet.freeze_panes = "B2"
    return _normalise_zip(buffer.getvalue())


def _normalise_zip(data: bytes) -> bytes:
    """Rewrite a zip with fixed timestamps so that the same table gives the same bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            info = zipfile.ZipInfo(item.filename, _ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            dst.writestr(info, src.read(item.filename))
    return out.getvalue()


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
    out: list[str] = [s.title, f"{s.doc_number}　考核期 {s.period_start} 至 {s.period_end}　完成时限 {s.due_date}", ""]
    idw = max((len(r.indicator.id) for r in table.rows), default=10) + 2
    head = f"{_pad('编号', idw)}{_pad('指标', 36)}{_pad('赋分', 6, True)}{_pad('得分', 8, True)}  状态"
    for lv in table.levels:
        out.append(f"【{lv.level.name}】 赋分 {fmt(lv.points)}　得分 {fmt(lv.score)}")
        out.append(head)
        for r in lv.rows:
            ind = r.indicator
            name = _clip(("*" if ind.key else "") + ind.level3, 34)
            out.append(f"{_pad(ind.id, idw)}{_pad(name, 36)}{_pad(ind.points_text, 6, True)}"
                       f"{_pad(fmt(r.score), 8, True)}  {STATUS_LABELS[r.status]}")
            out.extend(_line_text(ln) for ln in r.lines if ln.amount != 0)
        if lv.clamp_note:
            out.append(f"    {lv.clamp_note}")
        out.append("")
    for title, rows in (("综合加分项", table.comprehensive), ("重大扣分项", table.major)):
        shown = [ln for r in rows for ln in r.lines if ln.amount != 0]
        out.append(f"【{title}】" + ("" if shown else " 无"))
        out.extend(_line_text(ln) for ln in shown)
        out.append("")
    out.append(f"一级指标得分合计 {fmt(table.base)} / {fmt(table.full_marks)}")
    out.append(f"指标加分 {fmt_signed(table.row_bonus)}　综合加分 {fmt_signed(table.comprehensive_bonus)}"
               f"　重大扣分 {fmt_signed(-table.major_deduction)}")
    total = f"总分 {fmt(table.total)} / {fmt(table.full_marks)}"
    if table.normalised is not None:
        total += f"（折算百分制 {fmt(table.normalised)}）"
    out.append(f"{total}　等次：{table.grade}")
    counts = table.status_counts()
    out.append(f"材料齐全 {counts['complete']} 项，材料不全 {counts['partial']} 项，缺少材料 {counts['missing']} 项；"
               f"补齐材料可挽回 {fmt(table.at_risk)} 分")
    return "\n".join(out) + "\n"


def _line_text(ln: ScoreLine) -> str:
    source = f"（证据：{'、'.join(ln.evidence)}）" if ln.evidence else ""
    return f"    {fmt_signed(ln.amount):>6}  {ln.reason}{source}"
