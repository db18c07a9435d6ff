"""The parallel PDF's admission gate (scoring/render/dossier/pdfgate.py): a second chunk waits while the live
process tree has no room for it, the render still finishes, and the PDF does not depend on the gate, nor on
workers replaced by fresh processes between chunks."""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from functools import partial

import pytest
import weasyprint
from pypdf import PdfReader
from test_pdfjobs import counting_layouts

from scoring.render.dossier import pdfgate, pdfjobs
from scoring.render.dossier.pdfjobs import CHUNK_MARKER, PdfJob
from scoring.render.pdftext import pdf_text


def _job() -> PdfJob:
    """Six short parts after a cover: every part its own chunk (``group`` aims at a quarter of a worker's share)."""
    parts = [f'<section style="page-break-before: always"><h2>第{i}部分</h2>'
             + "".join(f"<p>第{i}部分的第{j}段材料，用于检查排版进程的调度。</p>" for j in range(15)) + "</section>"
             for i in range(1, 7)]
    html = ("<html><head><meta charset=utf-8></head><body>"
            + CHUNK_MARKER.join(["<h1>封面</h1>", *parts]) + "</body></html>")
    return PdfJob(html, "file:///nonexistent/", partial(weasyprint.URLFetcher, allowed_protocols=["file"]), list)


def _render(job: PdfJob) -> bytes:
    merged = pdfjobs.render(job, 2, lambda stage, pages: None, min_body=0)
    assert merged is not None and merged.chunks >= 4
    return merged.pdf


@pytest.fixture
def decisions(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[tuple[int, bool]]]:
    """Each admission the gate was asked for: (chunks already out, admitted)."""
    seen: list[tuple[int, bool]] = []
    admits = pdfgate.admits

    def recorded(live: int | None, out: list[pdfgate.Out], chars: int, trace: bool = False) -> bool:
        allowed = admits(live, out, chars, trace)
        seen.append((len(out), allowed))
        return allowed

    monkeypatch.setattr(pdfgate, "admits", recorded)
    yield seen


def test_the_cost_to_come_counts_what_a_chunk_has_not_yet_reached() -> None:
    assert pdfgate.to_come(pdfgate.Out(100_000, 0, False)) == pytest.approx(220_000)  # nothing laid out yet
    assert pdfgate.to_come(pdfgate.Out(100_000, 10**6, True)) == pytest.approx(115_000)  # laid out: drawing to come
    half = pdfgate.to_come(pdfgate.Out(36_000, 10, False))  # 10 pages of 1,800 characters: half laid out
    assert half == pytest.approx(2.2 * 36_000 - 1.05 * 18_000)
    budget = pdfgate.BUDGET_KB
    assert pdfgate.admits(budget - 220_000, [], 100_000)
    assert not pdfgate.admits(budget - 219_000, [], 100_000)
    assert not pdfgate.admits(0, [pdfgate.Out(100_000, 0, False)] * 4, 100_000)  # 5 × 220 MB: over 950 MB
    assert pdfgate.admits(None, [pdfgate.Out(10**7, 0, False)], 10**7)  # no /proc: the character bound alone


def test_the_live_reading_is_this_process_and_its_workers() -> None:
    alone = pdfgate.live_kb([])
    assert alone is not None and 10_000 < alone < 4_000_000  # this test process: some tens or hundreds of MB
    gone = pdfgate.live_kb([2**22 + 17])  # no such process: it holds nothing
    assert gone is not None and abs(gone - alone) < 50_000
    assert (pdfgate.live_kb([os.getppid()]) or 0) > alone  # the parent counts too


def test_a_full_tree_lays_out_one_chunk_at_a_time_and_the_pdf_is_the_same(
        monkeypatch: pytest.MonkeyPatch, decisions: list[tuple[int, bool]]) -> None:
    job = _job()
    monkeypatch.setattr(pdfgate, "live_kb", lambda workers: 0)  # all the room there is
    free = _render(job)
    assert any(allowed for _, allowed in decisions), decisions  # a second chunk went out beside the first
    decisions.clear()
    laid_out: list[int] = []
    monkeypatch.setattr(pdfjobs._Run, "may_lay_out", counting_layouts(laid_out))
    monkeypatch.setattr(pdfgate, "live_kb", lambda workers: pdfgate.BUDGET_KB)  # the tree is full
    renewed: list[int] = []
    renew = pdfjobs.Workers.renew

    def counted_renew(workers: pdfjobs.Workers, w: int, job: PdfJob) -> None:
        renewed.append(w)
        renew(workers, w, job)

    monkeypatch.setattr(pdfjobs.Workers, "renew", counted_renew)
    monkeypatch.setattr(pdfgate, "RENEW_KB", 0)  # every worker is renewed whenever it may be
    full = _render(job)
    assert decisions and not any(allowed for _, allowed in decisions), decisions  # every second chunk waited
    assert laid_out and max(laid_out) == 1
    assert renewed  # fresh processes took over between chunks, and their fonts' subsets are the same
    assert full == free
    serial = weasyprint.HTML(string=job.html, base_url=job.base_url).write_pdf()
    texts = [pdf_text(PdfReader(io.BytesIO(pdf))) for pdf in (full, serial)]  # test_leaks.py: pypdf's text, faster
    assert texts[0] == texts[1] and len(texts[0]) == 7
