"""The live preview's site folder, brought up to date in place after each edit.

A build of the site writes a whole new tree and swaps it in (scoring/core/output.py):
right for ``build.py site``, but at thousands of pages the tree alone (a link per
page, a folder per page, removing the previous tree) costs seconds, on every
edit of the preview. Here the preview keeps its folder and, after each build,
touches only what changed:

1. The site is built (scoring/render/site/site.py, with the page cache and the Markdown
   memo) into a scratch folder beside the output folder, except that pages taken
   from the cache and static files (the theme's, attachments) are not put there
   but named (``placed``: site path → the file it is); so are the pages rendered
   again, once saved in the cache. The scratch folder then holds the files made
   on every build (the search index, the sitemap, 404.html) and any page the
   cache could not keep.
2. ``LiveSite`` remembers what it put at every path last time: the file it
   placed (by path, inode, size and mtime) or the SHA-256 of the bytes it wrote.
   Paths whose answer is the same are left alone; the others are replaced one
   by one (``os.replace`` of a file made beside them, so a page served meanwhile
   is the old one or the new one, whole); paths no longer in the site are
   removed.

The folder equals a clean build of the same project, byte for byte (tests/test_preview.py).
When its state is not known (the first build, a failure half-way, the folder
removed or replaced by a ``site`` build into the same output folder), the folder
is made again from nothing. The output folder's lock (``output.lock``) is held
throughout, as by every build.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

from ..core.output import discard, lock, recover, stage_dir
from ..gather.project import Project
from ..render.site.site import build_site
from ..render.site.sitewriter import MarkdownMemo, SitePlan

# What a site path holds: ("link", cache file, inode, size, mtime) for a page from the cache,
# ("copy", source, inode, size, mtime) for a static file, ("bytes", sha256) for what a build wrote.
Placed = tuple[str, str, int, int, int] | tuple[str, str]


def _stamp(kind: str, source: str) -> Placed:
    st = os.stat(source)
    return (kind, source, st.st_ino, st.st_size, st.st_mtime_ns)


def _identity(folder: Path) -> tuple[int, int]:
    st = os.stat(folder)
    return st.st_dev, st.st_ino


class LiveSite:
    """The preview's site in ``out/<name>``, kept between builds of one process."""

    def __init__(self, out: Path, cache: Path, name: str = "preview"):
        self.out = out
        self.target = out / name
        self.cache = cache  # the output folder's site cache (build.site_cache)
        self.name = name
        self.memo = MarkdownMemo()
        self.state: dict[str, Placed] | None = None  # site path → what was placed there; None: not known
        self.folder: tuple[int, int] | None = None  # the target folder the state describes
        self.changed = 0  # paths written or removed by the last update

    def update(self, project: Project) -> SitePlan:
        """Build the site of ``project`` and bring the folder up to date; raise as ``build_site`` does."""
        held = lock(self.out)
        try:
            recover(self.out)
            scratch = stage_dir(self.out)
            try:
                placed: dict[str, str] = {}
                cache = self.cache / f"{self.name}-{project.edition.value}"
                plan = build_site(project, scratch / "site", cache, self.memo, placed)
                try:
                    self._apply(scratch / "site", placed, cache)
                except BaseException:
                    self.state = None  # half applied: the next update starts over
                    raise
            finally:
                shutil.rmtree(scratch, ignore_errors=True)
        finally:
            os.close(held)
        return plan

    def _apply(self, built: Path, placed: dict[str, str], cache: Path) -> None:
        state = self.state
        if state is None or self.folder is None or not self.target.is_dir() or _identity(self.target) != self.folder:
            discard(self.target, self.out)
            state = {}
        self.target.mkdir(parents=True, exist_ok=True)
        os.chmod(self.target, 0o755)
        cached = str(cache) + os.sep
        wanted: dict[str, Placed] = {rel: _stamp("link" if source.startswith(cached) else "copy", source)
                                     for rel, source in placed.items()}
        written: dict[str, Path] = {}
        for dirpath, _, filenames in os.walk(built):
            for name in filenames:
                path = Path(dirpath, name)
                rel = path.relative_to(built).as_posix()
                if rel in placed:  # a page rendered now, and placed from the cache where it was saved
                    continue
                written[rel] = path
                wanted[rel] = ("bytes", hashlib.sha256(path.read_bytes()).hexdigest())
        changed = 0
        gone = sorted(state.keys() - wanted.keys())
        for rel in gone:
            (self.target / rel).unlink(missing_ok=True)
            changed += 1
        folders: set[Path] = set()
        for rel, what in sorted(wanted.items()):
            if state.get(rel) == what:
                continue
            dest = self.target / rel
            if dest.parent not in folders:
                _make_folders(self.target, dest.parent)
                folders.add(dest.parent)
            if rel in written:
                os.chmod(written[rel], 0o644)
                os.replace(written[rel], dest)
            else:
                _place(what[0], what[1], dest)
            changed += 1
        for rel in gone:
            _prune(self.target, (self.target / rel).parent)
        self.state, self.folder, self.changed = wanted, _identity(self.target), changed


def _make_folders(top: Path, folder: Path) -> None:
    """``folder`` and the folders above it up to ``top``, each 0755 whatever the umask."""
    missing = []
    while folder != top and not folder.is_dir():
        missing.append(folder)
        folder = folder.parent
    for made in reversed(missing):
        made.mkdir(exist_ok=True)
        os.chmod(made, 0o755)


def _place(kind: str, source: str, dest: Path) -> None:
    """A page from the cache as a hard link (as a site build places it), a static file as a copy; made beside
    ``dest`` and renamed over it."""
    temporary = dest.with_name(f".{dest.name}.new")
    temporary.unlink(missing_ok=True)
    try:
        if kind != "link":
            raise OSError
        os.link(source, temporary)
    except OSError:
        shutil.copyfile(source, temporary)
        os.chmod(temporary, 0o644)
    os.replace(temporary, dest)


def _prune(top: Path, folder: Path) -> None:
    """Remove ``folder`` and the folders above it (below ``top``) that are left empty."""
    while folder != top:
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent
