"""Rule kinds: each turns the facts evidence gives into score lines.

A rule is a frozen value parsed from the scheme; ``apply`` is pure. Amounts are
exact decimals: negative for points lost, positive for points gained (a bonus,
or a cap giving back what exceeds it). Every rule yields at least one line, so
that a row shows why it kept its points as well as why it lost them.
"""

from __future__ import annotations

import dataclasses
import difflib
import math
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, ClassVar

from .model import Adjustment, FactSpec, FactValue
from .numbers import ZERO, cn_date, fmt, fmt_percent, percent, round_cent, to_decimal


@dataclass(frozen=True)
class Given:
    """A fact as the evidence of one indicator gives it, all files combined."""

    value: FactValue
    evidence: tuple[str, ...]
    per_evidence: tuple[tuple[str, FactValue], ...] = ()


@dataclass(frozen=True)
class Line:
    amount: Decimal
    reason: str
    evidence: tuple[str, ...] = ()
    at_risk: bool = False  # lost because evidence is absent: evidence could recover it
    unit: str = ""  # the unit that owes this item, where the rule names one
    deadline: date | None = None  # the deadline this line judges, for deadline rules


@dataclass(frozen=True)
class Context:
    facts: Mapping[str, Given]
    points: Decimal
    optional: bool = False  # absent facts mean nothing happened (bonus and major items)
    limit: Decimal | None = None  # the enclosing group's cap: the worst case of an uncapped clause

    @property
    def worst(self) -> Decimal:
        """The most an uncapped clause can cost when its fact is absent."""
        return self.limit if self.limit is not None else self.points


class RuleError(ValueError):
    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line
        self.message = message


@dataclass(frozen=True, kw_only=True)
class Rule:
    kind: ClassVar[str] = ""
    is_bonus: ClassVar[bool] = False
    label: ClassVar[str] = ""
    text: str = ""
    overlaps: str = ""
    as_written: str = ""
    line: int = 0

    @property
    def gives_bonus(self) -> bool:
        """True when the rule's lines add points (a bonus) rather than take them."""
        return self.is_bonus

    def fact_names(self) -> tuple[str, ...]:
        return ()

    def judged_dates(self) -> tuple[date, ...]:
        """The deadlines this rule itself judges (a group's clauses answer for their own)."""
        return ()

    def apply(self, ctx: Context) -> list[Line]:
        raise NotImplementedError

    def max_deduction(self, points: Decimal) -> Decimal | None:
        """The most this rule can take away, or None when unbounded."""
        return None

    def describe(self) -> str:
        """What the rule computes, in one Chinese sentence generated from its parameters."""
        return self.label


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


# --- deductions -------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class PerMissing(Rule):
    kind: ClassVar[str] = "per_missing"
    label: ClassVar[str] = "每缺一项扣分"
    fact: str
    required: tuple[tuple[str, str], ...]  # (item, unit)
    per: Decimal
    cap: Decimal | None = None

    def fact_names(self) -> tuple[str, ...]:
        return (self.fact,)

    def max_deduction(self, points: Decimal) -> Decimal | None:
        total = self.per * len(self.required)
        return min(total, self.cap) if self.cap is not None else total

    def describe(self) -> str:
        items = "、".join(item for item, _ in self.required)
        return f"“{self.fact}”应包含{items}，每缺一项扣{fmt(self.per)}分" + _cap_text(self.cap)

    def apply(self, ctx: Context) -> list[Line]:
        given = ctx.facts.get(self.fact)
        present = set(given.value) if given and isinstance(given.value, tuple) else set()
        lines: list[Line] = []
        for item, unit in self.required:
            if item in present:
                continue
            why = _absent(self.fact) + "，" if given is None else ""
            lines.append(
                Line(-self.per, f"{why}缺少“{item}”，扣{fmt(self.per)}分",
                     given.evidence if given else (), given is None and not ctx.optional, unit)
            )
        if not lines:
            return [_ok(f"“{self.fact}”齐全（{len(self.required)}项）", given)]
        return _cap(lines, self.cap)


