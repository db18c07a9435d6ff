"""The leak check: does anything written for the public carry content of an internal file?

Two halves, both on plain values so that they do not depend on the model's shape:

``fingerprints()`` turns internal content into things to look for:

- text (bodies, titles marked internal, fact values that are text) is *normalised* — NFKC,
  case-folded, every character that is not a letter or a digit dropped, so markup, spacing
  and typography do not matter — and every run of ``N`` (16) consecutive characters of it
  becomes an n-gram; a text shorter than ``N`` but at least ``MIN_EXACT`` (8) characters
  long is looked for whole; shorter ones (a two-character name) are not specific enough to
  look for anywhere and are left to the personal-data check;
- attachments by SHA-256 (as a whole output file, an embedded PDF file, a ``data:`` URI),
  by their hex digest written as text, and by pixels for images (so an internal picture
  WeasyPrint redraws in the PDF is still found);
- attachment and evidence file names, found where they end with their extension.

Whatever public material legitimately shows (the scheme's text, public evidence, score
lines, templates) is passed as ``allowed``: its n-grams, short texts, names and files are
taken out of the fingerprints, so a sentence an internal file quotes from the scheme is
not a leak.

``scan()`` reads every file of an output folder: HTML and XML with tags stripped and
entities decoded (their attribute values searched too), JSON string by string (the search
index place by place), ``.gz`` decompressed, Word and Excel files part by part, every file by hash and by name, and PDFs page
by page, with their embedded files, metadata, bookmarks and links.

The search is one pass per text over aligned blocks: a text is cut into blocks of ``N // 2``
characters (and of ``MIN_EXACT // 2`` for short texts) at fixed offsets, and a block is
looked up in a set; any common run of ``N`` characters must contain a whole aligned block,
and only then are the n-grams around it checked. Cost is a set lookup per block, not a
substring search per fingerprint.
"""

from __future__ import annotations

import base64
import binascii
import gzip
import hashlib
import html
import io
import json
import re
import unicodedata
import zipfile
import zlib
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import unquote

N = 16  # characters of normalised text in an n-gram
MIN_EXACT = 8  # a shorter internal text is not looked for
_BLOCK = N // 2  # 2 * _BLOCK - 1 <= N: a common run of N characters holds a whole aligned block
_SHORT_BLOCK = MIN_EXACT // 2
_SNIPPET = 24  # characters either side of a hit in a message

# Kinds of internal content, as messages name them.
BODY = "正文"
TITLE = "标题"
FACT = "事实"
ATTACHMENT = "附件"
DIGEST = "附件哈希"
PICTURE = "附件图片"
FILE_NAME = "文件名"

_DROP = re.compile(r"[\W_]+")
_TAG = re.compile(r"<!--.*?-->|<(script|style)\b[^>]*>.*?</\1\s*>|<[^>]*>", re.S | re.I)
_ATTR = re.compile(r"""=\s*(?:"([^"]*)"|'([^']*)')""")
_PERCENT = re.compile(r"(?:%[0-9A-Fa-f]{2})+")
_DATA_URI = re.compile(r"data:[\w/+.-]*(?:;[\w=.-]+)*;base64,([A-Za-z0-9+/=\s]+)")
_IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".gif", ".webp", ".bmp"})
_MARKUP_SUFFIXES = frozenset({".html", ".htm", ".xml", ".svg", ".xhtml", ".rels"})
_OFFICE_SUFFIXES = frozenset({".docx", ".xlsx", ".pptx"})
_OFFICE_PART_MAX = 256 * 1024 * 1024  # a part of an Office file this build wrote; larger is no text to read


def normalise(text: str) -> str:
    """Only letters and digits, NFKC, case-folded: ``**局党组**会议`` and ``局党组 会议`` read alike."""
    return _DROP.sub("", unicodedata.normalize("NFKC", text).casefold())


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def picture_hash(data: bytes) -> str | None:
    """SHA-256 of an image's RGB pixels, or None when ``data`` is no image Pillow reads."""
    try:
        from PIL import Image

        with Image.open(io.BytesIO(data)) as image:
            return _pixels(image)
    except Exception:  # any undecodable image is simply not a picture
        return None


