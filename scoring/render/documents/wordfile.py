"""Word documents in the GB/T 9704-2012 page and type (党政机关公文格式), through python-docx.

The reports the bureau sends (自评报告, 年度报告) are drafted as .docx files that the office
edits and stamps. This module is the page and the type only; what a report says is its own
module's business. Use:

    doc = new_document()
    add_title(doc, "…自评报告")
    add_paragraph(doc, "晋市审管发〔2021〕35号", align="center", indent=False)
    add_heading(doc, "一、基本情况")          # 黑体
    add_heading(doc, "（一）组织领导", level=2)  # 楷体
    add_paragraph(doc, "正文……")
    add_table(doc, ["序号", "指标"], [["1", "…"]], widths_mm=[12, 144])
    data = to_bytes(doc, title="…", author="…", when=datetime(...))

- Page: A4, margins top 37 mm, left 28 mm, right 26 mm, bottom 35 mm (text block 156 × 225 mm).
- Body 仿宋_GB2312 三号 (16 pt), 22 lines a page (exact line pitch 225 mm / 22), first-line indent
  two characters, justified; title 方正小标宋简体 二号 (22 pt) centred; 一、 headings 黑体, （一）
  headings 楷体_GB2312, both 三号; page numbers 四号 "— N —" in the footer, 7 mm below the text
  block, right on odd pages and left on even pages, one character in.
- Faces: every run names the GB/T 9704 face in ``w:eastAsia`` (and ``w:ascii``/``w:hAnsi``, so
  digits match). A machine without it falls back through the font table: each face is declared
  with an ``altName`` (the face Windows ships: 仿宋, 楷体, 黑体, 宋体), the GB2312 charset and its
  PANOSE class, so Word substitutes a face of the same kind; LibreOffice asks fontconfig, which
  picks a Chinese face because the text is tagged ``zh-CN``.
- ``to_bytes`` is deterministic: fixed core properties and fixed zip entry dates, so the same
  input gives the same bytes.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Literal

from docx import Document as _new
from docx.document import Document
from docx.enum.section import WD_SECTION_START
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.oxml import serialize_part_xml
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.table import Table
from docx.text.paragraph import Paragraph

from ...core.officezip import fixed_zip, stamp_of

BODY_FACE = "仿宋_GB2312"
TITLE_FACE = "方正小标宋简体"
HEADING_FACE = "黑体"
SUBHEADING_FACE = "楷体_GB2312"
NUMBER_FACE = "宋体"

# face → (the face to use where it is missing, PANOSE-1, font family class, pitch)
FALLBACKS: dict[str, tuple[str, str, str, str]] = {
    BODY_FACE: ("仿宋", "02010609030101010101", "modern", "fixed"),
    TITLE_FACE: ("宋体", "02000000000000000000", "script", "variable"),
    HEADING_FACE: ("SimHei", "02010609060101010101", "modern", "fixed"),
    SUBHEADING_FACE: ("楷体", "02010609030101010101", "modern", "fixed"),
    NUMBER_FACE: ("SimSun", "02010600030101010101", "auto", "variable"),
}

BODY_PT = 16  # 三号
TITLE_PT = 22  # 二号
NUMBER_PT = 14  # 四号
TABLE_PT = 10.5  # 五号: tables may be smaller than the body
LINE_PITCH_PT = 225 / 22 * 72 / 25.4  # 22 lines in the 225 mm text block: 28.92 pt

Align = Literal["justify", "center", "left", "right"]
_ALIGN = {"justify": WD_ALIGN_PARAGRAPH.JUSTIFY, "center": WD_ALIGN_PARAGRAPH.CENTER,
          "left": WD_ALIGN_PARAGRAPH.LEFT, "right": WD_ALIGN_PARAGRAPH.RIGHT}


def _fonts(rpr: object, face: str) -> None:
    """Name ``face`` for every script of a run's (or style's) properties, replacing theme fonts."""
    element = rpr  # an lxml element (CT_RPr); typed loosely because python-docx's oxml has no stubs
    old = element.find(qn("w:rFonts"))  # type: ignore[attr-defined]
    if old is not None:
        element.remove(old)  # type: ignore[attr-defined]
    fonts = OxmlElement("w:rFonts")
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), face)
    element.insert(0, fonts)  # type: ignore[attr-defined]


def _style(doc: Document, name: str, face: str, size: float, *, bold: bool = False) -> None:
    style = doc.styles[name]
    font = style.font
    font.size = Pt(size)
    font.bold = bold
    font.italic = False
    font.color.rgb = None
    _fonts(style.element.get_or_add_rPr(), face)


def _paragraph_format(doc: Document, name: str, *, indent: bool, align: Align, before: float = 0) -> None:
    fmt = doc.styles[name].paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(LINE_PITCH_PT)
    fmt.first_line_indent = Pt(2 * BODY_PT) if indent else Pt(0)
    fmt.space_before = Pt(before)
    fmt.space_after = Pt(0)
    fmt.alignment = _ALIGN[align]
    fmt.keep_with_next = name.startswith("Heading") or name == "Title"
    fmt.widow_control = True


def _font_table(doc: Document) -> None:
    """Declare every face with its fallback (altName), the GB2312 charset and its PANOSE class."""
    part = doc.part.part_related_by(RT.FONT_TABLE)
    root = parse_xml(part.blob)
    for face, (alt, panose, family, pitch) in FALLBACKS.items():
        font = OxmlElement("w:font", {qn("w:name"): face})
        for tag, value in (("w:altName", alt), ("w:panose1", panose), ("w:charset", "86"),
                           ("w:family", family), ("w:pitch", pitch)):
            font.append(OxmlElement(tag, {qn("w:val"): value}))
        root.append(font)
    part._blob = serialize_part_xml(root)


def _language(doc: Document) -> None:
    """Tag the document's text as Simplified Chinese, so a font fallback picks a Chinese face."""
    rpr = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), "zh-CN")
    lang.set(qn("w:eastAsia"), "zh-CN")
    lang.set(qn("w:bidi"), "ar-SA")
    _fonts(rpr, BODY_FACE)


