"""``new``: a scaffold that fails the check until its facts are filled in."""

from __future__ import annotations

import re
import shutil
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from scoring.cli.main import main
from scoring.core.problems import DataError, Severity
from scoring.core.yamlio import load_yaml, split_front_matter
from scoring.gather.collect import gather
from scoring.load.body import PLACEHOLDER
from scoring.load.load import load_scheme
from scoring.load.scaffold import create, render, target_path
from scoring.model.model import FactSpec, Indicator, Scheme, Unit

ROOT = Path(__file__).resolve().parent.parent
JUNE = date(2021, 6, 1)


def sample(spec: FactSpec) -> str:
    """A valid YAML value for a fact, as a person would type it."""
    return {
        "items": "[" + ", ".join(spec.options or ("某事项",)) + "]",
        "count": "1",
        "number": "1",
        "flag": "true",
        "date": "2021-06-01",
        "adjustments": "[]",
    }[spec.type]


def fill(path: Path, indicator: Indicator) -> None:
    text = path.read_text(encoding="utf-8")
    for spec in indicator.facts:
        text = text.replace(f"  {spec.name}: {PLACEHOLDER}\n", f"  {spec.name}: {sample(spec)}\n")
    text = text.replace(f"{PLACEHOLDER}：用一两段话", "已完成。用一两段话")
    path.write_text(text, encoding="utf-8")


def front(path: Path) -> dict[str, object]:
    head, _, _ = split_front_matter(path.read_text(encoding="utf-8"))
    data = load_yaml(head, line_offset=1)
    assert isinstance(data, dict)
    return data


def errors_of(root: Path) -> list[str]:
    try:
        gather(root)
    except DataError as exc:
        return [p.format() for p in exc.problems if p.severity == Severity.ERROR]
    return []


def test_scaffold_fails_until_filled_then_scores(mini: Path) -> None:
    path, note = create(mini, "zuzhi.yanjiu", "综合组", JUNE, "局党组会议研究丙事项", "会议纪要")
    assert note == ""
    assert path == mini / "evidence" / "zonghe" / "2021-06-01-zonghe-zuzhi.yanjiu.md"
    data = front(path)
    assert {k: data[k] for k in ("indicator", "unit", "title", "kind", "visibility")} == {
        "indicator": "zuzhi.yanjiu", "unit": "综合组", "title": "局党组会议研究丙事项", "kind": "会议纪要",
        "visibility": "internal"}
    assert data["facts"] == {"研究事项": PLACEHOLDER}
    line = path.read_text(encoding="utf-8").splitlines().index(f"  研究事项: {PLACEHOLDER}") + 1
    [message] = errors_of(mini)
    assert message.startswith(f"evidence/zonghe/2021-06-01-zonghe-zuzhi.yanjiu.md:{line}: 错误：事实“研究事项”")
    assert f"“{PLACEHOLDER}”不是可选项" in message
    path.write_text(path.read_text(encoding="utf-8").replace(f"研究事项: {PLACEHOLDER}", "研究事项: [丙]"),
                    encoding="utf-8")
    project = gather(mini)
    row = project.table.row("zuzhi.yanjiu")
    assert row is not None and row.score == Decimal(2)


def test_title_and_kind_left_empty_are_reported(mini: Path) -> None:
    create(mini, "zuzhi.zixun", "办公室", JUNE)
    found = errors_of(mini)
    assert any("缺少必填字段 title" in m for m in found)
    assert any("缺少必填字段 kind" in m for m in found)


def owner(scheme: Scheme, ind: Indicator) -> Unit:
    """The row's first responsible unit that is a real one, else any unit."""
    units = [u for u in (scheme.unit_by_id(i) for i in ind.unit_ids) if u is not None and not u.everyone]
    return units[0] if units else scheme.real_units[0]


