"""Kinds on dates: a duty due by one deadline, or by each of several."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import ClassVar

from ...core.figures import ZERO, cn_date, fmt
from ..model import Context, Given, Line
from ..params import DATE, DATES, POINTS, fact, param
from .base import CAP, BaseRule, absent, cap_lines, cap_text


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
    examples: ClassVar[tuple[str, ...]] = (
        "{kind: per_deadline, fact: 检查日期, deadlines: [2021-07-31, 2021-09-30, 2021-11-30], per: 1, cap: 3}",
    )
    absence: ClassVar[str] = "itemised"
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

    def uncapped_worst(self) -> tuple[int, Decimal] | None:
        return (len(self.deadlines), self.per) if self.cap is None else None

    def describe(self) -> str:
        days = "、".join(cn_date(d) for d in self.deadlines)
        return f"应在{days}前各完成一次（以“{self.fact}”为准），每缺一次扣{fmt(self.per)}分" + cap_text(self.cap)

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
                why = absent(self.fact) + "，" if given is None else ""
                lines.append(Line(-self.per, f"{why}{window}无记录，扣{fmt(self.per)}分", (),
                                  given is None, deadline=deadline))
            previous = deadline
        return cap_lines(lines, self.cap)


@dataclass(frozen=True, kw_only=True)
class Deadline(BaseRule):
    kind: ClassVar[str] = "deadline"
    label: ClassVar[str] = "限期完成"
    summary: ClassVar[str] = "应在时限前完成，未完成（或晚于时限）扣固定分值"
    phrasings: ClassVar[tuple[str, ...]] = ("9月底前完成…未完成的扣2分", "年底前提交推进情况报告，未提交的扣2分")
    examples: ClassVar[tuple[str, ...]] = ("{kind: deadline, fact: 完成日期, deadline: 2021-09-30, deduct: 2}",)
    fact: str = field(metadata=param(fact("date"), "记录完成日期的事实"))
    deadline: date = field(metadata=param(DATE, "时限，当天完成也算按时"))
    deduct: Decimal = field(metadata=param(POINTS, "未按时完成扣的分值"))

    def judged_dates(self) -> tuple[date, ...]:
        return (self.deadline,)

    def max_deduction(self, points: Decimal) -> Decimal | None:
        return self.deduct

    def fixed_deduction(self, points: Decimal) -> Decimal | None:
        return self.deduct

    def describe(self) -> str:
        return f"应在{cn_date(self.deadline)}前完成（以“{self.fact}”为准），未完成扣{fmt(self.deduct)}分"

    def absent_lines(self, ctx: Context, missing: list[str]) -> list[Line]:
        return [Line(-self.deduct, f"{absent(self.fact)}，{cn_date(self.deadline)}前未完成，"
                     f"扣{fmt(self.deduct)}分", (), True, deadline=self.deadline)]

    def compute(self, ctx: Context) -> list[Line]:
        dates = _dates(ctx.facts[self.fact])
        on_time = [(d, e) for d, e in dates if d <= self.deadline]
        if on_time:
            return [Line(ZERO, f"已于{cn_date(on_time[0][0])}完成，未超过{cn_date(self.deadline)}",
                         (on_time[0][1],), deadline=self.deadline)]
        if dates:
            return [Line(-self.deduct, f"{cn_date(dates[0][0])}才完成，晚于{cn_date(self.deadline)}，"
                         f"扣{fmt(self.deduct)}分", tuple(e for _, e in dates), deadline=self.deadline)]
        return self.absent_lines(ctx, [self.fact])  # given, but with no date: as if absent
