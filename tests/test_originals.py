"""Attached PDF originals printed as pages of the dossier (scoring/render/dossier/originals.py), on a small project."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader, PdfWriter

from scoring.gather.collect import gather
from scoring.render.dossier.dossier import build_pdf
from scoring.render.dossier.originals import PREFIX

ROOT = Path(__file__).resolve().parent.parent
MINUTES = ROOT / "evidence" / "zonghe" / "2021-03-18-dangzu-huiyi.pdf"


@dataclass(frozen=True)
class Built:
    pdf: bytes
    pages: list[str]  # pdftotext -layout, page by page
    reader: PdfReader


def _three_pages(target: Path) -> None:
    """The minutes three times, the second turned to landscape (/Rotate 90)."""
    writer = PdfWriter()
    for turn in (0, 90, 0):
        page = writer.add_page(PdfReader(MINUTES).pages[0])
        if turn:
            page.rotate(turn)
    with target.open("wb") as out:
        writer.write(out)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    project = tmp_path_factory.mktemp("p") / "mini"
    shutil.copytree(ROOT / "tests" / "fixtures" / "mini", project)
    folder = project / "evidence" / "zonghe"
    _three_pages(folder / "jiyao.pdf")
    (folder / "broken.pdf").write_bytes(b"%PDF-1.4\n% not a PDF after all\n")
    minutes = folder / "yanjiu.md"
    minutes.write_text(minutes.read_text(encoding="utf-8").replace(
        "kind: 会议纪要\n", "kind: 会议纪要\nattachments: [jiyao.pdf, broken.pdf]\n"), encoding="utf-8")
    rendered = build_pdf(gather(project, with_git=False), jobs=1)
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=rendered.pdf, capture_output=True,
                          check=True).stdout.decode("utf-8")
    return Built(rendered.pdf, text.split("\f")[:-1], PdfReader(io.BytesIO(rendered.pdf)))


def _pdfinfo_pages(pdf: bytes) -> int:
    info = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, check=True).stdout.decode("utf-8")
    return int(re.search(r"Pages:\s+(\d+)", info).group(1))  # type: ignore[union-attr]


def test_every_page_of_every_original_is_a_page_of_the_dossier(built: Built) -> None:
    dests = {name: built.reader.get_destination_page_number(d) or 0 for name, d in built.reader.named_destinations.items()
             if name.startswith(PREFIX)}
    body = dests[f"{PREFIX}1-0"]  # pages before the first original: the dossier's own
    # 3 pages of the minutes, and one page saying the damaged file cannot be printed
    assert _pdfinfo_pages(built.pdf) == len(built.reader.pages) == body + 3 + 1
    assert sorted(dests.values()) == list(range(body, body + 4))
    for page in built.pages[body:body + 3]:  # the original's own text, drawn into each placeholder
        assert "局党组会议纪要" in page and "双公示" in page
        assert "原件1：局党组会议研究政务公开工作" in page and "SHA-256" in page
    assert "第2页／共3页" in built.pages[body + 1]
    assert "原件2" in built.pages[body + 3] and "无法按页排入" in built.pages[body + 3]
    assert re.search(rf"—\s*{body + 1}\s*—", built.pages[body])  # numbered in the dossier's sequence


def test_originals_are_in_the_contents_the_outline_and_still_embedded(built: Built) -> None:
    contents = next(p for p in built.pages if "目" in p and "录" in p)
    entry = re.search(r"1\. 局党组会议研究政务公开工作\s*\.+\s*(\d+)", contents)
    assert entry is not None
    first = next(i for i, p in enumerate(built.pages, 1) if "原件1：" in p)
    assert int(entry.group(1)) == first
    titles = [item.title for item in built.reader.outline if not isinstance(item, list)]
    assert "附：印证材料原件" in titles
    assert sorted(built.reader.attachments) == ["evidence/zonghe/broken.pdf", "evidence/zonghe/jiyao.pdf"]
    assert built.reader.pdf_header == "%PDF-1.7"


def test_the_landscape_page_is_turned_and_fitted(built: Built) -> None:
    body = next(i for i, p in enumerate(built.pages) if "原件1：" in p)
    page = built.reader.pages[body + 1]
    boxes = subprocess.run(["pdftotext", "-bbox", "-f", str(body + 2), "-l", str(body + 2), "-", "-"],
                           input=built.pdf, capture_output=True, check=True).stdout.decode("utf-8")
    words = [tuple(map(float, m)) for m in re.findall(
        r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">[^<]*纪要', boxes)]
    assert words, "the minutes' title is on the turned page"
    width, height = float(page.mediabox.width), float(page.mediabox.height)
    for x0, y0, x1, y1 in words:  # inside the page, below the running header
        assert 0 < x0 < x1 < width and 60 < y0 < y1 < height


def test_no_page_ends_with_a_label(built: Built) -> None:
    assert ended_with_label(built.pages) == []


def ended_with_label(pages: list[str]) -> list[tuple[int, str]]:
    """Pages whose last line of text (the page number aside) is a label such as "印证材料2份："."""
    found = []
    for number, page in enumerate(pages, 1):
        lines = [ln.strip() for ln in page.splitlines() if ln.strip() and not re.fullmatch(r"—\s*\d+\s*—", ln.strip())]
        if lines and lines[-1].endswith(("：", ":")):
            found.append((number, lines[-1]))
    return found


def test_the_originals_fonts_are_on_their_pages_only(built: Built) -> None:
    def fonts(page: int) -> set[str]:
        resources: Any = built.reader.pages[page]["/Resources"].get_object()
        return set((resources.get("/Font") or {}).keys())

    body = next(i for i, p in enumerate(built.pages) if "原件1：" in p)
    own = fonts(body) - fonts(0)
    assert own, "the minutes bring their own fonts"
    assert all(not own & fonts(page) for page in range(body))  # WeasyPrint's shared resources are left alone
