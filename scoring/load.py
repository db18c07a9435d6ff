"""Read ``indicators/`` and ``evidence/`` into the frozen model.

Nothing here writes a file. Every problem found is collected with its file and
line; the caller decides whether to stop.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from . import fields, filetypes, formats, hints, names, privacy
from .combine import MODES
from .formats import ID_RE, date_problem
from .model import (
    BONUS,
    CLAMP_POLICIES,
    MAJOR,
    ROW,
    Adjustment,
    Attachment,
    Bureau,
    Correction,
    Evidence,
    FactSpec,
    FactValue,
    GradeBand,
    Indicator,
    Node,
    Scheme,
    Texts,
    Unit,
    normalise_name,
    unit_index,
)
from .numbers import to_decimal
from .params import bool_value, nearest
from .problems import Problem, Severity, error, suggest, warning
from .registerfacts import query_problems
from .rules import Rule, RuleError, check_fact_types, parse_rule, with_measures
from .safeio import LIMIT_KEYS, MB, Limits, ReadRefused, Tree, decode, read_bytes, size_text
from .yamlio import FrontMatterError, LineDict, YamlSyntaxError, load_yaml, split_front_matter

# Size and SHA-256 of the bytes read, by relative path: file_facts (scoring/pipeline.py) need not read them again.
Digests = dict[str, tuple[int, str]]


def _checked_text(root: Path | Tree, path: Path, rel: str, limit: int, problems: list[Problem],
                  digests: Digests | None = None) -> str | None:
    """A file's text, or None with one problem: not a regular file in the project, too large, not UTF-8."""
    try:
        data = read_bytes(root, path, limit)
        if digests is not None:
            digests[rel] = (len(data), hashlib.sha256(data).hexdigest())
        return decode(data)
    except ReadRefused as exc:
        problems.append(error(rel, exc.line, exc.message, "unreadable"))
        return None


def _rel(root: Path, path: Path) -> str:
    base, full = os.fspath(root), os.fspath(path)
    if base and full.startswith(base + os.sep):  # a path found under root: no need to normalise both
        rest = full[len(base) + 1 :]
        parts = rest.split(os.sep)
        if "" not in parts and "." not in parts and ".." not in parts:
            return "/".join(parts)
    return os.path.relpath(path, root).replace(os.sep, "/")


@dataclass
class _Ctx:
    rel: str
    problems: list[Problem] = field(default_factory=list)

    def err(self, line: int, message: str, code: str = "") -> None:
        self.problems.append(error(self.rel, line, message, code))

    def warn(self, line: int, message: str, code: str = "") -> None:
        self.problems.append(warning(self.rel, line, message, code))


def _line(data: Any, key: str | None = None) -> int:
    if isinstance(data, LineDict):
        return data.line_of(key) if key is not None else data.line
    return 0


def _yaml_file(root: Path, path: Path, problems: list[Problem], limits: Limits) -> tuple[Any, _Ctx] | None:
    ctx = _Ctx(_rel(root, path), problems)
    text = _checked_text(root, path, ctx.rel, limits.yaml, problems)
    if text is None:
        return None
    try:
        return load_yaml(text), ctx
    except YamlSyntaxError as exc:
        ctx.err(exc.line, exc.message, "yaml")
        return None


# --- the scheme -------------------------------------------------------------


def _read(ctx: _Ctx, cls: type, data: Any, what: str, line: int = 1) -> tuple[dict[str, Any], bool]:
    """A mapping's declared keys (scoring/formats.py), every problem reported; True when none."""
    values, found = formats.read(cls, data, line, what)
    for exc in found:
        ctx.err(exc.line or line, exc.message, exc.code or "bad-value")
    return values, not found


def _limits(raw: formats.LimitKeys | None) -> Limits:
    if raw is None:
        return Limits()
    values = {LIMIT_KEYS[key][0]: int(getattr(raw, key) * MB) for key in LIMIT_KEYS if getattr(raw, key) is not None}
    return Limits(**values)


