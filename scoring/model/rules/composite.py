"""Clauses made of clauses: several rules under one cap, and a rule applied only after another lost points."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import ClassVar

from ...core.figures import ZERO
from ..model import Context, FactSpec, Line, Rule
from ..params import POINTS, ParamType, param
from .base import BaseRule, cap_lines, cap_text
from .parse import parse_one, parse_rules

RULES = ParamType("规则列表", parse_rules,
                  lambda: {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/rule"}},
                  compare=lambda rules: tuple(r.signature() for r in rules))
RULE = ParamType("一条规则 {kind: …}", parse_one, lambda: {"$ref": "#/$defs/rule"},
                 compare=lambda rule: rule.signature())


@dataclass(frozen=True, kw_only=True)
class Group(BaseRule):
    kind: ClassVar[str] = "group"
    label: ClassVar[str] = "多项共用扣分上限"
    summary: ClassVar[str] = "几条扣分规则合计，共用一个扣分上限"
    phrasings: ClassVar[tuple[str, ...]] = ("…一次扣0.5分…有一项，扣1分…每通报一次扣3分。扣分上限为10分",)
    note: ClassVar[str] = "「以上各项扣分上限为10分」: the clauses before it, under one cap"
    examples: ClassVar[tuple[str, ...]] = (
        "{kind: group, cap: 10, rules: [{kind: per_occurrence, fact: 通报次数, per: 0.5}, {kind: per_occurrence, "
        "fact: 未整改项数, per: 1}]}",
    )
    rules: tuple[Rule, ...] = field(metadata=param(RULES, "合计的各条规则"))
    cap: Decimal | None = field(default=None, metadata=param(POINTS, "各条合计的扣分上限"))

    def problems(self) -> list[tuple[str, str]]:
        bonus = [r.kind for r in self.rules if r.gives_bonus]
        if bonus:  # its lines count as deductions: a bonus inside would lower the 扣分 below zero
            return [("rules", f"各条合计的是扣分，不能包含加分规则（{'、'.join(bonus)}）；请把加分规则写在 group 之外")]
        return []

    def fact_names(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(n for r in self.rules for n in r.fact_names()))

    def required_facts(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(n for r in self.rules for n in r.required_facts()))

    def clauses(self) -> tuple[Rule, ...]:
        return self.rules

    def max_deduction(self, points: Decimal) -> Decimal | None:
        return self.cap

    def with_measures(self, facts: Mapping[str, FactSpec]) -> BaseRule:
        return dataclasses.replace(self, rules=tuple(r.with_measures(facts) for r in self.rules))

    def describe(self) -> str:
        return "以下各项合计" + cap_text(self.cap) + "：" + "；".join(r.describe() for r in self.rules)

    def apply(self, ctx: Context) -> list[Line]:
        inner = dataclasses.replace(ctx, limit=self.cap) if self.cap is not None else ctx
        lines = [ln for rule in self.rules for ln in rule.apply(inner)]
        return cap_lines(lines, self.cap)


@dataclass(frozen=True, kw_only=True)
class Followup(BaseRule):
    kind: ClassVar[str] = "followup"
    label: ClassVar[str] = "在前一项基础上再扣"
    summary: ClassVar[str] = "前一条规则失分时，才检查后一条（“再扣”）；前一条未失分，后一条不适用"
    phrasings: ClassVar[tuple[str, ...]] = ("未按要求编写导致被退回且未及时修改的，再扣5分",)
    note: ClassVar[str] = "`then` is checked only when `first` lost points"
    examples: ClassVar[tuple[str, ...]] = (
        "{kind: followup, first: {kind: event, fact: 被退回, deduct: 2, text: 未按要求编写导致被退回的，扣2分}, "
        "then: {kind: event, fact: 退回后未及时修改, deduct: 5, text: 未及时修改的，再扣5分}}",
    )
    first: Rule = field(metadata=param(RULE, "前一条规则"))
    then: Rule = field(metadata=param(RULE, "前一条失分时再检查的规则"))

    def fact_names(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys((*self.first.fact_names(), *self.then.fact_names())))

    def required_facts(self) -> tuple[str, ...]:
        # The later clause's fact is needed only once the first has lost points.
        return self.first.required_facts()

    def clauses(self) -> tuple[Rule, ...]:
        return (self.first, self.then)

    def max_deduction(self, points: Decimal) -> Decimal | None:
        a, b = self.first.max_deduction(points), self.then.max_deduction(points)
        return a + b if a is not None and b is not None else None

    def with_measures(self, facts: Mapping[str, FactSpec]) -> BaseRule:
        return dataclasses.replace(self, first=self.first.with_measures(facts), then=self.then.with_measures(facts))

    def describe(self) -> str:
        return f"{self.first.describe()}；在此基础上，{self.then.describe()}（再扣）"

    def apply(self, ctx: Context) -> list[Line]:
        lines = self.first.apply(ctx)
        if sum((ln.amount for ln in lines), ZERO) >= 0:
            return [*lines, Line(ZERO, "前一项未失分，不涉及再扣")]
        again = [dataclasses.replace(ln, reason=f"再扣：{ln.reason}") if ln.amount < 0 else ln
                 for ln in self.then.apply(ctx)]
        return [*lines, *again]
