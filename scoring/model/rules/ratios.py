"""Kinds on a ratio: numerator and denominator, or a percentage stated directly."""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, ClassVar

from ...core.figures import ZERO, fmt, fmt_percent, percent, round_cent, to_decimal
from ..model import Context, Line
from ..params import BOOL, PERCENT, POINTS, POSITIVE, choice, fact, param
from .base import CAP, BaseRule, cap_lines, cap_text

if TYPE_CHECKING:
    from ..model import Indicator

NUMERATOR = param(fact("count", "number"), "比例的分子（与 denominator 同用；或改用 percent）")
DENOMINATOR = param(fact("count", "number"), "比例的分母（与 numerator 同用；或改用 percent）")
PERCENT_FACT = param(fact("number"), "直接给出百分数的事实（如 及时率 96.5），代替 numerator 和 denominator")
ON_ZERO = param(choice("met", "failed"), "分母为0（无可计算的比例）时：met 按达标计，failed 按未达标计")


@dataclass(frozen=True)
class Rate:
    pct: Decimal  # the percentage, 0..100 when stated directly
    shown: str  # how a reason shows it: 9874/10000 = 98.74%, or 及时率 96.5%
    evidence: tuple[str, ...]
    fraction: tuple[Decimal, Decimal] | None = None  # (numerator, denominator) when given so
    zero: bool = False  # the denominator is 0


@dataclass(frozen=True, kw_only=True)
class RatioRule(BaseRule):
    """A rule on a ratio, given as numerator and denominator or as a percentage."""

    numerator: str = field(default="", metadata=NUMERATOR)
    denominator: str = field(default="", metadata=DENOMINATOR)
    percent: str = field(default="", metadata=PERCENT_FACT)
    on_zero: str = field(default="met", metadata=ON_ZERO)

    def problems(self) -> list[tuple[str, str]]:
        num, den, pct = self.numerator, self.denominator, self.percent
        if pct and (num or den):
            return [("percent", "percent 与 numerator/denominator 只能选一种写法")]
        if not pct and not (num and den):
            return [("numerator", "应同时写 numerator 和 denominator，或只写 percent")]
        return []

    def _ratio_text(self) -> str:
        return f"“{self.percent}”" if self.percent else f"“{self.numerator}”占“{self.denominator}”"

    def rate(self, ctx: Context) -> Rate:
        """The rate the evidence gives (every fact is there: an absent one is the worst case, in ``apply``)."""
        names = self.fact_names()
        given = [ctx.facts[n] for n in names]
        evidence = tuple(dict.fromkeys(e for g in given for e in g.evidence))
        if len(given) == 1:
            value = min(to_decimal(given[0].value), Decimal(100))
            return Rate(value, f"{names[0]} {fmt(value)}%", evidence)
        num, den = to_decimal(given[0].value), to_decimal(given[1].value)
        if den == 0:
            return Rate(ZERO, "", evidence, (num, den), zero=True)
        pct = percent(num, den)
        return Rate(pct, f"{fmt(num)}/{fmt(den)} = {fmt_percent(pct)}", evidence, (num, den))

    def zero_name(self) -> str:
        return self.denominator


