"""WeasyPrint, its HarfBuzz bindings and pypdf: every use of their internals, in one place.

The parallel PDF (scoring/render/dossier/pdfjobs.py) lays chunks out in worker processes and merges them; for
that it holds back WeasyPrint's margin boxes until a chunk's first page number is known
(``make_margin_boxes`` replaced, then called with the page counter shifted), records the glyphs
each chunk uses instead of subsetting its fonts (``Font.clean`` wrapped), subsets each font once
over every chunk's glyphs (``Font._harfbuzz_subset``, with two HarfBuzz functions declared here),
builds one outline with WeasyPrint's own algorithm (``make_page_bookmark_tree``) and adds objects
to the merged file through pypdf's ``_add_object``. Everything of that kind is here, typed with
Protocols (WeasyPrint has no types of its own).

``GATE`` lists the versions all this was verified against. With any other version installed,
the dossier is rendered by one plain ``write_pdf`` in one process (the public path, which
scoring/render/dossier/dossier.py takes anyway for small documents): the same pages and text, only slower.
"""

from __future__ import annotations

import contextlib
import logging
import types
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from pypdf import PdfWriter
    from pypdf.generic import IndirectObject, PdfObject

from ...core.engine_gate import Gate

GATE = Gate({"weasyprint": "70.0", "pypdf": "7.1.0"}, "PDF 改为单进程直接生成（较慢，页面和文字相同）")
Bookmark = tuple[int, str, tuple[float, float], str]  # level, label, (x, y) in PDF points, "open"/"closed"


class PageType(Protocol):
    """WeasyPrint's page type (a named tuple): which side, first, blank, name."""

    side: str

    def _replace(self, **changes: object) -> PageType: ...


class PageBox(Protocol):
    """A laid-out page of WeasyPrint's box tree."""

    page_type: PageType
    children: tuple[Any, ...]


class LayoutContext(Protocol):
    """WeasyPrint's layout context, as far as margin boxes need it."""

    current_page: int
    style_for: Any
    get_image_from_uri: Callable[..., Any]


class Font(Protocol):
    """A font as WeasyPrint's PDF writer holds it."""

    hash: str
    file_content: bytes
    index: int
    tables: Sequence[str]
    png: bool
    svg: bool
    colr: bool
    missing: set[int]


# (page box, layout context, its page number, the page maker's state): what make_margin_boxes is called with
Deferred = tuple[PageBox, LayoutContext, int, tuple[Any, ...]]
_deferred: list[Deferred] | None = None


def _defer_margin_boxes(context: LayoutContext, page: PageBox, state: tuple[Any, ...]) -> tuple[()]:
    assert _deferred is not None
    _deferred.append((page, context, context.current_page, state))
    return ()


def hold_margin_boxes() -> None:
    """From now on, in this process, WeasyPrint lays pages out without their margin boxes (``deferring``)."""
    import weasyprint.layout

    weasyprint.layout.make_margin_boxes = _defer_margin_boxes


@contextlib.contextmanager
def deferring() -> Iterator[list[Deferred]]:
    """The margin boxes a render within asks for, held back in the list given (after ``hold_margin_boxes``)."""
    global _deferred
    held: list[Deferred] = []
    _deferred = held
    try:
        yield held
    finally:
        _deferred = None


def add_margin_boxes(html: Any, deferred: list[Deferred], offset: int) -> None:
    """Make the held-back margin boxes as pages ``offset + 1 …`` of the whole document."""
    from weasyprint.layout.background import layout_box_backgrounds
    from weasyprint.layout.page import make_margin_boxes, set_page_type_computed_styles

    for page_box, context, current, state in deferred:
        context.current_page = current
        if offset % 2:
            side = "left" if page_box.page_type.side == "right" else "right"
            page_type = page_box.page_type._replace(side=side)
            set_page_type_computed_styles(page_type, html, context.style_for)
            page_box.page_type = page_type
        counters = {name: list(values) for name, values in state[1].items()}
        counters["page"] = [value + offset for value in counters.get("page", [0])]
        margin = tuple(make_margin_boxes(context, page_box, (state[0], counters, *state[2:])))
        for box in margin:
            layout_box_backgrounds(page_box, box, context.get_image_from_uri)
        page_box.children = (*page_box.children, *margin)


def pdf_version(options: dict[str, Any]) -> str | None:
    """The PDF version ``write_pdf`` with these options writes: given, or the variant's."""
    from weasyprint.pdf import VARIANTS

    variant = options.get("pdf_variant")
    version = options.get("pdf_version") or (VARIANTS[variant][1].get("pdf_version") if variant else None)
    return None if version is None else str(version)


# --- one program per font -----------------------------------------------------------


@dataclass
class Original:
    data: bytes  # the font file as HarfBuzz has it (a whole collection for .ttc)
    index: int  # the face inside it
    hinting: bool


@dataclass
class FontLog:
    """The fonts a worker's chunks embedded: their original files, and the glyphs of the chunk last written."""

    originals: dict[str, Original] = field(default_factory=dict)
    used: dict[str, tuple[tuple[int, ...], bool]] = field(default_factory=dict)  # font → (glyph ids, missing)

    def take(self) -> dict[str, tuple[tuple[int, ...], bool]]:
        used, self.used = self.used, {}
        return used


def record_fonts(log: FontLog, defer: bool) -> None:
    """Wrap WeasyPrint's ``Font.clean`` (called once per font as a PDF is written) to log what it subsets.

    Only fonts that ``clean`` merely subsets with HarfBuzz are logged: not variable fonts (it also
    instantiates them), colour fonts (it also strips images) or fonts used in forms (not subset).
    With ``defer`` a logged font is not subset at all: the chunk gets a four-byte program, which the
    merge replaces with the shared one (subsetting and compressing each chunk's own copy of every
    font cost about 2.5 s CPU at 500 pages, for programs the merge threw away).
    """
    from weasyprint.pdf import fonts
    from weasyprint.text.ffi import harfbuzz, harfbuzz_subset

    if not (harfbuzz_subset and harfbuzz.hb_version_atleast(4, 1, 0)):
        return
    clean = fonts.Font.clean

    def logged(font: Font, to_unicode: dict[int, str], hinting: bool) -> None:
        if to_unicode and not ({"fvar"} & set(font.tables) or font.png or font.svg or font.colr):
            if font.hash not in log.originals:
                log.originals[font.hash] = Original(_shared(log, font.file_content), font.index, hinting)
            log.used[font.hash] = (tuple(sorted(to_unicode)), bool(font.missing))
            if defer:  # a stand-in of the subset's type: WeasyPrint makes a CFF or a TrueType CIDFont of it
                font.file_content = b"OTTO" if {"CFF ", "CFF2"} & set(font.tables) else b"\x00\x01\x00\x00"
                return
        clean(font, to_unicode, hinting)

    fonts.Font.clean = logged


def _shared(log: FontLog, data: bytes) -> bytes:
    """``data``, or the equal bytes the log already holds: one collection file (a .ttc of 20–30 MB) serves
    several fonts (黑体, 楷体, 仿宋 and 小标宋 all fall back to Noto CJK), and each font's own copy, kept
    for the whole run, cost a worker about 130 MB at the sample's fonts."""
    return next((o.data for o in log.originals.values() if o.data == data), data)


_declared = False


def union_subset(original: Original, glyphs: Sequence[int], missing: bool) -> bytes:
    """The font subset to ``glyphs`` exactly as WeasyPrint subsets it for one document.

    If HarfBuzz fails, the whole font, as WeasyPrint then embeds it.
    """
    from weasyprint.pdf import fonts
    from weasyprint.text.ffi import ffi, harfbuzz

    global _declared
    if not _declared:  # two HarfBuzz functions WeasyPrint does not declare; once per process
        _declared = True
        ffi.cdef("hb_blob_t * hb_blob_create (const char *data, unsigned int length, int mode, void *user_data, "
                 "void *destroy); hb_face_t * hb_face_create (hb_blob_t *blob, unsigned int index);")
    buffer = ffi.from_buffer(original.data)
    blob = ffi.gc(harfbuzz.hb_blob_create(buffer, len(original.data), 1, ffi.NULL, ffi.NULL),  # 1: read-only
                  harfbuzz.hb_blob_destroy)
    face = ffi.gc(harfbuzz.hb_face_create(blob, original.index), harfbuzz.hb_face_destroy)
    font = types.SimpleNamespace(hb_face=face, missing=missing, family="", file_content=None)
    with quiet():
        fonts.Font._harfbuzz_subset(font, dict.fromkeys(glyphs, ""), original.hinting)
    del buffer
    result: bytes = font.file_content or original.data
    return result


@contextlib.contextmanager
def quiet(library: str = "weasyprint") -> Iterator[None]:
    """The library's own warnings (English, about its internals) not printed; errors still are."""
    logger = logging.getLogger(library)
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


# --- the merge (pypdf, and WeasyPrint's outline) ---------------------------------------------


def add_object(writer: PdfWriter, obj: PdfObject) -> IndirectObject:
    """``obj`` added to the merged file as an indirect object (pypdf has no public call for that)."""
    return writer._add_object(obj)


def set_file_id(writer: PdfWriter, digest: bytes) -> None:
    """The file identifier the merged file is written with (both halves ``digest``: same input, same bytes)."""
    from pypdf.generic import ArrayObject, ByteStringObject

    writer._ID = ArrayObject([ByteStringObject(digest), ByteStringObject(digest)])


@dataclass(frozen=True)
class _Marks:
    """What ``make_page_bookmark_tree`` reads of a page: its bookmarks, already in PDF coordinates."""

    bookmarks: Sequence[Bookmark]


def outline(pages: Sequence[Sequence[Bookmark]]) -> list[Any]:
    """The outline tree of a document whose pages carry these bookmarks: WeasyPrint's own algorithm."""
    from weasyprint.anchors import make_page_bookmark_tree
    from weasyprint.matrix import Matrix

    tree: list[Any] = []
    skipped: list[int] = []
    last_by_depth: list[list[Any]] = [tree]
    previous = 0
    for number, marks in enumerate(pages):
        previous = make_page_bookmark_tree(_Marks(marks), skipped, last_by_depth, previous, number, Matrix())
    return tree
