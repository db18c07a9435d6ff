"""Attach a file to the release of a tag, creating the release when it is missing (publish.yml, on a tag).

    python scripts/release_asset.py TAG FILE [NAME]

Works against GitHub and against Gitea / Forgejo, whose release APIs differ in two places: GitHub
uploads the raw bytes to the release's `upload_url` and deletes an asset at
`/releases/assets/{id}`; Gitea and Forgejo take a multipart form (field `attachment`) at
`/releases/{id}/assets` and delete at `/releases/{id}/assets/{id}`. The host is told by
GITHUB_SERVER_URL. An asset of the same name is replaced, so that a re-run does not fail.

Environment (set by every runner): GITHUB_API_URL, GITHUB_REPOSITORY, GITHUB_SERVER_URL, and
GITHUB_TOKEN (the job needs `contents: write`). Standard library only.
"""

from __future__ import annotations

import json
import mimetypes
import os
import sys
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path
from typing import Any


class ApiError(Exception):
    pass


def call(method: str, url: str, token: str, body: bytes | None = None, content_type: str = "application/json") -> Any:
    request = urllib.request.Request(url, data=body, method=method)
    request.add_header("Authorization", f"token {token}")
    request.add_header("Accept", "application/json")
    if body is not None:
        request.add_header("Content-Type", content_type)
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            data = response.read()
    except urllib.error.HTTPError as err:
        if err.code == 404 and method == "GET":
            return None
        raise ApiError(f"{method} {url}：HTTP {err.code} {err.read()[:300].decode('utf-8', 'replace')}") from err
    except urllib.error.URLError as err:
        raise ApiError(f"{method} {url}：{err.reason}") from err
    return json.loads(data) if data.strip() else None


def multipart(field: str, filename: str, payload: bytes, mime: str) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    head = (f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; filename="{filename}"\r\n'
            f"Content-Type: {mime}\r\n\r\n").encode()
    return head + payload + f"\r\n--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def attach(tag: str, path: Path, name: str, env: dict[str, str]) -> str:
    api = env["GITHUB_API_URL"].rstrip("/")
    repo = env["GITHUB_REPOSITORY"]
    token = env["GITHUB_TOKEN"]
    on_github = env.get("GITHUB_SERVER_URL", "").rstrip("/") == "https://github.com"
    base = f"{api}/repos/{repo}/releases"
    release = call("GET", f"{base}/tags/{urllib.parse.quote(tag, safe='')}", token)
    if release is None:
        body = json.dumps({"tag_name": tag, "name": tag, "body": f"{tag} 的 PDF 材料汇编见附件。"}).encode()
        release = call("POST", base, token, body)
    rid = release["id"]
    for asset in release.get("assets") or []:
        if asset.get("name") == name:
            url = f"{base}/assets/{asset['id']}" if on_github else f"{base}/{rid}/assets/{asset['id']}"
            call("DELETE", url, token)
    payload = path.read_bytes()
    mime = mimetypes.guess_type(name)[0] or "application/octet-stream"
    query = urllib.parse.urlencode({"name": name})
    if on_github:
        upload = str(release["upload_url"]).split("{", 1)[0]
        asset = call("POST", f"{upload}?{query}", token, payload, mime)
    else:
        form, content_type = multipart("attachment", name, payload, mime)
        asset = call("POST", f"{base}/{rid}/assets?{query}", token, form, content_type)
    return str(asset.get("browser_download_url", name)) if isinstance(asset, dict) else name


def main(argv: list[str]) -> int:
    if len(argv) not in (2, 3):
        print("用法：python scripts/release_asset.py 标签 文件 [附件名]", file=sys.stderr)
        return 2
    tag, file = argv[0], Path(argv[1])
    name = argv[2] if len(argv) == 3 else file.name
    missing = [k for k in ("GITHUB_API_URL", "GITHUB_REPOSITORY", "GITHUB_TOKEN") if not os.environ.get(k)]
    if missing:
        print(f"错误：缺少环境变量 {'、'.join(missing)}（由 Actions 运行器提供）", file=sys.stderr)
        return 2
    if not file.is_file():
        print(f"错误：找不到要附加的文件 {file}", file=sys.stderr)
        return 1
    try:
        url = attach(tag, file, name, dict(os.environ))
    except (ApiError, KeyError, ValueError) as err:
        print(f"错误：无法把 {file} 附到标签 {tag} 的发布上：{err}", file=sys.stderr)
        return 1
    print(f"已附到标签 {tag} 的发布：{url}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
