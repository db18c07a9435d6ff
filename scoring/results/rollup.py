"""A roll-up of many bureaus: read each bureau's published scores, rank them, and say what could not be read.

Each source is a build's output folder (one holding ``scores.json``) or the address of a published site
(which carries ``scores.json`` and ``manifest.json``, scoring/render/outputs.py). Sources are read concurrently;
addresses with a timeout and retries. A source that cannot be read or does not validate is kept as a
``Failed`` with its reason, and the ranking says it is incomplete: never a crash, never a silent gap.

Ranking (docs/results.md): when every bureau was assessed under the same scheme (same fingerprint), by the
total, with each top-level node's score beside it; otherwise by the score on a 100-point scale
(total / full marks × 100), and the page says so. A bureau whose scores.json carries the assessors' 核定 total
(``total.verified``) is ranked by it, and marked so. Equal scores share a rank and the next rank is skipped
(1, 2, 2, 4); within a tie, bureaus are listed by their code, then their name.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..core.figures import ZERO

TIMEOUT = 10.0  # seconds per request
TRIES = 3
ACCEPTED_SCHEMAS = (2,)
HUNDRED = Decimal(100)
CENT = Decimal("0.01")


class RollupError(Exception):
    """The roll-up cannot be made at all (the same bureau twice): every message, in Chinese."""

    def __init__(self, messages: Sequence[str]):
        super().__init__("；".join(messages))
        self.messages = tuple(messages)


@dataclass(frozen=True)
class NodeResult:
    id: str
    name: str
    points: Decimal
    score: Decimal


@dataclass(frozen=True)
class RowResult:
    id: str
    name: str
    points: Decimal
    deduction: Decimal
    at_risk: Decimal


@dataclass(frozen=True)
class Entry:
    """One bureau's result, as its source published it."""

    source: str
    bureau: str
    code: str
    year: int
    scheme_title: str
    fingerprint: str
    total: Decimal
    full_marks: Decimal
    normalised: Decimal  # on a 100-point scale: the scheme's own figure, else total / full marks × 100
    grade: str
    nodes: tuple[NodeResult, ...]
    rows: tuple[RowResult, ...]
    top_level: str  # the name of the scheme's outermost level (一级指标, 类别)
    site: str  # the published site's address; "" for a folder
    dossier: str  # the dossier's address; "" when none is published
    # The assessors' 核定分 came back (scores.json's total.verified): total, normalised and grade are the 核定
    # figures, and own_total is the self-assessed total. Node and row figures stay the self-assessed ones.
    verified: bool = False
    own_total: Decimal | None = None


@dataclass(frozen=True)
class Failed:
    source: str
    reason: str


@dataclass(frozen=True)
class Ranked:
    rank: int
    entry: Entry
    value: Decimal  # what the rank is by
    last_rank: int | None = None
    last_value: Decimal | None = None


@dataclass(frozen=True)
class LostRow:
    id: str
    name: str
    points: Decimal
    bureaus: int  # how many bureaus lost points on it
    lost: Decimal  # points lost, all bureaus together


@dataclass(frozen=True)
class Rollup:
    ranked: tuple[Ranked, ...]
    failed: tuple[Failed, ...]
    shared_scheme: bool  # every bureau under one scheme: totals and nodes compared directly
    grades: tuple[tuple[str, int], ...]  # 等次 and how many bureaus, best first
    lost_rows: tuple[LostRow, ...]  # rows lost by most bureaus first (shared scheme only)
    has_last: bool = False

    @property
    def complete(self) -> bool:
        return not self.failed

    @property
    def by(self) -> str:
        return "总分" if self.shared_scheme else "百分制得分"

    @property
    def verified(self) -> int:
        """How many bureaus are ranked by their 核定 figure."""
        return sum(1 for x in self.ranked if x.entry.verified)


# --- reading ------------------------------------------------------------------------------------


def _is_url(source: str) -> bool:
    return source.startswith(("http://", "https://"))


def _fetch(url: str) -> bytes:
    """GET with a timeout, retried on a network error or a server error (not on 404)."""
    last: Exception | None = None
    for attempt in range(TRIES):
        try:
            with urllib.request.urlopen(url, timeout=TIMEOUT) as response:
                data: bytes = response.read()
                return data
        except urllib.error.HTTPError as exc:
            if exc.code < 500:
                raise
            last = exc
        except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
            last = exc
        if attempt < TRIES - 1:
            time.sleep(0.3 * (attempt + 1))
    assert last is not None
    raise last


