"""The whole-table arithmetic: clamp policies, bonuses, major deductions, grades."""

from __future__ import annotations

import dataclasses
import shutil
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from scoring.gather.collect import gather
from scoring.load.load import load_scheme
from scoring.load.loadevidence import load_evidence
from scoring.score.score import COMPLETE, MISSING, ScoreTable, score

D = Decimal
AS_OF = date(2021, 12, 1)


def table_for(root: Path, **changes: object) -> ScoreTable:
    scheme, problems = load_scheme(root)
    assert scheme is not None, problems
    scheme = dataclasses.replace(scheme, **changes)  # type: ignore[arg-type]
    evidence, problems = load_evidence(root, scheme)
    assert not [p for p in problems if p.severity.name == "ERROR"], problems
    return score(scheme, evidence)


def write(root: Path, rel: str, text: str) -> None:
    path = root / "evidence" / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def evidence(indicator: str, unit: str, day: str, facts: str) -> str:
    return (f"---\nindicator: {indicator}\nunit: {unit}\ndate: {day}\ntitle: 测试材料\nkind: 其他\n"
            f"facts:\n{facts}\n---\n正文\n")


def test_sample_mini_by_hand(mini: Path) -> None:
    t = table_for(mini)
    # 组织领导 (3): 研究 −1 (丙 missing); 咨询 ok → 2
    # 主动公开 (8): 检查 −2 (two windows), 双公示 −0.1 → 5.9; 拓展 no evidence: no bonus
    assert [lv.score for lv in t.levels] == [D(2), D("5.9")]
    assert t.total == D("7.9")
    assert t.normalised == D("71.82")  # 7.9 / 11 × 100
    assert t.grade == "一般"
    assert t.row("gongkai.tuozhan").status == COMPLETE  # type: ignore[union-attr]  # bonus only: owes nothing
    assert t.row("zuzhi.zixun").status == COMPLETE  # type: ignore[union-attr]


def test_level1_clamp_lets_a_row_exceed_its_points_but_not_the_level(mini: Path) -> None:
    (mini / "evidence" / "zonghe" / "yanjiu.md").unlink()
    (mini / "evidence" / "bgs" / "zixun.md").unlink()
    write(mini, "zonghe/none.md", evidence("zuzhi.yanjiu", "综合组", "2021-03-01", "  研究事项: []"))
    t = table_for(mini)
    level = t.levels[0]
    yanjiu = t.row("zuzhi.yanjiu")
    assert yanjiu is not None and yanjiu.deduction == D(3) and yanjiu.score == D(-1)  # cap 4 > points 2: intended
    assert level.deduction == D(4)  # 3 + 1 (咨询 absent)
    assert level.clamped == D(3) and level.score == D(0)
    assert "一级指标扣分以其分值3分为限" in level.clamp_note


def test_row_clamp_is_deducted_until_nothing_is_left(mini: Path) -> None:
    (mini / "evidence" / "zonghe" / "yanjiu.md").unlink()
    write(mini, "zonghe/none.md", evidence("zuzhi.yanjiu", "综合组", "2021-03-01", "  研究事项: []"))
    t = table_for(mini, clamp="row")
    yanjiu = t.row("zuzhi.yanjiu")
    assert yanjiu is not None and yanjiu.deduction == D(2) and yanjiu.score == D(0)
    assert any(ln.rule == "clamp" and ln.amount == D(1) for ln in yanjiu.lines)


def test_no_clamp(mini: Path) -> None:
    (mini / "evidence" / "zonghe" / "yanjiu.md").unlink()
    (mini / "evidence" / "bgs" / "zixun.md").unlink()
    write(mini, "zonghe/none.md", evidence("zuzhi.yanjiu", "综合组", "2021-03-01", "  研究事项: []"))
    t = table_for(mini, clamp="none")
    assert t.levels[0].score == D(-1)


def test_bonuses_and_major_deductions_on_the_total(mini: Path) -> None:
    write(mini, "zonghe/tuozhan.md", evidence("gongkai.tuozhan", "综合组", "2021-06-01", "  拓展领域数: 5"))
    write(mini, "zonghe/biaozhang.md", evidence("bonus.biaozhang", "综合组", "2021-06-01", "  表彰次数: 2"))
    t = table_for(mini)
    assert t.row_bonus == D(3)  # 5 domains, capped at 3
    assert t.comprehensive_bonus == D(6)
    assert t.total == D("16.9")  # 7.9 + 3 + 6
    write(mini, "zonghe/baisu.md", evidence("major.baisu", "综合组", "2021-06-01", "  败诉件数: 1"))
    t = table_for(mini)
    assert t.major_deduction == D(10) and t.total == D("6.9")
    write(mini, "zonghe/baisu2.md", evidence("major.baisu", "综合组", "2021-07-01", "  败诉件数: 1"))
    t = table_for(mini)
    assert t.raw_total == D("-3.1") and t.total == D(0)  # total_floor 0
    assert table_for(mini, total_floor=None).total == D("-3.1")