def _load_units(root: Path, problems: list[Problem], limits: Limits) -> tuple[Unit, ...] | None:
    """The unit registry; None when the file cannot be read at all."""
    path = root / "indicators" / "units.yaml"
    if not path.exists():
        problems.append(error("indicators/units.yaml", 0, "缺少单位名录文件 indicators/units.yaml", "missing-file"))
        return None
    loaded = _yaml_file(root, path, problems, limits)
    if loaded is None:
        return None
    data, ctx = loaded
    values, ok = _read(ctx, formats.UnitsFileKeys, data, "units.yaml ")
    if not ok:
        return None
    units: list[Unit] = []
    seen: dict[str, int] = {}
    for entry, raw in zip(values["units"], data["units"], strict=True):
        for alias in (entry.name, *entry.aliases):
            if alias in seen:
                ctx.err(_line(raw), f"单位名称“{alias}”在名录中出现了两次（第{seen[alias]}行）", "unit-dup")
            seen[alias] = _line(raw)
        units.append(Unit(entry.id, entry.name, entry.aliases, entry.everyone))
    return tuple(units)


def _load_facts(ctx: _Ctx, declared: Mapping[str, Any] | None) -> dict[str, FactSpec]:
    """Each declared fact read by itself: one bad fact is reported and left out, the others stay."""
    facts: dict[str, FactSpec] = {}
    for name, raw in (declared or {}).items():
        line = _line(declared, name)
        spec, _ = _read(ctx, formats.FactKeys, raw, formats.FACT_WHAT.format(name), line)
        if "type" not in spec or "help" not in spec:  # a bad optional key is reported and left at its default
            continue
        if not spec["help"].strip():
            ctx.err(line, f"事实“{name}”缺少中文说明 help", "missing-key")
        for message in query_problems(spec["register"], spec["type"]) if spec["register"] else ():
            ctx.err(line, f"事实“{name}”的 register：{message}", "bad-value")
        allowed = MODES.get(spec["type"], ())
        if spec["combine"] and spec["combine"] not in allowed:
            ctx.err(_line(raw, "combine"), f"事实“{name}”（{spec['type']}）不能用 combine: {spec['combine']}；"
                    f"可用：{'、'.join(allowed)}", "bad-value")
            spec["combine"] = ""
        facts[str(name)] = FactSpec(name=str(name), type=spec["type"], help=spec["help"], options=spec["options"],
                                    max=spec["max"], unit=spec["unit"], adverse=spec["adverse"], line=line,
                                    register=spec["register"], combine=spec["combine"], restate=spec["restate"])
    return facts


def _unit_ids(ctx: _Ctx, names: tuple[str, ...], units: tuple[Unit, ...], line: int, what: str) -> tuple[str, ...]:
    """The registry ids of unit names as written; an unknown name is an error at ``line``."""
    by_name = unit_index(units)
    unit_ids: list[str] = []
    for name in names:
        unit = by_name.get(normalise_name(name))
        if unit is None:
            known = [n for u in units for n in (u.name, *u.aliases)]
            ctx.err(line, f"{what}：责任单位“{name}”不在单位名录中{suggest(name, known)}", "unknown-unit")
        elif unit.id not in unit_ids:
            unit_ids.append(unit.id)
    return tuple(unit_ids)


@dataclass(frozen=True)
class _Place:
    """Where a row sits in the tree: its top node, the groups between, and the units it inherits."""

    top_id: str
    top_name: str
    trail: tuple[str, ...] = ()
    trail_ids: tuple[str, ...] = ()
    units: tuple[str, ...] = ()  # the nearest ancestor's units, as written
    unit_ids: tuple[str, ...] = ()


