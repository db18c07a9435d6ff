"""The whole-table arithmetic: clamp policies, bonuses, major deductions, grades."""

from __future__ import annotations

import dataclasses
import shutil
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from scoring.gather import gather
from scoring.load import load_evidence, load_scheme
from scoring.score import COMPLETE, MISSING, ScoreTable, score

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
