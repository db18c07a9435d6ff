"""The repository's scheme: the seed transcribed whole, and its known faults reported."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from pathlib import Path

from scoring.load.check import check_scheme
from scoring.load.load import load_scheme
from scoring.model.model import Scheme

ROOT = Path(__file__).resolve().parent.parent


def _scheme() -> Scheme:
    scheme, problems = load_scheme(ROOT)
    assert scheme is not None and not problems, problems
    return scheme


def test_rows_add_up_to_85_points_under_six_level1() -> None:
    scheme = _scheme()
    assert len(scheme.rows) == 40
    assert scheme.full_marks == Decimal(85)
    assert [lv.points for lv in scheme.levels] == [4, 5, 44, 6, 16, 10]
    assert [len(lv.rows) for lv in scheme.levels] == [2, 3, 16, 4, 8, 7]
    assert scheme.doc_number == "晋市审管发〔2021〕35号"
    assert str(scheme.due_date) == "2021-12-10"
    assert scheme.clamp == "level1"


def test_totals_sections() -> None:
    scheme = _scheme()
    assert len(scheme.comprehensive) == 5
    assert len(scheme.major) == 7
    assert all(r.rules[0].describe().endswith("扣10分，不设扣分上限") for r in scheme.major)


def test_every_row_has_rules_and_explained_facts() -> None:
    for row in _scheme().rows:
        assert row.rules, row.id
        assert all(f.help for f in row.facts), row.id
        assert row.id.isascii()


def test_units_known_under_several_names_are_one_unit() -> None:
    scheme = _scheme()
    assert scheme.unit_by_name("政务中心") == scheme.unit_by_name("政务服务中心") == scheme.unit_by_name("政服务中心")
    assert scheme.unit_by_name("网络安全中心") == scheme.unit_by_name("网络技术中心")


def test_scheme_check_reports_the_seed_faults() -> None:
    notices = check_scheme(_scheme())
    codes = Counter(p.code for p in notices)
    assert codes["cap-above-points"] == 8
    assert codes["fixed-above-points"] == 1  # 网络安全: 1 point, −5
    assert codes["uncapped-above-points"] == 2  # 4 × 2 on 3; 4 × 0.5 on 1
    assert codes["as-written"] == 2  # 迟报率 formula, 瞒报 direction
    assert codes["deadline-after-due"] == 2  # 次年1月底; 年底前
    assert codes["double-bonus"] == 2  # two row bonuses duplicating 综合加分项（三）
    assert codes["unit-aliases"] == 3
    messages = "\n".join(p.message for p in notices)
    assert "原文为“得分=迟报率（迟报数据量/报送数据总量）×5”" in messages
    assert "政务服务中心、政务中心、政服务中心" in messages


def test_inverted_formula_is_caught_without_the_transcribers_note(tmp_path: Path) -> None:
    import shutil

    shutil.copytree(ROOT / "indicators", tmp_path / "indicators")
    path = tmp_path / "indicators" / "03-zdgk.yaml"
    text = path.read_text(encoding="utf-8")
    assert "invert: true" in text
    path.write_text(text.replace("invert: true", "invert: false"), encoding="utf-8")
    scheme, problems = load_scheme(tmp_path)
    assert scheme is not None and not problems
    codes = Counter(p.code for p in check_scheme(scheme))
    assert codes["formula-inverted"] == 2
