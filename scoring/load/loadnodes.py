"""The scheme's tree from its level files: groups of any depth the scheme's levels allow, rows (indicators) as
leaves, each row's facts and rules, and the units each node names or inherits."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..core import hints
from ..core.problems import suggest
from ..model import formats
from ..model.combine import MODES
from ..model.formattypes import ID_RE
from ..model.model import BONUS, ROW, Correction, FactSpec, Indicator, Node, Texts, Unit, normalise_name, unit_index
from ..model.rules import Rule, RuleError, check_fact_types, parse_rule, with_measures
from ..registers.registerfacts import query_problems
from .loadbase import Ctx, read_keys, yaml_line


def _load_facts(ctx: Ctx, declared: Mapping[str, Any] | None) -> dict[str, FactSpec]:
    """Each declared fact read by itself: one bad fact is reported and left out, the others stay."""
    facts: dict[str, FactSpec] = {}
    for name, raw in (declared or {}).items():
        line = yaml_line(declared, name)
        spec, _ = read_keys(ctx, formats.FactKeys, raw, formats.FACT_WHAT.format(name), line)
        if "type" not in spec or "help" not in spec:  # a bad optional key is reported and left at its default
            continue
        if not spec["help"].strip():
            ctx.err(line, f"事实“{name}”缺少中文说明 help", "missing-key")
        for message in query_problems(spec["register"], spec["type"]) if spec["register"] else ():
            ctx.err(line, f"事实“{name}”的 register：{message}", "bad-value")
        allowed = MODES.get(spec["type"], ())
        if spec["combine"] and spec["combine"] not in allowed:
            ctx.err(yaml_line(raw, "combine"), f"事实“{name}”（{spec['type']}）不能用 combine: {spec['combine']}；"
                    f"可用：{'、'.join(allowed)}", "bad-value")
            spec["combine"] = ""
        facts[str(name)] = FactSpec(name=str(name), type=spec["type"], help=spec["help"], options=spec["options"],
                                    max=spec["max"], unit=spec["unit"], adverse=spec["adverse"], line=line,
                                    register=spec["register"], combine=spec["combine"], restate=spec["restate"])
    return facts


def _unit_ids(ctx: Ctx, names: tuple[str, ...], units: tuple[Unit, ...], line: int, what: str) -> tuple[str, ...]:
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
class Place:
    """Where a row sits in the tree: its top node, the groups between, and the units it inherits."""

    top_id: str
    top_name: str
    trail: tuple[str, ...] = ()
    trail_ids: tuple[str, ...] = ()
    units: tuple[str, ...] = ()  # the nearest ancestor's units, as written
    unit_ids: tuple[str, ...] = ()


def load_indicator(ctx: Ctx, data: Any, section: str, place: Place,
                    units: tuple[Unit, ...], period_start: date) -> Indicator | None:
    if not isinstance(data, Mapping):
        ctx.err(yaml_line(data), "每个指标应为一个映射（id: …）")
        return None
    ident = data.get("id")
    if not isinstance(ident, str) or not ID_RE.match(ident):
        why = hints.ascii_only(ident) if isinstance(ident, str) else ""
        ctx.err(yaml_line(data, "id"), f"指标编号{hints.id_text(ident)}无效：只能用小写字母、数字、点和横线{why}",
                "indicator-id")
        return None
    keys = formats.RowKeys if section == ROW else formats.ItemKeys
    values, _ = read_keys(ctx, keys, data, f"指标 {ident} ", yaml_line(data))
    facts = _load_facts(ctx, values["facts"])
    rules: list[Rule] = []
    for raw in values["rules"]:
        try:
            rule = parse_rule(raw, period_start)
        except RuleError as exc:
            ctx.err(exc.line or yaml_line(data, "rules"), f"指标 {ident}：{exc.message}", exc.code or "rule")
            continue
        for line, message in check_fact_types(rule, facts):
            ctx.err(line, f"指标 {ident}：{message}", "rule-fact")
        rules.append(with_measures(rule, facts))
    if section == ROW and not values["rules"] and (values.get("points") or 0) > 0:
        ctx.warn(yaml_line(data), f"指标 {ident} 没有计分规则：不论有无材料都得满分{values['points']}分；"
                 "请按扣分标准写出 rules", "row-no-rule")
    unit_names: tuple[str, ...] = values["units"]
    if unit_names:
        unit_ids = _unit_ids(ctx, unit_names, units, yaml_line(data, "units"), f"指标 {ident}")
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
        path=ctx.rel, line=yaml_line(data), trail_ids=place.trail_ids,
    )


@dataclass
class _TreeReader:
    """Reads one level file's tree: its groups (any depth the scheme's levels allow) and rows."""

    ctx: Ctx
    level_names: tuple[str, ...]
    units: tuple[Unit, ...]
    period_start: date

    def children(self, raw_rows: Any, parent_id: str, depth: int, place: Place) -> tuple[Node | Indicator, ...]:
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
                    legacy = (level2, yaml_line(raw), [])
                legacy[2].append(raw)
            elif isinstance(raw, Mapping) and "rows" in raw:
                group = self.group(raw, f"{parent_id}.{len(out) + 1}", depth + 1, place)
                if group is not None:
                    out.append(group)
            else:
                row = load_indicator(self.ctx, raw, ROW, place, self.units, self.period_start)
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
        self.ctx.err(yaml_line(raw, key), f"{where}不能写 {key}（旧写法，只用于三级方案中直接写在文件 rows 下的行）："
                     "本行的名称请写 name，上一级请写成分组（有 name 和 rows 的项）", "legacy-level")
        return False

    def _implicit(self, legacy: tuple[str, int, list[Any]], ident: str, place: Place) -> Node:
        name, line, raws = legacy
        inner = dataclasses.replace(place, trail=(*place.trail, name), trail_ids=(*place.trail_ids, ident))
        rows = (load_indicator(self.ctx, r, ROW, inner, self.units, self.period_start) for r in raws)
        return Node(ident, name, 1, tuple(r for r in rows if r is not None), self.ctx.rel, line=line)

    def group(self, raw: Mapping[str, Any], default_id: str, depth: int, place: Place) -> Node | None:
        values, _ = read_keys(self.ctx, formats.GroupKeys, raw, f"分组“{raw.get('name') or default_id}”的", yaml_line(raw))
        ident, name = values.get("id") or default_id, str(values.get("name") or "")
        deepest = len(self.level_names) - 2  # groups sit between the top level and the rows' level
        if depth > deepest:
            names = "、".join(self.level_names)
            self.ctx.err(yaml_line(raw, "rows"), f"分组“{name or ident}”在第{depth + 1}级，但方案只有{len(self.level_names)}级"
                         f"（levels: {names}），最后一级“{self.level_names[-1]}”是各行本身"
                         + ("，不能再分组" if deepest == 0 else f"，分组最多{deepest}层")
                         + "；请在 scheme.yaml 的 levels 中补上这一级，或把它的各行上移一级", "too-deep")
        units = _unit_ids(self.ctx, values["units"], self.units, yaml_line(raw, "units"), f"分组“{name}”")
        inner = Place(place.top_id, place.top_name, (*place.trail, name), (*place.trail_ids, ident),
                       values["units"] or place.units, units if values["units"] else place.unit_ids)
        children = self.children(values.get("rows"), ident, depth, inner)
        stated = values["points"]
        return Node(ident, name, depth, children, self.ctx.rel, stated, values["cap"], values["clamp"],
                    values["units"], yaml_line(raw, "points") if stated is not None else yaml_line(raw),
                    values["points_text"])


def load_level_file(ctx: Ctx, pdata: Mapping[str, Any], level_names: tuple[str, ...],
                     units: tuple[Unit, ...], period_start: date) -> Node:
    level, _ = read_keys(ctx, formats.LevelFileKeys, pdata, f"{level_names[0]}文件 {Path(ctx.rel).name} ")
    ident, name = str(level.get("id") or ""), str(level.get("name") or "")
    unit_ids = _unit_ids(ctx, level["units"], units, yaml_line(pdata, "units"), f"{level_names[0]}“{name}”")
    place = Place(ident, name, (), (), level["units"], unit_ids)
    reader = _TreeReader(ctx, level_names, units, period_start)
    children = reader.children(level.get("rows"), ident, 0, place)
    return Node(ident, name, 0, children, ctx.rel, level["points"], level["cap"], level["clamp"], level["units"],
                yaml_line(pdata, "points"))
