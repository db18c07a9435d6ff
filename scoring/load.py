"""Read ``indicators/`` and ``evidence/`` into the frozen model.

Nothing here writes a file. Every problem found is collected with its file and
line; the caller decides whether to stop.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from . import fields, filetypes, privacy
from .model import (
    BONUS,
    CLAMP_POLICIES,
    MAJOR,
    ROW,
    Adjustment,
    Attachment,
    Correction,
    Evidence,
    FactSpec,
    FactValue,
    GradeBand,
    Indicator,
    Level1,
    Scheme,
    Texts,
    Unit,
    normalise_name,
    unit_index,
)
from .numbers import to_decimal
from .problems import Problem, error, suggest, warning
from .rules import PercentFloor, RatioScore, Rule, RuleError, check_fact_types, parse_rule, walk, with_measures
from .safeio import LIMIT_CEILINGS_MB, LIMIT_KEYS, MB, Limits, ReadRefused, read_text, size_text
from .yamlio import FrontMatterError, LineDict, YamlSyntaxError, load_yaml, split_front_matter

ID_RE = re.compile(r"^[a-z0-9][a-z0-9._-]*$")


# Dates anywhere in a scheme or evidence: a year outside this is a typing slip (2201, 0021).
SANE_DATES = (date(1990, 1, 1), date(2099, 12, 31))


def _checked_text(root: Path, path: Path, rel: str, limit: int, problems: list[Problem]) -> str | None:
    """A file's text, or None with one problem: not a regular file in the project, too large, not UTF-8."""
    try:
        return read_text(root, path, limit)
    except ReadRefused as exc:
        problems.append(error(rel, exc.line, exc.message, "unreadable"))
        return None


def _rel(root: Path, path: Path) -> str:
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


def _dec(ctx: _Ctx, data: Mapping[str, Any], key: str, default: Decimal | None = None) -> Decimal | None:
    """A non-negative number (points, caps, floors), or the default with an error at its line."""
    if data.get(key) is None:
        return default
    try:
        number = to_decimal(data[key])
    except ValueError as exc:
        ctx.err(_line(data, key), f"字段 {key} 应为数字：{exc}", "scheme-field")
        return default
    if number < 0:
        ctx.err(_line(data, key), f"字段 {key} 不能为负数（{data[key]}）", "negative")
        return default
    return number


def _mapping(ctx: _Ctx, data: Mapping[str, Any], key: str, what: str) -> Mapping[str, Any]:
    value = data.get(key)
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        ctx.err(_line(data, key), f"{key} 应为{what}", "scheme-field")
        return {}
    return value


def _seq(ctx: _Ctx, data: Mapping[str, Any], key: str, what: str) -> list[Any]:
    value = data.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        ctx.err(_line(data, key), f"{key} 应为{what}列表", "scheme-field")
        return []
    return value


def _limits(ctx: _Ctx, meta: Mapping[str, Any]) -> Limits:
    raw = _mapping(ctx, meta, "limits", "映射，如 {yaml_mb: 1, body_mb: 2, attachment_mb: 50}")
    values: dict[str, int] = {}
    for key in raw:
        if key not in LIMIT_KEYS:
            ctx.err(_line(raw, key), f"limits 不认识 {key}；可用：{'、'.join(LIMIT_KEYS)}", "scheme-field")
            continue
        number = _dec(ctx, raw, key)
        if number is None:
            continue
        if not 0 < number <= LIMIT_CEILINGS_MB[key]:
            ctx.err(_line(raw, key), f"limits.{key} 应大于0且不超过 {LIMIT_CEILINGS_MB[key]}（单位 MB）",
                    "scheme-field")
            continue
        values[LIMIT_KEYS[key][0]] = int(number * MB)
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
    entries = data.get("units") if isinstance(data, Mapping) else None
    if not isinstance(entries, list):
        ctx.err(1, "units.yaml 应有 units: 列表", "scheme-field")
        return None
    units: list[Unit] = []
    seen: dict[str, int] = {}
    for entry in entries:
        if not isinstance(entry, Mapping):
            ctx.err(_line(data, "units"), "单位名录中每一项应为 {id, name, aliases}")
            continue
        ident, name = entry.get("id"), entry.get("name")
        if not isinstance(ident, str) or not ID_RE.match(ident) or not isinstance(name, str):
            ctx.err(_line(entry), "单位应有 ASCII 编号 id 和名称 name", "scheme-field")
            continue
        aliases = entry.get("aliases") or []
        if not isinstance(aliases, list):
            ctx.err(_line(entry, "aliases"), "aliases 应为名称列表，如 [政务中心]", "scheme-field")
            aliases = []
        for alias in (name, *aliases):
            if alias in seen:
                ctx.err(_line(entry), f"单位名称“{alias}”在名录中出现了两次（第{seen[alias]}行）", "unit-dup")
            seen[str(alias)] = _line(entry)
        units.append(Unit(ident, name, tuple(str(a) for a in aliases), bool(entry.get("everyone", False))))
    return tuple(units)


