"""A scheme tree of any depth: the scheme names its levels, groups nest, any node may carry points,
a cap, a clamp and units, and every output uses the scheme's own level names.

Each scheme here is the mini fixture with its indicator files rewritten, so the evidence
(and its hand-checked deductions) stays the same: zuzhi.yanjiu −1 (丙 missing; −3 without its
evidence), gongkai.jiancha −2 (two of three checks missing), gongkai.shuangshi −0.1.
"""

from __future__ import annotations

import json
import os
import shutil
import zipfile
from datetime import date
from decimal import Decimal
from decimal import Decimal as D
from pathlib import Path

import openpyxl
import pytest

from scoring.cli.main import main
from scoring.gather.collect import gather
from scoring.load.check import check_scheme
from scoring.load.load import load_scheme
from scoring.model.model import Scheme
from scoring.render import tables
from scoring.render.dossier import dossier
from scoring.score.score import ScoreTable

MINI = Path(__file__).resolve().parent / "fixtures" / "mini"
EPOCH = "1638316800"  # 2021-12-01

# The rows of the mini fixture, without their place in the tree (each a YAML block at 0 indent).
YANJIU = """\
- id: zuzhi.yanjiu
  name: 单位领导班子研究情况
  points: 2
  units: [综合组]
  text: {deduction: 每少研究一项，扣1分，扣分上限为4分}
  facts:
    研究事项: {type: items, options: [甲, 乙, 丙], help: 会议纪要中研究部署的事项}
  rules:
    - {kind: per_missing, fact: 研究事项, required: [甲, 乙, 丙], per: 1, cap: 4, text: 每少研究一项，扣1分}
"""
ZIXUN = """\
- id: zuzhi.zixun
  name: 政策咨询服务
  points: 1
  key: true
  facts:
    已开展政策咨询: {type: flag, help: 是否开展了政策咨询服务}
  rules:
    - {kind: required, fact: 已开展政策咨询, deduct: 1}
"""
JIANCHA = """\
- id: gongkai.jiancha
  name: 对县级标准执行情况进行监督检查
  points: 3
  units: [办公室]
  facts:
    检查日期: {type: date, help: 开展检查的日期}
  rules:
    - {kind: per_deadline, fact: 检查日期, deadlines: [2021-07-31, 2021-09-30, 2021-11-30], per: 1, cap: 3}
"""
SHUANGSHI = """\
- id: gongkai.shuangshi
  name: “双公示”数据报送合规性情况
  points: 5
  units: [综合组]
  facts:
    合规数据量: {type: count, help: 合规的数据条数}
    报送数据总量: {type: count, help: 报送的数据总条数}
  rules:
    - {kind: ratio_score, numerator: 合规数据量, denominator: 报送数据总量}
"""
TUOZHAN = """\
- id: gongkai.tuozhan
  name: 拓展试点领域情况
  points: 0
  units: [各组(科室、单位)]
  facts:
    拓展领域数: {type: count, help: 拓展的试点领域个数}
  rules:
    - {kind: bonus_per_item, fact: 拓展领域数, per: 1, cap: 3}
"""


def block(text: str, indent: int) -> str:
    return "".join(" " * indent + line if line.strip() else line for line in text.splitlines(keepends=True))


def project(tmp_path: Path, levels: str, clamp: str, files: dict[str, str], name: str = "p") -> Path:
    """The mini fixture with these levels, this clamp policy and these indicator files."""
    root = tmp_path / name
    shutil.copytree(MINI, root)
    for old in ("01-zuzhi.yaml", "02-gongkai.yaml"):
        (root / "indicators" / old).unlink()
    scheme = root / "indicators" / "scheme.yaml"
    text = scheme.read_text(encoding="utf-8").replace("clamp: level1\n", f"clamp: {clamp}\n")
    scheme.write_text(text + (f"levels: {levels}\n" if levels else ""), encoding="utf-8")
    for rel, body in files.items():
        (root / "indicators" / rel).write_text(body, encoding="utf-8")
    return root


