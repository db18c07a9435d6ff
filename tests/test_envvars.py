"""Every environment variable is declared once (scoring/core/envvars.py), documented, and read nowhere else."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

from scoring.core import envvars
from scoring.render.outputs import Settings

ROOT = Path(__file__).resolve().parent.parent
ACCESSORS = {"get", "setdefault", "override", "child_environment"}


def _modules() -> list[Path]:
    return [p for p in sorted((ROOT / "scoring").rglob("*.py")) if p.name != "envvars.py"]


def test_no_module_but_envvars_touches_the_environment() -> None:
    found = []
    for path in _modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            attribute = isinstance(node, ast.Attribute) and node.attr in {"environ", "getenv", "putenv", "unsetenv"}
            imported = isinstance(node, ast.ImportFrom) and node.module == "os" and {a.name for a in node.names} & {"environ", "getenv"}
            if attribute or imported:
                found.append(f"{path.relative_to(ROOT)}:{getattr(node, 'lineno', 0)}")
    assert not found, found


def test_every_name_used_is_declared() -> None:
    used: set[str] = set()
    for path in _modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in ACCESSORS
                    and isinstance(node.func.value, ast.Name) and node.func.value.id == "envvars"):
                used |= {a.value for a in node.args[:1] if isinstance(a, ast.Constant) and isinstance(a.value, str)}
                used |= {k.arg for k in node.keywords if k.arg}
    assert used, "no use of scoring.core.envvars found"
    assert used <= set(envvars.VARS), used - set(envvars.VARS)


def test_every_variable_is_documented_and_in_the_help() -> None:
    docs = (ROOT / "docs" / "setup.md").read_text(encoding="utf-8")
    table = docs.split("## Environment variables", 1)[1]
    documented = set(re.findall(r"^\| `([A-Z_]+)` \|", table, re.M))
    assert documented == set(envvars.VARS)
    shown = subprocess.run([sys.executable, "build.py", "--help"], cwd=ROOT, capture_output=True, text=True,
                           timeout=60).stdout
    for name, var in envvars.VARS.items():
        assert f"{name}  {var.help}" in shown, name


def test_override_restores_the_previous_value() -> None:
    before = envvars.get("ZWGK_PDF_TRACE")
    with envvars.override("ZWGK_PDF_TRACE", "x"):
        assert envvars.get("ZWGK_PDF_TRACE") == "x"
    assert envvars.get("ZWGK_PDF_TRACE") == before


def test_zwgk_jobs_gives_the_processes_when_jobs_is_not_given(mini: Path, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    from scoring.cli import main as cli
    from scoring.render.dossier.pdfjobs import default_jobs

    asked: list[int] = []

    def build(*_: object, settings: Settings, **__: object) -> list[object]:
        asked.append(settings.jobs)
        return []

    monkeypatch.setattr(cli, "build", build)
    for value, args in (("3", ()), ("3", ("--jobs", "2")), ("", ())):
        monkeypatch.setenv("ZWGK_JOBS", value)
        assert cli.main(["pdf", "--project", str(mini), "--out", str(tmp_path / "out"), *args]) == 0
    assert asked == [3, 2, default_jobs()]  # --jobs wins; empty: the processors this process may run on
    capsys.readouterr()
    monkeypatch.setenv("ZWGK_JOBS", "两个\n")
    assert cli.main(["pdf", "--project", str(mini), "--out", str(tmp_path / "out")]) == 2
    assert "环境变量 ZWGK_JOBS 应为正整数，现在是“两个\\x0a”" in capsys.readouterr().err
    assert asked == [3, 2, default_jobs()]  # nothing built
