"""Rule kinds: each turns the facts evidence gives into score lines.

A rule is a frozen value parsed from the scheme; ``apply`` is pure. Amounts are
exact decimals: negative for points lost, positive for points gained (a bonus,
or a cap giving back what exceeds it). Every rule yields at least one line, so
that a row shows why it kept its points as well as why it lost them.

Each kind is one class. Its parameters are its fields declared with ``param``
(type and Chinese help); parsing, the parameter messages, the fact-type check
and the docs table are read from those declarations (``params.py``), so adding
a kind means adding a class here and its cases in tests/test_rules.py.

What "absent" means (a fact no evidence gives), the same for every kind:

- in a row of the table: the worst case the rule allows, marked *at risk*
  (evidence could recover it), so that no evidence is never full marks;
- in a 综合加分项 or 重大扣分项 (``Context.optional``): nothing happened, so
  no deduction and no bonus.

Bonus kinds give nothing when their fact is absent, in either place.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, ClassVar

from .model import Adjustment, Context, FactSpec, Given, Line, Rule, walk
from .numbers import ZERO, cn_date, fmt, fmt_percent, percent, round_cent, to_decimal
from .params import (
    BOOL,
    DATE,
    DATES,
    PERCENT,
    POINTS,
    POSITIVE,
    TEXT,
    TEXTS,
    Env,
    Param,
    ParamType,
    RuleError,
    choice,
    fact,
    nearest,
    object_schema,
    param,
    params_of,
    parse_fields,
    records,
)

__all__ = ["KINDS", "Context", "Given", "Line", "Rule", "RuleError", "parse_rule", "walk"]

KINDS: dict[str, type[BaseRule]] = {}


@dataclass(frozen=True, kw_only=True)
class BaseRule:
    """What every kind shares: the clause it implements, and the hooks the check reads."""

    kind: ClassVar[str] = ""
    label: ClassVar[str] = ""  # the kind's Chinese name, on 计分说明 and in every score line
    summary: ClassVar[str] = ""  # what the kind computes, in general (docs, 计分说明)
    phrasings: ClassVar[tuple[str, ...]] = ()  # how real schemes word it (docs)
    is_bonus: ClassVar[bool] = False
    text: str = field(default="", metadata=param(TEXT, "本规则对应的方案原文（扣分或加分标准中的一句）"))
    overlaps: str = field(default="", metadata=param(
        TEXT, "奖励同一事项的综合加分项编号；方案核查据此提示可能重复加分"))
    as_written: str = field(default="", metadata=param(
        TEXT, "方案原文的公式，本规则有意按文意而非字面计分时填写；方案核查会提示"))
    line: int = 0

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "kind" in cls.__dict__:
            KINDS[cls.kind] = cls

    @property
    def gives_bonus(self) -> bool:
        """True when the rule's lines add points (a bonus) rather than take them."""
        return self.is_bonus

    def fact_names(self) -> tuple[str, ...]:
        """Every fact the rule names, in the order its parameters are declared."""
        names = (getattr(self, p.name) for p in params_of(type(self)) if p.type.facts)
        return tuple(dict.fromkeys(n for n in names if n))

    def required_facts(self) -> tuple[str, ...]:
        return () if self.gives_bonus else self.fact_names()

    def judged_dates(self) -> tuple[date, ...]:
        return ()

    def clauses(self) -> tuple[Rule, ...]:
        return ()

    def max_deduction(self, points: Decimal) -> Decimal | None:
        return None

    def describe(self) -> str:
        return self.label

    def problems(self) -> list[tuple[str, str]]:
        """(parameter, message) for parameter combinations that make no sense."""
        return []

    def apply(self, ctx: Context) -> list[Line]:
        """Score lines; in an optional item an absent fact means nothing happened."""
        names = self.fact_names()
        if ctx.optional and not self.gives_bonus and any(n not in ctx.facts for n in names):
            missing = "、".join(f"“{n}”" for n in names if n not in ctx.facts)
            return [Line(ZERO, f"未发现{missing}所列情形")]
        return self.compute(ctx)

    def compute(self, ctx: Context) -> list[Line]:
        raise NotImplementedError


def _cap(lines: list[Line], cap: Decimal | None, what: str = "扣分") -> list[Line]:
    """Give back what a rule's lines take beyond its cap."""
    if cap is None:
        return lines
    total = sum((ln.amount for ln in lines), ZERO)
    if what == "扣分" and -total > cap:
        excess = -total - cap
        return [*lines, Line(excess, f"扣分上限为{fmt(cap)}分，超出的{fmt(excess)}分不计")]
    if what == "加分" and total > cap:
        excess = total - cap
        return [*lines, Line(-excess, f"加分上限为{fmt(cap)}分，超出的{fmt(excess)}分不计")]
    return lines