def _why(exc: Exception) -> str:
    if isinstance(exc, urllib.error.HTTPError):
        return f"服务器答复 HTTP {exc.code}"
    if isinstance(exc, urllib.error.URLError):
        return f"无法连接（{exc.reason}），已重试 {TRIES} 次"
    if isinstance(exc, TimeoutError):
        return f"超时（{TIMEOUT:g} 秒），已重试 {TRIES} 次"
    return f"无法读取（{type(exc).__name__}）"


def _read_source(source: str) -> tuple[dict[str, Any], dict[str, Any], str]:
    """The source's scores.json and manifest.json (empty when absent), and its site's address."""
    if _is_url(source):
        base = source if source.endswith("/") else source + "/"
        scores = _fetch(base + "scores.json")
        try:
            manifest = _fetch(base + "manifest.json")
        except urllib.error.HTTPError:
            manifest = b"{}"
        return _json(scores, "scores.json"), _json(manifest, "manifest.json"), base
    folder = Path(source)
    if not (folder / "scores.json").is_file():
        raise ValueError("目录中没有 scores.json（应为某单位构建的输出目录，如 build/）")
    found = [p for p in (folder / "manifest.json", folder / "site" / "manifest.json") if p.is_file()]
    manifest = found[0].read_bytes() if found else b"{}"
    return _json((folder / "scores.json").read_bytes(), "scores.json"), _json(manifest, "manifest.json"), ""


def _json(data: bytes, name: str) -> dict[str, Any]:
    try:
        value = json.loads(data.decode("utf-8-sig"), parse_float=Decimal, parse_int=Decimal)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"{name} 不是有效的 JSON（{type(exc).__name__}）") from None
    if not isinstance(value, dict):
        raise ValueError(f"{name} 应为 JSON 对象")
    return value


def _get(doc: Any, *path: str | int, kind: type | tuple[type, ...] = object) -> Any:
    """``doc[path…]``, checked: a missing key or a wrong type says which."""
    here = doc
    for key in path:
        try:
            here = here[key]
        except (KeyError, IndexError, TypeError):
            raise ValueError(f"scores.json 缺少 {'.'.join(map(str, path))}") from None
    if not isinstance(here, kind):
        raise ValueError(f"scores.json 的 {'.'.join(map(str, path))} 类型不对")
    return here


def _entry(source: str, scores: dict[str, Any], manifest: dict[str, Any], site: str) -> Entry:
    schema = _get(scores, "schema", kind=Decimal)
    if int(schema) not in ACCEPTED_SCHEMAS:
        raise ValueError(f"scores.json 的格式版本 {schema} 不受支持（支持 {', '.join(map(str, ACCEPTED_SCHEMAS))}）")
    bureau = scores.get("bureau") or {}
    name = str(bureau.get("name") or _get(scores, "scheme", "issuer", kind=str)).strip()
    if not name:
        raise ValueError("scores.json 没有写明被考核单位（bureau.name 或 scheme.issuer）")
    total = _get(scores, "total", "total", kind=Decimal)
    full = _get(scores, "total", "full_marks", kind=Decimal)
    grade, own_total = str(scores["total"].get("grade") or ""), None
    normalised = scores["total"].get("normalised")
    verified = scores["total"].get("verified")
    if isinstance(verified, dict):  # the assessors' figures rank instead of the self-assessed ones
        own_total, total = total, _get(scores, "total", "verified", "total", kind=Decimal)
        normalised, grade = verified.get("normalised"), str(verified.get("grade") or "")
    if not isinstance(normalised, Decimal):
        normalised = (total / full * HUNDRED).quantize(CENT) if full else total
    nodes, rows = [], []
    for i, node in enumerate(_get(scores, "nodes", kind=list)):
        nodes.append(NodeResult(str(_get(scores, "nodes", i, "id", kind=str)), str(node.get("name", "")),
                                _get(scores, "nodes", i, "points", kind=Decimal),
                                _get(scores, "nodes", i, "score", kind=Decimal)))
        for j, row in enumerate(_get(scores, "nodes", i, "rows", kind=list)):
            path = row.get("path") or [""]
            rows.append(RowResult(str(_get(scores, "nodes", i, "rows", j, "id", kind=str)), str(path[-1]),
                                  _get(scores, "nodes", i, "rows", j, "points", kind=Decimal),
                                  _get(scores, "nodes", i, "rows", j, "deduction", kind=Decimal),
                                  _get(scores, "nodes", i, "rows", j, "at_risk", kind=Decimal)))
    dossier = manifest.get("dossier")
    dossier_url = site + dossier if site and isinstance(dossier, str) and dossier else ""
    return Entry(
        source=source, bureau=name, code=str(bureau.get("code") or ""),
        year=int(_get(scores, "scheme", "year", kind=Decimal)), scheme_title=str(scores["scheme"].get("title", "")),
        fingerprint=str(scores["scheme"].get("fingerprint") or ""), total=total, full_marks=full,
        normalised=normalised, grade=grade, nodes=tuple(nodes), rows=tuple(rows),
        top_level=str((scores.get("levels") or ["一级指标"])[0]), site=site, dossier=dossier_url,
        verified=own_total is not None, own_total=own_total)