def test_every_row_of_the_real_scheme(tmp_path: Path) -> None:
    """Each indicator's scaffold fails on each of its facts, and passes once they are filled."""
    root = tmp_path / "real"
    shutil.copytree(ROOT / "indicators", root / "indicators")
    scheme, _ = load_scheme(root)
    assert scheme is not None
    made: list[tuple[Path, Indicator]] = []
    for ind in scheme.all_indicators():
        unit = owner(scheme, ind)
        made.append((create(root, ind.id, unit.name, JUNE, f"{ind.name}的材料", "台账").path, ind))
    with pytest.raises(DataError) as raised:
        gather(root)
    unfilled = [p for p in raised.value.problems if p.severity == Severity.ERROR]
    assert len(unfilled) == sum(len(ind.facts) for _, ind in made)
    for problem in unfilled:  # each one points at a placeholder line
        assert problem.code == "bad-fact"
        lines = (root / problem.path).read_text(encoding="utf-8").splitlines()
        assert lines[problem.line - 1].endswith(f": {PLACEHOLDER}"), problem.format()
    bodies = [p for p in raised.value.problems if p.severity == Severity.WARNING]
    assert len(bodies) == len(made) and {p.code for p in bodies} == {"placeholder"}  # the body's sentence
    for path, ind in made:
        fill(path, ind)
    project = gather(root, strict=True)  # no error, no warning
    assert len(project.evidence) == len(made)


def test_required_facts_come_first_with_their_help() -> None:
    scheme, _ = load_scheme(ROOT)
    assert scheme is not None
    mixed = [i for i in scheme.rows if i.required_facts and len(i.facts) > len(i.required_facts)]
    assert mixed, "the real scheme has rows with both required and optional facts"
    for ind in mixed:
        unit = scheme.real_units[0]
        text = render(ind, unit, JUNE, None, None)
        names = re.findall(rf"^  (\S+): {PLACEHOLDER}$", text, flags=re.MULTILINE)
        assert names[: len(ind.required_facts)] == list(ind.required_facts)
        assert sorted(names) == sorted(f.name for f in ind.facts)
        for spec in ind.facts:
            assert spec.help in text
        assert text.count("（计分必填）") == len(ind.required_facts)
        assert text.count("选填：不适用时删去本行") == len(ind.facts) - len(ind.required_facts)


def test_never_overwrites(mini: Path) -> None:
    first = create(mini, "zuzhi.yanjiu", "综合组", JUNE, "第一份", "会议纪要").path
    second = create(mini, "zuzhi.yanjiu", "综合组", JUNE, "第二份", "会议纪要").path
    assert second.name == "2021-06-01-zonghe-zuzhi.yanjiu-2.md"
    assert front(first)["title"] == "第一份" and front(second)["title"] == "第二份"


def test_awkward_title_is_quoted(mini: Path) -> None:
    path = create(mini, "zuzhi.yanjiu", "综合组", JUNE, "会议: 研究 #1 “双公示”", "会议纪要").path
    assert front(path)["title"] == "会议: 研究 #1 “双公示”"


def test_unit_defaults_to_the_only_responsible_unit(mini: Path) -> None:
    assert create(mini, "zuzhi.yanjiu", None, JUNE).path.parent.name == "zonghe"


def test_cli_new(mini: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["new", "zuzhi.zixun", "--unit", "政务中心", "--date", "2021-05-10", "--project", str(mini)]) == 0
    out = capsys.readouterr().out
    assert "已新建 evidence/zwfw/2021-05-10-zwfw-zuzhi.zixun.md" in out
    assert front(mini / "evidence" / "zwfw" / "2021-05-10-zwfw-zuzhi.zixun.md")["unit"] == "政务服务中心"


@pytest.mark.parametrize(("argv", "expected"), [
    (["new", "zuzhi.yanjiuu"], "未知指标 zuzhi.yanjiuu，是否为 zuzhi.yanjiu？"),
    (["new", "zuzhi.zixun"], "请用 --unit 指定提交材料的单位"),
    (["new", "zuzhi.yanjiu", "--unit", "综合祖"], "未知单位“综合祖”，是否为 综合组？"),
    (["new", "zuzhi.yanjiu", "--date", "2021-6-1"], "不是 YYYY-MM-DD 格式的日期"),
])
def test_bad_command_lines_exit_2(mini: Path, capsys: pytest.CaptureFixture[str], argv: list[str],
                                  expected: str) -> None:
    assert main([*argv, "--project", str(mini)]) == 2
    assert expected in capsys.readouterr().err
    assert sorted(p.name for p in (mini / "evidence").rglob("*.md")) == [
        "jiancha-07.md", "shuangshi.md", "yanjiu.md", "zixun.md"]


def test_row_by_its_chinese_name(mini: Path) -> None:
    assert create(mini, "政策咨询服务", "办公室", JUNE).path.name == "2021-06-01-bgs-zuzhi.zixun.md"


