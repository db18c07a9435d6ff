"""The 自评报告, drafted from the scored model: a Word file in GB/T 9704 form, a page of the site, its source.

``draft(project)`` makes the report's text (``SelfReport``) from the ``Project`` alone: the
scores, the evidence, and the staff's own text from ``reports/自评报告.md`` (scoring/load/reporttext.py),
which replaces the drafted text of every section it holds. Three renderings of the same text:

- ``to_docx``: build/自评报告.docx, the file the office edits, stamps and sends (scoring/render/documents/wordfile.py);
- ``markdown``: the site's 自评报告 page;
- ``source``: build/自评报告.md, the text in the format of ``reports/自评报告.md``, so that staff
  copy it there and edit it (sections they delete are drafted again by the next build).

The parts: title and 文号, 主送; 一、基本情况 (the total, 等次 and each top-level node's score);
二、自评得分情况 (always drawn from the scores: a table of every row with 赋分, 自评得分, 失分原因
and the titles of its evidence); 三、存在的问题 (every row that lost points, and what is at risk
for lack of evidence); 四、整改措施和下一步打算 (what the evidence itself says about 整改, the
evidence to supply for points at risk, and ``PLACEHOLDER`` where only a person can say what will
be done); 落款 and date.

The public edition is the same text of the public project: internal evidence is cited as
``WITHHELD`` and its id (its title only when the scheme shows internal titles), its body is not
searched for 整改 sentences. The staff's text is published as written, and the leak check reads
the .docx and the .md like every other output.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import TYPE_CHECKING

from ...core.figures import ZERO, cn_date, fmt
from ...gather.project import Project
from ...load.reporttext import PLACEHOLDER, SECTIONS, Block
from ...model.model import Evidence
from ...model.values import WITHHELD
from ...score.score import MISSING, RowScore

if TYPE_CHECKING:  # python-docx loads only when a Word file is written, not for the site's page
    from docx.document import Document

DOCX_NAME = "自评报告.docx"
SOURCE_NAME = "自评报告.md"
NUMERALS = "一二三四"
HEADER = ("序号", "指标", "赋分", "自评得分", "失分原因", "印证材料")
WIDTHS_MM = (12, 32, 12, 19, 41, 40)  # the 156 mm text block; 自评得分 on one line
BEIJING = timezone(timedelta(hours=8))
# A sentence of an evidence body that says what was or will be done about a shortfall.
_REMEDY = re.compile(r"整改|下一步|今后|计划|将于|已补")
_MARKUP = re.compile(r"[*_`#>|]+|^\s*(?:[-+]|\d+[.)、])\s+", re.M)


@dataclass(frozen=True)
class TableRow:
    cells: tuple[str, ...]  # the six columns, or one text for a group row
    group: bool = False  # a heading row across the table (a top-level node, 综合加分项, 合计)
    ident: str = ""  # the row's id, for readers of the file


@dataclass(frozen=True)
class Part:
    name: str  # one of reporttext.SECTIONS
    blocks: tuple[Block, ...]
    drafted: bool  # False: the staff's text from reports/自评报告.md

    @property
    def heading(self) -> str:
        return f"{NUMERALS[SECTIONS.index(self.name)]}、{self.name}"


@dataclass(frozen=True)
class SelfReport:
    title: str
    doc_number: str
    to: str
    parts: tuple[Part, ...]
    table: tuple[TableRow, ...]
    signature: str
    day: date  # 成文日期
    author: str
    when: datetime


# --- drafting --------------------------------------------------------------------------------


def _cited(project: Project, ev: Evidence) -> str:
    if ev.id in project.withheld:
        return f"{ev.title}（{WITHHELD}）" if ev.title else f"{WITHHELD}（{ev.id}）"
    return ev.title


def _evidence_titles(project: Project, row: RowScore) -> str:
    by_id = {ev.id: ev for ev in project.table.evidence}
    titles = [_cited(project, by_id[e]) for e in row.evidence if e in by_id]
    if len(titles) > 1:
        titles = [f"{i}. {t}" for i, t in enumerate(titles, 1)]
    return "\n".join(titles) or "无"


def _row_name(row: RowScore) -> str:
    return ("*" if row.indicator.key else "") + row.indicator.name


def _table(project: Project) -> tuple[TableRow, ...]:
    table, out, number = project.table, [], 0
    for level in table.levels:
        note = f"；{level.clamp_note}" if level.clamp_note else ""
        out.append(TableRow((f"{level.node.name}（赋分{fmt(level.points)}分，自评得分{fmt(level.score)}分{note}）",),
                            group=True))
        for row in level.rows:
            number += 1
            out.append(TableRow((str(number), _row_name(row), fmt(row.points), fmt(row.score), row.reasons or "—",
                                 _evidence_titles(project, row)), ident=row.indicator.id))
    for name, rows in (("综合加分项", table.comprehensive), ("重大扣分项", table.major)):
        shown = [r for r in rows if r.bonus or r.deduction]
        if not rows:
            continue
        out.append(TableRow((name + ("" if shown else "（无）"),), group=True))
        for row in shown:
            value = f"+{fmt(row.bonus)}" if row.bonus else f"−{fmt(row.deduction)}"
            out.append(TableRow(("", row.indicator.name, "—", value, row.reasons or "—",
                                 _evidence_titles(project, row)), ident=row.indicator.id))
    total = f"合计：自评总分{fmt(table.total)}分（满分{fmt(table.full_marks)}分）"
    if table.normalised is not None:
        total += f"，折算百分制{fmt(table.normalised)}分"
    out.append(TableRow((total + (f"，等次{table.grade}" if table.grade else ""),), group=True))
    return tuple(out)


def _basics(project: Project) -> tuple[Block, ...]:
    scheme, table = project.scheme, project.table
    source = f"《{scheme.title}》" + (f"（{scheme.doc_number}）" if scheme.doc_number else "")
    rows = len(table.rows)
    first = (f"按照{source}的要求，{scheme.issuer}对照{len(table.levels)}个{scheme.top_name}、{rows}项{scheme.row_name}，"
             f"逐项对照评分标准和印证材料开展了{scheme.year}年度政务公开工作自评。")
    total = f"自评总分{fmt(table.total)}分（满分{fmt(table.full_marks)}分"
    total += f"，折算百分制{fmt(table.normalised)}分）" if table.normalised is not None else "）"
    total += f"，自评等次为{table.grade}。" if table.grade else "。"
    parts = "、".join(f"{lv.node.name}{fmt(lv.score)}分" for lv in table.levels)
    second = f"{total}其中，{parts}"
    if table.comprehensive:
        second += f"；综合加分{fmt(table.comprehensive_bonus)}分"
    if table.major:
        second += f"；重大扣分{fmt(table.major_deduction)}分"
    counts = {status: sum(1 for r in table.rows if r.status == status) for status in ("complete", "partial", MISSING)}
    third = (f"{rows}项{scheme.row_name}中，材料齐全{counts['complete']}项，材料不全{counts['partial']}项，"
             f"缺少材料{counts[MISSING]}项。")
    return (Block(first), Block(second + "。"), Block(third))


def _lost(project: Project) -> list[RowScore]:
    return [r for r in project.table.rows if r.deduction > 0]


def _problems(project: Project) -> tuple[Block, ...]:
    lost = _lost(project)
    if not lost:
        return (Block("对照评分标准，本年度各项指标均未失分。"),)
    total = sum((r.deduction for r in lost), ZERO)
    risk = sum((r.at_risk for r in lost), ZERO)
    intro = f"自评共失分{fmt(total)}分，涉及{len(lost)}项{project.scheme.row_name}"
    intro += f"，其中{fmt(risk)}分因缺少印证材料按最不利情形扣除，补充材料后可以挽回。" if risk else "。"
    blocks = [Block(intro)]
    for i, row in enumerate(lost, 1):
        text = (f"{i}. {row.indicator.name}（{row.indicator.level1}，赋分{fmt(row.points)}分，"
                f"自评得分{fmt(row.score)}分）：{row.reasons or '失分'}。")
        blocks.append(Block(text.replace("。。", "。")))
    return tuple(blocks)


def _sentences(text: str) -> Iterable[str]:
    plain = _MARKUP.sub("", text)
    for line in plain.split("\n"):
        for sentence in re.findall(r"[^。！？]+[。！？]?", line.strip()):
            yield sentence.strip()


def _closed(sentence: str) -> str:
    """A sentence that ends with its full stop (a clause cut at a colon loses the colon)."""
    return sentence if sentence.endswith(("。", "！", "？")) else sentence.rstrip("：:，,；;、 ") + "。"


def _said(project: Project, row: RowScore) -> list[str]:
    """Sentences of the row's shown evidence that say what was or will be done about 整改."""
    by_id = {ev.id: ev for ev in project.table.evidence}
    found: list[str] = []
    for ident in row.evidence:
        ev = by_id.get(ident)
        if ev is None or ident in project.withheld:
            continue
        found.extend(s for s in _sentences(ev.body) if _REMEDY.search(s) and s not in found)
    return found[:3]


