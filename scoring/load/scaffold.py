"""``python build.py new ROW``: a new evidence file with every fact its row needs.

The scaffold is deliberately not valid until a person fills it in: ``title``
and ``kind`` stay empty (the check says 缺少必填字段) and every fact holds the
placeholder 待填写, which the check reports on its line (a warning, an error with
``--strict`` as CI runs it; a count or date fact refuses it outright), and so is
the body's placeholder sentence. An unfilled scaffold cannot be merged by
mistake. Existing files are never overwritten.

The file's name, and so its evidence id, carries the unit: two units that
scaffold the same row on the same day get different ids, so their pull
requests do not collide once both are merged. The name is also unique across
the whole evidence/ folder when it is made.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import NamedTuple

import yaml

from ..core.problems import DataError, UsageError, sort_problems, suggest
from ..model import fields
from ..model.combine import mode_of, stated_by, stated_note
from ..model.model import ROW, FactSpec, Indicator, Scheme, Unit
from .body import PLACEHOLDER
from .load import load_scheme
from .loadevidence import evidence_files, load_evidence


def find_indicator(scheme: Scheme, wanted: str) -> Indicator:
    """A row (or 综合加分项 / 重大扣分项) by id, or by its unique name."""
    found = scheme.indicator(wanted.strip())
    if found is not None:
        return found
    named = [i for i in scheme.all_indicators() if i.name == wanted.strip()]
    if len(named) == 1:
        return named[0]
    if len(named) > 1:
        ids = "、".join(i.id for i in named)
        raise UsageError(f"有多项指标名为“{wanted}”（{ids}），请改用指标编号")
    named_like = [i.id for i in scheme.all_indicators() if wanted and wanted in i.name][:1]
    hint = suggest(wanted, [i.id for i in scheme.all_indicators()]) or suggest(wanted, named_like, cutoff=0)
    raise UsageError(f"未知指标 {wanted}{hint or '。'}指标编号见审阅网站的“考核方案”页，或运行 python build.py score 查看")


def choose_unit(scheme: Scheme, indicator: Indicator, name: str | None) -> Unit:
    """The unit named on the command line, or the row's only responsible unit."""
    if name:
        unit = scheme.unit_by_name(name)
        if unit is None:
            hint = suggest(name, [n for u in scheme.real_units for n in (u.name, *u.aliases)])
            raise UsageError(f"未知单位“{name}”{hint}可用的单位：{'、'.join(u.name for u in scheme.real_units)}")
        return unit
    owners = [u for u in (scheme.unit_by_id(i) for i in indicator.unit_ids) if u is not None and not u.everyone]
    if len(owners) == 1 and len(indicator.unit_ids) == 1:
        return owners[0]
    choices = owners or list(scheme.real_units)
    listed = "、".join(u.name for u in choices)
    which = f"指标 {indicator.id} 的责任单位：{listed}" if owners else f"可用的单位：{listed}"
    raise UsageError(f"请用 --unit 指定提交材料的单位，如 --unit {choices[0].name}（{which}）")


def _scalar(text: str) -> str:
    """A YAML scalar: plain when it reads back as itself, else double-quoted."""
    plain = text.strip() == text and "#" not in text and ": " not in text
    try:
        plain = plain and yaml.safe_load(text) == text
    except yaml.YAMLError:
        plain = False
    return text if plain and text else json.dumps(text, ensure_ascii=False)


def _fact_roles(indicator: Indicator) -> dict[str, str]:
    """What each fact is used for, from the rules that read it."""
    roles: dict[str, list[str]] = {}
    for rule in indicator.rules:
        role = "酌情调整" if rule.kind == "manual" else "加分" if rule.gives_bonus else "扣分"
        for name in rule.fact_names():
            roles.setdefault(name, [])
            if role not in roles[name]:
                roles[name].append(role)
    return {name: "、".join(r) for name, r in roles.items()}


def _ordered_facts(indicator: Indicator) -> list[tuple[FactSpec, bool]]:
    """All of the row's facts, those it needs for scoring first."""
    required = indicator.required_facts if indicator.section == ROW else ()
    specs = {f.name: f for f in indicator.facts}
    first = [(specs[n], True) for n in required if n in specs]
    rest = [(f, False) for f in indicator.facts if f.name not in required]
    return first + rest


def _fact_block(spec: FactSpec, required: bool, role: str, stated: str = "") -> list[str]:
    need = "计分必填" if required else f"{role or '计分'}，选填：不适用时删去本行"
    out = [f"  # {spec.name}（{need}）：{spec.help}", f"  #   填写方式：{fields.FACT_TYPE_HELP[spec.type]}"]
    if stated:
        out.append(f"  #   {stated}")
    if spec.options:
        out.append(f"  #   可选：[{', '.join(_scalar(o) for o in spec.options)}]")
    extra = [f"单位：{spec.unit}" if spec.unit else "", f"最大 {spec.max}" if spec.max is not None else ""]
    if any(extra):
        out.append(f"  #   {'；'.join(e for e in extra if e)}")
    out.append(f"  {_scalar(spec.name)}: {PLACEHOLDER}")
    return out


