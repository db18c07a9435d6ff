"""The 政府信息公开工作年度报告, drafted in the national format (国办公开办函〔2021〕30号).

Six sections: 一、总体情况; 二、主动公开政府信息情况 (table 二); 三、收到和处理政府信息公开
申请情况 (table 三); 四、政府信息公开行政复议、行政诉讼情况 (table 四); 五、存在的主要问题
及改进情况; 六、其他需要报告的事项. The tables are counted from the registers
(scoring/registers/annualtables.py); sections 一, 五 and 六 are drafted from the registers, the
evidence and the points lost this year, for staff to edit: each problem in 五 is a row
that lost points, with the 整改 its evidence states.

``annual_report(project)`` is the one model; the Word file (``docx_bytes``, the GB/T 9704
page of scoring/render/documents/wordfile.py), the site's page and the dossier's section all show it. It is a
function of the project alone (the edition's project: the public edition has no personal
register cells and no withheld evidence text).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from ...core.figures import fmt
from ...gather.project import Project
from ...model.model import Scheme
from ...registers.annualtables import CARRIED_IN, CARRIED_OUT, COLUMN_HEADS, GRAND, NEW, RESULTS, TABLE4_HEADS, AnnualTables, annual_tables
from ...registers.registers import EVIDENCE_COLUMN, REGISTERS, Registers
from ...score.score import RowScore

DOCX_NAME = "annual-report.docx"
PAGE = "annual-report.md"
SECTIONS = ("一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
            "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项")
FORMAT_SOURCE = "国办公开办函〔2021〕30号《中华人民共和国政府信息公开工作年度报告格式》"


@dataclass(frozen=True)
class Problem:
    row: str  # the row's id
    name: str
    lost: str  # points lost, as text
    reasons: str
    remedy: str  # the 整改 its evidence states, or "" (staff fill it in)


@dataclass(frozen=True)
class AnnualReport:
    title: str
    issuer: str
    year: int
    preface: str
    overview: tuple[tuple[str, str], ...]  # (（一）主动公开, paragraph) …
    tables: AnnualTables
    problems: tuple[Problem, ...]
    others: tuple[str, ...]
    has_registers: bool

    def table3_rows(self) -> list[list[str]]:
        """Table 三's rows as the format prints them: 三、本年度办理结果 a row of its own, sub-rows indented."""
        out = []
        for row in self.tables.table3:
            if row.label.startswith("（一）"):
                out.append([RESULTS, *([""] * len(row.counts))])
            label = f"　　{row.label}" if row.group else row.label
            out.append([label, *(str(row.counts[c]) for c in row.counts)])
        return out

    def table4_rows(self) -> list[list[str]]:
        return [[group, *map(str, figures)] for group, figures in self.tables.table4]


# --- drafting ---------------------------------------------------------------------------


def _remedy(project: Project, row: RowScore) -> str:
    """The first line of the row's shown evidence that states a 整改, as plain text."""
    for ident in row.evidence:
        ev = next((e for e in project.evidence if e.id == ident), None)
        if ev is None or not project.shown(ev):
            continue
        for line in ev.body.splitlines():
            text = re.sub(r"[*#>`_]|^\s*[-+]\s*", "", line).strip()
            if "整改" in text and len(text) > 8:
                return text
    return ""


def _problems(project: Project) -> tuple[Problem, ...]:
    table = project.table
    out = []
    for row in (*table.rows, *table.major):
        if row.deduction > 0 and row.applicable:
            out.append(Problem(row.indicator.id, row.indicator.name, fmt(row.deduction), row.reasons,
                               _remedy(project, row)))
    return tuple(out)


def _count(registers: Registers, key: str) -> int:
    register = registers.get(key)
    return len(register.rows) if register else 0