def _cap_text(cap: Decimal | None) -> str:
    return f"，扣分上限{fmt(cap)}分" if cap is not None else "，不设扣分上限"


def _ok(reason: str, given: Given | None) -> Line:
    return Line(ZERO, reason, given.evidence if given else ())


def _absent(name: str) -> str:
    return f"未提供“{name}”的证据"


def _count(given: Given) -> int:
    return given.value if isinstance(given.value, int) and not isinstance(given.value, bool) else 0


CAP = param(POINTS, "扣分上限；不写则不设上限")


# --- deductions -------------------------------------------------------------


@dataclass(frozen=True)
class RequiredItem:
    item: str = field(metadata=param(TEXT, "应有的事项，须为事实 options 中的名称"))
    unit: str = field(default="", metadata=param(TEXT, "负责该事项的单位（单位名录中的名称或别名）"))


def _required_items(value: Any, env: Env) -> tuple[tuple[str, str], ...]:
    parsed = records(RequiredItem, "规则 per_missing 的 required 每一项", shorthand="item").parse(value, env)
    return tuple((r.item, r.unit) for r in parsed)


REQUIRED_ITEMS = ParamType("列表，每项为事项名称或 {item, unit}", _required_items,
                           records(RequiredItem, "", shorthand="item").schema)


@dataclass(frozen=True, kw_only=True)
class PerMissing(BaseRule):
    kind: ClassVar[str] = "per_missing"
    label: ClassVar[str] = "每缺一项扣分"
    summary: ClassVar[str] = "列出应有的事项，证据每缺一项扣固定分值，可设扣分上限"
    phrasings: ClassVar[tuple[str, ...]] = ("每少研究一项，扣1分，扣分上限为4分", "每缺1项，扣2分",
                                            "未建立在线服务和有效回应渠道的，各扣1分")
    fact: str = field(metadata=param(fact("items"), "列出已完成事项的事实"))
    required: tuple[tuple[str, str], ...] = field(metadata=param(REQUIRED_ITEMS, "应有的事项"))
    per: Decimal = field(metadata=param(POINTS, "每缺一项扣的分值"))
    cap: Decimal | None = field(default=None, metadata=CAP)

    def max_deduction(self, points: Decimal) -> Decimal | None:
        total = self.per * len(self.required)
        return min(total, self.cap) if self.cap is not None else total

    def describe(self) -> str:
        items = "、".join(item for item, _ in self.required)
        return f"“{self.fact}”应包含{items}，每缺一项扣{fmt(self.per)}分" + _cap_text(self.cap)

    def compute(self, ctx: Context) -> list[Line]:
        given = ctx.facts.get(self.fact)
        present = set(given.value) if given and isinstance(given.value, tuple) else set()
        lines: list[Line] = []
        for item, unit in self.required:
            if item in present:
                continue
            why = _absent(self.fact) + "，" if given is None else ""
            lines.append(Line(-self.per, f"{why}缺少“{item}”，扣{fmt(self.per)}分",
                              given.evidence if given else (), given is None, unit))
        if not lines:
            return [_ok(f"“{self.fact}”齐全（{len(self.required)}项）", given)]
        return _cap(lines, self.cap)


@dataclass(frozen=True, kw_only=True)
class PerOccurrence(BaseRule):
    kind: ClassVar[str] = "per_occurrence"
    label: ClassVar[str] = "按次（件）扣分"
    summary: ClassVar[str] = "按证据给出的次数（件数、处数）扣分，每次扣固定分值，可设扣分上限"
    phrasings: ClassVar[tuple[str, ...]] = ("每发现一处，扣0.5分，扣分上限为2分", "抽查…不规范的，每件扣1分",
                                            "每发现一起，在总得分的基础上扣10分")
    fact: str = field(metadata=param(fact("count"), "计数的事实：发生了几次（件、处）"))
    per: Decimal = field(metadata=param(POINTS, "每次扣的分值"))
    cap: Decimal | None = field(default=None, metadata=CAP)
    measure: str = "个"  # the fact's measure word (件, 次, 处), set from its declaration

    def max_deduction(self, points: Decimal) -> Decimal | None:
        return self.cap

    def describe(self) -> str:
        return f"按“{self.fact}”计，每{self.measure}扣{fmt(self.per)}分" + _cap_text(self.cap)

    def compute(self, ctx: Context) -> list[Line]:
        given = ctx.facts.get(self.fact)
        if given is None:
            worst = self.cap if self.cap is not None else ctx.worst
            return [Line(-worst, f"{_absent(self.fact)}，按最不利情形扣{fmt(worst)}分", (), True)]
        count = _count(given)
        if count == 0:
            return [_ok(f"“{self.fact}”为0", given)]
        amount = self.per * count
        line = Line(-amount, f"“{self.fact}”{count}{self.measure}，每{self.measure}扣{fmt(self.per)}分，扣{fmt(amount)}分",
                    given.evidence)
        return _cap([line], self.cap)


