"""One folder per bad input under tests/cases/, with the exact messages expected.

A case folder holds what it lays over a copy of the small test project
(``evidence/`` and ``indicators/``), optionally ``special.json`` for what git
cannot hold or should not store (symbolic links, FIFOs, generated large files),
``args`` for extra command-line arguments, and ``expected.txt``: exactly what
``score`` must print on stderr. Each case runs in a child process limited to
10 s and 500 MB (tests/caserunner.py), must exit 1, print no traceback and no
internal error, and leave the previous build output byte for byte as it was.
Refresh the expected files on purpose with ``pytest --update-golden``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from test_build import snapshot

from scoring.cli.main import main

ROOT = Path(__file__).resolve().parent.parent
CASES = Path(__file__).resolve().parent / "cases"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


class Runner:
    """tests/caserunner.py, started once: each request runs in a limited child."""

    def __init__(self) -> None:
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        env.pop("ZWGK_DEBUG", None)
        self.proc = subprocess.Popen([sys.executable, str(Path(__file__).parent / "caserunner.py")], cwd=ROOT,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env)

    def run(self, *argv: str) -> dict[str, Any]:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(json.dumps({"argv": list(argv)}) + "\n")
        self.proc.stdin.flush()
        reply: dict[str, Any] = json.loads(self.proc.stdout.readline())
        return reply

    def close(self) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        self.proc.wait(timeout=30)


@pytest.fixture(scope="session")
def runner() -> Iterator[Runner]:
    started = Runner()
    try:
        yield started
    finally:
        started.close()


@pytest.fixture(scope="session")
def previous_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The build output of the intact small project: every case starts from it."""
    project = tmp_path_factory.mktemp("previous") / "mini"
    shutil.copytree(FIXTURES / "mini", project)
    assert main(["score", "--project", str(project)]) == 0
    return project / "build"


def make_special(project: Path, spec: dict[str, Any]) -> None:
    """Symbolic links, FIFOs and generated files that a case describes in special.json."""
    for rel, target in spec.get("symlinks", {}).items():
        (project / rel).parent.mkdir(parents=True, exist_ok=True)
        (project / rel).symlink_to(target)
    for rel in spec.get("fifos", []):
        (project / rel).parent.mkdir(parents=True, exist_ok=True)
        os.mkfifo(project / rel)
    for rel, parts in spec.get("generated", {}).items():
        (project / rel).parent.mkdir(parents=True, exist_ok=True)
        with (project / rel).open("wb") as out:
            out.write(parts.get("head", "").encode("utf-8"))
            chunk = parts.get("repeat", "").encode("utf-8")
            for _ in range(int(parts.get("times", 0))):
                out.write(chunk)
            out.write(parts.get("tail", "").encode("utf-8"))


def lay_case(case: Path, project: Path) -> list[str]:
    for top in ("evidence", "indicators"):
        if (case / top).is_dir():
            shutil.copytree(case / top, project / top, dirs_exist_ok=True)
    if (case / "special.json").exists():
        make_special(project, json.loads((case / "special.json").read_text(encoding="utf-8")))
    return (case / "args").read_text().split() if (case / "args").exists() else []


@pytest.mark.parametrize("case", sorted(p.name for p in CASES.iterdir() if p.is_dir()))
def test_bad_input(case: str, tmp_path: Path, runner: Runner, previous_build: Path, update_golden: bool) -> None:
    folder = CASES / case
    project = tmp_path / "mini"
    shutil.copytree(FIXTURES / "mini", project)
    shutil.copytree(previous_build, project / "build")
    before = snapshot(project / "build")
    args = lay_case(folder, project)
    result = runner.run("score", "--project", str(project), *args)
    assert not result["killed"], f"{case}: ran past {result['seconds']} s"
    err = result["stderr"]
    expected = folder / "expected.txt"
    if update_golden:
        expected.write_text(err, encoding="utf-8")
    assert "Traceback" not in err and "内部错误" not in err, err
    assert result["code"] == 1, err
    assert err == expected.read_text(encoding="utf-8")
    assert snapshot(project / "build") == before, "a failed build leaves the previous output as it was"


def test_bad_usage_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scroe"]) == 2
    assert "无效的命令 'scroe'" in capsys.readouterr().err
    assert main(["check", "--project", "/nonexistent/dir"]) == 2
    assert "项目目录 /nonexistent/dir 不存在" in capsys.readouterr().err


def test_a_fifo_among_the_indicators_is_refused_without_hanging(runner: Runner, tmp_path: Path) -> None:
    project = tmp_path / "mini"
    shutil.copytree(FIXTURES / "mini", project)
    os.mkfifo(project / "indicators" / "fifo.yaml")
    result = runner.run("check", "--project", str(project))
    assert not result["killed"] and result["code"] == 1
    assert "indicators/fifo.yaml: 错误：该文件不是普通文件" in result["stderr"]
    assert result["max_rss_mb"] < 500
