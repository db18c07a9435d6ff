"""Source rows → the scheme's YAML data (scheme.yaml, units.yaml, one file per 一级, totals.yaml).

The scheme is written as a tree: ``levels:`` in scheme.yaml names the table's
own level columns (一级指标…四级指标, or 类别 and 考核内容), each top node is a
file, the levels between the top and the rows are nested groups (``rows:``
inside ``rows:``) with the points the table states on them (「组织保障（10分）」),
and the rows are the leaves.

Ids are formed from position, not from names: 一级 number n is ``yjNN`` (file
``NN-yjNN.yaml``), its m-th row ``yjNN.MM`` (counted across its groups), the
k-th 综合加分项 ``jiafen.KK`` and the k-th 重大扣分项 ``koufen.KK``. Groups take
the format's default id (their parent's id and their position). Ids are ASCII,
need no pinyin, and stay the same as long as the table keeps its order;
import-report.md maps each id to its names and source line.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from ..model.model import normalise_name
from .infer import infer_cell, infer_method
from .phrases import Draft, Fact, Row, fact_name
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
    columns: list[tuple[int, str, str]] = field(default_factory=list)  # (column, header, what the import did with it)
    restored: bool = False  # put back from an export's settings sheet: ids as they were


@dataclass(frozen=True)
class Meta:
    title: str
    year: int
    source: str  # the file name shown in file:line
    has_units: bool = True  # the table has a 责任单位 column
    named: bool = True  # the table has a name column besides the outermost level
    issuer: str = ""
    doc_number: str = ""
    levels: tuple[str, ...] = ("一级指标", "二级指标", "三级指标")  # the table's own level names, outermost first


@dataclass
class Group:
    """A node above the rows while the table is read: a top node (一级) or a group at a middle level."""

    name: str
    points: Decimal | None  # as the table states it, 「组织保障（10分）」; None when it states none
    children: list[Group | dict[str, Any]] = field(default_factory=list)
    rows: int = 0  # rows below, for the next row id

    def child(self, name: str, points: Decimal | None) -> Group:
        """The group ``name`` directly below: the last child when it has that name (rows in a run), else a new one."""
        last = self.children[-1] if self.children else None
        if isinstance(last, Group) and last.name == name:
            return last
        group = Group(name, points)
        self.children.append(group)
        return group

    def total(self) -> Decimal:
        """The children's points, a group counting with its stated figure when it has one (as the check does)."""
        total = Decimal(0)
        for c in self.children:
            if isinstance(c, Group):
                total += c.points if c.points is not None else c.total()
            else:
                total += Decimal(str(c["points"]))
        return total

    def leaves(self) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        for c in self.children:
            out.extend(c.leaves() if isinstance(c, Group) else [c])
        return out

    def data(self, top: str = "") -> dict[str, Any]:
        out: dict[str, Any] = {"id": top} if top else {}
        out["name"] = self.name
        if self.points is not None:
            out["points"] = self.points
        out["rows"] = [c.data() if isinstance(c, Group) else c for c in self.children]
        return out


def _parts(text: str, separators: str) -> list[str]:
    text = re.sub(r"(牵头|配合|负责|参与|协助)(?=$|[，,、；;\s/])", "", text)
    parts = re.split(rf"[{separators}]+(?![^（(]*[)）])", text)
    return [p.strip() for p in parts if p.strip()]


_SEPARATORS = r"，,；;\s/"  # 、 is not among them: 「所有部门、单位」 is one unit


def split_units(text: str, known: frozenset[str] = frozenset()) -> list[str]:
    """「办公室牵头，各组（科室、单位）配合」 → [办公室, 各组（科室、单位）]; separators inside brackets are kept.

    A cell with one unit a line (as export-scheme writes them) is split at its lines only. 、 joins words inside
    one name as often as it lists names, so it separates only what can stand as names: parts the table also gives
    on their own (``known``), or parts of three characters or more (办公室、各科室); 「所有部门、单位」 stays whole,
    「单位」 being no unit's name.
    """
    if "\n" in text.strip():
        return [line.strip() for line in text.split("\n") if line.strip()]
    out: list[str] = []
    for part in _parts(text, _SEPARATORS):
        pieces = _parts(part, "、")
        named = all(p in known or len(p) >= 3 for p in pieces)
        out.extend(pieces if len(pieces) > 1 and named else [part])
    return out


def known_units(rows: list[SourceRow]) -> frozenset[str]:
    """Every unit name a cell gives on its own, 、 not taken as a separator."""
    return frozenset(name for src in rows for name in split_units(src.units))


