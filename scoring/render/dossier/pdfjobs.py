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

Three modules: this one (the job, the cut, the schedule, the worker processes), scoring/render/dossier/pdfchunks.py
(what a worker does with a chunk) and scoring/render/dossier/pdfmerge.py (the chunks' PDFs merged into one).

The run, with N worker processes (spawned, so each starts with a clean WeasyPrint):

0. the workers are started (``started``, from ``dossier.build_pdf``) before the HTML is written, and
   load WeasyPrint while the parent writes it: about a second of start-up off the critical path;
1. chunk 0 is laid out once with placeholder page numbers in its contents, only to count its pages;
2. every other chunk is laid out, in document order (but the last N largest first, so that the
   last layout, which step 3 waits for, is a short one), then drawn as soon as its offset is known;
   a worker that waits for an offset lays out the next chunk meanwhile, within the memory bound;
3. chunk 0 is laid out again with the real numbers (``data-page`` on each contents link, which the
   CSS shows instead of ``target-counter``) and written with the document's metadata and
   attachments; its page count must equal step 1's, else the whole document is rendered serially;
4. the parent appends every chunk's pages to chunk 0's PDF (scoring/render/dossier/pdfmerge.py; each chunk's PDF is
   read as it arrives, the rest waits for the last one);
5. fonts: WeasyPrint subsets each font per document, so every chunk would embed its own subset of
   each font (the merged file several times the serial one). A worker does not subset at all: it
   logs the glyphs each chunk used and writes a four-byte stand-in program (``engine_weasyprint.record_fonts`` wraps
   WeasyPrint's ``Font.clean``); once all chunks are drawn, the parent asks the workers for one
   subset per font over the union of the glyphs (``engine_weasyprint.union_subset``: the same HarfBuzz subsetting
   WeasyPrint does, glyph ids retained), spread over the workers that have the font, and every
   chunk's font descriptor then points at that one program. Glyph ids are kept, so each chunk's
   widths and text maps stay valid. (Up to PDF 1.4, where a CIDSet lists a chunk's glyphs, chunks
   keep their own subsets.)

CPU: with the fonts left to step 5, the workers and the parent together spend about the CPU of a
serial render (at 513 pages: 64.9 s against 65.4 s in one side-by-side run; 91.9 s against 82.3 s before).

Memory: a laid-out chunk is the bulk of a worker's memory (WeasyPrint holds every page of a document
until it writes it: about 1 kB per character of the chunk's HTML). So it is bounded by design:
runs of parts are joined into chunks of at most ``CHUNK_CHARS`` characters, the chunks laid out
and not yet drawn, over all workers, stay within ``BUDGET_CHARS`` (a chunk that does not fit waits
for the draws that free memory; one larger than the budget, a single section, is laid out alone),
a second chunk is laid out only while the live process tree has room for it (scoring/render/dossier/pdfgate.py:
the memory of the main process and the workers read from /proc, plus the chunks' measured costs, within
``pdfgate.BUDGET_KB``), a worker frees a chunk as soon as it has sent its PDF, and a worker whose own
memory stays above ``pdfgate.RENEW_KB`` after that is replaced by a fresh process between chunks. A part longer than ``CHUNK_CHARS`` (a 一级
section of many rows) is cut further, between its rows and then between a row's evidence blocks, before
the HTML is laid out serially or here (scoring/render/dossier/pdfcuts.py); what remains unbounded is one
evidence block, laid out whole (docs/input-safety.md).
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from multiprocessing.connection import Connection, wait
from typing import Any

from ...core import envvars, places
from . import engine_weasyprint as engine
from . import pdfgate
from .pdfchunks import TRACE as _TRACE
from .pdfmerge import merge

CHUNK_MARKER = "<!-- zwgk:chunk -->"
_TOC_LINK = re.compile(r'(<a href="#([^"]+)")(>)')
# Below about 25 pages (1.4–1.8 kB of HTML a page) starting the workers costs more than it saves.
MIN_BODY = 40_000
_PLACEHOLDER = "8888"  # wider than any real page number: the contents never get longer in step 3
# The memory bound, in characters of HTML: a chunk joins parts up to CHUNK_CHARS, and the chunks in a
# worker's memory (being laid out, laid out, being drawn) total at most BUDGET_CHARS over all workers.
# Measured on generated evidence (docs/input-safety.md): an idle worker with WeasyPrint and the fonts
# loaded holds about 55 MB, 120 MB once it has drawn a chunk and given the memory back; a laid-out
# chunk adds about 1.05 kB per character, and drawing it (write_pdf) peaks at about 2.2 kB per character.
# Two workers drawing full chunks at once: 2 × (120 MB + 40,000 × 2.2 kB) ≈ 420 MB. That leaves the main
# process (about 200 MB through the PDF stage at 10,000 evidence files, the site having been built in a
# child of its own) room within 1 GB with both workers busy: at 100,000 characters the admission gate
# (pdfgate.py) let one chunk out at a time at 10,000 files, and the PDF stage ran on one core.
CHUNK_CHARS = 40_000
BUDGET_CHARS = 200_000


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
    """Chunk 0 is parts[0]; the other parts are joined into chunks of about a quarter of a worker's share,
    and of at most ``CHUNK_CHARS`` characters (a single part may be longer: it is not cut)."""
    rest = parts[1:]
    target = min(sum(map(len, rest)) / max(1, 4 * jobs), CHUNK_CHARS)
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
    drawn_gen: int = 0  # which process of worker ``drawn_by`` (``_Run.gen``): one replaced no longer has the fonts
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
        # The schedule's state (``_schedule``): chunks not yet given out, which workers have a task.
        self.queue: list[_Chunk] = []
        self.busy: list[bool] = []
        self.front_sent = self.count_sent = False
        self.done = 0
        self.workers: Workers | None = None
        self.base: list[int] = []  # each worker's own memory (kB) after its last draw, collection and trim
        self.gen: list[int] = []  # each worker's process: 0 for the first, counted up by each replacement

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

    def out(self) -> list[_Chunk]:
        """The chunks in a worker's memory: given out to lay out, not yet drawn."""
        return [c for c in self.chunks[1:] if c.owner >= 0 and not c.pdf]

    def may_lay_out(self, chunk: _Chunk) -> bool:
        """Whether ``chunk`` fits in the memory bound beside the chunks already out (always, when none is):
        in characters (``BUDGET_CHARS``), then in the live tree's memory (``pdfgate``, read only then)."""
        out = self.out()
        if not out:
            return True
        if sum(len(c.html) for c in out) + len(chunk.html) > BUDGET_CHARS:
            return False
        live = pdfgate.live_kb([process.pid for process in self.processes])
        held = [pdfgate.Out(len(c.html), c.laid_page, c.pages is not None) for c in out]
        return pdfgate.admits(live, held, len(chunk.html), _TRACE)

    def run(self, workers: Workers) -> Merged:
        workers.dismiss(self.jobs)  # more workers than chunks: the rest leave now
        conns, self.processes, self.workers = workers.conns, workers.processes, workers  # a replacement changes them
        self.base, self.gen = [0] * len(conns), [0] * len(conns)
        for conn in conns:
            conn.send(replace(self.job, html=""))  # a worker gets its chunks as tasks, never the whole document
        self._schedule(conns)
        programs = self._shared_fonts(conns)
        if _TRACE:
            print(f"{time.perf_counter() - self.started:7.2f} shared fonts made", file=sys.stderr)
        for conn in conns:
            conn.send(None)
        return self._merge(programs)  # while the workers exit


    def _schedule(self, conns: list[Connection]) -> None:
        from pypdf import PdfReader  # noqa: F401  (loaded, 0.3 s, while the workers lay out, not after)

        # Document order: a chunk can be drawn (and its memory freed) as soon as the chunks before it
        # are counted. Largest first balances a little better but holds nearly every chunk laid out
        # until the small first ones are counted, as much memory as a serial render.
        self.queue = list(self.chunks[1:])
        # Except the last few, largest first: the contents wait for the last layout to end, and a
        # short one there leaves the workers' draws to fill the end (at 513 pages a model with the
        # measured task times: 29.7 s of worker time against 30.8 s in document order).
        tail = len(self.queue) - len(conns)
        if tail > 0:
            self.queue[tail:] = sorted(self.queue[tail:], key=lambda c: (-len(c.html), c.index))
        self.busy = [False] * len(conns)
        self.front_sent = self.count_sent = False
        self.done = 0
        self._assign_idle(conns)
        while self.done < len(self.chunks) or any(self.busy):  # a worker is busy until it has trimmed ("ready")
            if not any(self.busy):
                raise RuntimeError("PDF workers idle with chunks left")
            for conn in wait([c for c, b in zip(conns, self.busy, strict=True) if b]):
                assert isinstance(conn, Connection)
                w = conns.index(conn)
                try:
                    message = conn.recv()
                except EOFError:
                    raise self.died(w, "") from None
                if self._received(w, message):
                    self._assign_idle(conns)  # a counted chunk unblocks draws everywhere

    def _assign_idle(self, conns: list[Connection]) -> None:
        """Work for every idle worker; when none would get any within the memory bound, the next layout anyway."""
        for w in range(len(conns)):
            if not self.busy[w]:
                self._renew(w)
                self._assign(conns, w, force=False)
        if not any(self.busy) and self.queue:
            self._assign(conns, 0, force=True)  # the chunks held wait for this one's page count

    def _kept(self, chunk: _Chunk) -> bool:
        """Whether the process that drew ``chunk`` still runs, keeping its fonts' original files."""
        return chunk.drawn_by >= 0 and chunk.drawn_gen == self.gen[chunk.drawn_by]

    def fonts_held(self, w: int) -> set[str]:
        """The fonts whose original files worker ``w``'s present process keeps (for the shared subsets)."""
        return {name for c in self.chunks if c.drawn_by == w and self._kept(c) for name in c.fonts}

    def _renew(self, w: int) -> None:
        """Replace idle worker ``w`` by a fresh process when its own memory stays high between chunks
        (``pdfgate.RENEW_KB``), it holds no chunk, layouts are left to do, and every font it keeps is kept
        by another worker too (the shared subsets are made from the original font files)."""
        if self.workers is None or not self.queue or self.base[w] <= pdfgate.RENEW_KB:
            return
        others = set().union(*(self.fonts_held(v) for v in range(len(self.gen)) if v != w))
        if any(c.owner == w for c in self.out()) or not self.fonts_held(w) <= others:
            return
        if _TRACE:
            print(f"{time.perf_counter() - self.started:7.2f} w{w} renewed at {self.base[w] // 1024} MB", file=sys.stderr)
        self.workers.renew(w, replace(self.job, html=""))
        self.base[w], self.gen[w] = 0, self.gen[w] + 1

    def _assign(self, conns: list[Connection], w: int, force: bool) -> None:
        offsets = self.offsets()
        ready = [c for c in self.chunks[1:] if c.owner == w and c.pages is not None and not c.drawing
                 and not c.pdf and c.index in offsets]
        if not self.count_sent:
            task: tuple[str, int, Any] = ("count", 0, self.document(with_page_numbers(self.chunks[0].html, None)))
            self.count_sent = True
        elif ready:
            ready[0].drawing = True
            task = ("draw", ready[0].index, offsets[ready[0].index])
        elif self.queue and (force or self.may_lay_out(self.queue[0])):
            chunk = self.queue.pop(0)
            chunk.owner = w
            task = ("layout", chunk.index, self.document(chunk.html))
        elif not self.front_sent and all(c.pages is not None for c in self.chunks[1:]) and self.front_pages:
            task = ("front", 0, self.document(with_page_numbers(self.chunks[0].html, self.page_numbers())))
            self.front_sent = True
        else:
            return
        self.tasks[w] = task[1]
        conns[w].send(task)
        self.busy[w] = True

    def _received(self, w: int, message: tuple[Any, ...]) -> bool:
        """Take in one message from worker ``w``; True when the worker is free (or goes on to draw)."""
        from pypdf import PdfReader

        kind, index = message[0], message[1]
        if _TRACE and kind != "page":
            print(f"{time.perf_counter() - self.started:7.2f} w{w} {kind} {index}", file=sys.stderr)
        if kind == "error":
            raise self.died(w, message[2])
        chunk = self.chunks[index]
        if kind == "page":
            chunk.laid_page = max(chunk.laid_page, message[2])
            self.progress("排版")
            return False
        if kind == "ready":  # collected and trimmed after a task that freed what it laid out
            self.busy[w], self.base[w] = False, message[2]
            if _TRACE:
                print(f"        w{w} holds {message[2] // 1024} MB", file=sys.stderr)
            return True
        # Free after a layout; a "front" task goes on to draw, and "count" and "draw" to collect and trim ("ready").
        self.busy[w] = kind != "laid" or index == 0
        if kind == "counted":
            self.front_pages = message[2]
            self.warnings += message[3]
        elif kind == "laid":
            pages, chunk.anchors, chunk.marks, chunk.unresolved, warnings = message[2:]
            self.warnings += warnings
            if index == 0:
                if pages != self.front_pages:
                    raise Mismatch(f"contents: {self.front_pages} pages counted, {pages} with numbers")
            else:
                chunk.pages = pages
            self.progress("排版")
        elif kind == "drawn":
            chunk.pdf, chunk.fonts, chunk.drawn_by, chunk.drawn_gen = message[2], message[4], w, self.gen[w]
            if index:
                chunk.reader = PdfReader(io.BytesIO(chunk.pdf))
                len(chunk.reader.pages)  # reads the page tree
            self.warnings += message[3]
            self.done += 1
            self.progress(f"写出 PDF（{self.done}/{len(self.chunks)} 部分）")
        return True

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
                if self._kept(chunk):  # a replaced process took its fonts with it
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
        self.on_progress("合并 PDF", sum(c.pages or 0 for c in self.chunks))
        pdf, pages = merge(self.chunks, self.offsets(), programs, self.warnings)
        if _TRACE:
            print(f"{time.perf_counter() - self.started:7.2f} merged; {time.process_time():.2f} s CPU in the parent in all",
                  file=sys.stderr)
        return Merged(pdf, pages, tuple(dict.fromkeys(self.warnings)), len(self.chunks))


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
        package_root = str(places.REPO)
        self.env = envvars.child_environment(PYTHONPATH=os.pathsep.join(filter(None, (package_root, envvars.get("PYTHONPATH")))))
        self.conns: list[Connection] = []
        self.processes: list[subprocess.Popen[bytes]] = []
        try:
            for _ in range(jobs):
                conn, process = self._start()
                self.conns.append(conn)
                self.processes.append(process)
        except BaseException:
            self.close()
            raise

    def _start(self) -> tuple[Connection, subprocess.Popen[bytes]]:
        ours, theirs = socket.socketpair()
        process = subprocess.Popen(
            [sys.executable, "-c", "import sys; from scoring.render.dossier.pdfchunks import serve; serve(int(sys.argv[1]))",
             str(theirs.fileno())], pass_fds=(theirs.fileno(),), env=self.env, stdin=subprocess.DEVNULL)
        theirs.close()
        return Connection(ours.detach()), process

    def renew(self, w: int, job: PdfJob) -> None:
        """Worker ``w`` (idle, holding nothing) leaves; a fresh process takes its place and gets ``job``."""
        old, process = self.conns[w], self.processes[w]
        with contextlib.suppress(OSError):
            old.send(None)
        self.conns[w], self.processes[w] = self._start()
        self.conns[w].send(job)
        process.wait()
        old.close()

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
