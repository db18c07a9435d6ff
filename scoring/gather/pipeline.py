"""Load → check → score: the path every command takes, for the working tree or an exported revision.

``check_and_score`` reads ``indicators/`` and ``evidence/`` once and returns
everything an output could refuse already checked: the scheme, the evidence
with their sanitised bodies, each data file's size and SHA-256, every problem
sorted, and the score table. It runs no git and reads no clock; ``gather``
(scoring/gather/collect.py) adds what git knows to make the ``Project`` that outputs
are rendered from.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path

from ..core.problems import DataError, Problem, error, has_errors, sort_problems
from ..load.body import check_bodies
from ..load.check import check_scheme
from ..load.load import load_scheme
from ..load.loadbase import Digests
from ..load.loadevidence import EvidenceMemo, load_evidence
from ..model.model import Evidence, Scheme
from ..model.values import Body, FileFacts
from ..registers.annualtables import read_registers
from ..registers.registers import Registers
from ..score import invariants
from ..score.lastyearfile import LastYear, load_lastyear
from ..score.score import ScoreTable, score
from ..score.verified import Verified, load_verified
from .gitrepo import DATA_DIRS


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
    registers: Registers = field(default_factory=lambda: Registers(0))
    verified: Verified | None = None  # the assessors' 核定分 (results/verified.yaml), when they came back
    lastyear: LastYear | None = None  # last year's figures (results/lastyear.yaml), when compare-last wrote them


def file_facts(root: Path, known: Digests | None = None) -> dict[str, FileFacts]:
    """Size and SHA-256 of every regular file of the data folders (``DATA_DIRS``; hidden ones aside), by path.

    ``known`` holds the size and digest of files the loader has just read (by the same relative
    path, so the same regular file): those are not read a second time.
    """
    known = known or {}
    found: dict[str, FileFacts] = {}

    def walk(folder: str, rel_folder: str) -> None:  # as os.walk: no links followed, unreadable folders left out
        try:
            with os.scandir(folder) as listing:
                entries = sorted(listing, key=lambda e: e.name)
        except OSError:
            return
        for entry in entries:
            if entry.name.startswith("."):
                continue
            rel = f"{rel_folder}/{entry.name}"
            if entry.is_dir(follow_symlinks=False):
                walk(entry.path, rel)
            elif entry.is_file(follow_symlinks=False):  # a regular file, as lstat says
                found[rel] = FileFacts(rel, *known[rel]) if rel in known else _digest(entry.path, rel)

    for top in DATA_DIRS:
        walk(os.path.join(os.fspath(root), top), top)
    return dict(sorted(found.items()))


def _digest(path: str, rel: str) -> FileFacts:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
        size = os.fstat(handle.fileno()).st_size
    return FileFacts(rel, size, digest.hexdigest())


def check_and_score(root: Path, *, strict: bool = False, memo: EvidenceMemo | None = None,
                    with_lastyear: bool = True) -> Checked:
    """Load, check and score a project, or raise ``DataError`` with every problem.

    ``memo``: parsed evidence files kept between calls by a long-lived caller (scoring/load/load.py).
    ``with_lastyear=False`` leaves results/lastyear.yaml unread (compare-last, which rewrites it).
    """
    problems: list[Problem] = []
    if not (root / "indicators").is_dir():
        raise DataError([error(str(root), 0, "目录中没有 indicators/（考核方案），请用 --project 指定项目目录")])
    scheme, scheme_problems = load_scheme(root)
    problems.extend(scheme_problems)
    if scheme is None:
        raise DataError(sort_problems(problems))
    problems.extend(check_scheme(scheme))
    digests: Digests = {}
    evidence, evidence_problems = load_evidence(root, scheme, digests, memo)
    problems.extend(evidence_problems)
    bodies, body_problems = check_bodies(root, evidence)
    problems.extend(body_problems)
    registers, counted, register_problems = read_registers(root, scheme, evidence)
    problems.extend(register_problems)
    verified, verified_problems = load_verified(root, scheme)
    problems.extend(verified_problems)
    lastyear, lastyear_problems = load_lastyear(root, scheme) if with_lastyear else (None, [])
    problems.extend(lastyear_problems)
    ordered = sort_problems(problems)
    if has_errors(ordered, strict):
        raise DataError(ordered)
    table = invariants.check(score(scheme, evidence, counted))  # a broken invariant is a bug: 内部错误, never a wrong figure
    return Checked(root, scheme, evidence, tuple(ordered), table, bodies,
                   file_facts(root, digests), registers, verified, lastyear)
