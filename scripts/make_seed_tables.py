"""Rebuild the 2021 Jincheng table (晋市审管发〔2021〕35号 附件) as the assessors would send it.

Input: tests/fixtures/import/jincheng-2021-assessment-breakdown.txt, the text
extracted from the PDF. Output: jincheng-2021.docx and jincheng-2021.xlsx beside
it, one table with merged 一级/二级 cells (and merged 考核方式/涉及内容/责任组
cells where consecutive rows repeat them), as a Word or Excel original has.

The PDF extraction moved cells between columns; ``REPAIRS`` puts each row's
cells back where docs/transcription.md (and the corrections in indicators/)
says they belong. Garbled words (领城, 合账, 热会关注 …) are left as in the
source: the importer must meet them as it would in a real table. Two names the
extraction destroyed are taken from the transcription (``jdhy.xinmeiti``
「政务新媒体」 and ``ptjs.baosong`` 「信息报送系统更新维护情况」).

The bytes are deterministic: fixed document dates and zip timestamps.

    python scripts/make_seed_tables.py [OUTDIR]
"""

from __future__ import annotations

import io
import re
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from scoring.importer.write import fixed_zip  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures" / "import"
SEED = FIXTURES / "jincheng-2021-assessment-breakdown.txt"
TITLE = "晋城市行政审批服务管理局2021年度政务公开工作考核任务分解表"
HEADER = ["一级指标", "二级指标", "三级指标", "赋分", "扣分标准", "加分标准", "考核方式", "涉及内容", "责任组(科室、单位)", "备注"]
WIDTH = len(HEADER)
STAMP = datetime(2021, 8, 9)
_ZIP_DATE = (2021, 8, 9, 0, 0, 0)

Cells = list[str]

# The 一级 of each row (by index among the seed's data rows), from its first row on.
LEVEL1 = {0: "组织领导与工作保障", 2: "政务公开标准化规范化", 5: "主动公开", 21: "依申请公开", 25: "解读咨询回应",
          33: "政务公开平台建设管理与基础工作库数据维护"}


def _names_moved(c: Cells) -> Cells:
    """二级 and 三级 one column left, the 三级 column a copy of the deduction (解读咨询回应 page)."""
    return ["", c[0], c[1], *c[3:]]


def _page2(c: Cells) -> Cells:
    """三级 to 加分标准 one column left, one extra cell after 加分标准."""
    return ["", "", c[1], c[2], c[3], c[4], c[6], c[7], c[8], ""]


def _page3(c: Cells) -> Cells:
    """三级 onwards one column left; some rows left the unit in the last column."""
    out = ["", "", *c[1:8], ""]
    if c[8]:
        out[8] = c[8]
    return out


def _star_to_name(c: Cells) -> Cells:
    out = list(c)
    out[2] = "*" + c[2]
    out[4] = re.sub(r"^\*\s*", "", c[4])
    return out


REPAIRS: dict[int, Callable[[Cells], Cells]] = {
    3: lambda c: ["", "", c[1], c[2], c[3], "", "", c[6], c[7], ""],  # 二级 dropped; 备注 held a copy of 涉及内容
    4: lambda c: [*c[:5], c[6], c[7], "", "", ""],  # 加分标准 and 考核方式 one column right
    5: _star_to_name,  # the * mark sat at the start of the 扣分标准 cell
    **{i: _page2 for i in range(6, 11)},
    **{i: _page3 for i in range(11, 17)},
    21: lambda c: ["", "", c[1], *c[3:]],  # the 三级 cell held the next row's name
    22: lambda c: ["", "", "对依申请的规范答复情况", *c[3:]],
    24: lambda c: [c[0], c[1], c[2], c[3], "", *c[4:9]],  # the 扣分标准 cell was dropped
    **{i: _names_moved for i in (28, 29, 30, 31)},
    32: lambda c: ["", "", "政务新媒体", c[3], c[4], c[5], c[6], c[7], "综合组", c[9]],
    38: _names_moved,
    39: lambda c: ["", "", "信息报送系统更新维护情况", *c[3:]],
}

# 二级 labels the extraction lost at the top of a block; blank cells below them read as merged.
LEVEL2 = {3: "制定与执行", 5: "法定主动公开内容"}


def seed_rows(text: str) -> list[Cells]:
    rows = []
    for line in text.splitlines():
        if "\t" in line and not line.startswith("一级指标"):
            cells = line.split("\t")
            rows.append((cells + [""] * WIDTH)[:WIDTH])
    return rows


