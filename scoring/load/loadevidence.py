"""Every evidence file of a project read against the scheme, and the memo that spares parsing unchanged files."""

from __future__ import annotations

import dataclasses
import hashlib
import os
import time
from dataclasses import dataclass
from pathlib import Path

from ..core.problems import Problem, Severity, error
from ..core.safeio import ReadRefused, Tree, read_bytes
from ..model.model import Evidence, Scheme
from . import names
from .evidencefile import load_evidence_file
from .loadbase import Digests, rel_path


def evidence_files(root: Path) -> list[Path]:
    """The evidence files to read; links and names that are not read are reported by ``names.evidence_scan``."""
    return names.evidence_scan(root)[0]



@dataclass(frozen=True)
class _Parsed:
    """One evidence file as parsed: what it gave, and what it depended on beyond its own bytes and the scheme."""

    size: int
    sha256: str
    evidence: Evidence
    problems: tuple[Problem, ...]  # warnings and notices only: a file with an error is parsed again
    attachments: tuple[tuple[str, str, tuple[int, int, int]], ...]  # as written → resolved target, its stat
    stamp: tuple[int, ...] | None = None  # the file's own stat before it was read, when safe to trust (``_stamp``)


# A stat this close to the file's mtime is not trusted: a write in the same clock tick would leave it unchanged.
_RACY_NS = 2_000_000_000


def _stamp(path: Path) -> tuple[int, ...] | None:
    """(device, inode, size, mtime, ctime) of ``path`` itself, or None when it may yet change unseen.

    Like git's index: a file whose mtime is within two seconds of the moment it is stat'ed
    could be written again within the same timestamp, so it is read and hashed next time.
    """
    try:
        found = os.lstat(path)
    except OSError:
        return None
    if time.time_ns() - found.st_mtime_ns < _RACY_NS or time.time_ns() - found.st_ctime_ns < _RACY_NS:
        return None
    return found.st_dev, found.st_ino, found.st_size, found.st_mtime_ns, found.st_ctime_ns


def _stat_key(path: str) -> tuple[int, int, int] | None:
    try:
        found = os.stat(path)
    except OSError:
        return None
    return found.st_size, found.st_mtime_ns, found.st_ino


class EvidenceMemo:
    """Parsed evidence files kept between loads of one project, for a long-lived process (the preview).

    A file is parsed again only when its bytes (SHA-256), the scheme (compared
    whole) or one of its attachments (resolved path, size, mtime, inode) changed;
    its bytes are not even read again while its own stat (``_stamp``) is unchanged;
    a file that gave an error is always parsed again. What a load returns is what
    a load without the memo would return. ``parsed`` counts the files the last
    load parsed.
    """

    def __init__(self) -> None:
        self.scheme: Scheme | None = None
        self.files: dict[str, _Parsed] = {}
        self.parsed = 0

    def begin(self, scheme: Scheme) -> None:
        if self.scheme is None or self.scheme != scheme:
            self.files.clear()
        self.scheme = scheme
        self.parsed = 0

    def end(self, seen: set[str]) -> None:
        for rel in set(self.files) - seen:  # a file removed: forget it
            del self.files[rel]

    def load(self, root: Path, path: Path, scheme: Scheme, problems: list[Problem], tree: Tree,
             digests: Digests | None) -> Evidence | None:
        rel = rel_path(root, path)
        known = self.files.get(rel)
        if known is not None and self._unchanged(rel, known, tree, path, scheme):
            known = self.files[rel]
            problems.extend(known.problems)
            if digests is not None:
                digests[rel] = (known.size, known.sha256)
            return known.evidence
        own: list[Problem] = []
        read: Digests = {}
        stamp = _stamp(path)
        evidence = load_evidence_file(root, path, scheme, own, tree, read)
        self.parsed += 1
        problems.extend(own)
        if digests is not None:
            digests.update(read)
        self.files.pop(rel, None)
        if evidence is not None and rel in read and not any(p.severity == Severity.ERROR for p in own):
            attachments = []
            for attachment in evidence.attachments:
                target = (path.parent / attachment.name).resolve()
                stat = _stat_key(os.fspath(target))
                if stat is None:
                    return evidence
                attachments.append((attachment.name, os.fspath(target), stat))
            self.files[rel] = _Parsed(*read[rel], evidence, tuple(own), tuple(attachments), stamp)
        return evidence

    def _unchanged(self, rel: str, known: _Parsed, tree: Tree, path: Path, scheme: Scheme) -> bool:
        stamp = _stamp(path)
        if stamp is None or stamp != known.stamp:  # else the very file, not written since it was read
            try:
                data = read_bytes(tree, path, scheme.limits.yaml + scheme.limits.body)
            except ReadRefused:
                return False
            if len(data) != known.size or hashlib.sha256(data).hexdigest() != known.sha256:
                return False
            self.files[rel] = dataclasses.replace(known, stamp=stamp)
        for name, target, stat in known.attachments:
            resolved = os.fspath((path.parent / name).resolve())
            if resolved != target or _stat_key(resolved) != stat:
                return False
        return True


def load_evidence(root: Path, scheme: Scheme, digests: Digests | None = None,
                  memo: EvidenceMemo | None = None) -> tuple[tuple[Evidence, ...], list[Problem]]:
    """Every evidence file, with the problems found; ``memo`` (kept by the caller) spares parsing unchanged files."""
    problems: list[Problem] = []
    found: list[Evidence] = []
    seen: dict[str, str] = {}
    tree = Tree(root)
    if memo is not None:
        memo.begin(scheme)
    paths, refused = names.evidence_scan(root)
    problems.extend(refused)
    for path in paths:
        if memo is not None:
            evidence = memo.load(root, path, scheme, problems, tree, digests)
        else:
            evidence = load_evidence_file(root, path, scheme, problems, tree, digests)
        if evidence is None:
            continue
        if evidence.id in seen:
            problems.append(error(evidence.path, 2, f"证据编号 {evidence.id} 重复：{seen[evidence.id]} 和 "
                                  f"{evidence.path} 都使用这个编号（取自 id 字段，未填写时取文件名）；"
                                  "请修改其中一个文件的 id 或文件名", "evidence-dup"))
            continue
        seen[evidence.id] = evidence.path
        found.append(evidence)
    if memo is not None:
        memo.end({rel_path(root, path) for path in paths})
    from ..score.plausible import fact_problems  # plausible reads scores, which read the model this module builds

    problems.extend(fact_problems(scheme, found))
    return tuple(found), problems
