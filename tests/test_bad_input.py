"""One folder per bad input under tests/cases/, with the exact messages expected.

Each case's ``evidence/`` is laid over a copy of the small test project; the
check must exit 1 and print exactly ``expected.txt`` on stderr, writing nothing.
Refresh the expected files on purpose with ``pytest --update-golden``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from scoring.cli import main

CASES = Path(__file__).resolve().parent / "cases"


@pytest.mark.parametrize("case", sorted(p.name for p in CASES.iterdir() if p.is_dir()))
def test_bad_input(case: str, mini: Path, capsys: pytest.CaptureFixture[str], update_golden: bool) -> None:
    folder = CASES / case
    shutil.copytree(folder / "evidence", mini / "evidence", dirs_exist_ok=True)
    args = (folder / "args").read_text().split() if (folder / "args").exists() else []
    code = main(["score", "--project", str(mini), *args])
    err = capsys.readouterr().err
    expected = folder / "expected.txt"
    if update_golden:
        expected.write_text(err, encoding="utf-8")
    assert code == 1
    assert err == expected.read_text(encoding="utf-8")
    assert not (mini / "build").exists(), "a failed build writes nothing"


def test_bad_usage_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scroe"]) == 2
    assert "无效的命令 'scroe'" in capsys.readouterr().err
    assert main(["check", "--project", "/nonexistent/dir"]) == 2
    assert "项目目录 /nonexistent/dir 不存在" in capsys.readouterr().err


def test_failed_build_keeps_previous_output(mini: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["score", "--project", str(mini)]) == 0
    before = (mini / "build" / "scores.json").read_bytes()
    shutil.copytree(CASES / "unknown-unit" / "evidence", mini / "evidence", dirs_exist_ok=True)
    assert main(["score", "--project", str(mini)]) == 1
    assert (mini / "build" / "scores.json").read_bytes() == before
