"""The attachment allowlist: which files may go into the dossier and the site.

An attachment is admitted when its extension is on the list below AND its
first bytes are what that kind of file begins with (its "magic bytes"). The
list holds only types that browsers never run as a page: a site page's origin
is shared by every file the site serves, so one HTML-like attachment (.html,
.svg, .xht, .xml …) could run script as the site. Checking the content as well
as the name means a page renamed to .png or .ofd is refused too, and no
browser's content sniffing can take an admitted file for HTML: every binary
type starts with a fixed signature at offset 0, and text files that begin
with markup are refused. Archives are not admitted: a reviewer cannot see
inside them, and each file in them should be checked on its own.

See docs/attachments.md for the reasoning and what each host does.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .safeio import Limits, ReadRefused, read_head

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Word/Excel/PowerPoint 97-2003 and WPS
_ZIP = b"PK\x03\x04"  # OOXML, OFD, OpenDocument


def _starts(*signatures: bytes) -> Callable[[bytes], bool]:
    return lambda head: head.startswith(signatures)


def _webp(head: bytes) -> bool:
    return head[:4] == b"RIFF" and head[8:12] == b"WEBP"


# What a browser's HTML sniffer looks for at the start of a file (WHATWG MIME
# Sniffing, "identifying a resource with an unknown MIME type"), lower-cased.
_MARKUP = (b"<!doctype", b"<html", b"<head", b"<script", b"<iframe", b"<h1", b"<div", b"<font", b"<table",
           b"<a", b"<style", b"<title", b"<b", b"<body", b"<br", b"<p", b"<!--", b"<?xml", b"<svg")


def _text(head: bytes) -> bool:
    """UTF-8 or GB18030 text without NUL that does not open with markup."""
    if b"\0" in head:
        return False
    sample = head.removeprefix(b"\xef\xbb\xbf")
    for encoding in ("utf-8", "gb18030"):
        try:
            sample.decode(encoding)
            break
        except UnicodeDecodeError as exc:
            if encoding == "utf-8" and exc.start >= len(sample) - 3:  # a character cut by the 8 KB sample
                break
    else:
        return False
    start = sample.lstrip(b" \t\r\n\x0c").lower()
    return not any(start.startswith(tag) for tag in _MARKUP)


@dataclass(frozen=True)
class FileType:
    label: str
    suffixes: tuple[str, ...]
    matches: Callable[[bytes], bool]


TYPES: tuple[FileType, ...] = (
    FileType("PDF", (".pdf",), _starts(b"%PDF-")),
    FileType("PNG 图片", (".png",), _starts(b"\x89PNG\r\n\x1a\n")),
    FileType("JPEG 图片", (".jpg", ".jpeg"), _starts(b"\xff\xd8\xff")),
    FileType("GIF 图片", (".gif",), _starts(b"GIF87a", b"GIF89a")),
    FileType("WebP 图片", (".webp",), _webp),
    FileType("BMP 图片", (".bmp",), _starts(b"BM")),
    FileType("TIFF 扫描件", (".tif", ".tiff"), _starts(b"II*\0", b"MM\0*")),
    FileType("Word/Excel/PowerPoint 文档", (".docx", ".xlsx", ".pptx"), _starts(_ZIP)),
    FileType("Word/Excel/PowerPoint 97-2003 文档", (".doc", ".xls", ".ppt"), _starts(_OLE2)),
    FileType("WPS 文档", (".wps", ".et", ".dps"), _starts(_OLE2, _ZIP)),
    FileType("OFD 版式文件", (".ofd",), _starts(_ZIP)),
    FileType("OpenDocument 文档", (".odt", ".ods", ".odp"), _starts(_ZIP)),
    FileType("纯文本/CSV", (".txt", ".csv"), _text),
)

BY_SUFFIX = {suffix: t for t in TYPES for suffix in t.suffixes}
ALLOWED_SUFFIXES = frozenset(BY_SUFFIX)


def accepted_text() -> str:
    """The accepted types as one Chinese phrase, for messages and docs."""
    return "；".join(f"{t.label}（{'、'.join(t.suffixes)}）" for t in TYPES)


def suffix_problem(name: str) -> str | None:
    """Why a file name is not admitted as an attachment (by its extension), or None."""
    suffix = Path(name).suffix.lower()
    if suffix in BY_SUFFIX:
        return None
    shown = f" {suffix} 文件" if suffix else "没有扩展名的文件"
    return f"附件“{name}”是{shown}，不在允许的附件类型中；可用的类型：{accepted_text()}"


def content_problem(name: str, head: bytes) -> str | None:
    """Why a file's first bytes do not match its extension, or None."""
    kind = BY_SUFFIX.get(Path(name).suffix.lower())
    if kind is None:
        return suffix_problem(name)
    if kind.matches(head):
        return None
    if kind.matches is _text:
        return (f"附件“{name}”不是纯文本，或以网页标记（如 <html>、<svg>）开头，浏览器可能把它当作网页运行；"
                "请另存为 PDF")
    return (f"附件“{name}”的内容不是 {kind.label}（文件开头与 {Path(name).suffix.lower()} 格式不符，"
            "可能是改了扩展名的其他文件）；请用原软件另存为正确的格式")


def attachment_problem(path: Path, root: Path | None = None, limits: Limits | None = None) -> str | None:
    """Why the file at ``path`` cannot be an attachment, or None when it is admitted.

    ``root`` bounds where the file may really live (a link out of it is
    refused); the size limit is ``limits.attachment``.
    """
    problem = suffix_problem(path.name)
    if problem:
        return problem
    limits = limits or Limits()
    try:
        head, _ = read_head(root or path.parent, path, limits.attachment)
    except ReadRefused as exc:
        return f"附件“{path.name}”：{exc.message}"
    return lfs_problem(path.name, head) or content_problem(path.name, head)


# The first line of every Git LFS pointer file (https://github.com/git-lfs/git-lfs/blob/main/docs/spec.md).
LFS_POINTER = b"version https://git-lfs.github.com/spec/v1\n"


def lfs_problem(name: str, head: bytes) -> str | None:
    """Why a file that is still a Git LFS pointer (its content not fetched) cannot be an attachment, or None.

    Checked before the content: a pointer is plain text, which a .txt or .csv attachment would admit.
    """
    if not head.startswith(LFS_POINTER):
        return None
    return (f"附件“{name}”是 Git LFS 的指针文件，文件内容尚未取回（仓库用 Git LFS 保存附件）；"
            "请在仓库目录运行 git lfs pull 取回附件后重试（未安装 git-lfs 时先安装，并运行一次 git lfs install）")