@dataclass(frozen=True, kw_only=True)
class PerOccurrence(Rule):
    kind: ClassVar[str] = "per_occurrence"
    label: ClassVar[str] = "按次（件）扣分"
    fact: str
    per: Decimal
    cap: Decimal | None = None
    measure: str = "个"  # the fact's measure word (件, 次, 处), set from its declaration

    def fact_names(self) -> tuple[str, ...]:
        return (self.fact,)

    def max_deduction(self, points: Decimal) -> Decimal | None:
        return self.cap

    def describe(self) -> str:
        return f"按“{self.fact}”计，每{self.measure}扣{fmt(self.per)}分" + _cap_text(self.cap)

    def apply(self, ctx: Context) -> list[Line]:
        given = ctx.facts.get(self.fact)
        if given is None:
            if ctx.optional:
                return [Line(ZERO, f"未发现“{self.fact}”所列情形")]
            worst = self.cap if self.cap is not None else ctx.worst
            return [Line(-worst, f"{_absent(self.fact)}，按最不利情形扣{fmt(worst)}分", (), True)]
        count = int(given.value)  # type: ignore[arg-type]
        if count == 0:
            return [_ok(f"“{self.fact}”为0", given)]
        amount = self.per * count
        line = Line(-amount, f"“{self.fact}”{count}{self.measure}，每{self.measure}扣{fmt(self.per)}分，扣{fmt(amount)}分",
                    given.evidence)
        return _cap([line], self.cap)


def _ratio(ctx: Context, numerator: str, denominator: str) -> tuple[Decimal, Decimal, tuple[str, ...]] | str:
    num = ctx.facts.get(numerator)
    den = ctx.facts.get(denominator)
    missing = [name for name, g in ((numerator, num), (denominator, den)) if g is None]
    if missing:
        return "、".join(f"“{m}”" for m in missing)
    assert num is not None and den is not None
    evidence = tuple(dict.fromkeys(num.evidence + den.evidence))
    return to_decimal(num.value), to_decimal(den.value), evidence


@dataclass(frozen=True, kw_only=True)
class PercentFloor(Rule):
    kind: ClassVar[str] = "percent_floor"
    label: ClassVar[str] = "比例下限，按档扣分"
    numerator: str
    denominator: str
    floor: Decimal
    step: Decimal
    per: Decimal
    cap: Decimal | None = None
    rounding: str = "up"  # up | down | exact
    on_zero: str = "met"  # met | failed

    def fact_names(self) -> tuple[str, ...]:
        return (self.numerator, self.denominator)

    def max_deduction(self, points: Decimal) -> Decimal | None:
        steps = self.floor / self.step
        worst = self.per * Decimal(math.ceil(steps))
        return min(worst, self.cap) if self.cap is not None else worst

    def describe(self) -> str:
        how = {"up": "不足一档按一档计", "down": "不足一档不计", "exact": "按比例折算"}[self.rounding]
        return (f"“{self.numerator}”占“{self.denominator}”不得低于{fmt(self.floor)}%，每低{fmt(self.step)}个百分点"
                f"扣{fmt(self.per)}分（{how}）" + _cap_text(self.cap))

    def apply(self, ctx: Context) -> list[Line]:
        got = _ratio(ctx, self.numerator, self.denominator)
        worst = self.max_deduction(ctx.points) or ZERO
        if isinstance(got, str):
            return [Line(-worst, f"未提供{got}的证据，按最不利情形扣{fmt(worst)}分", (), True)]
        num, den, evidence = got
        if den == 0:
            if self.on_zero == "met":
                return [Line(ZERO, f"“{self.denominator}”为0，无可计算的比例，按达标计", evidence)]
            return [Line(-worst, f"“{self.denominator}”为0，按未达标扣{fmt(worst)}分", evidence)]
        pct = percent(num, den)
        shown = f"{fmt(num)}/{fmt(den)} = {fmt_percent(pct)}"
        if pct >= self.floor:
            return [Line(ZERO, f"比例 {shown}，不低于{fmt(self.floor)}%", evidence)]
        shortfall = self.floor - pct
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
class RatioScore(Rule):
    kind: ClassVar[str] = "ratio_score"
    label: ClassVar[str] = "按比例计分"
    numerator: str
    denominator: str
    invert: bool = False
    on_zero: str = "met"

    def fact_names(self) -> tuple[str, ...]:
        return (self.numerator, self.denominator)

    def max_deduction(self, points: Decimal) -> Decimal | None:
        return points

    def describe(self) -> str:
        ratio = f"{self.numerator}/{self.denominator}"
        formula = f"（1 − {ratio}）" if self.invert else ratio
        return f"得分 = {formula} × 赋分，保留两位小数"

    def apply(self, ctx: Context) -> list[Line]:
        got = _ratio(ctx, self.numerator, self.denominator)
        if isinstance(got, str):
            return [Line(-ctx.points, f"未提供{got}的证据，按最不利情形扣{fmt(ctx.points)}分", (), True)]
        num, den, evidence = got
        if den == 0:
            if self.on_zero == "met":
                return [Line(ZERO, f"“{self.denominator}”为0，按达标计", evidence)]
            return [Line(-ctx.points, f"“{self.denominator}”为0，不得分", evidence)]
        ratio = min(num / den, Decimal(1))
        factor = 1 - ratio if self.invert else ratio
        score = round_cent(factor * ctx.points)
        lost = ctx.points - score
        formula = f"（1 − {fmt_percent(ratio * 100)}）" if self.invert else fmt_percent(ratio * 100)
        reason = (f"{self.numerator}/{self.denominator} = {fmt(num)}/{fmt(den)} = {fmt_percent(ratio * 100)}，"
                  f"得分 = {formula} × {fmt(ctx.points)} = {fmt(score)}")
        if lost:
            reason += f"，扣{fmt(lost)}分"
        return [Line(-lost, reason, evidence)]


