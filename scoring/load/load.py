"""Read ``indicators/`` into the frozen model's ``Scheme`` (the tree itself: loadnodes.py; evidence: loadevidence.py).

Nothing here writes a file. Every problem found is collected with its file and
line; the caller decides whether to stop.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..core.problems import Problem, error
from ..core.safeio import Limits
from ..model import formats
from ..model.model import BONUS, CLAMP_POLICIES, MAJOR, Bureau, GradeBand, Indicator, Node, Scheme, Unit
from ..model.params import nearest
from . import names
from .loadbase import Ctx, read_keys, read_yaml_file, scheme_limits, yaml_line
from .loadnodes import Place, load_indicator, load_level_file


def _load_units(root: Path, problems: list[Problem], limits: Limits) -> tuple[Unit, ...] | None:
    """The unit registry; None when the file cannot be read at all."""
    path = root / "indicators" / "units.yaml"
    if not path.exists():
        problems.append(error("indicators/units.yaml", 0, "缺少单位名录文件 indicators/units.yaml", "missing-file"))
        return None
    loaded = read_yaml_file(root, path, problems, limits)
    if loaded is None:
        return None
    data, ctx = loaded
    values, ok = read_keys(ctx, formats.UnitsFileKeys, data, "units.yaml ")
    if not ok:
        return None
    units: list[Unit] = []
    seen: dict[str, int] = {}
    for entry, raw in zip(values["units"], data["units"], strict=True):
        for alias in (entry.name, *entry.aliases):
            if alias in seen:
                ctx.err(yaml_line(raw), f"单位名称“{alias}”在名录中出现了两次（第{seen[alias]}行）", "unit-dup")
            seen[alias] = yaml_line(raw)
        units.append(Unit(entry.id, entry.name, entry.aliases, entry.everyone))
    return tuple(units)


def _clamp_problem(clamp: str, level_names: tuple[str, ...]) -> str | None:
    """Why the scheme's clamp is not a policy nor a level name it may name, or None."""
    if clamp in CLAMP_POLICIES or clamp in level_names[:-1]:
        return None
    choices = [*CLAMP_POLICIES, *level_names[:-1]]
    if clamp == level_names[-1]:
        return f"“{clamp}”是各行所在的最后一级；每行扣完为止请写 row"
    return (f"应为 {' / '.join(CLAMP_POLICIES)} 之一，或 levels 中除最后一级外的级别名称"
            f"（{'、'.join(level_names[:-1])}）{nearest(clamp, choices)}")


@dataclass
class _Parts:
    """What the scheme's other files hold: the level files' trees, the 综合加分项 and the 重大扣分项."""

    levels: list[Node] = field(default_factory=list)
    comprehensive: tuple[Indicator, ...] = ()
    major: tuple[Indicator, ...] = ()
    comp_cap: Decimal | None = None
    major_text: str = ""
    id_lines: dict[str, int] = field(default_factory=dict)  # each level file's line of id:


def _scheme_dates(ctx: Ctx, data: Any, meta: dict[str, Any]) -> tuple[date | None, date | None, date | None]:
    """The period's start and end (an end before the start reported and dropped) and accept_until."""
    period: formats.Period | None = meta.get("period")
    start, end = (period.start, period.end) if period else (None, None)
    if start is not None and end is not None and end < start:
        ctx.err(yaml_line(data["period"], "end"), f"考核期结束日期 {end.isoformat()} 早于开始日期 {start.isoformat()}",
                "scheme-field")
        end = None
    accept_until: date | None = meta["accept_until"]
    if accept_until is not None and end is not None and accept_until < end:
        ctx.err(yaml_line(data, "accept_until"), f"accept_until（{accept_until.isoformat()}）是证据日期最晚可到的一天，"
                f"应不早于考核期结束日期 {end.isoformat()}", "scheme-field")
    return start, end, accept_until


def _load_totals(pctx: Ctx, pdata: Mapping[str, Any], units: tuple[Unit, ...], period_start: date,
                 into: _Parts) -> None:
    totals, _ = read_keys(pctx, formats.TotalsFileKeys, pdata, f"{Path(pctx.rel).name} ")
    comp, _ = read_keys(pctx, formats.ComprehensiveKeys, totals["comprehensive"] or {}, "综合加分项 comprehensive ")
    into.comp_cap = comp.get("cap")
    into.comprehensive = tuple(i for i in (
        load_indicator(pctx, it, BONUS, Place("comprehensive", "综合加分项"), units, period_start)
        for it in comp.get("items") or ()) if i is not None)
    maj, _ = read_keys(pctx, formats.MajorKeys, totals["major"] or {}, "重大扣分项 major ")
    into.major_text = str(maj.get("text") or "")
    into.major = tuple(i for i in (
        load_indicator(pctx, it, MAJOR, Place("major", "重大扣分项"), units, period_start)
        for it in maj.get("items") or ()) if i is not None)


def _load_parts(parts: list[tuple[Any, Ctx]], level_names: tuple[str, ...], units: tuple[Unit, ...],
                period_start: date) -> _Parts:
    found = _Parts()
    for pdata, pctx in parts:
        if isinstance(pdata, Mapping) and "rows" in pdata:
            found.levels.append(load_level_file(pctx, pdata, level_names, units, period_start))
            found.id_lines[pctx.rel] = yaml_line(pdata, "id")
        elif isinstance(pdata, Mapping) and ("comprehensive" in pdata or "major" in pdata):
            _load_totals(pctx, pdata, units, period_start, found)
        elif Path(pctx.rel).name == "totals.yaml" and not pdata:
            continue  # an empty totals.yaml, or {}: the scheme has no 加分/扣分 blocks (both keys are optional)
        else:
            pctx.err(1, f"无法识别的方案文件：{level_names[0]}文件应有 rows:，加分与扣分文件应有 comprehensive: 或 major:")
    return found


