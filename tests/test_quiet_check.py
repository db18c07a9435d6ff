"""`check` keeps the terminal for the person's own problems: the scheme's notices are one line unless asked for."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from scoring.cli.main import main

ROOT = Path(__file__).resolve().parent.parent


def test_check_on_the_sample_prints_at_most_five_lines(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--project", str(ROOT)]) == 0
    out, err = capsys.readouterr()
    lines = (out + err).splitlines()
    assert len(lines) <= 5, lines
    assert "方案核查：" not in out + err  # no notice in full
    summary = [line for line in err.splitlines() if line.startswith("方案核查提示 ")]
    assert len(summary) == 1 and "check --scheme-notes" in summary[0] and "check/" in summary[0]
    count = int(summary[0].split()[1])
    assert count >= 10 and f"方案核查提示 {count} 条" in out  # the same count as in the totals line


def test_scheme_notes_lists_every_notice_after_the_persons_own_warning(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copytree(ROOT / "indicators", tmp_path / "indicators")
    shutil.copytree(ROOT / "evidence", tmp_path / "evidence")
    with (tmp_path / "evidence" / "bangongshi" / "2021-05-20-hanxun-huifu.md").open("a", encoding="utf-8") as f:
        f.write("见[附件](nosuch.pdf)\n")
    assert main(["check", "--project", str(tmp_path)]) == 0
    quiet = capsys.readouterr().err.splitlines()
    assert quiet[0].startswith("evidence/bangongshi/2021-05-20-hanxun-huifu.md:") and "警告" in quiet[0]
    assert quiet[1].startswith("方案核查提示 ") and len(quiet) == 2

    assert main(["check", "--scheme-notes", "--project", str(tmp_path)]) == 0
    full = capsys.readouterr().err.splitlines()
    assert full[0] == quiet[0]  # the person's own warning first
    notices = full[1:]
    assert len(notices) >= 10 and all("方案核查：" in line for line in notices)
    assert all(line.startswith("indicators/") for line in notices)


def test_scheme_notes_belongs_to_check_only(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["score", "--scheme-notes", "--project", str(ROOT)]) == 2
    assert "--scheme-notes" in capsys.readouterr().err
