"""A PDF worker that fails or dies says which evidence it was laying out, and when memory ran out, says so."""

from __future__ import annotations

import signal
from functools import partial

import pytest
import weasyprint

from scoring.render.dossier import pdfjobs
from scoring.render.dossier.pdfjobs import CHUNK_MARKER, PdfJob, WorkerDied


def evidence(path: str, inner: str = "材料") -> str:
    return f'<div class="evidence" id="ev-{len(path)}" data-source="{path}"><p>{inner}</p></div>'


def test_the_message_names_the_chunks_evidence_and_memory() -> None:
    chunk = evidence("evidence/bgs/a.md") + evidence("evidence/bgs/b&amp;c.md")
    failed = str(WorkerDied(chunk, "Traceback …\nMemoryError", None))
    assert "evidence/bgs/a.md、evidence/bgs/b&c.md" in failed and "出错" in failed and "内存不足" in failed
    killed = WorkerDied(chunk, "", -signal.SIGKILL)  # what the kernel's out-of-memory killer sends
    assert killed.memory and "意外结束" in str(killed) and "退出码 -9" in str(killed)
    many = WorkerDied("".join(evidence(f"evidence/{i}.md") for i in range(9)), "RecursionError: too deep", None)
    assert "等 9 份证据" in str(many) and not many.memory and "RecursionError" in str(many)
    assert "封面、目录或得分表" in str(WorkerDied("<h1>目录</h1>", "", 1))


def test_a_worker_that_fails_names_its_evidence_and_no_traceback_reaches_the_user() -> None:
    deep = "<div>" * 1500 + "深" + "</div>" * 1500  # WeasyPrint recurses on nesting
    parts = [evidence("evidence/zonghe/first.md"), evidence("evidence/zonghe/deep.md", deep),
             evidence("evidence/zonghe/last.md")]
    html = "<html><body>" + CHUNK_MARKER.join(["<h1>封面</h1>", *parts]) + "</body></html>"
    job = PdfJob(html, "file:///nonexistent/", partial(weasyprint.URLFetcher, allowed_protocols=["file"]), list)
    with pytest.raises(WorkerDied) as raised:
        pdfjobs.render(job, 2, lambda stage, pages: None, min_body=0)
    message = str(raised.value)
    assert "evidence/zonghe/deep.md" in message and "RecursionError" in message, message
    assert "Traceback" not in message and len(message.splitlines()) == 1
