"""Which files under ``evidence/`` and ``indicators/`` are read, and every link and name that is not.

Nothing is skipped in silence (hidden entries aside, such as ``.git``):

- a **file name** (or folder name) with a control character (a newline could
  forge an output line), a bidirectional formatting character (it shows the
  name reversed) or a leading ``-`` (a command line would read it as an
  option) is refused with the name printed escaped, and not read;
- a **symbolic link** leading out of the project, to nothing, or into a loop
  of links is refused with its name (and where it leads);
- a **symbolic link to a folder** inside the project is refused with its name
  and the folder: followed, it would read the same evidence twice, and the
  site, the PDF and the file list all work on real folders;
- a **symbolic link to a file** inside the project is followed, unless it
  leads to another file this scan reads itself (that would read one file
  twice, under two names): then it is refused with both names.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..core.problems import Problem, error, printable, unprintable


def name_problem(name: str) -> str | None:
    """Why a file or folder name is refused, or None."""
    if unprintable(name):
        return (f"文件名“{printable(name)}”含有控制字符或改变文字方向的字符（已按转义显示），"
                "会使输出错行或显示颠倒；请重命名")
    if name.startswith("-"):
        return f"文件名“{printable(name)}”以“-”开头，命令行会把它当作选项；请重命名"
    return None


def _rel(root: Path, path: str) -> str:
    return Path(os.path.relpath(path, root)).as_posix()


def _inside(real: str, folder: str) -> bool:
    return real == folder or real.startswith(folder.rstrip(os.sep) + os.sep)


def _hops(path: str) -> int:
    """How many symbolic links lead from ``path`` to a file that is not one (at most 40)."""
    hops = 0
    while os.path.islink(path) and hops < 40:
        path = os.path.join(os.path.dirname(path), os.readlink(path))
        hops += 1
    return hops


class Scan:
    """One walk of a data folder: the files to read, and the problems of what is not read."""

    def __init__(self, root: Path):
        self.root = root
        self.real_root = os.path.realpath(root)
        self.problems: list[Problem] = []

    def _link_problem(self, path: str) -> str | None:
        """Why the link at ``path`` is refused here (None: follow it; safeio still checks where it leads)."""
        target = os.readlink(path)
        try:
            real = os.path.realpath(path, strict=True)
        except OSError as exc:
            import errno

            if exc.errno == errno.ELOOP:
                return f"该符号链接（指向“{printable(target)}”）形成循环，最终指向自己，不能读取；请删除该链接"
            return f"该符号链接指向的“{printable(target)}”不存在；请删除该链接，或放入文件本身"
        if not _inside(real, self.real_root):
            if os.path.isdir(real):
                return f"该符号链接指向项目目录之外的文件夹“{printable(target)}”，不会读取；请把文件夹本身放进来"
            return "该文件是指向项目目录之外的符号链接，不能读取；请放入文件本身而不是链接"  # as safeio says
        if not os.path.isdir(real):
            return None
        if real == self.real_root:
            return "该符号链接指向项目目录本身，不会读取；请删除该链接"
        return (f"该符号链接指向项目中的文件夹 {printable(_rel(Path(self.real_root), real))}，不会读取其中的文件："
                "证据和方案须放在真实的文件夹里（链接会使同一份材料读两次）；请删除该链接")

    def entry(self, path: str) -> bool:
        """True when the entry at ``path`` may be read (a file) or walked (a folder)."""
        rel = _rel(self.root, path)
        problem = name_problem(os.path.basename(path))
        if problem is None and os.path.islink(path):
            problem = self._link_problem(path)
        if problem is not None:
            self.problems.append(error(rel, 0, problem, "file-name" if "文件名" in problem else "symlink"))
            return False
        return True

    def duplicates(self, files: list[Path]) -> list[Path]:
        """``files`` less the links that lead to a file another of them reads (refused with both names).

        Of the names of one file, the one with the fewest links on the way is kept: the file itself, else
        the link straight to it."""
        if not any(os.path.islink(p) for p in files):
            return files  # the usual case: no path to resolve
        by_real: dict[str, Path] = {}
        for path in sorted(files, key=lambda p: (_hops(os.fspath(p)), p)):
            by_real.setdefault(os.path.realpath(path), path)
        kept = []
        for path in files:
            other = by_real[os.path.realpath(path)]
            if other == path:
                kept.append(path)
                continue
            self.problems.append(error(_rel(self.root, os.fspath(path)), 0,
                                       f"该符号链接指向 {printable(_rel(self.root, os.fspath(other)))}，"
                                       "那个文件已按原位置读取，链接会使同一份材料读两次；请删除该链接", "symlink"))
        return kept


def evidence_scan(root: Path) -> tuple[list[Path], list[Problem]]:
    """The evidence files to read (``*.md`` but README.md, sorted), and the problems of what is not read."""
    scan = Scan(root)
    found: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(root / "evidence"):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".")
                             and scan.entry(os.path.join(dirpath, d)))
        # a link to a folder is listed among dirnames and is not walked: refuse it by name
        for name in sorted(filenames):
            path = os.path.join(dirpath, name)
            if name.startswith(".") or not scan.entry(path):
                continue
            if name.endswith(".md") and name != "README.md":
                found.append(Path(path))
    return scan.duplicates(sorted(found)), scan.problems


def indicator_scan(root: Path) -> tuple[list[Path], list[Problem]]:
    """The scheme's part files (``indicators/*.yaml``, sorted), and the problems of what is not read."""
    scan = Scan(root)
    folder = root / "indicators"
    found = []
    with os.scandir(folder) as listing:
        for entry in sorted(listing, key=lambda e: e.name):
            if entry.name.startswith(".") or not scan.entry(entry.path):
                continue
            if entry.name.endswith(".yaml"):
                found.append(Path(entry.path))
    return scan.duplicates(found), scan.problems
