"""Attached PDF originals printed as pages of the dossier, so that a printed dossier is whole.

Two steps, neither of which touches the layout engine's internals:

1. ``plan_originals`` counts the pages of every PDF attachment the dossier shows (pypdf). The templates
   then lay out, after 附：印证材料清单, a section 附：印证材料原件 with one *placeholder page* per
   page of each original (``originals.html``): a named page ``original`` with a running header
   naming the evidence, the file, its page and its SHA-256, and an empty frame of a fixed size.
   WeasyPrint numbers these pages in the dossier's sequence, lists each original in the contents
   (``target-counter``, or ``data-page`` in a parallel render) and bookmarks it, like any other
   page; a parallel render (scoring/render/dossier/pdfjobs.py) cuts between originals like between sections.
2. ``fill_originals`` draws each original page into its frame on the finished PDF, with pypdf's public
   API (``PdfWriter(clone_from=…)``, ``PageObject.merge_transformed_page``): scaled to fit the
   frame, centred, its rotation applied. The placeholder pages are found by their named
   destinations (``orig-<n>-<page>``), which WeasyPrint and the parallel merge both write.

The originals stay embedded as file attachments too (PDF/A-3, ``AFRelationship /Supplement``):
the printed page is for reading, the attachment for checking against the SHA-256.

An original pypdf cannot read (damaged, encrypted) gets one page saying so instead of its pages;
the build goes on, and the PDF warnings say which file. The same input gives the same bytes.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from .engine_weasyprint import quiet

# The named page ``original`` (dossier.css must agree): A4, these margins, a header of HEAD_MM,
# then the frame the original is drawn into.
PAGE_MM = (210.0, 297.0)
MARGIN_MM = (22.0, 12.0, 24.0, 12.0)  # top, right, bottom, left
HEAD_MM = 15.0  # three lines of 5 mm: the evidence, the file and its page, the SHA-256
FRAME_MM = (186.0, 233.0)  # width, height: the page less its margins and the header, 3 mm to spare
MM = 72 / 25.4  # PDF points per millimetre
PREFIX = "orig-"
MAX_PAGES = 500  # pages of one original printed; the rest stay in the embedded file


class Attached(Protocol):
    """What ``plan_originals`` needs of an attachment (dossier.FileView)."""

    @property
    def path(self) -> str: ...


@dataclass(frozen=True)
class Original:
    """A PDF attachment as printed pages: ``pages`` placeholders, or one page of ``note`` when unreadable."""

    number: int  # 1, 2, … in the appendix
    file: Any  # the dossier's FileView: path, name, sha256, size_text, evidence, evidence_anchor
    pages: int  # pages printed (0: unreadable, one page with ``note``)
    total: int  # pages of the original
    note: str = ""

    @property
    def anchor(self) -> str:
        return f"original-{self.number}"

    def page_anchor(self, page: int) -> str:
        """The named destination of printed page ``page`` (0-based)."""
        return f"{PREFIX}{self.number}-{page}"

    @property
    def printed(self) -> int:
        return max(1, self.pages)


def _count(path: Path) -> tuple[int, str]:
    """(pages, "") or (0, why it cannot be printed)."""
    from pypdf import PdfReader

    try:
        reader = PdfReader(path)
        if reader.is_encrypted:
            return 0, "文件已加密，无法按页排入"
        return len(reader.pages), ""
    except Exception:  # a damaged file is the author's to fix; the dossier still builds
        return 0, "文件已损坏或不是有效的PDF，无法按页排入"


def plan_originals(files: Iterable[Attached], root: Path) -> tuple[Original, ...]:
    """Every PDF attachment once, in order of appearance, with its page count."""
    out: list[Original] = []
    seen: set[str] = set()
    for f in files:
        if not f.path.lower().endswith(".pdf") or f.path in seen:
            continue
        seen.add(f.path)
        total, note = _count(root / f.path)
        if total > MAX_PAGES:
            note = f"原件共{total}页，此处排入前{MAX_PAGES}页，全文见嵌入的文件附件"
        out.append(Original(len(out) + 1, f, min(total, MAX_PAGES), total, note))
    return tuple(out)


def _frame() -> tuple[float, float, float, float]:
    """The frame in PDF points: left, bottom, width, height."""
    top, _, _, left = MARGIN_MM
    width, height = FRAME_MM
    bottom = PAGE_MM[1] - top - HEAD_MM - height
    return left * MM, bottom * MM, width * MM, height * MM


def _placed(source: Any) -> Any:
    """The transformation that turns ``source`` as a viewer shows it (its /Rotate applied) and fits it into the frame."""
    from pypdf import Transformation

    box = source.mediabox
    x0, y0, w, h = float(box.left), float(box.bottom), float(box.width), float(box.height)
    turn = source.rotation % 360  # clockwise, as a viewer turns the page
    # exact matrices for the quarter turns: (x, y) in the box → the turned page with its origin at 0, 0
    turned = {0: (1, 0, 0, 1, 0, 0), 90: (0, -1, 1, 0, 0, w), 180: (-1, 0, 0, -1, w, h), 270: (0, 1, -1, 0, h, 0)}
    shown_w, shown_h = (h, w) if turn in (90, 270) else (w, h)
    left, bottom, fw, fh = _frame()
    scale = min(fw / shown_w, fh / shown_h)
    dx = left + (fw - shown_w * scale) / 2
    dy = bottom + (fh - shown_h * scale) / 2
    return (Transformation().translate(-x0, -y0).transform(Transformation(turned.get(turn, turned[0])))
            .scale(scale, scale).translate(dx, dy))


def _own_resources(page: Any) -> Any:
    """A copy of a page's resources, one level deep (fonts, images …: the dictionaries the merge adds to)."""
    from pypdf.generic import DictionaryObject, NameObject

    own = DictionaryObject()
    for key, value in page["/Resources"].get_object().items():
        inner = value.get_object()
        own[NameObject(key)] = DictionaryObject(inner) if isinstance(inner, DictionaryObject) else value
    return own