def test_a_unit_that_is_not_responsible_is_noted(mini: Path) -> None:
    path, note = create(mini, "zuzhi.yanjiu", "办公室", JUNE, "t", "会议纪要")
    assert note.startswith("注意：办公室不是指标 zuzhi.yanjiu 的责任单位（综合组）")
    assert path.parent.name == "bgs"




# --- CONTRIBUTING.md shows real output: these tests fail when the messages drift ------------------

CONTRIBUTING = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")


def test_contributing_shows_the_scaffold_as_generated() -> None:
    scheme, _ = load_scheme(ROOT)
    assert scheme is not None
    ind, unit = scheme.indicator("zzld.yjbz"), scheme.unit_by_name("综合组")
    assert ind is not None and unit is not None
    text = render(ind, unit, date(2021, 3, 18), "局党组会议研究部署2021年政务公开工作", "会议纪要")
    assert f"```yaml\n{text.rstrip()}\n```" in CONTRIBUTING


def test_contributing_shows_every_fact_type() -> None:
    from scoring.model.fields import FACT_TYPE_HELP

    for help_text in FACT_TYPE_HELP.values():
        assert help_text in CONTRIBUTING


def test_contributing_example_messages_are_real(tmp_path: Path) -> None:
    root = tmp_path / "real"
    shutil.copytree(ROOT / "indicators", root / "indicators")
    create(root, "jdhy.qudao", "综合组", date(2021, 12, 3), "2021年政策解读渠道统计", "统计报表")
    xianji = create(root, "bzgf.xianji", "办公室", date(2021, 9, 27), "9月县级标准目录执行情况检查", "工作报告").path
    xianji.write_text(xianji.read_text(encoding="utf-8").replace("  检查日期: 待填写", "  检查日期: 2021-09-27"),
                      encoding="utf-8")
    messages = _messages(root)
    text = xianji.read_text(encoding="utf-8")
    xianji.write_text(text.replace("unit: 办公室", "unit: 办工室").replace("date: 2021-09-27 ", "date: 2021-9-27 "),
                      encoding="utf-8")
    messages |= _messages(root)
    shown = [line for line in CONTRIBUTING.splitlines() if line.startswith("evidence/")]
    shown += [m.strip("`") for m in re.findall(r"`evidence/[^`]+`", CONTRIBUTING) if "警告" in m]
    assert len(shown) == 4
    for line in shown:
        assert line in messages, line


def _messages(root: Path) -> set[str]:
    try:
        gather(root)
    except DataError as exc:
        return {p.format() for p in exc.problems}
    return set()


def test_two_units_scaffolding_the_same_row_on_the_same_day_get_different_ids(mini: Path) -> None:
    """Each pull request passes alone; after both are merged, main must still pass."""
    a = create(mini, "zuzhi.zixun", "办公室", JUNE, "办公室的记录", "台账").path
    b = create(mini, "zuzhi.zixun", "政务中心", JUNE, "政务中心的记录", "台账").path
    assert a.stem != b.stem


def test_a_name_taken_in_another_folder_is_not_reused(mini: Path) -> None:
    scheme, _ = load_scheme(mini)
    assert scheme is not None
    ind, unit = scheme.indicator("zuzhi.yanjiu"), scheme.unit_by_name("综合组")
    assert ind is not None and unit is not None
    elsewhere = mini / "evidence" / "bgs" / f"{JUNE.isoformat()}-zonghe-zuzhi.yanjiu.md"
    elsewhere.write_text("moved here by hand\n", encoding="utf-8")
    assert target_path(mini, unit, JUNE, ind).name == "2021-06-01-zonghe-zuzhi.yanjiu-2.md"


def test_an_unfilled_body_is_a_warning_and_fails_strict(mini: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path, _ = create(mini, "zuzhi.yanjiu", "综合组", JUNE, "局党组会议研究丙事项", "会议纪要")
    path.write_text(path.read_text(encoding="utf-8").replace(f"研究事项: {PLACEHOLDER}", "研究事项: [丙]"),
                    encoding="utf-8")
    rel = path.relative_to(mini).as_posix()
    line = path.read_text(encoding="utf-8").splitlines().index(next(
        ln for ln in path.read_text(encoding="utf-8").splitlines() if ln.startswith(PLACEHOLDER))) + 1
    assert main(["check", "--project", str(mini)]) == 0
    expected = f"{rel}:{line}: 警告：正文仍是模板中的“{PLACEHOLDER}”"
    assert expected in capsys.readouterr().err
    assert main(["check", "--strict", "--project", str(mini)]) == 1
    assert expected in capsys.readouterr().err

