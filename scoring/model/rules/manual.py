"""Judgment: adjustments an assessor makes, each with its amount and reason."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import ClassVar

from ...core.figures import ZERO, fmt
from ..model import Adjustment, Context, Line
from ..params import BOOL, POINTS, TEXTS, choice, fact, param
from .base import BaseRule, cap_lines, cap_text


@dataclass(frozen=True, kw_only=True)
class Manual(BaseRule):
    kind: ClassVar[str] = "manual"
    label: ClassVar[str] = "人工评定"
    summary: ClassVar[str] = ("由考核组评定（方案写“根据工作情况”“……等”、无法逐项计算时），"
                              "每项调整须写明分值和理由；可列出对照的事项清单")
    phrasings: ClassVar[tuple[str, ...]] = ("根据工作情况扣分", "加分酌情而定", "未做好…、…、…等工作的，酌情扣分")
    note: ClassVar[str] = "list the items of 「…等」 under `checklist`"
    examples: ClassVar[tuple[str, ...]] = (
        "{kind: manual, fact: 考核组调整, checklist: [政策解读, 回应关切, 平台建设]}",
        "{kind: manual, fact: 酌情加分, direction: bonus}",
    )
    absence: ClassVar[str] = "own"  # judged by a person: no evidence means no adjustment, in every section
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

    def max_deduction(self, points: Decimal) -> Decimal | None:
        return self.cap if self.direction == "deduct" else ZERO

    def describe(self) -> str:
        verb = "加分" if self.direction == "bonus" else "扣分"
        limit = cap_text(self.cap).replace("扣分", verb) if self.cap is not None else ""
        against = f"对照{'、'.join(self.checklist)}等事项，" if self.checklist else ""
        return f"由考核组{against}根据工作情况{verb}，每项须写明分值和理由（“{self.fact}”）" + limit

    def compute(self, ctx: Context) -> list[Line]:
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
        return cap_lines(lines, self.cap, "加分" if self.direction == "bonus" else "扣分")