# --- a four-level scheme ------------------------------------------------------------------------

FOUR = "[一级指标, 二级指标, 三级指标, 四级指标]"
FOUR_ZUZHI = f"""\
id: zuzhi
name: 组织领导
rows:
  - name: 领导重视
    rows:
      - name: 班子研究
        points: 3
        rows:
{block(YANJIU, 10)}  - id: zuzhi.zx
    name: 咨询服务
    units: [政务中心, 办公室]
    rows:
{block(ZIXUN, 6)}"""
FOUR_GONGKAI = f"""\
id: gongkai
name: 主动公开
rows:
  - name: 监督检查
    rows:
      - name: 标准执行
        cap: 1.5
        rows:
{block(JIANCHA, 10)}  - name: 数据报送
    rows:
{block(SHUANGSHI, 6)}{block(TUOZHAN, 6)}"""


def four(tmp_path: Path, clamp: str = "二级指标", zuzhi: str = FOUR_ZUZHI) -> Path:
    return project(tmp_path, FOUR, clamp, {"01-zuzhi.yaml": zuzhi, "02-gongkai.yaml": FOUR_GONGKAI}, f"four-{clamp}")


def loaded(root: Path) -> Scheme:
    scheme, problems = load_scheme(root)
    assert scheme is not None and not [p for p in problems if p.severity.value == "错误"], problems
    return scheme


def test_a_four_level_tree_loads_with_ids_units_and_cells(tmp_path: Path) -> None:
    scheme = loaded(four(tmp_path))
    assert scheme.level_names == ("一级指标", "二级指标", "三级指标", "四级指标") and scheme.depth == 4
    zuzhi = scheme.levels[0]
    assert [(n.id, n.name, n.depth) for n in zuzhi.walk()] == [
        ("zuzhi", "组织领导", 0), ("zuzhi.1", "领导重视", 1), ("zuzhi.1.1", "班子研究", 2), ("zuzhi.zx", "咨询服务", 1)]
    assert [r.id for r in zuzhi.rows] == ["zuzhi.yanjiu", "zuzhi.zixun"] and zuzhi.points == 3
    yanjiu, zixun = zuzhi.rows
    assert yanjiu.trail == ("领导重视", "班子研究") and yanjiu.trail_ids == ("zuzhi.1", "zuzhi.1.1")
    assert scheme.cells(yanjiu) == ("组织领导", "领导重视", "班子研究", "单位领导班子研究情况")
    # A row above the deepest level: the cells between are blank.
    assert scheme.cells(zixun) == ("组织领导", "咨询服务", "", "政策咨询服务")
    # A row without units inherits its nearest ancestor's, resolved through the registry.
    assert zixun.units == ("政务中心", "办公室") and zixun.unit_ids == ("zwfw", "bgs")
    assert scheme.clamp_depth == 1
    assert "每个二级指标合计扣分不超过该二级指标的赋分" in scheme.clamp_text


def test_children_sum_is_checked_at_a_middle_level(tmp_path: Path) -> None:
    scheme = loaded(four(tmp_path))
    notes = [p for p in check_scheme(scheme) if p.code == "level-points"]
    line = FOUR_ZUZHI.splitlines().index("        points: 3") + 1
    assert [(p.path, p.line) for p in notes] == [("indicators/01-zuzhi.yaml", line)]
    assert "三级指标“班子研究”写明3分，但其各行赋分合计为2分" in notes[0].message
    fixed = four(tmp_path / "fixed", zuzhi=FOUR_ZUZHI.replace("        points: 3\n", "        points: 2\n"))
    assert not [p for p in check_scheme(loaded(fixed)) if p.code == "level-points"]


def _score(root: Path, without: tuple[str, ...] = ()) -> ScoreTable:
    for rel in without:
        (root / "evidence" / rel).unlink()
    return gather(root, as_of=date(2021, 12, 1), with_git=False).table