def _overview(project: Project, tables: AnnualTables) -> tuple[tuple[str, str], ...]:
    year, registers = tables.year, project.registers
    t2 = {r.item: dict(r.figures) for r in tables.table2}
    norms = t2.get("行政规范性文件", {})
    permits = t2.get("行政许可", {}).get("本年处理决定数量", "0")
    new, old = tables.t3(NEW).counts["总计"], tables.t3(CARRIED_IN).counts["总计"]
    done, left = tables.t3(GRAND).counts["总计"], tables.t3(CARRIED_OUT).counts["总计"]
    late = "、".join(r.text("编号") for r, _ in tables.late)
    on_time = (f"其中 {len(tables.late)} 件超过法定期限答复（{late}），已逐件分析原因并整改" if tables.late
               else "均在法定期限内答复")
    gwsx = project.registers.get("gwsx")
    docs = [r for r in gwsx.rows if isinstance(d := r.values.get("印发日期"), date) and d.year == year] if gwsx else []
    kinds = {k: sum(1 for r in docs if r.text("公开属性") == k) for k in ("主动公开", "依申请公开", "不予公开")}
    opinions = _count(registers, "yqhy")
    return (
        ("（一）主动公开", f"{year}年，本机关制发行政规范性文件{norms.get('本年制发件数', '0')}件、废止"
                       f"{norms.get('本年废止件数', '0')}件，现行有效{norms.get('现行有效件数', '0')}件；"
                       f"作出行政许可决定{permits}件，均按规定主动公开。"),
        ("（二）依申请公开", f"本年新收政府信息公开申请{new}件，上年结转{old}件；本年办结{done}件，{on_time}；"
                        f"结转下年度继续办理{left}件。"),
        ("（三）政府信息管理", f"建立公文公开属性台账，本年登记公文{len(docs)}件，其中主动公开{kinds['主动公开']}件、"
                          f"依申请公开{kinds['依申请公开']}件、不予公开{kinds['不予公开']}件，均在发文卡上载明认定理由。"),
        ("（四）政府信息公开平台建设", _titles(project, ("平台", "网站", "新媒体"), "依托政府门户网站和政务新媒体发布政府信息")),
        ("（五）监督保障", _titles(project, ("组织", "保障", "监督"), "落实政务公开工作责任") +
         (f"建立政务舆情回应台账，本年登记政务舆情{opinions}件。" if opinions else "")),
    )


def _titles(project: Project, words: tuple[str, ...], lead: str) -> str:
    """A sentence naming up to three shown evidence titles of the top nodes whose name has one of ``words``."""
    found: list[str] = []
    for level in project.table.levels:
        if any(w in level.node.name for w in words):
            for row in level.rows:
                for ident in row.evidence:
                    ev = next((e for e in project.evidence if e.id == ident), None)
                    if ev and project.shown(ev) and ev.title and ev.title not in found:
                        found.append(ev.title)
    listed = "；".join(f"《{t}》" if not t.startswith("《") else t for t in found[:3])
    return f"{lead}，{'主要工作有：' + listed + '等。' if listed else '（请补充本年度主要工作）。'}"


def report_title(scheme: Scheme, year: int) -> str:
    return f"{scheme.issuer or '本机关'}{year or scheme.year}年政府信息公开工作年度报告"


def annual_report(project: Project) -> AnnualReport:
    scheme = project.scheme
    tables = annual_tables(project.registers)
    issuer = scheme.issuer or "本机关"
    year = project.registers.year or scheme.year
    preface = (f"本报告根据《中华人民共和国政府信息公开条例》（以下简称《条例》）第五十条和{FORMAT_SOURCE}编制，"
               f"数据由本机关政府信息公开申请台账、公文公开属性台账等台账统计生成。本报告所列数据的统计期限为"
               f"{year}年1月1日至12月31日。")
    others = ("本年度未收取信息处理费。",
              f"本报告为依据台账和考核材料自动生成的初稿，请核对后于{year + 1}年1月31日前公开。")
    return AnnualReport(report_title(scheme, year), issuer, year, preface,
                        _overview(project, tables), tables, _problems(project), others,
                        bool(project.registers.by_key))


def problem_text(p: Problem) -> str:
    remedy = f"整改情况：{p.remedy}" if p.remedy else "整改情况：（请填写）"
    return f"{p.name}：{p.reasons}。{remedy}"


# --- the Word file ----------------------------------------------------------------------

T3_HEAD = ["申请人情况", "自然人", "法人或其他组织", "", "", "", "", "总计"]
T3_SUBHEAD = ["", "", *COLUMN_HEADS[1:-1], ""]
T4_HEAD = ["", *TABLE4_HEADS]