def _load_facts(ctx: _Ctx, data: Any) -> dict[str, FactSpec]:
    facts: dict[str, FactSpec] = {}
    if data is None:
        return facts
    if not isinstance(data, Mapping):
        ctx.err(_line(data), "facts 应为映射：事实名称 → {type, help}")
        return facts
    for name, spec in data.items():
        line = _line(data, name)
        if not isinstance(spec, Mapping):
            ctx.err(line, f"事实“{name}”应为 {{type, help}}")
            continue
        ftype = spec.get("type")
        if ftype not in fields.FACT_TYPES:
            ctx.err(line, f"事实“{name}”的类型 {ftype} 未知；可用：{'、'.join(fields.FACT_TYPES)}")
            continue
        if not spec.get("help"):
            ctx.err(line, f"事实“{name}”缺少中文说明 help")
        limit = spec.get("max")
        if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 0):
            ctx.err(spec.line_of("max") if isinstance(spec, LineDict) else line,
                    f"事实“{name}”的 max 应为非负整数", "scheme-field")
            limit = None
        options = spec.get("options") or ()
        if not isinstance(options, list | tuple):
            ctx.err(line, f"事实“{name}”的 options 应为列表")
            options = ()
        facts[str(name)] = FactSpec(
            name=str(name), type=str(ftype), help=str(spec.get("help") or ""),
            options=tuple(str(o) for o in options),
            max=limit, unit=str(spec.get("unit") or ""), adverse=bool(spec.get("adverse", False)),
            line=line,
        )
    return facts


def _load_indicator(ctx: _Ctx, data: Any, section: str, level1_id: str, level1: str,
                    units: tuple[Unit, ...], period_start: date) -> Indicator | None:
    if not isinstance(data, Mapping):
        ctx.err(_line(data), "每个指标应为一个映射")
        return None
    ident = data.get("id")
    if not isinstance(ident, str) or not ID_RE.match(ident):
        ctx.err(_line(data, "id"), f"指标编号 {ident!r} 无效：只能用小写字母、数字、点和横线", "indicator-id")
        return None
    facts = _load_facts(ctx, data.get("facts"))
    rules: list[Rule] = []
    for raw in _seq(ctx, data, "rules", "规则"):
        try:
            rule = parse_rule(raw, period_start)
        except RuleError as exc:
            ctx.err(exc.line or _line(data, "rules"), f"指标 {ident}：{exc.message}", "rule")
            continue
        for line, message in check_fact_types(rule, facts):
            ctx.err(line, f"指标 {ident}：{message}", "rule-fact")
        rules.append(with_measures(rule, facts))
    by_name = unit_index(units)
    unit_names = tuple(str(u) for u in _seq(ctx, data, "units", "责任单位"))
    unit_ids: list[str] = []
    for name in unit_names:
        unit = by_name.get(normalise_name(name))
        if unit is None:
            known = [n for u in units for n in (u.name, *u.aliases)]
            ctx.err(_line(data, "units"), f"指标 {ident}：责任单位“{name}”不在单位名录中"
                    f"{suggest(name, known)}", "unknown-unit")
        elif unit.id not in unit_ids:
            unit_ids.append(unit.id)
    text = data.get("text") or {}
    if isinstance(text, str):  # a 综合加分项 or 重大扣分项 has one text
        text = {"bonus" if section == BONUS else "deduction": text}
    if not isinstance(text, Mapping):
        ctx.err(_line(data, "text"), f"指标 {ident}：text 应为映射（deduction、bonus、method、content、remarks）")
        text = {}
    points = _dec(ctx, data, "points", Decimal(0)) or Decimal(0)
    corrections = tuple(
        Correction(str(c.get("field", "")), str(c.get("source", "")), str(c.get("corrected", "")),
                   str(c.get("note", "")))
        for c in _seq(ctx, data, "corrections", "更正") if isinstance(c, Mapping)
    )
    return Indicator(
        id=ident, section=section, level1_id=level1_id, level1=level1,
        level2=str(data.get("level2") or ""), level3=str(data.get("level3") or data.get("name") or ""),
        points=points, points_text=str(data.get("points_text") or points), key=bool(data.get("key", False)),
        units=unit_names, unit_ids=tuple(unit_ids),
        text=Texts(**{k: str(text.get(k) or "") for k in ("deduction", "bonus", "method", "content", "remarks")}),
        corrections=corrections, facts=tuple(facts.values()), rules=tuple(rules),
        path=ctx.rel, line=_line(data),
    )