def _pixels(image: Any) -> str:
    rgb = image.convert("RGB")
    return hashlib.sha256(f"{rgb.size}".encode() + rgb.tobytes()).hexdigest()


# --- what to look for -----------------------------------------------------------


@dataclass(frozen=True)
class Internal:
    """One internal evidence file, as plain values."""

    path: str  # the evidence file, relative to the project: evidence/zonghe/x.md
    body: str = ""
    title: str = ""  # only when the scheme treats titles as internal
    texts: tuple[str, ...] = ()  # fact values that are text
    attachments: tuple[tuple[str, bytes], ...] = ()  # (name or path as written, content)


@dataclass(frozen=True)
class Origin:
    source: str  # the internal evidence file
    kind: str  # 正文, 标题, 事实, 附件, 附件哈希, 附件图片, 文件名


@dataclass
class Fingerprints:
    """Everything the scanner looks for, each mapped to where it comes from."""

    grams: dict[str, Origin] = field(default_factory=dict)  # n-grams of normalised text
    blocks: set[str] = field(default_factory=set)  # every _BLOCK-window of every n-gram
    short: dict[str, Origin] = field(default_factory=dict)  # normalised texts MIN_EXACT <= len < N
    short_blocks: dict[str, list[tuple[str, int]]] = field(default_factory=dict)  # block → (short, offset)
    hashes: dict[str, Origin] = field(default_factory=dict)  # SHA-256 of attachment bytes
    pictures: dict[str, Origin] = field(default_factory=dict)  # SHA-256 of image pixels
    names: dict[str, Origin] = field(default_factory=dict)  # lower-case file names

    def __len__(self) -> int:
        return len(self.grams) + len(self.short) + len(self.hashes) + len(self.pictures) + len(self.names)


def fingerprints(internal: Iterable[Internal], *, allowed: Iterable[str] = (),
                 allowed_files: Iterable[bytes] = (), allowed_names: Iterable[str] = (),
                 n: int = N) -> Fingerprints:
    """The fingerprints of ``internal`` content, less what ``allowed`` public material shows."""
    if n != N:
        raise ValueError("n is fixed at N: the block size depends on it")
    fp = Fingerprints()
    texts: list[tuple[str, Origin]] = []
    for item in internal:
        texts.append((item.body, Origin(item.path, BODY)))
        texts.append((item.title, Origin(item.path, TITLE)))
        texts.extend((t, Origin(item.path, FACT)) for t in item.texts)
        fp.names.setdefault(PurePosixPath(item.path).name.lower(), Origin(item.path, FILE_NAME))
        for name, data in item.attachments:
            digest = sha256(data)
            fp.hashes.setdefault(digest, Origin(item.path, ATTACHMENT))
            texts.append((digest, Origin(item.path, DIGEST)))  # the digest written as text
            fp.names.setdefault(PurePosixPath(name).name.lower(), Origin(item.path, FILE_NAME))
            if PurePosixPath(name).suffix.lower() in _IMAGE_SUFFIXES:
                pixels = picture_hash(data)
                if pixels is not None:
                    fp.pictures.setdefault(pixels, Origin(item.path, PICTURE))
    for text, origin in texts:
        norm = normalise(text)
        if len(norm) >= N:
            for i in range(len(norm) - N + 1):
                fp.grams.setdefault(norm[i:i + N], origin)
        elif len(norm) >= MIN_EXACT:
            fp.short.setdefault(norm, origin)
    public = [normalise(t) for t in allowed]
    for text in public:
        for i in range(len(text) - N + 1):
            fp.grams.pop(text[i:i + N], None)
    joined = "\x00".join(public)
    fp.short = {s: o for s, o in fp.short.items() if s not in joined}
    for data in allowed_files:
        fp.hashes.pop(sha256(data), None)
    for name in allowed_names:
        fp.names.pop(PurePosixPath(name).name.lower(), None)
    fp.blocks = {g[i:i + _BLOCK] for g in fp.grams for i in range(N - _BLOCK + 1)}
    for s in fp.short:
        for i in range(len(s) - _SHORT_BLOCK + 1):
            fp.short_blocks.setdefault(s[i:i + _SHORT_BLOCK], []).append((s, i))
    return fp


