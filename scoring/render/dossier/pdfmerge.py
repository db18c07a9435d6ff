"""The parallel PDF's last step (scoring/render/dossier/pdfjobs.py): the chunks' PDFs merged into one document.

Chunk 0's PDF (cover, contents, metadata, attachments) is the base; every other chunk's pages are
appended in order (pypdf), then one name tree of destinations (links between chunks are kept as
named destinations), one outline built by WeasyPrint's own bookmark algorithm over all pages, one
shared program per font, and a file identifier derived from the chunks' bytes: same input, same
bytes.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Sequence
from typing import Any, Protocol

from . import engine_weasyprint as engine


class Drawn(Protocol):
    """What the merge reads of a chunk (``pdfjobs._Chunk``)."""

    index: int
    pdf: bytes
    reader: Any  # pypdf's reader of ``pdf`` (None for chunk 0)
    anchors: dict[str, tuple[int, float, float]]
    marks: list[list[tuple[int, str, tuple[float, float], str]]]
    unresolved: list[str]


def merge(chunks: Sequence[Drawn], offsets: dict[int, int], programs: dict[str, bytes],
          warnings: list[str]) -> tuple[bytes, int]:
    """The merged PDF and its page count; a link to no anchor adds a warning to ``warnings``."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(chunks[0].pdf)))
    for chunk in chunks[1:]:
        for source in chunk.reader.pages:
            writer.add_page(source)
    refs = [page.indirect_reference for page in writer.pages]
    if programs:
        share_programs(writer, programs)
    _destinations(writer, chunks, refs, {0: 0, **offsets}, warnings)
    root = writer.root_object
    # The outline: WeasyPrint's own tree-building over the pages of every chunk, in order.
    if "/Outlines" in root:
        del root["/Outlines"]
    _outline(writer, engine.outline([marks for chunk in chunks for marks in chunk.marks]), None)
    digest = hashlib.md5(b"".join(c.pdf for c in chunks), usedforsecurity=False).digest()
    engine.set_file_id(writer, digest)
    if programs:
        writer.compress_identical_objects(remove_duplicates=False, remove_unreferenced=True)  # the chunks' own subsets
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue(), len(refs)


def _destinations(writer: Any, chunks: Sequence[Drawn], refs: list[Any], offsets: dict[int, int],
                  warnings: list[str]) -> None:
    """Named destinations: every anchor at its page, the first occurrence in document order."""
    from pypdf.generic import ArrayObject, DictionaryObject, FloatObject, NameObject, NumberObject, TextStringObject

    dests: dict[str, tuple[int, float, float]] = {}
    for chunk in chunks:
        for name, (local, x, y) in chunk.anchors.items():
            dests.setdefault(name, (offsets[chunk.index] + local, x, y))
    for chunk in chunks:
        for name in chunk.unresolved:
            if name not in dests:
                warnings.append(f"No anchor #{name} for internal URI reference")
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


def _outline(writer: Any, items: list[Any], parent: Any) -> None:
    from pypdf.generic import Fit

    for label, (page, x, y), children, state in items:
        node = writer.add_outline_item(title=label, page_number=page, parent=parent,
                                       fit=Fit.xyz(x, y, 0), is_open=state != "closed")
        _outline(writer, children, node)


def share_programs(writer: Any, programs: dict[str, bytes]) -> None:
    """Point every font descriptor of the merged pages at its font's one shared program."""
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
                _point_at(writer, descriptor, key, name, programs[name], shared)


def _point_at(writer: Any, descriptor: Any, key: str, name: str, program: bytes,
              shared: dict[tuple[str, str], Any]) -> None:
    """One descriptor at the shared program (made once per font and type)."""
    from pypdf.generic import NameObject, NumberObject, StreamObject

    # The key follows the program, as in WeasyPrint (a chunk's stand-in has the same type).
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
