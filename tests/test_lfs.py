"""Attachments in Git LFS, with the real git-lfs against a local remote (a bare repository over file://).

One project (the mini fixture plus a file with a PDF and a PNG attachment) is committed twice: once
through LFS by the project's own .gitattributes and pushed, once with the files committed directly.
A clone of the LFS remote checks and scores exactly like the direct repository, file facts (sizes and
SHA-256 of every data file) included, and builds the same dossier: the same text on every page (the
commit's short hash masked, the two repositories' commits differ) and the same embedded files, byte for
byte. A clone without the LFS objects
(GIT_LFS_SKIP_SMUDGE=1) fails the check with the Chinese message and writes nothing; ``git lfs pull``
mends it.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader
from test_site import EPOCH, JIXIAO, png, write

from scoring.cli.main import main
from scoring.core.filetypes import BY_SUFFIX, LFS_POINTER
from scoring.gather.pipeline import check_and_score
from scoring.render.pdftext import pdf_text

REPO = Path(__file__).resolve().parent.parent
ATTACHMENTS = ("evidence/zonghe/说明.pdf", "evidence/zonghe/截图.png")
ENV = {**os.environ, "GIT_AUTHOR_NAME": "测试", "GIT_AUTHOR_EMAIL": "t@example.gov.cn", "GIT_COMMITTER_NAME": "测试",
       "GIT_COMMITTER_EMAIL": "t@example.gov.cn", "GIT_AUTHOR_DATE": f"@{EPOCH} +0800",
       "GIT_COMMITTER_DATE": f"@{EPOCH} +0800", "GIT_TERMINAL_PROMPT": "0"}


def git(cwd: Path, *args: str, **env: str) -> str:
    done = subprocess.run(["git", *args], cwd=cwd, env={**ENV, **env}, capture_output=True, text=True, check=True)
    return done.stdout


def project(root: Path, lfs: bool) -> Path:
    shutil.copytree(REPO / "tests" / "fixtures" / "mini", root)
    (root / "evidence" / "zonghe" / "截图.png").write_bytes(png())
    (root / "evidence" / "zonghe" / "说明.pdf").write_bytes(b"%PDF-1.4\n" + bytes(range(256)) * 64 + b"\n%%EOF\n")
    write(root, "zonghe/jixiao.md", JIXIAO)
    if lfs:
        shutil.copy(REPO / ".gitattributes", root / ".gitattributes")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "材料")
    return root


@pytest.fixture(scope="module")
def repos(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("lfs")
    remote = base / "remote.git"
    git(base, "init", "-q", "--bare", str(remote))
    lfs = project(base / "lfs", lfs=True)
    git(lfs, "push", "-q", f"file://{remote}", "main")
    direct = project(base / "direct", lfs=False)
    git(base, "clone", "-q", "-b", "main", f"file://{remote}", "full")
    git(base, "clone", "-q", "-b", "main", f"file://{remote}", "skip", GIT_LFS_SKIP_SMUDGE="1")
    return {"lfs": lfs, "direct": direct, "full": base / "full", "skip": base / "skip", "base": base}


def test_attachments_really_go_through_lfs(repos: dict[str, Path]) -> None:
    assert sorted(git(repos["lfs"], "lfs", "ls-files", "--name-only").split("\n")[:-1]) == sorted(ATTACHMENTS)
    for path in ATTACHMENTS:  # what git holds is the pointer; the direct repository holds the file
        assert git(repos["full"], "cat-file", "-p", f"HEAD:{path}").encode().startswith(LFS_POINTER)
        assert (repos["full"] / path).read_bytes() == (repos["direct"] / path).read_bytes()
        assert (repos["skip"] / path).read_bytes().startswith(LFS_POINTER)


def test_lfs_clone_checks_and_scores_like_direct(repos: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    lfs, direct = check_and_score(repos["full"], strict=True), check_and_score(repos["direct"], strict=True)
    assert lfs.table == direct.table and lfs.problems == direct.problems
    assert {p: f for p, f in lfs.files.items() if p != ".gitattributes"} == dict(direct.files)
    outputs = []
    for name in ("full", "direct"):
        out = repos["base"] / f"{name}-out"
        assert main(["score", "--project", str(repos[name]), "--out", str(out)]) == 0
        scores = json.loads((out / "scores.json").read_text(encoding="utf-8"))
        scores.pop("build")  # the commit differs; the date is the same
        outputs.append(scores)
    assert outputs[0] == outputs[1]
    capsys.readouterr()


def test_lfs_clone_builds_the_same_dossier(repos: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    """The same pages and the same embedded files; only the commit named on the pages differs."""
    texts, files = [], []
    for name in ("full", "direct"):
        out = repos["base"] / f"{name}-pdf"
        assert main(["pdf", "--project", str(repos[name]), "--out", str(out), "--jobs", "1"]) == 0
        reader = PdfReader(out / "dossier.pdf")
        commit = git(repos[name], "rev-parse", "HEAD").strip()
        texts.append([re.sub(r"\s+", "", text).replace(commit[:10], "COMMIT") for text in pdf_text(reader)])
        files.append({key: b"".join(value) for key, value in reader.attachments.items()})
    assert texts[0] == texts[1] and len(texts[0]) > 1
    assert set(ATTACHMENTS) <= set(files[0]) and files[0] == files[1]
    for path in ATTACHMENTS:  # the files themselves, not their pointers
        assert files[0][path] == (repos["direct"] / path).read_bytes()
    capsys.readouterr()


def test_unfetched_pointer_fails_check_and_writes_nothing(repos: dict[str, Path],
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    skip, out = repos["skip"], repos["base"] / "skip-out"
    assert main(["check", "--project", str(skip)]) == 1
    err = capsys.readouterr().err
    lines = (skip / "evidence" / "zonghe" / "jixiao.md").read_text(encoding="utf-8").splitlines()
    line = next(n for n, text in enumerate(lines, 1) if text.startswith("attachments:"))
    for name in ("说明.pdf", "截图.png"):
        assert f"evidence/zonghe/jixiao.md:{line}: 错误：附件“{name}”是 Git LFS 的指针文件" in err
    assert "git lfs pull" in err and "Traceback" not in err
    assert main(["score", "--project", str(skip), "--out", str(out)]) == 1
    assert not out.exists()
    capsys.readouterr()
    git(skip, "lfs", "pull")  # the command the message names mends it
    assert main(["check", "--strict", "--project", str(skip)]) == 0
    capsys.readouterr()


def test_gitattributes_routes_every_binary_attachment_type() -> None:
    binary = sorted(s for s in BY_SUFFIX if s not in (".txt", ".csv"))
    paths = [f"evidence/zonghe/a{s}" for s in binary] + [f"evidence/x/y/B{s.upper()}" for s in binary]
    found = git(REPO, "check-attr", "filter", "--", *paths, "evidence/z/a.txt", "evidence/z/a.csv", "docs/img/a.png")
    filters = dict(line.rsplit(": filter: ", 1) for line in found.splitlines())
    assert all(filters[p] == "lfs" for p in paths), filters
    assert {filters[p] for p in ("evidence/z/a.txt", "evidence/z/a.csv", "docs/img/a.png")} == {"unspecified"}