def _page(doc: Document) -> None:
    section = doc.sections[0]
    section.start_type = WD_SECTION_START.NEW_PAGE
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.header_distance = Mm(15)
    # the number's line (14 pt) ends 7 mm below the text block: 35 − 7 − 4.9 mm from the page's foot
    section.footer_distance = Mm(23)
    doc.settings.odd_and_even_pages_header_footer = True
    _page_number(section.footer.paragraphs[0], "right")
    _page_number(section.even_page_footer.paragraphs[0], "left")


def _field(paragraph: Paragraph, instruction: str) -> None:
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, instruction), ("separate", None), (None, "1"), ("end", None)):
        if kind is not None:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._r.append(char)
        elif text == instruction:
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = f" {instruction} "
            run._r.append(instr)
        else:
            value = OxmlElement("w:t")
            value.text = text
            run._r.append(value)
    _run_font(run, NUMBER_FACE, NUMBER_PT)


def _run_font(run: object, face: str, size: float) -> None:
    run.font.size = Pt(size)  # type: ignore[attr-defined]
    _fonts(run._r.get_or_add_rPr(), face)  # type: ignore[attr-defined]


def _page_number(paragraph: Paragraph, side: Literal["left", "right"]) -> None:
    """``— N —`` in 四号 半角, one character in from the text block's edge on its side."""
    fmt = paragraph.paragraph_format
    fmt.alignment = _ALIGN[side]
    fmt.first_line_indent = Pt(0)
    fmt.left_indent = Pt(NUMBER_PT) if side == "left" else Pt(0)
    fmt.right_indent = Pt(NUMBER_PT) if side == "right" else Pt(0)
    fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
    _run_font(paragraph.add_run("— "), NUMBER_FACE, NUMBER_PT)
    _field(paragraph, "PAGE")
    _run_font(paragraph.add_run(" —"), NUMBER_FACE, NUMBER_PT)


def new_document() -> Document:
    """An empty document with the GB/T 9704 page, styles, font fallbacks and page numbers."""
    doc = _new()
    _language(doc)
    _font_table(doc)
    _style(doc, "Normal", BODY_FACE, BODY_PT)
    _paragraph_format(doc, "Normal", indent=True, align="justify")
    _style(doc, "Title", TITLE_FACE, TITLE_PT)
    _paragraph_format(doc, "Title", indent=False, align="center")
    title = doc.styles["Title"].element
    border = title.find(qn("w:pPr")).find(qn("w:pBdr"))
    if border is not None:  # the default template underlines its title
        border.getparent().remove(border)
    doc.styles["Title"].paragraph_format.line_spacing = Pt(TITLE_PT * 1.5)
    _style(doc, "Heading 1", HEADING_FACE, BODY_PT)
    _paragraph_format(doc, "Heading 1", indent=True, align="justify")
    _style(doc, "Heading 2", SUBHEADING_FACE, BODY_PT)
    _paragraph_format(doc, "Heading 2", indent=True, align="justify")
    _page(doc)
    return doc


