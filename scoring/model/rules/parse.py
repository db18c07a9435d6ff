"""From the scheme's YAML to rules, and the checks of the facts rules name; all read from ``KINDS``."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from datetime import date
from typing import Any

from ..model import FactSpec, Rule, walk
from ..params import Env, RuleError, nearest, params_of, parse_fields
from .base import KINDS


def parse_one(data: Any, env: Env) -> Rule:
    return parse_rule(data, env.period_start)


def parse_rules(value: Any, env: Env) -> tuple[Rule, ...]:
    if not isinstance(value, list) or not value:
        raise ValueError("应为非空的规则列表")
    return tuple(parse_rule(v, env.period_start) for v in value)


def parse_rule(data: Any, period_start: date | None = None) -> Rule:
    """Build a rule from its YAML mapping; raise ``RuleError`` with a line."""
    line = getattr(data, "line", 0)
    if not isinstance(data, Mapping):
        raise RuleError(line, "每条规则应为一个映射（kind: …）")
    kind = data.get("kind")
    line_of = getattr(data, "line_of", None)
    if kind is None:
        raise RuleError(line, f"规则缺少参数 kind（规则类型；可用：{'、'.join(KINDS)}）")
    cls = KINDS.get(str(kind))
    if cls is None:
        raise RuleError(line_of("kind") if line_of else line, f"未知规则类型 {kind}{nearest(str(kind), list(KINDS))}")
    env = Env(line, period_start)
    values = parse_fields(cls, data, env, f"规则 {kind} ", extra_keys=("kind",))
    extras: dict[str, Any] = {"line": line, "period_start": period_start}
    names = {f.name for f in dataclasses.fields(cls)}
    rule = cls(**values, **{k: v for k, v in extras.items() if k in names})
    for key, message in rule.problems():
        raise RuleError(line_of(key) if line_of and key in data else line, f"规则 {kind}：{message}")
    return rule


def with_measures(rule: Rule, facts: Mapping[str, FactSpec]) -> Rule:
    """Give counting rules the measure word their fact declares (件, 次, 处)."""
    return rule.with_measures(facts)


def fact_refs(rule: Rule) -> list[tuple[Rule, str, str, tuple[str, ...]]]:
    """(rule, parameter, fact name, allowed types) for every fact a rule and its clauses name."""
    out = []
    for r in walk((rule,)):
        for p in params_of(type(r)):
            name = getattr(r, p.name)
            if p.type.facts and name:
                out.append((r, p.name, str(name), p.type.facts))
    return out


def check_fact_types(rule: Rule, facts: Mapping[str, FactSpec]) -> list[tuple[int, str]]:
    """Problems (line, message) where a rule names an undeclared or mistyped fact."""
    problems = []
    for r, param_name, name, types in fact_refs(rule):
        spec = facts.get(name)
        if spec is None:
            hint = nearest(name, list(facts)) if facts else "（本指标未声明任何事实）"
            problems.append((r.line, f"规则 {r.kind} 的 {param_name} 引用了未声明的事实“{name}”{hint}"))
        elif spec.type not in types:
            problems.append((r.line, f"规则 {r.kind} 的 {param_name} 需要 {'/'.join(types)} 类型的事实，"
                             f"“{name}”是 {spec.type}"))
    return problems