def read_one(source: str) -> Entry | Failed:
    try:
        return _entry(source, *_read_source(source))
    except (ValueError, OSError, urllib.error.URLError) as exc:
        reason = str(exc) if isinstance(exc, ValueError) else _why(exc)
        return Failed(source, reason)


def read_all(sources: Sequence[str], workers: int = 16) -> list[Entry | Failed]:
    """Every source, read concurrently, in the order given."""
    if not sources:
        return []
    with ThreadPoolExecutor(max_workers=max(1, min(workers, len(sources)))) as pool:
        return list(pool.map(read_one, sources))


# --- ranking ------------------------------------------------------------------------------------


def _key(entry: Entry) -> tuple[str, int]:
    return (entry.code or entry.bureau, entry.year)


def _duplicates(entries: Iterable[Entry]) -> list[str]:
    seen: dict[tuple[str, int], Entry] = {}
    messages = []
    for e in entries:
        first = seen.setdefault(_key(e), e)
        if first is not e:
            messages.append(f"同一单位同一年度出现两次：{e.bureau}（{e.year}年），见 {first.source} 和 {e.source}")
    return messages


def _last(last: dict[str, Any] | None) -> dict[tuple[str, int], tuple[int, Decimal]]:
    """Last year's ranks and values by bureau (code, else name); the year is this year's."""
    found: dict[tuple[str, int], tuple[int, Decimal]] = {}
    for item in (last or {}).get("ranking", []):
        who = str(item.get("code") or item.get("bureau") or "")
        if who and isinstance(item.get("rank"), Decimal) and isinstance(item.get("value"), Decimal):
            found[(who, int(item.get("year", 0)) + 1)] = (int(item["rank"]), item["value"])
    return found


def rank(results: Sequence[Entry | Failed], last: dict[str, Any] | None = None) -> Rollup:
    entries = [r for r in results if isinstance(r, Entry)]
    failed = tuple(r for r in results if isinstance(r, Failed))
    duplicates = _duplicates(entries)
    if duplicates:
        raise RollupError(duplicates)
    shared = len({e.fingerprint for e in entries}) == 1 and all(e.fingerprint for e in entries)

    def value(e: Entry) -> Decimal:
        return e.total if shared else e.normalised

    ordered = sorted(entries, key=lambda e: (-value(e), e.code or "\uffff", e.bureau, e.source))
    before = _last(last)
    ranked: list[Ranked] = []
    for i, e in enumerate(ordered):
        tied = bool(ranked) and ranked[-1].value == value(e)
        place = ranked[-1].rank if tied else i + 1
        was = before.get(_key(e))
        ranked.append(Ranked(place, e, value(e), was[0] if was else None, was[1] if was else None))
    best: dict[str, Decimal] = {}
    for e in entries:
        best[e.grade] = max(best.get(e.grade, e.normalised), e.normalised)
    counts = Counter(e.grade for e in entries)
    grades = tuple((g, counts[g]) for g in sorted(counts, key=lambda g: (-best[g], g)))
    return Rollup(tuple(ranked), failed, shared, grades, _lost_rows(entries) if shared else (), last is not None)


def _lost_rows(entries: Sequence[Entry]) -> tuple[LostRow, ...]:
    bureaus: Counter[str] = Counter()
    lost: dict[str, Decimal] = {}
    first: dict[str, RowResult] = {}
    for e in entries:
        for row in e.rows:
            first.setdefault(row.id, row)
            if row.deduction > 0:
                bureaus[row.id] += 1
                lost[row.id] = lost.get(row.id, ZERO) + row.deduction
    out = [LostRow(rid, first[rid].name, first[rid].points, n, lost[rid]) for rid, n in bureaus.items()]
    return tuple(sorted(out, key=lambda r: (-r.bureaus, -r.lost, r.id)))