# --- ratios: numerator and denominator, or a percentage stated directly -----------


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

    def rate(self, ctx: Context) -> Rate | str:
        """The rate the evidence gives, or the names of the absent facts."""
        names = self.fact_names()
        missing = [n for n in names if n not in ctx.facts]
        if missing:
            return "、".join(f"“{m}”" for m in missing)
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
    summary: ClassVar[str] = "比例不得低于下限，每低一档（若干个百分点）扣固定分值，可设扣分上限"
    phrasings: ClassVar[tuple[str, ...]] = ("不得少于90%，每降低两个百分点，扣0.5分，扣分上限为4分",)
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
                f"扣{fmt(self.per)}分（{how}）" + _cap_text(self.cap))

    def compute(self, ctx: Context) -> list[Line]:
        got = self.rate(ctx)
        worst = self.max_deduction(ctx.points) or ZERO
        if isinstance(got, str):
            return [Line(-worst, f"未提供{got}的证据，按最不利情形扣{fmt(worst)}分", (), True)]
        evidence = got.evidence
        if got.zero:
            if self.on_zero == "met":
                return [Line(ZERO, f"“{self.zero_name()}”为0，无可计算的比例，按达标计", evidence)]
            return [Line(-worst, f"“{self.zero_name()}”为0，按未达标扣{fmt(worst)}分", evidence)]
        shown = got.shown
        if got.pct >= self.floor:
            return [Line(ZERO, f"比例 {shown}，不低于{fmt(self.floor)}%", evidence)]
        shortfall = self.floor - got.pct
        exact = shortfall / self.step
        if self.rounding == "exact":
            steps = exact
            how = ""
        elif self.rounding == "down":
            steps = Decimal(math.floor(exact))
            how = "（不足一档不计）"
        else:
            steps = Decimal(math.ceil(exact))
            how = "（不足一档按一档计）"
        amount = round_cent(steps * self.per)
        if amount == 0:
            return [Line(ZERO, f"比例 {shown}，低于{fmt(self.floor)}%不足一档，不扣分", evidence)]
        reason = (f"比例 {shown}，低于{fmt(self.floor)}%共{fmt(round_cent(shortfall))}个百分点，"
                  f"每{fmt(self.step)}个百分点扣{fmt(self.per)}分{how}，扣{fmt(amount)}分")
        return _cap([Line(-amount, reason, evidence)], self.cap)


@dataclass(frozen=True, kw_only=True)
class RatioScore(RatioRule):
    kind: ClassVar[str] = "ratio_score"
    label: ClassVar[str] = "按比例计分"
    summary: ClassVar[str] = "得分 = 比例 × 赋分（或（1 − 比例）× 赋分），保留两位小数"
    phrasings: ClassVar[tuple[str, ...]] = ("得分=合规率（合规数据量/报送数据总量）×5", "得分=（1-瞒报率）×5")
    invert: bool = field(default=False, metadata=param(BOOL, "true：得分 =（1 − 比例）× 赋分，用于迟报率、瞒报率等不利比例"))

    def max_deduction(self, points: Decimal) -> Decimal | None:
        return points

    def describe(self) -> str:
        ratio = self.percent if self.percent else f"{self.numerator}/{self.denominator}"
        formula = f"（1 − {ratio}）" if self.invert else ratio
        return f"得分 = {formula} × 赋分，保留两位小数"

    def compute(self, ctx: Context) -> list[Line]:
        got = self.rate(ctx)
        if isinstance(got, str):
            return [Line(-ctx.points, f"未提供{got}的证据，按最不利情形扣{fmt(ctx.points)}分", (), True)]
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
        if isinstance(got, str):
            return [Line(-self.deduct, f"未提供{got}的证据，按最不利情形扣{fmt(self.deduct)}分", (), True)]
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


# --- dates ------------------------------------------------------------------


def _dates(given: Given | None) -> list[tuple[date, str]]:
    if given is None:
        return []
    out: list[tuple[date, str]] = []
    for evidence_id, value in given.per_evidence:
        if isinstance(value, tuple):
            out.extend((d, evidence_id) for d in value if isinstance(d, date))
    return sorted(out)


