"""The PDF dossier, read back: text, fonts, pages, outline, attachments, metadata, margins, determinism.

One project is built once per module (the mini fixture plus a long 一级指标 so the
breakdown table runs over several pages, and evidence with a PNG and a PDF
attachment); every test reads that PDF with pypdf or poppler.
"""

from __future__ import annotations

import functools
import hashlib
import io
import logging
import re
import shutil
import struct
import subprocess
import zlib
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader, PdfWriter
from tqdm import tqdm

from scoring.cli.main import main
from scoring.gather.collect import gather
from scoring.gather.project import Project
from scoring.model.values import BuildInfo, Edition
from scoring.render.dossier import dossier
from scoring.render.dossier.originals import MARGIN_MM, PREFIX
from scoring.render.pdftext import pdf_text
from scoring.score.score import RowScore, ScoreLine

FIXTURES = Path(__file__).resolve().parent / "fixtures"
INFO = BuildInfo("0123456789abcdef0123456789abcdef01234567", datetime(2021, 12, 1, 2, 30, tzinfo=UTC), False)
MM = 72 / 25.4
EXTRA_ROWS = 24


# --- the sample project -----------------------------------------------------------


def png(width: int, height: int) -> bytes:
    """A striped RGB PNG, written by hand so the tests need no image library."""
    rows = b"".join(b"\x00" + b"".join(bytes((40 + x % 180, 90 + y % 100, 160)) for x in range(width))
                    for y in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def small_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def extra_level() -> str:
    """A 一级指标 with many rows: the breakdown table must run over several landscape pages."""
    rows = []
    for i in range(EXTRA_ROWS):
        rows.append(
            f"  - id: jiandu.r{i:02d}\n    level2: 监督保障第{i + 1}项\n    level3: 政务公开工作第{i + 1}项任务落实情况\n"
            f"    points: 1\n    units: [办公室]\n"
            f"    text: {{deduction: 未按要求落实第{i + 1}项任务，发现未在规定时限内完成整改的，扣1分}}\n"
            f"    facts:\n      已落实: {{type: flag, help: 是否已落实}}\n"
            f"    rules:\n      - {{kind: required, fact: 已落实, deduct: 1}}\n")
    return "id: jiandu\nname: 监督保障\nrows:\n" + "".join(rows)


EVIDENCE = """---
indicator: zuzhi.yanjiu
unit: 综合组
date: 2021-06-15
title: 在门户网站公开政务公开工作要点并附会议纪要
kind: 网页截图
url: https://www.example.gov.cn/zwgk/2021/06/15/a-very-long-path-that-must-wrap-inside-the-text-block/index.html
attachments: [shot.png, tongzhi.pdf]
facts:
  研究事项: [丙]
---
## 主要内容

局党组会议研究部署了丙项工作，会后在门户网站公开。

| 序号 | 事项 | 完成情况 |
|---|---|---|
| 1 | 丙项工作 | 已完成 |

<script>alert("不应出现的脚本文字")</script>
<img src="https://tracker.example.com/pixel.png" alt="远程图片">
<b onclick="x()">加粗</b>
"""


def make_project(target: Path) -> Path:
    shutil.copytree(FIXTURES / "mini", target)
    (target / "indicators" / "03-jiandu.yaml").write_text(extra_level(), encoding="utf-8")
    folder = target / "evidence" / "zonghe"
    (folder / "shot.png").write_bytes(png(480, 240))
    (folder / "tongzhi.pdf").write_bytes(small_pdf())
    (folder / "wangzhan.md").write_text(EVIDENCE, encoding="utf-8")
    return target


@dataclass(frozen=True)
class Built:
    project: Project
    path: Path
    data: bytes
    second: bytes
    reader: PdfReader


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    root = make_project(tmp_path_factory.mktemp("dossier") / "project")
    project = gather(root, info=INFO)
    path = root / "build" / "dossier.pdf"
    path.parent.mkdir()
    first = dossier.build_pdf(project).pdf
    second = dossier.build_pdf(project, html_out=path.with_suffix(".html")).pdf  # the HTML kept as well
    path.write_bytes(first)
    return Built(project, path, first, second, PdfReader(io.BytesIO(first)))


def poppler(*args: str) -> str:
    return subprocess.run(list(args), capture_output=True, text=True, check=True, timeout=120).stdout


def page_text(built: Built, page: int) -> str:
    return poppler("pdftotext", "-f", str(page), "-l", str(page), "-layout", str(built.path), "-")


def all_text(built: Built) -> str:
    return reader_text(built.reader)


@functools.cache  # the module's PDF is only read: its text is extracted once
def reader_text(reader: PdfReader) -> str:
    return re.sub(r"\s+", "", "".join(pdf_text(reader)))  # what pypdf reads (test_leaks.py), a tenth of the time


# --- what the PDF says --------------------------------------------------------------


def test_key_chinese_strings_are_in_the_text(built: Built) -> None:
    text = all_text(built)
    table = built.project.table
    lost = next(r for r in table.rows if r.reasons)
    for wanted in ("2021年度政务公开工作考核", "目录", "一、总体情况", "二、自评得分明细", "三、逐项说明",
                   "附：印证材料清单", "单位领导班子研究情况", "政策咨询服务", lost.reasons, "整改情况",
                   built.project.scheme.doc_number, f"等次：{table.grade}"):
        assert re.sub(r"\s+", "", wanted) in text, wanted


def test_poppler_reads_the_same_chinese(built: Built) -> None:
    text = re.sub(r"\s+", "", poppler("pdftotext", str(built.path), "-"))
    assert "一、总体情况" in text and "自评得分明细" in text and "单位领导班子研究情况" in text


def test_sanitised_body_keeps_markdown_and_drops_scripts(built: Built) -> None:
    text = all_text(built)
    assert "丙项工作" in text and "加粗" in text
    assert "不应出现的脚本文字" not in text


def test_every_font_is_embedded_and_named_families_are_used(built: Built) -> None:
    lines = poppler("pdffonts", str(built.path)).splitlines()[2:]
    assert lines
    for line in lines:
        assert line.split()[-5] == "yes", line  # the "emb" column
    names = " ".join(line.split()[0] for line in lines)
    for family in ("Noto-Serif-CJK-SC", "Noto-Sans-CJK-SC", "AR-PL-KaitiM-GB", "Noto-Serif-CJK-SC-Bold"):
        assert family in names
    assert "JP" not in names  # the Japanese face of the .ttc never sneaks in


def test_page_count_is_plausible_and_agrees_with_pdfinfo(built: Built) -> None:
    pages = len(built.reader.pages)
    info = poppler("pdfinfo", str(built.path))
    assert f"Pages:           {pages}" in info
    assert 12 <= pages <= 40


def test_no_page_is_empty(built: Built) -> None:
    for number in range(1, len(built.reader.pages) + 1):
        assert page_text(built, number).strip(), f"page {number} is empty"


def test_the_text_stays_inside_the_margins(built: Built) -> None:
    """Nothing is cut at the margin: every word inside the text block; only page numbers below it
    and the edition above it."""
    xml = poppler("pdftotext", "-bbox", str(built.path), "-")
    word = r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>'
    originals = {(built.reader.get_destination_page_number(d) or 0) + 1 for name, d in built.reader.named_destinations.items()
                 if name.startswith(PREFIX)}
    assert originals  # the sample's minutes: printed on the named page ``original``, its margins are its own
    for number, page in enumerate(xml.split("<page ")[1:], 1):
        width, height = (float(v) for v in re.findall(r'(?:width|height)="([\d.]+)"', page)[:2])
        top, right, low, left = MARGIN_MM if number in originals else (37, 26, 35, 28)
        bottom = height - low * MM
        for x0, y0, x1, y1, text in re.findall(word, page):
            assert float(x0) >= left * MM - 1 and float(x1) <= width - right * MM + 1, (number, text)
            if float(y0) < top * MM - 8:  # above the text block: only the running header naming the edition
                assert text == Edition.INTERNAL.note and float(y1) < top * MM - 4 * MM, (number, text)
                continue
            if float(y1) > bottom + 2:  # below the text block: the page number, 7 mm down
                assert re.fullmatch(r"—|\d+", text) and float(y0) > bottom + 4 * MM, (number, text)


def test_the_breakdown_table_header_repeats_on_landscape_pages(built: Built) -> None:
    landscape = [i for i, p in enumerate(built.reader.pages, 1) if p.mediabox.width > p.mediabox.height]
    assert len(landscape) >= 2
    for number in landscape:
        text = re.sub(r"\s+", "", page_text(built, number))
        assert "三级指标" in text and "失分原因" in text and "整改情况" in text, number
    assert "二、自评得分明细" not in page_text(built, landscape[-1])  # a later page: only the header repeats
    assert "监督保障小计" in re.sub(r"\s+", "", "".join(page_text(built, n) for n in landscape[1:]))


def test_page_numbers_alternate_sides_and_the_cover_has_none(built: Built) -> None:
    xml = poppler("pdftotext", "-bbox", str(built.path), "-")
    pages = xml.split("<page ")[1:]
    assert "—" not in pages[0]
    for number, page in enumerate(pages[1:], 2):
        width = float(re.findall(r'width="([\d.]+)"', page)[0])
        dashes = re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)"[^>]*>—</word>', page)
        assert dashes, number
        x, _ = max(dashes, key=lambda d: float(d[1]))  # the lowest dash: the page number's
        left = float(x) < width / 2
        assert left == (number % 2 == 0), number


