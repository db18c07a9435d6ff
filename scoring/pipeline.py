"""Gather everything, check it all, score it: the one path every command takes."""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from .check import check_scheme
from .load import load_evidence, load_scheme
from .model import Evidence, Scheme
from .problems import DataError, Problem, error, has_errors, sort_problems
from .score import ScoreTable, score


@dataclass(frozen=True)
class BuildInfo:
    """Where the output comes from: the commit and its date, never the clock."""

    commit: str  # full hash, or "" outside git
    date: datetime
    dirty: bool

    @property
    def short(self) -> str:
        return self.commit[:10] if self.commit else "（非 git 仓库）"

    @property
    def label(self) -> str:
        return self.short + ("（含未提交的修改）" if self.dirty else "")


def build_info(root: Path) -> BuildInfo:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    commit, when, dirty = "", None, False
    try:
        out = subprocess.run(["git", "-C", str(root), "log", "-1", "--format=%H %ct"], capture_output=True,
                             text=True, check=True, timeout=30).stdout.split()
        if len(out) == 2:
            commit, when = out[0], datetime.fromtimestamp(int(out[1]), tz=UTC)
        status = subprocess.run(["git", "-C", str(root), "status", "--porcelain", "--", "indicators", "evidence"],
                                capture_output=True, text=True, check=True, timeout=30).stdout
        dirty = bool(status.strip())
    except (OSError, subprocess.SubprocessError, ValueError):
        pass
    if epoch and epoch.isdigit():
        when = datetime.fromtimestamp(int(epoch), tz=UTC)
    if when is None:
        when = datetime(1970, 1, 1, tzinfo=UTC)
    return BuildInfo(commit, when, dirty)


@dataclass(frozen=True)
class Project:
    root: Path
    scheme: Scheme
    evidence: tuple[Evidence, ...]
    problems: tuple[Problem, ...]
    table: ScoreTable
    info: BuildInfo


def gather(root: Path, *, strict: bool = False, as_of: date | None = None,
           info: BuildInfo | None = None) -> Project:
    """Load, check and score a project, or raise ``DataError`` with every problem."""
    problems: list[Problem] = []
    if not (root / "indicators").is_dir():
        raise DataError([error(str(root), 0, "目录中没有 indicators/（考核方案），请用 --project 指定项目目录")])
    scheme, scheme_problems = load_scheme(root)
    problems.extend(scheme_problems)
    if scheme is None:
        raise DataError(sort_problems(problems))
    problems.extend(check_scheme(scheme))
    evidence, evidence_problems = load_evidence(root, scheme)
    problems.extend(evidence_problems)
    ordered = sort_problems(problems)
    if has_errors(ordered, strict):
        raise DataError(ordered)
    info = info or build_info(root)
    table = score(scheme, evidence, as_of or info.date.date())
    return Project(root, scheme, evidence, tuple(ordered), table, info)

