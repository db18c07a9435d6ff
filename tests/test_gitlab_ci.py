""".gitlab-ci.yml: GitLab's published CI schema, the same commands as the GitHub workflows, and its two API
steps (the score-diff note, the release's PDF) run for real against a fake GitLab API on 127.0.0.1."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
CI = ROOT / ".gitlab-ci.yml"
VALIDATOR = Path(sys.executable).parent / "check-jsonschema"
MARKER = "<!-- zwgk-score-diff -->"
# The commands that do the work, as written in every workflow.
COMMAND = re.compile(r"python build\.py [^;\n]*?(?=;|\n|$| >)|bash scripts/setup\.sh|make test|"
                     r"cp build/dossier\.pdf build/site/dossier\.pdf")


def gitlab() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(CI.read_text(encoding="utf-8"))
    return loaded


def validate(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(VALIDATOR), "--builtin-schema", "vendor.gitlab-ci", "--data-transform", "gitlab-ci",
                           str(path)], capture_output=True, text=True, timeout=120)


def test_gitlab_ci_passes_gitlabs_schema(tmp_path: Path) -> None:
    done = validate(CI)
    assert done.returncode == 0, done.stdout + done.stderr
    broken = tmp_path / ".gitlab-ci.yml"  # the validator is not a rubber stamp
    broken.write_text(CI.read_text(encoding="utf-8").replace("  stage: review\n", "  stagee: review\n", 1),
                      encoding="utf-8")
    done = validate(broken)
    assert done.returncode == 1 and "'stagee' was unexpected" in done.stdout


def commands(script: str) -> list[str]:
    return [m.group(0).strip() for m in COMMAND.finditer(script)]


def github(name: str, job: str) -> list[str]:
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / name).read_text(encoding="utf-8"))
    return commands("\n".join(str(s.get("run", "")) for s in workflow["jobs"][job]["steps"]))


def job(ci: dict[str, Any], name: str) -> list[str]:
    setup = ci[ci[name]["extends"]]["before_script"] if "extends" in ci[name] else []
    return commands("\n".join([*setup, *ci[name]["script"]]))


def test_the_commands_are_the_github_workflows() -> None:
    ci = gitlab()
    review = github("pull-request.yml", "review")
    assert review == ["bash scripts/setup.sh", 'python build.py diff "origin/$BASE_REF" HEAD',
                      "python build.py check --strict", "python build.py all", "make test"]
    assert job(ci, "review") + job(ci, "test")[1:] == review
    publish = github("publish.yml", "build")
    assert publish == ["bash scripts/setup.sh", "python build.py check --strict", "python build.py all --edition public"]
    assert job(ci, "build") == publish
    assert ci["release"]["needs"] == ci["pages"]["needs"] == ["build"]
    assert ci["release"]["rules"] == [{"if": "$CI_COMMIT_TAG"}]
    assert ci["pages"]["rules"] == [{"if": "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH"}]
    assert ci["pages"]["script"] == ["cp -r build/site public"] and ci["pages"]["artifacts"]["paths"] == ["public"]
    assert ci["variables"]["GIT_DEPTH"] == "0"
    assert "GIT_LFS_SKIP_SMUDGE" not in CI.read_text(encoding="utf-8")


# --- the API steps against a fake GitLab --------------------------------------------------------------


class FakeGitLab(BaseHTTPRequestHandler):
    notes: ClassVar[list[dict[str, Any]]] = []
    releases: ClassVar[dict[str, list[dict[str, Any]]]] = {}  # tag → its links
    packages: ClassVar[dict[str, bytes]] = {}
    requests: ClassVar[list[tuple[str, str]]] = []

    def _reply(self, status: int, body: Any) -> None:
        data = json.dumps(body).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _read(self) -> bytes:
        assert self.headers["PRIVATE-TOKEN"] == "glpat-secret"
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))

    def do_GET(self) -> None:
        self._read()
        self.requests.append(("GET", self.path))
        if "/notes?" in self.path:
            page = int(self.path.rsplit("page=", 1)[-1])
            self._reply(200, self.notes if page == 1 else [])
        elif self.path.endswith("/assets/links"):
            self._reply(200, self.releases[self.path.split("/releases/")[1].split("/")[0]])
        else:
            tag = self.path.rsplit("/releases/", 1)[-1]
            self._reply(200, {"tag_name": tag}) if tag in self.releases else self._reply(404, {"message": "404"})

    def do_POST(self) -> None:
        body = json.loads(self._read())
        self.requests.append(("POST", self.path))
        if self.path.endswith("/notes"):
            self.notes.append({"id": 70 + len(self.notes), "body": body["body"]})
        elif self.path.endswith("/releases"):
            self.releases[body["tag_name"]] = []
        else:
            links = self.releases[self.path.split("/releases/")[1].split("/")[0]]
            links.append({"id": 500 + len(self.requests), **body})
        self._reply(201, {})

    def do_PUT(self) -> None:
        data = self._read()
        self.requests.append(("PUT", self.path))
        if "/packages/generic/" in self.path:
            assert self.headers["Content-Type"] == "application/octet-stream"
            self.packages[self.path] = data
        else:
            ident = int(self.path.rsplit("/", 1)[-1])
            for note in self.notes:
                if note["id"] == ident:
                    note["body"] = json.loads(data)["body"]
        self._reply(200, {})

    def do_DELETE(self) -> None:
        self._read()
        self.requests.append(("DELETE", self.path))
        ident = int(self.path.rsplit("/", 1)[-1])
        for tag, links in self.releases.items():
            self.releases[tag] = [link for link in links if link["id"] != ident]
        self._reply(200, {})

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def fake_gitlab() -> Iterator[str]:
    FakeGitLab.notes = [{"id": 69, "body": "另一位审阅人的评论"}]
    FakeGitLab.releases, FakeGitLab.packages, FakeGitLab.requests = {}, {}, []
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeGitLab)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/api/v4"
    server.shutdown()
    server.server_close()


def git(cwd: Path, *args: str) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "张三", "GIT_AUTHOR_EMAIL": "z@example.cn", "GIT_COMMITTER_NAME": "张三",
           "GIT_COMMITTER_EMAIL": "z@example.cn", "GIT_AUTHOR_DATE": "2021-12-01T10:00:00+08:00",
           "GIT_COMMITTER_DATE": "2021-12-01T10:00:00+08:00"}
    subprocess.run(["git", "-c", "commit.gpgsign=false", *args], cwd=cwd, check=True, capture_output=True, env=env)


def env_for(api: str, tmp_path: Path) -> dict[str, str]:
    shims = tmp_path / "bin"
    shims.mkdir(exist_ok=True)
    for name in ("python", "python3"):  # wrappers, not symlinks: a venv's python finds its packages by its path
        (shims / name).write_text(f'#!/bin/sh\nexec "{sys.executable}" "$@"\n', encoding="utf-8")
        (shims / name).chmod(0o755)
    return {**os.environ, "PATH": f"{shims}{os.pathsep}{os.environ['PATH']}", "CI_API_V4_URL": api,
            "CI_PROJECT_ID": "42", "ZWGK_GITLAB_TOKEN": "glpat-secret", "no_proxy": "127.0.0.1", "NO_PROXY": "127.0.0.1"}


def test_review_job_posts_the_score_diff_once_then_updates(tmp_path: Path, fake_gitlab: str) -> None:
    source = tmp_path / "source"
    shutil.copytree(ROOT / "tests" / "fixtures" / "mini", source)
    shutil.copytree(ROOT / "scoring", source / "scoring", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "build.py", source / "build.py")
    (source / "scripts").mkdir()
    shutil.copy(ROOT / "scripts" / "gitlab_api.py", source / "scripts" / "gitlab_api.py")
    git(source, "init", "-q", "-b", "main")
    git(source, "add", "-A")
    git(source, "commit", "-q", "-m", "base")
    git(tmp_path, "clone", "-q", str(source), "work")
    script = gitlab()["review"]["script"]
    lines = script[: next(i for i, line in enumerate(script) if "gitlab_api.py comment" in line) + 1]
    env = {**env_for(fake_gitlab, tmp_path), "BASE_REF": "main", "CI_MERGE_REQUEST_IID": "5"}
    for _ in range(2):
        done = subprocess.run(["bash", "-e", "-c", "\n".join(lines)], cwd=tmp_path / "work", env=env,
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stdout + done.stderr
    notes = "/api/v4/projects/42/merge_requests/5/notes"
    assert FakeGitLab.requests[0] == ("GET", f"{notes}?per_page=100&sort=asc&page=1")
    assert [r for r in FakeGitLab.requests if r[0] != "GET"] == [("POST", notes), ("PUT", f"{notes}/71")]
    ours = [n for n in FakeGitLab.notes if MARKER in n["body"]]
    assert len(ours) == 1 and "**无变化**" in ours[0]["body"] and len(FakeGitLab.notes) == 2
    assert "已更新合并请求 !5 的得分变化评论" in done.stdout


def test_release_job_uploads_and_links_the_pdf_once(tmp_path: Path, fake_gitlab: str) -> None:
    (tmp_path / "build").mkdir()
    pdf = tmp_path / "build" / "dossier.pdf"
    pdf.write_bytes(b"%PDF-1.7 sample\r\n\x00\xff")
    shutil.copytree(ROOT / "scripts", tmp_path / "scripts", ignore=shutil.ignore_patterns("__pycache__"))
    env = {**env_for(fake_gitlab, tmp_path), "CI_COMMIT_TAG": "2021-final"}
    for _ in range(2):  # a re-run replaces the link instead of adding a second one
        done = subprocess.run(["bash", "-e", "-c", "\n".join(gitlab()["release"]["script"])], cwd=tmp_path, env=env,
                              capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stdout + done.stderr
        assert "已附到标签 2021-final 的发布：dossier-2021-final.pdf" in done.stdout
    package = "/api/v4/projects/42/packages/generic/zwgk-dossier/2021-final/dossier-2021-final.pdf"
    assert FakeGitLab.packages == {package: pdf.read_bytes()}
    [links] = FakeGitLab.releases.values()
    assert [(link["name"], link["link_type"]) for link in links] == [("dossier-2021-final.pdf", "package")]
    assert links[0]["url"] == fake_gitlab.removesuffix("/api/v4") + package
    writes = [r for r in FakeGitLab.requests if r[0] != "GET"]
    assert [w[0] for w in writes] == ["PUT", "POST", "POST", "PUT", "DELETE", "POST"]


def test_api_script_fails_in_chinese_without_a_token(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CI_", "ZWGK_"))}
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "gitlab_api.py"), "comment", "x.md"], env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 1 and "缺少环境变量 CI_API_V4_URL、CI_PROJECT_ID、ZWGK_GITLAB_TOKEN" in done.stderr
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "gitlab_api.py"), "publish"], env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "用法" in done.stderr