# --- a proper document ----------------------------------------------------------------


def outline_titles(reader: PdfReader) -> list[tuple[int, str]]:
    out: list[tuple[int, str]] = []

    def walk(items: list[Any], depth: int) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                out.append((depth, str(item.title)))

    walk(reader.outline, 1)
    return out


def test_bookmarks_hold_sections_levels_and_rows(built: Built) -> None:
    titles = outline_titles(built.reader)
    depth = {title: d for d, title in titles}
    for section in ("一、总体情况", "二、自评得分明细", "三、逐项说明", "附：印证材料清单"):
        assert depth[section] == 1
    assert depth["（一）组织领导"] == 2
    rows = [r for lv in built.project.table.levels for r in lv.rows]
    assert len(rows) == 5 + EXTRA_ROWS
    for row in rows:
        matches = [d for d, title in titles if title.endswith(row.indicator.name)]
        assert matches == [3], row.indicator.id
    assert not any("主要内容" in title for _, title in titles)  # headings inside evidence bodies are not bookmarks


def test_attachments_are_embedded_with_their_sha256(built: Built) -> None:
    embedded = built.reader.attachments
    assert sorted(embedded) == ["evidence/zonghe/shot.png", "evidence/zonghe/tongzhi.pdf"]
    text = all_text(built)
    for name, contents in embedded.items():
        on_disk = (built.project.root / name).read_bytes()
        assert contents == [on_disk]
        assert hashlib.sha256(contents[0]).hexdigest() in text


