"""One evidence file read: its front matter checked against the scheme, its facts typed, its attachments found."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

from ..core import filetypes, hints
from ..core.figures import to_decimal
from ..core.problems import Problem, suggest
from ..core.safeio import Limits, Tree, size_text
from ..core.yamlio import FrontMatterError, LineDict, YamlSyntaxError, load_yaml, split_front_matter
from ..model import evidencekeys, fields
from ..model.formattypes import ID_RE, date_problem
from ..model.model import ROW, Adjustment, Attachment, Evidence, FactSpec, FactValue, Indicator, Scheme, Unit
from ..model.params import bool_value
from . import privacy
from .loadbase import Ctx, Digests, checked_text, read_keys, rel_path


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


def _front_and_body(tree: Tree, path: Path, limits: Limits, ctx: Ctx,
                    digests: Digests | None = None) -> tuple[LineDict, str, int] | None:
    text = checked_text(tree, path, ctx.rel, limits.yaml + limits.body, ctx.problems, digests)
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
    rel = rel_path(root, path)
    ctx = Ctx(rel, problems)
    parsed = _front_and_body(tree or Tree(root), path, scheme.limits, ctx, digests)
    if parsed is None:
        return None
    data, body, body_line = parsed
    present, _ = read_keys(ctx, evidencekeys.EvidenceKeys, data, "", 2)
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


def _evidence_id(data: LineDict, path: Path, ctx: Ctx) -> str | None:
    ident = str(data["id"]) if "id" in data else file_id(ctx.rel)
    if ID_RE.match(ident):
        return ident
    where = data.line_of("id") if "id" in data else 2
    ctx.err(where, f"证据编号“{ident}”无效：只能用小写字母、数字、点和横线"
            + ("（文件名不符合时，请填写 id 字段）" if "id" not in data else ""), "evidence-id")
    return None


def _indicator(data: LineDict, scheme: Scheme, ctx: Ctx) -> Indicator | None:
    indicator_id = str(data["indicator"])
    indicator = scheme.indicator(indicator_id)
    if indicator is None:
        named = [(i.id, i.name) for i in scheme.all_indicators()]
        ctx.err(data.line_of("indicator"), f"未知指标 {indicator_id}{hints.nearest_id(indicator_id, named)}",
                "unknown-indicator")
    return indicator


def _unit(data: LineDict, scheme: Scheme, indicator: Indicator | None, ctx: Ctx) -> Unit | None:
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


def _date(data: LineDict, day: date, scheme: Scheme, indicator: Indicator | None, ctx: Ctx) -> date | None:
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


def _attachments(root: Path, path: Path, raw: tuple[str, ...], line: int, ctx: Ctx,
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


def _facts(data: LineDict, indicator: Indicator | None, ctx: Ctx,
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