def date_problem(value: Any) -> str | None:
    """Why a YAML value is not a usable date, or None."""
    if isinstance(value, date):
        if not SANE_DATES[0] <= value <= SANE_DATES[1]:
            return f"日期 {value.isoformat()} 不在合理范围内（{SANE_DATES[0].year}—{SANE_DATES[1].year}年），请检查年份"
        return None
    if isinstance(value, str) and re.match(r"^\d{4}-\d\d?-\d\d?[ Tt]\d", value.strip()):
        return f"“{value}”带有时刻：这里只能写日期 YYYY-MM-DD，如 2021-08-09"
    return f"“{value}”不是 YYYY-MM-DD 格式的日期"


def _date_field(ctx: _Ctx, data: Mapping[str, Any], key: str, optional: bool = False) -> date | None:
    value = data.get(key)
    if value is None and optional:
        return None
    problem = "缺少该字段" if value is None else date_problem(value)
    if problem is not None:
        ctx.err(_line(data, key) or 1, f"字段 {key} 应为 YYYY-MM-DD 格式的日期：{problem}", "scheme-field")
        return None
    assert isinstance(value, date)
    return value


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
    meta, ctx = loaded
    if not isinstance(meta, Mapping):
        ctx.err(1, "scheme.yaml 应为“字段: 值”的映射")
        return None, problems
    limits = _limits(ctx, meta)
    units = _load_units(root, problems, limits)
    parts = [_yaml_file(root, path, problems, limits) for path in sorted(ind.glob("*.yaml"))
             if path.name not in ("scheme.yaml", "units.yaml")]
    if units is None or any(part is None for part in parts):
        return None, problems
    period = _mapping(ctx, meta, "period", "映射 {start: 日期, end: 日期}")
    start = end = None
    if period:
        start, end = _date_field(ctx, period, "start"), _date_field(ctx, period, "end")
    else:
        ctx.err(_line(meta, "period") or 1, "缺少考核期 period: {start: 2021-01-01, end: 2021-12-31}", "scheme-field")
    if start is not None and end is not None and end < start:
        ctx.err(_line(period, "end"), f"考核期结束日期 {end.isoformat()} 早于开始日期 {start.isoformat()}", "scheme-field")
        end = None
    due = _date_field(ctx, meta, "due_date")
    issued = _date_field(ctx, meta, "issued", optional=True)
    clamp = meta.get("clamp", "level1")
    if clamp not in CLAMP_POLICIES:
        ctx.err(_line(meta, "clamp"), f"clamp 应为 {' / '.join(CLAMP_POLICIES)} 之一", "scheme-field")
    bands: list[GradeBand] = []
    for band in _seq(ctx, meta, "grade_bands", "等次档位"):
        minimum = _dec(ctx, band, "min") if isinstance(band, Mapping) else None
        if minimum is None or not isinstance(band, Mapping) or not band.get("grade"):
            ctx.err(_line(band) or _line(meta, "grade_bands"), "等次档位应为 {min: 分数, grade: 等次}", "scheme-field")
            continue
        bands.append(GradeBand(minimum, str(band["grade"])))
    bands.sort(key=lambda b: b.min, reverse=True)
    levels: list[Level1] = []
    comprehensive: tuple[Indicator, ...] = ()
    major: tuple[Indicator, ...] = ()
    comp_cap: Decimal | None = None
    major_text = ""
    period_start = start or date(1970, 1, 1)
    for part in parts:
        assert part is not None
        data, pctx = part
        if not isinstance(data, Mapping):
            pctx.err(1, "文件内容应为“字段: 值”的映射")
            continue
        if "rows" in data:
            rows = [_load_indicator(pctx, r, ROW, str(data.get("id", "")), str(data.get("name", "")), units,
                                    period_start) for r in _seq(pctx, data, "rows", "指标")]
            levels.append(Level1(str(data.get("id", "")), str(data.get("name", "")),
                                 tuple(r for r in rows if r is not None), pctx.rel))
        elif "comprehensive" in data or "major" in data:
            comp = _mapping(pctx, data, "comprehensive", "映射 {cap, items}")
            comp_cap = _dec(pctx, comp, "cap")
            comprehensive = tuple(i for i in (
                _load_indicator(pctx, it, BONUS, "comprehensive", "综合加分项", units, period_start)
                for it in _seq(pctx, comp, "items", "加分项")) if i is not None)
            maj = _mapping(pctx, data, "major", "映射 {text, items}")
            major_text = str(maj.get("text") or "")
            major = tuple(i for i in (
                _load_indicator(pctx, it, MAJOR, "major", "重大扣分项", units, period_start)
                for it in _seq(pctx, maj, "items", "扣分项")) if i is not None)
        else:
            pctx.err(1, "无法识别的方案文件：一级指标文件应有 rows:，加分与扣分文件应有 comprehensive: 或 major:")
    seen: dict[str, str] = {}
    for indicator in (*(r for lv in levels for r in lv.rows), *comprehensive, *major):
        if indicator.id in seen:
            problems.append(error(indicator.path, indicator.line,
                                  f"指标编号 {indicator.id} 重复（另见 {seen[indicator.id]}）", "indicator-dup"))
        seen[indicator.id] = f"{indicator.path}:{indicator.line}"
    if start is None or end is None or due is None or clamp not in CLAMP_POLICIES:
        return None, problems
    floor = _dec(ctx, meta, "total_floor")
    year = meta.get("year") or start.year
    if isinstance(year, bool) or not isinstance(year, int) or not SANE_DATES[0].year <= year <= SANE_DATES[1].year:
        ctx.err(_line(meta, "year"), f"year 应为年份，如 {start.year}", "scheme-field")
        year = start.year
    show_titles = meta.get("show_internal_titles", False)
    if not isinstance(show_titles, bool):
        ctx.err(_line(meta, "show_internal_titles"), "show_internal_titles 应为 true（公开版显示内部材料的标题）"
                "或 false（只显示编号，默认）", "scheme-field")
        show_titles = False
    scheme = Scheme(
        title=str(meta.get("title") or ""), issuer=str(meta.get("issuer") or ""),
        doc_number=str(meta.get("doc_number") or ""), issued=issued,
        year=year, period_start=start, period_end=end, due_date=due,
        clamp=str(clamp), grade_bands=tuple(bands), normalise=bool(meta.get("normalise", False)),
        total_floor=floor, note=str(meta.get("note") or ""), units=units, levels=tuple(levels),
        comprehensive=comprehensive, comprehensive_cap=comp_cap, major=major, major_text=major_text,
        limits=limits, show_internal_titles=show_titles,
    )
    return scheme, problems


