"""Source rows → the scheme's YAML data (scheme.yaml, units.yaml, one file per 一级, totals.yaml).

Ids are formed from position, not from names: 一级 number n is ``yjNN`` (file
``NN-yjNN.yaml``), its m-th row ``yjNN.MM``, the k-th 综合加分项 ``jiafen.KK`` and
the k-th 重大扣分项 ``koufen.KK``. They are ASCII, need no pinyin, and stay the
same as long as the table keeps its order; import-report.md maps each id to
its names and source line.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from ..model import normalise_name
from .infer import infer_cell, infer_method
from .phrases import Draft, Fact, Row
from .structure import BONUS, MAJOR, NOTE, ROW, SourceRow

TEXT_KEYS = ("deduction", "bonus", "method", "content", "remarks")


@dataclass
class Review:
    where: str  # file:line
    id: str
    name: str
    text: str
    reason: str


@dataclass
class Assembled:
    files: dict[str, Any]  # name under indicators/ → YAML data
    rows: int = 0
    kinds: Counter[str] = field(default_factory=Counter)
    phrases: Counter[str] = field(default_factory=Counter)
    reviews: list[Review] = field(default_factory=list)
    ids: list[tuple[str, str, str]] = field(default_factory=list)  # (id, where, names)
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Meta:
    title: str
    year: int
    source: str  # the file name shown in file:line
    has_units: bool = True  # the table has a 责任单位 column
    named: bool = True  # the table has a name column besides the outermost level
    issuer: str = ""
    doc_number: str = ""


def split_units(text: str) -> list[str]:
    """「办公室牵头，各组（科室、单位）配合」 → [办公室, 各组（科室、单位）]; separators inside brackets are kept."""
    text = re.sub(r"(牵头|配合|负责|参与|协助)(?=$|[，,、；;\s/])", "", text)
    parts = re.split(r"[，,、；;\s/]+(?![^（(]*[)）])", text)
    return [p.strip() for p in parts if p.strip()]


def assemble(rows: list[SourceRow], meta: Meta) -> Assembled:
    out = Assembled(files={})
    units: list[str] = []
    levels: dict[str, list[dict[str, Any]]] = {}
    level_points: dict[str, Decimal] = {}
    bonus: list[dict[str, Any]] = []
    major: list[dict[str, Any]] = []
    major_lead = ""
    notes: list[str] = []
    for src in rows:
        where = f"{meta.source}:{src.line}"
        if src.section == NOTE:
            notes.append(src.wide)
            continue
        if src.wide:  # a section label across the whole table
            continue
        level_points.update(src.level_points)
        unit_names = split_units(src.units)
        units.extend(unit_names)
        if src.section == ROW:
            level1 = src.levels[0] if src.levels else ""
            bucket = levels.setdefault(level1, [])
            ident = f"yj{len(levels):02d}.{len(bucket) + 1:02d}"
            bucket.append(_row(src, ident, unit_names, meta, out, where))
            continue
        name = next((x for x in reversed(src.levels[1:]) if x), "")
        text = src.texts["bonus"] or src.texts["deduction"]
        if not name:
            name = _short_name(text)
        if src.section == MAJOR and not text and (re.search(r"下列情形|以下情形", name) or name.endswith(("：", ":"))):
            major_lead = name
            continue
        if src.section == BONUS:
            ident = f"jiafen.{len(bonus) + 1:02d}"
            bonus.append(_total_item(ident, name, text, Row(Decimal(0), year=meta.year), out, where, True))
        else:
            ident = f"koufen.{len(major) + 1:02d}"
            own = text or name
            lead = major_lead if not re.search(r"[扣减]\s*\d", own) else ""
            major.append(_total_item(ident, name, text, Row(Decimal(0), year=meta.year), out, where, False, lead))
    if not meta.named:
        out.warnings.append("表中除最外一级外没有指标名称列，各行名称取自考核标准的第一句，请核对")
    if not meta.has_units:
        out.warnings.append("表中没有责任单位列，各行未指定责任单位；请在 indicators/ 中补上 units")
    for number, (name, bucket) in enumerate(levels.items(), 1):
        stated = level_points.get(name)
        total = sum((Decimal(str(r["points"])) for r in bucket), Decimal(0))
        if stated is not None and stated != total:
            out.warnings.append(f"一级指标“{name}”标注{stated}分，其下各行分值合计{total}分")
        out.files[f"{number:02d}-yj{number:02d}.yaml"] = {"id": f"yj{number:02d}", "name": name, "rows": bucket}
    if bonus or major:
        out.files["totals.yaml"] = {"comprehensive": {"cap": None, "items": bonus},
                                    "major": {"text": major_lead, "items": major}}
    out.files["units.yaml"] = {"units": _units(units)}
    out.files["scheme.yaml"] = _scheme(meta, levels, notes)
    return out


def _row(src: SourceRow, ident: str, unit_names: list[str], meta: Meta, out: Assembled, where: str) -> dict[str, Any]:
    names = src.levels
    level3 = names[-1] if len(names) > 1 else ""
    level2 = " / ".join(n for n in names[1:-1] if n) if len(names) > 2 else ""
    if not level3:
        level3 = _short_name(src.texts["deduction"] or src.texts["bonus"]) or f"第{ident[-2:]}项"
        if meta.named:
            out.warnings.append(f"{where}：{ident} 没有指标名称，取自考核标准“{level3}”")
    row = Row(src.points, tuple(unit_names), src.texts["content"], meta.year)
    drafts = infer_cell(src.texts["deduction"], row) + infer_cell(src.texts["bonus"], row, bonus_column=True)
    drafts += infer_method(src.texts["method"])
    data: dict[str, Any] = {"id": ident, "level2": level2, "level3": level3, "points": src.points}
    if src.points_text:
        data["points_text"] = src.points_text
    remarks = src.texts["remarks"]
    if src.texts["deadline"]:
        remarks = f"完成时限：{src.texts['deadline']}" + (f"；{remarks}" if remarks else "")
    texts = {**{k: src.texts[k] for k in TEXT_KEYS}, "remarks": remarks}
    data.update({"key": src.key, "units": unit_names, "text": texts})
    full = " / ".join(n for n in (names[0] if names else "", level2, level3) if n)
    data.update(_rules(drafts, ident, full, out, where))
    out.rows += 1
    out.ids.append((ident, where, full))
    if not unit_names and meta.has_units:
        out.warnings.append(f"{where}：{ident} 没有责任单位")
    return data


def _total_item(ident: str, name: str, text: str, row: Row, out: Assembled, where: str, bonus: bool,
                lead: str = "") -> dict[str, Any]:
    drafts = infer_cell(text or name, row, bonus_column=bonus) if not lead else infer_cell(lead, row)
    data: dict[str, Any] = {"id": ident, "name": name}
    if text:
        data["text"] = text
    data.update(_rules(drafts, ident, name, out, where))
    out.rows += 1
    out.ids.append((ident, where, name))
    return data


def _rules(drafts: list[Draft], ident: str, name: str, out: Assembled, where: str) -> dict[str, Any]:
    facts: dict[str, dict[str, Any]] = {}
    rules = [_rule(d, facts, ident, name, out, where) for d in drafts]
    return {"facts": facts, "rules": rules}


def _fact_name(fact: Fact, facts: dict[str, dict[str, Any]]) -> str:
    name = fact.base
    n = 2
    while name in facts:
        name = f"{fact.base}{n}"
        n += 1
    spec: dict[str, Any] = {"type": fact.type}
    if fact.options:
        spec["options"] = list(fact.options)
    if fact.unit:
        spec["unit"] = fact.unit
    if fact.adverse:
        spec["adverse"] = True
    spec["help"] = fact.help
    facts[name] = spec
    return name


def _rule(d: Draft, facts: dict[str, dict[str, Any]], ident: str, name: str, out: Assembled, where: str) -> dict[str, Any]:
    out.kinds[d.kind] += 1
    out.phrases[d.phrase] += 1
    rule: dict[str, Any] = {"kind": d.kind}
    for key, value in d.params.items():
        if isinstance(value, Fact):
            rule[key] = _fact_name(value, facts)
        elif key == "rules":
            rule[key] = [_rule(sub, facts, ident, name, out, where) for sub in value]
        elif isinstance(value, Draft):  # followup: first, then
            rule[key] = _rule(value, facts, ident, name, out, where)
        elif value is not None:
            rule[key] = value
    if d.review:
        rule["needs_review"] = True
        out.reviews.append(Review(where, ident, name, d.text, d.review))
    rule["text"] = d.text
    return rule


def _short_name(text: str) -> str:
    first = re.split(r"[，,。；;]", text.strip(), maxsplit=1)[0].strip()
    return first[:24]


def _units(names: list[str]) -> list[dict[str, Any]]:
    groups: dict[str, list[str]] = {}
    for name in names:
        groups.setdefault(normalise_name(name), [])
        if name not in groups[normalise_name(name)]:
            groups[normalise_name(name)].append(name)
    out = []
    for number, spelled in enumerate(groups.values(), 1):
        entry: dict[str, Any] = {"id": f"u{number:02d}", "name": spelled[0], "aliases": spelled[1:]}
        if spelled[0].startswith("各"):
            entry["everyone"] = True
        out.append(entry)
    return out


def _scheme(meta: Meta, levels: dict[str, list[dict[str, Any]]], notes: list[str]) -> dict[str, Any]:
    full = sum((Decimal(str(r["points"])) for rows in levels.values() for r in rows), Decimal(0))
    data: dict[str, Any] = {"title": meta.title}
    if meta.issuer:
        data["issuer"] = meta.issuer
    if meta.doc_number:
        data["doc_number"] = meta.doc_number
    data.update({
        "year": meta.year,
        "period": {"start": date(meta.year, 1, 1), "end": date(meta.year, 12, 31)},
        "due_date": date(meta.year, 12, 31),
        "clamp": "level1",
        "grade_bands": [{"min": 90, "grade": "优秀"}, {"min": 80, "grade": "良好"}, {"min": 60, "grade": "一般"},
                        {"min": 0, "grade": "较差"}],
        "normalise": full != 100,
        "total_floor": 0,
        "note": "".join(f"{n}\n" for n in notes) + f"本方案由考核表导入（满分合计{full}分），计分规则按考核标准的文字自动识别，"
                "标有 needs_review 的规则须人工核定；完成时限、扣分上限政策和等次档位请按考核方案核对。",
    })
    return data