def _measures(project: Project) -> tuple[Block, ...]:
    blocks: list[Block] = []
    for i, row in enumerate(_lost(project), 1):
        steps: list[str] = []
        if row.at_risk > 0:
            facts = "、".join(f"“{name}”" for name in row.missing_facts) or "印证材料"
            owners = dict.fromkeys(ln.unit for ln in row.lines if ln.at_risk and ln.unit)
            owner = "、".join(owners) or "、".join(row.indicator.units) or "责任单位"
            when = f"于{cn_date(row.due)}前" if row.due else "尽快"
            steps.append(f"由{owner}{when}补充{facts}的印证材料，可挽回{fmt(row.at_risk)}分。")
        if row.deduction > row.at_risk:
            said = _said(project, row)
            steps.append("".join(_closed(s) for s in said) if said else
                         f"{PLACEHOLDER}：针对本项失分的整改措施、责任单位和完成时限】")
        blocks.append(Block(f"{i}. {row.indicator.name}：" + "".join(steps)))
    blocks.append(Block(f"下一步，{PLACEHOLDER}：下一年度政务公开工作的打算】"))
    return tuple(blocks)


def draft(project: Project) -> SelfReport:
    """The report's text: the staff's sections where ``reports/自评报告.md`` has them, else drafted."""
    scheme, staff = project.scheme, project.report
    drafted = {
        "基本情况": _basics(project),
        "自评得分情况": (Block(f"各项{scheme.row_name}的赋分、自评得分、失分原因和印证材料见下表（单位：分）。"),),
        "存在的问题": _problems(project),
        "整改措施和下一步打算": _measures(project),
    }
    parts = []
    for name in SECTIONS:
        own = staff.section(name)
        parts.append(Part(name, own.blocks, False) if own is not None else Part(name, drafted[name], True))
    return SelfReport(
        title=f"{scheme.issuer}{scheme.year}年度政务公开工作自评报告", doc_number=staff.doc_number,
        to=staff.to, parts=tuple(parts), table=_table(project), signature=staff.signature or scheme.issuer,
        day=staff.date or project.as_of, author=scheme.issuer,
        when=project.info.date.astimezone(BEIJING))