def _dates(given: Given | None) -> list[tuple[date, str]]:
    if given is None:
        return []
    out: list[tuple[date, str]] = []
    for evidence_id, value in given.per_evidence:
        if isinstance(value, tuple):
            out.extend((d, evidence_id) for d in value if isinstance(d, date))
    return sorted(out)


@dataclass(frozen=True, kw_only=True)
class PerDeadline(Rule):
    kind: ClassVar[str] = "per_deadline"
    label: ClassVar[str] = "逐个时限扣分"
    fact: str
    deadlines: tuple[date, ...]
    per: Decimal
    cap: Decimal | None = None
    period_start: date | None = None

    def fact_names(self) -> tuple[str, ...]:
        return (self.fact,)

    def judged_dates(self) -> tuple[date, ...]:
        return self.deadlines

    def max_deduction(self, points: Decimal) -> Decimal | None:
        total = self.per * len(self.deadlines)
        return min(total, self.cap) if self.cap is not None else total

    def describe(self) -> str:
        days = "、".join(cn_date(d) for d in self.deadlines)
        return f"应在{days}前各完成一次（以“{self.fact}”为准），每缺一次扣{fmt(self.per)}分" + _cap_text(self.cap)

    def apply(self, ctx: Context) -> list[Line]:
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
                                  given is None and not ctx.optional, deadline=deadline))
            previous = deadline
        return _cap(lines, self.cap)


@dataclass(frozen=True, kw_only=True)
class Deadline(Rule):
    kind: ClassVar[str] = "deadline"
    label: ClassVar[str] = "限期完成"
    fact: str
    deadline: date
    deduct: Decimal

    def fact_names(self) -> tuple[str, ...]:
        return (self.fact,)

    def judged_dates(self) -> tuple[date, ...]:
        return (self.deadline,)

    def max_deduction(self, points: Decimal) -> Decimal | None:
        return self.deduct

    def describe(self) -> str:
        return f"应在{cn_date(self.deadline)}前完成（以“{self.fact}”为准），未完成扣{fmt(self.deduct)}分"

    def apply(self, ctx: Context) -> list[Line]:
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
                     f"扣{fmt(self.deduct)}分", (), not ctx.optional, deadline=self.deadline)]


@dataclass(frozen=True, kw_only=True)
class Required(Rule):
    kind: ClassVar[str] = "required"
    label: ClassVar[str] = "未完成即扣分"
    fact: str
    deduct: Decimal

    def fact_names(self) -> tuple[str, ...]:
        return (self.fact,)

    def max_deduction(self, points: Decimal) -> Decimal | None:
        return self.deduct

    def describe(self) -> str:
        return f"“{self.fact}”应为“是”，否则扣{fmt(self.deduct)}分"

    def apply(self, ctx: Context) -> list[Line]:
        given = ctx.facts.get(self.fact)
        if given is not None and given.value is True:
            return [_ok(f"“{self.fact}”：是", given)]
        if given is None:
            return [Line(-self.deduct, f"{_absent(self.fact)}，扣{fmt(self.deduct)}分", (), not ctx.optional)]
        return [Line(-self.deduct, f"“{self.fact}”：否，扣{fmt(self.deduct)}分", given.evidence)]