def _field_help(name: str) -> str:
    return next(f.help for f in fields.EVIDENCE_FIELDS if f.name == name)


def render(indicator: Indicator, unit: Unit, day: date, title: str | None, kind: str | None,
           stated: Mapping[str, Sequence[str]] | None = None) -> str:
    """The text of a new evidence file for one row; facts other files state (``stated``) are named, not asked for."""
    stated = stated or {}
    path = " › ".join(p for p in (indicator.level1, *indicator.trail, indicator.name) if p)
    kinds = "、".join(fields.EVIDENCE_KINDS)
    lines = [
        "---",
        f"# 印证指标 {indicator.id}：{path}",
        f"# 请把标有“{PLACEHOLDER}”的值和空着的 title、kind 改为实际内容，然后运行 python build.py check 检查。",
        f"indicator: {indicator.id}",
        f"unit: {_scalar(unit.name)}",
        f"date: {day.isoformat()}    # {_field_help('date')}",
        f"title: {_scalar(title) if title else ''}    # {_field_help('title')}",
        f"kind: {_scalar(kind) if kind else ''}    # 材料类型，常用：{kinds}",
        f"# url: https://…    # 选填：{_field_help('url')}",
        f"# attachments: [附件.pdf]    # 选填：{_field_help('attachments')}",
        f"visibility: internal    # {_field_help('visibility')}",
    ]
    # A figure stated once elsewhere is left out (a second statement is an error); a fact that adds up
    # (occurrences, names, dates) or changes over time stays, optional, with where it is stated already.
    facts = [(spec, required and spec.name not in stated) for spec, required in _ordered_facts(indicator)
             if not (spec.name in stated and mode_of(spec) == "once")]
    for spec in indicator.facts:
        if spec.name in stated and mode_of(spec) == "once":
            lines.append(f"# {spec.name}：{stated_note(spec, stated[spec.name])}")
    if facts:
        roles = _fact_roles(indicator)
        lines.append("facts:")
        for spec, required in facts:
            said = stated_note(spec, stated[spec.name]) if spec.name in stated else ""
            lines += _fact_block(spec, required, roles.get(spec.name, ""), said)
    lines += ["---", f"{PLACEHOLDER}：用一两段话写明做了什么、什么时候、由谁做的，以及在哪里可以核实（文号、网址、台账位置）。", ""]
    return "\n".join(lines)


def target_path(root: Path, unit: Unit, day: date, indicator: Indicator, taken: set[str] | None = None) -> Path:
    """evidence/<unit id>/<date>-<unit id>-<row id>.md, with -2, -3 … when that id is taken anywhere in evidence/
    (``taken``: the stems of the evidence files, when the caller has them already)."""
    folder = root / "evidence" / unit.id
    taken = {path.stem for path in evidence_files(root)} if taken is None else taken
    stem = f"{day.isoformat()}-{unit.id}-{indicator.id}"
    candidate, n = stem, 1
    while candidate in taken or (folder / f"{candidate}.md").exists():
        n += 1
        candidate = f"{stem}-{n}"
    return folder / f"{candidate}.md"


def responsibility_note(scheme: Scheme, indicator: Indicator, unit: Unit) -> str:
    """The warning the check will give when the unit is not one the row names, said up front."""
    everyone = any(u.everyone for u in scheme.units if u.id in indicator.unit_ids)
    if not indicator.unit_ids or everyone or unit.id in indicator.unit_ids:
        return ""
    return (f"注意：{unit.name}不是指标 {indicator.id} 的责任单位（{'、'.join(indicator.units)}），"
            "校验时会给出警告；如果填错了单位，请删除该文件后重新运行")


class Scaffold(NamedTuple):
    path: Path
    note: str  # "" or a Chinese note for the person who ran the command


def create(root: Path, row: str, unit_name: str | None = None, day: date | None = None,
           title: str | None = None, kind: str | None = None) -> Scaffold:
    """Write the scaffold; never overwrites a file."""
    scheme, problems = load_scheme(root)
    if scheme is None:
        raise DataError(sort_problems(problems))
    indicator = find_indicator(scheme, row)
    unit = choose_unit(scheme, indicator, unit_name)
    evidence, _ = load_evidence(root, scheme)  # what other files state already (problems are the check's)
    stated = stated_by((f.name for f in indicator.facts), (e for e in evidence if e.indicator == indicator.id))
    day = day or date.today()  # a default for a person typing; build outputs never read the clock
    path = target_path(root, unit, day, indicator)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("x", encoding="utf-8", newline="\n") as handle:  # "x": fail rather than overwrite
        handle.write(render(indicator, unit, day, title, kind, stated))
    return Scaffold(path, responsibility_note(scheme, indicator, unit))


def cmd_new(root: Path, args: argparse.Namespace) -> int:
    path, note = create(root, args.row, args.unit, args.date, args.title, args.kind)
    rel = path.relative_to(root).as_posix()
    print(f"已新建 {rel}")
    if note:
        print(note)
    print(f"下一步：打开该文件，填写 title、kind 和标有“{PLACEHOLDER}”的事实；附件放在同一目录下并写入 attachments；"
          "然后运行 python build.py check 检查。")
    return 0
