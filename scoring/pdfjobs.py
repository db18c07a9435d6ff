"""One HTML document rendered to PDF over several processes, merged into the PDF a serial render gives.

The document is cut at chunk markers (``CHUNK_MARKER``, placed by the templates between top-level
parts that start on a new page anyway), so every chunk lays out exactly as the same pages of the
whole document would. Chunk 0 (cover and contents) is special: its contents show the page numbers
of every other chunk.

WeasyPrint lays a chunk out without knowing where it starts in the whole document: layout does not
depend on the page number, and the margins are the same on left and right pages. Only the margin
boxes (the "— N —" footers, and whether a page is a left or a right one) do. So in a worker the
margin boxes are held back while WeasyPrint paginates (``engine_weasyprint.hold_margin_boxes`` replaces
``weasyprint.layout.make_margin_boxes``, which ``layout_document`` calls after pagination), the
worker reports its page count and anchors, and once the pages before it are counted the parent
sends the chunk's first page number; the worker then makes the margin boxes with the page counter
shifted (and the left/right side flipped when the offset is odd) and writes the chunk's PDF.

The run, with N worker processes (spawned, so each starts with a clean WeasyPrint):

0. the workers are started (``started``, from ``dossier.build_pdf``) before the HTML is written, and
   load WeasyPrint while the parent writes it: about a second of start-up off the critical path;
1. chunk 0 is laid out once with placeholder page numbers in its contents, only to count its pages;
2. every other chunk is laid out, in document order (but the last N largest first, so that the
   last layout, which step 3 waits for, is a short one), then drawn as soon as its offset is known;
   a worker that waits for an offset lays out the next chunk meanwhile;
3. chunk 0 is laid out again with the real numbers (``data-page`` on each contents link, which the
   CSS shows instead of ``target-counter``) and written with the document's metadata and
   attachments; its page count must equal step 1's, else the whole document is rendered serially;
4. the parent appends every chunk's pages to chunk 0's PDF (pypdf; each chunk's PDF is read as it
   arrives, the rest waits for the last one), and writes one name tree of destinations (links
   between chunks are kept as named destinations), one outline built by WeasyPrint's own bookmark
   algorithm over all pages, and a file identifier derived from the chunks' bytes: same input, same
   bytes;
5. fonts: WeasyPrint subsets each font per document, so every chunk would embed its own subset of
   each font (the merged file several times the serial one). A worker does not subset at all: it
   logs the glyphs each chunk used and writes a four-byte stand-in program (``engine_weasyprint.record_fonts`` wraps
   WeasyPrint's ``Font.clean``); once all chunks are drawn, the parent asks the workers for one
   subset per font over the union of the glyphs (``engine_weasyprint.union_subset``: the same HarfBuzz subsetting
   WeasyPrint does, glyph ids retained), spread over the workers that have the font, and every
   chunk's font descriptor then points at that one program. Glyph ids are kept, so each chunk's
   widths and text maps stay valid. (Up to PDF 1.4, where a CIDSet lists a chunk's glyphs, chunks
   keep their own subsets.)

CPU: a worker's cyclic garbage collector runs young collections every 10,000 allocations (not
700), with the import's objects frozen, and a full collection when a written chunk is dropped;
with the fonts left to step 5, the workers and the parent together spend about the CPU of a serial
render (at 513 pages: 64.9 s against 65.4 s in one side-by-side run; 91.9 s against 82.3 s before).

Memory: a worker holds at most the chunks it has laid out and not yet drawn, plus the one it wrote
last (freed when its next chunk task comes, so that the parent never waits for that after a
worker's last chunk), always less than the whole document a serial render holds.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import logging
import os
import re
import socket
import subprocess
import sys
import time
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any

from . import engine_weasyprint as engine
from . import envvars

CHUNK_MARKER = "<!-- zwgk:chunk -->"
_TRACE = bool(envvars.get("ZWGK_PDF_TRACE"))  # scheduling events with times, on stderr
SCALE = 0.75  # PDF points per CSS pixel
_TOC_LINK = re.compile(r'(<a href="#([^"]+)")(>)')
# Below about 25 pages (1.4–1.8 kB of HTML a page) starting the workers costs more than it saves.
MIN_BODY = 40_000
_PLACEHOLDER = "8888"  # wider than any real page number: the contents never get longer in step 3


def default_jobs() -> int:
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


# --- the job ----------------------------------------------------------------------


@dataclass(frozen=True)
class PdfJob:
    """Everything a worker needs; the callables must be picklable (module-level or partials)."""

    html: str
    base_url: str
    fetcher: Callable[[], Any]  # -> weasyprint.URLFetcher
    attachments: Callable[[], list[Any]]  # -> [weasyprint.Attachment], written with chunk 0
    options: dict[str, Any] = field(default_factory=dict)  # write_pdf options (pdf_variant …)


@dataclass(frozen=True)
class Merged:
    pdf: bytes
    pages: int
    warnings: tuple[str, ...]
    chunks: int


def split(html: str) -> tuple[str, list[str], str]:
    """(head up to and with <body>, body parts between markers, the tail from </body>)."""
    start = html.index(">", html.index("<body")) + 1
    end = html.rindex("</body>")
    return html[:start], html[start:end].split(CHUNK_MARKER), html[end:]


def group(parts: list[str], jobs: int) -> list[str]:
    """Chunk 0 is parts[0]; the other parts are joined into chunks of about a quarter of a worker's share."""
    rest = parts[1:]
    target = sum(map(len, rest)) / max(1, 4 * jobs)
    chunks: list[str] = [parts[0]]
    current = ""
    for part in rest:
        if current and len(current) + len(part) > target:
            chunks.append(current)
            current = ""
        current += part
    if current and len(chunks) > 1 and len(current) < target / 4:
        chunks[-1] += current  # a short last part (附) does not get a process round trip and a PDF of its own
    elif current:
        chunks.append(current)
    return chunks