@dataclass(frozen=True)
class Level:
    missing: tuple[str, ...]
    match: str  # any | all
    deduct: Decimal


@dataclass(frozen=True, kw_only=True)
class Graded(Rule):
    kind: ClassVar[str] = "graded"
    label: ClassVar[str] = "分档扣分"
    fact: str
    levels: tuple[Level, ...]

    def fact_names(self) -> tuple[str, ...]:
        return (self.fact,)

    def max_deduction(self, points: Decimal) -> Decimal | None:
        return max((lv.deduct for lv in self.levels), default=ZERO)

    def describe(self) -> str:
        parts = [f"缺{'任一' if lv.match == 'any' else '全部'}{'、'.join(lv.missing)}扣{fmt(lv.deduct)}分"
                 for lv in self.levels]
        return f"按“{self.fact}”分档：" + "；".join(parts) + "（取其中最高的一档）"

    def apply(self, ctx: Context) -> list[Line]:
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
    item: str
    deduct: Decimal


@dataclass(frozen=True, kw_only=True)
class Tiered(Rule):
    kind: ClassVar[str] = "tiered"
    label: ClassVar[str] = "按层级扣分"
    fact: str
    tiers: tuple[Tier, ...]

    def fact_names(self) -> tuple[str, ...]:
        return (self.fact,)

    def max_deduction(self, points: Decimal) -> Decimal | None:
        return max((t.deduct for t in self.tiers), default=ZERO)

    def describe(self) -> str:
        parts = "；".join(f"{t.item}扣{fmt(t.deduct)}分" for t in self.tiers)
        return f"按“{self.fact}”的层级：{parts}（取最高的一级）"

    def apply(self, ctx: Context) -> list[Line]:
        given = ctx.facts.get(self.fact)
        if given is None:
            if ctx.optional:
                return [Line(ZERO, f"未发现“{self.fact}”所列情形")]
            worst = self.max_deduction(ctx.points) or ZERO
            return [Line(-worst, f"{_absent(self.fact)}，按最不利情形扣{fmt(worst)}分", (), True)]
        present = set(given.value) if isinstance(given.value, tuple) else set()
        hits = [t for t in self.tiers if t.item in present]
        if not hits:
            return [_ok(f"“{self.fact}”：无", given)]
        tier = max(hits, key=lambda t: t.deduct)
        return [Line(-tier.deduct, f"“{self.fact}”：{tier.item}，扣{fmt(tier.deduct)}分", given.evidence)]


@dataclass(frozen=True, kw_only=True)
class Group(Rule):
    kind: ClassVar[str] = "group"
    label: ClassVar[str] = "多项共用扣分上限"
    rules: tuple[Rule, ...]
    cap: Decimal | None = None

    def fact_names(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(n for r in self.rules for n in r.fact_names()))

    def max_deduction(self, points: Decimal) -> Decimal | None:
        return self.cap

    def describe(self) -> str:
        return "以下各项合计" + _cap_text(self.cap) + "：" + "；".join(r.describe() for r in self.rules)

    def apply(self, ctx: Context) -> list[Line]:
        inner = dataclasses.replace(ctx, limit=self.cap) if self.cap is not None else ctx
        lines = [ln for rule in self.rules for ln in rule.apply(inner)]
        return _cap(lines, self.cap)