def _duplicates(found: _Parts) -> list[Problem]:
    """Two nodes, or two indicators, with one id: an error at each place, naming the other."""
    seen: dict[str, Indicator] = {}
    duplicates = _node_id_problems(found.levels, found.id_lines)
    for indicator in (*(r for lv in found.levels for r in lv.rows), *found.comprehensive, *found.major):
        first = seen.setdefault(indicator.id, indicator)
        if first is not indicator:
            for here, there in ((indicator, first), (first, indicator)):
                duplicates.append(error(here.path, here.line, f"指标编号 {indicator.id} 重复"
                                        f"（另见 {there.path}:{there.line}）", "indicator-dup"))
    return duplicates


def load_scheme(root: Path) -> tuple[Scheme | None, list[Problem]]:
    """The scheme, or None when any of its files cannot be read or parsed.

    One unreadable or malformed file stops here: scoring evidence against a
    scheme with rows missing would bury the one message that matters under
    follow-on errors.
    """
    problems: list[Problem] = []
    ind = root / "indicators"
    scheme_path = ind / "scheme.yaml"
    if not scheme_path.exists():
        return None, [error("indicators/scheme.yaml", 0, "缺少方案文件 indicators/scheme.yaml", "missing-file")]
    loaded = read_yaml_file(root, scheme_path, problems, Limits())
    if loaded is None:
        return None, problems
    data, ctx = loaded
    meta, _ = read_keys(ctx, formats.SchemeKeys, data, "scheme.yaml ")
    if not isinstance(data, Mapping):
        return None, problems
    limits = scheme_limits(meta["limits"])
    units = _load_units(root, problems, limits)
    part_files, refused = names.indicator_scan(root)
    problems.extend(refused)
    parts = [read_yaml_file(root, path, problems, limits) for path in part_files
             if path.name not in ("scheme.yaml", "units.yaml")]
    if units is None or any(part is None for part in parts):
        return None, problems
    start, end, accept_until = _scheme_dates(ctx, data, meta)
    level_names: tuple[str, ...] = meta["levels"]
    clamp = meta.get("clamp")
    problem = _clamp_problem(clamp, level_names) if clamp is not None else None
    if problem is not None:
        ctx.err(yaml_line(data, "clamp"), f"scheme.yaml 的字段 clamp 无效：{problem}", "clamp-level")
    found = _load_parts([p for p in parts if p is not None], level_names, units, start or date(1970, 1, 1))
    duplicates = _duplicates(found)
    problems.extend(duplicates)
    if start is None or end is None or clamp is None or duplicates:  # one id, two things: evidence cannot be placed
        return None, problems
    return _scheme(meta, clamp, (start, end, accept_until or end), units, limits, found), problems


def _scheme(meta: dict[str, Any], clamp: str, dates: tuple[date, date, date], units: tuple[Unit, ...],
            limits: Limits, found: _Parts) -> Scheme:
    start, end, accept_until = dates
    bands = sorted((GradeBand(b.min, b.grade) for b in meta["grade_bands"]), key=lambda b: b.min, reverse=True)
    return Scheme(
        title=meta.get("title") or "", issuer=meta["issuer"], doc_number=meta["doc_number"], issued=meta["issued"],
        year=meta["year"] or start.year, period_start=start, period_end=end, due_date=meta["due_date"],
        clamp=clamp, grade_bands=tuple(bands), normalise=meta["normalise"],
        total_floor=meta["total_floor"], note=meta["note"], units=units, levels=tuple(found.levels),
        comprehensive=found.comprehensive, comprehensive_cap=found.comp_cap, major=found.major,
        major_text=found.major_text, limits=limits, accept_until=accept_until,
        show_internal_titles=meta["show_internal_titles"], level_names=meta["levels"],
        bureau=Bureau(meta["bureau"].name, meta["bureau"].code) if meta["bureau"] else None,
    )


def _node_id_problems(levels: list[Node], id_lines: dict[str, int]) -> list[Problem]:
    """Two nodes of the tree with one id (pages and anchors are named by it): an error at each, naming the other."""
    seen: dict[str, tuple[Node, int]] = {}
    reported: list[str] = []
    problems: list[Problem] = []
    for top in levels:
        for node in top.walk():
            line = id_lines.get(node.path, node.line) if node.depth == 0 else node.line
            first = seen.get(node.id)
            if first is None:
                seen[node.id] = (node, line)
                continue
            if any(node.id.startswith(f"{dup}.") for dup in reported):  # an id derived from a duplicate: said once
                continue
            reported.append(node.id)
            other, other_line = first
            problems.append(error(node.path, line, f"编号 {node.id} 重复：“{other.name}”（{other.path}:{other_line}）"
                                  "也使用这个编号；请改用不同的编号", "node-dup"))
            problems.append(error(other.path, other_line, f"编号 {node.id} 重复：“{node.name}”（{node.path}:{line}）"
                                  "也使用这个编号；请改用不同的编号", "node-dup"))
    return problems


# --- evidence ---------------------------------------------------------------