def with_page_numbers(front: str, pages: dict[str, int] | None) -> str:
    """Chunk 0 with a ``data-page`` on every contents link: the real number, or a placeholder."""

    def number(match: re.Match[str]) -> str:
        value = _PLACEHOLDER if pages is None else str(pages.get(match.group(2), ""))
        return f'{match.group(1)} data-page="{value}"{match.group(3)}'

    return _TOC_LINK.sub(number, front)


# --- the worker -------------------------------------------------------------------


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


def serve(fd: int) -> None:
    """A worker process: runs tasks from the parent until it sends None; a failure goes back as text."""
    conn = Connection(fd)
    try:
        _prepare()
        job = conn.recv()
        if job is not None:  # None: the parent needed no worker after all
            _worker(conn, job)
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


# The cyclic collector's default (a young collection every 700 allocations) costs a worker about a
# tenth of its CPU: layout allocates millions of small objects that live as long as the chunk.
# Young collections every 10,000, with the import's objects frozen out of every collection and one
# full collection after each chunk is written (which frees its cycles), cost about 10% less CPU
# at the same peak memory.
_GC_THRESHOLD = 10_000


def _prepare() -> None:
    """What a worker can do before its job arrives: load WeasyPrint (a second or so), tune the collector."""
    import gc

    import weasyprint.layout  # noqa: F401  (imports weasyprint)

    gc.collect()
    gc.freeze()
    gc.set_threshold(_GC_THRESHOLD, 10, 10)


