"""The leak check: each kind of leak planted in a real output folder is found at its place."""

from __future__ import annotations

import base64
import gzip
import io
import json
import shutil
from pathlib import Path

import pytest
import weasyprint
from PIL import Image
from pypdf import PdfReader

from scoring.render import leakscan
from scoring.render.leaks import (
    ATTACHMENT,
    BODY,
    DIGEST,
    FACT,
    FILE_NAME,
    PICTURE,
    TITLE,
    Fingerprints,
    Hit,
    Internal,
    fingerprints,
    normalise,
    sha256,
)
from scoring.render.leakscan import scan
from scoring.render.pdftext import pdf_text

SECRET = "局党组会议议定：对拟提拔的王某同志暂缓公示，待纪检组函复后再议。"
QUOTED = "对照政务服务事项清单更新办事指南，在大厅和门户网站同步公开"  # the scheme's own words
BODY_TEXT = f"""## 局党组会议纪要

{SECRET}

会议要求{QUOTED}。
"""
PUBLIC_TEXT = f"要求各单位{QUOTED}，并按月报送。"
MINUTES: bytes = weasyprint.HTML(string="<p>纪要原件（扫描件）</p>").write_pdf()


def picture() -> bytes:
    image = Image.new("RGB", (24, 16))
    image.putdata([((x * 37) % 256, (y * 53) % 256, (x * y) % 256) for y in range(16) for x in range(24)])
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


PNG = picture()


@pytest.fixture(scope="module")
def fp() -> Fingerprints:
    internal = Internal(
        path="evidence/zonghe/2021-03-18-dangzu-huiyi.md", body=BODY_TEXT, title="党组会议研究干部事项",
        texts=("局机关三楼小会议室", "王某"),
        attachments=(("2021-03-18-jiyao.pdf", MINUTES), ("huiyi-paizhao.png", PNG)),
    )
    return fingerprints([internal], allowed=[PUBLIC_TEXT, "局党组会议"])


def page(body: str) -> str:
    return f"<!doctype html><html><head><meta charset='utf-8'><title>t</title></head><body>{body}</body></html>"


def where(hits: list[Hit]) -> set[tuple[str, str, str]]:
    return {(h.output, h.place, h.kind) for h in hits}


def pdf(tmp: Path, html: str, attachments: list[weasyprint.Attachment] | None = None) -> bytes:
    data: bytes = weasyprint.HTML(string=html, base_url=str(tmp)).write_pdf(attachments=attachments or [])
    return data


def test_fingerprints_leave_out_public_words(fp: Fingerprints) -> None:
    assert normalise(QUOTED)[:16] not in fp.grams  # quoted from the scheme: not a leak
    assert normalise(SECRET)[:16] in fp.grams
    assert "局机关三楼小会议室" in fp.short and "王某" not in fp.short  # too short to look for
    assert sha256(MINUTES) in fp.hashes and "2021-03-18-jiyao.pdf" in fp.names
    assert "2021-03-18-dangzu-huiyi.md" in fp.names and len(fp.pictures) == 1


