"""Load → check → score: the path every command takes, for the working tree or an exported revision.

``check_and_score`` reads ``indicators/`` and ``evidence/`` once and returns
everything an output could refuse already checked: the scheme, the evidence
with their sanitised bodies, each data file's size and SHA-256, every problem
sorted, and the score table. It runs no git and reads no clock; ``gather``
(scoring/gather.py) adds what git knows to make the ``Project`` that outputs
are rendered from.
"""

from __future__ import annotations

import hashlib
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from .body import check_bodies
from .check import check_scheme
from .load import Digests, load_evidence, load_scheme
from .model import Evidence, Scheme
from .problems import DataError, Problem, error, has_errors, sort_problems
from .project import Body, FileFacts
from .score import ScoreTable, score

DATA_DIRS = ("indicators", "evidence")


@dataclass(frozen=True)
class Checked:
    """A project read, checked and scored; no git facts yet."""

    root: Path
    scheme: Scheme
    evidence: tuple[Evidence, ...]
    problems: tuple[Problem, ...]
    table: ScoreTable
    bodies: dict[str, Body]
    files: dict[str, FileFacts]


def file_facts(root: Path, known: Digests | None = None) -> dict[str, FileFacts]:
    """Size and SHA-256 of every regular file under indicators/ and evidence/ (hidden ones aside), by path.

    ``known`` holds the size and digest of files the loader has just read (by the same relative
    path, so the same regular file): those are not read a second time.
    """
    known = known or {}
    found: dict[str, FileFacts] = {}
    base = os.fspath(root)
    for top in DATA_DIRS:
        start = os.path.join(base, top)
        for dirpath, dirnames, filenames in os.walk(start):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            folder = Path(top, os.path.relpath(dirpath, start)).as_posix()  # once per folder, not per file
            for name in sorted(filenames):
                full = os.path.join(dirpath, name)
                if name.startswith(".") or not stat.S_ISREG(os.lstat(full).st_mode):
                    continue
                rel = f"{folder}/{name}"
                if rel in known:
                    found[rel] = FileFacts(rel, *known[rel])
                    continue
                digest = hashlib.sha256()
                with open(full, "rb") as handle:
                    for chunk in iter(lambda: handle.read(1 << 20), b""):
                        digest.update(chunk)
                    size = os.fstat(handle.fileno()).st_size
                found[rel] = FileFacts(rel, size, digest.hexdigest())
    return dict(sorted(found.items()))


def check_and_score(root: Path, *, strict: bool = False) -> Checked:
    """Load, check and score a project, or raise ``DataError`` with every problem."""
    problems: list[Problem] = []
    if not (root / "indicators").is_dir():
        raise DataError([error(str(root), 0, "目录中没有 indicators/（考核方案），请用 --project 指定项目目录")])
    scheme, scheme_problems = load_scheme(root)
    problems.extend(scheme_problems)
    if scheme is None:
        raise DataError(sort_problems(problems))
    problems.extend(check_scheme(scheme))
    digests: Digests = {}
    evidence, evidence_problems = load_evidence(root, scheme, digests)
    problems.extend(evidence_problems)
    bodies, body_problems = check_bodies(root, evidence)
    problems.extend(body_problems)
    ordered = sort_problems(problems)
    if has_errors(ordered, strict):
        raise DataError(ordered)
    return Checked(root, scheme, evidence, tuple(ordered), score(scheme, evidence), bodies,
                   file_facts(root, digests))
