"""The pages of an incremental site build that are off the navigation and not in the cache, rendered by the build
and by helper processes (forks of it) taking batches from one queue (scoring/render/site/sitecache.py)."""

from __future__ import annotations

import gc
import logging
import os
import pickle
import signal
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, replace
from typing import Any

from ...core.apart import fork, one_thread

MIN_SHARE = 8  # pages: below this many per process, a helper costs more than it saves
BATCH = 4  # pages a process takes from the queue at a time


@dataclass(frozen=True)
class Rendered:
    """What the build needs of a page rendered off the main loop, whose HTML is already in the site dir."""

    title: str | None
    search: list[dict[str, Any]]
    anchors: list[str]
    links: dict[str, dict[str, str]]  # page → {anchor: the link as written}
    logged: list[dict[str, Any]]  # what rendering it logged (``_portable``), when rendered with helpers


def _portable(record: logging.LogRecord) -> dict[str, Any]:
    """A log record as plain values, its message formatted (to be logged again later, or in another process)."""
    if record.exc_info and not record.exc_text:
        record.exc_text = logging.Formatter().formatException(record.exc_info)
    kept = {k: v for k, v in vars(record).items() if isinstance(v, str | int | float | bool | None)}
    kept.update(msg=record.getMessage(), args=None, exc_info=None)
    return kept


@contextmanager
def _held_logs(into: list[dict[str, Any]]) -> Iterator[None]:
    """Every record logged meanwhile kept in ``into`` instead of handled (only while no other thread runs)."""
    original = logging.Logger.handle
    logging.Logger.handle = lambda self, record: into.append(_portable(record))  # type: ignore[method-assign]
    try:
        yield
    finally:
        logging.Logger.handle = original  # type: ignore[method-assign]


class RenderQueue:
    """The pages off the navigation that are not in the cache, rendered by this process and ``jobs - 1`` helpers.

    Rendering such a page reads nothing another one sets but the navigation's titles,
    which are known by now (``read_pages``), so it renders the same anywhere. The pages
    are cut in order into batches; the batches' numbers are written into a pipe before
    the helpers (forks of this process) start, and every process takes the next number
    from it (a read of 4 bytes takes a whole number or nothing) until it is empty: a
    busier process simply takes fewer. A helper writes its pages' HTML into the site dir
    and sends back, for each, what ``Rendered`` holds. ``rendered`` gives every page in
    order; what the pages logged is logged then, in page order too, so the messages are
    the same whichever process rendered what. A helper that fails leaves its pages to
    this process, which renders them as MkDocs would, error and all.

    Only a process with no other thread forks (a fork copies one thread, not the locks the
    others hold); else, and with one job or few pages, this process renders them all.
    """

    def __init__(self, pages: list[Any], jobs: int, render: Callable[[Any], Rendered]):
        self.pages, self.render = pages, render
        self.helpers: list[tuple[int, int]] = []  # (pid, pipe of its results)
        self.tickets: int | None = None  # the pipe of batch numbers
        self.batch = max(BATCH, -(-len(pages) // 1000))  # at most 1,000 numbers: 4 kB, one write a pipe holds whole
        self.index = {file.src_uri for file in pages}
        self.processes = 1  # that render pages
        forks = min(jobs, len(pages) // MIN_SHARE) - 1
        if forks < 1 or not hasattr(os, "fork") or not one_thread():
            return
        read, write = os.pipe()
        numbers = range(0, len(pages), self.batch)
        os.write(write, b"".join(n.to_bytes(4, "big") for n in numbers))
        os.close(write)  # all numbers written: an empty pipe reads as the end
        self.tickets = read
        self.processes = 1 + forks
        gc.freeze()  # the helpers' collector leaves this process' objects alone: fewer pages copied
        try:
            for _ in range(forks):
                self.helpers.append(self._fork())
        finally:
            gc.unfreeze()

    def queued(self, file: Any) -> bool:
        return file.src_uri in self.index

    def _claims(self) -> Iterator[int]:
        """The pages (by position) this process takes from the queue."""
        if self.tickets is None:
            yield from range(len(self.pages))
            return
        while len(number := os.read(self.tickets, 4)) == 4:
            start = int.from_bytes(number, "big")
            yield from range(start, min(start + self.batch, len(self.pages)))

    def _fork(self) -> tuple[int, int]:
        """A helper: renders the pages it takes from the queue and sends what ``Rendered`` holds of each."""
        return fork(lambda: pickle.dumps({at: self._render_holding_logs(at) for at in self._claims()},
                                         protocol=pickle.HIGHEST_PROTOCOL))

    def rendered(self) -> Iterator[tuple[Any, Rendered]]:
        """Every page with what rendering it gave, in order: those this process takes from the queue rendered here,
        then the helpers' once they are done; a page a failed helper left is rendered here in its turn."""
        done = {at: self._render_holding_logs(at) if self.helpers else self.render(self.pages[at])
                for at in self._claims()}
        while self.helpers:
            done.update(self._join(*self.helpers.pop(0)))
        for at, file in enumerate(self.pages):
            found = done.pop(at, None) or self.render(file)  # a page a failed helper left
            for record in found.logged:
                logging.getLogger(record["name"]).handle(logging.makeLogRecord(record))
            yield file, found

    def _render_holding_logs(self, at: int) -> Rendered:
        """The page at ``at`` rendered here, what it logged kept with it (to be logged in page order)."""
        logged: list[dict[str, Any]] = []
        with _held_logs(logged):
            rendered = self.render(self.pages[at])
        return replace(rendered, logged=logged)

    def _join(self, pid: int, pipe: int) -> dict[int, Rendered]:
        with os.fdopen(pipe, "rb") as stream:
            data = stream.read()
        _, status = os.waitpid(pid, 0)
        try:
            got = pickle.loads(data) if status == 0 else {}
        except (pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError):
            return {}
        return got if isinstance(got, dict) else {}

    def __enter__(self) -> RenderQueue:
        return self

    def __exit__(self, *exc: object) -> None:
        """End the helpers not waited for (the build failed before their pages) and close the queue."""
        for pid, pipe in self.helpers:
            with suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            os.close(pipe)
        self.helpers.clear()
        if self.tickets is not None:
            os.close(self.tickets)
            self.tickets = None
