"""Every rule kind against hand-computed cases, edges included."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from scoring.core.yamlio import load_yaml
from scoring.model.model import Adjustment, Context, FactValue, Given
from scoring.model.rules import KINDS, RuleError, docs_markdown, parse_rule

D = Decimal


def given(**facts: FactValue) -> dict[str, Given]:
    return {name: Given(value, ("ev1",), (("ev1", value),)) for name, value in facts.items()}


def days(*texts: str) -> tuple[date, ...]:
    return tuple(date.fromisoformat(t) for t in texts)


def run(rule: dict[str, Any], facts: dict[str, Given], points: str = "2", optional: bool = False) -> tuple[Decimal, bool]:
    lines = parse_rule(rule).apply(Context(facts, D(points), optional))
    assert lines, "every rule yields at least one line"
    return sum((ln.amount for ln in lines), D(0)), any(ln.at_risk for ln in lines)


def reasons(rule: dict[str, Any], facts: dict[str, Given], points: str = "2", optional: bool = False) -> list[str]:
    return [ln.reason for ln in parse_rule(rule).apply(Context(facts, D(points), optional))]


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
CORRECTED = {"kind": "ratio_threshold", "numerator": "纠错数", "denominator": "申请总数", "above": 15, "deduct": 1}
TIMELY = {"kind": "ratio_threshold", "percent": "及时率", "below": 95, "deduct": 2}
LEAK = {"kind": "event", "fact": "发生泄密事件", "deduct": 5}
ANY_OF = {"kind": "event", "fact": "存在以下情况", "deduct": 0.5}
RETURNED = {"kind": "followup", "first": {"kind": "event", "fact": "被退回", "deduct": 2},
            "then": {"kind": "event", "fact": "退回后未及时修改", "deduct": 5}}
EARN = {"kind": "earn_items", "fact": "已落实", "items": [
    {"item": "建立制度", "points": 0.5}, {"item": "公开目录", "points": 0.5}, {"item": "按时年报", "points": 1}]}
EARN_FLAG = {"kind": "earn_flag", "fact": "按时发布年报", "points": 0.5}
EARN_PER = {"kind": "earn_per_item", "fact": "发布条数", "per": 0.5, "max": 2}
NA = {"kind": "not_applicable", "fact": "无此项工作"}
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
    ("manual checklist, nothing adjusted", {"kind": "manual", "fact": "调整", "checklist": ["解读", "回应"]},
     {}, "2", "0", False),
    # a percentage stated directly, instead of numerator and denominator
    ("percent_floor stated 87%: 3 points short, two steps", {**FLOOR, "numerator": None, "denominator": None,
     "percent": "及时率"}, given(及时率=D(87)), "2", "-1", False),
    ("percent_floor stated exactly on the floor", {**FLOOR, "numerator": None, "denominator": None,
     "percent": "及时率"}, given(及时率=D(90)), "2", "0", False),
    ("ratio_score stated 96.5%: 4.825 rounds half up to 4.83", {"kind": "ratio_score", "percent": "及时率"},
     given(及时率=D("96.5")), "5", "-0.17", False),
    ("ratio_score stated above 100% counts as 100%", {"kind": "ratio_score", "percent": "及时率"},
     given(及时率=D(120)), "5", "0", False),
    # ratio_threshold: 纠错数高于申请总数15%的，扣1分
    ("ratio_threshold 3/20 = 15% is not above 15%", CORRECTED, given(纠错数=3, 申请总数=20), "2", "0", False),
    ("ratio_threshold 4/20 = 20% is above", CORRECTED, given(纠错数=4, 申请总数=20), "2", "-1", False),
    ("ratio_threshold inclusive (15%以上): on the line counts", {**CORRECTED, "inclusive": True},
     given(纠错数=3, 申请总数=20), "2", "-1", False),
    ("ratio_threshold 1/7 = 14.29% is below the line", CORRECTED, given(纠错数=1, 申请总数=7), "2", "0", False),
    ("ratio_threshold zero denominator: not crossed", CORRECTED, given(纠错数=0, 申请总数=0), "2", "0", False),
    ("ratio_threshold zero denominator failed", {**CORRECTED, "on_zero": "failed"}, given(纠错数=0, 申请总数=0),
     "2", "-1", False),
    ("ratio_threshold absent: the deduction, at risk", CORRECTED, given(申请总数=20), "2", "-1", True),
    ("ratio_threshold stated 94.9% is below 95%", TIMELY, given(及时率=D("94.9")), "3", "-2", False),
    ("ratio_threshold stated exactly 95% is not below", TIMELY, given(及时率=D(95)), "3", "0", False),
    ("ratio_threshold 95% with 以下 (inclusive)", {**TIMELY, "inclusive": True}, given(及时率=D(95)), "3", "-2", False),
    # event: 发生…的，扣N分 / 存在任何一种情况扣0.5分
    ("event happened", LEAK, given(发生泄密事件=True), "5", "-5", False),
    ("event did not happen", LEAK, given(发生泄密事件=False), "5", "0", False),
    ("event absent in a row: the deduction, at risk", LEAK, {}, "5", "-5", True),
    ("event any of the listed situations: once", ANY_OF, given(存在以下情况=("错链", "空白栏目")), "1", "-0.5", False),
    ("event none of the listed situations", ANY_OF, given(存在以下情况=()), "1", "0", False),
    ("event counted three times: still once", {**LEAK, "fact": "泄密次数"}, given(泄密次数=3), "5", "-5", False),
    ("event counted zero", {**LEAK, "fact": "泄密次数"}, given(泄密次数=0), "5", "0", False),
    # followup: 被退回扣2分；未及时修改的，再扣5分
    ("followup first not lost: the second is not checked", RETURNED, given(被退回=False), "5", "0", False),
    ("followup first lost, second not", RETURNED, given(被退回=True, 退回后未及时修改=False), "5", "-2", False),
    ("followup both", RETURNED, given(被退回=True, 退回后未及时修改=True), "5", "-7", False),
    ("followup second absent after the first lost: at risk", RETURNED, given(被退回=True), "5", "-7", True),
    ("followup nothing given: both, at risk", RETURNED, {}, "5", "-7", True),
    # additive scoring (得分制): the row's points are earned item by item
    ("earn_items all done: full marks", EARN, given(已落实=("建立制度", "公开目录", "按时年报")), "2", "0", False),
    ("earn_items one of three: 0.5 earned", EARN, given(已落实=("建立制度",)), "2", "-1.5", False),
    ("earn_items none done", EARN, given(已落实=()), "2", "-2", False),
    ("earn_items absent: nothing earned, at risk", EARN, {}, "2", "-2", True),
    ("earn_flag yes", EARN_FLAG, given(按时发布年报=True), "0.5", "0", False),
    ("earn_flag no", EARN_FLAG, given(按时发布年报=False), "0.5", "-0.5", False),
    ("earn_flag absent", EARN_FLAG, {}, "0.5", "-0.5", True),
    ("earn_per_item three of four", EARN_PER, given(发布条数=3), "2", "-0.5", False),
    ("earn_per_item exactly the maximum", EARN_PER, given(发布条数=4), "2", "0", False),
    ("earn_per_item beyond the maximum earns no more", EARN_PER, given(发布条数=9), "2", "0", False),
    ("earn_per_item zero", EARN_PER, given(发布条数=0), "2", "-2", False),
    ("earn_per_item absent", EARN_PER, {}, "2", "-2", True),
    # not applicable: the line itself costs nothing; the row leaves the full marks (tests/test_scoring.py)
    ("not_applicable yes", NA, given(无此项工作=True), "2", "0", False),
    ("not_applicable no", NA, given(无此项工作=False), "2", "0", False),
    ("not_applicable absent: the row is scored as usual", NA, {}, "2", "0", False),
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
    covered = {c[1]["kind"] for c in CASES}
    assert covered == set(KINDS)


@pytest.mark.parametrize(("rule", "message"), [
    ({"kind": "per_mising", "fact": "x"}, "未知规则类型 per_mising，是否为 per_missing？"),
    ({"fact": "x"}, "规则缺少参数 kind"),
    ({"kind": "per_occurrence", "fact": "x"}, "规则 per_occurrence 缺少参数 per（每次扣的分值）"),
    ({"kind": "per_occurrence", "fact": "x", "per": "半分"}, "规则 per_occurrence 的参数 per 无效：“半分”不是数字"),
    ({"kind": "per_occurrence", "fact": "x", "per": -1}, "规则 per_occurrence 的参数 per 无效：分值不能为负数"),
    ({"kind": "per_occurrence", "fact": "x", "per": 1, "capp": 2}, "规则 per_occurrence 不认识参数 capp，是否为 cap？"),
    ({"kind": "per_occurrence", "fact": "x", "per": 1, "zzz": 2}, "规则 per_occurrence 不认识参数 zzz；可用：kind、"),
    ({"kind": "per_deadline", "fact": "x", "per": 1, "deadlines": [date(2021, 9, 1), date(2021, 7, 1)]},
     "规则 per_deadline 的参数 deadlines 无效：应按时间先后排列"),
    ({"kind": "percent_floor", "numerator": "a", "denominator": "b", "floor": 90, "step": 0, "per": 1},
     "规则 percent_floor 的参数 step 无效：应大于0"),
    ({"kind": "tiered", "fact": "x", "tiers": [{"item": "a", "dedcut": 1}]},
     "规则 tiered 的 tiers 每一层级不认识参数 dedcut，是否为 deduct？"),
    ({"kind": "graded", "fact": "x", "levels": [{"missing": ["a"], "match": "some", "deduct": 1}]},
     "规则 graded 的 levels 每一档的参数 match 无效：应为 any / all 之一"),
    ({"kind": "ratio_threshold", "percent": "p", "numerator": "n", "deduct": 1, "above": 5},
     "规则 ratio_threshold：percent 与 numerator/denominator 只能选一种写法"),
    ({"kind": "ratio_threshold", "numerator": "n", "deduct": 1, "above": 5},
     "规则 ratio_threshold：应同时写 numerator 和 denominator，或只写 percent"),
    ({"kind": "ratio_threshold", "percent": "p", "deduct": 1}, "规则 ratio_threshold：应写 above 或 below 中的一个"),
    ({"kind": "ratio_threshold", "percent": "p", "deduct": 1, "above": 150},
     "规则 ratio_threshold 的参数 above 无效：应为 0 到 100 之间的百分数（写 15 表示 15%）"),
    ({"kind": "ratio_score", "percent": "p", "invert": "yes"}, "规则 ratio_score 的参数 invert 无效：应为 true 或 false"),
    ({"kind": "manual", "fact": "x", "direction": "bonsu"}, "规则 manual 的参数 direction 无效：应为 deduct / bonus 之一，是否为 bonus？"),
    ({"kind": "group", "rules": [{"kind": "event", "fact": "x"}]}, "规则 event 缺少参数 deduct（发生时扣的分值，只扣一次）"),
    ({"kind": "followup", "first": {"kind": "event", "fact": "x", "deduct": 1}}, "规则 followup 缺少参数 then"),
])
def test_bad_rule_messages(rule: dict[str, Any], message: str) -> None:
    with pytest.raises(RuleError) as info:
        parse_rule(rule)
    assert info.value.message.startswith(message)


def test_a_typo_inside_a_rule_names_its_line() -> None:
    text = """rules:
  - kind: group
    cap: 10
    rules:
      - kind: tiered
        fact: 通报层级
        tiers:
          - {item: 国家省级, deduct: 5}
          - item: 市级
            dedcut: 2