# --- where it was found ----------------------------------------------------------


@dataclass(frozen=True, order=True)
class Hit:
    """Internal content found in an output file."""

    output: str  # the output file, relative to the scanned folder (posix)
    place: str  # 第3页, 正文, 标签属性, 搜索索引 evidence/…, PDF 元数据 /Title, 文件名, …
    source: str  # the internal evidence file it comes from
    kind: str  # what of it: 正文, 标题, 事实, 附件, 附件哈希, 附件图片, 文件名
    snippet: str  # the leaked text with a little around it, or the name or hash

    def format(self) -> str:
        return f"{self.output}（{self.place}）：含有内部材料 {self.source} 的{self.kind}：“{self.snippet}”"


def find_in_text(text: str, fp: Fingerprints) -> list[tuple[int, int, Origin]]:
    """(start, end, origin) of each internal n-gram or short text in ``text``, already normalised."""
    found: list[tuple[int, int, Origin]] = []
    if fp.grams:
        blocks, size = fp.blocks, _BLOCK
        for p in [i for i in range(0, len(text), size) if text[i:i + size] in blocks]:
            for q in range(max(0, p + _BLOCK - N), p + 1):
                origin = fp.grams.get(text[q:q + N])
                if origin is not None:
                    found.append((q, q + N, origin))
                    break
    if fp.short:
        short_blocks, step = fp.short_blocks, _SHORT_BLOCK
        for p in [i for i in range(0, len(text), step) if text[i:i + step] in short_blocks]:
            for s, off in short_blocks[text[p:p + step]]:
                if p - off >= 0 and text.startswith(s, p - off):
                    found.append((p - off, p - off + len(s), fp.short[s]))
    return found


class _Places:
    """Maps positions in a normalised text back to the text as written, for readable snippets."""

    def __init__(self, text: str):
        self.text = text
        self.norm_starts: list[int] = []
        self.spans: list[tuple[int, int]] = []
        total = 0
        for m in re.finditer(r"[^\W_]+", text):
            self.norm_starts.append(total)
            self.spans.append(m.span())
            total += len(normalise(m.group(0)))

    def original(self, pos: int) -> int:
        k = max(0, bisect_right(self.norm_starts, pos) - 1)
        if not self.spans:
            return 0
        start, end = self.spans[k]
        return min(end, start + pos - self.norm_starts[k])

    def snippet(self, start: int, end: int) -> str:
        a, b = self.original(start), self.original(max(start, end - 1)) + 1
        around = self.text[max(0, a - _SNIPPET):b + _SNIPPET]
        return " ".join(around.split())


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
        places: _Places | None = None
        for start, end, origin in find_in_text(norm, self.fp):
            if (output, place, origin.source, origin.kind) not in self.hits:
                places = places or _Places(text)
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
        if self.fp.pictures and PurePosixPath(lowered).suffix in _IMAGE_SUFFIXES:
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
                pixels = _pixels(image.image)
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
    for path in sorted(p for p in out_dir.rglob("*") if p.is_file()):
        rel = path.relative_to(out_dir).as_posix()
        data = path.read_bytes()
        if sha256(data) in trusted:
            state.data(rel, FILE_NAME, data, path.name)
        else:
            state.file(rel, data, path.name)
    return sorted(state.hits.values())


# --- PDF text, fast ---------------------------------------------------------------

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
