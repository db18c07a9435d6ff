"""Finer cut points for a part of the dossier too long to lay out whole (scoring/render/dossier/pdfjobs.py).

The templates cut the document at chunk markers (``pdfjobs.CHUNK_MARKER``) between top-level parts
that start on a new page anyway; a worker lays out one part at least, and a laid-out part costs about
1–2 kB of memory per character of its HTML. A 一级 section of 三、逐项说明 is one such part, and at ten
thousand evidence files the largest is over two million characters.

So the templates also mark where such a section could be cut further: ``<!-- zwgk:cut row -->``
between two rows, ``<!-- zwgk:cut evidence -->`` between two evidence blocks of one row. ``place``
runs over the whole HTML before it is laid out, serially or in parallel, so both documents are the
same: in a part of at most ``CHUNK_CHARS`` characters every cut mark is removed (the HTML is exactly
what it was without them: the sample's dossier does not change by a byte); in a longer one the rows,
and then the evidence blocks of a row still too long, are joined into runs of at most ``CHUNK_CHARS``
characters, and between two runs the section (and the row) is closed, a chunk marker placed, and a
new section (and row) opened: ``section.details + section.details`` starts a new page, in the serial
document as in a chunk, so the cut is again where a page breaks anyway. Only one evidence block longer
than ``CHUNK_CHARS`` is still laid out whole (a body is at most 2 MB; docs/input-safety.md).
"""

from __future__ import annotations

import re

from . import pdfjobs

# What a cut closes and opens, coarsest first: between rows the section, between evidence blocks the row too.
CUTS = {
    "row": ("</section>", '<section class="details">'),
    "evidence": ("</div></section>", '<section class="details"><div class="row-detail">'),
}
_MARK = "<!-- zwgk:cut {} -->"
_ANY_MARK = re.compile(r"<!-- zwgk:cut [a-z]+ -->")


def place(html: str) -> str:
    """``html`` with every part over ``pdfjobs.CHUNK_CHARS`` characters cut at its marks into runs of at most
    that many, and every mark removed."""
    if "<!-- zwgk:cut " not in html:
        return html
    limit = pdfjobs.CHUNK_CHARS
    marker = pdfjobs.CHUNK_MARKER
    return marker.join(_cut(part, list(CUTS), limit) if len(_plain(part)) > limit else _plain(part)
                       for part in html.split(marker))


def _plain(text: str) -> str:
    return _ANY_MARK.sub("", text)


def _cut(text: str, levels: list[str], limit: int) -> str:
    """``text`` cut at the marks of ``levels[0]`` into runs of at most ``limit`` characters (a piece still
    longer is cut inside, at the next level's marks), the section closed and opened again between runs."""
    if not levels:
        return _plain(text)
    close, open_ = CUTS[levels[0]]
    runs: list[str] = []
    current: list[str] = []
    size = 0
    for piece in text.split(_MARK.format(levels[0])):  # each run is made plain once, when joined
        length = len(_plain(piece))
        if current and size + length > limit:
            runs.append("".join(current))
            current, size = [], 0
        if length > limit:  # too long alone: cut inside, at the finer marks
            runs.append(_cut(piece, levels[1:], limit))
            continue
        current.append(piece)
        size += length
    if current:
        runs.append("".join(current))
    return f"{close}\n{pdfjobs.CHUNK_MARKER}\n{open_}".join(_plain(run) for run in runs)