@dataclass(frozen=True, kw_only=True)
class PercentFloor(RatioRule):
    kind: ClassVar[str] = "percent_floor"
    label: ClassVar[str] = "比例下限，按档扣分"
    short: ClassVar[str] = "比例下限按档扣分"
    summary: ClassVar[str] = "比例不得低于下限，每低一档（若干个百分点）扣固定分值，可设扣分上限"
    phrasings: ClassVar[tuple[str, ...]] = ("不得少于90%，每降低两个百分点，扣0.5分，扣分上限为4分",)
    note: ClassVar[str] = "`numerator`/`denominator`, or `percent`"
    examples: ClassVar[tuple[str, ...]] = (
        "{kind: percent_floor, numerator: 多样化解读数, denominator: 政策文件数, floor: 90, step: 2, per: 0.5, cap: 4}",
        "{kind: percent_floor, percent: 办件及时率, floor: 90, step: 2, per: 0.5}",
    )
    floor: Decimal = field(metadata=param(PERCENT, "下限，百分数（写 90 表示 90%）"))
    step: Decimal = field(metadata=param(POSITIVE, "一档的百分点数"))
    per: Decimal = field(metadata=param(POINTS, "每档扣的分值"))
    cap: Decimal | None = field(default=None, metadata=CAP)
    rounding: str = field(default="up", metadata=param(
        choice("up", "down", "exact"), "不足一档时：up 按一档计，down 不计，exact 按比例折算"))

    def max_deduction(self, points: Decimal) -> Decimal | None:
        steps = self.floor / self.step
        worst = self.per * Decimal(math.ceil(steps))
        return min(worst, self.cap) if self.cap is not None else worst

    def describe(self) -> str:
        how = {"up": "不足一档按一档计", "down": "不足一档不计", "exact": "按比例折算"}[self.rounding]
        return (f"{self._ratio_text()}不得低于{fmt(self.floor)}%，每低{fmt(self.step)}个百分点"
                f"扣{fmt(self.per)}分（{how}）" + cap_text(self.cap))

    def _steps(self, shortfall: Decimal) -> tuple[Decimal, str]:
        exact = shortfall / self.step
        if self.rounding == "exact":
            return exact, ""
        if self.rounding == "down":
            return Decimal(math.floor(exact)), "（不足一档不计）"
        return Decimal(math.ceil(exact)), "（不足一档按一档计）"

    def compute(self, ctx: Context) -> list[Line]:
        got = self.rate(ctx)
        worst = self.worst_case(ctx)
        evidence = got.evidence
        if got.zero:
            if self.on_zero == "met":
                return [Line(ZERO, f"“{self.zero_name()}”为0，无可计算的比例，按达标计", evidence)]
            return [Line(-worst, f"“{self.zero_name()}”为0，按未达标扣{fmt(worst)}分", evidence)]
        shown = got.shown
        if got.pct >= self.floor:
            return [Line(ZERO, f"比例 {shown}，不低于{fmt(self.floor)}%", evidence)]
        shortfall = self.floor - got.pct
        steps, how = self._steps(shortfall)
        amount = round_cent(steps * self.per)
        if amount == 0:
            return [Line(ZERO, f"比例 {shown}，低于{fmt(self.floor)}%不足一档，不扣分", evidence)]
        reason = (f"比例 {shown}，低于{fmt(self.floor)}%共{fmt(round_cent(shortfall))}个百分点，"
                  f"每{fmt(self.step)}个百分点扣{fmt(self.per)}分{how}，扣{fmt(amount)}分")
        return cap_lines([Line(-amount, reason, evidence)], self.cap)


@dataclass(frozen=True, kw_only=True)
class RatioScore(RatioRule):
    kind: ClassVar[str] = "ratio_score"
    label: ClassVar[str] = "按比例计分"
    summary: ClassVar[str] = "得分 = 比例 × 赋分（或（1 − 比例）× 赋分），保留两位小数"
    phrasings: ClassVar[tuple[str, ...]] = ("得分=合规率（合规数据量/报送数据总量）×5", "得分=（1-瞒报率）×5")
    note: ClassVar[str] = "`invert: true` for an adverse ratio"
    examples: ClassVar[tuple[str, ...]] = (
        "{kind: ratio_score, numerator: 合规数据量, denominator: 报送数据总量}",
        "{kind: ratio_score, percent: 及时率}",
    )
    invert: bool = field(default=False, metadata=param(BOOL, "true：得分 =（1 − 比例）× 赋分，用于迟报率、瞒报率等不利比例"))

    def max_deduction(self, points: Decimal) -> Decimal | None:
        return points

    def describe(self) -> str:
        ratio = self.percent if self.percent else f"{self.numerator}/{self.denominator}"
        formula = f"（1 − {ratio}）" if self.invert else ratio
        return f"得分 = {formula} × 赋分，保留两位小数"

    def notices(self, row: Indicator) -> Iterator[tuple[str, str]]:
        spec = row.fact(self.numerator)
        if spec is not None and spec.adverse and not self.invert:
            yield (f"的得分公式以“{self.numerator}”为分子却未取（1−比率），不利情形越多得分越高，请与考核组确认",
                   "formula-inverted")

    def compute(self, ctx: Context) -> list[Line]:
        got = self.rate(ctx)
        if got.zero:
            if self.on_zero == "met":
                return [Line(ZERO, f"“{self.zero_name()}”为0，按达标计", got.evidence)]
            return [Line(-ctx.points, f"“{self.zero_name()}”为0，不得分", got.evidence)]
        if got.fraction is not None:
            num, den = got.fraction
            ratio = min(num / den, Decimal(1))
            shown = f"{self.numerator}/{self.denominator} = {fmt(num)}/{fmt(den)} = {fmt_percent(ratio * 100)}"
        else:
            ratio = got.pct / 100
            shown = got.shown
        factor = 1 - ratio if self.invert else ratio
        score = round_cent(factor * ctx.points)
        lost = ctx.points - score
        formula = f"（1 − {fmt_percent(ratio * 100)}）" if self.invert else fmt_percent(ratio * 100)
        reason = f"{shown}，得分 = {formula} × {fmt(ctx.points)} = {fmt(score)}"
        if lost:
            reason += f"，扣{fmt(lost)}分"
        return [Line(-lost, reason, got.evidence)]


