"""Tables in other layouts import to their expected YAML; export-scheme → import is the identity.

The expected imports are in tests/fixtures/import/expected/<table>/; refresh them
on purpose with ``pytest --update-golden`` and read the diff before committing.
"""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from office_files import xls

from scoring.cli.main import main
from scoring.importer.compare import load

D3 = Decimal(3)

TABLES = Path(__file__).resolve().parent / "fixtures" / "import"
EXPECTED = TABLES / "expected"
LAYOUTS = ["county-2022-two-level.xlsx", "city-2023-four-level.docx", "district-2024-additive.xlsx", "jincheng-2021.xlsx"]


def _files(project: Path) -> dict[str, bytes]:
    out = {f"indicators/{p.name}": p.read_bytes() for p in sorted((project / "indicators").iterdir())}
    out["import-report.md"] = (project / "import-report.md").read_bytes()
    return out


def _import(table: Path, target: Path) -> None:
    assert main(["import", str(table), "--to", str(target)]) == 0


@pytest.mark.parametrize("table", LAYOUTS)
def test_table_imports_to_its_expected_yaml(table: str, tmp_path: Path, update_golden: bool,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    _import(TABLES / table, tmp_path / "p")
    assert main(["check", "--project", str(tmp_path / "p")]) == 0, capsys.readouterr().err
    expected = EXPECTED / Path(table).stem
    if update_golden:
        shutil.rmtree(expected, ignore_errors=True)
        shutil.copytree(tmp_path / "p", expected, ignore=shutil.ignore_patterns("evidence"))
    assert _files(tmp_path / "p") == _files(expected)


@pytest.mark.parametrize("table", LAYOUTS)
def test_export_then_import_gives_the_same_yaml(table: str, tmp_path: Path) -> None:
    _import(TABLES / table, tmp_path / "first")
    assert main(["export-scheme", "--project", str(tmp_path / "first"), "--out", str(tmp_path / "x")]) == 0
    exported = tmp_path / "x" / "scheme-export.xlsx"
    _import(exported, tmp_path / "second")
    first = {k: v for k, v in _files(tmp_path / "first").items() if k.startswith("indicators/")}
    second = {k: v for k, v in _files(tmp_path / "second").items() if k.startswith("indicators/")}
    assert first == second
    again = tmp_path / "y"
    assert main(["export-scheme", "--project", str(tmp_path / "second"), "--out", str(again)]) == 0
    assert (again / "scheme-export.xlsx").read_bytes() == exported.read_bytes()  # deterministic


def test_two_level_table_reads_points_from_category_names(tmp_path: Path) -> None:
    _import(TABLES / "county-2022-two-level.xlsx", tmp_path / "p")
    scheme = load(tmp_path / "p")
    assert [(lv.name, int(lv.points)) for lv in scheme.levels] == [
        ("一、主动公开", 12), ("二、政策解读与回应", 8), ("三、依申请公开", 6), ("四、平台建设", 4)]
    assert scheme.rows[0].name == "按要求公开政府信息公开工作年度报告"  # no name column: the standard's first phrase
    assert [i.name for i in scheme.comprehensive] == ["政务公开工作经验做法被国务院办公厅通报表扬的", "政务公开工作被省级以上媒体报道的"]
    assert [r.kind for r in scheme.major[0].rules] == ["per_occurrence"]
    assert scheme.year == 2022 and scheme.normalise  # 30 points, not 100: the score is normalised
    assert scheme.full_marks == 30


def test_four_level_table_keeps_the_middle_levels(tmp_path: Path) -> None:
    _import(TABLES / "city-2023-four-level.docx", tmp_path / "p")
    scheme = load(tmp_path / "p")
    first = scheme.rows[0]
    assert (first.level1, " / ".join(first.trail), first.name) == ("公开制度", "组织保障 / 领导重视", "专题研究")
    assert first.text.remarks == "完成时限：6月底前"
    assert scheme.full_marks == 50 and scheme.normalise
    assert [u.name for u in scheme.units][:3] == ["办公室", "法规科", "市场科"]


def test_old_excel_file_imports_like_the_new_one(tmp_path: Path) -> None:
    """The two-level table saved as .xls (BIFF8, merged cells kept) gives the same scheme as the .xlsx."""
    sheet = openpyxl.load_workbook(TABLES / "county-2022-two-level.xlsx").active
    rows = [["" if v is None else v for v in row] for row in sheet.iter_rows(values_only=True)]
    merges = [(m.min_row - 1, m.min_col - 1, m.max_row - 1, m.max_col - 1) for m in sheet.merged_cells.ranges]
    old = tmp_path / "county-2022-two-level.xls"
    old.write_bytes(xls(rows, merges, sheet.title))
    _import(old, tmp_path / "old")
    _import(TABLES / "county-2022-two-level.xlsx", tmp_path / "new")
    first = {k: v for k, v in _files(tmp_path / "old").items() if k.startswith("indicators/")}
    assert first == {k: v for k, v in _files(tmp_path / "new").items() if k.startswith("indicators/")}


def test_points_from_names_when_there_is_no_points_column(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["示例区2024年度政务公开考核细则"])
    sheet.append(["考核项目", "考核内容", "评分标准"])
    sheet.append(["主动公开（5分）", "年度报告（2分）", "未按时公开年度报告的，扣2分。"])
    sheet.append([None, "政策文件（3分）", "政策文件未公开的，每件扣1分，扣完为止。"])
    sheet.merge_cells("A3:A4")
    path = tmp_path / "t.xlsx"
    book.save(path)
    _import(path, tmp_path / "p")
    scheme = load(tmp_path / "p")
    assert [(r.level1, r.name, int(r.points)) for r in scheme.rows] == [("主动公开", "年度报告", 2), ("主动公开", "政策文件", 3)]
    assert [r.kind for r in scheme.rows[1].rules] == ["per_occurrence"] and scheme.rows[1].rules[0].max_deduction(D3) == D3


def test_additive_table_maps_each_wording_to_its_kind(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """得分制 是否 items, a row not checked without such work, ratio thresholds, 再扣, an open 等 list: no review."""
    _import(TABLES / "district-2024-additive.xlsx", tmp_path / "p")
    assert "需要人工核定" not in capsys.readouterr().out
    scheme = load(tmp_path / "p")
    kinds = {r.name: [rule.kind for rule in r.rules] for r in scheme.rows}
    assert kinds == {
        "制度建设": ["earn_items"], "年度报告": ["earn_flag"], "工作要点": ["earn_flag"], "政策解读": ["earn_per_item"],
        "重大建设项目": ["earn_items", "not_applicable"], "办理质量": ["ratio_threshold", "ratio_threshold"],
        "答复规范": ["per_occurrence", "not_applicable"], "年度报表": ["followup"], "回应关切": ["manual"],
    }
    assert [r.kind for i in (*scheme.comprehensive, *scheme.major) for r in i.rules] == ["bonus_flag", "event"]
    assert main(["check", "--project", str(tmp_path / "p")]) == 0
    assert "方案核查提示 0 条" in capsys.readouterr().out  # the 是否 items add up to each row's points
