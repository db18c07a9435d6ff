"""The set-up: the Python gate, the pins, the README's commands the clean-room check runs, Debian 12's Python."""

from __future__ import annotations

import os
import re
import subprocess
import tarfile
import warnings
from collections.abc import Iterable
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from scoring.gather import gitrepo

ROOT = Path(__file__).resolve().parent.parent


def pins(name: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for line in (ROOT / name).read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            package, version = line.split("==")
            found[canonicalize_name(package)] = version
    return found


def fake_python(tmp_path: Path, version: str) -> Path:
    python = tmp_path / "python3"
    python.write_text(f"#!/bin/sh\necho {version}\n", encoding="utf-8")
    python.chmod(0o755)
    return python


@pytest.mark.parametrize("version", ["3.12.3", "3.10.12", "3.14.0"])
def test_setup_stops_at_once_on_an_unsupported_python(tmp_path: Path, version: str) -> None:
    python = fake_python(tmp_path, version)
    done = subprocess.run(["bash", "scripts/setup.sh"], cwd=ROOT, env={**os.environ, "PYTHON": str(python)},
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert done.stderr.startswith(f"错误：不支持 Python {version}（{python}）。"), done.stderr
    assert "Python 3.11（Debian 12 自带）和 Python 3.13（Debian 13 自带）" in done.stderr
    assert "PYTHON=/usr/bin/python3.11 make build" in done.stderr
    assert done.stdout == ""  # nothing was installed: the check comes first


def test_setup_names_a_missing_python(tmp_path: Path) -> None:
    done = subprocess.run(["bash", "scripts/setup.sh"], cwd=ROOT, capture_output=True, text=True, timeout=60,
                          env={**os.environ, "PYTHON": str(tmp_path / "no-such-python")})
    assert done.returncode == 1 and done.stderr.startswith("错误：找不到 Python（"), done.stderr


def test_setup_accepts_exactly_the_checked_pythons() -> None:
    script = (ROOT / "scripts" / "setup.sh").read_text(encoding="utf-8")
    assert 'SUPPORTED="3.11 3.13"' in script
    bundle = (ROOT / "scripts" / "bundle.sh").read_text(encoding="utf-8")
    assert 'PYTHONS="3.11.2 3.13"' in bundle  # the bundle carries wheels for exactly those


def test_constraints_pin_every_requirement_and_everything_they_pull_in() -> None:
    wanted = pins("requirements.txt")
    pinned = pins("constraints.txt")
    for name, version in wanted.items():
        assert pinned.get(name) == version, f"{name}: requirements {version}, constraints {pinned.get(name)}"
    # the installed closure of the requirements (the venv may hold more: a developer's extra tools)
    seen: set[tuple[str, str]] = set()
    todo = [(name, "") for name in wanted]
    while todo:
        name, extra = todo.pop()
        if (name, extra) in seen:
            continue
        seen.add((name, extra))
        dist = metadata.distribution(name)
        assert pinned.get(name) == dist.version, f"{name} {dist.version} is installed, constraints pin {pinned.get(name)}"
        for text in dist.requires or []:
            req = Requirement(text)
            if req.marker is None or req.marker.evaluate({"extra": extra}):
                todo += [(canonicalize_name(req.name), e) for e in ["", *sorted(req.extras)]]
    assert {name for name, _ in seen} == set(pinned), "constraints.txt pins packages nothing needs"


def test_no_node_in_the_setup() -> None:
    assert not (ROOT / "package.json").exists() and not (ROOT / "package-lock.json").exists()
    for name in ("scripts/setup.sh", "Makefile", ".ci/run"):
        text = (ROOT / name).read_text(encoding="utf-8")
        assert not re.search(r"\b(npm|nodejs|node)\b", text), name


def test_the_clean_room_check_runs_the_readmes_two_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("## The two commands", 1)[1].split("```sh\n", 1)[1].split("```", 1)[0]
    assert [line.split("#")[0].strip() for line in block.splitlines()] == ["make build", "make test"]
    check = (ROOT / "scripts" / "fresh-check.sh").read_text(encoding="utf-8")
    assert '"${commands[*]}" = "make build make test"' in check
    assert 'FRESH_ENV="PIP_NO_INDEX=1"' in check and "FRESH_BUNDLE=" in check
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert ci[-2:] == ["make test", "bash scripts/fresh-check.sh"]
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    build = makefile.split("build: setup\n", 1)[1].split("\n\n", 1)[0]
    assert build.strip() == "$(PY) build.py all"  # `all` puts the PDF in the site itself, and links it
    assert 'href="dossier.pdf"' in (ROOT / "site_templates" / "site" / "index.md.j2").read_text(encoding="utf-8")


def test_revision_export_without_tarfile_filters(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Debian 12's Python 3.11.2 predates tarfile's extraction filters (3.11.4): the export still works there."""
    repo = tmp_path / "repo"
    (repo / "evidence" / "zonghe").mkdir(parents=True)
    (repo / "indicators").mkdir()
    (repo / "evidence" / "zonghe" / "a.md").write_text("---\ntitle: 甲\n---\n", encoding="utf-8")
    (repo / "indicators" / "scheme.yaml").write_text("title: 方案\n", encoding="utf-8")
    os.symlink("/etc/passwd", repo / "evidence" / "outside")  # never followed out of the export
    env = {**os.environ, "GIT_AUTHOR_NAME": "张三", "GIT_AUTHOR_EMAIL": "z@example.cn",
           "GIT_COMMITTER_NAME": "张三", "GIT_COMMITTER_EMAIL": "z@example.cn"}
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["-c", "commit.gpgsign=false", "commit", "-q", "-m", "a"]):
        subprocess.run(["git", "-C", str(repo), *args], check=True, env=env, capture_output=True)
    # tarfile as in 3.11.2: no data_filter, and extractall() takes no filter argument
    monkeypatch.delattr(tarfile, "data_filter", raising=False)
    original = tarfile.TarFile.extractall

    def extractall(self: tarfile.TarFile, path: str | Path = ".", members: Iterable[tarfile.TarInfo] | None = None,
                   *, numeric_owner: bool = False, **unknown: object) -> None:
        if unknown:
            raise TypeError(f"TarFile.extractall() got an unexpected keyword argument '{next(iter(unknown))}'")
        with warnings.catch_warnings():  # 3.12+ warns when no filter is given: that is the case simulated here
            warnings.simplefilter("ignore", DeprecationWarning)
            original(self, path, members, numeric_owner=numeric_owner)

    monkeypatch.setattr(tarfile.TarFile, "extractall", extractall)
    dest = tmp_path / "out"
    dest.mkdir()
    gitrepo.export(repo, "HEAD", dest)
    assert (dest / "evidence" / "zonghe" / "a.md").read_text(encoding="utf-8") == "---\ntitle: 甲\n---\n"
    assert (dest / "indicators" / "scheme.yaml").is_file()
    assert not (dest / "evidence" / "outside").exists() and not (dest / "evidence" / "outside").is_symlink()