def test_each_planted_leak_is_found_at_its_place(tmp_path: Path, fp: Fingerprints,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "site"
    (out / "a" / "files").mkdir(parents=True)
    # a sentence split by markup and written with entities
    (out / "a" / "index.html").write_text(page(
        "<p>局党组会议议定：对拟<strong>提拔的</strong>王某同志暂缓公示，待纪检组&#20989;复后再议。</p>"
        "<a href='../files/2021-03-18-jiyao.pdf'>纪要</a>"
        f"<img src='data:image/png;base64,{base64.b64encode(PNG).decode()}'>"), encoding="utf-8")
    (out / "search").mkdir()
    (out / "search" / "search_index.json").write_text(json.dumps({"config": {}, "docs": [
        {"location": "rows/zzld/", "title": "组织领导", "text": "<p>公开内容</p>"},
        {"location": "evidence/x/", "title": "会议", "text": "<p>地点：局机关三楼小会议室。</p>"},
    ]}, ensure_ascii=False), encoding="utf-8")
    sitemap = ("<?xml version='1.0'?><urlset><url><loc>https://example.org/files/"
               "%E9%99%84/2021-03-18-dangzu-huiyi.md</loc></url></urlset>")
    (out / "sitemap.xml.gz").write_bytes(gzip.compress(sitemap.encode(), mtime=0))
    (out / "a" / "files" / "renamed.bin").write_bytes(MINUTES)  # copied under another name
    (out / "a" / "files" / "2021-03-18-jiyao.pdf").write_bytes(pdf(tmp_path, page("<p>另一份文件</p>")))
    (out / "digest.txt").write_text(f"附件校验值 {sha256(MINUTES)}", encoding="utf-8")
    (out / "title.html").write_text(page("<h1>党组会议研究 干部事项</h1>"), encoding="utf-8")
    (out / "dossier.pdf").write_bytes(pdf(tmp_path, page(
        "<p>封面</p><p style='break-before: page'>第二页：（王某同志暂缓公示，待纪检组函复后再议）</p>"
        "<svg width='300' height='40'><text x='0' y='20'>党组会议研究干部事项</text></svg>"
        "<p style='break-before: page'>第三页</p><img src='pic.png'>").replace("pic.png", _write(tmp_path, "pic.png", PNG)),
        [weasyprint.Attachment(file_obj=io.BytesIO(MINUTES), name="2021-03-18-jiyao.pdf")]))
    (out / "z" / "search").mkdir(parents=True)  # the same bytes under the same names: read once, said of each
    shutil.copy(out / "dossier.pdf", out / "z" / "dossier.pdf")
    shutil.copy(out / "search" / "search_index.json", out / "z" / "search" / "search_index.json")
    read: list[str] = []
    reading = leakscan._Scan.file

    def noted(state: leakscan._Scan, output: str, data: bytes, name: str) -> None:
        read.append(output)
        reading(state, output, data, name)

    monkeypatch.setattr(leakscan._Scan, "file", noted)
    hits = scan(out, fp)
    assert "z/dossier.pdf" not in read and "z/search/search_index.json" not in read and "dossier.pdf" in read
    for copy in ("dossier.pdf", "search/search_index.json"):
        said = {(h.place, h.source, h.kind, h.snippet) for h in hits if h.output == copy}
        assert said and said == {(h.place, h.source, h.kind, h.snippet) for h in hits if h.output == f"z/{copy}"}
    found = where(hits)
    expected = {
        ("a/index.html", "正文", BODY),
        ("a/index.html", "标签属性", FILE_NAME),
        ("a/index.html", "内嵌数据（data: URI）", PICTURE),
        ("search/search_index.json", "搜索索引 evidence/x/", FACT),
        ("sitemap.xml.gz", "正文", FILE_NAME),
        ("a/files/renamed.bin", "整个文件", ATTACHMENT),
        ("a/files/2021-03-18-jiyao.pdf", FILE_NAME, FILE_NAME),
        ("digest.txt", "正文", DIGEST),
        ("title.html", "正文", TITLE),
        ("dossier.pdf", "第2页", BODY),
        ("dossier.pdf", "第2页", TITLE),
        ("dossier.pdf", "第3页的图片", PICTURE),
        ("dossier.pdf", "PDF 嵌入文件 2021-03-18-jiyao.pdf", ATTACHMENT),
        ("dossier.pdf", "PDF 嵌入文件 2021-03-18-jiyao.pdf", FILE_NAME),
    }
    assert expected <= found, expected - found
    assert not any(h.place == "第1页" for h in hits)
    body_hit = next(h for h in hits if h.output == "a/index.html" and h.kind == BODY)
    assert "王某同志暂缓公示，待纪检组函复后再议" in body_hit.snippet
    assert body_hit.source == "evidence/zonghe/2021-03-18-dangzu-huiyi.md"
    assert body_hit.format().startswith("a/index.html（正文）：含有内部材料 evidence/zonghe/2021-03-18-dangzu-huiyi.md 的正文：“")


def _write(folder: Path, name: str, data: bytes) -> str:
    (folder / name).write_bytes(data)
    return name


def test_pdf_metadata_and_bookmarks(tmp_path: Path, fp: Fingerprints) -> None:
    html = ("<!doctype html><html><head><meta charset='utf-8'><title>党组会议研究干部事项</title></head>"
            "<body><h1>目录</h1><h2>局机关三楼小会议室</h2></body></html>")
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "x.pdf").write_bytes(pdf(tmp_path, html))
    found = where(scan(tmp_path / "out", fp))
    assert ("x.pdf", "PDF 元数据 /Title", TITLE) in found
    assert ("x.pdf", "PDF 书签", FACT) in found
    assert ("x.pdf", "第1页", FACT) in found


def test_a_clean_folder_gives_no_hit(tmp_path: Path, fp: Fingerprints) -> None:
    out = tmp_path / "site"
    out.mkdir()
    (out / "index.html").write_text(page(
        f"<p>{PUBLIC_TEXT}</p><p>内部材料（不公开）：2021-03-18-dangzu-huiyi</p><p>局党组会议研究</p>"
        "<a href='files/2021-03-18-jiyao-public.pdf'>公开附件</a>"), encoding="utf-8")
    (out / "search_index.json").write_text(json.dumps({"docs": [{"location": "", "text": PUBLIC_TEXT}]},
                                                      ensure_ascii=False), encoding="utf-8")
    (out / "sitemap.xml.gz").write_bytes(gzip.compress(b"<urlset><url><loc>https://example.org/</loc></url></urlset>",
                                                       mtime=0))
    (out / "dossier.pdf").write_bytes(pdf(tmp_path, page(f"<p>{PUBLIC_TEXT}</p><p>内部材料（不公开）</p>")))
    assert scan(out, fp) == []


def test_fast_pdf_text_reads_what_pypdf_reads(tmp_path: Path) -> None:
    html = page("<h1>标题 Title</h1><p>正文第一段，含 English words 与数字 12345。</p>"
                "<table><tr><td>单元格甲</td><td>单元格乙</td></tr></table>"
                "<svg width='200' height='30'><text x='0' y='20'>图中文字</text></svg>"
                "<p style='break-before: page; font-family: serif'>第二页 <b>粗体</b> <i>斜体</i></p>")
    reader = PdfReader(io.BytesIO(pdf(tmp_path, html)))
    fast = [normalise(t) for t in pdf_text(reader)]
    slow = [normalise(p.extract_text()) for p in reader.pages]
    assert fast == slow
    assert "图中文字" in fast[0] and "粗体" in fast[1]
