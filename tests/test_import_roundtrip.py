"""export-scheme → import loses nothing: the same scheme (as parsed YAML) and the same scores, through .xlsx and .docx.

Six schemes: the seed transcription (indicators/ and evidence/ of the
repository), the three schemes of tests/fixtures/schemes/ and the two of
tests/fixtures/roundtrip/ (clauses kept only in rules' text, a 细项 level, a unit
named with 、, points_text, clamp: row and clamp on 类别, accept_until, own grade
bands, an empty totals.yaml). Each is exported once; both files are imported,
the evidence is copied beside the import and both projects are scored in-process.
Without the settings sheet the same files are plain assessors' tables, read by
their words, and the report names every column.
"""

from __future__ import annotations

import re
import shutil
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from office_files import without_settings

from scoring.cli.main import main
from scoring.core.yamlio import load_yaml
from scoring.gather.pipeline import check_and_score
from scoring.importer.settings import plain
from scoring.model.values import BuildInfo
from scoring.render import tables

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
SCHEMES = {
    "seed": ROOT,
    **{p.name: p for p in sorted((FIXTURES / "schemes").iterdir()) if p.is_dir()},
    **{p.name: p for p in sorted((FIXTURES / "roundtrip").iterdir()) if p.is_dir()},
}
FORMATS = ("xlsx", "docx")
INFO = BuildInfo("", datetime(2025, 1, 1), False)


def parsed(root: Path) -> dict[str, Any]:
    return {p.name: plain(load_yaml(p.read_text(encoding="utf-8"))) for p in sorted((root / "indicators").glob("*.yaml"))}


def scores_json(root: Path) -> str:
    return tables.to_json(check_and_score(root).table, INFO, date(2025, 1, 1))


def report_ids(project: Path) -> dict[str, str]:
    """import-report.md's id table: imported id → the names it stands for."""
    text = (project / "import-report.md").read_text(encoding="utf-8")
    table = text.split("## 指标编号对照", 1)[1]
    return {m.group(1): m.group(2) for m in re.finditer(r"^\| (\S+) \| [^|]* \| ([^|]*) \|$", table, re.M)
            if m.group(1) not in ("编号", "---")}


