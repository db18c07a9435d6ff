"""This year against last year: a 2022 scheme made from the sample's 2021 one, compared row by row."""

from __future__ import annotations

import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from scoring import cli
from scoring.lastyear import MAP_FILE, Year, compare
from scoring.pipeline import check_and_score

ROOT = Path(__file__).resolve().parent.parent
NEW_ROW = """
  - id: zdgk.xinzeng
    level2: 法定主动公开内容
    level3: 重大决策预公开情况
    points: 1
    key: false
    units: [办公室]
    text:
      deduction: "重大决策事项未进行预公开的，扣1分"
    facts:
      已预公开:
        type: flag
        help: 写明重大决策事项是否已预公开。
    rules:
      - kind: required
        fact: 已预公开
        deduct: 1
        text: 重大决策事项未进行预公开的，扣1分
"""


def _next_year(text: str) -> str:
    return text.replace("2022", "2023").replace("2021", "2022")  # 次年1月底 (2022-01-31) moves too


def _year_2022(target: Path) -> Path:
    """The sample moved to 2022, with one row re-weighted, one removed, one renamed, one added."""
    for folder in ("indicators", "evidence", "registers"):
        for path in sorted((ROOT / folder).rglob("*")):
            if path.is_dir():
                continue
            dest = target / _next_year(path.relative_to(ROOT).as_posix())
            dest.parent.mkdir(parents=True, exist_ok=True)
            if path.suffix in (".md", ".yaml", ".csv"):
                dest.write_text(_next_year(path.read_text(encoding="utf-8")), encoding="utf-8")
            else:
                shutil.copyfile(path, dest)
    zzld = target / "indicators" / "01-zzld.yaml"
    text = zzld.read_text(encoding="utf-8")
    head, rest = text.split("  - id: zzld.yjbz\n", 1)
    zzld.write_text(head + "  - id: zzld.yjbz\n" + rest.replace("    points: 2\n", "    points: 3\n", 1), encoding="utf-8")
    zdgk = target / "indicators" / "03-zdgk.yaml"
    text = zdgk.read_text(encoding="utf-8").split("  - id: zdgk.lianhe\n")[0].rstrip() + "\n" + NEW_ROW
    text = text.replace("  - id: zdgk.jianyi\n", "  - id: zdgk.jytagk\n").replace(
        "    level3: 建议、提案答复公开\n", "    level3: 建议提案答复公开情况\n")
    zdgk.write_text(text, encoding="utf-8")
    (target / "evidence" / "bangongshi" / "2022-09-15-lianhe-fawen-fawenka.md").unlink()
    jianyi = target / "evidence" / "zonghe" / "2022-08-27-jianyi-tian-gongshi.md"
    jianyi.write_text(jianyi.read_text(encoding="utf-8").replace("zdgk.jianyi", "zdgk.jytagk"), encoding="utf-8")
    return target


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _year_2022(tmp_path_factory.mktemp("y2022") / "p")


def test_rows_are_matched_by_id_then_by_name(project: Path) -> None:
    c = compare(Year.of("2022", check_and_score(project)), Year.of("2021", check_and_score(ROOT)))
    how = {p.now.indicator.id: (p.then.indicator.id, p.matched_by) for p in c.matched if p.now and p.then}
    assert len(c.matched) == 39 and sum(1 for p in c.matched if p.matched_by == "编号") == 38
    assert how["zdgk.jytagk"] == ("zdgk.jianyi", "名称")
    assert [p.now.indicator.id for p in c.new if p.now] == ["zdgk.xinzeng"]
    assert [p.then.indicator.id for p in c.removed if p.then] == ["zdgk.lianhe"]
    yjbz = next(p for p in c.matched if p.now and p.now.indicator.id == "zzld.yjbz")
    assert yjbz.reweighted and (yjbz.then.points, yjbz.now.points) == (2, 3)  # type: ignore[union-attr]
    assert (yjbz.score_then, yjbz.score_now, yjbz.change) == (Decimal(1), Decimal(2), Decimal(1))  # still one item short: −1 of 3
    new = c.new[0]
    assert (new.score_then, new.score_now, new.change) == (None, Decimal(0), None)  # no evidence yet: 0 of 1
    # 81.88 last year; this year +1 (zzld.yjbz) −2 (zdgk.lianhe, 2 of 2, gone) +0 (the new row): 80.88
    assert (c.total(c.then), c.total(c.now)) == (Decimal("81.88"), Decimal("80.88"))
    assert (c.grade(c.then), c.grade(c.now)) == ("优秀", "优秀") and not c.verified
    unchanged = [p for p in c.matched if p.matched_by == "编号" and p.now and p.now.indicator.id != "zzld.yjbz"]
    assert all(p.change == 0 for p in unchanged), [(p.name, p.change) for p in unchanged if p.change]


def test_the_command_writes_the_workbook_and_a_map_staff_can_correct(project: Path, tmp_path: Path,
                                                                     capsys: pytest.CaptureFixture[str]) -> None:
    work = tmp_path / "work"
    shutil.copytree(project, work)
    out = tmp_path / "out"
    assert cli.main(["compare-last", str(ROOT), "--project", str(work), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "对应的行 39 项，新增 1 项，删去 1 项（其中按名称对应 1 项）" in printed
    mapping = (work / MAP_FILE).read_text(encoding="utf-8")
    assert "  zdgk.jytagk: zdgk.jianyi\n" in mapping and "  zdgk.xinzeng: null\n" in mapping
    sheet = openpyxl.load_workbook(out / "lastyear.xlsx")["与上年比较"]
    rows = {r[0] or r[1]: r for r in sheet.iter_rows(min_row=2, values_only=True) if r[0] or r[1]}
    assert rows["zdgk.xinzeng"][3] == "新增" and rows["zdgk.lianhe"][3] == "删去"
    assert rows["zzld.yjbz"][4:] == (2, 3, 1, 2, 1)
    # staff say the renamed row is new after all: the map wins
    (work / MAP_FILE).write_text(mapping.replace("zdgk.jytagk: zdgk.jianyi", "zdgk.jytagk: null"), encoding="utf-8")
    assert cli.main(["compare-last", str(ROOT), "--project", str(work), "--out", str(out)]) == 0
    assert "对应的行 38 项，新增 2 项，删去 2 项（其中按名称对应 0 项）" in capsys.readouterr().out
    (work / MAP_FILE).write_text("rows:\n  zdgk.jytagk: zdgk.nosuch\n", encoding="utf-8")
    assert cli.main(["compare-last", str(ROOT), "--project", str(work), "--out", str(out)]) == 1
    assert "results/lastyear-map.yaml:2: 错误：上年的方案中没有指标 zdgk.nosuch" in capsys.readouterr().err


def test_last_year_may_be_a_tag_of_this_repository(project: Path, tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    repo = tmp_path / "repo"
    for folder in ("indicators", "evidence", "registers"):
        shutil.copytree(ROOT / folder, repo / folder)
    git = ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", "2021"], check=True)
    subprocess.run([*git, "tag", "y2021"], check=True)
    for folder in ("indicators", "evidence", "registers"):
        shutil.rmtree(repo / folder)
        shutil.copytree(project / folder, repo / folder)
    assert cli.main(["compare-last", "y2021", "--project", str(repo), "--out", str(tmp_path / "out")]) == 0
    assert "今年总分 80.88（优秀），上年 81.88（优秀）" in capsys.readouterr().out