@dataclass(frozen=True, kw_only=True)
class PerDeadline(BaseRule):
    kind: ClassVar[str] = "per_deadline"
    label: ClassVar[str] = "逐个时限扣分"
    summary: ClassVar[str] = "每个时限前（上一个时限之后）都应有一次记录，每缺一次扣固定分值"
    phrasings: ClassVar[tuple[str, ...]] = ("未于7月底、9月底、11月底开展…检查的，每次扣1分",)
    fact: str = field(metadata=param(fact("date"), "记录完成日期的事实"))
    deadlines: tuple[date, ...] = field(metadata=param(DATES, "各个时限，按先后排列"))
    per: Decimal = field(metadata=param(POINTS, "每缺一次扣的分值"))
    cap: Decimal | None = field(default=None, metadata=CAP)
    period_start: date | None = None

    def judged_dates(self) -> tuple[date, ...]:
        return self.deadlines

    def max_deduction(self, points: Decimal) -> Decimal | None:
        total = self.per * len(self.deadlines)
        return min(total, self.cap) if self.cap is not None else total

    def describe(self) -> str:
        days = "、".join(cn_date(d) for d in self.deadlines)
        return f"应在{days}前各完成一次（以“{self.fact}”为准），每缺一次扣{fmt(self.per)}分" + _cap_text(self.cap)

    def compute(self, ctx: Context) -> list[Line]:
        given = ctx.facts.get(self.fact)
        dates = _dates(given)
        lines: list[Line] = []
        previous: date | None = None
        for deadline in self.deadlines:
            hits = [(d, e) for d, e in dates if (previous is None or d > previous) and d <= deadline]
            window = f"{cn_date(previous)}之后至{cn_date(deadline)}" if previous else f"{cn_date(deadline)}前"
            if hits:
                lines.append(Line(ZERO, f"{window}已完成（{cn_date(hits[0][0])}）",
                                  tuple(dict.fromkeys(e for _, e in hits)), deadline=deadline))
            else:
                why = _absent(self.fact) + "，" if given is None else ""
                lines.append(Line(-self.per, f"{why}{window}无记录，扣{fmt(self.per)}分", (),
                                  given is None, deadline=deadline))
            previous = deadline
        return _cap(lines, self.cap)


@dataclass(frozen=True, kw_only=True)
class Deadline(BaseRule):
    kind: ClassVar[str] = "deadline"
    label: ClassVar[str] = "限期完成"
    summary: ClassVar[str] = "应在时限前完成，未完成（或晚于时限）扣固定分值"
    phrasings: ClassVar[tuple[str, ...]] = ("9月底前完成…未完成的扣2分", "年底前提交推进情况报告，未提交的扣2分")
    fact: str = field(metadata=param(fact("date"), "记录完成日期的事实"))
    deadline: date = field(metadata=param(DATE, "时限，当天完成也算按时"))
    deduct: Decimal = field(metadata=param(POINTS, "未按时完成扣的分值"))

    def judged_dates(self) -> tuple[date, ...]:
        return (self.deadline,)

    def max_deduction(self, points: Decimal) -> Decimal | None:
        return self.deduct

    def describe(self) -> str:
        return f"应在{cn_date(self.deadline)}前完成（以“{self.fact}”为准），未完成扣{fmt(self.deduct)}分"

    def compute(self, ctx: Context) -> list[Line]:
        given = ctx.facts.get(self.fact)
        dates = _dates(given)
        on_time = [(d, e) for d, e in dates if d <= self.deadline]
        if on_time:
            return [Line(ZERO, f"已于{cn_date(on_time[0][0])}完成，未超过{cn_date(self.deadline)}",
                         (on_time[0][1],), deadline=self.deadline)]
        if dates:
            return [Line(-self.deduct, f"{cn_date(dates[0][0])}才完成，晚于{cn_date(self.deadline)}，"
                         f"扣{fmt(self.deduct)}分", tuple(e for _, e in dates), deadline=self.deadline)]
        return [Line(-self.deduct, f"{_absent(self.fact)}，{cn_date(self.deadline)}前未完成，"
                     f"扣{fmt(self.deduct)}分", (), True, deadline=self.deadline)]


# --- yes/no: a duty done, or an adverse event -----------------------------------


@dataclass(frozen=True, kw_only=True)
class Required(BaseRule):
    kind: ClassVar[str] = "required"
    label: ClassVar[str] = "未完成即扣分"
    summary: ClassVar[str] = "一项应做的工作：做了不扣分，没做扣固定分值"
    phrasings: ClassVar[tuple[str, ...]] = ("未开展政策咨询服务的，扣3分", "未建立…制度的，扣1分")
    fact: str = field(metadata=param(fact("flag"), "是否已完成这项工作（true 为已完成）"))
    deduct: Decimal = field(metadata=param(POINTS, "未完成扣的分值"))

    def max_deduction(self, points: Decimal) -> Decimal | None:
        return self.deduct

    def describe(self) -> str:
        return f"“{self.fact}”应为“是”，否则扣{fmt(self.deduct)}分"

    def compute(self, ctx: Context) -> list[Line]:
        given = ctx.facts.get(self.fact)
        if given is not None and given.value is True:
            return [_ok(f"“{self.fact}”：是", given)]
        if given is None:
            return [Line(-self.deduct, f"{_absent(self.fact)}，扣{fmt(self.deduct)}分", (), True)]
        return [Line(-self.deduct, f"“{self.fact}”：否，扣{fmt(self.deduct)}分", given.evidence)]