def test_clamp_at_a_middle_level_and_a_cap_on_a_group(tmp_path: Path) -> None:
    # Without its evidence zuzhi.yanjiu loses 3 (all three items missing; cap 4) on 2 points.
    # clamp: 二级指标 → 领导重视 (二级, 2 points) loses at most 2; 班子研究 (三级) is not clamped.
    #   组织领导 = 3 − 2 = 1.
    # 标准执行 has cap: 1.5 → gongkai.jiancha's −2 counts −1.5; 监督检查 (二级, 3 points) keeps 1.5.
    #   主动公开 = 8 − 1.5 − 0.1 = 6.4.  Total 7.4 of 11, 7.4 / 11 × 100 = 67.27 → 一般.
    table = _score(four(tmp_path), ("zonghe/yanjiu.md",))
    zuzhi, gongkai = table.levels
    lingdao = zuzhi.groups[0]
    assert (lingdao.node.name, lingdao.deduction, lingdao.clamped) == ("领导重视", D(3), D(2))
    assert (lingdao.groups[0].deduction, lingdao.groups[0].clamped) == (D(3), D(3))
    assert "二级指标扣分以其分值2分为限，实扣2分" in lingdao.clamp_note
    assert (zuzhi.deduction, zuzhi.clamped, zuzhi.score) == (D(2), D(2), D(1))
    biaozhun = gongkai.groups[0].groups[0]
    assert (biaozhun.node.name, biaozhun.deduction, biaozhun.clamped) == ("标准执行", D(2), D("1.5"))
    assert "本三级指标扣分上限为1.5分" in biaozhun.clamp_note
    assert gongkai.score == Decimal("6.4")
    assert (table.total, table.normalised, table.grade) == (Decimal("7.4"), Decimal("67.27"), "一般")
    # The same tree clamped at the top instead: 组织领导 loses all 3 of its 3 points.
    top = _score(four(tmp_path, clamp="level1"), ("zonghe/yanjiu.md",))
    assert (top.levels[0].score, top.total) == (D(0), D("6.4"))


def test_a_groups_own_clamp_overrides_the_schemes(tmp_path: Path) -> None:
    # clamp: false on 领导重视 (the level the scheme clamps): it loses all 3 → 组织领导 0, total 6.4.
    unclamped = FOUR_ZUZHI.replace("  - name: 领导重视\n", "  - name: 领导重视\n    clamp: false\n")
    table = _score(four(tmp_path, zuzhi=unclamped), ("zonghe/yanjiu.md",))
    assert (table.levels[0].score, table.total) == (D(0), D("6.4"))
    # clamp: true on 班子研究 under policy none: it loses at most its 2 points → 组织领导 1, total 7.4 − 0 = 1 + 6.4.
    clamped = FOUR_ZUZHI.replace("        points: 3\n", "        clamp: true\n")
    table = _score(four(tmp_path / "b", clamp="none", zuzhi=clamped), ("zonghe/yanjiu.md",))
    assert table.levels[0].score == 1 and table.total == Decimal("7.4")


def test_a_group_deeper_than_the_levels_is_an_error_with_its_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    deep = FOUR_ZUZHI.replace(block(YANJIU, 10), "          - name: 太深\n            rows:\n" + block(YANJIU, 14))
    root = four(tmp_path, zuzhi=deep)
    assert main(["check", "--project", str(root)]) == 1
    line = deep.splitlines().index("          - name: 太深") + 2  # its rows:
    err = capsys.readouterr().err
    assert f"indicators/01-zuzhi.yaml:{line}: 错误：分组“太深”在第4级，但方案只有4级" in err
    assert "分组最多2层" in err