def _worker(conn: Connection, job: PdfJob) -> None:
    import gc

    import weasyprint

    engine.hold_margin_boxes()  # this process renders chunks only
    relay = _Relay(conn)
    progress, main = logging.getLogger("weasyprint.progress"), logging.getLogger("weasyprint")
    progress.setLevel(logging.INFO)
    progress.propagate = False
    progress.addHandler(relay)
    main.addHandler(relay)
    fetcher = job.fetcher()
    held: dict[int, _Held] = {}
    fonts = engine.FontLog()
    # A PDF up to version 1.4 lists each font's glyphs in a CIDSet, which the shared program would
    # not match: there every chunk keeps its own subset (``_share_programs`` leaves it alone).
    version = engine.pdf_version(job.options)
    engine.record_fonts(fonts, defer=not str(version) <= "1.4")  # the test WeasyPrint makes for a CIDSet

    def lay_out(chunk: int, html_text: str) -> _Held:
        relay.chunk = chunk
        with engine.deferring() as deferred:
            html = weasyprint.HTML(string=html_text, base_url=job.base_url, url_fetcher=fetcher)
            document = html.render()
        return _Held(document, html, deferred)

    def finish(laid: _Held, offset: int) -> None:
        """Make the held-back margin boxes as pages ``offset + 1 …`` of the whole document."""
        engine.add_margin_boxes(laid.html, laid.deferred, offset)

    def report(chunk: int, laid: _Held) -> None:
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
        conn.send(("laid", chunk, len(pages), anchors, marks, sorted(targets - anchors.keys()), relay.warnings))
        relay.warnings = []

    def write(laid: _Held, attachments: list[Any]) -> bytes:
        pages = laid.document.pages
        present = {name for page in pages for name in page.anchors}
        # Links to other chunks stay named destinations: give their names a stand-in here so that
        # WeasyPrint keeps them; the merged document's name tree points them at the real pages.
        missing = {target for page in pages for kind, target, _, _ in page.links
                   if kind == "internal" and target not in present}
        for name in sorted(missing):
            pages[0].anchors[name] = (0, 0, 0, 0)
        data: bytes = laid.document.write_pdf(attachments=attachments, **job.options)
        return data

    # The chunk last written (or counted) is freed when the next chunk task arrives, not at once:
    # freeing a laid-out chunk takes up to a second, and after a worker's last chunk the parent
    # waits for its font subsets, then for nothing (the process ends with os._exit).
    spent: _Held | None = None
    while True:
        task = conn.recv()
        if task is None:
            break
        kind, chunk, payload = task
        cpu = time.process_time()
        if spent is not None and kind != "fonts":
            spent = None
            gc.collect()  # its cycles too
        relay.warnings = []
        if kind == "count":  # chunk 0 with placeholders: only its page count matters
            laid = lay_out(chunk, payload)
            conn.send(("counted", chunk, len(laid.document.pages), relay.warnings))
        elif kind == "layout":
            laid = lay_out(chunk, payload)
            held[chunk] = laid
            report(chunk, laid)
        elif kind == "draw":
            laid = held.pop(chunk)
            relay.chunk = chunk
            finish(laid, payload)
            conn.send(("drawn", chunk, write(laid, []), relay.warnings, fonts.take()))
        elif kind == "front":  # chunk 0 with the real numbers, the metadata and the attachments
            laid = lay_out(chunk, payload)
            report(chunk, laid)
            finish(laid, 0)
            conn.send(("drawn", chunk, write(laid, job.attachments()), relay.warnings, fonts.take()))
        elif kind == "fonts":  # one subset of each font given, over the glyphs of every chunk
            conn.send(("fonts", -1, {name: engine.union_subset(fonts.originals[name], glyphs, missing)
                                     for name, (glyphs, missing) in payload.items()}))
            continue
        if kind != "layout":
            spent = laid
        del laid
        if _TRACE:
            print(f"      worker {os.getpid()} {kind} {chunk}: {time.process_time() - cpu:.2f} s CPU", file=sys.stderr)


# --- one program per font -----------------------------------------------------------


# --- the parent -------------------------------------------------------------------


@dataclass
class _Chunk:
    index: int
    html: str
    pages: int | None = None
    anchors: dict[str, tuple[int, float, float]] = field(default_factory=dict)
    marks: list[list[tuple[int, str, tuple[float, float], str]]] = field(default_factory=list)
    unresolved: list[str] = field(default_factory=list)
    laid_page: int = 0  # progress: the page being laid out
    pdf: bytes = b""
    owner: int = -1
    drawing: bool = False
    fonts: dict[str, tuple[tuple[int, ...], bool]] = field(default_factory=dict)  # font → (glyph ids, missing)
    drawn_by: int = -1
    reader: Any = None  # pypdf's reader of ``pdf``, its pages read while other chunks are still laid out


class Mismatch(Exception):
    """Chunk 0 came out with another page count once its real page numbers were in."""


_SOURCE = re.compile(r'<div class="evidence" id="[^"]*" data-source="([^"]*)"')
_MEMORY = ("MemoryError", "bad_alloc", "Cannot allocate memory", "out of memory")