def _load_indicator(ctx: _Ctx, data: Any, section: str, place: _Place,
                    units: tuple[Unit, ...], period_start: date) -> Indicator | None:
    if not isinstance(data, Mapping):
        ctx.err(_line(data), "每个指标应为一个映射（id: …）")
        return None
    ident = data.get("id")
    if not isinstance(ident, str) or not ID_RE.match(ident):
        why = hints.ascii_only(ident) if isinstance(ident, str) else ""
        ctx.err(_line(data, "id"), f"指标编号{hints.id_text(ident)}无效：只能用小写字母、数字、点和横线{why}",
                "indicator-id")
        return None
    keys = formats.RowKeys if section == ROW else formats.ItemKeys
    values, _ = _read(ctx, keys, data, f"指标 {ident} ", _line(data))
    facts = _load_facts(ctx, values["facts"])
    rules: list[Rule] = []
    for raw in values["rules"]:
        try:
            rule = parse_rule(raw, period_start)
        except RuleError as exc:
            ctx.err(exc.line or _line(data, "rules"), f"指标 {ident}：{exc.message}", exc.code or "rule")
            continue
        for line, message in check_fact_types(rule, facts):
            ctx.err(line, f"指标 {ident}：{message}", "rule-fact")
        rules.append(with_measures(rule, facts))
    if section == ROW and not values["rules"] and (values.get("points") or 0) > 0:
        ctx.warn(_line(data), f"指标 {ident} 没有计分规则：不论有无材料都得满分{values['points']}分；"
                 "请按扣分标准写出 rules", "row-no-rule")
    unit_names: tuple[str, ...] = values["units"]
    if unit_names:
        unit_ids = _unit_ids(ctx, unit_names, units, _line(data, "units"), f"指标 {ident}")
    else:  # a row without units: inherits the nearest ancestor's
        unit_names, unit_ids = place.units, place.unit_ids
    if any(u.everyone and u.id in unit_ids for u in units):  # every unit must: a yes/no fact needs them all
        facts = {n: dataclasses.replace(f, combine="all") if f.type == "flag" and not f.combine else f
                 for n, f in facts.items()}
    if section == ROW:
        text = values["text"] or formats.TextKeys()
        texts = Texts(text.deduction, text.bonus, text.method, text.content, text.remarks)
        name = values["level3"] or values["name"]
    else:  # a 综合加分项 or 重大扣分项 has one text
        texts = Texts(**{"bonus" if section == BONUS else "deduction": values["text"]})
        name = values["name"]
    points = values.get("points") or Decimal(0)
    corrections = tuple(Correction(c.field, c.source, c.corrected, c.note) for c in values["corrections"])
    return Indicator(
        id=ident, section=section, level1_id=place.top_id, level1=place.top_name, trail=place.trail, name=name,
        points=points, points_text=values.get("points_text") or str(points), key=values["key"],
        units=unit_names, unit_ids=unit_ids, text=texts,
        corrections=corrections, facts=tuple(facts.values()), rules=tuple(rules),
        path=ctx.rel, line=_line(data), trail_ids=place.trail_ids,
    )


