"""Every git command the build runs, in one place.

The rest of the package asks this module for facts (the commit of the working
tree, a revision's data exported to a folder, the last change of each file, the
revisions worth a history point) and never runs git itself. Everything here
reads the repository; nothing changes its working tree, index or worktree list.
"""

from __future__ import annotations

import subprocess
import tarfile
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import NamedTuple

from ..core import envvars
from ..core.problems import UsageError
from ..model.values import BuildInfo, Change

# The folders holding the project's data, declared once: what the build reads (pipeline.file_facts), what a
# revision's export holds, and what the dirty flag, the score history and ``diff`` look at. registers/: the 台账
# (scoring/registers/registers.py); results/: what comes back, the assessors' 核定分 and the comparison with last year.
DATA_DIRS = ("indicators", "evidence", "registers", "results")


class GitError(Exception):
    """A git command failed; the message is git's own stderr."""


def git(root: Path, *args: str) -> str:
    try:
        done = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, timeout=120)
    except FileNotFoundError:
        raise UsageError("找不到 git 命令：请先安装 git") from None
    if done.returncode != 0:
        raise GitError(done.stderr.strip())
    return done.stdout


def _stamp(text: str) -> datetime:
    return datetime.fromtimestamp(int(text), tz=UTC)


# --- the working tree's commit ------------------------------------------------


def build_info(root: Path) -> BuildInfo:
    """The HEAD commit and its date (SOURCE_DATE_EPOCH wins), and whether the data has uncommitted edits."""
    epoch = envvars.get("SOURCE_DATE_EPOCH")
    commit, when, dirty = "", None, False
    try:
        out = git(root, "log", "-1", "--format=%H %ct").split()
        if len(out) == 2:
            commit, when = out[0], _stamp(out[1])
        dirty = bool(git(root, "status", "--porcelain", "--", *DATA_DIRS).strip())
    except (GitError, UsageError, subprocess.SubprocessError, ValueError):
        pass
    if epoch and epoch.isdigit():
        when = _stamp(epoch)
    return BuildInfo(commit, when or datetime(1970, 1, 1, tzinfo=UTC), dirty)


def git_prefix(root: Path) -> str:
    """The project's folder inside its repository ("" at the top), or a usage error outside git."""
    try:
        return git(root, "rev-parse", "--show-prefix").strip().rstrip("/")
    except GitError:
        raise UsageError(f"项目目录 {root} 不在 git 仓库中，无法比较版本") from None


def in_git(root: Path) -> bool:
    try:
        git_prefix(root)
    except UsageError:
        return False
    return True


# --- revisions ----------------------------------------------------------------


@dataclass(frozen=True)
class Revision:
    """A commit as the user named it."""

    name: str  # as given: origin/main, HEAD~1, a tag …
    commit: str  # full hash
    date: datetime  # committer date

    @property
    def label(self) -> str:
        short = self.commit[:10]
        return short if self.name in (self.commit, short) else f"{self.name}（{short}）"


