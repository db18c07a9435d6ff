"""The leak check's second half (scoring/render/leaks.py describes both): every file of an output folder read for
the fingerprints of internal content; a hit for each place one is found."""

from __future__ import annotations

import base64
import binascii
import gzip
import html
import io
import json
import re
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import unquote

from .leaks import (
    FILE_NAME,
    IMAGE_SUFFIXES,
    Fingerprints,
    Hit,
    Origin,
    Places,
    find_in_text,
    normalise,
    picture_hash,
    picture_pixels,
    sha256,
)
from .pdftext import pdf_text

_TAG = re.compile(r"<!--.*?-->|<(script|style)\b[^>]*>.*?</\1\s*>|<[^>]*>", re.S | re.I)
_ATTR = re.compile(r"""=\s*(?:"([^"]*)"|'([^']*)')""")
_PERCENT = re.compile(r"(?:%[0-9A-Fa-f]{2})+")
_DATA_URI = re.compile(r"data:[\w/+.-]*(?:;[\w=.-]+)*;base64,([A-Za-z0-9+/=\s]+)")
_MARKUP_SUFFIXES = frozenset({".html", ".htm", ".xml", ".svg", ".xhtml", ".rels"})
_OFFICE_SUFFIXES = frozenset({".docx", ".xlsx", ".pptx"})
_OFFICE_PART_MAX = 256 * 1024 * 1024  # a part of an Office file this build wrote; larger is no text to read


class _Scan:
    def __init__(self, fp: Fingerprints):
        self.fp = fp
        self.hits: dict[tuple[str, str, str, str], Hit] = {}
        self._ext = self._ext_pattern()

    def _ext_pattern(self) -> re.Pattern[str] | None:
        exts = sorted({PurePosixPath(n).suffix[1:] for n in self.fp.names if "." in n} - {""})
        if not exts:
            return None
        return re.compile(r"\.(?:" + "|".join(map(re.escape, exts)) + r")(?![a-z0-9])")

    def add(self, output: str, place: str, origin: Origin, snippet: str) -> None:
        key = (output, place, origin.source, origin.kind)
        if key not in self.hits:
            self.hits[key] = Hit(output, place, origin.source, origin.kind, snippet)

    def text(self, output: str, place: str, text: str) -> None:
        """Look for internal text and names in text a reader sees."""
        if not text:
            return
        norm = normalise(text)
        places: Places | None = None
        for start, end, origin in find_in_text(norm, self.fp):
            if (output, place, origin.source, origin.kind) not in self.hits:
                places = places or Places(text)
                self.add(output, place, origin, places.snippet(start, end))
        self.names_in(output, place, text)

    def names_in(self, output: str, place: str, text: str) -> None:
        """File names of internal files, where they end with their extension (links, paths)."""
        if self._ext is None or "." not in text:
            return
        raw = _PERCENT.sub(lambda m: unquote(m.group(0)), html.unescape(text)).lower()
        for m in self._ext.finditer(raw):
            end = m.end()
            for name, origin in self.fp.names.items():
                start = end - len(name)
                if start >= 0 and raw.startswith(name, start):
                    before = raw[start - 1] if start else ""
                    if not (name[0].isascii() and name[0].isalnum() and (before.isalnum() or before in "-_.")):
                        self.add(output, place, origin, name)

    def data(self, output: str, place: str, data: bytes, name: str) -> None:
        """A whole file (or embedded file) by hash, by pixels and by name."""
        origin = self.fp.hashes.get(sha256(data))
        if origin is not None:
            self.add(output, place, origin, f"SHA-256 {sha256(data)}")
        lowered = PurePosixPath(name).name.lower()
        if lowered in self.fp.names:
            self.add(output, place, self.fp.names[lowered], lowered)
        if self.fp.pictures and PurePosixPath(lowered).suffix in IMAGE_SUFFIXES:
            pixels = picture_hash(data)
            if pixels is not None and pixels in self.fp.pictures:
                self.add(output, place, self.fp.pictures[pixels], f"与附件图片像素相同：{lowered}")

    def data_uris(self, output: str, text: str) -> None:
        if "base64," not in text:
            return
        for m in _DATA_URI.finditer(text):
            try:
                payload = base64.b64decode("".join(m.group(1).split()), validate=False)
            except (binascii.Error, ValueError):
                continue
            self.data(output, "内嵌数据（data: URI）", payload, "")
            if self.fp.pictures:
                pixels = picture_hash(payload)
                if pixels is not None and pixels in self.fp.pictures:
                    self.add(output, "内嵌数据（data: URI）", self.fp.pictures[pixels], "与附件图片像素相同")

    def file(self, output: str, data: bytes, name: str) -> None:
        self.data(output, FILE_NAME if PurePosixPath(name).name.lower() in self.fp.names else "整个文件",
                  data, name)
        suffix = PurePosixPath(name).suffix.lower()
        if suffix == ".gz":
            try:
                inner = gzip.decompress(data)
            except (OSError, EOFError, zlib.error):
                return
            self.file(output, inner, name[:-3])
            return
        if suffix == ".pdf" or data[:5] == b"%PDF-":
            self.pdf(output, data)
            return
        if suffix in _OFFICE_SUFFIXES and data[:4] == b"PK\x03\x04":
            self.office(output, data)
            return
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            return
        if suffix in _MARKUP_SUFFIXES:
            self.markup(output, text)
        elif suffix == ".json":
            self.json(output, text)
        else:
            self.text(output, "正文", text)
            self.data_uris(output, text)

    def office(self, output: str, data: bytes) -> None:
        """A Word or Excel file (the 自评报告, the score table): every part of its zip, read as its own kind."""
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                for info in archive.infolist():
                    if not info.is_dir() and info.file_size <= _OFFICE_PART_MAX:
                        self.file(output, archive.read(info), info.filename)
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError):
            self.text(output, "正文", data.decode("utf-8", "replace"))

    def markup(self, output: str, text: str) -> None:
        self.text(output, "正文", html.unescape(_TAG.sub(" ", text)))
        attributes = "\n".join(a or b for a, b in _ATTR.findall(text))
        self.text(output, "标签属性", html.unescape(attributes))
        self.data_uris(output, text)

    def json(self, output: str, text: str) -> None:
        try:
            data = json.loads(text)
        except ValueError:
            self.text(output, "正文", text)
            return
        docs = data.get("docs") if isinstance(data, dict) else None
        if isinstance(docs, list):  # a search index: say which page the text belongs to
            for doc in docs:
                place = f"搜索索引 {doc.get('location', '')}" if isinstance(doc, dict) else "搜索索引"
                self.markup(output, "\n".join(_strings(doc)))
                self._relabel(output, place)
            rest = {k: v for k, v in data.items() if k != "docs"}
            self.markup(output, "\n".join(_strings(rest)))
        else:
            self.markup(output, "\n".join(_strings(data)))

    def _relabel(self, output: str, place: str) -> None:
        for key in [k for k in self.hits if k[0] == output and k[1] in ("正文", "标签属性")]:
            hit = self.hits.pop(key)
            self.add(output, place, Origin(hit.source, hit.kind), hit.snippet)

    def pdf(self, output: str, data: bytes) -> None:
        from pypdf import PdfReader
        from pypdf.errors import PdfReadError

        try:
            reader = PdfReader(io.BytesIO(data))
            pages = pdf_text(reader)
        except (PdfReadError, ValueError, KeyError) as exc:
            raise LeakCheckError(f"{output}：无法读取 PDF（{exc}），不能确认其中没有内部材料") from None
        for number, page_text in enumerate(pages, 1):
            self.text(output, f"第{number}页", page_text)
        for key, value in (reader.metadata or {}).items():
            self.text(output, f"PDF 元数据 {key}", str(value))
        for title in _outline_titles(reader.outline):
            self.text(output, "PDF 书签", title)
        for number, page in enumerate(reader.pages, 1):
            for annot in page.get("/Annots") or ():
                action = annot.get_object().get("/A")
                uri = action.get_object().get("/URI") if action is not None else None
                if uri is not None:
                    self.text(output, f"第{number}页的链接", str(uri))
            if self.fp.pictures:
                self._pictures(output, number, page)
        for name, contents in reader.attachments.items():
            for content in contents:
                self.data(output, f"PDF 嵌入文件 {name}", content, name)
            self.text(output, f"PDF 嵌入文件 {name}", name)

    def _pictures(self, output: str, number: int, page: Any) -> None:
        try:
            images = list(page.images)
        except Exception:  # an image pypdf cannot decode is not comparable; its bytes were hashed
            return
        for image in images:
            try:
                pixels = picture_pixels(image.image)
            except Exception:
                continue
            if pixels in self.fp.pictures:
                self.add(output, f"第{number}页的图片", self.fp.pictures[pixels], image.name)


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