def fill_originals(pdf: bytes, originals: Sequence[Original], root: Path) -> tuple[bytes, list[str]]:
    """The dossier with every original page drawn into its placeholder; and warnings (in Chinese)."""
    printable = [o for o in originals if o.pages]
    if not printable:
        return pdf, []
    with quiet("pypdf"):  # e.g. "Object count … exceeds defined trailer size" on WeasyPrint's file, harmless
        return _fill(pdf, printable, root)


def _fill(pdf: bytes, printable: Sequence[Original], root: Path) -> tuple[bytes, list[str]]:
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import NameObject

    reader = PdfReader(io.BytesIO(pdf))
    targets = {name: reader.get_destination_page_number(dest) for name, dest in reader.named_destinations.items()
               if name.startswith(PREFIX)}
    writer = PdfWriter(clone_from=reader)
    writer.pdf_header = reader.pdf_header  # PDF 1.7 (PDF/A-3b), not pypdf's default 1.3
    warnings: list[str] = []
    for original in printable:
        source = PdfReader(root / original.file.path)
        for page in range(original.pages):
            target = targets.get(original.page_anchor(page))
            if target is None:
                warnings.append(f"{original.file.path} 第{page + 1}页：汇编中没有为它留出的页面")
                continue
            try:
                original_page, placeholder = source.pages[page], writer.pages[target]
                # WeasyPrint's pages share one resource dictionary: the merge adds the original's fonts and
                # images to a copy of its own, not to every other page's
                placeholder[NameObject("/Resources")] = _own_resources(placeholder)
                placeholder.merge_transformed_page(original_page, _placed(original_page))
            except Exception as exc:  # one unreadable page: its frame stays empty, the rest is printed
                warnings.append(f"{original.file.path} 第{page + 1}页无法排入：{type(exc).__name__}")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue(), warnings