class WorkerDied(RuntimeError):
    """A worker that failed or ended: its message names the evidence of its chunk, and memory when that ran out."""

    plain = True  # the command line prints it as it is: it says what happened and what to do

    def __init__(self, chunk_html: str, detail: str, code: int | None):
        import html
        import signal

        sources = list(dict.fromkeys(html.unescape(m) for m in _SOURCE.findall(chunk_html)))
        where = ("、".join(sources[:3]) + (f" 等 {len(sources)} 份证据" if len(sources) > 3 else "")
                 if sources else "封面、目录或得分表")
        memory = any(m in detail for m in _MEMORY) or code == -signal.SIGKILL
        last = (detail.strip().splitlines() or [""])[-1][:300]
        why = (f"，最后的信息：{last}" if last else "") + (f"，退出码 {code}" if code is not None else "")
        advice = ("原因是内存不足：请关闭其他程序后重试，或用 --jobs 1 少开进程；仍不够时把很大的证据拆分"
                  if memory else "请把这条信息告诉维护人员（设置环境变量 ZWGK_DEBUG=1 可看到详细信息）")
        super().__init__(f"PDF 排版进程在排版 {where} 时{'出错' if detail else '意外结束'}{why}。{advice}")
        self.memory = memory


class _Run:
    def __init__(self, job: PdfJob, jobs: int, on_progress: Callable[[str, int], None]):
        head, parts, tail = split(job.html)
        self.head, self.tail, self.job = head, tail, job
        self.chunks = [_Chunk(i, text) for i, text in enumerate(group(parts, jobs))]
        self.jobs = max(1, min(jobs, len(self.chunks)))
        self.on_progress = on_progress
        self.front_pages: int | None = None
        self.warnings: list[str] = []
        self.started = time.perf_counter()
        self.tasks: dict[int, int] = {}  # worker → the chunk it was last given
        self.processes: list[subprocess.Popen[bytes]] = []

    def died(self, w: int, detail: str) -> WorkerDied:
        code = None
        if not detail and w < len(self.processes):
            with contextlib.suppress(subprocess.TimeoutExpired):
                code = self.processes[w].wait(timeout=5)
        chunk = self.chunks[self.tasks.get(w, 0)]
        if envvars.get("ZWGK_DEBUG") and detail:
            print(detail, file=sys.stderr)
        return WorkerDied(chunk.html, detail, code)

    def document(self, body: str) -> str:
        return self.head + body + self.tail

    def offsets(self) -> dict[int, int]:
        """First-page offsets of the chunks whose predecessors are all counted."""
        known: dict[int, int] = {}
        total = self.front_pages
        if total is None:
            return known
        for chunk in self.chunks[1:]:
            known[chunk.index] = total
            if chunk.pages is None:
                break
            total += chunk.pages
        return known

    def progress(self, stage: str) -> None:
        laid = sum(c.pages if c.pages is not None else c.laid_page for c in self.chunks[1:])
        self.on_progress(stage, laid)

    def run(self, workers: Workers) -> Merged:
        conns = workers.conns[:self.jobs]
        workers.dismiss(len(conns))  # more workers than chunks: the rest leave now
        self.processes = workers.processes[:len(conns)]
        for conn in conns:
            conn.send(self.job)
        self._schedule(conns)
        programs = self._shared_fonts(conns)
        if _TRACE:
            print(f"{time.perf_counter() - self.started:7.2f} shared fonts made", file=sys.stderr)
        for conn in conns:
            conn.send(None)
        return self._merge(programs)  # while the workers exit

    def _schedule(self, conns: list[Connection]) -> None:
        from pypdf import PdfReader  # loaded (0.3 s) and chunks read while the workers lay out, not after

        # Document order: a chunk can be drawn (and its memory freed) as soon as the chunks before it
        # are counted. Largest first balances a little better but holds nearly every chunk laid out
        # until the small first ones are counted, as much memory as a serial render.
        queue = list(self.chunks[1:])
        # Except the last few, largest first: the contents wait for the last layout to end, and a
        # short one there leaves the workers' draws to fill the end (at 513 pages a model with the
        # measured task times: 29.7 s of worker time against 30.8 s in document order).
        tail = len(queue) - len(conns)
        if tail > 0:
            queue[tail:] = sorted(queue[tail:], key=lambda c: (-len(c.html), c.index))
        busy = [False] * len(conns)
        front_sent = count_sent = False
        done = 0

        def assign(w: int) -> None:
            nonlocal front_sent, count_sent
            offsets = self.offsets()
            ready = [c for c in self.chunks[1:] if c.owner == w and c.pages is not None and not c.drawing
                     and not c.pdf and c.index in offsets]
            if not count_sent:
                self.tasks[w] = 0
                conns[w].send(("count", 0, self.document(with_page_numbers(self.chunks[0].html, None))))
                count_sent = True
            elif ready:
                ready[0].drawing = True
                self.tasks[w] = ready[0].index
                conns[w].send(("draw", ready[0].index, offsets[ready[0].index]))
            elif queue:
                chunk = queue.pop(0)
                chunk.owner = w
                self.tasks[w] = chunk.index
                conns[w].send(("layout", chunk.index, self.document(chunk.html)))
            elif not front_sent and all(c.pages is not None for c in self.chunks[1:]) and self.front_pages:
                numbers = self.page_numbers()
                self.tasks[w] = 0
                conns[w].send(("front", 0, self.document(with_page_numbers(self.chunks[0].html, numbers))))
                front_sent = True
            else:
                return
            busy[w] = True

        for w in range(len(conns)):
            assign(w)
        while done < len(self.chunks):
            if not any(busy):
                raise RuntimeError("PDF workers idle with chunks left")
            for conn in wait([c for c, b in zip(conns, busy, strict=True) if b]):
                assert isinstance(conn, Connection)
                w = conns.index(conn)
                try:
                    message = conn.recv()
                except EOFError:
                    raise self.died(w, "") from None
                kind, index = message[0], message[1]
                if _TRACE and kind != "page":
                    print(f"{time.perf_counter() - self.started:7.2f} w{w} {kind} {index}", file=sys.stderr)
                if kind == "error":
                    raise self.died(w, message[2])
                chunk = self.chunks[index]
                if kind == "page":
                    chunk.laid_page = max(chunk.laid_page, message[2])
                    self.progress("排版")
                    continue
                busy[w] = False
                if kind == "counted":
                    self.front_pages = message[2]
                    self.warnings += message[3]
                elif kind == "laid":
                    pages, chunk.anchors, chunk.marks, chunk.unresolved, warnings = message[2:]
                    self.warnings += warnings
                    if index == 0:
                        if pages != self.front_pages:
                            raise Mismatch(f"contents: {self.front_pages} pages counted, {pages} with numbers")
                        busy[w] = True  # a "front" task goes on to draw
                    else:
                        chunk.pages = pages
                    self.progress("排版")
                elif kind == "drawn":
                    chunk.pdf, chunk.fonts, chunk.drawn_by = message[2], message[4], w
                    if index:
                        chunk.reader = PdfReader(io.BytesIO(chunk.pdf))
                        len(chunk.reader.pages)  # reads the page tree
                    self.warnings += message[3]
                    done += 1
                    self.progress(f"写出 PDF（{done}/{len(self.chunks)} 部分）")
                # Any idle worker may now have work: a counted chunk unblocks draws everywhere.
                for other in range(len(conns)):
                    if not busy[other]:
                        assign(other)

    def _shared_fonts(self, conns: list[Connection]) -> dict[str, bytes]:
        """Font → one program subset to the glyphs of every chunk that embeds it.

        Each font is subset by a worker that has it (it keeps the original files of the fonts its
        chunks used), the larger subsets first, each to the worker with the fewest glyphs so far.
        """
        glyphs: dict[str, set[int]] = {}
        missing: dict[str, bool] = {}
        holders: dict[str, set[int]] = {}
        for chunk in self.chunks:
            for name, (used, absent) in chunk.fonts.items():
                glyphs.setdefault(name, set()).update(used)
                missing[name] = missing.get(name, False) or absent
                holders.setdefault(name, set()).add(chunk.drawn_by)
        asks: dict[int, dict[str, tuple[tuple[int, ...], bool]]] = {}
        load = [0] * len(conns)
        for name in sorted(glyphs, key=lambda n: (-len(glyphs[n]), n)):
            w = min(sorted(holders[name]), key=lambda h: load[h])
            load[w] += len(glyphs[name])
            asks.setdefault(w, {})[name] = (tuple(sorted(glyphs[name])), missing[name])
        for w, ask in asks.items():
            conns[w].send(("fonts", -1, ask))
        programs: dict[str, bytes] = {}
        for w in asks:
            try:
                message = conns[w].recv()
            except EOFError:
                raise self.died(w, "") from None
            if message[0] == "error":
                raise self.died(w, message[2])
            programs.update(message[2])
        return programs

    def page_numbers(self) -> dict[str, int]:
        """Anchor → its page number in the whole document (the first occurrence wins)."""
        numbers: dict[str, int] = {}
        offsets = self.offsets()
        for chunk in self.chunks[1:]:
            for name, (page, _, _) in chunk.anchors.items():
                numbers.setdefault(name, offsets[chunk.index] + page + 1)
        return numbers

    def _merge(self, programs: dict[str, bytes]) -> Merged:
        from pypdf import PdfReader, PdfWriter
        from pypdf.generic import ArrayObject, DictionaryObject, FloatObject, NameObject, NumberObject, TextStringObject

        self.on_progress("合并 PDF", sum(c.pages or 0 for c in self.chunks))
        writer = PdfWriter(clone_from=PdfReader(io.BytesIO(self.chunks[0].pdf)))
        for chunk in self.chunks[1:]:
            for source in chunk.reader.pages:
                writer.add_page(source)
        refs = [page.indirect_reference for page in writer.pages]
        offsets = {0: 0, **self.offsets()}
        if programs:
            _share_programs(writer, programs)

        # Named destinations: every anchor at its page, the first occurrence in document order.
        dests: dict[str, tuple[int, float, float]] = {}
        for chunk in self.chunks:
            for name, (local, x, y) in chunk.anchors.items():
                dests.setdefault(name, (offsets[chunk.index] + local, x, y))
        for chunk in self.chunks:
            for name in chunk.unresolved:
                if name not in dests:
                    self.warnings.append(f"No anchor #{name} for internal URI reference")
        names = ArrayObject()
        for name in sorted(dests):
            number, x, y = dests[name]
            names += [TextStringObject(name), ArrayObject([refs[number], NameObject("/XYZ"), FloatObject(x),
                                                          FloatObject(y), NumberObject(0)])]
        root = writer.root_object
        catalog_names = root.get("/Names")
        catalog_names = catalog_names.get_object() if catalog_names is not None else DictionaryObject()
        catalog_names[NameObject("/Dests")] = engine.add_object(writer, DictionaryObject({NameObject("/Names"): names}))
        root[NameObject("/Names")] = catalog_names

        # The outline: WeasyPrint's own tree-building over the pages of every chunk, in order.
        if "/Outlines" in root:
            del root["/Outlines"]
        self._outline(writer, engine.outline([marks for chunk in self.chunks for marks in chunk.marks]), None)

        digest = hashlib.md5(b"".join(c.pdf for c in self.chunks), usedforsecurity=False).digest()
        engine.set_file_id(writer, digest)
        if programs:
            writer.compress_identical_objects(remove_duplicates=False, remove_unreferenced=True)  # the chunks' own subsets
        out = io.BytesIO()
        writer.write(out)
        if _TRACE:
            print(f"{time.perf_counter() - self.started:7.2f} merged; {time.process_time():.2f} s CPU in the parent in all",
                  file=sys.stderr)
        return Merged(out.getvalue(), len(refs), tuple(dict.fromkeys(self.warnings)), len(self.chunks))

    def _outline(self, writer: Any, items: list[Any], parent: Any) -> None:
        from pypdf.generic import Fit

        for label, (page, x, y), children, state in items:
            node = writer.add_outline_item(title=label, page_number=page, parent=parent,
                                           fit=Fit.xyz(x, y, 0), is_open=state != "closed")
            self._outline(writer, children, node)


