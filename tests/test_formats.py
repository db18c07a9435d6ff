"""The declared file formats in use: defaults the issue names, yes/no words, and the schemes real
bureaus write (no 完成时限, evidence dated after the period, a 一级's own points)."""

from __future__ import annotations

import json
import shutil
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from scoring.cli.main import main
from scoring.core.yamlio import load_yaml
from scoring.gather.collect import gather
from scoring.load.check import check_scheme
from scoring.load.load import load_scheme
from scoring.load.loadevidence import load_evidence
from scoring.model import formats
from scoring.model.params import params_of
from scoring.render.dossier import dossier
from scoring.render.site import sitepages

MINI = Path(__file__).resolve().parent / "fixtures" / "mini"


@pytest.fixture
def mini(tmp_path: Path) -> Path:
    shutil.copytree(MINI, tmp_path / "mini")
    return tmp_path / "mini"


def edit(root: Path, rel: str, old: str, new: str) -> None:
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_only_true_and_false_are_booleans() -> None:
    data = load_yaml("a: yes\nb: no\nc: on\nd: off\ne: true\nf: False\ng: 否\n")
    assert data == {"a": "yes", "b": "no", "c": "on", "d": "off", "e": True, "f": False, "g": "否"}


def test_required_keys_the_issue_names() -> None:
    scheme = {p.name: p for p in params_of(formats.SchemeKeys)}
    assert scheme["clamp"].required and scheme["period"].required and scheme["title"].required
    assert not scheme["due_date"].required and not scheme["accept_until"].required
    assert scheme["normalise"].default is False


def test_a_scheme_without_due_date_checks_scores_and_renders(mini: Path, tmp_path: Path) -> None:
    edit(mini, "indicators/scheme.yaml", "due_date: 2021-12-10\n", "")
    assert main(["check", "--project", str(mini)]) == 0
    project = gather(mini, as_of=date(2021, 12, 1), with_git=False)
    assert project.scheme.due_date is None
    assert all(r.due is None or r.due < date(2022, 1, 1) for r in project.table.rows)
    out = tmp_path / "out"
    assert main(["score", "--project", str(mini), "--out", str(out)]) == 0
    written = json.loads((out / "scores.json").read_text(encoding="utf-8"))
    assert written["scheme"]["due_date"] is None
    docs = tmp_path / "docs"
    sitepages.generate_docs(project, docs)
    index = (docs / "index.md").read_text(encoding="utf-8")
    assert "完成时限 未规定" in index and "方案未规定完成时限" in index
    html = dossier.render_html(dossier.build_dossier(project))
    assert "未规定" in html


def test_accept_until_admits_evidence_dated_after_the_period(mini: Path) -> None:
    report = mini / "evidence" / "bgs" / "nianbao.md"
    report.write_text("---\nindicator: zuzhi.zixun\nunit: 办公室\ndate: 2022-01-25\ntitle: 年度报告\nkind: 工作报告\n"
                      "facts:\n  已开展政策咨询: true\n---\n年度报告。\n", encoding="utf-8")
    scheme, _ = load_scheme(mini)
    assert scheme is not None
    _, problems = load_evidence(mini, scheme)
    assert [p.code for p in problems] == ["date-outside"]
    assert "accept_until" in problems[0].message
    edit(mini, "indicators/scheme.yaml", "due_date: 2021-12-10\n", "due_date: 2021-12-10\naccept_until: 2022-02-28\n")
    scheme, problems = load_scheme(mini)
    assert scheme is not None and not problems
    evidence, problems = load_evidence(mini, scheme)
    assert not problems and any(e.date == date(2022, 1, 25) for e in evidence)


def test_a_level_files_points_are_checked_against_its_rows(mini: Path) -> None:
    edit(mini, "indicators/01-zuzhi.yaml", "name: 组织领导\n", "name: 组织领导\npoints: 4\n")
    scheme, problems = load_scheme(mini)
    assert scheme is not None and not problems
    assert scheme.levels[0].stated_points == Decimal(4) and scheme.levels[0].points == Decimal(3)
    notes = [p for p in check_scheme(scheme) if p.code == "level-points"]
    assert [(p.path, p.line) for p in notes] == [("indicators/01-zuzhi.yaml", 3)]
    assert "写明4分，但其各项赋分合计为3分" in notes[0].message
    edit(mini, "indicators/01-zuzhi.yaml", "points: 4\n", "points: 3\n")
    scheme, _ = load_scheme(mini)
    assert scheme is not None and not [p for p in check_scheme(scheme) if p.code == "level-points"]


def test_several_mistakes_in_one_scheme_file_are_all_reported(mini: Path) -> None:
    edit(mini, "indicators/scheme.yaml", "normalise: true", "normalise: 否\nnormalize: true\nyear: 2021年")
    edit(mini, "indicators/scheme.yaml", "year: 2021\n", "")
    _, problems = load_scheme(mini)
    said = sorted((p.line, p.message) for p in problems)
    assert [line for line, _ in said] == [13, 14, 15], said
    assert "normalize，是否为 normalise？" in said[1][1] and "请写 false" in said[0][1] and "2021年" in said[2][1]