# --- renderings ----------------------------------------------------------------------------


def to_docx(report: SelfReport) -> bytes:
    """The Word file: GB/T 9704 page and type, the score table in 五号 with its header on every page."""
    from . import wordfile

    doc = wordfile.new_document()
    wordfile.add_title(doc, report.title)
    if report.doc_number:
        wordfile.add_paragraph(doc, report.doc_number, align="center", indent=False)
    if report.to:
        wordfile.add_paragraph(doc, report.to + "：", align="left", indent=False)
    for part in report.parts:
        wordfile.add_heading(doc, part.heading)
        for block in part.blocks:
            if block.heading:
                wordfile.add_heading(doc, block.text, level=2)
            else:
                paragraph = wordfile.add_paragraph(doc, block.text)
                paragraph.paragraph_format.keep_with_next = part.name == "自评得分情况"  # with the table
        if part.name == "自评得分情况":
            _docx_table(doc, report.table)
    wordfile.add_paragraph(doc, "")
    wordfile.add_paragraph(doc, report.signature, align="right", indent=False)
    wordfile.add_paragraph(doc, cn_date(report.day), align="right", indent=False)
    return wordfile.to_bytes(doc, title=report.title, author=report.author, when=report.when)


def _docx_table(doc: Document, rows: tuple[TableRow, ...]) -> None:
    from . import wordfile

    width = len(HEADER)
    cells = [r.cells if not r.group else (r.cells[0],) * width for r in rows]
    table = wordfile.add_table(doc, list(HEADER), cells, widths_mm=WIDTHS_MM)
    for index, row in enumerate(rows, 1):
        if row.group:  # one cell across the table, its text once
            merged = table.rows[index].cells[0].merge(table.rows[index].cells[width - 1])
            for extra in merged.paragraphs[1:]:
                extra._p.getparent().remove(extra._p)
            merged.paragraphs[0].paragraph_format.keep_with_next = index < len(rows)  # a group row with its first row