# --- evidence ---------------------------------------------------------------


def evidence_files(root: Path) -> list[Path]:
    base = root / "evidence"
    found: list[Path] = []
    for dirpath, dirnames, filenames in os.walk(base):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        found.extend(Path(dirpath) / f for f in sorted(filenames) if f.endswith(".md") and f != "README.md")
    return sorted(found)


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
        if not isinstance(value, bool):
            raise ValueError(f"应为 true 或 false，而不是“{value}”")
        return value
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


def _front_and_body(root: Path, path: Path, limits: Limits, ctx: _Ctx) -> tuple[LineDict, str, int] | None:
    text = _checked_text(root, path, ctx.rel, limits.yaml + limits.body, ctx.problems)
    if text is None:
        return None
    try:
        front, body, body_line = split_front_matter(text)
        if len(front.encode("utf-8")) > limits.yaml:
            raise FrontMatterError(1, f"front matter 超过上限 {size_text(limits.yaml)}")
        if len(body.encode("utf-8")) > limits.body:
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


def load_evidence_file(root: Path, path: Path, scheme: Scheme, problems: list[Problem]) -> Evidence | None:
    rel = _rel(root, path)
    ctx = _Ctx(rel, problems)
    parsed = _front_and_body(root, path, scheme.limits, ctx)
    if parsed is None:
        return None
    data, body, body_line = parsed
    for key in data:
        if key not in fields.EVIDENCE_FIELD_NAMES:
            ctx.err(data.line_of(key), f"未知字段 {key}{suggest(str(key), list(fields.EVIDENCE_FIELD_NAMES))}",
                    "unknown-field")
    present: dict[str, Any] = {}
    for spec in fields.EVIDENCE_FIELDS:
        if data.get(spec.name) not in (None, ""):
            present[spec.name] = data[spec.name]
        elif spec.required:
            ctx.err(data.line_of(spec.name) if spec.name in data else 2,
                    f"缺少必填字段 {spec.name}（{spec.help}）", "missing-field")
    ident = _evidence_id(data, path, ctx)
    indicator = _indicator(data, scheme, ctx) if "indicator" in present else None
    unit = _unit(data, scheme, indicator, ctx) if "unit" in present else None
    day = _date(data, scheme, indicator, ctx) if "date" in present else None
    kind = str(present.get("kind", ""))
    if kind and kind not in fields.EVIDENCE_KINDS:
        ctx.warn(data.line_of("kind"), f"材料类型“{kind}”不在常用类型中{suggest(kind, list(fields.EVIDENCE_KINDS))}"
                 f" 常用：{'、'.join(fields.EVIDENCE_KINDS)}", "unknown-kind")
    url = present.get("url", "")
    if url and not (isinstance(url, str) and re.match(r"^https?://\S+$", url)):
        ctx.err(data.line_of("url"), "网址应以 http:// 或 https:// 开头，且不含空格", "bad-url")
    visibility = present.get("visibility", "internal")
    if visibility not in fields.VISIBILITIES:
        ctx.err(data.line_of("visibility"), "visibility 应为 internal（仅内部）或 public（可公开）", "bad-visibility")
    attachments = _attachments(root, path, data, ctx, scheme.limits)
    facts, fact_lines = _facts(data, indicator, ctx, scheme)
    required_missing = any(f.required and f.name not in present for f in fields.EVIDENCE_FIELDS)
    if ident is None or indicator is None or unit is None or day is None or required_missing:
        return None
    given_names = set(data["facts"]) if isinstance(data.get("facts"), Mapping) else set()
    if indicator.section == ROW and indicator.required_facts and not given_names:
        needed = "、".join(indicator.required_facts)
        ctx.warn(data.line_of("facts") if "facts" in data else 2,
                 f"本文件没有给出指标 {indicator.id} 计分所需的任何事实（{needed}），不会影响得分", "no-facts")
    return Evidence(
        id=ident, path=rel, indicator=indicator.id, unit=unit.name, unit_id=unit.id, date=day,
        title=str(present["title"]), kind=kind, url=str(url), attachments=attachments, facts=facts,
        visibility=str(visibility), body=body, body_line=body_line, fact_lines=fact_lines,
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
        ids = [i.id for i in scheme.all_indicators()]
        ctx.err(data.line_of("indicator"), f"未知指标 {indicator_id}{suggest(indicator_id, ids)}", "unknown-indicator")
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


def _date(data: LineDict, scheme: Scheme, indicator: Indicator | None, ctx: _Ctx) -> date | None:
    day = data["date"]
    if not isinstance(day, date):
        problem = date_problem(day)
        hint = f"：{problem}" if problem and "时刻" in problem else ""
        ctx.err(data.line_of("date"), f"日期“{day}”格式不对，应为 YYYY-MM-DD，如 2021-03-18{hint}", "bad-date")
        return None
    last = scheme.period_end
    latest = max(indicator.deadlines, default=None) if indicator is not None else None
    if latest is not None and latest > last:
        last = latest
    if not scheme.period_start <= day <= last:
        ctx.err(data.line_of("date"), f"日期 {day.isoformat()} 不在考核期内"
                f"（{scheme.period_start.isoformat()} 至 {last.isoformat()}）", "date-outside")
    return day


def _attachments(root: Path, path: Path, data: LineDict, ctx: _Ctx, limits: Limits) -> tuple[Attachment, ...]:
    raw = data.get("attachments") or []
    if not raw:
        return ()
    if isinstance(raw, str):
        raw = [raw]
    if not isinstance(raw, list) or not all(isinstance(n, str) and n.strip() for n in raw):
        ctx.err(data.line_of("attachments"), "attachments 应为文件名列表，如 [jiyao.pdf]", "bad-attachment")
        return ()
    base = (root / "evidence").resolve()
    out: list[Attachment] = []
    for name in raw:
        name = str(name)
        target = (path.parent / name).resolve()
        line = data.line_of("attachments")
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
    if not isinstance(raw, LineDict):
        ctx.err(data.line_of("facts"), "facts 应为“事实名称: 值”的映射", "bad-facts")
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


def load_evidence(root: Path, scheme: Scheme) -> tuple[tuple[Evidence, ...], list[Problem]]:
    problems: list[Problem] = []
    found: list[Evidence] = []
    seen: dict[str, str] = {}
    for path in evidence_files(root):
        evidence = load_evidence_file(root, path, scheme, problems)
        if evidence is None:
            continue
        if evidence.id in seen:
            problems.append(error(evidence.path, 2, f"证据编号 {evidence.id} 重复：{seen[evidence.id]} 和 "
                                  f"{evidence.path} 都使用这个编号（取自 id 字段，未填写时取文件名）；"
                                  "请修改其中一个文件的 id 或文件名", "evidence-dup"))
            continue
        seen[evidence.id] = evidence.path
        found.append(evidence)
    problems.extend(ratio_problems(scheme, found))
    return tuple(found), problems


def ratio_problems(scheme: Scheme, evidence: list[Evidence]) -> list[Problem]:
    """A part larger than its whole (合规数据量 above 报送数据总量) is an error at the part's line.

    Facts are combined over all of a row's evidence first, as scoring combines them.
    """
    from .score import aggregate

    by_row: dict[str, list[Evidence]] = {}
    for ev in evidence:
        by_row.setdefault(ev.indicator, []).append(ev)
    problems: list[Problem] = []
    for row in scheme.all_indicators():
        pairs = {(r.numerator, r.denominator) for r in walk(row.rules) if isinstance(r, RatioScore | PercentFloor)}
        given = aggregate(row, by_row.get(row.id, [])) if pairs else {}
        for numerator, denominator in sorted(pairs):
            num, den = given.get(numerator), given.get(denominator)
            if num is None or den is None or to_decimal(num.value) <= to_decimal(den.value):
                continue
            source = next(ev for ev in reversed(by_row[row.id]) if ev.id in num.evidence)
            line = dict(source.fact_lines).get(numerator, 2)
            problems.append(error(source.path, line, f"“{numerator}”（合计 {num.value}）大于“{denominator}”"
                                  f"（合计 {den.value}）：部分不能大于总数，请核对两个数", "part-above-whole"))
    return problems