def test_a_bad_clamp_names_the_levels_it_may_name(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = four(tmp_path, clamp="二级")
    assert main(["check", "--project", str(root)]) == 1
    err = capsys.readouterr().err
    assert "scheme.yaml 的字段 clamp 无效：应为 level1 / row / none 之一，或 levels 中除最后一级外的级别名称" in err
    assert "是否为 二级指标？" in err
    root = four(tmp_path / "leaf", clamp="四级指标")
    assert main(["check", "--project", str(root)]) == 1
    assert "“四级指标”是各行所在的最后一级；每行扣完为止请写 row" in capsys.readouterr().err


# --- the legacy flat form ------------------------------------------------------------------------


def test_the_legacy_flat_form_equals_the_same_tree_written_as_groups(tmp_path: Path) -> None:
    legacy = tmp_path / "legacy"
    shutil.copytree(MINI, legacy)
    zuzhi = f"""\
id: zuzhi
name: 组织领导
rows:
  - name: 组织领导
    rows:
{block(YANJIU, 6)}  - name: 咨询
    units: [政务中心, 办公室]
    rows:
{block(ZIXUN, 6)}"""
    gongkai = f"""\
id: gongkai
name: 主动公开
rows:
  - name: 监督检查
    rows:
{block(JIANCHA, 6)}  - name: 双公示
    rows:
{block(SHUANGSHI, 6)}  - name: 指导责任
    rows:
{block(TUOZHAN, 6)}"""
    grouped = project(tmp_path, "", "level1", {"01-zuzhi.yaml": zuzhi, "02-gongkai.yaml": gongkai})
    old, new = loaded(legacy), loaded(grouped)
    assert [n.id for n in old.nodes()] == [n.id for n in new.nodes()] == [
        "zuzhi", "zuzhi.1", "zuzhi.2", "gongkai", "gongkai.1", "gongkai.2", "gongkai.3"]
    assert [old.cells(r) for r in old.rows] == [new.cells(r) for r in new.rows]
    assert [(r.id, r.unit_ids, r.points) for r in old.rows] == [(r.id, r.unit_ids, r.points) for r in new.rows]
    a, b = _score(legacy), _score(grouped)
    assert tables.terminal(a) == tables.terminal(b)
    assert [(r.indicator.id, r.score) for r in a.rows] == [(r.indicator.id, r.score) for r in b.rows]
    assert (a.total, b.total) == (Decimal("7.9"), Decimal("7.9"))


def test_legacy_keys_only_in_a_three_level_scheme_and_at_the_top(tmp_path: Path) -> None:
    in_group = FOUR_ZUZHI.replace("  name: 单位领导班子研究情况\n", "  level3: 单位领导班子研究情况\n")
    _, problems = load_scheme(four(tmp_path, zuzhi=in_group))
    found = [p for p in problems if p.code == "legacy-level"]
    assert len(found) == 1 and "分组内的行不能写 level3" in found[0].message
    line = in_group.splitlines().index("            level3: 单位领导班子研究情况") + 1
    assert found[0].line == line
    two = project(tmp_path, "[类别, 考核内容]", "row", {"01-zuzhi.yaml": "id: zuzhi\nname: 组织领导\nrows:\n"
                                                                 + block(YANJIU.replace("  name:", "  level2: 甲\n  name:"), 2)})
    _, problems = load_scheme(two)
    assert ["2级方案（levels）中的行不能写 level2" in p.message for p in problems if p.code == "legacy-level"] == [True]


# --- a two-level scheme and its outputs -------------------------------------------------------------

TWO = "[类别, 考核内容]"


def two_level(tmp_path: Path) -> Path:
    zixun = ZIXUN.replace("  points: 1", "  points: 1\n  units: [办公室]")
    zuzhi = f"id: zuzhi\nname: 组织领导\npoints: 3\nrows:\n{block(YANJIU, 2)}{block(zixun, 2)}"
    gongkai = f"id: gongkai\nname: 主动公开\npoints: 8\nrows:\n{block(JIANCHA, 2)}{block(SHUANGSHI, 2)}{block(TUOZHAN, 2)}"
    return project(tmp_path, TWO, "row", {"01-zuzhi.yaml": zuzhi, "02-gongkai.yaml": gongkai}, "two")


def test_a_two_level_scheme_scores_with_rows_at_the_second_level(tmp_path: Path) -> None:
    root = two_level(tmp_path)
    scheme = loaded(root)
    assert scheme.cells(scheme.rows[0]) == ("组织领导", "单位领导班子研究情况")
    assert not [p for p in check_scheme(scheme) if p.code == "level-points"]
    assert _score(root).total == Decimal("7.9")  # the mini's deductions: −1, −2, −0.1 of 11
    group = "  - name: 分组\n    rows:\n" + block(YANJIU, 6)
    bad = project(tmp_path, TWO, "row", {"01-zuzhi.yaml": f"id: zuzhi\nname: 组织领导\nrows:\n{group}"}, "bad")
    _, problems = load_scheme(bad)
    assert [(p.line, p.code) for p in problems if p.code == "too-deep"] == [(5, "too-deep")]
    assert "不能再分组" in next(p.message for p in problems if p.code == "too-deep")


def _env() -> dict[str, str]:
    return {"SOURCE_DATE_EPOCH": EPOCH}


def test_outputs_use_the_schemes_own_level_names(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = two_level(tmp_path)
    for key, value in _env().items():
        monkeypatch.setenv(key, value)
    out = tmp_path / "out"
    assert main(["all", "--project", str(root), "--out", str(out)]) == 0
    doc = json.loads((out / "scores.json").read_text(encoding="utf-8"))
    assert doc["levels"] == ["类别", "考核内容"]
    assert doc["nodes"][0]["rows"][0]["path"] == ["组织领导", "单位领导班子研究情况"]
    assert doc["comprehensive"][0]["path"] == ["综合加分项", "（一）受到表彰"]
    with zipfile.ZipFile(out / "scores.xlsx") as book:
        shared = "".join(book.read(n).decode("utf-8") for n in book.namelist() if n.endswith(".xml"))
    sheet = openpyxl.load_workbook(out / "scores.xlsx").active
    assert sheet is not None
    header = [c.value for c in next(sheet.iter_rows(max_row=1))]
    assert header[:4] == ["编号", "类别", "考核内容", "赋分"] and "三级指标" not in header
    assert (out / "scores.csv").read_text(encoding="utf-8-sig").startswith("编号,类别,考核内容,赋分,")
    pages = [p.read_text(encoding="utf-8") for p in (out / "site").rglob("*.html")]
    scheme_page = (out / "site" / "scheme" / "index.html").read_text(encoding="utf-8")
    assert "<th>类别</th>" in scheme_page and "<th>考核内容</th>" in scheme_page
    assert "2 个类别、5 个考核内容" in scheme_page
    for text in (*pages, shared):
        for word in ("一级指标", "二级指标", "三级指标"):
            assert word not in text
    project_ = gather(root, as_of=date(2021, 12, 1), with_git=False)
    html = dossier.render_html(dossier.build_dossier(project_))
    assert "<th>类别</th><th>考核内容</th><th>赋分</th>" in html and "各类别得分" in html
    assert not any(word in html for word in ("一级指标", "二级指标", "三级指标"))
    assert (out / "dossier.pdf").stat().st_size > 0


def test_a_four_level_site_shows_every_level_and_the_group_subtotals(tmp_path: Path) -> None:
    root = four(tmp_path)
    out = tmp_path / "out"
    os.environ["SOURCE_DATE_EPOCH"] = EPOCH
    try:
        assert main(["site", "--project", str(root), "--out", str(out)]) == 0
    finally:
        os.environ.pop("SOURCE_DATE_EPOCH", None)
    scheme_page = (out / "site" / "scheme" / "index.html").read_text(encoding="utf-8")
    assert all(f"<th>{n}</th>" in scheme_page for n in ("一级指标", "二级指标", "三级指标", "四级指标"))
    text = (out / "site" / "scheme" / "zuzhi" / "index.html").read_text(encoding="utf-8")
    assert all(f"<th>{n}</th>" in text for n in ("二级指标", "三级指标", "四级指标")) and "<th>一级指标</th>" not in text
    assert "三级指标“班子研究”：赋分 2 分（方案写明 3 分）" in text
    assert "二级指标：领导重视" in text and "三级指标：班子研究" in text  # the row's own place, under its heading