@dataclass(frozen=True, kw_only=True)
class RatioThreshold(RatioRule):
    kind: ClassVar[str] = "ratio_threshold"
    label: ClassVar[str] = "比例越线扣分"
    summary: ClassVar[str] = "比例高于（或低于）一条线时扣固定分值；不必为此另设一个相反的事实"
    phrasings: ClassVar[tuple[str, ...]] = ("纠错数高于申请总数15%的，扣1分", "按时办结率低于95%的，扣2分",
                                            "差评率达到5%以上的，扣1分")
    note: ClassVar[str] = "`above` or `below`; `inclusive: true` for 以上、以下、达到"
    examples: ClassVar[tuple[str, ...]] = (
        "{kind: ratio_threshold, numerator: 纠错数, denominator: 申请总数, above: 15, deduct: 1, "
        "text: 纠错数高于申请总数15%的，扣1分}",
        "{kind: ratio_threshold, percent: 按时办结率, below: 95, deduct: 2}",
    )
    above: Decimal | None = field(default=None, metadata=param(PERCENT, "比例高于此百分数时扣分（与 below 二选一）"))
    below: Decimal | None = field(default=None, metadata=param(PERCENT, "比例低于此百分数时扣分（与 above 二选一）"))
    inclusive: bool = field(default=False, metadata=param(
        BOOL, "true：恰好等于这条线也扣分（方案写“以上”“以下”“达到”时）；默认 false（“高于”“低于”不含本数）"))
    deduct: Decimal = field(metadata=param(POINTS, "越线时扣的分值"))

    def problems(self) -> list[tuple[str, str]]:
        found = super().problems()
        if (self.above is None) == (self.below is None):
            found.append(("above", "应写 above 或 below 中的一个"))
        return found

    def max_deduction(self, points: Decimal) -> Decimal | None:
        return self.deduct

    def fixed_deduction(self, points: Decimal) -> Decimal | None:
        return self.deduct

    def _line_text(self) -> str:
        line, side = (self.above, "高于") if self.above is not None else (self.below, "低于")
        assert line is not None
        if self.inclusive:
            side = "达到" if self.above is not None else "不高于"
        return f"{side}{fmt(line)}%"

    def describe(self) -> str:
        return f"{self._ratio_text()}{self._line_text()}的，扣{fmt(self.deduct)}分"

    def compute(self, ctx: Context) -> list[Line]:
        got = self.rate(ctx)
        if got.zero:
            if self.on_zero == "met":
                return [Line(ZERO, f"“{self.zero_name()}”为0，无可计算的比例，按未越线计", got.evidence)]
            return [Line(-self.deduct, f"“{self.zero_name()}”为0，按越线扣{fmt(self.deduct)}分", got.evidence)]
        pct = got.pct
        if self.above is not None:
            crossed = pct > self.above or (self.inclusive and pct == self.above)
        else:
            assert self.below is not None
            crossed = pct < self.below or (self.inclusive and pct == self.below)
        if crossed:
            return [Line(-self.deduct, f"比例 {got.shown}，{self._line_text()}，扣{fmt(self.deduct)}分", got.evidence)]
        return [Line(ZERO, f"比例 {got.shown}，未{self._line_text()}", got.evidence)]
