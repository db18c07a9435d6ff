"""Two small format fixes: an empty totals.yaml, and the hint for a flow-style value cut at an ASCII comma."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from scoring.core.problems import Severity
from scoring.load.load import load_scheme

COUNTY = Path(__file__).resolve().parent / "fixtures" / "schemes" / "county-2022-two-level"


@pytest.fixture()
def project(tmp_path: Path) -> Path:
    root = tmp_path / "p"
    shutil.copytree(COUNTY / "indicators", root / "indicators")
    return root


@pytest.mark.parametrize("text", ["", "{}\n", "# 本方案没有加分项和扣分项\n"])
def test_an_empty_totals_file_means_no_blocks(project: Path, text: str) -> None:
    (project / "indicators" / "totals.yaml").write_text(text, encoding="utf-8")
    scheme, problems = load_scheme(project)
    assert [p.format() for p in problems if p.severity == Severity.ERROR] == []
    assert scheme is not None and scheme.comprehensive == () and scheme.major == ()


def test_a_level_file_without_rows_is_still_refused(project: Path) -> None:
    (project / "indicators" / "09-x.yaml").write_text("{}\n", encoding="utf-8")
    _, problems = load_scheme(project)
    assert any("09-x.yaml" in p.path and "rows:" in p.message for p in problems)


def test_an_ascii_comma_in_a_flow_value_gets_a_hint_to_quote_it(project: Path) -> None:
    path = project / "indicators" / "01-zdgk.yaml"
    text = path.read_text(encoding="utf-8")
    cut = text.replace("text: 应公开未公开的政策文件，每件扣1分，扣完为止}", "text: 应公开未公开的政策文件, 每件扣1分}")
    assert cut != text
    path.write_text(cut, encoding="utf-8")
    _, problems = load_scheme(project)
    said = [p for p in problems if "不认识参数 每件扣1分" in p.message]
    assert len(said) == 1 and "加引号" in said[0].message and said[0].line == 26
    path.write_text(text.replace("text: 应公开未公开的政策文件，每件扣1分，扣完为止}", "text: \"应公开未公开的政策文件, 每件扣1分\"}"),
                    encoding="utf-8")
    _, problems = load_scheme(project)
    assert [p.format() for p in problems if p.severity == Severity.ERROR] == []


def test_a_misspelt_ascii_parameter_gets_no_comma_hint(project: Path) -> None:
    path = project / "indicators" / "01-zdgk.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("per: 1, cap: 4,", "per: 1, capp: 4,"), encoding="utf-8")
    _, problems = load_scheme(project)
    said = [p for p in problems if "capp" in p.message]
    assert said and "加引号" not in said[0].message
