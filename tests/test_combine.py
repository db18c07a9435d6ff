"""Facts combine across files as each declares: a figure stated twice is refused, never summed.

The combination itself is tested on inline data; the sample's one incomplete row
(jdhy.qudao, 2 points) is tested as a member of staff meets it: ``new`` asks
only for what is missing, and filling that in gives the row its 2 points.
"""

from __future__ import annotations

import shutil
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from scoring.core.problems import DataError
from scoring.gather.pipeline import check_and_score
from scoring.load.scaffold import create
from scoring.model import formattypes
from scoring.model.combine import ALL_MODES, MODES, Source, combine, default_mode
from scoring.model.model import FactSpec

ROOT = Path(__file__).resolve().parent.parent
D = Decimal


def spec(kind: str, mode: str = "", restate: bool = False) -> FactSpec:
    return FactSpec("事实", kind, "说明", combine=mode, restate=restate)


def src(ident: str, value: object, day: int = 1, unit: str = "") -> Source:
    return Source(ident, value, f"evidence/{ident}.md", 8, date(2021, 6, day), unit)  # type: ignore[arg-type]


def test_modes_are_declared_once_and_every_type_has_a_default() -> None:
    assert set(ALL_MODES) == set(formattypes.COMBINE_MODES)
    assert set(MODES) == set(formattypes.FACT_TYPES)
    assert [default_mode(t) for t in ("count", "number", "flag", "items", "date")] == \
        ["sum", "once", "any", "union", "collect"]


def test_sum_adds_occurrences() -> None:
    got = combine(spec("count"), [src("a", 2), src("b", 3)])
    assert got.given.value == 5 and not got.conflicts and got.given.evidence == ("a", "b")


def test_once_names_both_files_and_lines() -> None:
    got = combine(spec("count", "once"), [src("b", 100, 9), src("a", 100, 3)])
    assert got.given.value == 100 and got.given.evidence == ("a",)
    (conflict,) = got.conflicts
    assert conflict.fatal and conflict.at.id == "b"
    assert "evidence/a.md:8" in conflict.message and "evidence/b.md:8" in conflict.message
    assert "restate: true" in conflict.message
    assert not combine(spec("count", "once", restate=True), [src("a", 100), src("b", 100)]).conflicts
    assert combine(spec("count", "once", restate=True), [src("a", 100), src("b", 99)]).conflicts


def test_a_number_is_stated_once_by_default() -> None:
    got = combine(spec("number"), [src("a", D("97.5")), src("b", D(60), 2)])
    assert got.given.value == D("97.5") and got.conflicts and got.conflicts[0].fatal


def test_latest_dated_statement_wins_and_a_same_day_contradiction_is_an_error() -> None:
    got = combine(spec("flag", "latest"), [src("later", True, 20), src("early", False, 3)])
    assert got.given.value is True and got.given.evidence == ("later",) and not got.conflicts
    assert [s for s, _ in got.given.per_evidence] == ["early", "later"]  # the history, oldest first
    same_day = combine(spec("count", "latest"), [src("a", 1, 5), src("b", 2, 5)])
    assert same_day.conflicts and same_day.conflicts[0].fatal


def test_yes_no_across_units_any_or_all_with_the_unit_that_disagrees_named() -> None:
    said = [src("a", True, 1, "综合组"), src("b", False, 2, "办公室")]
    anyone = combine(spec("flag", "any"), said)
    assert anyone.given.value is True and anyone.given.evidence == ("a",)
    everyone = combine(spec("flag", "all"), said)
    assert everyone.given.value is False and everyone.given.evidence == ("b",)
    for got in (anyone, everyone):
        (conflict,) = got.conflicts
        assert not conflict.fatal and "办公室（evidence/b.md:8）为否" in conflict.message
    # one unit changing its mind: its latest statement counts, no disagreement
    changed = combine(spec("flag", "all"), [src("a", False, 1, "综合组"), src("b", True, 9, "综合组")])
    assert changed.given.value is True and not changed.conflicts


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("sample")
    for top in ("indicators", "evidence"):
        shutil.copytree(ROOT / top, root / top)
    return root


def test_new_does_not_ask_for_a_fact_another_file_states_and_filling_the_rest_gives_the_points(sample: Path) -> None:
    made = create(sample, "jdhy.qudao", "综合组", date(2021, 12, 8))
    text = made.path.read_text(encoding="utf-8")
    assert "# 解读总量：已由 evidence/zonghe/2021-12-03-jiedu-qudao-tongji.md 提供" in text
    assert "解读总量: 待填写" not in text and "非网站解读量: 待填写" in text
    filled = (text.replace("title: ", "title: 非网站渠道解读统计", 1).replace("kind: ", "kind: 统计报表", 1)
              .replace("非网站解读量: 待填写", "非网站解读量: 62").replace("  采用篇数: 待填写\n", "")
              .replace("待填写：", "微信公众号发布政策解读62篇。"))
    made.path.write_text(filled, encoding="utf-8")
    row = check_and_score(sample, strict=True).table.row("jdhy.qudao")
    assert row is not None and row.score == D(2) and row.status == "complete"
    # the denominator restated by the new file: refused, both files and lines named
    made.path.write_text(filled.replace("非网站解读量: 62", "非网站解读量: 62\n  解读总量: 100"), encoding="utf-8")
    with pytest.raises(DataError) as failed:
        check_and_score(sample, strict=True)
    messages = [p.format() for p in failed.value.problems if p.code == "fact-combine"]
    assert len(messages) == 1
    assert "2021-12-03-jiedu-qudao-tongji.md:8" in messages[0] and messages[0].startswith(
        made.path.relative_to(sample).as_posix() + ":")
    made.path.unlink()


def test_the_row_page_says_which_file_states_each_fact_and_a_latest_fact_s_history() -> None:
    from scoring.gather.collect import gather
    from scoring.render.site.sitemodel import SiteModel

    model = SiteModel(gather(ROOT, strict=True, as_of=date(2021, 12, 10)))
    facts = {f.spec.name: f for f in model.rows["zdgk.zhuanqu"].facts}
    built = facts["专区已建成"]
    assert [ev.id for ev in built.stated] == ["2021-04-09-zhuanqu-jianshe-fangan", "2021-06-25-zhengwu-gongkai-zhuanqu"]
    assert built.note == "以日期最晚的一份为准；历次：2021年4月9日 否，2021年6月25日 是"
    assert not facts["专区亮点工程"].given and not facts["专区亮点工程"].stated
    total = {f.spec.name: f for f in model.rows["jdhy.qudao"].facts}["解读总量"]
    assert [ev.path for ev in total.stated] == ["evidence/zonghe/2021-12-03-jiedu-qudao-tongji.md"]
