"""Yes/no kinds: a duty done, an adverse event, a row that does not apply."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import ClassVar

from ...core.figures import ZERO, fmt
from ..model import Context, Line
from ..params import POINTS, fact, param
from .base import BaseRule, count_of, ok


@dataclass(frozen=True, kw_only=True)
class Required(BaseRule):
    kind: ClassVar[str] = "required"
    label: ClassVar[str] = "未完成即扣分"
    summary: ClassVar[str] = "一项应做的工作：做了不扣分，没做扣固定分值"
    phrasings: ClassVar[tuple[str, ...]] = ("未开展政策咨询服务的，扣3分", "未建立…制度的，扣1分")
    note: ClassVar[str] = "the fact is the duty done: 已开展政策咨询"
    examples: ClassVar[tuple[str, ...]] = ("{kind: required, fact: 已开展政策咨询, deduct: 3}",)
    absent_wording: ClassVar[str] = "扣{worst}分"
    fact: str = field(metadata=param(fact("flag"), "是否已完成这项工作（true 为已完成）"))
    deduct: Decimal = field(metadata=param(POINTS, "未完成扣的分值"))

    def max_deduction(self, points: Decimal) -> Decimal | None:
        return self.deduct

    def fixed_deduction(self, points: Decimal) -> Decimal | None:
        return self.deduct

    def describe(self) -> str:
        return f"“{self.fact}”应为“是”，否则扣{fmt(self.deduct)}分"

    def compute(self, ctx: Context) -> list[Line]:
        given = ctx.facts[self.fact]
        if given.value is True:
            return [ok(f"“{self.fact}”：是", given)]
        return [Line(-self.deduct, f"“{self.fact}”：否，扣{fmt(self.deduct)}分", given.evidence)]


@dataclass(frozen=True, kw_only=True)
class Event(BaseRule):
    kind: ClassVar[str] = "event"
    label: ClassVar[str] = "发生即扣分"
    summary: ClassVar[str] = ("一件不应发生的事：发生了（或所列情形出现任何一种）扣固定分值一次；"
                              "事实按方案的说法命名，如“发生泄密事件”")
    phrasings: ClassVar[tuple[str, ...]] = ("发生…的，扣N分", "存在任何一种情况扣0.5分", "出现…情形的，扣1分")
    note: ClassVar[str] = ("the fact is named as the scheme names the event (发生泄密事件): "
                           "a `flag`, the `items` that occurred, or a `count`")
    examples: ClassVar[tuple[str, ...]] = (
        "{kind: event, fact: 发生泄密事件, deduct: 5, text: 发生泄密事件的，扣5分}",
        "{kind: event, fact: 存在以下情况, deduct: 0.5, text: 存在任何一种情况扣0.5分}",
    )
    fact: str = field(metadata=param(
        fact("flag", "items", "count"),
        "按方案说法命名的事实：flag 为是否发生，items 为出现了哪些所列情形，count 为发生次数（大于0即扣）"))
    deduct: Decimal = field(metadata=param(POINTS, "发生时扣的分值，只扣一次"))

    def max_deduction(self, points: Decimal) -> Decimal | None:
        return self.deduct

    def fixed_deduction(self, points: Decimal) -> Decimal | None:
        return self.deduct

    def describe(self) -> str:
        return f"{self.fact}的，扣{fmt(self.deduct)}分（出现一种或多种情形，只扣一次）"

    def compute(self, ctx: Context) -> list[Line]:
        given = ctx.facts[self.fact]
        value = given.value
        if isinstance(value, tuple):
            if value:
                names = "、".join(f"“{v}”" for v in value)
                return [Line(-self.deduct, f"{self.fact}：{names}，扣{fmt(self.deduct)}分", given.evidence)]
        elif value is True or count_of(given) > 0:
            times = f"（{count_of(given)}次）" if count_of(given) > 0 else ""
            return [Line(-self.deduct, f"{self.fact}{times}，扣{fmt(self.deduct)}分", given.evidence)]
        return [ok(f"无“{self.fact}”情形", given)]


@dataclass(frozen=True, kw_only=True)
class NotApplicable(BaseRule):
    kind: ClassVar[str] = "not_applicable"
    label: ClassVar[str] = "无此项工作不检查"
    summary: ClassVar[str] = ("证据说明本单位无此项工作时，该行不检查：不计得分，也不计入满分和百分制折算；"
                              "没有证据时照常计分")
    phrasings: ClassVar[tuple[str, ...]] = ("无此项工作的，不检查该项指标", "未涉及该项工作的不考核")
    note: ClassVar[str] = "the row leaves the full marks and the normalisation"
    examples: ClassVar[tuple[str, ...]] = ("{kind: not_applicable, fact: 无此项工作, text: 无此项工作的，不检查该项指标}",)
    absence: ClassVar[str] = "own"
    fact: str = field(metadata=param(fact("flag"), "按方案说法命名的事实，如“无此项工作”；true 时该行不检查"))

    def max_deduction(self, points: Decimal) -> Decimal | None:
        return ZERO

    def describe(self) -> str:
        return f"“{self.fact}”为“是”时，本项不检查，不计入满分"

    def compute(self, ctx: Context) -> list[Line]:
        given = ctx.facts.get(self.fact)
        if given is not None and given.value is True:
            return [Line(ZERO, f"{self.fact}，不检查该项指标，不计入满分", given.evidence, excluded=True)]
        if given is None:
            return [Line(ZERO, f"未说明“{self.fact}”，本项照常计分")]
        return [ok(f"“{self.fact}”：否，本项照常计分", given)]
