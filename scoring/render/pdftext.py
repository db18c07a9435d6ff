"""A PDF's text, page by page, read fast from its content streams for the leak check (scoring/render/leakscan.py)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

_HEX = re.compile(rb"<([0-9A-Fa-f\s]*)>")
_LIT = re.compile(rb"\(((?:[^()\\]|\\.)*)\)", re.S)
_OPS = re.compile(
    rb"/([^\s/\[\]<>(){}%]+)\s+[-+\d.]+\s+Tf"  # font selection
    rb"|\[((?:<[0-9A-Fa-f\s]*>|\((?:[^()\\]|\\.)*\)|[-+\d.\s])*)\]\s*TJ"  # [<…> 12 (…)] TJ
    rb"|(<[0-9A-Fa-f\s]*>|\((?:[^()\\]|\\.)*\))\s*(?:Tj|'|\"[^A-Za-z])"  # <…> Tj, (…) '
    rb"|/([^\s/\[\]<>(){}%]+)\s+Do\b",  # a form XObject
    re.S,
)
_ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}


@dataclass
class _CMap:
    width: int  # bytes per character code
    chars: dict[bytes, str]


def _unhex(text: bytes) -> bytes:
    clean = b"".join(text.split())
    return bytes.fromhex((clean + b"0" if len(clean) % 2 else clean).decode("ascii"))


def _utf16(data: bytes) -> str:
    return data.decode("utf-16-be", "replace")


def _parse_cmap(data: bytes) -> _CMap:
    width = 2
    space = re.search(rb"begincodespacerange\s*<([0-9A-Fa-f]+)>", data)
    if space:
        width = max(1, len(space.group(1)) // 2)
    chars: dict[bytes, str] = {}
    for section in re.findall(rb"beginbfchar(.*?)endbfchar", data, re.S):
        pairs = _HEX.findall(section)
        for src, dst in zip(pairs[::2], pairs[1::2], strict=False):
            chars[_unhex(src)] = _utf16(_unhex(dst))
    for section in re.findall(rb"beginbfrange(.*?)endbfrange", data, re.S):
        for lo, hi, dst in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*(<[0-9A-Fa-f]+>|\[[^\]]*\])", section):
            a, b = int(lo, 16), int(hi, 16)
            size = len(lo) // 2
            if dst.startswith(b"["):
                for k, d in enumerate(_HEX.findall(dst)):
                    chars[(a + k).to_bytes(size, "big")] = _utf16(_unhex(d))
            else:
                base = int(dst[1:-1], 16)
                blen = (len(dst) - 2) // 2
                for k in range(min(b - a, 0xFFFF) + 1):
                    chars[(a + k).to_bytes(size, "big")] = _utf16((base + k).to_bytes(blen, "big"))
    return _CMap(width, chars)


def _literal(data: bytes) -> bytes:
    out = bytearray()
    i = 0
    while i < len(data):
        ch = data[i:i + 1]
        if ch == b"\\" and i + 1 < len(data):
            nxt = data[i + 1:i + 2]
            if nxt in _ESCAPES:
                out += _ESCAPES[nxt]
                i += 2
            elif nxt.isdigit():
                digits = re.match(rb"[0-7]{1,3}", data[i + 1:i + 4])
                assert digits is not None
                out.append(int(digits.group(0), 8) & 0xFF)
                i += 1 + len(digits.group(0))
            elif nxt in (b"\n", b"\r"):
                i += 2
            else:
                out += nxt
                i += 2
        else:
            out += ch
            i += 1
    return bytes(out)


class _NoUnicode(Exception):
    """A font without a ToUnicode map: the page goes to pypdf's own extraction."""


class _PdfText:
    """Text of content streams, decoded through each font's ToUnicode map (cached per font object)."""

    def __init__(self) -> None:
        self.cmaps: dict[int, _CMap] = {}
        self.forms: dict[int, str] = {}

    def cmap(self, font_ref: Any) -> _CMap:
        key = getattr(font_ref, "idnum", None)
        if key is not None and key in self.cmaps:
            return self.cmaps[key]
        font = font_ref.get_object()
        to_unicode = font.get("/ToUnicode")
        if to_unicode is None:
            raise _NoUnicode
        cmap = _parse_cmap(to_unicode.get_object().get_data())
        if key is not None:
            self.cmaps[key] = cmap
        return cmap

    def decode(self, cmap: _CMap, raw: bytes) -> str:
        w = cmap.width
        return "".join(cmap.chars.get(raw[i:i + w], "") for i in range(0, len(raw) - w + 1, w))

    def strings(self, chunk: bytes) -> Iterator[bytes]:
        for m in re.finditer(rb"<([0-9A-Fa-f\s]*)>|\(((?:[^()\\]|\\.)*)\)", chunk, re.S):
            yield _unhex(m.group(1)) if m.group(1) is not None else _literal(m.group(2))

    def content(self, data: bytes, resources: Any, depth: int = 0) -> str:
        fonts = resources.get("/Font") if resources is not None else None
        xobjects = resources.get("/XObject") if resources is not None else None
        fonts = fonts.get_object() if fonts is not None else {}
        xobjects = xobjects.get_object() if xobjects is not None else {}
        out: list[str] = []
        cmap: _CMap | None = None
        for m in _OPS.finditer(data):
            font_name, array, single, form = m.groups()
            if font_name is not None:
                ref = fonts.get("/" + font_name.decode("latin-1"))
                cmap = self.cmap(ref) if ref is not None else None
            elif form is not None:
                if depth < 8:
                    out.append(self.form(xobjects.get("/" + form.decode("latin-1")), resources, depth))
            elif cmap is not None:
                for raw in self.strings(array if array is not None else single):
                    out.append(self.decode(cmap, raw))
            elif array is not None or single is not None:
                raise _NoUnicode  # text shown before any font: leave it to pypdf
        return "\n".join(out)

    def form(self, ref: Any, resources: Any, depth: int) -> str:
        if ref is None:
            return ""
        key = getattr(ref, "idnum", None)
        if key is not None and key in self.forms:
            return self.forms[key]
        obj = ref.get_object()
        if obj.get("/Subtype") != "/Form":
            return ""
        text = self.content(obj.get_data(), obj.get("/Resources") or resources, depth + 1)
        if key is not None:
            self.forms[key] = text
        return text


def pdf_text(reader: Any) -> list[str]:
    """The text of every page, in content order (spacing is not kept: the check normalises it away).

    WeasyPrint writes each font with a ToUnicode map; those are parsed once per font for the
    whole document, which is many times faster than pypdf's per-page extraction. A page with a
    font that has no map is read with pypdf's ``extract_text``.
    """
    extractor = _PdfText()
    pages: list[str] = []
    for page in reader.pages:
        contents = page.get_contents()
        try:
            text = extractor.content(contents.get_data(), page.get("/Resources")) if contents is not None else ""
        except _NoUnicode:
            text = page.extract_text()
        pages.append(text)
    return pages