def test_comprehensive_cap_and_grade_bands(mini: Path) -> None:
    write(mini, "zonghe/biaozhang.md", evidence("bonus.biaozhang", "综合组", "2021-06-01", "  表彰次数: 2"))
    assert table_for(mini, comprehensive_cap=D(2)).comprehensive_bonus == D(2)
    t = table_for(mini, normalise=False)
    assert t.normalised is None and t.grade == "较差"  # 13.9 raw against the bands


def test_facts_combine_across_evidence_files(mini: Path) -> None:
    write(mini, "zonghe/yanjiu2.md", evidence("zuzhi.yanjiu", "综合组", "2021-09-01", "  研究事项: [丙]"))
    write(mini, "bgs/jiancha-09.md", evidence("gongkai.jiancha", "办公室", "2021-09-28", "  检查日期: 2021-09-28"))
    t = table_for(mini)
    yanjiu = t.row("zuzhi.yanjiu")
    assert yanjiu is not None and yanjiu.deduction == 0 and set(yanjiu.evidence) == {"yanjiu", "yanjiu2"}
    jiancha = t.row("gongkai.jiancha")
    assert jiancha is not None and jiancha.deduction == D(1)


def test_missing_evidence_is_never_full_marks(mini: Path) -> None:
    (mini / "evidence" / "bgs" / "zixun.md").unlink()
    t = table_for(mini)
    row = t.row("zuzhi.zixun")
    assert row is not None and row.status == MISSING and row.deduction == D(1) and row.at_risk == D(1)
    units = {u.unit.id: u for u in t.units}
    # 政务中心 and 办公室 both own the row: both see it on their to-do list
    assert [td.row.indicator.id for td in units["zwfw"].todo] == ["zuzhi.zixun"]
    assert "zuzhi.zixun" in [td.row.indicator.id for td in units["bgs"].todo]


def test_gather_is_deterministic(mini: Path, tmp_path: Path) -> None:
    other = tmp_path / "other"
    shutil.copytree(mini, other)
    a = gather(mini, as_of=AS_OF).table
    b = gather(other, as_of=AS_OF).table
    assert a.total == b.total and [r.lines for r in a.rows] == [r.lines for r in b.rows]


@pytest.mark.parametrize("policy", ["level1", "row", "none"])
def test_policy_names_are_accepted(mini: Path, policy: str) -> None:
    text = (mini / "indicators" / "scheme.yaml").read_text(encoding="utf-8").replace("clamp: level1", f"clamp: {policy}")
    (mini / "indicators" / "scheme.yaml").write_text(text, encoding="utf-8")
    scheme, problems = load_scheme(mini)
    assert scheme is not None and scheme.clamp == policy and not problems


def test_scheme_and_evidence_resolve_unit_names_the_same_way(mini: Path) -> None:
    # Spaces and half-width brackets are ignored for the scheme's 责任组 as for evidence files.
    path = mini / "indicators" / "02-gongkai.yaml"
    text = path.read_text(encoding="utf-8").replace("units: [各组(科室、单位)]", "units: [各组（科室、单位 )]")
    path.write_text(text, encoding="utf-8")
    scheme, problems = load_scheme(mini)
    assert scheme is not None and not problems
    row = scheme.indicator("gongkai.tuozhan")
    assert row is not None and row.unit_ids == ("all",)
    assert scheme.unit_by_name("各组（科室、单位 )") is scheme.unit_by_name("各组(科室、单位)")


def add_row(root: Path, file: str, row: str) -> None:
    path = root / "indicators" / file
    path.write_text(path.read_text(encoding="utf-8") + row, encoding="utf-8")


NOT_APPLICABLE_ROW = """  - id: zuzhi.shidian
    level2: 试点
    level3: 试点工作开展情况
    points: 2
    units: [综合组]
    text: {deduction: 未开展试点工作的，扣2分；无此项工作的，不检查该项指标}
    facts:
      无此项工作: {type: flag, help: 本单位是否无试点工作}
      已开展试点: {type: flag, help: 是否开展了试点工作}
    rules:
      - {kind: not_applicable, fact: 无此项工作, text: 无此项工作的，不检查该项指标}
      - {kind: required, fact: 已开展试点, deduct: 2}
"""


