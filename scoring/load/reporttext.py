"""The staff's own text of the 自评报告, kept in the repository: ``reports/自评报告.md``.

The build drafts the 自评报告 from the scored model (scoring/render/documents/selfreport.py). What only people
can write — the 文号, the 主送机关, the prose of a section — lives in this file, and the next
build keeps it. The file is optional; every section it leaves out is drafted. Its format:

    ---
    doc_number: 晋市审管发〔2022〕3号      # 文号 (optional)
    to: 晋城市政务公开工作领导小组办公室     # 主送机关 (optional)
    signature: 晋城市行政审批服务管理局       # 落款 (default: the scheme's issuer)
    date: 2022-01-10                        # 成文日期 (default: the build's as_of date)
    ---

    ## 一、基本情况

    A paragraph, its lines joined; paragraphs are separated by a blank line.

    ### （一）a sub-heading (楷体)

    ## 四、整改措施和下一步打算
    …

Sections are named by their heading (the numeral may be left out): 基本情况, 自评得分情况 (the
text before the score table; the table is always drawn from the scores), 存在的问题,
整改措施和下一步打算. The text is plain: no Markdown is rendered, so it reads the same in Word,
on the site and in the source.

``PLACEHOLDER`` marks what a person must still write; ``load_report_text`` reports every line
that holds one as a warning (``check`` shows it, ``--strict`` refuses it).

This module reads the one file while gathering; renderers get the parsed ``ReportText``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ..core.problems import Problem, error, suggest, warning
from ..core.yamlio import FrontMatterError, LineDict, YamlSyntaxError, load_yaml, split_front_matter

PATH = "reports/自评报告.md"
PLACEHOLDER = "【待填写"
SECTIONS = ("基本情况", "自评得分情况", "存在的问题", "整改措施和下一步打算")
KEYS = {"doc_number": "文号", "to": "主送机关", "signature": "落款单位", "date": "成文日期（YYYY-MM-DD）"}
MAX_BYTES = 1024 * 1024
_NUMBERED = re.compile(r"^[一二三四五六七八九十]+、\s*")


@dataclass(frozen=True)
class Block:
    """A paragraph, or a sub-heading (``### …``) inside a section."""

    text: str
    heading: bool = False


@dataclass(frozen=True)
class Section:
    name: str  # one of SECTIONS
    blocks: tuple[Block, ...]
    line: int  # the line of its heading in the file


@dataclass(frozen=True)
class ReportText:
    """What the staff wrote; empty when the project keeps no ``reports/自评报告.md``."""

    exists: bool = False
    doc_number: str = ""
    to: str = ""
    signature: str = ""
    date: date | None = None
    sections: tuple[Section, ...] = field(default=())

    def section(self, name: str) -> Section | None:
        return next((s for s in self.sections if s.name == name), None)


def _front(data: object, problems: list[Problem]) -> dict[str, object]:
    if data is None:
        return {}
    if not isinstance(data, LineDict):
        problems.append(error(PATH, 2, "front matter 应为“字段: 值”的形式"))
        return {}
    values: dict[str, object] = {}
    for key, value in data.items():
        line = data.line_of(key)
        if key not in KEYS:
            known = "、".join(f"{k}（{v}）" for k, v in KEYS.items())
            problems.append(error(PATH, line, f"不认识字段 {key}{suggest(str(key), KEYS)}（可用的字段：{known}）"))
        elif key == "date" and value is not None and not isinstance(value, date):
            problems.append(error(PATH, line, f"date 应为 YYYY-MM-DD 格式的日期，而不是“{value}”"))
        elif key != "date" and value is not None and not isinstance(value, str | int):
            problems.append(error(PATH, line, f"{key}（{KEYS[key]}）应为一行文字"))
        elif value is not None:
            values[key] = value
    return values


def _sections(body: str, first_line: int, problems: list[Problem]) -> tuple[Section, ...]:
    sections: list[Section] = []
    current: tuple[str, int] | None = None
    blocks: list[Block] = []
    paragraph: list[str] = []

    def flush_paragraph() -> None:
        if paragraph:
            blocks.append(Block("".join(paragraph)))
            paragraph.clear()

    def flush_section() -> None:
        flush_paragraph()
        if current is not None:
            sections.append(Section(current[0], tuple(blocks), current[1]))
        blocks.clear()

    for number, raw in enumerate(body.split("\n"), first_line):
        line = raw.strip()
        if line.startswith("<!--") and line.endswith("-->"):
            continue  # a note to the editor, as the drafted file carries one
        if line.startswith("## "):
            flush_section()
            name = _NUMBERED.sub("", line[3:].strip())
            if name not in SECTIONS:
                problems.append(error(PATH, number, f"不认识的部分“{line[3:].strip()}”{suggest(name, SECTIONS)}"
                                      f"（可写的部分：{'、'.join(SECTIONS)}）"))
                current = None
            elif any(s.name == name for s in sections):
                problems.append(error(PATH, number, f"“{name}”写了两次，请合并为一处"))
                current = None
            else:
                current = (name, number)
        elif current is None:
            if line:
                problems.append(error(PATH, number, "正文应写在“## 一、基本情况”这样的标题之下"))
        elif line.startswith("### "):
            flush_paragraph()
            blocks.append(Block(line[4:].strip(), heading=True))
        elif line:
            paragraph.append(line)
        else:
            flush_paragraph()
    flush_section()
    return tuple(sections)


def placeholders(text: str, first_line: int = 1) -> list[Problem]:
    """A warning for every line of ``text`` that still holds ``PLACEHOLDER``."""
    return [warning(PATH, number, f"自评报告还有待填写的内容：{line.strip()[:60]}", "report-placeholder")
            for number, line in enumerate(text.split("\n"), first_line) if PLACEHOLDER in line]


def load_report_text(root: Path) -> tuple[ReportText, list[Problem]]:
    """The staff's text of the 自评报告, and its problems; an empty ``ReportText`` when there is no file."""
    path = root / PATH
    if not path.is_file():
        return ReportText(), []
    problems: list[Problem] = []
    if path.stat().st_size > MAX_BYTES:
        return ReportText(exists=True), [error(PATH, 0, "文件超过 1 MB，请删去多余内容")]
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        line = path.read_bytes()[: exc.start].count(b"\n") + 1
        return ReportText(exists=True), [error(PATH, line, "不是 UTF-8 编码的文本，请用 UTF-8 保存")]
    try:
        front, body, body_line = split_front_matter(text) if text.lstrip("\ufeff").startswith("---") else ("", text, 1)
        data = load_yaml(front, line_offset=1) if front.strip() else None
    except (FrontMatterError, YamlSyntaxError) as exc:
        return ReportText(exists=True), [error(PATH, exc.line, exc.message)]
    values = _front(data, problems)
    sections = _sections(body.replace("\r\n", "\n"), body_line, problems)
    problems.extend(placeholders(text.replace("\r\n", "\n")))
    when = values.get("date")
    report = ReportText(True, str(values.get("doc_number", "")), str(values.get("to", "")),
                        str(values.get("signature", "")), when if isinstance(when, date) else None, sections)
    if report.section("整改措施和下一步打算") is None and not any(p.code == "report-placeholder" for p in problems):
        problems.append(warning(PATH, 0, "自评报告缺少“四、整改措施和下一步打算”，报告中为待填写的草稿；"
                                "请在本文件中写明", "report-placeholder"))
    return report, problems
