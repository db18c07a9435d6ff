# ruff: noqa: E501  (the fixture tables below are data: one table row per line reads best)
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
from scoring.core.officezip import fixed_zip  # noqa: E402

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


def to_xlsx(rows: list[Cells], ranges: list[tuple[int, int, int, int]], title: str = TITLE,
            header: list[str] = HEADER) -> bytes:
    import openpyxl
    from openpyxl.styles import Alignment

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "分解表"
    book.properties.created = STAMP
    book.properties.modified = STAMP
    width = len(header)
    sheet.append([title])
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    sheet.append(header)
    points = header.index("赋分") if "赋分" in header else header.index("分值")
    covered = _covered(ranges)
    for r, row in enumerate(rows):
        sheet.append([_number(v) if c == points else v for c, v in enumerate(row)])
        for c in range(width):
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


def to_docx(rows: list[Cells], ranges: list[tuple[int, int, int, int]], title: str = TITLE,
            header: list[str] = HEADER) -> bytes:
    import docx

    document = docx.Document()
    document.core_properties.created = STAMP
    document.core_properties.modified = STAMP
    document.core_properties.last_modified_by = ""
    document.core_properties.author = ""
    document.add_paragraph("附件")
    document.add_paragraph(title)
    table = document.add_table(rows=len(rows) + 1, cols=len(header))
    table.style = "Table Grid"
    for c, name in enumerate(header):
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


# --- two tables in other layouts, written from the structure of published county and city schemes ---------

# 类别 | 分值 | 考核标准: one level, the 类别 merged and carrying its points 「（12分）」; rows have no names.
TWO_LEVEL_TITLE = "示例县2022年度政务公开工作考核细则"
TWO_LEVEL_HEADER = ["类别", "分值", "考核标准"]
TWO_LEVEL = [
    ["一、主动公开（12分）", "3", "按要求公开政府信息公开工作年度报告，未在1月31日前公开年度报告的，扣3分。"],
    ["一、主动公开（12分）", "4", "重大行政决策预公开，每少公开一项扣1分，扣完为止。"],
    ["一、主动公开（12分）", "5", "政府网站信息更新不及时的，每发现一处扣0.5分，扣完为止。"],
    ["二、政策解读与回应（8分）", "4", "政策解读率达到100%，每下降1个百分点扣0.1分。"],
    ["二、政策解读与回应（8分）", "4", "政务舆情回应及时，存在任何一种情况扣0.5分：未按时回应、回应内容不当、未报送回应情况。"],
    ["三、依申请公开（6分）", "6", "依申请公开答复按期办结，未按法定期限答复的，不得分；答复格式不规范的，每件扣1分。"],
    ["四、平台建设（4分）", "2", "政务服务平台与政府网站实现对接，未实现对接的，不得分。"],
    ["四、平台建设（4分）", "2", "政府网站集约化平台检测合格率低于90%的，扣2分。"],
    ["加分项", "", "政务公开工作经验做法被国务院办公厅通报表扬的，加2分。"],
    ["加分项", "", "政务公开工作被省级以上媒体报道的，每篇加1分，最高加3分。"],
    ["扣分项", "", "发生政务公开重大失误造成严重负面影响的，每起扣5分。"],
]

# 一级 | 二级 | 三级 | 四级 | 分值 | 评分标准 | 责任单位 | 完成时限 | 备注: four levels, a Word table.
FOUR_LEVEL_TITLE = "示例市2023年度政务公开工作考核指标体系"
FOUR_LEVEL_HEADER = ["一级指标", "二级指标", "三级指标", "四级指标", "分值", "评分标准", "责任单位", "完成时限", "备注"]
FOUR_LEVEL = [
    ["公开制度（10分）", "组织保障", "领导重视", "专题研究", "2", "主要负责同志未专题研究政务公开工作的，扣2分。", "办公室", "6月底前", ""],
    ["公开制度（10分）", "组织保障", "机制建设", "工作机制", "2", "未建立政务公开工作机制的，扣1分；未明确专门工作人员的，扣1分。", "办公室", "", ""],
    ["公开制度（10分）", "制度执行", "公开属性", "属性源头认定", "3", "公文未标注公开属性的，每件扣0.5分，扣完为止。", "办公室", "", ""],
    ["公开制度（10分）", "制度执行", "保密审查", "审查台账", "3", "未建立保密审查台账的，扣3分。", "办公室", "", ""],
    ["重点领域（30分）", "决策公开", "预公开", "草案公开", "4", "重大行政决策草案未向社会公开征求意见的，每件扣1分，扣分上限为4分。", "法规科", "", ""],
    ["重点领域（30分）", "决策公开", "结果公开", "执行情况", "4", "未于6月底、12月底前公开重要决策执行情况的，每次扣2分。", "法规科", "12月底前", ""],
    ["重点领域（30分）", "管理服务", "双随机", "抽查结果", "4", "抽查结果公示率每下降1个百分点扣0.2分，扣完为止。", "市场科", "", ""],
    ["重点领域（30分）", "管理服务", "政务服务", "办事指南", "6", "办事指南要素完整率按比例得分。", "政务服务中心", "", ""],
    ["重点领域（30分）", "财政信息", "预决算", "部门预算", "8",
     "部门预算公开存在任何一种情况扣2分：未按时公开、公开内容不完整、未细化到功能分类项级科目。", "财务科", "", ""],
    ["重点领域（30分）", "财政信息", "预决算", "部门决算", "4", "部门决算公开内容完整的得4分，不完整的得2分，未公开的不得分。", "财务科", "", ""],
    ["政民互动（10分）", "政策解读", "解读质量", "多样化解读", "4", "图解、视频等多样化解读比例不低于60%，每低1个百分点扣0.1分，扣分上限为4分。",
     "办公室、各科室", "", ""],
    ["政民互动（10分）", "回应关切", "政务舆情", "回应时效", "3", "政务舆情回应不及时的，每发现一次扣1分；不涉及的不扣分。", "办公室", "", ""],
    ["政民互动（10分）", "回应关切", "互动平台", "留言办理", "3", "留言办理满意率高于95%的加1分。", "办公室", "", ""],
    ["加分项", "", "", "", "", "政务公开工作被国务院办公厅推广经验做法的，加3分。", "", "", ""],
    ["扣分项", "", "", "", "", "因政务公开工作不力被上级通报批评的，每次扣3分。", "", "", ""],
]

