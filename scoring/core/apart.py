"""A stage of a build run in a forked child, so what it allocates never stays in the build's own process.

glibc and CPython keep much of what a stage freed (the site stage's MkDocs pages, search texts and
jieba's dictionaries: about 380 MB at 10,000 evidence files, docs/input-safety.md), and the PDF
stage after it runs beside its worker processes, so every megabyte the build's process keeps counts
against the whole build's peak. A child that ends gives all of it back at once.

``apart(stage)`` returns what ``stage()`` returns, or raises what it raised (with the child's
traceback as its cause), exactly as if it had run here; both must pickle. Only a process with one
thread forks (a fork copies one thread, not the locks the others hold); elsewhere, and where there is
no fork, the stage runs in this process.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import os
import pickle
import signal
import sys
import threading
import traceback
from collections.abc import Callable
from functools import partial
from typing import TypeVar

T = TypeVar("T")


def one_thread() -> bool:
    """Whether this process runs a single thread: counted by the kernel where it says (Linux: a library's own
    threads count too, as for CPython's warning on a fork), else by Python's threads."""
    try:
        return len(os.listdir("/proc/self/task")) == 1
    except OSError:
        return threading.active_count() == 1


def die_with_parent() -> None:
    """In a forked child: end when the process that forked it ends (Linux), so a build killed at any moment
    leaves no child writing on into its staging folder."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


class ChildTraceback(Exception):
    """The traceback of an exception raised in the child, as text: the cause of the one raised here."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class ChildDied(RuntimeError):
    """The child ended without a result: killed (by the system when memory ran out, for one) or crashed."""

    plain = True  # the command line prints it as it is

    def __init__(self, what: str, status: int):
        code = os.waitstatus_to_exitcode(status)
        memory = code == -signal.SIGKILL
        why = f"信号 {-code}" if code < 0 else f"退出码 {code}"
        advice = ("可能是内存不足：请关闭其他程序后重试，或用 --jobs 1 少开进程" if memory
                  else "请把这条信息告诉维护人员（设置环境变量 ZWGK_DEBUG=1 可看到详细信息）")
        super().__init__(f"{what}的进程意外结束（{why}）。{advice}")
        self.memory = memory


def fork(produce: Callable[[], bytes]) -> tuple[int, int]:
    """A forked child that writes what ``produce()`` returns into a pipe and ends, without running this process'
    exit handlers (exit code 0, or 1 when ``produce`` raised); here: (its pid, the pipe's reading end)."""
    sys.stdout.flush()
    sys.stderr.flush()  # what is buffered here is printed once, not again by the child
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            os.close(read)
            die_with_parent()
            data = produce()
            with os.fdopen(write, "wb") as pipe:
                pipe.write(data)
            code = 0
        finally:
            with contextlib.suppress(Exception):
                sys.stdout.flush()
                sys.stderr.flush()
            os._exit(code)
    os.close(write)
    return pid, read


def apart(stage: Callable[[], T], what: str) -> T:
    """``stage()`` run in a forked child (``what`` names it in a message if the child dies), its result or its
    exception brought back; in this process where a fork is not safe."""
    if not hasattr(os, "fork") or not one_thread():
        return stage()
    gc.freeze()  # the child's collector leaves this process' objects alone: fewer pages copied
    try:
        pid, read = fork(partial(_outcome, stage))
    finally:
        gc.unfreeze()
    try:
        with os.fdopen(read, "rb") as stream:
            data = stream.read()
    finally:
        _, status = os.waitpid(pid, 0)
    if status != 0 or not data:
        raise ChildDied(what, status)
    kind, value, text = pickle.loads(data)
    if kind == "raised":
        raise value from ChildTraceback(text)
    return value  # type: ignore[no-any-return]


def _outcome(stage: Callable[[], T]) -> bytes:
    """What the stage gave, pickled: ("returned", value, "") or ("raised", exception, its traceback)."""
    try:
        outcome: tuple[str, object, str] = ("returned", stage(), "")
    except BaseException as exc:  # every outcome goes back, KeyboardInterrupt included
        outcome = ("raised", exc, "".join(traceback.format_exception(exc)))
    try:
        data = pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL)
        pickle.loads(data)  # an exception whose __init__ takes other arguments than it keeps fails only here
        return data
    except Exception:  # a result or exception that does not travel: said as an internal error
        return pickle.dumps(("raised", RuntimeError(f"{outcome[1]!r} cannot be sent from the child"),
                             outcome[2] or "".join(traceback.format_exc())), protocol=pickle.HIGHEST_PROTOCOL)
