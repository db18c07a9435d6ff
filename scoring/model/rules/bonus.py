"""Bonus kinds: they add points, and give nothing when their fact is absent, in every section."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import ClassVar

from ...core.figures import ZERO, fmt
from ..model import Context, Line
from ..params import POINTS, fact, param
from .base import BaseRule, cap_lines, count_of


@dataclass(frozen=True, kw_only=True)
class BonusPerItem(BaseRule):
    kind: ClassVar[str] = "bonus_per_item"
    is_bonus: ClassVar[bool] = True
    label: ClassVar[str] = "按项加分"
    summary: ClassVar[str] = "按证据给出的项数加分，每项加固定分值，可设加分上限"
    phrasings: ClassVar[tuple[str, ...]] = ("每一个领域拓展，加1分，加分上限为3分", "每一篇加2分", "每项加3分")
    examples: ClassVar[tuple[str, ...]] = ("{kind: bonus_per_item, fact: 拓展领域数, per: 1, cap: 3}",)
    fact: str = field(metadata=param(fact("count"), "计数的事实：几项（篇、个）"))
    per: Decimal = field(metadata=param(POINTS, "每项加的分值"))
    cap: Decimal | None = field(default=None, metadata=param(POINTS, "加分上限；不写则不设上限"))
    measure: str = "个"

    def describe(self) -> str:
        limit = f"，加分上限{fmt(self.cap)}分" if self.cap is not None else ""
        return f"按“{self.fact}”计，每{self.measure}加{fmt(self.per)}分" + limit

    def compute(self, ctx: Context) -> list[Line]:
        given = ctx.facts.get(self.fact)
        count = count_of(given) if given is not None else 0
        if count == 0:
            return [Line(ZERO, f"无“{self.fact}”，不加分", given.evidence if given else ())]
        amount = self.per * count
        line = Line(amount, f"“{self.fact}”{count}{self.measure}，每{self.measure}加{fmt(self.per)}分，加{fmt(amount)}分",
                    given.evidence if given else ())
        return cap_lines([line], self.cap, "加分")


@dataclass(frozen=True, kw_only=True)
class BonusFlag(BaseRule):
    kind: ClassVar[str] = "bonus_flag"
    is_bonus: ClassVar[bool] = True
    label: ClassVar[str] = "达到条件加分"
    summary: ClassVar[str] = "达到条件时加固定分值"
    phrasings: ClassVar[tuple[str, ...]] = ("…的加3分",)
    examples: ClassVar[tuple[str, ...]] = ("{kind: bonus_flag, fact: 优秀并交流, bonus: 1}",)
    fact: str = field(metadata=param(fact("flag"), "是否达到条件（true 为达到）"))
    bonus: Decimal = field(metadata=param(POINTS, "达到时加的分值"))

    def describe(self) -> str:
        return f"“{self.fact}”为“是”时加{fmt(self.bonus)}分"

    def compute(self, ctx: Context) -> list[Line]:
        given = ctx.facts.get(self.fact)
        if given is not None and given.value is True:
            return [Line(self.bonus, f"“{self.fact}”：是，加{fmt(self.bonus)}分", given.evidence)]
        return [Line(ZERO, f"“{self.fact}”：否，不加分", given.evidence if given else ())]
