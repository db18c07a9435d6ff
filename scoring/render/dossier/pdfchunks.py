"""The worker side of the parallel PDF (scoring/render/dossier/pdfjobs.py): lay chunks out, draw them, subset fonts.

A worker runs tasks from the parent, one at a time:

- ``count``: lay chunk 0 out with placeholder page numbers and report its page count only;
- ``layout``: lay a chunk out with its margin boxes held back (``engine_weasyprint.hold_margin_boxes``)
  and report its page count, anchors, bookmarks and unresolved link targets; the chunk is kept
  until the parent sends its first page number;
- ``draw``: make the chunk's margin boxes as pages ``offset + 1 …`` of the whole document, write the
  chunk's PDF, send it, and free the chunk at once (its layout is the bulk of a worker's memory);
- ``front``: chunk 0 with the real page numbers, laid out, reported and drawn in one go;
- ``fonts``: one subset per font over the glyphs of every chunk (``engine_weasyprint.union_subset``).

Memory: the parent never gives a worker a layout while what it holds would pass the bound (see
``pdfjobs._Run.may_lay_out``), and a drawn chunk is freed before the worker reads its next task: after
``count``, ``draw`` and ``front`` the worker runs a full collection, trims, and sends ``ready`` with its
own memory (PSS), from which the parent decides whether to replace it by a fresh process
(``pdfjobs._Run._renew``).
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import logging
import os
import sys
import time
import traceback
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

from ...core import envvars, memory
from . import engine_weasyprint as engine

TRACE = bool(envvars.get("ZWGK_PDF_TRACE"))  # scheduling events with times, on stderr
SCALE = 0.75  # PDF points per CSS pixel

# The cyclic collector's default (a young collection every 700 allocations) costs a worker about a
# tenth of its CPU: layout allocates millions of small objects that live as long as the chunk.
# Young collections every 10,000, with the import's objects frozen out of every collection and one
# full collection after each chunk is written (which frees its cycles), cost about 10% less CPU
# at the same peak memory.
_GC_THRESHOLD = 10_000


@dataclass
class _Held:
    """A laid-out chunk waiting for its first page number."""

    document: Any
    html: Any
    deferred: list[engine.Deferred]


class _Relay(logging.Handler):
    """Sends WeasyPrint's page progress and warnings of the current chunk to the parent."""

    def __init__(self, conn: Connection):
        super().__init__(logging.INFO)
        self.conn = conn
        self.chunk = -1
        self.warnings: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.name == "weasyprint.progress":
            message = str(record.msg)
            args = record.args if isinstance(record.args, tuple) else ()
            if message.startswith("Step 5 - Creating layout - Page") and args and isinstance(args[0], int):
                self.conn.send(("page", self.chunk, args[0]))
        elif record.levelno >= logging.WARNING:
            self.warnings.append(record.getMessage())

    def take(self) -> list[str]:
        warnings, self.warnings = self.warnings, []
        return warnings


def serve(fd: int) -> None:
    """A worker process: runs tasks from the parent until it sends None; a failure goes back as text."""
    conn = Connection(fd)
    try:
        _prepare()
        job = conn.recv()
        if job is not None:  # None: the parent needed no worker after all
            _Worker(conn, job).run()
    except EOFError:  # the parent has gone
        pass
    except BaseException:  # the parent turns it into its own error; nothing is printed here
        with contextlib.suppress(OSError):
            conn.send(("error", -1, traceback.format_exc()))
    finally:
        conn.close()
        # Like build.py: nothing is left to write, and freeing the layout objects one by one at
        # interpreter teardown takes seconds that the parent would wait for.
        sys.stderr.flush()
        os._exit(0)


def _prepare() -> None:
    """What a worker can do before its job arrives: load WeasyPrint (a second or so), tune the collector."""
    import weasyprint.layout  # noqa: F401  (imports weasyprint)

    gc.collect()
    gc.freeze()
    gc.set_threshold(_GC_THRESHOLD, 10, 10)


def _trim() -> None:
    """Give the memory just freed back to the system (glibc keeps it otherwise).

    Freeing a laid-out chunk of 229,000 characters took the worker from 294 MB to 222 MB (PSS);
    ``malloc_trim`` then to 145 MB. Without it a worker stays at the size of its largest chunk, and
    the bound over all workers (``pdfjobs.BUDGET_CHARS``) would hold for the chunks but not for memory.
    """
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)


