"""The parallel PDF's admission gate: a second chunk is laid out only when the live process tree has room.

``pdfjobs`` bounds what the workers hold in characters of HTML (``CHUNK_CHARS``, ``BUDGET_CHARS``), but
characters are not all of the memory: a worker's own base after its first chunks (165–200 MB, after the
collection and the trim), and the main process (about 390 MB through the PDF stage at 10,000 evidence
files, growing with the project) are not chunks. So before the scheduler gives a worker a chunk to lay
out while another chunk is already out, it reads the memory of the whole tree now (the main process and
every worker: the proportional set size from /proc, ``memory.pss_kb``) and adds what the chunks will
still cost:

- the new chunk: ``DRAW_KB_PER_CHAR`` per character (drawing, ``write_pdf``, is a chunk's peak);
- each chunk already out: what it has not yet reached of that peak, ``DRAW_KB_PER_CHAR`` per character
  less ``LAYOUT_KB_PER_CHAR`` per character of what is laid out so far (from the pages it has
  reported, ``CHARS_PER_PAGE`` characters a page).

When the sum would pass ``BUDGET_KB`` the chunk waits until a worker has drawn one (and so freed
it); one chunk is always allowed (``pdfjobs._Run.may_lay_out``), so a render never stalls. The output
does not depend on this: the chunks, their order in the document and their pages are the same
whatever the schedule; only when they are laid out changes (tests/test_pdfgate.py).

Where /proc cannot be read (another system) the gate admits, and the character bound alone holds.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass

from ...core import memory

# The declared bound of the whole tree, in kB. The target is 1 GB (1,024 MB) for ``build.py all`` at
# 10,000 evidence files on 2 cores (docs/input-safety.md); 74 MB of it are left for what a reading at
# the time of an assignment cannot see coming: the main process reading the PDFs of the chunks drawn
# meanwhile (pypdf's page trees, a few MB a chunk), and the spread of the measured costs below
# (a worker drawing a chunk of about 90,000 characters peaked between 330 and 390 MB).
BUDGET_KB = 950 * 1024
# Measured on generated evidence, one worker alone (docs/dossier.md): a laid-out chunk holds about
# 1.05 kB per character of its HTML; drawing it peaks at about 2.2 kB per character above the worker's base.
LAYOUT_KB_PER_CHAR = 1.05
DRAW_KB_PER_CHAR = 2.2
# A worker whose own memory, after a draw and its collection and trim, stays above this is replaced by a
# fresh process between chunks (``pdfjobs._Run._renew``; start-up about a second, while the other works):
# an idle worker with WeasyPrint loaded holds about 55 MB, about 120 MB after its first chunk, and
# crept to 165–200 MB after some chunks, which the gate above would otherwise have to leave room for.
RENEW_KB = 150 * 1024
# A page of the dossier is 1.4–1.8 kB of HTML; the larger figure counts a layout in progress as less done.
CHARS_PER_PAGE = 1_800


@dataclass(frozen=True)
class Out:
    """A chunk given to a worker and not yet drawn: its size and how far its layout has got."""

    chars: int
    pages_laid: int  # pages reported so far (all of them once ``laid``)
    laid: bool  # laid out: waiting for its first page number, or being drawn


def to_come(chunk: Out) -> float:
    """kB the chunk will still add to its worker before its peak (as drawn), beyond what it holds now."""
    done = chunk.chars if chunk.laid else min(chunk.chars, chunk.pages_laid * CHARS_PER_PAGE)
    return DRAW_KB_PER_CHAR * chunk.chars - LAYOUT_KB_PER_CHAR * done


def live_kb(workers: list[int]) -> int | None:
    """The tree's memory now: this process and the worker processes ``workers`` (pids), in kB."""
    return memory.pss_kb([os.getpid(), *workers])


def admits(live: int | None, out: list[Out], chars: int, trace: bool = False) -> bool:
    """Whether a chunk of ``chars`` characters may be laid out beside the chunks ``out``, with ``live`` kB in use."""
    if live is None:
        return True
    expected = live + sum(map(to_come, out)) + DRAW_KB_PER_CHAR * chars
    allowed = expected <= BUDGET_KB
    if trace:
        print(f"        gate: {live // 1024} MB now + {len(out)} out → {expected / 1024:.0f} MB expected with "
              f"{chars:,} characters: {'admitted' if allowed else 'waits'}", file=sys.stderr)
    return allowed
