"""Writing outputs: one staging folder, swapped in whole, so out/ is never half old, half new.

``Staging`` makes a folder beside the output folder, takes over (as hard
links) whatever of the previous output this build does not replace, lets the
renderers write into it, sets every folder to 0755 and every file to 0644 (a
web server running as another user can read them), and then exchanges it with
the output folder in one ``renameat2(RENAME_EXCHANGE)`` call: at every moment
out/ is the complete previous build or the complete new one, even when the
process is killed. Where the kernel or file system cannot exchange, two
renames are used (out/ → .out.old, stage → out/) and the next build puts the
old one back if it finds out/ missing. A lock on the parent folder keeps two
builds from swapping the same output at once.
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import hashlib
import logging
import os
import shutil
import tempfile
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def write_files(out_dir: Path, files: dict[str, bytes]) -> None:
    """Write each file beside its target, then rename it into place (for single files such as a cache)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    staged: list[tuple[str, Path]] = []
    try:
        for name, data in files.items():
            fd, tmp_name = tempfile.mkstemp(prefix=f".{name}.", dir=out_dir)
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.chmod(tmp_name, 0o644)
            staged.append((name, Path(tmp_name)))
        for name, staged_path in staged:
            os.replace(staged_path, out_dir / name)
    finally:
        for _, staged_path in staged:
            staged_path.unlink(missing_ok=True)


def read_kept(path: Path) -> bytes | None:
    """The bytes ``keep`` wrote at ``path``; None when the file is missing or they no longer match their SHA-256."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    written, _, body = data.partition(b"\n")
    return body if written == hashlib.sha256(body).hexdigest().encode("ascii") else None


def keep(path: Path, data: bytes, others: str) -> None:
    """``data`` kept at ``path`` for a later process (a cache file): behind its SHA-256 on a first line, written
    beside and renamed, the files of ``path``'s folder matching ``others`` (older versions) removed. A cache
    that cannot be written is left alone: whoever reads it computes the value again."""
    try:
        write_files(path.parent, {path.name: hashlib.sha256(data).hexdigest().encode("ascii") + b"\n" + data})
        for old in path.parent.glob(others):
            if old != path:
                old.unlink(missing_ok=True)
    except OSError:
        return


def exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths; False when this system cannot (then nothing happened)."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):
        return False
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(a))


def _link_tree(source: Path, dest: Path) -> None:
    """A copy of ``source`` made of hard links (plain copies where links are refused)."""
    if source.is_dir() and not source.is_symlink():
        shutil.copytree(source, dest, symlinks=True, copy_function=_link_or_copy)
    else:
        _link_or_copy(str(source), str(dest))


def _link_or_copy(source: str, dest: str) -> None:
    try:
        os.link(source, dest, follow_symlinks=False)
    except OSError:
        shutil.copy2(source, dest, follow_symlinks=False)


def normalise_modes(folder: Path) -> None:
    """Folders 0755, files 0644: readable by everyone, whatever the umask."""
    os.chmod(folder, 0o755)
    for dirpath, dirnames, filenames in os.walk(folder):
        for name in dirnames:
            os.chmod(os.path.join(dirpath, name), 0o755, follow_symlinks=False)
        for name in filenames:
            path = os.path.join(dirpath, name)
            if not os.path.islink(path):
                os.chmod(path, 0o644)


class Staging:
    """A new output folder, built beside ``out`` and swapped in by ``commit``.

    The parent folder stays locked from start to end, so two builds of the
    same output wait for each other, and staging folders left by a killed
    build can be removed without touching a running one.
    """

    def __init__(self, out: Path):
        self.out = out
        self._lock = lock(out)
        recover(out)
        self.path = stage_dir(out)

    def keep(self, replaced: Iterable[str]) -> None:
        """Take over every entry of the current output except those this build replaces."""
        if not self.out.is_dir():
            return
        skip = set(replaced)
        for entry in sorted(self.out.iterdir()):
            if entry.name not in skip:
                _link_tree(entry, self.path / entry.name)

    def commit(self) -> None:
        normalise_modes(self.path)
        if not self.out.exists():
            os.replace(self.path, self.out)
        elif not exchange(self.path, self.out):  # after an exchange, self.path holds the previous build
            old = _old(self.out)
            os.replace(self.out, old)
            os.replace(self.path, self.out)
            shutil.rmtree(old, ignore_errors=True)
        self.close()

    def close(self) -> None:
        """Drop the staging folder (after ``commit``: the previous build) and release the lock."""
        shutil.rmtree(self.path, ignore_errors=True)
        if self._lock >= 0:
            os.close(self._lock)  # closing releases the lock
            self._lock = -1


def lock(out: Path) -> int:
    """Lock ``out``'s parent folder (a file descriptor: closing it releases the lock); waits for a build holding it."""
    out.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(out.parent, os.O_RDONLY)
    fcntl.flock(fd, fcntl.LOCK_EX)
    return fd


def stage_dir(out: Path) -> Path:
    """A new scratch folder beside ``out`` (same file system; ``recover`` removes one a killed build left)."""
    return Path(tempfile.mkdtemp(prefix=f".{out.name}.stage-", dir=out.parent))


def discard(folder: Path, out: Path) -> None:
    """Move ``folder`` out of the way and remove it in a thread (``recover`` finishes what a stopped process left)."""
    if not folder.exists():
        return
    trash = Path(tempfile.mkdtemp(prefix=f".{out.name}.trash-", dir=out.parent))
    os.replace(folder, trash / "old")
    threading.Thread(target=shutil.rmtree, args=(trash,), kwargs={"ignore_errors": True}, daemon=True).start()


def _old(out: Path) -> Path:
    return out.with_name(f".{out.name}.old")


def recover(out: Path) -> None:
    """Finish what a killed build left (call with the lock held): out/ back from .out.old, stale stages gone."""
    old = _old(out)
    if old.exists() and not out.exists():
        os.replace(old, out)
    shutil.rmtree(old, ignore_errors=True)
    for pattern in (f".{out.name}.stage-*", f".{out.name}.trash-*"):
        for stale in out.parent.glob(pattern):
            shutil.rmtree(stale, ignore_errors=True)


class _Collect(logging.Handler):
    def __init__(self, messages: list[str]):
        super().__init__(logging.WARNING)
        self.messages = messages

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextmanager
def collect_warnings(logger_name: str) -> Iterator[list[str]]:
    """A tool's warnings (MkDocs, WeasyPrint) collected instead of printed, for the build to report."""
    logger = logging.getLogger(logger_name)
    messages: list[str] = []
    handler = _Collect(messages)
    saved = logger.propagate
    logger.addHandler(handler)
    logger.propagate = False
    try:
        yield messages
    finally:
        logger.removeHandler(handler)
        logger.propagate = saved