def assemble(rows: list[SourceRow], meta: Meta) -> Assembled:
    out = Assembled(files={})
    known = known_units(rows)
    units: list[str] = []
    tops: dict[str, Group] = {}
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
        unit_names = split_units(src.units, known)
        units.extend(unit_names)
        if src.section == ROW:
            level1 = src.levels[0] if src.levels else ""
            if level1 not in tops:
                tops[level1] = Group(level1, src.level_points.get(level1, level_points.get(level1)))
            node = top = tops[level1]
            for name in (n for n in src.levels[1:-1] if n):  # the middle levels; a blank cell: a row above the deepest level
                node = node.child(name, src.level_points.get(name))
            top.rows += 1
            node.children.append(_row(src, f"yj{len(tops):02d}.{top.rows:02d}", unit_names, meta, out, where))
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
    for number, top in enumerate(tops.values(), 1):
        _stated(top, 0, meta.levels, out)
        out.files[f"{number:02d}-yj{number:02d}.yaml"] = top.data(f"yj{number:02d}")
    if bonus or major:
        out.files["totals.yaml"] = {"comprehensive": {"cap": None, "items": bonus},
                                    "major": {"text": major_lead, "items": major}}
    out.files["units.yaml"] = {"units": _units(units)}
    out.files["scheme.yaml"] = _scheme(meta, [r for top in tops.values() for r in top.leaves()], notes)
    return out


def _stated(node: Group, depth: int, levels: tuple[str, ...], out: Assembled) -> None:
    """Where the table's figure for a node differs from its children's: said in the report (and by check)."""
    total = node.total()
    if node.points is not None and node.points != total:
        what = "各行" if all(isinstance(c, dict) for c in node.children) else "各项"
        out.warnings.append(f"{levels[min(depth, len(levels) - 2)]}“{node.name}”标注{node.points}分，其下{what}分值合计{total}分")
    for child in node.children:
        if isinstance(child, Group):
            _stated(child, depth + 1, levels, out)


def _row(src: SourceRow, ident: str, unit_names: list[str], meta: Meta, out: Assembled, where: str) -> dict[str, Any]:
    names = src.levels
    own = names[-1] if len(names) > 1 else ""
    if not own:
        own = _short_name(src.texts["deduction"] or src.texts["bonus"]) or f"第{ident[-2:]}项"
        if meta.named:
            out.warnings.append(f"{where}：{ident} 没有指标名称，取自考核标准“{own}”")
    row = Row(src.points, tuple(unit_names), src.texts["content"], meta.year)
    drafts = infer_cell(src.texts["deduction"], row) + infer_cell(src.texts["bonus"], row, bonus_column=True)
    drafts += infer_method(src.texts["method"])
    data: dict[str, Any] = {"id": ident, "name": own, "points": src.points}
    if src.points_text:
        data["points_text"] = src.points_text
    remarks = src.texts["remarks"]
    if src.texts["deadline"]:
        remarks = f"完成时限：{src.texts['deadline']}" + (f"；{remarks}" if remarks else "")
    texts = {**{k: src.texts[k] for k in TEXT_KEYS}, "remarks": remarks}
    data.update({"key": src.key, "units": unit_names, "text": texts})
    full = " / ".join(n for n in (*(names[:-1] if len(names) > 1 else names), own) if n)
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
    name = fact_name(fact.base) or fact.base  # 「……政府信息行政复议纠错数」 → 政府信息行政复议纠错数
    n = 2
    base = name
    while name in facts:
        name = f"{base}{n}"
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
        if spelled[0].startswith(("各", "所有", "全体")):  # 各科室, 所有部门、单位: every unit
            entry["everyone"] = True
        out.append(entry)
    return out


def _scheme(meta: Meta, rows: list[dict[str, Any]], notes: list[str]) -> dict[str, Any]:
    full = sum((Decimal(str(r["points"])) for r in rows), Decimal(0))
    data: dict[str, Any] = {"title": meta.title}
    if meta.issuer:
        data["issuer"] = meta.issuer
    if meta.doc_number:
        data["doc_number"] = meta.doc_number
    data.update({
        "year": meta.year,
        "period": {"start": date(meta.year, 1, 1), "end": date(meta.year, 12, 31)},
        "due_date": date(meta.year, 12, 31),
        "levels": list(meta.levels),
        "clamp": "level1",
        "grade_bands": [{"min": 90, "grade": "优秀"}, {"min": 80, "grade": "良好"}, {"min": 60, "grade": "一般"},
                        {"min": 0, "grade": "较差"}],
        "normalise": full != 100,
        "total_floor": 0,
        "note": "".join(f"{n}\n" for n in notes) + f"本方案由考核表导入（满分合计{full}分），计分规则按考核标准的文字自动识别，"
                "标有 needs_review 的规则须人工核定；完成时限、扣分上限政策和等次档位请按考核方案核对。",
    })
    return data