def markdown(report: SelfReport, escape: Callable[[str], str]) -> str:
    """The site's page: the same text; ``escape`` makes any text show verbatim in Markdown."""
    out = ["---", 'title: "自评报告"', "---", "", f"# {escape(report.title)}", ""]
    out.append("本页与输出目录中的 自评报告.docx 内容相同。要修改文字，把输出目录中的 自评报告.md 复制为项目的 "
               "reports/自评报告.md 后编辑，下次生成时保留；删去的部分按得分重新起草。")
    out.append("")
    if report.doc_number:
        out += [escape(report.doc_number), ""]
    if report.to:
        out += [escape(report.to + "："), ""]
    for part in report.parts:
        out += [f"## {escape(part.heading)}", ""]
        for block in part.blocks:
            out += [f"### {escape(block.text)}" if block.heading else escape(block.text), ""]
        if part.name == "自评得分情况":
            out += _markdown_table(report.table, escape)
    out += [escape(report.signature), "", escape(cn_date(report.day)), ""]
    return "\n".join(out)


def _markdown_table(rows: tuple[TableRow, ...], escape: Callable[[str], str]) -> list[str]:
    """One table per group: a group row (a top-level node, 综合加分项, 合计) is a bold line above its table."""
    out: list[str] = []
    open_table = False
    for row in rows:
        if row.group:
            out += (["", f"**{escape(row.cells[0])}**", ""] if open_table else [f"**{escape(row.cells[0])}**", ""])
            open_table = False
            continue
        if not open_table:
            out += ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
            open_table = True
        out.append("| " + " | ".join("<br>".join(escape(x) for x in c.split("\n")) for c in row.cells) + " |")
    return [*out, ""]


def source(report: SelfReport) -> str:
    """The text in the format of ``reports/自评报告.md`` (scoring/load/reporttext.py), to copy there and edit."""
    out = ["---", f"doc_number: {_yaml(report.doc_number)}", f"to: {_yaml(report.to)}",
           f"signature: {_yaml(report.signature)}", f"date: {report.day.isoformat()}", "---", ""]
    out.append("<!-- 自评报告的文字稿：复制为项目的 reports/自评报告.md 后编辑；“二、自评得分情况”的表格总是按得分生成。 -->")
    out.append("")
    for part in report.parts:
        out += [f"## {part.heading}", ""]
        for block in part.blocks:
            out += [f"### {block.text}" if block.heading else block.text, ""]
    return "\n".join(out)


def _yaml(text: str) -> str:
    return '""' if not text else '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'