@dataclass
class _TreeReader:
    """Reads one level file's tree: its groups (any depth the scheme's levels allow) and rows."""

    ctx: _Ctx
    level_names: tuple[str, ...]
    units: tuple[Unit, ...]
    period_start: date

    def children(self, raw_rows: Any, parent_id: str, depth: int, place: _Place) -> tuple[Node | Indicator, ...]:
        """The items of a node's rows:, the node being at ``depth``; legacy level2 rows grouped at the top."""
        out: list[Node | Indicator] = []
        legacy: tuple[str, int, list[Any]] | None = None  # the open implicit group: its name, line, raw rows
        for raw in raw_rows or ():
            level2 = None
            if isinstance(raw, Mapping) and "rows" not in raw and ("level2" in raw or "level3" in raw):
                level2 = raw.get("level2") if self._legacy_allowed(raw, depth) else None
            if legacy is not None and (not isinstance(level2, str) or level2 != legacy[0]):
                out.append(self._implicit(legacy, f"{parent_id}.{len(out) + 1}", place))
                legacy = None
            if isinstance(level2, str) and level2:
                if legacy is None:
                    legacy = (level2, _line(raw), [])
                legacy[2].append(raw)
            elif isinstance(raw, Mapping) and "rows" in raw:
                group = self.group(raw, f"{parent_id}.{len(out) + 1}", depth + 1, place)
                if group is not None:
                    out.append(group)
            else:
                row = _load_indicator(self.ctx, raw, ROW, place, self.units, self.period_start)
                if row is not None:
                    out.append(row)
        if legacy is not None:
            out.append(self._implicit(legacy, f"{parent_id}.{len(out) + 1}", place))
        return tuple(out)

    def _legacy_allowed(self, raw: Mapping[str, Any], depth: int) -> bool:
        """level2/level3 (the old flat form) only in a three-level scheme, on rows directly in the file's rows:."""
        if len(self.level_names) == 3 and depth == 0:
            return True
        where = "分组内的行" if depth > 0 else f"{len(self.level_names)}级方案（levels）中的行"
        key = "level2" if "level2" in raw else "level3"
        self.ctx.err(_line(raw, key), f"{where}不能写 {key}（旧写法，只用于三级方案中直接写在文件 rows 下的行）："
                     "本行的名称请写 name，上一级请写成分组（有 name 和 rows 的项）", "legacy-level")
        return False

    def _implicit(self, legacy: tuple[str, int, list[Any]], ident: str, place: _Place) -> Node:
        name, line, raws = legacy
        inner = dataclasses.replace(place, trail=(*place.trail, name), trail_ids=(*place.trail_ids, ident))
        rows = (_load_indicator(self.ctx, r, ROW, inner, self.units, self.period_start) for r in raws)
        return Node(ident, name, 1, tuple(r for r in rows if r is not None), self.ctx.rel, line=line)

    def group(self, raw: Mapping[str, Any], default_id: str, depth: int, place: _Place) -> Node | None:
        values, _ = _read(self.ctx, formats.GroupKeys, raw, f"分组“{raw.get('name') or default_id}”的", _line(raw))
        ident, name = values.get("id") or default_id, str(values.get("name") or "")
        deepest = len(self.level_names) - 2  # groups sit between the top level and the rows' level
        if depth > deepest:
            names = "、".join(self.level_names)
            self.ctx.err(_line(raw, "rows"), f"分组“{name or ident}”在第{depth + 1}级，但方案只有{len(self.level_names)}级"
                         f"（levels: {names}），最后一级“{self.level_names[-1]}”是各行本身"
                         + ("，不能再分组" if deepest == 0 else f"，分组最多{deepest}层")
                         + "；请在 scheme.yaml 的 levels 中补上这一级，或把它的各行上移一级", "too-deep")
        units = _unit_ids(self.ctx, values["units"], self.units, _line(raw, "units"), f"分组“{name}”")
        inner = _Place(place.top_id, place.top_name, (*place.trail, name), (*place.trail_ids, ident),
                       values["units"] or place.units, units if values["units"] else place.unit_ids)
        children = self.children(values.get("rows"), ident, depth, inner)
        stated = values["points"]
        return Node(ident, name, depth, children, self.ctx.rel, stated, values["cap"], values["clamp"],
                    values["units"], _line(raw, "points") if stated is not None else _line(raw),
                    values["points_text"])


def _load_level_file(ctx: _Ctx, pdata: Mapping[str, Any], level_names: tuple[str, ...],
                     units: tuple[Unit, ...], period_start: date) -> Node:
    level, _ = _read(ctx, formats.LevelFileKeys, pdata, f"{level_names[0]}文件 {Path(ctx.rel).name} ")
    ident, name = str(level.get("id") or ""), str(level.get("name") or "")
    unit_ids = _unit_ids(ctx, level["units"], units, _line(pdata, "units"), f"{level_names[0]}“{name}”")
    place = _Place(ident, name, (), (), level["units"], unit_ids)
    reader = _TreeReader(ctx, level_names, units, period_start)
    children = reader.children(level.get("rows"), ident, 0, place)
    return Node(ident, name, 0, children, ctx.rel, level["points"], level["cap"], level["clamp"], level["units"],
                _line(pdata, "points"))


