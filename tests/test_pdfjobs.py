"""The parallel PDF equals the serial one: text of every page, outline, links, attachments, metadata.

The repository's sample rendered over two worker processes (scoring/render/dossier/pdfjobs.py) is compared with
its serial PDF: the one ``build.py all`` wrote in the repository's shared build (test_edition.py), made by the
one plain ``write_pdf`` that ``jobs=1`` takes. Two properties that hold whatever the content are shown on a
small project with an attached original (test_dossier.py's), where a render costs half as much: two parallel renders
in schedules as different as can be (the second under the tightest memory bound, one chunk laid out at a time)
are byte-identical, and with WeasyPrint's version gate forced to a mismatch two jobs give the very bytes of one.
"""

from __future__ import annotations

import contextlib
import functools
import io
import re
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from pypdf.generic import Destination
from sharedbuild import SharedOutput
from test_dossier import INFO, make_project
from test_edition import EPOCH, repository_build

from scoring.gather.collect import gather
from scoring.gather.project import Project
from scoring.render.dossier import engine_weasyprint, pdfjobs
from scoring.render.dossier.dossier import build_dossier, build_pdf, render_html
from scoring.render.dossier.originals import PREFIX
from scoring.render.pdftext import pdf_text

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def project() -> Project:
    """The repository as ``build.py all`` gathers it in the shared build: the same commit and date."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
        return gather(ROOT)


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Project:
    """The small project with an image, an attached PDF original and an extra level (test_dossier.py)."""
    return gather(make_project(tmp_path_factory.mktemp("small") / "project"), info=INFO)


@dataclass(frozen=True)
class Serial:
    pdf: bytes
    said: str  # what the build printed on stderr


@pytest.fixture(scope="module")
def serial_build(shared_output: SharedOutput) -> Serial:
    """The repository's PDF from its shared ``build.py all`` (``jobs=1``: one plain ``write_pdf``)."""
    out = repository_build(shared_output, "internal")
    return Serial((out / "dossier.pdf").read_bytes(), (out.parent / "stderr.txt").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def serial(serial_build: Serial) -> bytes:
    return serial_build.pdf


@dataclass(frozen=True)
class Plain:
    pdf: bytes
    said: str  # what the build printed on stderr
    reference: bytes  # the same project with ``jobs=1``


@pytest.fixture(scope="module")
def plain(small: Project) -> Plain:
    """WeasyPrint not of the version verified (scoring/render/dossier/engine_weasyprint.py) and two jobs asked for:
    no workers, one plain ``write_pdf``, the very path of ``jobs=1`` (``dossier.render_pdf``)."""
    said = io.StringIO()
    with pytest.MonkeyPatch.context() as mp, contextlib.redirect_stderr(said):
        mp.setitem(engine_weasyprint.GATE.verified, "weasyprint", "0.0")
        mp.setattr(engine_weasyprint.GATE, "said", False)
        mp.setattr(pdfjobs, "Workers", None)  # starting one would fail
        pdf = build_pdf(small, jobs=2).pdf
    return Plain(pdf, said.getvalue(), build_pdf(small, jobs=1).pdf)


@pytest.fixture(scope="module")
def parallel(project: Project) -> bytes:
    """The repository's dossier over two workers."""
    return build_pdf(project, jobs=2).pdf


@dataclass(frozen=True)
class Parallel:
    pdfs: tuple[bytes, bytes]
    laid_out: list[int]  # in the second render: the chunks laid out and not yet drawn, at each chunk's start


def counting_layouts(laid_out: list[int]) -> Callable[[Any, Any], bool]:
    """``_Run.may_lay_out`` that also notes, at each ask, the chunks that would then be laid out and not drawn."""
    may = pdfjobs._Run.may_lay_out

    def counted(run: Any, chunk: Any) -> bool:
        allowed = may(run, chunk)
        laid_out.append(len(run.out()) + allowed)
        return allowed

    return counted


@pytest.fixture(scope="module")
def parallel_runs(small: Project) -> Parallel:
    """The small project over two workers twice: as usual, then with ``BUDGET_CHARS`` below any chunk, so that never
    two chunks are laid out at once over the workers (a schedule as different from the first as one can make)."""
    first = build_pdf(small, jobs=2).pdf
    laid_out: list[int] = []
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(pdfjobs, "BUDGET_CHARS", 1)
        mp.setattr(pdfjobs._Run, "may_lay_out", counting_layouts(laid_out))
        second = build_pdf(small, jobs=2).pdf
    return Parallel((first, second), laid_out)


@functools.cache  # the module's PDFs are only read: each one's text is extracted once
def page_texts(pdf: bytes) -> list[str]:
    """Each page's text, read by the leak check's reader (test_leaks.py: what pypdf reads, a tenth of the time)."""
    return pdf_text(PdfReader(io.BytesIO(pdf)))


def outline(reader: PdfReader) -> list[tuple[int, str, int | None]]:
    found: list[tuple[int, str, int | None]] = []

    def walk(items: list[Any], depth: int) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                found.append((depth, item.title, reader.get_destination_page_number(item)))

    walk(reader.outline, 0)
    return found


def links(reader: PdfReader) -> list[tuple[int, str, int | None]]:
    """Every internal link: its page, its target name and the page that name leads to."""
    dests = reader.named_destinations
    out: list[tuple[int, str, int | None]] = []
    for number, page in enumerate(reader.pages):
        for annot in page.get("/Annots") or []:
            annot = annot.get_object()
            if annot.get("/Subtype") == "/Link" and "/Dest" in annot:
                name = str(annot["/Dest"])
                target = dests[name]
                assert isinstance(target, Destination)
                out.append((number, name, reader.get_destination_page_number(target)))
    return out


def test_the_document_is_cut_where_pages_break(project: Project) -> None:
    html = render_html(build_dossier(project))
    _, parts, _ = pdfjobs.split(html)
    levels = len(project.table.levels)
    annual = 1 if "sec-annual" in html else 0  # the annual report's draft, when the project keeps registers
    assert annual == 1  # the sample does
    originals = len(build_dossier(project).originals)  # the minutes: 附：印证材料原件, then one part per original
    assert originals == 1
    # front, summary, breakdown, 一级…, 综合, 重大, 年报, files, 附：印证材料原件, each original
    assert len(parts) == 1 + 1 + 1 + levels + 2 + annual + 1 + 1 + originals
    assert "目　录" in parts[0] and "sec-summary\">一、总体情况</h1>" in parts[1]
    chunks = pdfjobs.group(parts, 2)
    assert chunks[0] == parts[0] and "".join(chunks) == "".join(parts)


def test_parallel_text_outline_links_and_attachments_equal_the_serial(parallel: bytes, serial: bytes) -> None:
    one, two = PdfReader(io.BytesIO(serial)), PdfReader(io.BytesIO(parallel))
    assert len(one.pages) == len(two.pages) > 60
    texts = zip(page_texts(serial), page_texts(parallel), strict=True)
    for number, (a, b, (text_a, text_b)) in enumerate(zip(one.pages, two.pages, texts, strict=True), 1):
        assert text_a == text_b, f"page {number}"  # footers "— N —" and the contents included
        assert a.mediabox == b.mediabox, f"page {number}"
    assert outline(one) == outline(two) and len(outline(one)) > 40
    assert links(one) == links(two) and len(links(one)) > 40
    assert {name: [f.hex() for f in files] for name, files in one.attachments.items()} == \
        {name: [f.hex() for f in files] for name, files in two.attachments.items()}
    assert one.attachments
    assert dict(one.metadata or {}) == dict(two.metadata or {})
    assert one.xmp_metadata is not None and two.xmp_metadata is not None
    intents = [reader.root_object["/OutputIntents"].get_object()[0]["/S"] for reader in (one, two)]  # type: ignore[index]
    assert intents == ["/GTS_PDFA1", "/GTS_PDFA1"]


def test_parallel_pdf_is_deterministic(parallel_runs: Parallel) -> None:
    assert parallel_runs.pdfs[0] == parallel_runs.pdfs[1]
    assert PdfReader(io.BytesIO(parallel_runs.pdfs[0])).attachments  # the original, merged from its chunk


def font_programs(reader: PdfReader) -> dict[str, set[int]]:
    """Each font (by family, without the subset tag) → the embedded programs its descriptors point at."""
    found: dict[str, set[int]] = {}
    printed = {reader.get_destination_page_number(d) for name, d in reader.named_destinations.items()
               if name.startswith(PREFIX)}
    for number, page in enumerate(reader.pages):
        if number in printed:  # an attached original, drawn with its own fonts (scoring/render/dossier/originals.py)
            continue
        resources: Any = page["/Resources"].get_object()
        for font in (resources.get("/Font") or {}).values():
            for descendant in font.get_object().get("/DescendantFonts", []):
                descriptor = descendant.get_object()["/FontDescriptor"].get_object()
                key = "/FontFile3" if "/FontFile3" in descriptor else "/FontFile2"
                family = str(descriptor["/FontName"]).split("+", 1)[1]
                found.setdefault(family, set()).add(descriptor.raw_get(key).idnum)
    return found


def test_each_font_is_embedded_once_and_every_page_looks_the_same(parallel: bytes, serial: bytes,
                                                                  tmp_path: Path) -> None:
    """The chunks share one subset of each font (not one per chunk); the pages render pixel for pixel alike."""
    one, two = font_programs(PdfReader(io.BytesIO(serial))), font_programs(PdfReader(io.BytesIO(parallel)))
    assert one.keys() == two.keys() and len(one) >= 4
    assert all(len(programs) == 1 for programs in two.values()), two
    assert len(parallel) < 1.3 * len(serial), (len(parallel), len(serial))
    for name, data in (("serial", serial), ("parallel", parallel)):
        (tmp_path / f"{name}.pdf").write_bytes(data)
        subprocess.run(["pdftoppm", "-r", "30", str(tmp_path / f"{name}.pdf"), str(tmp_path / name)], check=True)
    shown = sorted(tmp_path.glob("serial-*.ppm"))
    assert len(shown) == len(PdfReader(io.BytesIO(serial)).pages)
    for page in shown:
        twin = tmp_path / page.name.replace("serial", "parallel")
        assert page.read_bytes() == twin.read_bytes(), page.name


def test_contents_page_numbers_point_at_their_pages(parallel: bytes) -> None:
    reader = PdfReader(io.BytesIO(parallel))
    contents = reader.pages[1].extract_text()
    page_of = {title: page for _, title, page in outline(reader)}
    checked = 0
    for line in contents.splitlines():
        head, _, tail = line.rpartition(" ")
        title = head.rstrip(". ").strip()
        if tail.isdigit() and title in page_of:
            assert int(tail) == (page_of[title] or 0) + 1, line
            checked += 1
    assert checked >= 5, contents


def test_pdf_command_takes_jobs(tmp_path: Path) -> None:
    bad = subprocess.run([sys.executable, str(ROOT / "build.py"), "pdf", "--jobs", "0", "--project", str(ROOT),
                          "--out", str(tmp_path)], capture_output=True, text=True, check=False)
    assert bad.returncode == 2 and "--jobs" in bad.stderr and "正整数" in bad.stderr
    assert not (tmp_path / "dossier.pdf").exists()


def test_with_another_weasyprint_the_dossier_is_one_plain_write_pdf(plain: Plain) -> None:
    """Said once, in one line; two jobs asked for give the very bytes of one."""
    assert plain.said.count("提示：") == 1
    assert "已安装的 weasyprint 为 70.0（验证过的是 0.0）；PDF 改为单进程直接生成" in plain.said
    assert len(plain.said.strip().splitlines()) == 1, plain.said
    assert plain.pdf == plain.reference
    assert len(PdfReader(io.BytesIO(plain.pdf)).pages) > 10


def test_the_serial_render_prints_no_english(serial_build: Serial) -> None:
    """pypdf, reading WeasyPrint's file to draw the sample's minutes into it, warns in English ("Object count 581
    exceeds defined trailer size 579"): the build keeps it to itself."""
    assert PdfReader(io.BytesIO(serial_build.pdf)).attachments  # the minutes
    english = [line for line in serial_build.said.splitlines() if re.match(r"[A-Za-z][A-Za-z ]*[a-z]", line)]
    assert english == [], serial_build.said


def test_chunks_are_bounded_in_characters_but_a_part_is_never_cut() -> None:
    limit = pdfjobs.CHUNK_CHARS
    parts = ["<h1>封面</h1>", *("x" * (limit * 3 // 5) for _ in range(20)), "y" * (limit * 4), "z" * 10]
    chunks = pdfjobs.group(parts, 2)
    assert "".join(chunks) == "".join(parts) and chunks[0] == parts[0]
    assert all(len(chunk) <= limit for chunk in chunks[1:] if "y" not in chunk)
    assert max(len(chunk) for chunk in chunks) >= limit * 4  # the one long part whole, in a chunk of its own
    assert len(chunks) > 4 * 2 + 1  # more than a quarter of each worker's share would give


def test_with_the_tightest_memory_bound_one_chunk_at_a_time_and_the_same_bytes(parallel_runs: Parallel) -> None:
    """BUDGET_CHARS below any chunk: never two chunks laid out at once over the workers, and the PDF unchanged."""
    assert len(parallel_runs.laid_out) >= 4 and max(parallel_runs.laid_out) == 1
    assert parallel_runs.pdfs[1] == parallel_runs.pdfs[0]
