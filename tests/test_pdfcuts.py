"""A section of the dossier too long to lay out whole is cut at its rows and evidence blocks (scoring/render/dossier/pdfcuts.py).

The cut is a page break the serial document has too, so the parallel PDF still equals the serial one;
a section within the limit keeps its layout (the sample's dossier does not change: tests/test_pdfjobs.py
and the golden tests render it with the default limit).
"""

from __future__ import annotations

import io
import re
from functools import partial
from pathlib import Path

import pytest
import weasyprint
from pypdf import PdfReader

from scoring.gather.collect import gather
from scoring.render.dossier import dossier, pdfcuts, pdfjobs
from scoring.render.dossier.dossier import build_dossier, render_html
from scoring.render.pdftext import pdf_text

ROOT = Path(__file__).resolve().parent.parent
ROW, EVIDENCE = "<!-- zwgk:cut row -->", "<!-- zwgk:cut evidence -->"


def section(rows: list[list[int]]) -> str:
    """A details section as the template writes it: rows of evidence blocks of the given lengths, with cut marks."""
    def row(sizes: list[int]) -> str:
        blocks = EVIDENCE.join(f'<div class="evidence">{"证" * size}</div>' for size in sizes)
        return f'<div class="row-detail"><h3>行</h3>{blocks}</div>'

    return f'\n<section class="details"><h2>节</h2>{ROW.join(row(r) for r in rows)}</section>\n'


def balanced(chunk: str) -> bool:
    return (chunk.count("<section") == chunk.count("</section>")
            and chunk.count("<div") == chunk.count("</div>"))


def test_a_part_within_the_limit_only_loses_its_marks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdfjobs, "CHUNK_CHARS", 1_000)
    short = section([[100, 100], [200]])
    assert len(short) < 1_000
    html = "<body>封面" + pdfjobs.CHUNK_MARKER + short + "</body>"
    assert pdfcuts.place(html) == html.replace(ROW, "").replace(EVIDENCE, "")


def test_a_long_part_is_cut_at_rows_then_at_evidence_into_balanced_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdfjobs, "CHUNK_CHARS", 1_000)
    long = section([[300, 300], [200], [400, 400, 400], [1_500], [100]])
    html = "<body>封面" + pdfjobs.CHUNK_MARKER + long + "</body>"
    parts = pdfcuts.place(html).split(pdfjobs.CHUNK_MARKER)
    assert "zwgk:cut" not in "".join(parts)
    runs = parts[1:]
    assert len(runs) == 5  # rows 1–2 | row 3 cut in two (800 + 400) | the 1,500 alone | row 5
    assert all(balanced(run) for run in runs)
    assert all(len(run) < 1_100 for run in runs if "证" * 1_500 not in run)  # the limit, and the tags
    assert runs[2].lstrip().startswith('<section class="details"><div class="row-detail">')  # cut inside row 3
    assert "".join(re.findall("证+", "".join(runs))) == "".join(re.findall("证+", long))  # nothing lost or doubled


@pytest.fixture(scope="module")
def cut_section() -> tuple[str, list[str], str]:
    """The sample's longest 一级 section of 三、逐项说明, cut with a limit of 4,000 characters (about 8% of it)."""
    project = gather(ROOT)
    whole = render_html(build_dossier(project))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(pdfjobs, "CHUNK_CHARS", 4_000)
        cut = render_html(build_dossier(project))
    assert "zwgk:cut" not in whole and "zwgk:cut" not in cut
    head, parts, tail = pdfjobs.split(whole)
    longest = max((p for p in parts if 'class="details"' in p), key=len)
    assert len(longest) > 30_000
    first = cut.index(longest[:200])  # the same start; from there to the next 一级 heading
    end = cut.index('<h2 id="', first + 200)
    pieces = cut[first:end].split(pdfjobs.CHUNK_MARKER)
    return head, ['<p style="break-after: page">前页</p>', *pieces[:-1]], tail


def test_the_templates_cut_a_long_section_where_the_limit_says(cut_section: tuple[str, list[str], str]) -> None:
    _, parts, _ = cut_section
    pieces = parts[1:]
    assert len(pieces) >= 8
    assert all(balanced(piece) for piece in pieces)
    assert all(len(piece) <= 4_000 + 100 or piece.count('class="evidence"') <= 1 for piece in pieces)
    assert any(p.lstrip().startswith('<section class="details"><div class="row-detail">') for p in pieces)


def test_a_cut_section_lays_out_in_parallel_as_serially(cut_section: tuple[str, list[str], str]) -> None:
    """The cut section alone (behind a one-line front): its pages in two workers equal the serial pages."""
    head, parts, tail = cut_section
    html = head + pdfjobs.CHUNK_MARKER.join(parts) + tail
    base = ROOT.as_uri() + "/"
    serial = weasyprint.HTML(string=html, base_url=base, url_fetcher=dossier._ProjectFetcher(ROOT)).write_pdf()
    job = pdfjobs.PdfJob(html, base, partial(dossier._ProjectFetcher, ROOT), list)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(pdfjobs, "CHUNK_CHARS", 4_000)
        merged = pdfjobs.render(job, 2, lambda stage, pages: None, min_body=0)
    assert merged is not None and merged.chunks >= 8
    one, two = PdfReader(io.BytesIO(serial)), PdfReader(io.BytesIO(merged.pdf))
    assert len(one.pages) == len(two.pages) >= len(parts)  # every cut starts a page
    assert pdf_text(one) == pdf_text(two)  # each page's text (test_leaks.py: pypdf's, read faster)