@dataclass(frozen=True, kw_only=True)
class Event(BaseRule):
    kind: ClassVar[str] = "event"
    label: ClassVar[str] = "发生即扣分"
    summary: ClassVar[str] = ("一件不应发生的事：发生了（或所列情形出现任何一种）扣固定分值一次；"
                              "事实按方案的说法命名，如“发生泄密事件”")
    phrasings: ClassVar[tuple[str, ...]] = ("发生…的，扣N分", "存在任何一种情况扣0.5分", "出现…情形的，扣1分")
    fact: str = field(metadata=param(
        fact("flag", "items", "count"),
        "按方案说法命名的事实：flag 为是否发生，items 为出现了哪些所列情形，count 为发生次数（大于0即扣）"))
    deduct: Decimal = field(metadata=param(POINTS, "发生时扣的分值，只扣一次"))

    def max_deduction(self, points: Decimal) -> Decimal | None:
        return self.deduct

    def describe(self) -> str:
        return f"{self.fact}的，扣{fmt(self.deduct)}分（出现一种或多种情形，只扣一次）"

    def compute(self, ctx: Context) -> list[Line]:
        given = ctx.facts.get(self.fact)
        if given is None:
            return [Line(-self.deduct, f"{_absent(self.fact)}，按最不利情形扣{fmt(self.deduct)}分", (), True)]
        value = given.value
        if isinstance(value, tuple):
            if value:
                names = "、".join(f"“{v}”" for v in value)
                return [Line(-self.deduct, f"{self.fact}：{names}，扣{fmt(self.deduct)}分", given.evidence)]
        elif value is True or _count(given) > 0:
            times = f"（{_count(given)}次）" if _count(given) > 0 else ""
            return [Line(-self.deduct, f"{self.fact}{times}，扣{fmt(self.deduct)}分", given.evidence)]
        return [_ok(f"无“{self.fact}”情形", given)]


@dataclass(frozen=True, kw_only=True)
class NotApplicable(BaseRule):
    kind: ClassVar[str] = "not_applicable"
    label: ClassVar[str] = "无此项工作不检查"
    summary: ClassVar[str] = ("证据说明本单位无此项工作时，该行不检查：不计得分，也不计入满分和百分制折算；"
                              "没有证据时照常计分")
    phrasings: ClassVar[tuple[str, ...]] = ("无此项工作的，不检查该项指标", "未涉及该项工作的不考核")
    fact: str = field(metadata=param(fact("flag"), "按方案说法命名的事实，如“无此项工作”；true 时该行不检查"))

    def required_facts(self) -> tuple[str, ...]:
        return ()

    def max_deduction(self, points: Decimal) -> Decimal | None:
        return ZERO

    def describe(self) -> str:
        return f"“{self.fact}”为“是”时，本项不检查，不计入满分"

    def apply(self, ctx: Context) -> list[Line]:
        given = ctx.facts.get(self.fact)
        if given is not None and given.value is True:
            return [Line(ZERO, f"{self.fact}，不检查该项指标，不计入满分", given.evidence, excluded=True)]
        if given is None:
            return [Line(ZERO, f"未说明“{self.fact}”，本项照常计分")]
        return [_ok(f"“{self.fact}”：否，本项照常计分", given)]


# --- items and levels ---------------------------------------------------------


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
    fact: str = field(metadata=param(fact("items"), "列出已完成事项的事实"))
    levels: tuple[Level, ...] = field(metadata=param(records(Level, "规则 graded 的 levels 每一档"), "各档"))

    def max_deduction(self, points: Decimal) -> Decimal | None:
        return max((lv.deduct for lv in self.levels), default=ZERO)

    def describe(self) -> str:
        parts = [f"缺{'任一' if lv.match == 'any' else '全部'}{'、'.join(lv.missing)}扣{fmt(lv.deduct)}分"
                 for lv in self.levels]
        return f"按“{self.fact}”分档：" + "；".join(parts) + "（取其中最高的一档）"

    def compute(self, ctx: Context) -> list[Line]:
        given = ctx.facts.get(self.fact)
        present = set(given.value) if given and isinstance(given.value, tuple) else set()
        hits = []
        for level in self.levels:
            absent = [m for m in level.missing if m not in present]
            if absent and (level.match == "any" or len(absent) == len(level.missing)):
                hits.append((level.deduct, absent))
        if not hits:
            return [_ok(f"“{self.fact}”齐全", given)]
        deduct, absent = max(hits, key=lambda h: h[0])
        why = _absent(self.fact) + "，" if given is None else ""
        names = "、".join(f"“{a}”" for a in absent)
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
    fact: str = field(metadata=param(fact("items"), "列出出现了哪些层级的事实"))
    tiers: tuple[Tier, ...] = field(metadata=param(records(Tier, "规则 tiered 的 tiers 每一层级"), "各层级"))

    def max_deduction(self, points: Decimal) -> Decimal | None:
        return max((t.deduct for t in self.tiers), default=ZERO)

    def describe(self) -> str:
        parts = "；".join(f"{t.item}扣{fmt(t.deduct)}分" for t in self.tiers)
        return f"按“{self.fact}”的层级：{parts}（取最高的一级）"

    def compute(self, ctx: Context) -> list[Line]:
        given = ctx.facts.get(self.fact)
        if given is None:
            worst = self.max_deduction(ctx.points) or ZERO
            return [Line(-worst, f"{_absent(self.fact)}，按最不利情形扣{fmt(worst)}分", (), True)]
        present = set(given.value) if isinstance(given.value, tuple) else set()
        hits = [t for t in self.tiers if t.item in present]
        if not hits:
            return [_ok(f"“{self.fact}”：无", given)]
        tier = max(hits, key=lambda t: t.deduct)
        return [Line(-tier.deduct, f"“{self.fact}”：{tier.item}，扣{fmt(tier.deduct)}分", given.evidence)]


