"""The score history: each past revision's total and top-level node scores, from git, cached.

The history scores the tags reachable from HEAD, or when there are none, the
last commits of the current branch that touch indicators/ or evidence/. Each
commit is exported from git (never checked out) and checked and scored from its
own files, exactly as the working tree is.

Results are cached by commit hash in a file outside the project and outside
the output (``cache_dir()``: ``$ZWGK_CACHE_DIR``, else ``$XDG_CACHE_HOME/zwgk``,
else ``~/.cache/zwgk``), one file per project folder, so a build scores only
commits it has not seen and writes nothing into the project. The cache is keyed
by a hash of the scoring code, so new rules re-score all; a build from the
cache equals a clean build, because a cached point is exactly what scoring the
commit again gives. Everything here depends only on the commits: no clock, no
working tree.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..core import envvars, places
from ..core.output import write_files
from ..core.problems import DataError, Severity
from ..model.values import History, HistoryPoint
from .gitrepo import Candidate, checked_out, in_git, revisions
from .pipeline import check_and_score

HISTORY_LIMIT = 20


def cache_dir() -> Path:
    """Where caches live: never inside a project or an output folder."""
    explicit = envvars.get("ZWGK_CACHE_DIR")
    if explicit:
        return Path(explicit)
    xdg = envvars.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "zwgk"


def cache_file(root: Path) -> Path:
    """The history cache of one project folder."""
    key = hashlib.sha256(str(root.resolve()).encode("utf-8")).hexdigest()[:16]
    return cache_dir() / f"history-{key}.json"


def code_version() -> str:
    """A hash of the scoring code: a cache written by other code is not reused."""
    digest = hashlib.sha256()
    for path in places.sources():
        digest.update(path.relative_to(places.PACKAGE).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def score_commit(root: Path, commit: str) -> dict[str, Any]:
    """One commit's total and top-level node scores as cache data, or why it could not be scored."""
    with checked_out(root, commit) as data_root:
        try:
            table = check_and_score(data_root).table
        except DataError as exc:
            errors = sum(1 for p in exc.problems if p.severity == Severity.ERROR)
            return {"ok": False, "errors": errors}
    return {"ok": True, "total": str(table.total), "evidence": len(table.evidence),
            "levels": {lv.node.id: str(lv.score) for lv in table.levels},
            "names": {lv.node.id: lv.node.name for lv in table.levels}}


def _read_cache(path: Path, version: str) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("version") != version or not isinstance(data.get("commits"), dict):
        return {}
    return dict(data["commits"])


def _write_cache(path: Path, version: str, commits: dict[str, Any]) -> None:
    text = json.dumps({"version": version, "commits": dict(sorted(commits.items()))}, ensure_ascii=False, indent=1)
    with contextlib.suppress(OSError):  # no writable cache: the history is still right, only slower next time
        write_files(path.parent, {path.name: (text + "\n").encode("utf-8")})


def _point(c: Candidate, data: dict[str, Any]) -> HistoryPoint:
    return HistoryPoint(c.commit, c.date.date(), c.label, Decimal(data["total"]),
                        {k: Decimal(v) for k, v in data["levels"].items()}, dict(data.get("names", {})))


def history(root: Path, limit: int = HISTORY_LIMIT, cache: Path | None = None) -> History:
    """Score points for the tags (else the recent data commits), oldest first, from the first that had evidence
    (earlier ones, the scheme being set up, would show as versions at 0 points)."""
    if not in_git(root):
        return History((), ("项目不在 git 仓库中，没有历史得分",))
    cache = cache or cache_file(root)
    version = code_version()
    known = _read_cache(cache, version)
    points: list[HistoryPoint] = []
    notes: list[str] = []
    fresh = False
    candidates, tagged = revisions(root, limit)
    for c in candidates:
        if c.commit not in known:
            known[c.commit] = score_commit(root, c.commit)
            fresh = True
        data = known[c.commit]
        if data.get("ok"):
            if points or data.get("evidence"):  # the history starts at the first commit with evidence
                points.append(_point(c, data))
        else:
            day: date = c.date.date()
            notes.append(f"{c.label}（{day.isoformat()}）未通过校验（错误 {data.get('errors', 0)} 个），未计入历史得分")
    if fresh:
        _write_cache(cache, version, known)
    return History(tuple(points), tuple(notes), tagged)