# 一级指标 | 二级指标 | 分值 | 评分标准 | 责任单位: an additive (得分制) table — points earned for 是否… items —
# with a row that is not checked when a unit has no such work, ratio thresholds, a 再扣 and an open 等 list.
ADDITIVE_TITLE = "示例区2024年度政务公开工作考核评分表"
ADDITIVE_HEADER = ["一级指标", "二级指标", "分值", "评分标准", "责任单位"]
ADDITIVE = [
    ["公开制度（4分）", "制度建设", "2", "是否建立政府信息公开保密审查制度（1分）；是否建立政策文件与解读材料同步审签制度（1分）。", "办公室"],
    ["公开制度（4分）", "年度报告", "1", "是否按时发布政府信息公开工作年度报告：1分。", "办公室"],
    ["公开制度（4分）", "工作要点", "1", "有年度政务公开工作要点并在网站公开的得1分。", "办公室"],
    ["主动公开（4分）", "政策解读", "2", "每发布1篇政策解读得0.5分，最高2分。", "法规科"],
    ["主动公开（4分）", "重大建设项目", "2",
     "是否公开批准结果（0.5分）；是否公开招标投标信息（0.5分）；是否公开施工有关信息（1分）。无此项工作的，不检查该项指标。", "发展科"],
    ["依申请公开（4分）", "办理质量", "2", "被复议纠错数高于申请总数15%的，扣1分；按时办结率低于95%的，扣1分。", "办公室"],
    ["依申请公开（4分）", "答复规范", "2", "答复文书不规范的，每件扣0.5分，扣完为止；未涉及该项工作的不考核。", "办公室"],
    ["解读回应（4分）", "年度报表", "2", "未按要求报送政府网站年度报表的，扣1分；被退回且未及时修改的，再扣1分。", "信息中心"],
    ["解读回应（4分）", "回应关切", "2", "未做好政策解读、回应关切、舆情处置等工作的，酌情扣分，扣分上限为2分。", "办公室"],
    ["加分项", "", "", "政务公开工作经验被省政府办公厅推广的，加1分。", ""],
    ["扣分项", "", "", "发生失泄密事件的，扣5分。", ""],
]


def runs(rows: list[Cells], cols: tuple[int, ...]) -> list[tuple[int, int, int, int]]:
    """Vertical merges of consecutive equal, non-empty cells in ``cols`` (under the same first-column value)."""
    ranges = []
    for col in cols:
        r = 0
        while r < len(rows):
            end = r
            while end + 1 < len(rows) and rows[r][col] and rows[end + 1][col] == rows[r][col] and rows[end + 1][0] == rows[r][0]:
                end += 1
            if end > r:
                ranges.append((r, col, end, col))
            r = end + 1
    return ranges


def build(out: Path) -> list[Path]:
    rows = table_rows(SEED.read_text(encoding="utf-8"))
    ranges = merges(rows)
    tables = {
        "jincheng-2021.xlsx": to_xlsx(rows, ranges),
        "jincheng-2021.docx": to_docx(rows, ranges),
        "county-2022-two-level.xlsx": to_xlsx(TWO_LEVEL, runs(TWO_LEVEL, (0,)), TWO_LEVEL_TITLE, TWO_LEVEL_HEADER),
        "city-2023-four-level.docx": to_docx(FOUR_LEVEL, runs(FOUR_LEVEL, (0, 1, 2)), FOUR_LEVEL_TITLE, FOUR_LEVEL_HEADER),
        "district-2024-additive.xlsx": to_xlsx(ADDITIVE, runs(ADDITIVE, (0,)), ADDITIVE_TITLE, ADDITIVE_HEADER),
    }
    written = []
    for name, data in tables.items():
        path = out / name
        path.write_bytes(data)
        written.append(path)
    return written


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else FIXTURES
    target.mkdir(parents=True, exist_ok=True)
    for written_path in build(target):
        print(f"wrote {written_path}")