def table_rows(text: str) -> list[Cells]:
    """The scored rows, repaired, with every 一级/二级 cell filled; then the 加分/扣分 blocks and the note."""
    raw = seed_rows(text)
    out: list[Cells] = []
    level1 = ""
    for i, cells in enumerate(raw[:40]):
        row = [c.strip() for c in REPAIRS.get(i, lambda c: c)(cells)]
        level1 = LEVEL1.get(i, level1)
        row[0] = level1
        if i in LEVEL2:
            row[1] = LEVEL2[i]
        elif not row[1] and out and out[-1][0] == level1 and i not in (22, 23):
            row[1] = out[-1][1]
        out.append(row)
    bonus, major = raw[40], raw[41]
    for text_ in bonus[1:6]:
        out.append(["综合加分项", text_.strip()] + [""] * (WIDTH - 2))
    out.append(["重大扣分项", major[1].strip()] + [""] * (WIDTH - 2))
    for item in re.split(r"(?<=；)\s*(?=\()|(?<=的)\s+(?=\()", major[2].strip()):
        out.append(["重大扣分项", item.strip()] + [""] * (WIDTH - 2))
    out.append([major[8].strip()] + [""] * (WIDTH - 1))
    return out


def merges(rows: list[Cells]) -> list[tuple[int, int, int, int]]:
    """Merged ranges (first row, first column, last row, last column; 0-based within the rows)."""
    ranges: list[tuple[int, int, int, int]] = []
    for r, row in enumerate(rows):
        if row[0] in ("综合加分项", "重大扣分项"):
            ranges.append((r, 1, r, WIDTH - 1))
        elif not any(row[1:]):
            ranges.append((r, 0, r, WIDTH - 1))
    for col in (0, 1, 6, 7, 8):
        r = 0
        while r < len(rows):
            end = r
            while (end + 1 < len(rows) and rows[r][col] and rows[end + 1][col] == rows[r][col]
                   and rows[end + 1][0] == rows[r][0] and (col == 0 or rows[r][0] not in ("综合加分项", "重大扣分项"))):
                end += 1
            if end > r:
                ranges.append((r, col, end, col))
            r = end + 1
    return ranges


def _covered(ranges: list[tuple[int, int, int, int]]) -> set[tuple[int, int]]:
    return {(r, c) for r1, c1, r2, c2 in ranges for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)
            if (r, c) != (r1, c1)}


def to_xlsx(rows: list[Cells], ranges: list[tuple[int, int, int, int]]) -> bytes:
    import openpyxl
    from openpyxl.styles import Alignment

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "分解表"
    book.properties.created = STAMP
    book.properties.modified = STAMP
    sheet.append([TITLE])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=WIDTH)
    sheet.append(HEADER)
    covered = _covered(ranges)
    for r, row in enumerate(rows):
        sheet.append([_number(v) if c == 3 else v for c, v in enumerate(row)])
        for c in range(WIDTH):
            if (r, c) in covered:
                sheet.cell(row=r + 3, column=c + 1).value = None
    for r1, c1, r2, c2 in ranges:
        sheet.merge_cells(start_row=r1 + 3, start_column=c1 + 1, end_row=r2 + 3, end_column=c2 + 1)
    for row_cells in sheet.iter_rows(min_row=2):
        for cell in row_cells:
            cell.alignment = Alignment(wrap_text=True, vertical="center")
    buffer = io.BytesIO()
    book.save(buffer)
    return fixed_zip(buffer.getvalue(), _ZIP_DATE)


def _number(value: str) -> str | int | float:
    if re.fullmatch(r"\d+", value):
        return int(value)
    if re.fullmatch(r"\d+\.\d+", value):
        return float(value)
    return value


def to_docx(rows: list[Cells], ranges: list[tuple[int, int, int, int]]) -> bytes:
    import docx

    document = docx.Document()
    document.core_properties.created = STAMP
    document.core_properties.modified = STAMP
    document.core_properties.last_modified_by = ""
    document.core_properties.author = ""
    document.add_paragraph("附件")
    document.add_paragraph(TITLE)
    table = document.add_table(rows=len(rows) + 1, cols=WIDTH)
    table.style = "Table Grid"
    for c, name in enumerate(HEADER):
        table.cell(0, c).text = name
    for r1, c1, r2, c2 in ranges:
        table.cell(r1 + 1, c1).merge(table.cell(r2 + 1, c2))
    covered = _covered(ranges)
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if (r, c) not in covered and value:
                table.cell(r + 1, c).text = value
    buffer = io.BytesIO()
    document.save(buffer)
    return fixed_zip(buffer.getvalue(), _ZIP_DATE)


def build(out: Path) -> list[Path]:
    rows = table_rows(SEED.read_text(encoding="utf-8"))
    ranges = merges(rows)
    written = []
    for name, data in (("jincheng-2021.xlsx", to_xlsx(rows, ranges)), ("jincheng-2021.docx", to_docx(rows, ranges))):
        path = out / name
        path.write_bytes(data)
        written.append(path)
    return written


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else FIXTURES
    target.mkdir(parents=True, exist_ok=True)
    for written_path in build(target):
        print(f"wrote {written_path}")