def _clamp_problem(clamp: str, level_names: tuple[str, ...]) -> str | None:
    """Why the scheme's clamp is not a policy nor a level name it may name, or None."""
    if clamp in CLAMP_POLICIES or clamp in level_names[:-1]:
        return None
    choices = [*CLAMP_POLICIES, *level_names[:-1]]
    if clamp == level_names[-1]:
        return f"“{clamp}”是各行所在的最后一级；每行扣完为止请写 row"
    return (f"应为 {' / '.join(CLAMP_POLICIES)} 之一，或 levels 中除最后一级外的级别名称"
            f"（{'、'.join(level_names[:-1])}）{nearest(clamp, choices)}")


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
    loaded = _yaml_file(root, scheme_path, problems, Limits())
    if loaded is None:
        return None, problems
    data, ctx = loaded
    meta, _ = _read(ctx, formats.SchemeKeys, data, "scheme.yaml ")
    if not isinstance(data, Mapping):
        return None, problems
    limits = _limits(meta["limits"])
    units = _load_units(root, problems, limits)
    part_files, refused = names.indicator_scan(root)
    problems.extend(refused)
    parts = [_yaml_file(root, path, problems, limits) for path in part_files
             if path.name not in ("scheme.yaml", "units.yaml")]
    if units is None or any(part is None for part in parts):
        return None, problems
    period: formats.Period | None = meta.get("period")
    start, end = (period.start, period.end) if period else (None, None)
    if start is not None and end is not None and end < start:
        ctx.err(_line(data["period"], "end"), f"考核期结束日期 {end.isoformat()} 早于开始日期 {start.isoformat()}",
                "scheme-field")
        end = None
    accept_until: date | None = meta["accept_until"]
    if accept_until is not None and end is not None and accept_until < end:
        ctx.err(_line(data, "accept_until"), f"accept_until（{accept_until.isoformat()}）是证据日期最晚可到的一天，"
                f"应不早于考核期结束日期 {end.isoformat()}", "scheme-field")
    bands = sorted((GradeBand(b.min, b.grade) for b in meta["grade_bands"]), key=lambda b: b.min, reverse=True)
    level_names: tuple[str, ...] = meta["levels"]
    clamp = meta.get("clamp")
    problem = _clamp_problem(clamp, level_names) if clamp is not None else None
    if problem is not None:
        ctx.err(_line(data, "clamp"), f"scheme.yaml 的字段 clamp 无效：{problem}", "clamp-level")
        clamp = None
    levels: list[Node] = []
    comprehensive: tuple[Indicator, ...] = ()
    major: tuple[Indicator, ...] = ()
    comp_cap: Decimal | None = None
    major_text = ""
    id_lines: dict[str, int] = {}  # each level file's line of id:
    period_start = start or date(1970, 1, 1)
    for part in parts:
        assert part is not None
        pdata, pctx = part
        if isinstance(pdata, Mapping) and "rows" in pdata:
            levels.append(_load_level_file(pctx, pdata, level_names, units, period_start))
            id_lines[pctx.rel] = _line(pdata, "id")
        elif isinstance(pdata, Mapping) and ("comprehensive" in pdata or "major" in pdata):
            totals, _ = _read(pctx, formats.TotalsFileKeys, pdata, f"{Path(pctx.rel).name} ")
            comp, _ = _read(pctx, formats.ComprehensiveKeys, totals["comprehensive"] or {}, "综合加分项 comprehensive ")
            comp_cap = comp.get("cap")
            comprehensive = tuple(i for i in (
                _load_indicator(pctx, it, BONUS, _Place("comprehensive", "综合加分项"), units, period_start)
                for it in comp.get("items") or ()) if i is not None)
            maj, _ = _read(pctx, formats.MajorKeys, totals["major"] or {}, "重大扣分项 major ")
            major_text = str(maj.get("text") or "")
            major = tuple(i for i in (
                _load_indicator(pctx, it, MAJOR, _Place("major", "重大扣分项"), units, period_start)
                for it in maj.get("items") or ()) if i is not None)
        elif Path(pctx.rel).name == "totals.yaml" and not pdata:
            continue  # an empty totals.yaml, or {}: the scheme has no 加分/扣分 blocks (both keys are optional)
        else:
            pctx.err(1, f"无法识别的方案文件：{level_names[0]}文件应有 rows:，加分与扣分文件应有 comprehensive: 或 major:")
    seen: dict[str, Indicator] = {}
    duplicates = _node_id_problems(levels, id_lines)
    for indicator in (*(r for lv in levels for r in lv.rows), *comprehensive, *major):
        first = seen.setdefault(indicator.id, indicator)
        if first is not indicator:
            for here, there in ((indicator, first), (first, indicator)):
                duplicates.append(error(here.path, here.line, f"指标编号 {indicator.id} 重复"
                                        f"（另见 {there.path}:{there.line}）", "indicator-dup"))
    problems.extend(duplicates)
    clamp = meta.get("clamp")
    if start is None or end is None or clamp is None or duplicates:  # one id, two things: evidence cannot be placed
        return None, problems
    scheme = Scheme(
        title=meta.get("title") or "", issuer=meta["issuer"], doc_number=meta["doc_number"], issued=meta["issued"],
        year=meta["year"] or start.year, period_start=start, period_end=end, due_date=meta["due_date"],
        clamp=clamp, grade_bands=tuple(bands), normalise=meta["normalise"],
        total_floor=meta["total_floor"], note=meta["note"], units=units, levels=tuple(levels),
        comprehensive=comprehensive, comprehensive_cap=comp_cap, major=major, major_text=major_text,
        limits=limits, accept_until=accept_until or end, show_internal_titles=meta["show_internal_titles"],
        level_names=level_names, bureau=Bureau(meta["bureau"].name, meta["bureau"].code) if meta["bureau"] else None,
    )
    return scheme, problems


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


