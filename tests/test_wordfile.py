"""The GB/T 9704 Word page and type (scoring/render/documents/wordfile.py), read back with python-docx."""

from __future__ import annotations

import io
import zipfile
from datetime import UTC, datetime, timedelta, timezone

import docx
from docx.oxml.ns import qn
from docx.shared import Length, Pt

from scoring.render.documents import wordfile

WHEN = datetime(2022, 1, 5, 9, 30, tzinfo=timezone(timedelta(hours=8)))


def _sample() -> bytes:
    doc = wordfile.new_document()
    wordfile.add_title(doc, "某局2021年度政务公开工作自评报告")
    wordfile.add_paragraph(doc, "晋市审管发〔2021〕35号", align="center", indent=False)
    wordfile.add_heading(doc, "一、基本情况")
    wordfile.add_heading(doc, "（一）组织领导", level=2)
    wordfile.add_paragraph(doc, "正文。")
    wordfile.add_table(doc, ["序号", "指标"], [["1", "第一行\n第二行"], ["2", "乙"]], widths_mm=[20, 136])
    return wordfile.to_bytes(doc, title="自评报告", author="某局", when=WHEN)


def _east_asia(element: object) -> str:
    fonts = element.find(qn("w:rPr")).find(qn("w:rFonts"))  # type: ignore[attr-defined]
    return str(fonts.get(qn("w:eastAsia")))


def test_page_styles_and_fonts() -> None:
    doc = docx.Document(io.BytesIO(_sample()))
    section = doc.sections[0]
    mm = [round(Length(x or 0).mm, 1) for x in (section.page_width, section.page_height, section.top_margin,
                                                section.left_margin, section.right_margin, section.bottom_margin)]
    assert mm == [210, 297, 37, 28, 26, 35]
    assert (mm[0] - mm[3] - mm[4], mm[1] - mm[2] - mm[5]) == (156, 225)  # 版心 156 × 225 mm
    faces = {name: _east_asia(doc.styles[name].element) for name in ("Normal", "Title", "Heading 1", "Heading 2")}
    assert faces == {"Normal": "仿宋_GB2312", "Title": "方正小标宋简体", "Heading 1": "黑体", "Heading 2": "楷体_GB2312"}
    assert doc.styles["Normal"].font.size == Pt(16)
    assert doc.styles["Title"].font.size == Pt(22)
    assert [p.text for p in doc.paragraphs] == ["某局2021年度政务公开工作自评报告", "晋市审管发〔2021〕35号", "一、基本情况",
                                                "（一）组织领导", "正文。"]
    table = doc.tables[0]
    assert [c.text for c in table.rows[1].cells] == ["1", "第一行\n第二行"]
    tr_pr = table.rows[0]._tr.trPr
    assert tr_pr is not None and tr_pr.find(qn("w:tblHeader")) is not None


def test_fallbacks_page_numbers_and_same_bytes() -> None:
    data = _sample()
    assert data == _sample()
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        fonts = z.read("word/fontTable.xml").decode("utf-8")
        footers = [z.read(n).decode("utf-8") for n in z.namelist() if n.startswith("word/footer")]
        settings = z.read("word/settings.xml").decode("utf-8")
        assert {i.date_time for i in z.infolist()} == {(2022, 1, 5, 0, 0, 0)}
    assert '<w:font w:name="仿宋_GB2312"><w:altName w:val="仿宋"/>' in fonts
    assert '<w:charset w:val="86"/>' in fonts
    assert len(footers) == 2 and all("— " in f and " PAGE " in f and " —" in f for f in footers)
    assert "evenAndOddHeaders" in settings
    doc = docx.Document(io.BytesIO(data))
    assert doc.core_properties.created == WHEN.replace(tzinfo=UTC) - timedelta(hours=8)  # stored in UTC
    assert doc.core_properties.author == "某局"