# --- additive scoring (得分制): points earned, the rest not earned -----------------
#
# An earning rule's points are part of the row's points: what is not earned is a
# line of its own value, so that totals, clamps, points at risk and the grade are
# computed the same way for additive, deduction and mixed schemes.


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
        present = set(given.value) if given and isinstance(given.value, tuple) else set()
        lines = []
        for it in self.items:
            if it.item in present:
                lines.append(_ok(f"“{it.item}”：是，得{fmt(it.points)}分", given))
            elif given is None:
                lines.append(Line(-it.points, f"{_absent(self.fact)}，“{it.item}”不得分（{fmt(it.points)}分）",
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
    fact: str = field(metadata=param(fact("flag"), "是否做到（true 为做到）"))
    points: Decimal = field(metadata=param(POINTS, "做到时得的分值"))

    def max_deduction(self, points: Decimal) -> Decimal | None:
        return self.points

    def describe(self) -> str:
        return f"“{self.fact}”为“是”得{fmt(self.points)}分，否则不得分"

    def compute(self, ctx: Context) -> list[Line]:
        given = ctx.facts.get(self.fact)
        if given is None:
            return [Line(-self.points, f"{_absent(self.fact)}，不得分（{fmt(self.points)}分）", (), True)]
        if given.value is True:
            return [_ok(f"“{self.fact}”：是，得{fmt(self.points)}分", given)]
        return [Line(-self.points, f"“{self.fact}”：否，不得分（{fmt(self.points)}分）", given.evidence)]


@dataclass(frozen=True, kw_only=True)
class EarnPerItem(BaseRule):
    kind: ClassVar[str] = "earn_per_item"
    label: ClassVar[str] = "按数量得分"
    summary: ClassVar[str] = "得分制：每做到一次（一条、一篇）得固定分值，以满分为限"
    phrasings: ClassVar[tuple[str, ...]] = ("每发布1条得0.5分，最高2分",)
    fact: str = field(metadata=param(fact("count"), "做到的次数（条数、篇数）"))
    per: Decimal = field(metadata=param(POINTS, "每次得的分值"))
    max: Decimal = field(metadata=param(POINTS, "本规则最多得的分值（满分）"))
    measure: str = "个"

    def max_deduction(self, points: Decimal) -> Decimal | None:
        return self.max

    def describe(self) -> str:
        return f"按“{self.fact}”计，每{self.measure}得{fmt(self.per)}分，最多得{fmt(self.max)}分"

    def compute(self, ctx: Context) -> list[Line]:
        given = ctx.facts.get(self.fact)
        if given is None:
            return [Line(-self.max, f"{_absent(self.fact)}，不得分（{fmt(self.max)}分）", (), True)]
        count = _count(given)
        earned = min(self.per * count, self.max)
        lost = self.max - earned
        reason = (f"“{self.fact}”{count}{self.measure}，每{self.measure}得{fmt(self.per)}分，"
                  f"得{fmt(earned)}分（满分{fmt(self.max)}分）")
        if lost:
            reason += f"，未得{fmt(lost)}分"
        return [Line(-lost, reason, given.evidence)]


# --- clauses made of clauses ----------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Group(BaseRule):
    kind: ClassVar[str] = "group"
    label: ClassVar[str] = "多项共用扣分上限"
    summary: ClassVar[str] = "几条扣分规则合计，共用一个扣分上限"
    phrasings: ClassVar[tuple[str, ...]] = ("…一次扣0.5分…有一项，扣1分…每通报一次扣3分。扣分上限为10分",)
    rules: tuple[Rule, ...] = field(metadata=param(
        ParamType("规则列表", lambda v, env: _parse_rules(v, env), lambda: {"type": "array", "minItems": 1,
                                                                          "items": {"$ref": "#/$defs/rule"}}),
        "合计的各条规则"))
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

    def describe(self) -> str:
        return "以下各项合计" + _cap_text(self.cap) + "：" + "；".join(r.describe() for r in self.rules)

    def apply(self, ctx: Context) -> list[Line]:
        inner = dataclasses.replace(ctx, limit=self.cap) if self.cap is not None else ctx
        lines = [ln for rule in self.rules for ln in rule.apply(inner)]
        return _cap(lines, self.cap)


RULE = ParamType("一条规则 {kind: …}", lambda v, env: _parse_one(v, env), lambda: {"$ref": "#/$defs/rule"})


@dataclass(frozen=True, kw_only=True)
class Followup(BaseRule):
    kind: ClassVar[str] = "followup"
    label: ClassVar[str] = "在前一项基础上再扣"
    summary: ClassVar[str] = "前一条规则失分时，才检查后一条（“再扣”）；前一条未失分，后一条不适用"
    phrasings: ClassVar[tuple[str, ...]] = ("未按要求编写导致被退回且未及时修改的，再扣5分",)
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

    def describe(self) -> str:
        return f"{self.first.describe()}；在此基础上，{self.then.describe()}（再扣）"

    def apply(self, ctx: Context) -> list[Line]:
        lines = self.first.apply(ctx)
        if sum((ln.amount for ln in lines), ZERO) >= 0:
            return [*lines, Line(ZERO, "前一项未失分，不涉及再扣")]
        again = [dataclasses.replace(ln, reason=f"再扣：{ln.reason}") if ln.amount < 0 else ln
                 for ln in self.then.apply(ctx)]
        return [*lines, *again]


# --- judgment -------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Manual(BaseRule):
    kind: ClassVar[str] = "manual"
    label: ClassVar[str] = "人工评定"
    summary: ClassVar[str] = ("由考核组评定（方案写“根据工作情况”“……等”、无法逐项计算时），"
                              "每项调整须写明分值和理由；可列出对照的事项清单")
    phrasings: ClassVar[tuple[str, ...]] = ("根据工作情况扣分", "加分酌情而定", "未做好…、…、…等工作的，酌情扣分")
    fact: str = field(metadata=param(fact("adjustments"), "记录人工调整（分值和理由）的事实"))
    direction: str = field(default="deduct", metadata=param(choice("deduct", "bonus"), "deduct 扣分，bonus 加分"))
    cap: Decimal | None = field(default=None, metadata=param(POINTS, "调整合计的上限；不写则不设上限"))
    checklist: tuple[str, ...] = field(default=(), metadata=param(
        TEXTS, "考核组对照的事项（方案中“……等”所列各项），逐项写出"))
    needs_review: bool = field(default=False, metadata=param(
        BOOL, "true：由导入程序写出、原文未能识别为可计算的规则，须由人工核对后删去此项"))

    @property
    def gives_bonus(self) -> bool:
        return self.direction == "bonus"

    def required_facts(self) -> tuple[str, ...]:
        return ()  # judged by a person: no evidence means no adjustment, in every section

    def max_deduction(self, points: Decimal) -> Decimal | None:
        return self.cap if self.direction == "deduct" else ZERO

    def describe(self) -> str:
        verb = "加分" if self.direction == "bonus" else "扣分"
        limit = _cap_text(self.cap).replace("扣分", verb) if self.cap is not None else ""
        against = f"对照{'、'.join(self.checklist)}等事项，" if self.checklist else ""
        return f"由考核组{against}根据工作情况{verb}，每项须写明分值和理由（“{self.fact}”）" + limit

    def apply(self, ctx: Context) -> list[Line]:
        given = ctx.facts.get(self.fact)
        items: list[tuple[str, Adjustment]] = []
        if given is not None:
            for evidence_id, value in given.per_evidence:
                if isinstance(value, tuple):
                    items.extend((evidence_id, a) for a in value if isinstance(a, Adjustment))
        if not items:
            listed = f"（对照：{'、'.join(self.checklist)}等）" if self.checklist else ""
            return [Line(ZERO, f"无人工调整{listed}")]
        sign = 1 if self.direction == "bonus" else -1
        verb = "加" if self.direction == "bonus" else "扣"
        lines = [Line(sign * adj.amount, f"人工评定{verb}{fmt(adj.amount)}分：{adj.reason}", (evidence_id,))
                 for evidence_id, adj in items]
        return _cap(lines, self.cap, "加分" if self.direction == "bonus" else "扣分")


# --- bonuses ----------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class BonusPerItem(BaseRule):
    kind: ClassVar[str] = "bonus_per_item"
    is_bonus: ClassVar[bool] = True
    label: ClassVar[str] = "按项加分"
    summary: ClassVar[str] = "按证据给出的项数加分，每项加固定分值，可设加分上限"
    phrasings: ClassVar[tuple[str, ...]] = ("每一个领域拓展，加1分，加分上限为3分", "每一篇加2分", "每项加3分")
    fact: str = field(metadata=param(fact("count"), "计数的事实：几项（篇、个）"))
    per: Decimal = field(metadata=param(POINTS, "每项加的分值"))
    cap: Decimal | None = field(default=None, metadata=param(POINTS, "加分上限；不写则不设上限"))
    measure: str = "个"

    def describe(self) -> str:
        limit = f"，加分上限{fmt(self.cap)}分" if self.cap is not None else ""
        return f"按“{self.fact}”计，每{self.measure}加{fmt(self.per)}分" + limit

    def compute(self, ctx: Context) -> list[Line]:
        given = ctx.facts.get(self.fact)
        count = _count(given) if given is not None else 0
        if count == 0:
            return [Line(ZERO, f"无“{self.fact}”，不加分", given.evidence if given else ())]
        amount = self.per * count
        line = Line(amount, f"“{self.fact}”{count}{self.measure}，每{self.measure}加{fmt(self.per)}分，加{fmt(amount)}分",
                    given.evidence if given else ())
        return _cap([line], self.cap, "加分")


@dataclass(frozen=True, kw_only=True)
class BonusFlag(BaseRule):
    kind: ClassVar[str] = "bonus_flag"
    is_bonus: ClassVar[bool] = True
    label: ClassVar[str] = "达到条件加分"
    summary: ClassVar[str] = "达到条件时加固定分值"
    phrasings: ClassVar[tuple[str, ...]] = ("…的加3分",)
    fact: str = field(metadata=param(fact("flag"), "是否达到条件（true 为达到）"))
    bonus: Decimal = field(metadata=param(POINTS, "达到时加的分值"))

    def describe(self) -> str:
        return f"“{self.fact}”为“是”时加{fmt(self.bonus)}分"

    def compute(self, ctx: Context) -> list[Line]:
        given = ctx.facts.get(self.fact)
        if given is not None and given.value is True:
            return [Line(self.bonus, f"“{self.fact}”：是，加{fmt(self.bonus)}分", given.evidence)]
        return [Line(ZERO, f"“{self.fact}”：否，不加分", given.evidence if given else ())]


# --- parsing ----------------------------------------------------------------


def _parse_one(data: Any, env: Env) -> Rule:
    return parse_rule(data, env.period_start)


def _parse_rules(value: Any, env: Env) -> tuple[Rule, ...]:
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
    if isinstance(rule, Group):
        return dataclasses.replace(rule, rules=tuple(with_measures(r, facts) for r in rule.rules))
    if isinstance(rule, Followup):
        return dataclasses.replace(rule, first=with_measures(rule.first, facts), then=with_measures(rule.then, facts))
    if isinstance(rule, (PerOccurrence, BonusPerItem, EarnPerItem)):
        spec = facts.get(rule.fact)
        if spec is not None and spec.unit:
            return dataclasses.replace(rule, measure=spec.unit)
    return rule


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


# --- documentation and schema, from the declarations -------------------------------


COMMON_PARAMS = params_of(BaseRule)


def kind_params(cls: type[BaseRule]) -> tuple[Param, ...]:
    """A kind's own parameters (those every rule shares are documented once)."""
    common = {p.name for p in COMMON_PARAMS}
    return tuple(p for p in params_of(cls) if p.name not in common)


def docs_markdown() -> str:
    """The rule-kind reference of docs/scheme-format.md, generated from the declarations."""
    out = ["| kind | 名称 | computes | phrasings in real schemes |", "|---|---|---|---|"]
    for kind, cls in KINDS.items():
        phr = "<br>".join(f"「{p}」" for p in cls.phrasings)
        out.append(f"| `{kind}` | {cls.label} | {cls.summary} | {phr} |")
    out.append("")
    for kind, cls in KINDS.items():
        out += [f"#### `{kind}`（{cls.label}）", "", "| parameter | type | default | meaning |", "|---|---|---|---|"]
        for p in kind_params(cls):
            out.append(f"| `{p.name}` | {p.type.label} | {p.default_text} | {p.help} |")
        out.append("")
    out += ["#### Every rule may also carry", "", "| parameter | type | default | meaning |", "|---|---|---|---|"]
    out += [f"| `{p.name}` | {p.type.label} | {p.default_text} | {p.help} |" for p in COMMON_PARAMS]
    return "\n".join(out) + "\n"


def rule_schema() -> dict[str, Any]:
    """A JSON Schema of one rule (``$defs/rule`` refers back to it for nested rules)."""
    variants = []
    for kind, cls in KINDS.items():
        obj = object_schema(cls, {"kind": {"const": kind, "description": f"{cls.label}：{cls.summary}"}})
        obj["required"] = ["kind", *obj.get("required", [])]
        variants.append(obj)
    return {"oneOf": variants}