def evidence_files(root: Path) -> list[Path]:
    """The evidence files to read; links and names that are not read are reported by ``names.evidence_scan``."""
    return names.evidence_scan(root)[0]


def _fact_value(spec: FactSpec, value: Any, scheme: Scheme) -> FactValue:
    """A fact as its declared type, or ValueError with a Chinese reason."""
    t = spec.type
    if t == "items":
        items = value if isinstance(value, list) else [value]
        out = tuple(str(v) for v in items)
        if spec.options:
            for item in out:
                if item not in spec.options:
                    raise ValueError(f"“{item}”不是可选项{suggest(item, list(spec.options))}"
                                     f" 可选：{'、'.join(spec.options)}")
        return out
    if t == "count":
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValueError(f"应为非负整数，而不是“{value}”")
        if value >= 10**12:
            raise ValueError(f"“{value}”过大")
        if spec.max is not None and value > spec.max:
            raise ValueError(f"不能大于 {spec.max}")
        return value
    if t == "number":
        number = to_decimal(value)
        if number < 0:
            raise ValueError("不能为负数")
        if spec.unit in ("%", "％") and number > 100:
            raise ValueError(f"百分比应在 0 到 100 之间，而不是 {value}")
        return number
    if t == "flag":
        return bool_value(value)
    if t == "date":
        dates = value if isinstance(value, list) else [value]
        earliest = scheme.period_start.replace(year=scheme.period_start.year - 1, day=1)
        latest = scheme.period_end.replace(year=scheme.period_end.year + 1, day=1)
        for d in dates:
            problem = date_problem(d)
            if problem:
                raise ValueError(problem)
            if not earliest <= d <= latest:
                raise ValueError(f"日期 {d.isoformat()} 离考核期太远（应在 {earliest.isoformat()} 至 {latest.isoformat()} 之间），"
                                 "请检查年份")
        return tuple(dates)
    if t == "adjustments":
        entries = value if isinstance(value, list) else [value]
        out_adj = []
        for entry in entries:
            if not isinstance(entry, Mapping) or "分值" not in entry or not entry.get("理由"):
                raise ValueError("每项应写成 {分值: 0.5, 理由: …}，理由不能为空")
            amount = to_decimal(entry["分值"])
            if amount <= 0:
                raise ValueError("分值应为正数（扣分还是加分由指标规则决定）")
            out_adj.append(Adjustment(amount, str(entry["理由"])))
        return tuple(out_adj)
    raise ValueError(f"未知类型 {t}")


def _front_and_body(tree: Tree, path: Path, limits: Limits, ctx: _Ctx,
                    digests: Digests | None = None) -> tuple[LineDict, str, int] | None:
    text = _checked_text(tree, path, ctx.rel, limits.yaml + limits.body, ctx.problems, digests)
    if text is None:
        return None
    try:
        front, body, body_line = split_front_matter(text)
        # A character is at most 4 bytes in UTF-8: only a text that could be over a limit is encoded to see.
        if len(front) * 4 > limits.yaml and len(front.encode("utf-8")) > limits.yaml:
            raise FrontMatterError(1, f"front matter 超过上限 {size_text(limits.yaml)}")
        if len(body) * 4 > limits.body and len(body.encode("utf-8")) > limits.body:
            raise FrontMatterError(body_line, f"正文超过上限 {size_text(limits.body)}；请把长篇材料作为附件（PDF）提交"
                                              "（上限可在 indicators/scheme.yaml 的 limits 中调整）")
        data = load_yaml(front, line_offset=1)
    except (FrontMatterError, YamlSyntaxError) as exc:
        ctx.err(exc.line, exc.message, "front-matter")
        return None
    if not isinstance(data, LineDict):
        ctx.err(2, "front matter 应为“字段: 值”的形式", "front-matter")
        return None
    ctx.problems.extend(privacy.check_text(ctx.rel, text, data))
    return data, body, body_line


