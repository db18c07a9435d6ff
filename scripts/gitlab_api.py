"""The two GitLab API calls of .gitlab-ci.yml: the score-diff comment on a merge request, the PDF on a release.

    python3 scripts/gitlab_api.py comment FILE          # merge-request pipelines
    python3 scripts/gitlab_api.py release TAG FILE NAME  # tag pipelines

``comment`` posts FILE (Markdown starting with the hidden marker ``<!-- zwgk-score-diff -->``) as a
note on the pipeline's merge request, or edits the note already carrying the marker, so that every
push updates one comment (as pull-request.yml does on GitHub, Gitea and Forgejo). Bodies over 60,000
characters are cut, as there.

``release`` uploads FILE to the project's generic package registry (package ``zwgk-dossier``,
version TAG), creates the tag's release when it is missing, and links the file from it under NAME;
a link of the same name is replaced, so a re-run passes. GitLab keeps no files in a release itself:
its assets are links, and the package registry is where GitLab's documentation puts the files.

Environment: CI_API_V4_URL, CI_PROJECT_ID, CI_MERGE_REQUEST_IID (set by GitLab in the job) and
ZWGK_GITLAB_TOKEN, a project access token with the ``api`` scope and the Developer role, stored as a
masked CI/CD variable (docs/workflow.md, GitLab CI). Standard library only.
"""

from __future__ import annotations

import json
import os
import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

MARKER = "<!-- zwgk-score-diff -->"
LIMIT = 60000
PACKAGE = "zwgk-dossier"


class ApiError(Exception):
    pass


class GitLab:
    def __init__(self, env: dict[str, str]):
        missing = [k for k in ("CI_API_V4_URL", "CI_PROJECT_ID", "ZWGK_GITLAB_TOKEN") if not env.get(k)]
        if missing:
            raise ApiError(f"缺少环境变量 {'、'.join(missing)}（ZWGK_GITLAB_TOKEN：项目访问令牌，见 docs/workflow.md）")
        self.project = f"{env['CI_API_V4_URL'].rstrip('/')}/projects/{urllib.parse.quote(env['CI_PROJECT_ID'], safe='')}"
        self.token = env["ZWGK_GITLAB_TOKEN"]

    def call(self, method: str, path: str, body: Any = None, raw: bytes | None = None) -> Any:
        data = raw if raw is not None else None if body is None else json.dumps(body, ensure_ascii=False).encode()
        request = urllib.request.Request(self.project + path, data=data, method=method)
        request.add_header("PRIVATE-TOKEN", self.token)
        request.add_header("Accept", "application/json")
        if data is not None:
            request.add_header("Content-Type", "application/octet-stream" if raw is not None else "application/json")
        try:
            with urllib.request.urlopen(request, timeout=120) as response:
                reply = response.read()
        except urllib.error.HTTPError as err:
            if err.code == 404 and method == "GET":
                return None
            raise ApiError(f"{method} {path}：HTTP {err.code} {err.read()[:300].decode('utf-8', 'replace')}") from err
        except urllib.error.URLError as err:
            raise ApiError(f"{method} {path}：{err.reason}") from err
        return json.loads(reply) if reply.strip() else None


def comment(api: GitLab, body: str, iid: str) -> str:
    """Post or update the merge request's score-diff note; returns what was done."""
    if len(body) > LIMIT:
        body = body[:LIMIT] + "\n\n……（内容过长，已截断；完整内容见本次运行的制品 score-diff）\n"
    notes = f"/merge_requests/{urllib.parse.quote(iid, safe='')}/notes"
    for page in range(1, 21):
        found = api.call("GET", f"{notes}?per_page=100&sort=asc&page={page}") or []
        ours = [n["id"] for n in found if MARKER in (n.get("body") or "")]
        if ours:
            api.call("PUT", f"{notes}/{ours[0]}", {"body": body})
            return f"已更新合并请求 !{iid} 的得分变化评论"
        if not found:
            break
    api.call("POST", notes, {"body": body})
    return f"已在合并请求 !{iid} 下发表得分变化评论"


def release(api: GitLab, tag: str, path: Path, name: str) -> str:
    """Upload the file, make sure the tag has a release, and link the file from it once."""
    version = urllib.parse.quote(tag, safe="")
    upload = f"/packages/generic/{PACKAGE}/{version}/{urllib.parse.quote(name, safe='')}"
    api.call("PUT", upload, raw=path.read_bytes())
    url = api.project + upload
    release_path = f"/releases/{version}"
    if api.call("GET", release_path) is None:
        api.call("POST", "/releases", {"tag_name": tag, "name": tag, "description": f"考核材料汇编（PDF）：{name}"})
    links = f"{release_path}/assets/links"
    for link in api.call("GET", links) or []:
        if link.get("name") == name:
            api.call("DELETE", f"{links}/{link['id']}")
    api.call("POST", links, {"name": name, "url": url, "link_type": "package"})
    return f"已附到标签 {tag} 的发布：{name}"


def main(argv: list[str], env: dict[str, str]) -> int:
    usage = "用法：python3 scripts/gitlab_api.py comment FILE | release TAG FILE NAME"
    if not argv or argv[0] not in ("comment", "release") or len(argv) != {"comment": 2, "release": 4}[argv[0]]:
        print(usage, file=sys.stderr)
        return 2
    try:
        api = GitLab(env)
        if argv[0] == "comment":
            if not env.get("CI_MERGE_REQUEST_IID"):
                raise ApiError("缺少环境变量 CI_MERGE_REQUEST_IID：只在合并请求的流水线中发表评论")
            print(comment(api, Path(argv[1]).read_text(encoding="utf-8"), env["CI_MERGE_REQUEST_IID"]))
        else:
            print(release(api, argv[1], Path(argv[2]), argv[3]))
    except (ApiError, OSError) as exc:
        print(f"GitLab 接口调用失败：{exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:], dict(os.environ)))