def row_ids(data: dict[str, Any]) -> list[str]:
    """Every row id of parsed scheme files, in file order."""
    out: list[str] = []

    def rows(items: Any) -> None:
        for item in items or ():
            if "rows" in item:
                rows(item["rows"])
            else:
                out.append(item["id"])
    for name, content in data.items():
        if isinstance(content, dict) and "rows" in content:
            rows(content["rows"])
        elif name == "totals.yaml" and content:
            for block in ("comprehensive", "major"):
                out += [i["id"] for i in (content.get(block) or {}).get("items") or ()]
    return out


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Each scheme exported once: the folder holding scheme-export.xlsx and scheme-export.docx."""
    out: dict[str, Path] = {}
    for name, root in SCHEMES.items():
        folder = tmp_path_factory.mktemp(f"export-{name}")
        assert main(["export-scheme", "--project", str(root), "--out", str(folder)]) == 0
        out[name] = folder
    return out


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("name", list(SCHEMES))
def test_export_then_import_gives_the_same_scheme_and_scores(name: str, fmt: str, exported: dict[str, Path],
                                                             tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = SCHEMES[name]
    project = tmp_path / "p"
    assert main(["import", str(exported[name] / f"scheme-export.{fmt}"), "--to", str(project)]) == 0
    printed = capsys.readouterr().out
    assert "已按其原样恢复考核方案" in printed and "不一致" not in printed  # every row shown as it is kept
    original = parsed(source)
    ids = report_ids(project)
    assert sorted(ids) == sorted(row_ids(original))  # every id maps to itself: the evidence finds its rows
    assert parsed(project) == original
    shutil.rmtree(project / "evidence")
    shutil.copytree(source / "evidence", project / "evidence")
    if (source / "registers").is_dir():  # facts counted from registers are the project's, not the table's
        shutil.copytree(source / "registers", project / "registers")
    assert scores_json(project) == scores_json(source)


def test_exporting_twice_gives_the_same_bytes(exported: dict[str, Path], tmp_path: Path) -> None:
    assert main(["export-scheme", "--project", str(SCHEMES["additive-four-level"]), "--out", str(tmp_path)]) == 0
    for fmt in FORMATS:
        name = f"scheme-export.{fmt}"
        assert (tmp_path / name).read_bytes() == (exported["additive-four-level"] / name).read_bytes()


def test_the_assessors_sheet_holds_every_clause_points_as_numbers_and_whole_units(exported: dict[str, Path]) -> None:
    book = openpyxl.load_workbook(exported["additive-four-level"] / "scheme-export.xlsx")
    assert book.sheetnames == ["考核指标", "方案设置"]
    rows = [list(r) for r in book["考核指标"].iter_rows(values_only=True)]
    header = rows[2]
    assert header[:6] == ["一级指标", "二级指标", "细项", "考核内容", "赋分", "扣分标准"]
    by_name = {r[3]: dict(zip(header, r, strict=True)) for r in rows[3:]}
    assert by_name["保密审查制度"]["扣分标准"] == "是否建立政府信息公开保密审查制度（1分）\n是否建立政策文件与解读材料同步审签制度（1分）"
    assert by_name["年度报告"]["赋分"] == 1  # points_text 「1分（按时发布）」 travels on the settings sheet
    assert by_name["政务服务好差评"]["责任单位"] == "所有部门、单位"
    assert by_name["政务服务好差评"]["扣分标准"] == "好差评数据按时报送，差评整改到位。\n差评未按期整改的，每件扣1分"


@pytest.mark.parametrize("fmt", FORMATS)
def test_without_the_settings_sheet_the_table_is_read_by_its_words(fmt: str, exported: dict[str, Path],
                                                                   tmp_path: Path) -> None:
    table = without_settings(exported["additive-four-level"] / f"scheme-export.{fmt}", tmp_path / f"plain.{fmt}")
    project = tmp_path / "p"
    assert main(["import", str(table), "--to", str(project), "--year", "2024"]) == 0
    data = parsed(project)
    assert data["scheme.yaml"]["levels"] == ["一级指标", "二级指标", "细项", "考核内容"]  # 细项 is a level, not dropped
    group = data["01-yj01.yaml"]["rows"][0]["rows"][1]
    assert (group["name"], group["points"], [r["name"] for r in group["rows"]]) == ("好差评", 2, ["政务服务好差评"])
    assert [u["name"] for u in data["units.yaml"]["units"]] == ["县政府办公室", "所有部门、单位", "县司法局"]
    assert data["units.yaml"]["units"][1]["everyone"] is True
    assert data["01-yj01.yaml"]["rows"][0]["rows"][0]["rows"][1]["points"] == 1
    report = (project / "import-report.md").read_text(encoding="utf-8")
    columns = report.split("## 表格各列", 1)[1].split("##", 1)[0]
    assert len(re.findall(r"^\| 第\d+列 \|", columns, re.M)) == 11  # every column of the header
    assert "| 第3列 | 细项 | 第3级指标名称（表头不是已知的列名" in columns
    assert "第3列“细项”表头不是已知的列名" in report.split("## 提示", 1)[1]


PLAIN = [(name, fmt) for name in SCHEMES if name != "seed" for fmt in FORMATS]  # the seed's: tests/test_import.py


@pytest.mark.parametrize(("name", "fmt"), PLAIN, ids=[f"{n}-{f}" for n, f in PLAIN])
def test_every_plain_table_imports_checks_and_reports_every_column(name: str, fmt: str, exported: dict[str, Path],
                                                                   tmp_path: Path) -> None:
    table = without_settings(exported[name] / f"scheme-export.{fmt}", tmp_path / f"plain.{fmt}")
    project = tmp_path / "p"
    assert main(["import", str(table), "--to", str(project)]) == 0
    assert main(["check", "--project", str(project)]) == 0
    report = (project / "import-report.md").read_text(encoding="utf-8")
    assert "方案设置" not in report  # read by its words
    header = len(parsed(SCHEMES[name])["scheme.yaml"]["levels"]) + 7  # levels, then 赋分 … 备注
    listed = re.findall(r"^\| 第(\d+)列 \| [^|]+ \| ([^|]+) \|$", report.split("## 表格各列", 1)[1], re.M)
    assert [int(n) for n, _ in listed] == list(range(1, header + 1))
    assert not any(what.startswith("未导入") for _, what in listed)


def test_every_column_is_used_or_named_as_ignored(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["示例县2024年度政务公开考核表"])
    sheet.append(["序号", "一级指标", "二级指标", "分值", "评分标准", "责任单位", "牵头单位", "佐证材料", None, None])
    sheet.append([1, "公开制度（2分）", "年度报告", 2, "未按时发布年度报告的，扣2分。", "办公室", "办公室", "年报链接", "另附", None])
    book.save(tmp_path / "t.xlsx")
    assert main(["import", str(tmp_path / "t.xlsx"), "--to", str(tmp_path / "p")]) == 0
    report = (tmp_path / "p" / "import-report.md").read_text(encoding="utf-8")
    assert "| 第1列 | 序号 | 未导入：序号，编号按位置另行生成 |" in report
    assert "| 第7列 | 牵头单位 | 未导入：与第6列同为责任单位，只读第一列 |" in report
    assert "| 第8列 | 佐证材料 | 未导入：不认识的表头，且不在指标名称列和分值列之间；内容未导入，请核对 |" in report
    assert "| 第9列 |  | 未导入：表头为空，该列有内容但未导入，请核对 |" in report
    assert "第10列" not in report  # blank from top to bottom
    assert parsed(tmp_path / "p")["scheme.yaml"]["levels"] == ["一级指标", "二级指标"]


def test_a_row_edited_after_the_export_is_named(exported: dict[str, Path], tmp_path: Path) -> None:
    book = openpyxl.load_workbook(exported["deduction-two-level"] / "scheme-export.xlsx")
    sheet = book["考核指标"]
    for row in sheet.iter_rows():
        if row[1].value == "平台对接":
            row[1].value = "平台对接情况"
            line = row[1].row
    book.save(tmp_path / "edited.xlsx")
    assert main(["import", str(tmp_path / "edited.xlsx"), "--to", str(tmp_path / "p")]) == 0
    report = (tmp_path / "p" / "import-report.md").read_text(encoding="utf-8")
    assert f"edited.xlsx:{line}：表中“平台对接情况”（2分）与“方案设置”中的 pt.duijie“平台对接”（2分）不一致" in report
    assert parsed(tmp_path / "p") == parsed(SCHEMES["deduction-two-level"])


def test_a_broken_settings_entry_is_refused_with_its_row(exported: dict[str, Path], tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    book = openpyxl.load_workbook(exported["deduction-two-level"] / "scheme-export.xlsx")
    book["方案设置"]["F3"] = "name: [未闭合"
    book.save(tmp_path / "broken.xlsx")
    assert main(["import", str(tmp_path / "broken.xlsx"), "--to", str(tmp_path / "p")]) == 1
    err = capsys.readouterr().err
    assert "工作表“方案设置”第3行" in err and "未写出任何文件" in err
    assert not (tmp_path / "p" / "indicators").exists()
    book["方案设置"]["A2"] = "行项"  # a row of unknown type is never skipped without a word
    book.save(tmp_path / "broken.xlsx")
    assert main(["import", str(tmp_path / "broken.xlsx"), "--to", str(tmp_path / "p")]) == 1
    assert "工作表“方案设置”第2行：类型“行项”无效" in capsys.readouterr().err


def test_a_settings_sheet_without_the_scheme_is_refused(exported: dict[str, Path], tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    book = openpyxl.load_workbook(exported["deduction-two-level"] / "scheme-export.xlsx")
    sheet = book["方案设置"]
    for row in sheet.iter_rows(min_row=2):
        if row[1].value == "scheme.yaml":
            sheet.delete_rows(row[0].row)
            break
    book.save(tmp_path / "cut.xlsx")
    assert main(["import", str(tmp_path / "cut.xlsx"), "--to", str(tmp_path / "p")]) == 1
    assert "没有 scheme.yaml 的设置" in capsys.readouterr().err