@dataclass(frozen=True, kw_only=True)
class Manual(Rule):
    kind: ClassVar[str] = "manual"
    label: ClassVar[str] = "人工评定"
    fact: str
    direction: str = "deduct"  # deduct | bonus
    cap: Decimal | None = None
    needs_review: bool = False  # written by the importer for text it could not read as a rule

    @property
    def gives_bonus(self) -> bool:
        return self.direction == "bonus"

    def fact_names(self) -> tuple[str, ...]:
        return (self.fact,)

    def max_deduction(self, points: Decimal) -> Decimal | None:
        return self.cap if self.direction == "deduct" else ZERO

    def describe(self) -> str:
        verb = "加分" if self.direction == "bonus" else "扣分"
        limit = _cap_text(self.cap).replace("扣分", verb) if self.cap is not None else ""
        return f"由考核组根据工作情况{verb}，每项须写明分值和理由（“{self.fact}”）" + limit

    def apply(self, ctx: Context) -> list[Line]:
        given = ctx.facts.get(self.fact)
        items: list[tuple[str, Adjustment]] = []
        if given is not None:
            for evidence_id, value in given.per_evidence:
                if isinstance(value, tuple):
                    items.extend((evidence_id, a) for a in value if isinstance(a, Adjustment))
        if not items:
            return [Line(ZERO, "无人工调整")]
        sign = 1 if self.direction == "bonus" else -1
        verb = "加" if self.direction == "bonus" else "扣"
        lines = [Line(sign * adj.amount, f"人工评定{verb}{fmt(adj.amount)}分：{adj.reason}", (evidence_id,))
                 for evidence_id, adj in items]
        return _cap(lines, self.cap, "加分" if self.direction == "bonus" else "扣分")


# --- bonuses ----------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class BonusPerItem(Rule):
    kind: ClassVar[str] = "bonus_per_item"
    is_bonus: ClassVar[bool] = True
    label: ClassVar[str] = "按项加分"
    fact: str
    per: Decimal
    cap: Decimal | None = None
    measure: str = "个"

    def fact_names(self) -> tuple[str, ...]:
        return (self.fact,)

    def describe(self) -> str:
        limit = f"，加分上限{fmt(self.cap)}分" if self.cap is not None else ""
        return f"按“{self.fact}”计，每{self.measure}加{fmt(self.per)}分" + limit

    def apply(self, ctx: Context) -> list[Line]:
        given = ctx.facts.get(self.fact)
        count = int(given.value) if given is not None else 0  # type: ignore[arg-type]
        if count == 0:
            return [Line(ZERO, f"无“{self.fact}”，不加分", given.evidence if given else ())]
        amount = self.per * count
        line = Line(amount, f"“{self.fact}”{count}{self.measure}，每{self.measure}加{fmt(self.per)}分，加{fmt(amount)}分",
                    given.evidence if given else ())
        return _cap([line], self.cap, "加分")


@dataclass(frozen=True, kw_only=True)
class BonusFlag(Rule):
    kind: ClassVar[str] = "bonus_flag"
    is_bonus: ClassVar[bool] = True
    label: ClassVar[str] = "达到条件加分"
    fact: str
    bonus: Decimal

    def fact_names(self) -> tuple[str, ...]:
        return (self.fact,)

    def describe(self) -> str:
        return f"“{self.fact}”为“是”时加{fmt(self.bonus)}分"

    def apply(self, ctx: Context) -> list[Line]:
        given = ctx.facts.get(self.fact)
        if given is not None and given.value is True:
            return [Line(self.bonus, f"“{self.fact}”：是，加{fmt(self.bonus)}分", given.evidence)]
        return [Line(ZERO, f"“{self.fact}”：否，不加分", given.evidence if given else ())]


KINDS: dict[str, type[Rule]] = {
    cls.kind: cls
    for cls in (PerMissing, PerOccurrence, PercentFloor, RatioScore, PerDeadline, Deadline, Required,
                Graded, Tiered, Group, Manual, BonusPerItem, BonusFlag)
}

# The fact type each fact-naming parameter of a kind needs.
FACT_TYPES: dict[str, dict[str, tuple[str, ...]]] = {
    "per_missing": {"fact": ("items",)},
    "per_occurrence": {"fact": ("count",)},
    "percent_floor": {"numerator": ("count", "number"), "denominator": ("count", "number")},
    "ratio_score": {"numerator": ("count", "number"), "denominator": ("count", "number")},
    "per_deadline": {"fact": ("date",)},
    "deadline": {"fact": ("date",)},
    "required": {"fact": ("flag",)},
    "graded": {"fact": ("items",)},
    "tiered": {"fact": ("items",)},
    "manual": {"fact": ("adjustments",)},
    "bonus_per_item": {"fact": ("count",)},
    "bonus_flag": {"fact": ("flag",)},
}


