"""Kinds that count: items missing from a list, occurrences of something that should not happen."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, ClassVar

from ...core.figures import fmt
from ..model import Context, Line
from ..params import POINTS, TEXT, Env, ParamType, fact, param, records
from .base import CAP, BaseRule, absent, cap_lines, cap_text, count_of, given_items, ok


@dataclass(frozen=True)
class RequiredItem:
    item: str = field(metadata=param(TEXT, "应有的事项，须为事实 options 中的名称"))
    unit: str = field(default="", metadata=param(TEXT, "负责该事项的单位（单位名录中的名称或别名）"))


def _required_items(value: Any, env: Env) -> tuple[tuple[str, str], ...]:
    parsed = records(RequiredItem, "规则 per_missing 的 required 每一项", shorthand="item").parse(value, env)
    return tuple((r.item, r.unit) for r in parsed)


REQUIRED_ITEMS = ParamType("列表，每项为事项名称或 {item, unit}", _required_items,
                           records(RequiredItem, "", shorthand="item").schema, compare=len)


@dataclass(frozen=True, kw_only=True)
class PerMissing(BaseRule):
    kind: ClassVar[str] = "per_missing"
    label: ClassVar[str] = "每缺一项扣分"
    summary: ClassVar[str] = "列出应有的事项，证据每缺一项扣固定分值，可设扣分上限"
    phrasings: ClassVar[tuple[str, ...]] = ("每少研究一项，扣1分，扣分上限为4分", "每缺1项，扣2分",
                                            "未建立在线服务和有效回应渠道的，各扣1分")
    note: ClassVar[str] = "list the items under `required`"
    examples: ClassVar[tuple[str, ...]] = (
        "{kind: per_missing, fact: 研究事项, required: [政务服务公开, {item: 财政信息公开, unit: 财务科}], per: 1, cap: 4}",
    )
    absence: ClassVar[str] = "itemised"
    fact: str = field(metadata=param(fact("items"), "列出已完成事项的事实"))
    required: tuple[tuple[str, str], ...] = field(metadata=param(REQUIRED_ITEMS, "应有的事项"))
    per: Decimal = field(metadata=param(POINTS, "每缺一项扣的分值"))
    cap: Decimal | None = field(default=None, metadata=CAP)

    def max_deduction(self, points: Decimal) -> Decimal | None:
        total = self.per * len(self.required)
        return min(total, self.cap) if self.cap is not None else total

    def uncapped_worst(self) -> tuple[int, Decimal] | None:
        return (len(self.required), self.per) if self.cap is None else None

    def unit_names(self) -> tuple[str, ...]:
        return tuple(unit for _, unit in self.required if unit)

    def describe(self) -> str:
        items = "、".join(item for item, _ in self.required)
        return f"“{self.fact}”应包含{items}，每缺一项扣{fmt(self.per)}分" + cap_text(self.cap)

    def compute(self, ctx: Context) -> list[Line]:
        given = ctx.facts.get(self.fact)
        present = given_items(given)
        lines: list[Line] = []
        for item, unit in self.required:
            if item in present:
                continue
            why = absent(self.fact) + "，" if given is None else ""
            lines.append(Line(-self.per, f"{why}缺少“{item}”，扣{fmt(self.per)}分",
                              given.evidence if given else (), given is None, unit))
        if not lines:
            return [ok(f"“{self.fact}”齐全（{len(self.required)}项）", given)]
        return cap_lines(lines, self.cap)


@dataclass(frozen=True, kw_only=True)
class PerOccurrence(BaseRule):
    kind: ClassVar[str] = "per_occurrence"
    label: ClassVar[str] = "按次（件）扣分"
    summary: ClassVar[str] = "按证据给出的次数（件数、处数）扣分，每次扣固定分值，可设扣分上限"
    phrasings: ClassVar[tuple[str, ...]] = ("每发现一处，扣0.5分，扣分上限为2分", "抽查…不规范的，每件扣1分",
                                            "每发现一起，在总得分的基础上扣10分")
    note: ClassVar[str] = "a `count` fact"
    examples: ClassVar[tuple[str, ...]] = ("{kind: per_occurrence, fact: 问题处数, per: 0.5, cap: 2}",)
    fact: str = field(metadata=param(fact("count"), "计数的事实：发生了几次（件、处）"))
    per: Decimal = field(metadata=param(POINTS, "每次扣的分值"))
    cap: Decimal | None = field(default=None, metadata=CAP)
    measure: str = "个"  # the fact's measure word (件, 次, 处), set from its declaration

    def max_deduction(self, points: Decimal) -> Decimal | None:
        return self.cap

    def describe(self) -> str:
        return f"按“{self.fact}”计，每{self.measure}扣{fmt(self.per)}分" + cap_text(self.cap)

    def compute(self, ctx: Context) -> list[Line]:
        given = ctx.facts[self.fact]
        count = count_of(given)
        if count == 0:
            return [ok(f"“{self.fact}”为0", given)]
        amount = self.per * count
        line = Line(-amount, f"“{self.fact}”{count}{self.measure}，每{self.measure}扣{fmt(self.per)}分，扣{fmt(amount)}分",
                    given.evidence)
        return cap_lines([line], self.cap)
