"""Import of an exported table: the scheme put back from its settings sheet, exactly as it was exported.

The assessors' sheet is still read, and every row is compared with its entry:
a name or points changed in the table since the export is named in the report
(the settings win; to have the table's words read again, delete the settings
sheet and import once more).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from .assemble import Assembled, Review
from .read import Grid, ImportFailure
from .settings import FILE, NODE, ROW, SHEET, Entry, read, rebuild
from .structure import Layout, SourceRow, walk


def restore(grid: Grid, layout: Layout | None, source: str) -> Assembled:
    """The scheme's files (name → YAML data) from the settings sheet ``grid``; ``layout``: the assessors' sheet."""
    found = read(grid)
    files = rebuild(found, f"{source}（{grid.name}）")
    scheme = files.get("scheme.yaml")
    if not isinstance(scheme, dict):
        raise ImportFailure(f"{grid.name}中没有 scheme.yaml 的设置（类型“文件”、文件“scheme.yaml”的一行）；"
                            "请用 export-scheme 重新导出，或删去该表后按考核表导入")
    period = scheme.get("period")
    if not isinstance(scheme.get("year"), int) and not (isinstance(period, dict) and isinstance(period.get("start"), date)):
        raise ImportFailure(f"{grid.name}中 scheme.yaml 的设置既没有 year，也没有考核期 period 的开始日期")
    out = Assembled(files=files, restored=True)
    trail: list[str] = []  # the names of the file's top node and the groups down to the entry
    for entry in found:
        data = entry.data if isinstance(entry.data, dict) else {}
        name = str(data.get("level3") or data.get("name") or "")  # level3: the old flat form's name
        if entry.kind == FILE:
            trail = [name] if "rows" in data else []
            continue
        if entry.kind == NODE:
            trail = [*trail[:entry.depth], name]
            continue
        where = f"{source}:{entry.line}" if entry.line else source
        above = [*trail[:entry.depth], str(data.get("level2") or "")] if entry.kind == ROW else []
        full = " / ".join(n for n in (*above, name) if n)
        out.rows += 1
        out.ids.append((entry.id, where, full))
        for rule in _rules(data.get("rules")):
            out.kinds[str(rule.get("kind", ""))] += 1
            if rule.get("needs_review"):
                out.reviews.append(Review(where, entry.id, full, str(rule.get("text", "")), "导出前已标记 needs_review"))
    out.warnings.append(f"本表带有“{SHEET}”，已按其原样恢复考核方案（编号、事实、规则和方案设置），未按文字重新识别规则")
    if layout is not None:
        out.warnings += _differences(walk(layout), found, source)
    return out


def _rules(rules: Any) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for rule in rules if isinstance(rules, list) else ():
        if isinstance(rule, dict):
            out.append(rule)
            out += _rules(rule.get("rules"))
            out += _rules([rule.get("first"), rule.get("then")])
    return out


def _points(value: Any) -> Decimal | None:
    try:
        return Decimal(str(value)) if value is not None else Decimal(0)
    except InvalidOperation:
        return None


def _differences(rows: list[SourceRow], found: list[Entry], source: str) -> list[str]:
    """Rows of the assessors' sheet whose name or points differ from the settings (edited after the export)."""
    by_line = {e.line: e for e in found if e.kind == ROW and e.line}
    out: list[str] = []
    for src in rows:
        entry = by_line.get(str(src.line))
        if entry is None or not src.levels:
            continue
        data = entry.data
        name = str(data.get("level3") or data.get("name") or "")  # level3: the old flat form's name
        if src.levels[-1] != name or (src.points != _points(data.get("points"))):
            out.append(f"{source}:{src.line}：表中“{src.levels[-1]}”（{src.points}分）与“{SHEET}”中的 {entry.id}"
                       f"“{name}”（{data.get('points', 0)}分）不一致，已按“{SHEET}”恢复；要采用表中的修改，"
                       f"请删去“{SHEET}”后重新导入，或直接修改 indicators/ 中的 YAML")
    return out