def add_title(doc: Document, text: str) -> Paragraph:
    """The title: 方正小标宋简体 二号, centred, a blank line after it."""
    paragraph = doc.add_paragraph(text, style="Title")
    paragraph.paragraph_format.space_after = Pt(LINE_PITCH_PT)
    return paragraph


def add_heading(doc: Document, text: str, level: Literal[1, 2] = 1) -> Paragraph:
    """A heading: level 1 (一、) 黑体, level 2 (（一）) 楷体_GB2312; kept with the paragraph after it."""
    return doc.add_paragraph(text, style="Heading 1" if level == 1 else "Heading 2")


def add_paragraph(doc: Document, text: str, *, align: Align = "justify", indent: bool = True) -> Paragraph:
    """A body paragraph in 仿宋_GB2312 三号; ``indent=False`` for lines such as the 文号 or a signature."""
    paragraph = doc.add_paragraph(text, style="Normal")
    paragraph.paragraph_format.alignment = _ALIGN[align]
    if not indent:
        paragraph.paragraph_format.first_line_indent = Pt(0)
    return paragraph


def _cell_text(cell: object, text: str, *, header: bool) -> None:
    paragraph = cell.paragraphs[0]  # type: ignore[attr-defined]
    fmt = paragraph.paragraph_format
    fmt.keep_with_next = header  # the header row stays with the first row below it
    fmt.first_line_indent = Pt(0)
    fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
    fmt.alignment = WD_ALIGN_PARAGRAPH.CENTER if header else WD_ALIGN_PARAGRAPH.LEFT
    lines = text.split("\n")
    for i, line in enumerate(lines):
        run = paragraph.add_run(line)
        _run_font(run, HEADING_FACE if header else BODY_FACE, TABLE_PT)
        if i < len(lines) - 1:
            run.add_break()


def _row_flags(row: object, *, header: bool) -> None:
    """Rows never split across pages; the header row repeats on every page."""
    tr_pr = row._tr.get_or_add_trPr()  # type: ignore[attr-defined]
    tr_pr.append(OxmlElement("w:cantSplit"))
    if header:
        tr_pr.append(OxmlElement("w:tblHeader"))


def add_table(doc: Document, header: Sequence[str], rows: Sequence[Sequence[str]],
              widths_mm: Sequence[float] | None = None) -> Table:
    """A ruled table in 五号 (header 黑体, cells 仿宋_GB2312), header repeated, rows unsplit.

    ``widths_mm`` are the columns' widths; by default they share the 156 mm text block.
    A cell's ``\\n`` is a line break.
    """
    table: Table = doc.add_table(rows=1 + len(rows), cols=len(header))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    widths = list(widths_mm) if widths_mm else [156 / len(header)] * len(header)
    for r, values in enumerate([header, *rows]):
        row = table.rows[r]
        _row_flags(row, header=r == 0)
        for c, value in enumerate(values):
            cell = row.cells[c]
            cell.width = Mm(widths[c])
            _cell_text(cell, value, header=r == 0)
    for c, column in enumerate(table.columns):
        column.width = Mm(widths[c])
    return table


def to_bytes(doc: Document, *, title: str, author: str, when: datetime) -> bytes:
    """The .docx file's bytes, the same for the same document: fixed properties and entry dates.

    ``when`` (the build's date; a naive one is taken as UTC) dates the document and its zip entries.
    """
    if when.tzinfo is not None:  # the core properties are in UTC
        when = when.astimezone(UTC)
    when = when.replace(tzinfo=None)
    props = doc.core_properties
    props.title, props.author, props.last_modified_by = title, author, author
    props.created = props.modified = when
    props.revision = 1
    props.comments = props.subject = props.keywords = props.category = ""
    props.last_printed = when
    raw = io.BytesIO()
    doc.save(raw)
    return fixed_zip(raw.getvalue(), stamp_of(when.replace(hour=0, minute=0, second=0)), document_dates=False)
