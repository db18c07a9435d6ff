"""Memory a stage has freed, given back to the system before the next stage needs it.

glibc keeps freed memory in its heaps for the next allocation of this process; in a build that
renders several outputs one after another, what the site stage freed (its page Markdown, the
search index, MkDocs' page objects) stayed in the main process for the rest of the build: about
55 MB per thousand evidence files, of which a full collection and ``malloc_trim`` give back
about 38 MB. The PDF stage that follows runs beside its worker processes, so every megabyte the
main process keeps counts against the whole build's peak (docs/input-safety.md).
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import os


def trim() -> None:
    """Give the memory this process has freed back to the system (glibc keeps it otherwise)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def release() -> None:
    """Free what only cycles still hold, then give all freed memory back: between two stages."""
    gc.collect()
    trim()


def pss_kb(pids: list[int]) -> int | None:
    """The proportional set size of ``pids`` together, in kB (shared pages divided among their sharers),
    or None where /proc cannot tell (another system). Reads one short file per process: about a
    millisecond for a process of a few hundred MB."""
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/smaps_rollup", "rb") as handle:
                total += next((int(line.split()[1]) for line in handle if line.startswith(b"Pss:")), 0)
        except (OSError, ValueError):
            if pid == os.getpid():
                return None  # no smaps_rollup here at all
            continue  # a process that has just ended holds nothing
    return total