def _share_programs(writer: Any, programs: dict[str, bytes]) -> None:
    """Point every font descriptor of the merged pages at its font's one shared program."""
    from pypdf.generic import NameObject, NumberObject, StreamObject

    shared: dict[tuple[str, str], Any] = {}
    for page in writer.pages:
        fonts = page.get("/Resources", {}).get_object().get("/Font", {})
        for ref in fonts.get_object().values():
            for descendant in ref.get_object().get("/DescendantFonts", []):
                descriptor = descendant.get_object()["/FontDescriptor"].get_object()
                name = str(descriptor["/FontName"])[1:].split("+", 1)[0]
                key = next((k for k in ("/FontFile3", "/FontFile2") if k in descriptor), None)
                if name not in programs or key is None or "/CIDSet" in descriptor:  # a CIDSet would list a chunk's glyphs
                    continue
                # The key follows the program, as in WeasyPrint (a chunk's stand-in has the same type).
                program = programs[name]
                real = "/FontFile3" if program[:4] == b"OTTO" else "/FontFile2"
                if (name, real) not in shared:
                    stream = StreamObject()
                    stream.set_data(program)
                    if real == "/FontFile3":
                        stream[NameObject("/Subtype")] = NameObject("/OpenType")
                    else:
                        stream[NameObject("/Length1")] = NumberObject(len(program))
                    shared[name, real] = engine.add_object(writer, stream.flate_encode())
                if key != real:
                    del descriptor[key]
                descriptor[NameObject(real)] = shared[name, real]