# --- parsing ----------------------------------------------------------------


@dataclass
class _Reader:
    data: Mapping[str, Any]
    line: int
    used: set[str] = field(default_factory=set)

    def line_of(self, key: str) -> int:
        line_of: Callable[[str], int] | None = getattr(self.data, "line_of", None)
        return line_of(key) if line_of else self.line

    def get(self, key: str, conv: Callable[[Any], Any], default: Any = ..., what: str = "") -> Any:
        self.used.add(key)
        if key not in self.data or self.data[key] is None:
            if default is ...:
                raise RuleError(self.line, f"规则缺少参数 {key}{what}")
            return default
        try:
            return conv(self.data[key])
        except (ValueError, TypeError) as exc:
            raise RuleError(self.line_of(key), f"规则参数 {key} 无效：{exc}") from None


def _str(value: Any) -> str:
    if not isinstance(value, (str, int)) or isinstance(value, bool):
        raise ValueError("应为文字")
    return str(value)


def _bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError("应为 true 或 false")
    return value


def _date(value: Any) -> date:
    if not isinstance(value, date):
        raise ValueError(f"“{value}”不是 YYYY-MM-DD 格式的日期")
    return value


def _choice(*options: str) -> Callable[[Any], str]:
    def conv(value: Any) -> str:
        if value not in options:
            raise ValueError(f"应为 {' / '.join(options)} 之一")
        return str(value)

    return conv


def _list(conv: Callable[[Any], Any]) -> Callable[[Any], tuple[Any, ...]]:
    def inner(value: Any) -> tuple[Any, ...]:
        if not isinstance(value, list):
            raise ValueError("应为列表")
        return tuple(conv(v) for v in value)

    return inner


def _required_item(value: Any) -> tuple[str, str]:
    if isinstance(value, Mapping):
        return _str(value.get("item")), str(value.get("unit") or "")
    return _str(value), ""


def _level(value: Any) -> Level:
    if not isinstance(value, Mapping):
        raise ValueError("每一档应为 {missing, match, deduct}")
    return Level(_list(_str)(value.get("missing")), _choice("any", "all")(value.get("match", "any")),
                 to_decimal(value.get("deduct")))


def _tier(value: Any) -> Tier:
    if not isinstance(value, Mapping):
        raise ValueError("每一层级应为 {item, deduct}")
    return Tier(_str(value.get("item")), to_decimal(value.get("deduct")))