def test_the_png_attachment_is_shown_inline(built: Built) -> None:
    images = [img for page in built.reader.pages for img in page.images]
    assert any(img.image is not None and img.image.size == (480, 240) for img in images)


def test_metadata_and_pdfa(built: Built) -> None:
    meta = built.reader.metadata
    assert meta is not None
    scheme = built.project.scheme
    assert meta.title == f"{scheme.issuer}2021年度政务公开工作考核自评材料"
    assert meta.author == scheme.issuer
    assert scheme.doc_number in (meta.subject or "")
    assert "政务公开" in str(meta.get("/Keywords"))
    assert str(meta.get("/CreationDate")).startswith("D:20211201103000+08'00")
    assert meta.get("/ModDate") == meta.get("/CreationDate")
    root: Any = built.reader.trailer["/Root"]
    xmp = root["/Metadata"].get_object().get_data().decode("utf-8")
    assert 'pdfaid:part="3"' in xmp and 'pdfaid:conformance="B"' in xmp, xmp
    assert built.data.startswith(b"%PDF-1.7")


def test_two_builds_are_byte_identical(built: Built) -> None:
    assert built.data == built.second


def test_no_date_from_the_clock(built: Built) -> None:
    assert datetime.now().strftime("D:%Y%m%d").encode() not in built.data


# --- the command ------------------------------------------------------------------------


