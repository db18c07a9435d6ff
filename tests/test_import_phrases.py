"""The phrase table: wordings from real schemes → rule kinds and their parameters."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from scoring.importer.infer import infer_cell
from scoring.importer.phrases import Draft, Fact, Row
from scoring.model.rules import KINDS

D = Decimal
CASES: list[tuple[str, int, list[tuple[str, dict[str, Any]]]]] = [
    ("每少一项扣1分，扣分上限为4分 甲 乙 丙", 2, [("per_missing", {"per": D(1), "cap": D(4), "required": ["甲", "乙", "丙"]})]),
    ("对甲、乙、丙等方面保障的，每少一项，扣1分，扣分上限为2分", 2,
     [("per_missing", {"per": D(1), "cap": D(2), "required": ["甲", "乙", "丙"]})]),
    ("指南、年报、网站年度报表内容不符合国家规定的，扣1分，扣分上限为3分", 3,
     [("per_missing", {"per": D(1), "cap": D(3), "required": ["指南", "年报", "网站年度报表"]})]),
    ("政务新媒体未建立在线服务和有效回应渠道的，各扣1分", 2, [("per_missing", {"per": D(1), "required": ["在线服务", "有效回应渠道"]})]),
    ("不符合国家有关规定，发现一起，扣1分，扣分上限为5分", 2, [("per_occurrence", {"per": D(1), "cap": D(5)})]),
    ("政府网站信息更新不及时的，每发现一处扣0.5分，扣完为止。", 5, [("per_occurrence", {"per": D("0.5"), "cap": D(5)})]),
    ("存在任何一种情况扣0.5分", 1, [("event", {"deduct": D("0.5"), "fact": "存在所列情形"})]),
    ("舆情回应存在任何一种情况扣2分：未按时回应、回应内容不当、未报送回应情况。", 4,
     [("event", {"deduct": D(2), "fact": "出现的情形"})]),
    ("发生政务公开重大失误造成严重负面影响的，扣5分", 0, [("event", {"deduct": D(5), "fact": "发生政务公开重大失误造成严重负面影响"})]),
    ("发生政务公开重大失误造成严重负面影响的，每起扣5分", 0, [("per_occurrence", {"per": D(5)})]),
    ("答复格式不规范的，扣1分", 2, [("event", {"deduct": D(1), "fact": "答复格式不规范"})]),
    ("公开内容不符合要求的，不得分", 2, [("event", {"deduct": D(2), "fact": "公开内容不符合要求"})]),
    # 未…的: a duty not done (required); the fact is the duty, true when done
    ("未实现对接的，不得分", 3, [("required", {"deduct": D(3), "fact": "实现对接"})]),
    # the fact of a duty is named by the duty (true when done), from the phrase that says what was not done
    ("依申请公开答复按期办结，未按法定期限答复的，不得分", 3, [("required", {"deduct": D(3), "fact": "按法定期限答复"})]),
    ("无年度工作要点的，扣1分", 1, [("required", {"deduct": D(1), "fact": "有年度工作要点"})]),
    # a lead sentence is the row's description, not part of clause ① (its 未出现 is no duty)
    ("公开内容合法合规，未出现公开不该公开的内容。发现公开不该公开的内容的，每处扣2分", 4, [("per_occurrence", {"per": D(2)})]),
    ("公开内容合法合规，未出现公开不该公开的内容。①发现公开不该公开内容的，每处扣2分；②答复格式不规范的，扣1分", 4,
     [("per_occurrence", {"per": D(2)}), ("event", {"fact": "答复格式不规范", "deduct": D(1)})]),
    # numbered clauses, ellipses: 「⑤……被退回…的，再扣5分」 is an event on top of ④, never an inverted 已完成
    ("④未按要求编写年度报表的，扣2分；⑤……被退回且未及时修改的，再扣5分", 7,
     [("followup", {"first": ("required", {"fact": "按要求编写年度报表", "deduct": D(2)}),
                    "then": ("event", {"fact": "被退回且未及时修改", "deduct": D(5)})})]),
    ("未按要求编写的，扣2分；被退回且未及时修改的，另扣1分", 3,
     [("followup", {"first": ("required", {"deduct": D(2)}), "then": ("event", {"fact": "被退回且未及时修改", "deduct": D(1)})})]),
    ("未按要求编写的，扣2分；被退回且未及时修改的，加扣1分", 3,
     [("followup", {"first": ("required", {"deduct": D(2)}), "then": ("event", {"fact": "被退回且未及时修改", "deduct": D(1)})})]),
    # 被 inside the condition, before any 未: an event named by the condition
    ("答复被行政复议纠错的，扣2分；纠错后未按期整改的，再扣1分", 3,
     [("followup", {"first": ("event", {"fact": "答复被行政复议纠错", "deduct": D(2)}),
                    "then": ("required", {"fact": "纠错后按期整改", "deduct": D(1)})})]),
    ("……政府信息行政复议纠错数高于申请总数15%的，扣1分", 2,
     [("ratio_threshold", {"numerator": "政府信息行政复议纠错数", "denominator": "申请总数", "above": D(15), "deduct": D(1)})]),
    ("未开展政策咨询服务的，扣3分", 3, [("required", {"deduct": D(3)})]),
    ("及时率每下降1个百分点扣0.1分", 2,
     [("percent_floor", {"percent": "及时率", "floor": D(100), "step": D(1), "per": D("0.1"), "rounding": "up"})]),
    ("图解、视频等多样化解读比例不低于60%，每低1个百分点扣0.1分，扣分上限为4分", 4,
     [("percent_floor", {"percent": "图解、视频等多样化解读比例", "floor": D(60), "per": D("0.1"), "cap": D(4)})]),
    ("纠错数高于申请总数15%的，扣1分", 2,
     [("ratio_threshold", {"numerator": "纠错数", "denominator": "申请总数", "above": D(15), "deduct": D(1)})]),
    ("按时办结率低于95%的，扣2分", 2, [("ratio_threshold", {"percent": "按时办结率", "below": D(95), "deduct": D(2)})]),
    ("差评率达到5%以上的，扣1分", 2,
     [("ratio_threshold", {"percent": "差评率", "above": D(5), "inclusive": True, "deduct": D(1)})]),
    ("检测合格率低于90%的，不得分", 2, [("ratio_threshold", {"percent": "检测合格率", "below": D(90), "deduct": D(2)})]),
    ("未按要求编写的，扣2分；被退回且未及时修改的，再扣5分", 7,
     [("followup", {"first": ("required", {"deduct": D(2)}),
                    "then": ("event", {"fact": "被退回且未及时修改", "deduct": D(5)})})]),
    ("被退回且未及时修改的，再扣5分", 5, [("manual", {"review": True})]),
    ("无此项工作的，不检查该项指标", 2, [("not_applicable", {"fact": "无此项工作"})]),
    ("未涉及该项工作的不考核；信息更新不及时的，每发现一处扣0.5分，扣完为止。", 2,
     [("per_occurrence", {"per": D("0.5"), "cap": D(2)}), ("not_applicable", {"fact": "未涉及该项工作"})]),
    ("是否建立保密审查制度（0.5分）；是否公开年度报告（0.5分）", 1,
     [("earn_items", {"items": [{"item": "建立保密审查制度", "points": D("0.5")},
                                {"item": "公开年度报告", "points": D("0.5")}]})]),
    ("是否按时发布年度报告：0.5分", 1, [("earn_flag", {"fact": "按时发布年度报告", "points": D("0.5")})]),
    ("有年度工作要点的得1分", 1, [("earn_flag", {"fact": "有年度工作要点", "points": D(1)})]),
    ("每发布1条得0.5分，最高2分", 2, [("earn_per_item", {"per": D("0.5"), "max": D(2)})]),
    ("每发布1篇解读得1分", 3, [("earn_per_item", {"per": D(1), "max": D(3)})]),
    ("未做好政策解读、回应关切、舆情处置等工作的，酌情扣分，扣分上限为2分。", 2,
     [("manual", {"checklist": ["政策解读", "回应关切", "舆情处置"], "cap": D(2), "review": False})]),
    ("未做好信息发布、政策解读、回应关切等工作的，酌情扣分", 3,
     [("manual", {"direction": "deduct", "checklist": ["信息发布", "政策解读", "回应关切"], "review": False})]),
    ("多样化解读量占政策已解读总量不得少于90%，每降低两个百分点，扣0.5分，扣分上限为4分", 2,
     [("percent_floor", {"floor": D(90), "step": D(2), "per": D("0.5"), "cap": D(4)})]),
    ("得分=合规率（合规数据量/报送数据总量）×5", 5, [("ratio_score", {"invert": False, "numerator": "合规数据量"})]),
    ("瞒报率=瞒报数据量/台账数据量。得分=（1-瞒报率）×5", 5, [("ratio_score", {"invert": True, "denominator": "台账数据量"})]),
    ("办事指南要素完整率按比例得分。", 6, [("ratio_score", {"invert": False, "percent": "办事指南要素完整率"})]),
    ("未于7月底、9月底、11月底开展检查的，每次扣1分，扣分上限为3分", 3,
     [("per_deadline", {"deadlines": [date(2021, 7, 31), date(2021, 9, 30), date(2021, 11, 30)], "per": D(1), "cap": D(3)})]),
    ("未于4月30日、次年1月底前公开的，每缺一次，扣0.5分", 1,
     [("per_deadline", {"deadlines": [date(2021, 4, 30), date(2022, 1, 31)], "per": D("0.5")})]),
    ("9月底前完成公示, 未完成的扣2分", 2, [("deadline", {"deadline": date(2021, 9, 30), "deduct": D(2)})]),
    ("未在1月31日前公开年度报告的，扣3分。", 3, [("deadline", {"deadline": date(2021, 1, 31), "deduct": D(3)})]),
    ("未公开甲和乙及丙的扣2分 未公开丙, 扣1分", 3,
     [("graded", {"levels": [{"missing": ["甲", "乙"], "match": "any", "deduct": D(2)},
                              {"missing": ["丙"], "match": "any", "deduct": D(1)}]})]),
    ("未建立甲制度和乙制度的，扣1分", 1, [("graded", {"levels": [{"missing": ["甲制度", "乙制度"], "match": "any", "deduct": D(1)}]})]),
    ("被国家、省级网信部门约谈或通报的，扣5分。被市网信部门约谈或通报的，扣2分", 1,
     [("tiered", {"tiers": [{"item": "国家、省级", "deduct": D(5)}, {"item": "市", "deduct": D(2)}]})]),
    ("甲的，每件扣0.5分；乙的，每件扣0.5分。扣分上限为2分", 1, [("group", {"cap": D(2)})]),
    ("在全市范围每一个领域拓展，加1分，加分上限为3分。", 0, [("bonus_per_item", {"per": D(1), "cap": D(3)})]),
    ("被省级以上媒体报道的，每篇加1分，最高加3分。", 0, [("bonus_per_item", {"per": D(1), "cap": D(3)})]),
    ("被评为亮点工程的加3分", 0, [("bonus_flag", {"bonus": D(3)})]),
    ("加分酌情而定。", 0, [("manual", {"direction": "bonus"})]),
    ("满意率高于95%的加1分。", 0, [("bonus_flag", {"bonus": D(1)})]),
    # wordings the importer will not guess: kept, and marked for review
    ("完整的得4分，不完整的得2分，未公开的不得分。", 4, [("manual", {"review": True})]),  # tiers, not a sum
    ("回应不及时的，每发现一次扣1分；不涉及的不扣分。", 3, [("per_occurrence", {"per": D(1)}), ("manual", {"review": True})]),
    ("是否建立制度（1分），未建立的扣1分", 1, [("manual", {"review": True})]),  # earning and deducting in one cell
    ("得分=迟报率（迟报数据量/报送数据总量）×5", 5, [("manual", {"review": True})]),
    ("从需情复上扣分。", 0, [("manual", {"review": True})]),
    ("每少公开一项扣1分，扣完为止。", 4, [("manual", {"review": True})]),
]


def _plain(value: Any) -> Any:
    if isinstance(value, Fact):
        return value.base
    if isinstance(value, Draft):
        return (value.kind, _plain(value.params))
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


@pytest.mark.parametrize(("text", "points", "expected"), CASES, ids=[c[0][:16] for c in CASES])
def test_phrase(text: str, points: int, expected: list[tuple[str, dict[str, Any]]]) -> None:
    bonus_column = "加" in text and "扣" not in text
    drafts = infer_cell(text, Row(D(points), year=2021), bonus_column=bonus_column)
    assert [d.kind for d in drafts] == [kind for kind, _ in expected]
    for draft, (_, params) in zip(drafts, expected, strict=True):
        got = _plain(draft.params)
        for key, value in params.items():
            if key == "review":
                assert bool(draft.review) is value
            elif isinstance(value, tuple):  # a nested rule: (kind, some of its parameters)
                kind, inner = got[key]
                assert kind == value[0] and {k: inner.get(k) for k in value[1]} == value[1], (key, got)
            else:
                assert got.get(key) == value, (key, got)


def test_every_rule_kind_is_produced() -> None:
    kinds = {kind for _, _, expected in CASES for kind, _ in expected}
    assert kinds == set(KINDS)  # every kind of docs/scheme-format.md


def test_units_follow_listed_items_one_to_one() -> None:
    row = Row(D(3), units=("法规科", "综合组", "综合组", "政务中心"), year=2021)
    [draft] = infer_cell("做好公开, 每缺1项, 扣2分 法治政府建设 “放管服”改革 优化营商环境 政务服务公开", row)
    assert draft.params["required"][1] == {"item": "“放管服”改革", "unit": "综合组"}


def test_a_lead_sentence_stays_out_of_the_first_clause() -> None:
    text = "公开内容合法合规，未出现公开不该公开的内容。①发现公开不该公开内容的，每处扣2分；②答复格式不规范的，扣1分"
    drafts = infer_cell(text, Row(D(4), year=2021))
    assert [d.text for d in drafts] == ["①发现公开不该公开内容的，每处扣2分", "②答复格式不规范的，扣1分"]
    assert "未出现" not in drafts[0].params["fact"].help