_REQUIRED_FIELDS = tuple(f.name for f in fields.EVIDENCE_FIELDS if f.required)


def load_evidence_file(root: Path, path: Path, scheme: Scheme, problems: list[Problem],
                       tree: Tree | None = None, digests: Digests | None = None) -> Evidence | None:
    """One evidence file; ``tree`` (one per load) spares resolving the same folders again,
    ``digests`` gets the size and SHA-256 of the bytes read."""
    rel = _rel(root, path)
    ctx = _Ctx(rel, problems)
    parsed = _front_and_body(tree or Tree(root), path, scheme.limits, ctx, digests)
    if parsed is None:
        return None
    data, body, body_line = parsed
    present, _ = _read(ctx, formats.EvidenceKeys, data, "", 2)
    ident = _evidence_id(data, path, ctx)
    indicator = _indicator(data, scheme, ctx) if "indicator" in present else None
    unit = _unit(data, scheme, indicator, ctx) if "unit" in present else None
    day = _date(data, present["date"], scheme, indicator, ctx) if "date" in present else None
    kind = present.get("kind", "")
    if kind and kind not in fields.EVIDENCE_KINDS:
        ctx.warn(data.line_of("kind"), f"材料类型“{kind}”不在常用类型中{suggest(kind, list(fields.EVIDENCE_KINDS))}"
                 f" 常用：{'、'.join(fields.EVIDENCE_KINDS)}", "unknown-kind")
    attachments = _attachments(root, path, present["attachments"], data.line_of("attachments"), ctx, scheme.limits)
    facts, fact_lines = _facts(data, indicator, ctx, scheme)
    required_missing = any(name not in present for name in _REQUIRED_FIELDS)
    if ident is None or indicator is None or unit is None or day is None or required_missing:
        return None
    given_names = set(data["facts"]) if isinstance(data.get("facts"), Mapping) else set()
    typed = [n for n in indicator.required_facts if not getattr(indicator.fact(n), "register", None)]
    if indicator.section == ROW and not given_names and typed:  # a fact counted from a register is not typed
        needed = "、".join(typed)
        ctx.warn(data.line_of("facts") if "facts" in data else 2,
                 f"本文件没有给出指标 {indicator.id} 计分所需的任何事实（{needed}），不会影响得分", "no-facts")
    return Evidence(
        id=ident, path=rel, indicator=indicator.id, unit=unit.name, unit_id=unit.id, date=day,
        title=present["title"], kind=kind, url=present["url"], attachments=attachments, facts=facts,
        visibility=present["visibility"], body=body, body_line=body_line, fact_lines=fact_lines,
    )


def file_id(rel: str) -> str:
    """An evidence id from a file name: the name itself when it is a valid id, else an ASCII
    form of it with a short hash of the path (so 会议纪要 3月.md gets a stable id of its own)."""
    stem = Path(rel).stem
    if ID_RE.match(stem):
        return stem
    ascii_part = re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-")
    digest = hashlib.sha256(rel.encode("utf-8")).hexdigest()[:8]
    return f"{ascii_part}-{digest}" if ascii_part else f"ev-{digest}"


def _evidence_id(data: LineDict, path: Path, ctx: _Ctx) -> str | None:
    ident = str(data["id"]) if "id" in data else file_id(ctx.rel)
    if ID_RE.match(ident):
        return ident
    where = data.line_of("id") if "id" in data else 2
    ctx.err(where, f"证据编号“{ident}”无效：只能用小写字母、数字、点和横线"
            + ("（文件名不符合时，请填写 id 字段）" if "id" not in data else ""), "evidence-id")
    return None


def _indicator(data: LineDict, scheme: Scheme, ctx: _Ctx) -> Indicator | None:
    indicator_id = str(data["indicator"])
    indicator = scheme.indicator(indicator_id)
    if indicator is None:
        named = [(i.id, i.name) for i in scheme.all_indicators()]
        ctx.err(data.line_of("indicator"), f"未知指标 {indicator_id}{hints.nearest_id(indicator_id, named)}",
                "unknown-indicator")
    return indicator