def resolve(root: Path, name: str) -> Revision:
    """A revision name as a commit, or a Chinese usage error naming it."""
    try:
        commit = git(root, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{name}^{{commit}}").strip()
        stamp = git(root, "log", "-1", "--format=%ct", commit).strip()
    except GitError:
        raise UsageError(f"找不到版本“{name}”：请填写提交编号、分支名或标签，如 HEAD~1、origin/main"
                         "（远程分支需先 git fetch）") from None
    return Revision(name, commit, _stamp(stamp))


def _plain_members(archive: tarfile.TarFile) -> Iterator[tarfile.TarInfo]:
    """Folders and regular files with relative paths inside the archive, for a Python without tarfile filters."""
    for member in archive:
        parts = Path(member.name).parts
        if (member.isdir() or member.isfile()) and parts and not Path(member.name).is_absolute() and ".." not in parts:
            yield member


def export(root: Path, commit: str, dest: Path) -> None:
    """Write the revision's data folders (``DATA_DIRS``) into ``dest`` (the index is not used)."""
    prefix = git_prefix(root)
    top = Path(git(root, "rev-parse", "--show-toplevel").strip())  # archive and ls-tree: from the top
    tree = f"{commit}:{prefix}" if prefix else commit
    try:
        present = set(git(top, "ls-tree", "--name-only", tree).split("\n"))
    except GitError:
        return  # the project folder did not exist yet in that revision
    wanted = [d for d in DATA_DIRS if d in present]
    if not wanted:
        return
    broken = ""
    with subprocess.Popen(["git", "-C", str(top), "archive", "--format=tar", tree, "--", *wanted],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE) as proc:
        assert proc.stdout is not None and proc.stderr is not None
        try:  # streamed: attachments can be large
            with tarfile.open(fileobj=proc.stdout, mode="r|") as archive:
                if hasattr(tarfile, "data_filter"):
                    archive.extractall(dest, filter="data")
                else:  # Python before 3.11.4 (Debian 12 has 3.11.2) has no extraction filters
                    archive.extractall(dest, members=_plain_members(archive))
        except tarfile.TarError as exc:
            broken = str(exc)
        stderr = proc.stderr.read().decode("utf-8", "replace").strip()
    if proc.returncode != 0 or broken:
        raise GitError(stderr or broken or f"git archive 退出码 {proc.returncode}")


@contextmanager
def checked_out(root: Path, commit: str) -> Iterator[Path]:
    """A temporary folder holding one revision's data, removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="zwgk-rev-") as tmp:
        export(root, commit, Path(tmp))
        yield Path(tmp)


class Candidate(NamedTuple):
    """A revision that gets a point in the score history."""

    commit: str
    date: datetime
    label: str


def tagged_revisions(root: Path) -> list[Candidate]:
    """Tags reachable from HEAD, oldest commit first (ties by tag name)."""
    fmt_ = "%(refname:short)%00%(*objectname)%00%(objectname)%00%(*committerdate:unix)%00%(committerdate:unix)"
    out = git(root, "for-each-ref", "--merged=HEAD", f"--format={fmt_}", "refs/tags")
    found: list[tuple[datetime, str, str]] = []
    for line in out.splitlines():
        name, peeled, obj, peeled_stamp, stamp = line.split("\0")
        # an annotated tag points at a tag object: its peeled values are the commit's
        found.append((_stamp(peeled_stamp or stamp), name, peeled or obj))
    found.sort()
    return [Candidate(commit, when, name) for when, name, commit in found]


def recent_revisions(root: Path, limit: int) -> list[Candidate]:
    """The last ``limit`` commits of HEAD that touch the data, oldest first."""
    out = git(root, "log", f"-n{limit}", "--format=%H %ct", "HEAD", "--", *DATA_DIRS)
    found = [line.split() for line in out.splitlines() if line.strip()]
    return [Candidate(h, _stamp(t), h[:7]) for h, t in reversed(found)]


def revisions(root: Path, limit: int) -> tuple[list[Candidate], bool]:
    """The tags reachable from HEAD (the last ``limit``), else the recent data commits; and whether they are tags."""
    try:
        tags = tagged_revisions(root)
        return (tags[-limit:], True) if tags else (recent_revisions(root, limit), False)
    except GitError:
        return [], False  # no commit yet


# --- each file's last change --------------------------------------------------


def _parse_header(line: str) -> Change | None:
    parts = line.lstrip("\x1e").split("\x1f")
    if len(parts) != 3:
        return None
    commit, day, author = parts
    return Change(datetime.fromisoformat(day).date(), author, commit)


def last_changes(root: Path, paths: Iterable[str]) -> dict[str, Change]:
    """The last commit of each path (relative to the project), from one ``git log``.

    The log is read newest first and stopped once every path has been seen;
    files never committed are left out.
    """
    wanted = set(paths)
    if not wanted:
        return {}
    tops = sorted({p.split("/", 1)[0] for p in wanted})
    cmd = ["git", "-c", "core.quotePath=false", "-C", str(root), "log", "--relative", "--name-only",
           "--format=%x1e%H%x1f%as%x1f%an", "--", *tops]
    found: dict[str, Change] = {}
    try:
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, encoding="utf-8")
    except FileNotFoundError:
        return {}
    with proc:
        assert proc.stdout is not None
        current: Change | None = None
        for raw in proc.stdout:
            line = raw.rstrip("\n")
            if line.startswith("\x1e"):
                current = _parse_header(line)
            elif line and current is not None and line in wanted and line not in found:
                found[line] = current
                if len(found) == len(wanted):
                    proc.kill()
                    break
    return found
