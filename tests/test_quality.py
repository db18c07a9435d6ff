"""Type checking and linting are part of the test run."""

from __future__ import annotations

import keyword
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, timeout=600)


def test_mypy_strict_is_clean() -> None:
    result = _run("mypy")
    assert result.returncode == 0, result.stdout + result.stderr


def _whitelist(folder: Path) -> Path:
    """tests/vulture-whitelist.txt's names, and every identifier of the templates (Jinja2 reads attributes
    vulture cannot see), as the Python file vulture takes for a whitelist."""
    names = [line.split(":", 1)[0].strip() for line in (ROOT / "tests" / "vulture-whitelist.txt").read_text(
        encoding="utf-8").splitlines() if line.strip() and not line.startswith("#")]
    for path in sorted((ROOT / "site_templates").rglob("*")):
        if path.is_file():
            names += re.findall(r"[A-Za-z_][A-Za-z0-9_]*", path.read_text(encoding="utf-8"))
    used = sorted({n for n in names if not keyword.iskeyword(n) and not keyword.issoftkeyword(n)})
    target = folder / "whitelist.py"
    target.write_text("".join(f"_.{n}\n" for n in used), encoding="utf-8")
    return target


def test_no_dead_code(tmp_path: Path) -> None:
    """vulture finds no unused function, class, variable or import (attributes set on the libraries'
    objects, such as a cell's number_format, are the libraries' to read, and are not reported)."""
    result = _run("vulture", "scoring", "build.py", "tests", "scripts", "bench", str(_whitelist(tmp_path)),
                  "--min-confidence", "60")
    found = [line for line in result.stdout.splitlines() if "unused attribute" not in line]
    assert not found, "\n".join(found)


def test_ruff_is_clean() -> None:
    result = _run("ruff", "check", ".")
    assert result.returncode == 0, result.stdout + result.stderr