def _table3(doc: Any, report: AnnualReport) -> None:
    """Table 三 with the format's two header rows: 法人或其他组织 over its five kinds."""
    from docx.oxml import OxmlElement

    from . import wordfile

    table = wordfile.add_table(doc, T3_HEAD, [T3_SUBHEAD, *report.table3_rows()],
                               widths_mm=[64.5, 13, 13, 13, 13, 13, 13, 13.5])
    table.rows[1]._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))  # both header rows repeat
    for first, last in (((0, 0), (1, 0)), ((0, 1), (1, 1)), ((0, 2), (0, 6)), ((0, 7), (1, 7))):
        keep = table.cell(*first).text
        merged = table.cell(*first).merge(table.cell(*last))
        for extra in merged.paragraphs[1:]:  # merging keeps the empty cells' paragraphs
            if not extra.text:
                extra._element.getparent().remove(extra._element)
        assert merged.text == keep


def docx_bytes(report: AnnualReport, project: Project) -> bytes:
    from . import wordfile  # python-docx loads only when the Word file is asked for

    doc = wordfile.new_document()
    wordfile.add_title(doc, report.title)
    wordfile.add_paragraph(doc, report.preface)
    wordfile.add_heading(doc, SECTIONS[0])
    for head, text in report.overview:
        wordfile.add_heading(doc, head, level=2)
        wordfile.add_paragraph(doc, text)
    wordfile.add_heading(doc, SECTIONS[1])
    wordfile.add_table(doc, ["条款", "信息内容", "本年数量"], [[r.section, r.item, "；".join(f"{k}：{v}" for k, v in r.figures)]
                                                       for r in report.tables.table2], widths_mm=[40, 40, 76])
    wordfile.add_heading(doc, SECTIONS[2])
    wordfile.add_paragraph(doc, "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", indent=False)
    _table3(doc, report)
    wordfile.add_heading(doc, SECTIONS[3])
    wordfile.add_table(doc, T4_HEAD, report.table4_rows(), widths_mm=[56, 20, 20, 20, 20, 20])
    wordfile.add_heading(doc, SECTIONS[4])
    if report.problems:
        for number, p in enumerate(report.problems, start=1):
            wordfile.add_paragraph(doc, f"{number}.{problem_text(p)}")
    else:
        wordfile.add_paragraph(doc, "本年度考核未发现失分问题。")
    wordfile.add_heading(doc, SECTIONS[5])
    for text in report.others:
        wordfile.add_paragraph(doc, text)
    wordfile.add_paragraph(doc, report.issuer, align="right", indent=False)
    return wordfile.to_bytes(doc, title=report.title, author=report.issuer, when=project.info.date)


# --- the site's page --------------------------------------------------------------------


def register_anchor(ref: str) -> str:
    """The anchor of a register row on the report's page, from its reference (台账键:编号)."""
    key = ref.split(":", 1)[0]
    return f"reg-{key}-{hashlib.sha256(ref.encode('utf-8')).hexdigest()[:10]}"


def register_href(ref: str) -> str:
    return f"{PAGE}#{register_anchor(ref)}"


def register_tables(project: Project) -> list[tuple[str, str, list[str], list[tuple[str, list[str]]]]]:
    """Each register as the page lists it: (file, title, column names, [(anchor, cells)])."""
    out = []
    for spec in REGISTERS:
        register = project.registers.get(spec.key)
        if register is None:
            continue
        names = [c.name for c in spec.columns]
        rows = [(register_anchor(register.ref(r)), [_cell(r.values.get(n)) for n in names]) for r in register.rows]
        out.append((spec.file, spec.title, names, rows))
    return out


def _cell(value: object) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, date):
        return value.isoformat()
    return "" if value is None else str(value)


def annual_page(project: Project) -> dict[str, object]:
    """What the site's page (site_templates/site/annual_report.md.j2) shows. A register's 证据 cell that names an
    evidence file is shown as every page cites evidence (its title and date, linked: the site model's
    ``evidence``), not as the file's id."""
    return {"report": annual_report(project), "sections": SECTIONS, "heads": COLUMN_HEADS, "t4heads": TABLE4_HEADS,
            "source": FORMAT_SOURCE, "registers": register_tables(project), "anchor": register_anchor,
            "evidence_column": EVIDENCE_COLUMN.name}