def follow(bar: Any, jobs: int) -> Callable[[str, int], None]:
    """A progress callback for a tqdm bar: the stage, and the pages laid out so far over all chunks."""

    def update(stage: str, pages: int) -> None:
        bar.set_description_str(f"{stage}（{jobs} 个进程并行）")
        bar.n = pages
        bar.refresh()

    return update


class Workers:
    """Worker processes, started before their job exists so that they load WeasyPrint meanwhile.

    Fresh interpreters (not fork: no inherited fontconfig or threads, and unlike multiprocessing's
    spawn no re-import of the caller's main script). ``close`` ends them all (``dismiss`` some):
    those with work left finish it, idle ones get None, and any still loading are killed.
    """

    def __init__(self, jobs: int):
        package_root = str(Path(__file__).resolve().parent.parent)
        env = envvars.child_environment(PYTHONPATH=os.pathsep.join(filter(None, (package_root, envvars.get("PYTHONPATH")))))
        self.conns: list[Connection] = []
        self.processes: list[subprocess.Popen[bytes]] = []
        try:
            for _ in range(jobs):
                ours, theirs = socket.socketpair()
                self.processes.append(subprocess.Popen(
                    [sys.executable, "-c", "import sys; from scoring.pdfjobs import serve; serve(int(sys.argv[1]))",
                     str(theirs.fileno())], pass_fds=(theirs.fileno(),), env=env, stdin=subprocess.DEVNULL))
                theirs.close()
                self.conns.append(Connection(ours.detach()))
        except BaseException:
            self.close()
            raise

    def dismiss(self, keep: int) -> None:
        """Let every worker from ``keep`` on go: none has had a job, so none has anything to finish."""
        for process in self.processes[keep:]:
            process.kill()
        for process, conn in zip(self.processes[keep:], self.conns[keep:], strict=True):
            process.wait()
            conn.close()
        del self.processes[keep:], self.conns[keep:]

    def close(self) -> None:
        for conn in self.conns:
            with contextlib.suppress(OSError):
                conn.send(None)
        for process in self.processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        for conn in self.conns:
            conn.close()
        self.processes, self.conns = [], []