def parse_rule(data: Any, period_start: date | None = None) -> Rule:
    """Build a rule from its YAML mapping; raise ``RuleError`` with a line."""
    line = getattr(data, "line", 0)
    if not isinstance(data, Mapping):
        raise RuleError(line, "每条规则应为一个映射（kind: …）")
    r = _Reader(data, line)
    kind = r.get("kind", _str)
    cls = KINDS.get(kind)
    if cls is None:
        close = difflib.get_close_matches(kind, list(KINDS), n=1)
        hint = f"，是否为 {close[0]}？" if close else f"；可用：{'、'.join(KINDS)}"
        raise RuleError(r.line_of("kind"), f"未知规则类型 {kind}{hint}")
    common: dict[str, Any] = {
        "text": r.get("text", _str, ""),
        "overlaps": r.get("overlaps", _str, ""),
        "as_written": r.get("as_written", _str, ""),
        "line": line,
    }
    dec = to_decimal
    opt_dec = None
    params: dict[str, Any]
    if kind == "per_missing":
        params = {"fact": r.get("fact", _str), "required": r.get("required", _list(_required_item)),
                  "per": r.get("per", dec), "cap": r.get("cap", dec, opt_dec)}
    elif kind in ("per_occurrence", "bonus_per_item"):
        params = {"fact": r.get("fact", _str), "per": r.get("per", dec), "cap": r.get("cap", dec, opt_dec)}
    elif kind == "percent_floor":
        params = {"numerator": r.get("numerator", _str), "denominator": r.get("denominator", _str),
                  "floor": r.get("floor", dec), "step": r.get("step", dec), "per": r.get("per", dec),
                  "cap": r.get("cap", dec, opt_dec),
                  "rounding": r.get("rounding", _choice("up", "down", "exact"), "up"),
                  "on_zero": r.get("on_zero", _choice("met", "failed"), "met")}
        if params["step"] <= 0:
            raise RuleError(r.line_of("step"), "规则参数 step 应大于0")
    elif kind == "ratio_score":
        params = {"numerator": r.get("numerator", _str), "denominator": r.get("denominator", _str),
                  "invert": r.get("invert", _bool, False),
                  "on_zero": r.get("on_zero", _choice("met", "failed"), "met")}
    elif kind == "per_deadline":
        deadlines = r.get("deadlines", _list(_date))
        if list(deadlines) != sorted(deadlines):
            raise RuleError(r.line_of("deadlines"), "deadlines 应按时间先后排列")
        params = {"fact": r.get("fact", _str), "deadlines": deadlines, "per": r.get("per", dec),
                  "cap": r.get("cap", dec, opt_dec), "period_start": period_start}
    elif kind == "deadline":
        params = {"fact": r.get("fact", _str), "deadline": r.get("deadline", _date), "deduct": r.get("deduct", dec)}
    elif kind == "required":
        params = {"fact": r.get("fact", _str), "deduct": r.get("deduct", dec)}
    elif kind == "graded":
        params = {"fact": r.get("fact", _str), "levels": r.get("levels", _list(_level))}
    elif kind == "tiered":
        params = {"fact": r.get("fact", _str), "tiers": r.get("tiers", _list(_tier))}
    elif kind == "group":
        subs = r.get("rules", lambda v: v)
        if not isinstance(subs, list) or not subs:
            raise RuleError(r.line_of("rules"), "group 规则的 rules 应为非空列表")
        params = {"rules": tuple(parse_rule(s, period_start) for s in subs), "cap": r.get("cap", dec, opt_dec)}
    elif kind == "manual":
        params = {"fact": r.get("fact", _str), "direction": r.get("direction", _choice("deduct", "bonus"), "deduct"),
                  "cap": r.get("cap", dec, opt_dec), "needs_review": r.get("needs_review", _bool, False)}
    else:  # bonus_flag
        params = {"fact": r.get("fact", _str), "bonus": r.get("bonus", dec)}
    unknown = sorted(set(data) - r.used)
    if unknown:
        raise RuleError(r.line_of(unknown[0]), f"规则 {kind} 不认识参数 {unknown[0]}")
    return cls(**common, **params)


def walk(rules: tuple[Rule, ...]) -> Iterator[Rule]:
    """Every rule, and every clause inside a group, in order."""
    for rule in rules:
        yield rule
        if isinstance(rule, Group):
            yield from walk(rule.rules)


def with_measures(rule: Rule, facts: Mapping[str, FactSpec]) -> Rule:
    """Give counting rules the measure word their fact declares (件, 次, 处)."""
    if isinstance(rule, Group):
        return dataclasses.replace(rule, rules=tuple(with_measures(r, facts) for r in rule.rules))
    if isinstance(rule, (PerOccurrence, BonusPerItem)):
        spec = facts.get(rule.fact)
        if spec is not None and spec.unit:
            return dataclasses.replace(rule, measure=spec.unit)
    return rule


def fact_refs(rule: Rule) -> list[tuple[str, str, tuple[str, ...]]]:
    """(parameter, fact name, allowed types) for every fact a rule names."""
    if isinstance(rule, Group):
        return [ref for sub in rule.rules for ref in fact_refs(sub)]
    out = []
    for param, types in FACT_TYPES.get(rule.kind, {}).items():
        out.append((param, str(getattr(rule, param)), types))
    return out


def check_fact_types(rule: Rule, facts: Mapping[str, FactSpec]) -> list[tuple[int, str]]:
    """Problems (line, message) where a rule names an undeclared or mistyped fact."""
    problems = []
    for param, name, types in fact_refs(rule):
        spec = facts.get(name)
        if spec is None:
            problems.append((rule.line, f"规则 {rule.kind} 的 {param} 引用了未声明的事实“{name}”"))
        elif spec.type not in types:
            problems.append((rule.line, f"规则 {rule.kind} 的 {param} 需要 {'/'.join(types)} 类型的事实，"
                             f"“{name}”是 {spec.type}"))
    return problems
