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

``scan()`` (scoring/render/leakscan.py) reads every file of an output folder: HTML and XML with tags stripped and
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

import hashlib
import io
import re
import unicodedata
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

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
IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".gif", ".webp", ".bmp"})


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
            return picture_pixels(image)
    except Exception:  # any undecodable image is simply not a picture
        return None


def picture_pixels(image: Any) -> str:
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
            if PurePosixPath(name).suffix.lower() in IMAGE_SUFFIXES:
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


class Places:
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