@contextlib.contextmanager
def started(jobs: int) -> Iterator[Workers | None]:
    """``jobs`` workers for a ``render`` to come (None for one job), ended on leaving."""
    workers = Workers(jobs) if jobs > 1 and engine.GATE.open() else None
    try:
        yield workers
    finally:
        if workers is not None:
            workers.close()


def render(job: PdfJob, jobs: int, on_progress: Callable[[str, int], None],
           min_body: int = MIN_BODY, workers: Workers | None = None) -> Merged | None:
    """The merged PDF, or None when the document is too small to spread, or WeasyPrint or pypdf is not of the
    version verified (``engine_weasyprint.GATE``): render it serially then.

    ``workers``: ones already started (``started``); without them ``render`` starts its own.
    """
    run = _Run(job, jobs, on_progress) if CHUNK_MARKER in job.html and jobs >= 2 and engine.GATE.open() else None
    if run is None or len(run.chunks) < 3 or sum(len(c.html) for c in run.chunks) < min_body:
        if workers is not None:
            workers.dismiss(0)  # not needed: they must not take the cores from the serial render
        return None
    try:
        if workers is not None:
            return run.run(workers)
        with started(run.jobs) as own:
            assert own is not None
            return run.run(own)
    except Mismatch:
        if workers is not None:
            workers.dismiss(0)  # their chunks are of no use now, and the serial render needs the memory
        return None