def _outline_titles(outline: Any) -> Iterator[str]:
    for item in outline or ():
        if isinstance(item, list):
            yield from _outline_titles(item)
        else:
            title = getattr(item, "title", None)
            if title:
                yield str(title)


class LeakCheckError(Exception):
    """An output file the check cannot read: the build must not publish what it cannot check."""


def file_hashes(folders: Iterable[Path]) -> frozenset[str]:
    """SHA-256 of every file below ``folders``: e.g. the theme's own assets, for ``scan(trusted=…)``."""
    return frozenset(sha256(p.read_bytes()) for folder in folders for p in folder.rglob("*") if p.is_file())


def scan(out_dir: Path, fp: Fingerprints, *, trusted: frozenset[str] = frozenset()) -> list[Hit]:
    """Every hit in every file below ``out_dir``, sorted; [] when nothing internal was found.

    A file whose SHA-256 is in ``trusted`` (a file copied unchanged from the theme package,
    say) is checked by hash and name only: its bytes come from outside the project.
    Raises ``LeakCheckError`` for a PDF it cannot read.
    """
    state = _Scan(fp)
    # A file with the bytes and the name of one read before (what the site serves of the dossier, site/dossier.pdf,
    # is the dossier itself, whose reading is most of the check) is not read again: what reading gives depends on
    # nothing else, so its hits are the first's, said of it.
    first: dict[tuple[str, str], str] = {}
    for path in sorted(p for p in out_dir.rglob("*") if p.is_file()):
        rel = path.relative_to(out_dir).as_posix()
        data = path.read_bytes()
        digest = sha256(data)
        if digest in trusted:
            state.data(rel, FILE_NAME, data, path.name)
        elif (digest, path.name) in first:
            for hit in [h for h in state.hits.values() if h.output == first[digest, path.name]]:
                state.add(rel, hit.place, Origin(hit.source, hit.kind), hit.snippet)
        else:
            first[digest, path.name] = rel
            state.file(rel, data, path.name)
    return sorted(state.hits.values())
