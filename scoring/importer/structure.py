"""Find the header, the level columns and the sections of a table; walk its rows.

Nothing is configured: columns are recognised by their names (with synonyms),
merged and blank level cells inherit from above, 加分项/扣分项 sections are
recognised by their labels, and points are read from the points column or from
「（45分）」 in a name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from .read import Cell, Grid

ROW, BONUS, MAJOR, NOTE = "row", "bonus", "major", "note"

# Column names → role. A level column's depth is its order among the level columns.
HEADER: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^(序号|编号)$"), "number"),
    (re.compile(r"^([一二三四五六七八九]级)(指标)?(名称)?$"), "level"),
    (re.compile(r"^(考核项目|考核类别|类别|指标类别|评估项目|考核内容|考核要点|指标内容|评估内容|考核指标|指标名称|指标)$"),
     "level"),
    (re.compile(r"^(分值|赋分|分数|标准分|满分|指标分值|权重|分值（分）|分值\(分\))$"), "points"),
    (re.compile(r"^(扣分标准|评分标准|考核标准|评分细则|计分办法|评分办法|考核细则|扣分细则|评分方法及标准|评分方法|考核评分标准)$"),
     "deduction"),
    (re.compile(r"^(加分标准|加分细则|加分项)$"), "bonus"),
    (re.compile(r"^(考核方式|考核方法|评估方式|考核形式|检查方式|考核途径)$"), "method"),
    (re.compile(r"^(涉及内容|工作内容|工作任务|具体任务|任务内容|工作要求|工作措施)$"), "content"),
    (re.compile(r"^(责任组|责任单位|责任部门|责任科室|牵头单位|责任处室|牵头部门|责任主体|承办单位|责任股室)"), "units"),
    (re.compile(r"^(完成时限|时限|完成时间|时间要求|时限要求)$"), "deadline"),
    (re.compile(r"^(备注|说明)$"), "remarks"),
]

_POINTS_IN_NAME = re.compile(r"\s*[（(]\s*(\d+(?:\.\d+)?)\s*分\s*[)）]\s*$")
_POINTS = re.compile(r"^[*＊]?\s*(\d+(?:\.\d+)?)\s*分?$")


def role_of(text: str) -> str:
    key = re.sub(r"\s+", "", text)
    key = re.sub(r"[（(][^)）]*[)）]$", "", key) if not key.startswith("分值") else key
    for pattern, role in HEADER:
        if pattern.match(key):
            return role
    return ""


@dataclass(frozen=True)
class Layout:
    grid: Grid
    header: int  # index of the header row in grid.rows
    levels: tuple[int, ...]  # level columns, outermost first
    columns: dict[str, int]  # role → column
    taken: tuple[int, ...] = ()  # columns with a header the importer does not know, read as levels by their place
    ignored: tuple[tuple[int, str], ...] = ()  # (column, why) for every other header cell not read

    @property
    def signature(self) -> tuple[str, ...]:
        return tuple(self.grid.rows[self.header][c].text for c in sorted(self.columns.values()))


def find_header(grid: Grid) -> Layout | None:
    best: Layout | None = None
    for r, row in enumerate(grid.rows[:15]):
        levels: list[int] = []
        columns: dict[str, int] = {}
        for c, cell in enumerate(row):
            if cell.origin[1] != c:  # a horizontally merged header cell counts once
                continue
            role = role_of(cell.text)
            if role == "level":
                levels.append(c)
            elif role and role not in columns:
                columns[role] = c
        if levels and ("points" in columns or "deduction" in columns):
            layout = _layout(grid, r, levels, columns)
            if best is None or len(levels) + len(columns) > len(best.levels) + len(best.columns):
                best = layout
    return best


ROLE_NAMES = {"points": "分值", "deduction": "考核标准（识别规则）", "bonus": "加分标准（识别规则）",
              "method": "考核方式（写入 text.method，也读“酌情扣分”）", "content": "涉及内容（写入 text.content）",
              "units": "责任单位", "deadline": "完成时限（写入备注）", "remarks": "备注"}


def _layout(grid: Grid, r: int, levels: list[int], columns: dict[str, int]) -> Layout:
    """The header row's layout: an unknown header between the level columns and the first column of another role
    (分值, 考核标准 …) is one more level, 「细项」 between 三级指标 and 分值; every header cell not read says why."""
    row = grid.rows[r]
    end = min((c for c in columns.values() if c > levels[0]), default=len(row))
    taken = [c for c in range(levels[0] + 1, end)
             if c not in levels and row[c].origin[1] == c and row[c].text.strip() and not role_of(row[c].text)]
    ignored: list[tuple[int, str]] = []
    for c, cell in enumerate(row):
        if cell.origin[1] != c or c in levels or c in taken or c in columns.values():
            continue
        if not cell.text.strip():
            below = [line[c] for line in grid.rows[r + 1:] if c < len(line)]
            if any(b.text.strip() and b.origin[1] == c for b in below):
                ignored.append((c, "表头为空，该列有内容但未导入，请核对"))
            continue
        role = role_of(cell.text)
        if role:
            ignored.append((c, f"与第{columns[role] + 1}列同为{ROLE_NAMES.get(role, role)}，只读第一列"))
        else:
            ignored.append((c, "不认识的表头，且不在指标名称列和分值列之间；内容未导入，请核对"))
    return Layout(grid, r, tuple(sorted((*levels, *taken))), columns, tuple(taken), tuple(ignored))


def describe(layout: Layout) -> list[tuple[int, str, str]]:
    """Every header cell: (column, header, what the import does with it)."""
    row = layout.grid.rows[layout.header]
    out: list[tuple[int, str, str]] = []
    for depth, c in enumerate(layout.levels, 1):
        said = "（表头不是已知的列名，因位于指标名称列和分值列之间，按一个层级读取）" if c in layout.taken else ""
        out.append((c, row[c].text, f"第{depth}级指标名称{said}"))
    out += [(c, row[c].text, ROLE_NAMES[role] if role != "number" else "未导入：序号，编号按位置另行生成")
            for role, c in layout.columns.items()]
    out += [(c, row[c].text, f"未导入：{why}") for c, why in layout.ignored]
    return sorted(out)


@dataclass
class SourceRow:
    line: int
    section: str
    levels: list[str]
    key: bool
    points: Decimal
    points_text: str  # "" when the cell is a plain number
    texts: dict[str, str]
    units: str
    wide: str = ""  # the text of a row that is one merged cell across the table (section rows, notes)
    level_points: dict[str, Decimal] = field(default_factory=dict)


def _value(layout: Layout, r: int, c: int | None) -> str:
    """A cell's text; a horizontally merged continuation reads as empty, a vertical one as its range's text."""
    if c is None:
        return ""
    row = layout.grid.rows[r]
    if c >= len(row):
        return ""
    cell: Cell = row[c]
    if cell.origin[1] != c:
        return ""
    return cell.text


def _section(label: str) -> str | None:
    key = re.sub(r"\s+", "", label)
    if re.match(r"^(综合)?加分(项|项目|指标)?", key):
        return BONUS
    if re.match(r"^(重大)?(扣分|减分|否决)(项|项目|指标)?", key) or key.startswith("一票否决"):
        return MAJOR
    return None


def walk(layout: Layout) -> list[SourceRow]:
    grid = layout.grid
    out: list[SourceRow] = []
    previous: list[str] = [""] * len(layout.levels)
    section = ROW
    header_texts = [c.text for c in grid.rows[layout.header]]
    for r in range(layout.header + 1, len(grid.rows)):
        cells = grid.rows[r]
        texts = [c.text for c in cells]
        if not any(t.strip() for t in texts) or texts == header_texts:
            continue
        origins = {c.origin for c in cells if c.text.strip()}
        wide = cells[0].text if len(origins) == 1 and len(cells) > 2 and all(c.text == cells[0].text for c in cells) else ""
        if wide:
            found = _section(wide)
            if found:
                section = found
            out.append(SourceRow(grid.lines[r], found or NOTE, [], False, Decimal(0), "", {}, "", wide))
            continue
        levels, key, level_points = _levels(layout, r, previous)
        found = _section(levels[0]) if levels else None
        if found:
            section = found
        elif section != ROW and levels and levels[0] and levels[0] != previous[0]:
            section = ROW  # a new 一级 after a 加分项 block
        previous = levels
        cols = layout.columns
        row_texts = {role: _value(layout, r, cols.get(role)) for role in
                     ("deduction", "bonus", "method", "content", "remarks", "deadline")}
        points_text = _value(layout, r, cols.get("points"))
        points, shown = _points(points_text)
        if not points_text and levels and levels[-1] in level_points:
            points = level_points[levels[-1]]  # 「专题研究（2分）」 in a table without a points column
        key = key or row_texts["deduction"].lstrip().startswith(("*", "＊"))
        if key:
            row_texts["deduction"] = row_texts["deduction"].lstrip().lstrip("*＊").strip()
        out.append(SourceRow(grid.lines[r], section, levels, key, points, shown, row_texts,
                             _value(layout, r, cols.get("units")), level_points=level_points))
    return out


def _levels(layout: Layout, r: int, previous: list[str]) -> tuple[list[str], bool, dict[str, Decimal]]:
    levels: list[str] = []
    key = False
    level_points: dict[str, Decimal] = {}
    for i, c in enumerate(layout.levels):
        row = layout.grid.rows[r]
        cell = row[c] if c < len(row) else Cell("", (r, c))
        text = cell.text if cell.origin[1] == c else ""
        if not text and i < len(layout.levels) - 1 and levels == previous[:i]:
            text = previous[i]  # a blank 一级/二级 cell: same as the merged label above
        text = text.strip()
        if text.startswith(("*", "＊")):
            key = True
            text = text.lstrip("*＊").strip()
        m = _POINTS_IN_NAME.search(text)
        if m:
            text = text[:m.start()].strip()
            level_points[text] = Decimal(m.group(1))
        levels.append(text)
    return levels, key, level_points


def _points(text: str) -> tuple[Decimal, str]:
    m = _POINTS.match(text.strip())
    if m:
        return Decimal(m.group(1)), ""
    return Decimal(0), text.strip() if text.strip() else ""
