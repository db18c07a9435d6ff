"""build.py leaves with os._exit: what it printed must still arrive, and its exit code must stay."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Block-buffered output to a pipe, as in CI: without the flush before os._exit it would be lost.
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(ROOT / "build.py"), *args], capture_output=True, text=True,
                          env=ENV, check=False)


def test_output_is_flushed_before_the_fast_exit() -> None:
    done = run("check", "--project", str(ROOT))
    assert done.returncode == 0, done.stderr
    assert "校验通过" in done.stdout and done.stdout.endswith("\n")
    assert "方案核查" in done.stderr


def test_exit_codes_survive_the_fast_exit(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "indicators", tmp_path / "indicators")
    (tmp_path / "evidence").mkdir()
    (tmp_path / "evidence" / "bad.md").write_text("---\nindicator: nosuch.row\n---\n", encoding="utf-8")
    bad = run("check", "--project", str(tmp_path))
    assert bad.returncode == 1 and "未写出任何文件" in bad.stderr
    assert run("nosuchcommand").returncode == 2


def test_check_imports_no_heavy_library() -> None:
    done = subprocess.run([sys.executable, "-X", "importtime", str(ROOT / "build.py"), "check", "--project", str(ROOT)],
                          capture_output=True, text=True, check=True)
    loaded = {line.rsplit("|", 1)[-1].strip().split(".")[0] for line in done.stderr.splitlines() if "|" in line}
    assert "yaml" in loaded
    assert not loaded & {"pandas", "numpy", "weasyprint", "mkdocs", "jieba", "markdown", "nh3", "jinja2",
                         "openpyxl", "pypdf", "tqdm"}