"""
    with pytest.raises(RuleError) as info:
        parse_rule(load_yaml(text)["rules"][0])
    assert info.value.line == 10
    assert info.value.message == "规则 tiered 的 tiers 每一层级不认识参数 dedcut，是否为 deduct？"
    with pytest.raises(RuleError) as info:
        parse_rule(load_yaml("- kind: per_occurrence\n  fact: x\n  per: 1\n  cpa: 2\n")[0])
    assert (info.value.line, info.value.message) == (4, "规则 per_occurrence 不认识参数 cpa，是否为 cap？")


# One rule of every kind, for the properties every kind must have.
EXAMPLES: dict[str, dict[str, Any]] = {
    "per_missing": {**RESEARCH, "cap": None}, "per_occurrence": OCCUR, "percent_floor": FLOOR, "ratio_score": RATIO,
    "ratio_threshold": CORRECTED, "per_deadline": CHECKS, "deadline": ONE_DEADLINE,
    "required": {"kind": "required", "fact": "已开展", "deduct": 3}, "event": LEAK, "not_applicable": NA,
    "graded": GRADED, "tiered": TIERED, "earn_items": EARN, "earn_flag": EARN_FLAG, "earn_per_item": EARN_PER,
    "group": GROUP, "followup": RETURNED, "manual": {"kind": "manual", "fact": "调整", "cap": 2},
    "bonus_per_item": {"kind": "bonus_per_item", "fact": "篇数", "per": 2},
    "bonus_flag": {"kind": "bonus_flag", "fact": "亮点", "bonus": 3},
}


def test_every_kind_has_an_example() -> None:
    assert set(EXAMPLES) == set(KINDS)


@pytest.mark.parametrize("kind", list(EXAMPLES))
def test_absent_in_a_bonus_or_major_item_means_nothing_happened(kind: str) -> None:
    assert run(EXAMPLES[kind], {}, "3", optional=True) == (D(0), False)


@pytest.mark.parametrize("kind", list(EXAMPLES))
def test_absent_in_a_row_is_the_worst_case_and_at_risk(kind: str) -> None:
    rule = parse_rule(EXAMPLES[kind])
    amount, risk = run(EXAMPLES[kind], {}, "3")
    if rule.gives_bonus or kind in ("manual", "not_applicable"):
        assert (amount, risk) == (D(0), False)  # a bonus not earned, a judgment not made: nothing to recover
        return
    worst = rule.max_deduction(D(3))
    assert amount == -(worst if worst is not None else D(3))
    assert risk and amount < 0
    assert parse_rule(EXAMPLES[kind]).required_facts() or kind == "not_applicable"


def test_absent_in_an_optional_item_with_some_facts_given() -> None:
    # a major item scored on a ratio: the numerator absent means nothing was corrected
    assert run(CORRECTED, given(申请总数=20), "0", optional=True) == (D(0), False)
    assert run(CORRECTED, given(纠错数=5, 申请总数=20), "0", optional=True) == (D(-1), False)
    # a duty done is not checked in an optional item when nothing is said
    assert run({"kind": "required", "fact": "已开展", "deduct": 3}, {}, "0", optional=True) == (D(0), False)


def test_reasons_read_like_the_scheme() -> None:
    assert reasons(LEAK, given(发生泄密事件=True)) == ["发生泄密事件，扣5分"]
    assert reasons(LEAK, given(发生泄密事件=False)) == ["无“发生泄密事件”情形"]
    assert reasons(ANY_OF, given(存在以下情况=("错链", "空白栏目"))) == ["存在以下情况：“错链”、“空白栏目”，扣0.5分"]
    assert reasons(CORRECTED, given(纠错数=4, 申请总数=20)) == ["比例 4/20 = 20.00%，高于15%，扣1分"]
    assert reasons(TIMELY, given(及时率=D("94.9"))) == ["比例 及时率 94.9%，低于95%，扣2分"]
    assert reasons(RETURNED, given(被退回=True, 退回后未及时修改=True)) == ["被退回，扣2分", "再扣：退回后未及时修改，扣5分"]
    assert reasons(RETURNED, given(被退回=False)) == ["无“被退回”情形", "前一项未失分，不涉及再扣"]
    assert reasons(EARN, given(已落实=("建立制度",))) == [
        "“建立制度”：是，得0.5分", "“公开目录”：否，不得分（0.5分）", "“按时年报”：否，不得分（1分）"]
    assert reasons(NA, given(无此项工作=True)) == ["无此项工作，不检查该项指标，不计入满分"]
    assert reasons(EARN_PER, given(发布条数=3)) == ["“发布条数”3个，每个得0.5分，得1.5分（满分2分），未得0.5分"]


def test_descriptions_for_the_rules_page() -> None:
    assert parse_rule(CORRECTED).describe() == "“纠错数”占“申请总数”高于15%的，扣1分"
    assert parse_rule({**TIMELY, "inclusive": True}).describe() == "“及时率”不高于95%的，扣2分"
    assert parse_rule(LEAK).describe() == "发生泄密事件的，扣5分（出现一种或多种情形，只扣一次）"
    assert parse_rule(RETURNED).describe() == ("被退回的，扣2分（出现一种或多种情形，只扣一次）；在此基础上，"
                                               "退回后未及时修改的，扣5分（出现一种或多种情形，只扣一次）（再扣）")
    assert parse_rule(EARN).describe() == "按“已落实”逐项得分：建立制度得0.5分；公开目录得0.5分；按时年报得1分（满分2分）"
    assert parse_rule({"kind": "manual", "fact": "调整", "checklist": ["解读", "回应"]}).describe() == (
        "由考核组对照解读、回应等事项，根据工作情况扣分，每项须写明分值和理由（“调整”）")
    for kind, cls in KINDS.items():
        assert cls.label and cls.summary and cls.phrasings, kind
        assert parse_rule(EXAMPLES[kind]).describe(), kind


DOC_PATH = Path(__file__).resolve().parent.parent / "docs" / "scheme-format.md"


def _rule_section() -> str:
    text = DOC_PATH.read_text(encoding="utf-8")
    return text[text.index("### Rule kinds"):text.index("### `totals.yaml`")]


def test_docs_reference_is_generated_from_the_declarations(update_golden: bool) -> None:
    text = DOC_PATH.read_text(encoding="utf-8")
    start, end = "<!-- rule-kinds:start -->\n", "<!-- rule-kinds:end -->"
    head, rest = text.split(start)
    _, tail = rest.split(end)
    fresh = head + start + docs_markdown() + end + tail
    if update_golden:
        DOC_PATH.write_text(fresh, encoding="utf-8")
    assert text == fresh, "docs/scheme-format.md's rule reference is stale (pytest --update-golden to refresh)"


def test_every_kind_declares_phrasings_and_examples_that_parse_and_the_docs_show() -> None:
    section = _rule_section()
    for kind, cls in KINDS.items():
        assert cls.phrasings and cls.examples, kind
        for example in cls.examples:
            assert parse_rule(load_yaml(example), date(2021, 1, 1)).kind == kind, example
            assert f"- {example}\n" in section, f"{kind}'s example is not in docs/scheme-format.md"