class _Worker:
    """One worker's state: the job (``pdfjobs.PdfJob``), the chunks it holds laid out, the fonts it used."""

    def __init__(self, conn: Connection, job: Any):
        self.conn, self.job = conn, job
        engine.hold_margin_boxes()  # this process renders chunks only
        self.relay = _Relay(conn)
        progress, main = logging.getLogger("weasyprint.progress"), logging.getLogger("weasyprint")
        progress.setLevel(logging.INFO)
        progress.propagate = False
        progress.addHandler(self.relay)
        main.addHandler(self.relay)
        self.fetcher = job.fetcher()
        self.held: dict[int, _Held] = {}
        self.fonts = engine.FontLog()
        # A PDF up to version 1.4 lists each font's glyphs in a CIDSet, which the shared program would
        # not match: there every chunk keeps its own subset (``pdfmerge.share_programs`` leaves it alone).
        version = engine.pdf_version(job.options)
        engine.record_fonts(self.fonts, defer=not str(version) <= "1.4")  # the test WeasyPrint makes for a CIDSet

    def run(self) -> None:
        while True:
            task = self.conn.recv()
            if task is None:
                break
            kind, chunk, payload = task
            cpu = time.process_time()
            self.relay.warnings = []
            getattr(self, f"do_{kind}")(chunk, payload)
            if kind in ("count", "draw", "front"):
                gc.collect()  # the chunk just sent, with its cycles: freed before the next task
                _trim()
                self.conn.send(("ready", chunk, memory.pss_kb([os.getpid()]) or 0))  # what stays: the parent may renew it
            if TRACE:
                print(f"      worker {os.getpid()} {kind} {chunk}: {time.process_time() - cpu:.2f} s CPU",
                      file=sys.stderr)

    def lay_out(self, chunk: int, html_text: str) -> _Held:
        import weasyprint

        self.relay.chunk = chunk
        with engine.deferring() as deferred:
            html = weasyprint.HTML(string=html_text, base_url=self.job.base_url, url_fetcher=self.fetcher)
            document = html.render()
        return _Held(document, html, deferred)

    def report(self, chunk: int, laid: _Held) -> None:
        pages = laid.document.pages
        anchors: dict[str, tuple[int, float, float]] = {}
        marks: list[list[tuple[int, str, tuple[float, float], str]]] = []
        targets: set[str] = set()
        for index, page in enumerate(pages):
            for name, (x, y, _, _) in page.anchors.items():
                anchors.setdefault(name, (index, x * SCALE, (page.height - y) * SCALE))
            marks.append([(level, label, (x * SCALE, (page.height - y) * SCALE), state)
                          for level, label, (x, y), state in page.bookmarks])
            targets.update(target for kind, target, _, _ in page.links if kind == "internal")
        self.conn.send(("laid", chunk, len(pages), anchors, marks, sorted(targets - anchors.keys()),
                        self.relay.take()))

    def write(self, laid: _Held, offset: int, attachments: list[Any]) -> bytes:
        """Make the held-back margin boxes as pages ``offset + 1 …`` of the whole document, and the PDF."""
        engine.add_margin_boxes(laid.html, laid.deferred, offset)
        pages = laid.document.pages
        present = {name for page in pages for name in page.anchors}
        # Links to other chunks stay named destinations: give their names a stand-in here so that
        # WeasyPrint keeps them; the merged document's name tree points them at the real pages.
        missing = {target for page in pages for kind, target, _, _ in page.links
                   if kind == "internal" and target not in present}
        for name in sorted(missing):
            pages[0].anchors[name] = (0, 0, 0, 0)
        data: bytes = laid.document.write_pdf(attachments=attachments, **self.job.options)
        return data

    def do_count(self, chunk: int, html_text: str) -> None:
        """Chunk 0 with placeholders: only its page count matters."""
        pages = len(self.lay_out(chunk, html_text).document.pages)
        self.conn.send(("counted", chunk, pages, self.relay.take()))

    def do_layout(self, chunk: int, html_text: str) -> None:
        self.held[chunk] = laid = self.lay_out(chunk, html_text)
        self.report(chunk, laid)

    def do_draw(self, chunk: int, offset: int) -> None:
        laid = self.held.pop(chunk)
        self.relay.chunk = chunk
        data = self.write(laid, offset, [])
        del laid
        self.conn.send(("drawn", chunk, data, self.relay.take(), self.fonts.take()))

    def do_front(self, chunk: int, html_text: str) -> None:
        """Chunk 0 with the real numbers, the metadata and the attachments."""
        laid = self.lay_out(chunk, html_text)
        self.report(chunk, laid)
        data = self.write(laid, 0, self.job.attachments())
        del laid
        self.conn.send(("drawn", chunk, data, self.relay.take(), self.fonts.take()))

    def do_fonts(self, chunk: int, wanted: dict[str, tuple[tuple[int, ...], bool]]) -> None:
        """One subset of each font given, over the glyphs of every chunk."""
        self.conn.send(("fonts", chunk, {name: engine.union_subset(self.fonts.originals[name], glyphs, missing)
                                         for name, (glyphs, missing) in wanted.items()}))