def test_a_row_not_applicable_leaves_the_full_marks_and_says_so(mini: Path) -> None:
    add_row(mini, "01-zuzhi.yaml", NOT_APPLICABLE_ROW)
    # No evidence: the row is scored as usual, and its 2 points are at risk.
    t = table_for(mini)
    row = t.row("zuzhi.shidian")
    assert row is not None and row.applicable and row.deduction == D(2) and row.at_risk == D(2)
    assert t.full_marks == D(13) and t.levels[0].points == D(5) and t.levels[0].score == D(2)  # 5 − (1 + 2)
    assert t.total == D("7.9") and t.normalised == D("60.77")  # 7.9 / 13 × 100
    # The evidence says there is no such work: the row leaves the full marks and the normalisation.
    write(mini, "zonghe/shidian.md", evidence("zuzhi.shidian", "综合组", "2021-03-01", "  无此项工作: true"))
    t = table_for(mini)
    row = t.row("zuzhi.shidian")
    assert row is not None and not row.applicable
    assert (row.points, row.score, row.deduction, row.at_risk, row.status) == (D(0), D(0), D(0), D(0), COMPLETE)
    assert [ln.reason for ln in row.lines] == ["无此项工作，不检查该项指标，不计入满分"]
    assert t.levels[0].points == D(3) and t.full_marks == D(11) and t.scheme.full_marks == D(13)
    assert t.total == D("7.9") and t.normalised == D("71.82")  # as if the row were not in the scheme
    units = {u.unit.id: u for u in t.units}
    assert "zuzhi.shidian" not in [td.row.indicator.id for td in units["zonghe"].todo]
    # Saying there is such work scores the row again.
    write(mini, "zonghe/shidian.md", evidence("zuzhi.shidian", "综合组", "2021-03-01",
                                              "  无此项工作: false\n  已开展试点: true"))
    t = table_for(mini)
    assert t.full_marks == D(13) and t.row("zuzhi.shidian").score == D(2)  # type: ignore[union-attr]


EARNED_ROW = """  - id: gongkai.defen
    level2: 制度建设
    level3: 公开制度建设情况
    points: 2
    units: [综合组]
    text: {deduction: 是否建立制度（0.5分）；是否公开目录（0.5分）；是否按时发布年报（1分）}
    facts:
      已落实: {type: items, options: [建立制度, 公开目录, 按时年报], help: 已做到的事项}
      发生泄密事件: {type: flag, help: 是否发生泄密事件}
    rules:
      - kind: earn_items
        fact: 已落实
        items: [{item: 建立制度, points: 0.5}, {item: 公开目录, points: 0.5}, {item: 按时年报, points: 1}]
      - {kind: event, fact: 发生泄密事件, deduct: 1}
"""


def test_additive_and_deduction_rules_mix_in_one_scheme(mini: Path) -> None:
    add_row(mini, "02-gongkai.yaml", EARNED_ROW)
    write(mini, "zonghe/defen.md", evidence("gongkai.defen", "综合组", "2021-05-01",
                                            "  已落实: [建立制度, 按时年报]\n  发生泄密事件: false"))
    t = table_for(mini)
    row = t.row("gongkai.defen")
    assert row is not None and row.score == D("1.5") and row.status == COMPLETE  # 0.5 + 1 earned of 2
    assert row.reasons == "“公开目录”：否，不得分（0.5分）"
    assert t.levels[1].points == D(10) and t.levels[1].score == D("7.4")  # 5.9 + 1.5
    assert t.total == D("9.4") and t.normalised == D("72.31")  # 9.4 / 13 × 100
    write(mini, "zonghe/defen.md", evidence("gongkai.defen", "综合组", "2021-05-01",
                                            "  已落实: [建立制度, 按时年报]\n  发生泄密事件: true"))
    row = table_for(mini).row("gongkai.defen")
    assert row is not None and row.score == D("0.5") and "发生泄密事件，扣1分" in row.reasons


def test_major_item_with_an_adverse_event_costs_nothing_until_it_happens(mini: Path) -> None:
    path = mini / "indicators" / "totals.yaml"
    text = path.read_text(encoding="utf-8").replace(
        "facts: {败诉件数: {type: count, help: 被判败诉的件数}}\n      rules: [{kind: per_occurrence, fact: 败诉件数, per: 10}]",
        "facts: {被判败诉: {type: flag, help: 是否被判败诉}}\n      rules: [{kind: event, fact: 被判败诉, deduct: 10}]")
    path.write_text(text, encoding="utf-8")
    t = table_for(mini)
    assert t.major_deduction == 0 and t.total == D("7.9")
    assert [ln.reason for ln in t.major[0].lines] == ["未发现“被判败诉”所列情形"]
    write(mini, "zonghe/baisu.md", evidence("major.baisu", "综合组", "2021-06-01", "  被判败诉: true"))
    t = table_for(mini)
    assert t.major_deduction == D(10) and [ln.reason for ln in t.major[0].lines] == ["被判败诉，扣10分"]


def test_scheme_check_compares_earning_items_with_the_row_points(mini: Path) -> None:
    from scoring.load.check import check_scheme

    add_row(mini, "02-gongkai.yaml", EARNED_ROW)
    scheme, problems = load_scheme(mini)
    assert scheme is not None and not problems
    assert not [p for p in check_scheme(scheme) if p.code == "earn-total"]  # 0.5 + 0.5 + 1 = 2
    add_row(mini, "02-gongkai.yaml", EARNED_ROW.replace("gongkai.defen", "gongkai.defen2").replace("points: 2", "points: 3"))
    scheme, _ = load_scheme(mini)
    assert scheme is not None
    found = [p.message for p in check_scheme(scheme) if p.code == "earn-total"]
    assert found == ["指标 gongkai.defen2（公开制度建设情况）各得分项合计2分，与本行赋分3分不一致，请核对方案"]
