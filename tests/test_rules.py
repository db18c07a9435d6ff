"""Every rule kind against hand-computed cases, edges included."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from scoring.model import Adjustment, FactValue
from scoring.rules import Context, Given, parse_rule

D = Decimal


def given(**facts: FactValue) -> dict[str, Given]:
    return {name: Given(value, ("ev1",), (("ev1", value),)) for name, value in facts.items()}


def days(*texts: str) -> tuple[date, ...]:
    return tuple(date.fromisoformat(t) for t in texts)


def run(rule: dict[str, Any], facts: dict[str, Given], points: str = "2", optional: bool = False) -> tuple[Decimal, bool]:
    lines = parse_rule(rule).apply(Context(facts, D(points), optional))
    assert lines, "every rule yields at least one line"
    return sum((ln.amount for ln in lines), D(0)), any(ln.at_risk for ln in lines)


RESEARCH = {"kind": "per_missing", "fact": "事项", "required": ["甲", "乙", "丙"], "per": 1, "cap": 4}
OCCUR = {"kind": "per_occurrence", "fact": "问题数", "per": 0.5, "cap": 2}
FLOOR = {"kind": "percent_floor", "numerator": "多样", "denominator": "总数", "floor": 90, "step": 2,
         "per": 0.5, "cap": 4}
RATIO = {"kind": "ratio_score", "numerator": "合规", "denominator": "总量"}
INVERTED = {"kind": "ratio_score", "numerator": "迟报", "denominator": "总量", "invert": True}
CHECKS = {"kind": "per_deadline", "fact": "检查日期", "per": 1, "cap": 3,
          "deadlines": [date(2021, 7, 31), date(2021, 9, 30), date(2021, 11, 30)]}
ONE_DEADLINE = {"kind": "deadline", "fact": "完成日期", "deadline": date(2021, 9, 30), "deduct": 2}
GRADED = {"kind": "graded", "fact": "已公开", "levels": [
    {"missing": ["纲要", "专项"], "match": "any", "deduct": 2}, {"missing": ["历史"], "deduct": 1}]}
TIERED = {"kind": "tiered", "fact": "通报层级", "tiers": [{"item": "国家省级", "deduct": 5}, {"item": "市级", "deduct": 2}]}
GROUP = {"kind": "group", "cap": 10, "rules": [
    {"kind": "per_occurrence", "fact": "通报", "per": 0.5},
    {"kind": "per_occurrence", "fact": "未整改", "per": 1},
    {"kind": "per_occurrence", "fact": "更新不足", "per": 3}]}

CASES: list[tuple[str, dict[str, Any], dict[str, Given], str, str, bool]] = [
    # name, rule, facts, points, expected amount, expected at_risk
    ("per_missing all present", RESEARCH, given(事项=("甲", "乙", "丙")), "2", "0", False),
    ("per_missing one missing", RESEARCH, given(事项=("甲", "丙")), "2", "-1", False),
    ("per_missing none given: worst case, at risk", RESEARCH, {}, "2", "-3", True),
    ("per_missing cap reached exactly", {**RESEARCH, "cap": 3}, given(事项=()), "2", "-3", False),
    ("per_missing over cap", {**RESEARCH, "per": 2}, given(事项=()), "2", "-4", False),
    ("per_missing no cap (每缺1项扣2分)", {**RESEARCH, "per": 2, "cap": None}, given(事项=("甲",)), "3", "-4", False),
    ("per_occurrence zero", OCCUR, given(问题数=0), "2", "0", False),
    ("per_occurrence three", OCCUR, given(问题数=3), "2", "-1.5", False),
    ("per_occurrence cap reached exactly", OCCUR, given(问题数=4), "2", "-2", False),
    ("per_occurrence over cap", OCCUR, given(问题数=9), "2", "-2", False),
    ("per_occurrence absent: cap, at risk", OCCUR, {}, "2", "-2", True),
    ("percent_floor met", FLOOR, given(多样=D(90), 总数=D(100)), "2", "0", False),
    ("percent_floor one step", FLOOR, given(多样=D(88), 总数=D(100)), "2", "-0.5", False),
    ("percent_floor partial step counts as a step", FLOOR, given(多样=D(87), 总数=D(100)), "2", "-1", False),
    ("percent_floor rounding down", {**FLOOR, "rounding": "down"}, given(多样=D(87), 总数=D(100)), "2", "-0.5", False),
    ("percent_floor rounding exact", {**FLOOR, "rounding": "exact"}, given(多样=D(87), 总数=D(100)), "2", "-0.75", False),
    ("percent_floor capped", FLOOR, given(多样=D(10), 总数=D(100)), "2", "-4", False),
    ("percent_floor zero denominator met", FLOOR, given(多样=D(0), 总数=D(0)), "2", "0", False),
    ("percent_floor zero denominator failed", {**FLOOR, "on_zero": "failed"}, given(多样=D(0), 总数=D(0)), "2", "-4", False),
    ("percent_floor non-terminating ratio", FLOOR, given(多样=D(2), 总数=D(3)), "2", "-4", False),
    ("percent_floor 89.5% is under by a part step", FLOOR, given(多样=D(179), 总数=D(200)), "2", "-0.5", False),
    ("ratio_score full", RATIO, given(合规=D(1000), 总量=D(1000)), "5", "0", False),
    ("ratio_score 98%", RATIO, given(合规=D(980), 总量=D(1000)), "5", "-0.1", False),
    ("ratio_score rounds to cents", RATIO, given(合规=D(2), 总量=D(3)), "5", "-1.67", False),
    ("ratio_score zero denominator met", RATIO, given(合规=D(0), 总量=D(0)), "5", "0", False),
    ("ratio_score zero denominator failed", {**RATIO, "on_zero": "failed"}, given(合规=D(0), 总量=D(0)), "5", "-5", False),
    ("ratio_score absent: no marks, at risk", RATIO, given(合规=D(10)), "5", "-5", True),
    ("ratio_score inverted 3% late", INVERTED, given(迟报=D(30), 总量=D(1000)), "5", "-0.15", False),
    ("ratio_score numerator above denominator capped at 100%", RATIO, given(合规=D(12), 总量=D(10)), "5", "0", False),
    ("per_deadline all three windows", CHECKS, given(检查日期=days("2021-07-28", "2021-09-27", "2021-11-26")), "3", "0", False),
    ("per_deadline on the deadline day counts", CHECKS, given(检查日期=days("2021-07-31", "2021-09-30", "2021-11-30")), "3", "0", False),
    ("per_deadline a day late misses the window", CHECKS, given(检查日期=days("2021-07-31", "2021-10-01", "2021-11-30")), "3", "-1", False),
    ("per_deadline one early check does not serve every window", CHECKS, given(检查日期=(date(2021, 6, 1),)), "3", "-2", False),
    ("per_deadline none given", CHECKS, {}, "3", "-3", True),
    ("deadline on the day", ONE_DEADLINE, given(完成日期=(date(2021, 9, 30),)), "2", "0", False),
    ("deadline a day late", ONE_DEADLINE, given(完成日期=(date(2021, 10, 1),)), "2", "-2", False),
    ("deadline absent", ONE_DEADLINE, {}, "2", "-2", True),
    ("required true", {"kind": "required", "fact": "已开展", "deduct": 3}, given(已开展=True), "3", "0", False),
    ("required false", {"kind": "required", "fact": "已开展", "deduct": 3}, given(已开展=False), "3", "-3", False),
    ("required absent", {"kind": "required", "fact": "已开展", "deduct": 3}, {}, "3", "-3", True),
    ("graded all published", GRADED, given(已公开=("纲要", "专项", "历史")), "3", "0", False),
    ("graded only history missing", GRADED, given(已公开=("纲要", "专项")), "3", "-1", False),
    ("graded all missing takes the larger grade only", GRADED, given(已公开=()), "3", "-2", False),
    ("tiered none", TIERED, given(通报层级=()), "1", "0", False),
    ("tiered city", TIERED, given(通报层级=("市级",)), "1", "-2", False),
    ("tiered both: the higher tier only", TIERED, given(通报层级=("市级", "国家省级")), "1", "-5", False),
    ("group under cap", GROUP, given(通报=2, 未整改=1, 更新不足=1), "0", "-5", False),
    ("group shared cap", GROUP, given(通报=4, 未整改=3, 更新不足=3), "0", "-10", False),
    ("group with nothing given: the shared cap, at risk", GROUP, {}, "0", "-10", True),
    ("group partly given: absent clauses cost up to the cap", GROUP, given(通报=1, 未整改=0), "0", "-10", True),
    ("manual deduct with reasons", {"kind": "manual", "fact": "调整", "cap": 2},
     given(调整=(Adjustment(D("0.5"), "逾期"), Adjustment(D(1), "未回复"))), "2", "-1.5", False),
    ("manual capped", {"kind": "manual", "fact": "调整", "cap": 1},
     given(调整=(Adjustment(D(1), "甲"), Adjustment(D(1), "乙"))), "2", "-1", False),
    ("manual none", {"kind": "manual", "fact": "调整"}, {}, "2", "0", False),
    ("bonus_per_item capped", {"kind": "bonus_per_item", "fact": "拓展", "per": 1, "cap": 3}, given(拓展=5), "0", "3", False),
    ("bonus_per_item cap reached exactly", {"kind": "bonus_per_item", "fact": "拓展", "per": 1, "cap": 3}, given(拓展=3), "0", "3", False),
    ("bonus_per_item uncapped", {"kind": "bonus_per_item", "fact": "篇数", "per": 2}, given(篇数=3), "2", "6", False),
    ("bonus_per_item absent is no bonus, not at risk", {"kind": "bonus_per_item", "fact": "篇数", "per": 2}, {}, "2", "0", False),
    ("bonus_flag yes", {"kind": "bonus_flag", "fact": "亮点", "bonus": 3}, given(亮点=True), "3", "3", False),
    ("bonus_flag no", {"kind": "bonus_flag", "fact": "亮点", "bonus": 3}, given(亮点=False), "3", "0", False),
    ("manual bonus", {"kind": "manual", "fact": "酌情", "direction": "bonus"},
     given(酌情=(Adjustment(D("0.5"), "创新做法"),)), "0", "0.5", False),
]


@pytest.mark.parametrize(("name", "rule", "facts", "points", "expected", "risk"), CASES, ids=[c[0] for c in CASES])
def test_rule_case(name: str, rule: dict[str, Any], facts: dict[str, Given], points: str, expected: str,
                   risk: bool) -> None:
    amount, at_risk = run(rule, facts, points)
    assert amount == D(expected)
    assert at_risk is risk


def test_absent_fact_of_an_optional_item_means_nothing_happened() -> None:
    major = {"kind": "per_occurrence", "fact": "败诉件数", "per": 10}
    assert run(major, {}, "0", optional=True) == (D(0), False)
    assert run(major, given(败诉件数=2), "0", optional=True) == (D(-20), False)


def test_amounts_are_exact_decimals() -> None:
    rule = parse_rule({"kind": "per_occurrence", "fact": "n", "per": 0.1})
    lines = rule.apply(Context(given(n=3), D(5)))
    assert sum((ln.amount for ln in lines), D(0)) == D("-0.3")  # 0.1 * 3 in float is 0.30000000000000004


def test_every_kind_has_a_case() -> None:
    from scoring.rules import KINDS

    covered = {c[1]["kind"] for c in CASES}
    assert covered == set(KINDS)


@pytest.mark.parametrize(("rule", "message"), [
    ({"kind": "per_mising", "fact": "x"}, "未知规则类型 per_mising，是否为 per_missing？"),
    ({"kind": "per_occurrence", "fact": "x"}, "规则缺少参数 per"),
    ({"kind": "per_occurrence", "fact": "x", "per": "半分"}, "规则参数 per 无效：“半分”不是数字"),
    ({"kind": "per_occurrence", "fact": "x", "per": 1, "capp": 2}, "规则 per_occurrence 不认识参数 capp"),
    ({"kind": "per_deadline", "fact": "x", "per": 1, "deadlines": [date(2021, 9, 1), date(2021, 7, 1)]},
     "deadlines 应按时间先后排列"),
])
def test_bad_rule_messages(rule: dict[str, Any], message: str) -> None:
    from scoring.rules import RuleError

    with pytest.raises(RuleError) as info:
        parse_rule(rule)
    assert info.value.message == message
