"""Additive scoring (得分制): points earned, the rest not earned.

An earning rule's points are part of the row's points: what is not earned is a
line of its own value, so that totals, clamps, points at risk and the grade are
computed the same way for additive, deduction and mixed schemes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import ClassVar

from ...core.figures import ZERO, fmt
from ..model import Context, Line
from ..params import POINTS, TEXT, fact, param, records
from .base import BaseRule, absent, count_of, given_items, ok


@dataclass(frozen=True)
class EarnItem:
    item: str = field(metadata=param(TEXT, "一个得分事项，须为事实 options 中的名称"))
    points: Decimal = field(metadata=param(POINTS, "做到这一项得的分值"))


@dataclass(frozen=True, kw_only=True)
class EarnItems(BaseRule):
    kind: ClassVar[str] = "earn_items"
    label: ClassVar[str] = "逐项得分"
    summary: ClassVar[str] = "得分制：列出得分事项，证据做到一项得该项分值，没做到的不得分"
    phrasings: ClassVar[tuple[str, ...]] = ("是否建立…制度（0.5分）；是否公开…（0.5分）", "有…的得1分")
    note: ClassVar[str] = "得分制: the row's points are earned item by item"
    examples: ClassVar[tuple[str, ...]] = (
        "{kind: earn_items, fact: 已落实, items: [{item: 建立制度, points: 0.5}, {item: 公开目录, points: 0.5}]}",
    )
    earns: ClassVar[bool] = True
    absence: ClassVar[str] = "itemised"
    fact: str = field(metadata=param(fact("items"), "列出已做到事项的事实"))
    items: tuple[EarnItem, ...] = field(metadata=param(records(EarnItem, "规则 earn_items 的 items 每一项"),
                                                       "得分事项及各自的分值"))

    def max_deduction(self, points: Decimal) -> Decimal | None:
        return sum((i.points for i in self.items), ZERO)

    def describe(self) -> str:
        parts = "；".join(f"{i.item}得{fmt(i.points)}分" for i in self.items)
        return f"按“{self.fact}”逐项得分：{parts}（满分{fmt(self.max_deduction(ZERO) or ZERO)}分）"

    def compute(self, ctx: Context) -> list[Line]:
        given = ctx.facts.get(self.fact)
        present = given_items(given)
        lines = []
        for it in self.items:
            if it.item in present:
                lines.append(ok(f"“{it.item}”：是，得{fmt(it.points)}分", given))
            elif given is None:
                lines.append(Line(-it.points, f"{absent(self.fact)}，“{it.item}”不得分（{fmt(it.points)}分）",
                                  (), True))
            else:
                lines.append(Line(-it.points, f"“{it.item}”：否，不得分（{fmt(it.points)}分）", given.evidence))
        return lines


@dataclass(frozen=True, kw_only=True)
class EarnFlag(BaseRule):
    kind: ClassVar[str] = "earn_flag"
    label: ClassVar[str] = "做到即得分"
    summary: ClassVar[str] = "得分制：一个“是否…”的得分点，是则得分，否则不得分"
    phrasings: ClassVar[tuple[str, ...]] = ("是否按时发布年度报告：0.5分",)
    note: ClassVar[str] = "得分制: the row's points are earned item by item"
    examples: ClassVar[tuple[str, ...]] = ("{kind: earn_flag, fact: 按时发布年报, points: 0.5}",)
    earns: ClassVar[bool] = True
    absent_wording: ClassVar[str] = "不得分（{worst}分）"
    fact: str = field(metadata=param(fact("flag"), "是否做到（true 为做到）"))
    points: Decimal = field(metadata=param(POINTS, "做到时得的分值"))

    def max_deduction(self, points: Decimal) -> Decimal | None:
        return self.points

    def describe(self) -> str:
        return f"“{self.fact}”为“是”得{fmt(self.points)}分，否则不得分"

    def compute(self, ctx: Context) -> list[Line]:
        given = ctx.facts[self.fact]
        if given.value is True:
            return [ok(f"“{self.fact}”：是，得{fmt(self.points)}分", given)]
        return [Line(-self.points, f"“{self.fact}”：否，不得分（{fmt(self.points)}分）", given.evidence)]


@dataclass(frozen=True, kw_only=True)
class EarnPerItem(BaseRule):
    kind: ClassVar[str] = "earn_per_item"
    label: ClassVar[str] = "按数量得分"
    summary: ClassVar[str] = "得分制：每做到一次（一条、一篇）得固定分值，以满分为限"
    phrasings: ClassVar[tuple[str, ...]] = ("每发布1条得0.5分，最高2分",)
    note: ClassVar[str] = "得分制"
    examples: ClassVar[tuple[str, ...]] = ("{kind: earn_per_item, fact: 发布条数, per: 0.5, max: 2}",)
    earns: ClassVar[bool] = True
    absent_wording: ClassVar[str] = "不得分（{worst}分）"
    fact: str = field(metadata=param(fact("count"), "做到的次数（条数、篇数）"))
    per: Decimal = field(metadata=param(POINTS, "每次得的分值"))
    max: Decimal = field(metadata=param(POINTS, "本规则最多得的分值（满分）"))
    measure: str = "个"

    def max_deduction(self, points: Decimal) -> Decimal | None:
        return self.max

    def describe(self) -> str:
        return f"按“{self.fact}”计，每{self.measure}得{fmt(self.per)}分，最多得{fmt(self.max)}分"

    def compute(self, ctx: Context) -> list[Line]:
        given = ctx.facts[self.fact]
        count = count_of(given)
        earned = min(self.per * count, self.max)
        lost = self.max - earned
        reason = (f"“{self.fact}”{count}{self.measure}，每{self.measure}得{fmt(self.per)}分，"
                  f"得{fmt(earned)}分（满分{fmt(self.max)}分）")
        if lost:
            reason += f"，未得{fmt(lost)}分"
        return [Line(-lost, reason, given.evidence)]
