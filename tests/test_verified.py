"""The assessors' 核定分: the table they fill in, read back into results/verified.yaml, shown beside the self-score."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import openpyxl
import pytest

from scoring.cli import main as cli

ROOT = Path(__file__).resolve().parent.parent
# Five rows the assessors score differently (self-score → 核定), and one they leave out of their table.
CHANGED = {"zzld.yjbz": ("1", "0.5", "会议纪要未见研究预算"), "zzld.jgry": ("2", "1.5", ""),
           "zdgk.guihua": ("3", "2", "历史规划未公开"), "jdhy.zixun": ("3", "2.5", ""),
           "ptjs.baosong": ("1", "2", "报送问题已整改")}
LEFT_OUT = "zdgk.jianyi"


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("verified")
    for folder in ("indicators", "evidence", "registers"):
        shutil.copytree(ROOT / folder, base / folder)
    return base


def _export(project: Path, out: Path) -> Path:
    assert cli.main(["verified-export", "--project", str(project), "--out", str(out)]) == 0
    return out / "verified-export.xlsx"


def _fill(exported: Path, target: Path, changes: dict[str, tuple[str, str, str]], *, drop: str = "",
          extra: list[list[object]] | None = None) -> Path:
    """The assessors' copy: a title row above the header, every row scored, some differently, one row deleted."""
    book = openpyxl.load_workbook(exported)
    sheet = book["核定表"]
    sheet.protection.sheet = False
    heads = [c.value for c in sheet[1]]
    score, note, own = heads.index("核定得分") + 1, heads.index("核定意见") + 1, heads.index("自评得分") + 1
    for row in range(sheet.max_row, 1, -1):
        rid = sheet.cell(row, 1).value
        if rid == drop:
            sheet.delete_rows(row)
            continue
        sheet.cell(row, score).value = sheet.cell(row, own).value
        if rid in changes:
            assert str(sheet.cell(row, own).value) == changes[rid][0], rid
            value = changes[rid][1]
            sheet.cell(row, score).value = float(value) if value.replace(".", "").isdigit() else value
            sheet.cell(row, note).value = changes[rid][2]
    for values in extra or []:
        sheet.append(values)
    sheet.insert_rows(1)
    sheet.cell(1, 1).value = "晋城市2021年度政务公开考核核定表（考核组）"
    book.save(target)
    return target


def test_the_exported_table_locks_all_but_the_two_columns(project: Path, tmp_path: Path) -> None:
    sheet = openpyxl.load_workbook(_export(project, tmp_path))["核定表"]
    heads = [c.value for c in sheet[1]]
    assert heads[0] == "编号" and heads[-2:] == ["核定得分", "核定意见"] and sheet.protection.sheet
    assert sheet.max_row == 41  # the header and the 40 rows
    for row in sheet.iter_rows(min_row=2):
        assert [c.protection.locked for c in row] == [True] * (len(row) - 2) + [False, False]
        assert row[-2].value is None and row[-1].value is None


def test_a_filled_in_table_comes_back_and_shows_beside_the_self_score(project: Path, tmp_path: Path,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    filled = _fill(_export(project, tmp_path), tmp_path / "返回.xlsx", CHANGED, drop=LEFT_OUT)
    assert cli.main(["verified-import", str(filled), "--project", str(project)]) == 0
    text = (project / "results" / "verified.yaml").read_text(encoding="utf-8")
    assert "  zzld.yjbz: {score: 0.5, note: \"会议纪要未见研究预算\"}" in text and LEFT_OUT not in text
    assert text.count("\n  ") == 39  # one line per row scored
    capsys.readouterr()
    out = tmp_path / "out"
    assert cli.main(["score", "--project", str(project), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    # self-assessed 81.88; the differences: −0.5 −0.5 −1 −0.5 +1 = −1.5
    assert "核定总分 80.38（折算百分制 94.56）　核定等次：优秀　与自评相差 -1.5（考核组核定 39 行，其余沿用自评得分）" in printed
    assert "    zdgk.guihua  自评 3　核定 2　差额 -1：历史规划未公开" in printed
    doc = json.loads((out / "scores.json").read_text(encoding="utf-8"))
    rows = {r["id"]: r for n in doc["nodes"] for r in n["rows"]}
    assert rows["zzld.yjbz"]["verified"] == {"score": 0.5, "difference": -0.5, "note": "会议纪要未见研究预算"}
    assert rows[LEFT_OUT]["verified"] is None and rows["zdgk.zhuanxing"]["verified"]["difference"] == 0
    assert doc["total"]["verified"] == {"total": 80.38, "normalised": 94.56, "grade": "优秀", "rows": 39,
                                        "source": "返回.xlsx"}
    sheet = openpyxl.load_workbook(out / "scores.xlsx")["自评得分"]
    heads = [c.value for c in sheet[1]]
    assert heads[-3:] == ["核定得分", "差额", "核定意见"]
    by_id = {row[0]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert by_id["ptjs.baosong"][-3:] == (2, 1, "报送问题已整改")
    assert by_id[LEFT_OUT][-1] == "未核定，沿用自评得分" and by_id[LEFT_OUT][-3] in (None, "")
    total = next(row for row in sheet.iter_rows(min_row=2, values_only=True) if row[1] == "合计")
    assert total[-3:] == (80.38, -1.5, "核定等次：优秀")


def test_a_malformed_table_is_refused_with_sheet_row_and_column(project: Path, tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    target = project / "results" / "verified.yaml"
    before = target.read_bytes() if target.exists() else None
    bad = {"zzld.yjbz": ("1", "9", ""), "zzld.jgry": ("2", "两分", "")}
    filled = _fill(_export(project, tmp_path), tmp_path / "坏.xlsx", bad, extra=[["zzld.nosuch", "", "", "某指标", 1, 1, "", 1, ""]])
    capsys.readouterr()
    assert cli.main(["verified-import", str(filled), "--project", str(project)]) == 1
    err = capsys.readouterr().err
    heads = [c.value for c in openpyxl.load_workbook(filled)["核定表"][2]]
    column = openpyxl.utils.get_column_letter(heads.index("核定得分") + 1)
    assert f"工作表“核定表”第 3 行 {column} 列：zzld.yjbz 的核定得分 9 高于该行赋分 2" in err
    assert f"工作表“核定表”第 4 行 {column} 列：核定得分应为数字，这里是“两分”" in err
    assert "工作表“核定表”第 43 行 A 列：未知指标“zzld.nosuch”，方案中没有这一行" in err
    assert "核定表有 3 处错误；未写出任何文件" in err
    assert (target.read_bytes() if target.exists() else None) == before


def test_a_hand_edited_verified_file_is_checked(project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    other = tmp_path / "p"
    shutil.copytree(project, other)
    (other / "results").mkdir(exist_ok=True)
    (other / "results" / "verified.yaml").write_text(
        "source: x\nrows:\n  zzld.yjbz: {score: 1}\n  zzld.nosuch: {score: 1}\n  zzld.jgry: {score: 3}\n",
        encoding="utf-8")
    capsys.readouterr()
    assert cli.main(["check", "--project", str(other)]) == 1
    err = capsys.readouterr().err
    assert "results/verified.yaml:4" in err and "未知指标 zzld.nosuch" in err
    assert "results/verified.yaml:5" in err and "zzld.jgry 的核定得分 3 高于该行赋分 2" in err