def test_pdf_command_writes_the_file_and_is_silent_without_a_terminal(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1638325800")
    root = shutil.copytree(FIXTURES / "mini", tmp_path / "mini")
    assert main(["pdf", "--project", str(root), "--out", str(tmp_path / "out")]) == 0
    out, err = capsys.readouterr()
    assert (tmp_path / "out" / "dossier.pdf").read_bytes().startswith(b"%PDF-")
    assert "dossier.pdf" in out and "页" in out
    assert err == ""  # no progress bar when stderr is not a terminal


def test_a_failed_build_leaves_the_previous_pdf(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    root = shutil.copytree(FIXTURES / "mini", tmp_path / "mini")
    out = tmp_path / "out"
    out.mkdir()
    (out / "dossier.pdf").write_bytes(b"previous")

    def broken(*args: object, **kwargs: object) -> dossier.Rendered:
        raise RuntimeError("layout failed")

    monkeypatch.setattr(dossier, "render_pdf", broken)
    assert main(["pdf", "--project", str(root), "--out", str(out)]) == 1
    assert (out / "dossier.pdf").read_bytes() == b"previous"
    assert sorted(p.name for p in out.iterdir()) == ["dossier.pdf"]
    assert "内部错误" in capsys.readouterr().err


def test_html_can_be_kept_for_benchmarks(built: Built) -> None:
    html = built.path.with_suffix(".html").read_text(encoding="utf-8")  # the fixture's second build kept it
    assert html.startswith("<!DOCTYPE html>") and 'lang="zh-CN"' in html and "<script" not in html


# --- the parts ----------------------------------------------------------------------------


def test_progress_follows_weasyprint_pages() -> None:
    stream = io.StringIO()
    bar = tqdm(file=stream, disable=False, unit="页")
    handler = dossier._ProgressHandler(bar)
    logger = logging.getLogger("zwgk-test-progress")
    for page in (1, 2, 3):
        handler.emit(logger.makeRecord("weasyprint.progress", logging.INFO, "", 0,
                                       "Step 5 - Creating layout - Page %d", (page,), None))
    handler.emit(logger.makeRecord("weasyprint.progress", logging.INFO, "", 0, "Step 6 - Creating PDF", (), None))
    assert bar.n == 3 and handler.stage == "写出 PDF"
    bar.close()


def test_the_fetcher_refuses_files_outside_the_project(tmp_path: Path) -> None:
    fetcher = dossier._ProjectFetcher(tmp_path)
    with pytest.raises(ValueError):
        fetcher.fetch("file:///etc/hostname")
    with pytest.raises(ValueError):
        fetcher.fetch("https://example.com/a.png")


def line(amount: str, at_risk: bool, unit: str = "") -> ScoreLine:
    return ScoreLine("x", "required", "", "", Decimal(amount), "原因", (), at_risk, unit, False)


def with_lines(row: RowScore, *lines: ScoreLine, deduction: str, at_risk: str, missing: tuple[str, ...]) -> RowScore:
    from dataclasses import replace

    return replace(row, lines=lines, deduction=Decimal(deduction), at_risk=Decimal(at_risk), missing_facts=missing,
                   due=date(2021, 12, 10))


def test_remedy_says_what_to_supply_and_what_is_lost(built: Built) -> None:
    row = built.project.table.rows[0]
    clean = with_lines(row, line("0", False), deduction="0", at_risk="0", missing=())
    assert dossier.remedy(clean) == "—"
    supply = with_lines(row, line("-2", True, "办公室"), deduction="2", at_risk="2", missing=("检查日期",))
    assert dossier.remedy(supply) == "补充材料：“检查日期”（办公室，2021年12月10日前），可挽回2分"
    both = with_lines(row, line("-1", True), line("-0.5", False), deduction="1.5", at_risk="1", missing=("研究事项",))
    assert dossier.remedy(both) == "补充材料：“研究事项”（综合组，2021年12月10日前），可挽回1分；已扣0.5分，待整改"


@pytest.mark.parametrize(("n", "text"), [(1, "一"), (9, "九"), (10, "十"), (11, "十一"), (20, "二十"), (35, "三十五")])
def test_chinese_numerals(n: int, text: str) -> None:
    assert dossier.cn_numeral(n) == text


def test_pages_render_to_png_for_a_look(built: Built, tmp_path: Path) -> None:
    """The cover, a table page and an evidence page as PNG (kept under /tmp for a person to look at)."""
    landscape = next(i for i, p in enumerate(built.reader.pages, 1) if p.mediabox.width > p.mediabox.height)
    evidence = next(i for i, p in enumerate(built.reader.pages, 1) if "shot.png" in (p.extract_text() or ""))
    for name, number in (("cover", 1), ("table", landscape), ("evidence", evidence)):
        prefix = tmp_path / name
        subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", str(number), "-l", str(number), "-singlefile",
                        str(built.path), str(prefix)], check=True, timeout=120)
        image = prefix.with_suffix(".png").read_bytes()
        assert image.startswith(b"\x89PNG") and len(image) > 5000


def test_no_page_ends_with_a_label_or_a_table_header(built: Built) -> None:
    """"印证材料2份：" or a table's header row never ends a page: each goes with what it announces."""
    ended = []
    pages = poppler("pdftotext", "-layout", str(built.path), "-").split("\f")[:-1]
    assert len(pages) == len(built.reader.pages)
    for number, page in enumerate(pages, 1):
        lines = [ln.strip() for ln in page.splitlines() if ln.strip() and not re.fullmatch(r"—\s*\d+\s*—", ln.strip())]
        if lines and (lines[-1].endswith(("：", ":")) or re.fullmatch(r"序号\s+.*", lines[-1])):
            ended.append((number, lines[-1]))
    assert ended == []
