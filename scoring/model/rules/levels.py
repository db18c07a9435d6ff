"""Kinds on levels: the worst level of items missing, or the highest tier that occurred."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import ClassVar

from ...core.figures import ZERO, fmt
from ..model import Context, Line
from ..params import POINTS, TEXT, TEXTS, choice, fact, param, records
from .base import BaseRule, absent, given_items, ok


@dataclass(frozen=True, kw_only=True)
class Level:
    missing: tuple[str, ...] = field(metadata=param(TEXTS, "这一档所指的事项"))
    match: str = field(default="any", metadata=param(choice("any", "all"), "any：缺任一项即扣；all：全部都缺才扣"))
    deduct: Decimal = field(metadata=param(POINTS, "这一档扣的分值"))


@dataclass(frozen=True, kw_only=True)
class Graded(BaseRule):
    kind: ClassVar[str] = "graded"
    label: ClassVar[str] = "分档扣分"
    summary: ClassVar[str] = "按缺少的事项分档，取扣分最多的一档"
    phrasings: ClassVar[tuple[str, ...]] = ("未公开“十四五”规划纲要…的扣2分　未公开历史规划…扣1分",)
    examples: ClassVar[tuple[str, ...]] = (
        "{kind: graded, fact: 已公开, levels: [{missing: [规划纲要, 专项规划], match: any, deduct: 2}, "
        "{missing: [历史规划], deduct: 1}]}",
    )
    absence: ClassVar[str] = "itemised"
    fact: str = field(metadata=param(fact("items"), "列出已完成事项的事实"))
    levels: tuple[Level, ...] = field(metadata=param(records(Level, "规则 graded 的 levels 每一档"), "各档"))

    def max_deduction(self, points: Decimal) -> Decimal | None:
        return max((lv.deduct for lv in self.levels), default=ZERO)

    def fixed_deduction(self, points: Decimal) -> Decimal | None:
        return self.max_deduction(points)

    def describe(self) -> str:
        parts = [f"缺{'任一' if lv.match == 'any' else '全部'}{'、'.join(lv.missing)}扣{fmt(lv.deduct)}分"
                 for lv in self.levels]
        return f"按“{self.fact}”分档：" + "；".join(parts) + "（取其中最高的一档）"

    def compute(self, ctx: Context) -> list[Line]:
        given = ctx.facts.get(self.fact)
        present = given_items(given)
        hits = []
        for level in self.levels:
            gone = [m for m in level.missing if m not in present]
            if gone and (level.match == "any" or len(gone) == len(level.missing)):
                hits.append((level.deduct, gone))
        if not hits:
            return [ok(f"“{self.fact}”齐全", given)]
        deduct, gone = max(hits, key=lambda h: h[0])
        why = absent(self.fact) + "，" if given is None else ""
        names = "、".join(f"“{a}”" for a in gone)
        return [Line(-deduct, f"{why}缺少{names}，扣{fmt(deduct)}分",
                     given.evidence if given else (), given is None)]


@dataclass(frozen=True)
class Tier:
    item: str = field(metadata=param(TEXT, "层级名称，须为事实 options 中的名称"))
    deduct: Decimal = field(metadata=param(POINTS, "出现这一层级时扣的分值"))


@dataclass(frozen=True, kw_only=True)
class Tiered(BaseRule):
    kind: ClassVar[str] = "tiered"
    label: ClassVar[str] = "按层级扣分"
    summary: ClassVar[str] = "按出现的最高层级扣分（如被哪一级通报），只取最高的一级"
    phrasings: ClassVar[tuple[str, ...]] = ("被国家、省级…约谈或通报的，扣5分。被市…的，扣2分",)
    examples: ClassVar[tuple[str, ...]] = ("{kind: tiered, fact: 通报层级, tiers: [{item: 国家省级, deduct: 5}, {item: 市级, deduct: 2}]}",)
    fact: str = field(metadata=param(fact("items"), "列出出现了哪些层级的事实"))
    tiers: tuple[Tier, ...] = field(metadata=param(records(Tier, "规则 tiered 的 tiers 每一层级"), "各层级"))

    def max_deduction(self, points: Decimal) -> Decimal | None:
        return max((t.deduct for t in self.tiers), default=ZERO)

    def fixed_deduction(self, points: Decimal) -> Decimal | None:
        return self.max_deduction(points)

    def describe(self) -> str:
        parts = "；".join(f"{t.item}扣{fmt(t.deduct)}分" for t in self.tiers)
        return f"按“{self.fact}”的层级：{parts}（取最高的一级）"

    def compute(self, ctx: Context) -> list[Line]:
        given = ctx.facts[self.fact]
        hits = [t for t in self.tiers if t.item in given_items(given)]
        if not hits:
            return [ok(f"“{self.fact}”：无", given)]
        tier = max(hits, key=lambda t: t.deduct)
        return [Line(-tier.deduct, f"“{self.fact}”：{tier.item}，扣{fmt(tier.deduct)}分", given.evidence)]
