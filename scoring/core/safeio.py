"""Reading a project's files without trusting them.

Every file of ``indicators/`` and ``evidence/`` may come from a pull request.
Before a byte is parsed, a file must be a regular file inside the project
(not a device, a FIFO, or a symbolic link leading out of the tree) and no
larger than its limit; its text must be UTF-8 (a byte-order mark and Windows
line endings are accepted and normalised) without NUL or other control
characters. Every refusal is a ``ReadRefused`` with a line and a Chinese
message that says what to do.
"""

from __future__ import annotations

import errno
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """Size limits in bytes; a scheme may change them under ``limits:`` (in MB)."""

    yaml: int = 1 * MB  # an indicators/*.yaml file, or an evidence file's front matter
    body: int = 2 * MB  # an evidence file's Markdown body
    attachment: int = 50 * MB  # one attachment


# What ``limits:`` in scheme.yaml accepts: key → (Limits field, Chinese name).
LIMIT_KEYS = {"yaml_mb": ("yaml", "YAML 文件"), "body_mb": ("body", "证据正文"),
              "attachment_mb": ("attachment", "附件")}
# However a scheme sets them, no limit goes past these: bounded work stays bounded.
LIMIT_CEILINGS_MB = {"yaml_mb": 16, "body_mb": 64, "attachment_mb": 1024}


class ReadRefused(Exception):
    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line
        self.message = message


def size_text(size: int) -> str:
    if size >= MB:
        return f"{size / MB:.2f}".rstrip("0").rstrip(".") + " MB"
    return f"{max(1, size // 1024)} KB"


class Tree:
    """A project folder, for reading many files inside it in one pass.

    It resolves the root once and remembers the real path of each folder it
    has seen, so that a file's real path costs one ``lstat`` of the file
    itself: ``realpath(folder/name)`` is ``realpath(folder)/name`` unless
    ``name`` is a link, which is resolved in full. Make one per load, not one
    to keep: a folder replaced by a link later is only seen by a new one.
    """

    def __init__(self, root: Path):
        self.root = root
        real = os.path.realpath(root)
        self._real_root = real
        self._prefix = real if real.endswith(os.sep) else real + os.sep
        self._folders: dict[str, str] = {}

    def real(self, path: Path) -> str:
        """``os.path.realpath(path)``, with the folders looked up once."""
        folder, name = os.path.split(os.fspath(path))
        if name in ("", ".", ".."):
            return os.path.realpath(path)
        real_folder = self._folders.get(folder)
        if real_folder is None:
            real_folder = self._folders[folder] = os.path.realpath(folder)
        joined = os.path.join(real_folder, name)
        return os.path.realpath(joined) if os.path.islink(joined) else joined

    def inside(self, path: Path) -> str:
        """The real path of ``path``, refusing a link that leads out of the root."""
        real = self.real(path)
        if real != self._real_root and not real.startswith(self._prefix):
            raise ReadRefused(0, "该文件是指向项目目录之外的符号链接，不能读取；请放入文件本身而不是链接")
        return real


_REASONS = {errno.ELOOP: "符号链接形成循环或经过了符号链接", errno.ENOENT: "文件不存在", errno.EACCES: "没有读取权限",
            errno.EPERM: "没有读取权限", errno.EISDIR: "这是一个文件夹", errno.ENAMETOOLONG: "路径过长",
            errno.EIO: "磁盘读取错误", errno.EMFILE: "同时打开的文件过多", errno.ENFILE: "同时打开的文件过多"}


def os_reason(exc: OSError) -> str:
    """The reason of an operating-system error in Chinese, never the system's English text."""
    return _REASONS.get(exc.errno or 0, f"系统错误 {errno.errorcode.get(exc.errno or 0, exc.errno)}")


def open_regular(root: Path | Tree, path: Path, limit: int, what: str = "文件") -> int:
    """A read-only descriptor of a regular file inside ``root`` no larger than ``limit``.

    The descriptor is opened without following a last link and without
    blocking (a FIFO swapped in after a check cannot hang the read), and the
    checks are made on the open file itself.
    """
    real = (root if isinstance(root, Tree) else Tree(root)).inside(path)
    try:
        fd = os.open(real, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise ReadRefused(0, f"无法读取该{what}（{os_reason(exc)}）") from None
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        raise ReadRefused(0, f"该{what}不是普通文件（可能是设备、管道或目录），不能读取")
    if info.st_size > limit:
        os.close(fd)
        raise ReadRefused(0, f"该{what}大小为 {size_text(info.st_size)}，超过上限 {size_text(limit)}；"
                             "请压缩或拆分（上限可在 indicators/scheme.yaml 的 limits 中调整）")
    return fd


def read_bytes(root: Path | Tree, path: Path, limit: int, what: str = "文件") -> bytes:
    fd = open_regular(root, path, limit, what)
    try:  # plain reads sized from the file's length: no buffered file object, no limit-sized buffer
        size = os.fstat(fd).st_size
        parts: list[bytes] = []
        total = 0
        while total <= limit:
            chunk = os.read(fd, min(limit + 1 - total, max(size + 1 - total, 1 << 16)))
            if not chunk:
                break
            parts.append(chunk)
            total += len(chunk)
    finally:
        os.close(fd)
    data = b"".join(parts)
    if len(data) > limit:  # the file grew after the check
        raise ReadRefused(0, f"该{what}超过上限 {size_text(limit)}")
    return data


def read_head(root: Path | Tree, path: Path, limit: int, size: int = 8192) -> tuple[bytes, int]:
    """The first ``size`` bytes of a regular file inside ``root``, and its length."""
    fd = open_regular(root, path, limit, "附件")
    with os.fdopen(fd, "rb") as handle:
        length = os.fstat(handle.fileno()).st_size
        return handle.read(size), length


# C0 controls except tab, LF and CR; DEL; C1 controls. A form feed or a NUL in
# a file a person wrote is a sign of a binary or damaged file.
# The bidirectional embeddings, overrides and isolates show the text after them reversed or moved
# ("Trojan Source"): a title that reads one way and is stored another.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\x80-\x9f\u202a-\u202e\u2066-\u2069]")


def decode(data: bytes) -> str:
    """UTF-8 text (BOM dropped, CRLF and CR as LF), or ``ReadRefused`` with the line."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise ReadRefused(line, _encoding_message(data)) from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    bad = _CONTROL.search(text)
    if bad is not None:
        line = text.count("\n", 0, bad.start()) + 1
        code = ord(bad.group())
        if code >= 0x202A:
            raise ReadRefused(line, f"本行含有改变文字显示方向的控制字符（U+{code:04X}），会使文字显示颠倒或错位；请删除该字符")
        name = "空字符（NUL）" if code == 0 else f"控制字符（U+{code:04X}）"
        raise ReadRefused(line, f"本行含有{name}，文件可能已损坏或不是文本文件；请删除该字符，或重新以 UTF-8 文本保存")
    return text


def _encoding_message(data: bytes) -> str:
    for encoding, label in (("utf-16", "UTF-16"), ("gb18030", "GBK（GB2312/GB18030）")):
        if encoding == "utf-16" and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
            continue
        try:
            data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return (f"文件是 {label}编码，不是 UTF-8；请转换为 UTF-8 后再提交：用记事本打开，"
                f"“另存为”时编码选“UTF-8”，或运行 iconv -f {encoding.upper()} -t UTF-8 原文件 > 新文件")
    return "文件不是 UTF-8 编码的文本（可能是二进制文件或已损坏）；请以 UTF-8 编码另存后再提交"


def read_text(root: Path | Tree, path: Path, limit: int) -> str:
    return decode(read_bytes(root, path, limit))