def _unit(data: LineDict, scheme: Scheme, indicator: Indicator | None, ctx: _Ctx) -> Unit | None:
    name = str(data["unit"])
    unit = scheme.unit_by_name(name)
    if unit is None:
        names = [n for u in scheme.units for n in (u.name, *u.aliases)]
        ctx.err(data.line_of("unit"), f"未知单位“{name}”{suggest(name, names)}", "unknown-unit")
    elif indicator is not None and not _responsible(scheme, indicator, unit):
        owners = "、".join(indicator.units)
        ctx.warn(data.line_of("unit"), f"单位“{unit.name}”不是指标 {indicator.id} 的责任单位（{owners}）",
                 "unit-not-responsible")
    return unit


def _responsible(scheme: Scheme, indicator: Indicator, unit: Unit) -> bool:
    """True when the unit owns the row, or the row names no unit, or names every unit."""
    if not indicator.unit_ids or unit.id in indicator.unit_ids:
        return True
    return any(u.everyone for u in scheme.units if u.id in indicator.unit_ids)


def _date(data: LineDict, day: date, scheme: Scheme, indicator: Indicator | None, ctx: _Ctx) -> date | None:
    last = scheme.accept_until or scheme.period_end
    latest = max(indicator.deadlines, default=None) if indicator is not None else None
    if latest is not None and latest > last:
        last = latest
    if not scheme.period_start <= day <= last:
        later = "" if day < scheme.period_start or last > scheme.period_end else (
            "；考核期后形成的材料（如年度报告、年终检查），可在 scheme.yaml 中用 accept_until 写明最晚日期")
        ctx.err(data.line_of("date"), f"日期 {day.isoformat()} 不在考核期内"
                f"（{scheme.period_start.isoformat()} 至 {last.isoformat()}）{later}", "date-outside")
    return day


def _attachments(root: Path, path: Path, raw: tuple[str, ...], line: int, ctx: _Ctx,
                 limits: Limits) -> tuple[Attachment, ...]:
    if not raw:
        return ()
    base = (root / "evidence").resolve()
    out: list[Attachment] = []
    for name in raw:
        name = str(name)
        target = (path.parent / name).resolve()
        if not target.is_relative_to(base):
            ctx.err(line, f"附件路径“{name}”超出了 evidence/ 目录，请把附件放在证据文件旁边", "attachment-outside")
        elif not target.exists():
            ctx.err(line, f"附件“{name}”不存在（应放在 {Path(ctx.rel).parent.as_posix()}/ 目录下）", "attachment-missing")
        else:
            problem = filetypes.attachment_problem(target, base, limits)
            if problem:
                ctx.err(line, problem, "attachment-type")
            else:
                out.append(Attachment(target.relative_to(root.resolve()).as_posix(), name, line))
    return tuple(out)


def _facts(data: LineDict, indicator: Indicator | None, ctx: _Ctx,
           scheme: Scheme) -> tuple[tuple[tuple[str, FactValue], ...], tuple[tuple[str, int], ...]]:
    raw = data.get("facts")
    if raw is None:
        return (), ()
    if not isinstance(raw, LineDict):  # reported with the other front-matter keys
        return (), ()
    if indicator is None:
        return (), ()
    specs = {f.name: f for f in indicator.facts}
    values: list[tuple[str, FactValue]] = []
    lines: list[tuple[str, int]] = []
    for name, value in raw.items():
        line = raw.line_of(name)
        spec = specs.get(str(name))
        if spec is None:
            known = "、".join(specs) or "（无）"
            ctx.err(line, f"指标 {indicator.id} 没有事实“{name}”{suggest(str(name), list(specs))}"
                    f" 该指标的事实：{known}", "unknown-fact")
            continue
        try:
            values.append((spec.name, _fact_value(spec, value, scheme)))
            lines.append((spec.name, line))
        except ValueError as exc:
            ctx.err(line, f"事实“{name}”（{fields.FACT_TYPE_HELP[spec.type]}）：{exc}", "bad-fact")
    return tuple(values), tuple(lines)


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
        rel = _rel(root, path)
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
        memo.end({_rel(root, path) for path in paths})
    from .plausible import fact_problems  # plausible reads scores, which read the model this module builds

    problems.extend(fact_problems(scheme, found))
    return tuple(found), problems
