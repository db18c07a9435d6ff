"""Links from the review site to the bureau's forge: new evidence, edit, upload, from a browser.

Staff hold the evidence but have no git, Python or terminal. When the site knows its repository
(``repo_url`` in mkdocs.yml; the forge's kind detected for github.com, gitlab.com and codeberg.org,
declared as ``extra: {forge: {kind: …}}`` for a bureau's own host), every row and every line of a
unit's to-do list links to the forge's "new file" page, with the file's path under
``evidence/<unit>/``, the name ``build.py new`` would give, and the template ``new`` writes
(``scaffold.render``, so what ``new`` leaves out the link leaves out too). Evidence pages link to
the forge's editor for their file and, with attachments, to its upload page for their folder.

Every URL is built here; the templates only print them. Sources for each forge's parameters are
in docs/forge.md. The public edition has no forge at all (``site.build_site`` passes none).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from ...core.problems import DataError, error
from ...gather.project import Project
from ...load import scaffold
from ...load.loadevidence import evidence_files
from ...model.model import Evidence, Indicator, Scheme, Unit
from ...model.values import Edition

KINDS = ("github", "gitea", "forgejo", "gitlab")
KNOWN_HOSTS = {"github.com": "github", "gitlab.com": "gitlab", "codeberg.org": "forgejo"}
KIND_NAMES = {"github": "GitHub", "gitea": "Gitea", "forgejo": "Forgejo", "gitlab": "GitLab"}

# The longest URL a link may be, in bytes once percent-encoded. nginx, the usual reverse proxy in
# front of a self-hosted Gitea, Forgejo or GitLab, refuses a request line over its default header
# buffer of 8 KiB (414/400); browsers take far more. A template over it is first shortened (its
# comment lines dropped), then left out of the link, which still names the file, and shown on the
# page to copy.
URL_LIMIT = 8000

# Said beside every link: what to do in the forge's commit dialog.
COMMIT_HINT = "填好后在页面下方选择“新建分支并发起合并请求”，再点提交"
_CLI_HINT = "然后运行 python build.py check 检查。"
_WEB_HINT = "提交后，合并请求的自动检查会逐行指出没有填好的地方。"


def _segments(path: str) -> str:
    """A repository path in a URL: each segment percent-encoded, the slashes kept."""
    return quote(path, safe="/")


@dataclass(frozen=True)
class Forge:
    """One repository on one forge: its web address, its kind and the branch proposals start from."""

    kind: str
    repo: str  # https://host/owner/name, no trailing slash, no .git
    branch: str = "main"

    @property
    def name(self) -> str:
        return KIND_NAMES[self.kind]

    @property
    def prefills(self) -> bool:
        """True when the new-file page takes its content from the URL (GitLab ignores it today)."""
        return self.kind != "gitlab"

    def new_file(self, path: str, content: str | None) -> str:
        """The new-file page for ``path`` (from the repository's root), its editor holding ``content``."""
        branch = _segments(self.branch)
        if self.kind == "gitlab":
            return f"{self.repo}/-/new/{branch}?file_name={_segments(path)}"
        if self.kind == "github":
            url = f"{self.repo}/new/{branch}?filename={_segments(path)}"
        else:
            folder, _, name = path.rpartition("/")
            url = f"{self.repo}/_new/{branch}/{_segments(folder)}?filename={quote(name, safe='')}"
        return url if content is None else f"{url}&value={quote(content, safe='')}"

    def edit(self, path: str) -> str:
        """The editor of a file on the branch."""
        prefix = {"github": "edit", "gitlab": "-/edit"}.get(self.kind, "_edit")
        return f"{self.repo}/{prefix}/{_segments(self.branch)}/{_segments(path)}"

    def upload(self, folder: str) -> str:
        """Where files are uploaded into ``folder`` (GitLab: the folder, whose “+” menu has 上传文件)."""
        prefix = {"github": "upload", "gitlab": "-/tree"}.get(self.kind, "_upload")
        return f"{self.repo}/{prefix}/{_segments(self.branch)}/{_segments(folder)}"


def _config_line(config: Path, key: str) -> int:
    """The line of a top-level key in mkdocs.yml, for an error message (0 when not found)."""
    try:
        lines = config.read_text(encoding="utf-8").splitlines()
    except OSError:
        return 0
    return next((n for n, line in enumerate(lines, 1) if re.match(rf"\s*{key}\s*:", line)), 0)


def from_config(repo_url: str | None, extra: Mapping[str, Any] | None, config: Path) -> Forge | None:
    """The forge named by mkdocs.yml (``repo_url``, ``extra.forge``), or None when it names no repository."""
    settings = (extra or {}).get("forge") or {}
    where = str(config)

    def bad(key: str, message: str) -> DataError:
        return DataError([error(where, _config_line(config, key), message, "forge")])

    if not isinstance(settings, Mapping):
        raise bad("forge", "extra.forge 应为设置项（kind、branch），如 forge: {kind: gitea, branch: main}")
    if not repo_url:
        return None
    parts = urlsplit(str(repo_url).strip())
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.path.strip("/").count("/") < 1:
        raise bad("repo_url", f"repo_url“{repo_url}”应为仓库的网页地址，如 https://git.example.gov.cn/zwgk/kaohe")
    kind = settings.get("kind") or KNOWN_HOSTS.get(parts.hostname or "")
    if kind is None:
        raise bad("repo_url", f"无法从 repo_url 的主机 {parts.hostname} 判断代码托管平台的类型：请在 mkdocs.yml 的 "
                              f"extra.forge.kind 中写明 {'、'.join(KINDS)} 之一")
    if kind not in KINDS:
        raise bad("forge", f"extra.forge.kind“{kind}”不是支持的平台，应为 {'、'.join(KINDS)} 之一")
    branch = str(settings.get("branch") or "main")
    path = parts.path.rstrip("/").removesuffix(".git")
    return Forge(kind, f"{parts.scheme}://{parts.netloc}{path}", branch)


def _compact(template: str) -> str:
    """The template without its comments: the keys and placeholders only."""
    lines = []
    for line in template.split("\n"):
        if line.lstrip().startswith("#"):
            continue
        lines.append(line.split("    # ", 1)[0])
    return "\n".join(lines)


@dataclass(frozen=True)
class Offer:
    """One 「在线提交材料」 link: a new evidence file for a row and a unit."""

    unit: str  # the unit's name
    path: str  # evidence/<unit>/<name>.md
    url: str
    template: str  # what the file should start as (shown to copy when the URL does not carry it)
    prefilled: bool  # the URL carries the template
    anchor: str  # the id of the copyable template on the row's page


@dataclass
class ForgeLinks:
    """Every forge link the site shows, for one build (None-free: built only when there is a forge)."""

    forge: Forge
    root: Path
    scheme: Scheme
    day: date  # the date the new files carry (the build's as-of date)
    _offers: dict[tuple[str, str], Offer] = field(default_factory=dict)
    _taken: set[str] | None = None  # the stems of the evidence files, read once

    def __repr__(self) -> str:  # the memo keys of the pages (scoring/render/site/site.py) read this
        return f"ForgeLinks({self.forge!r}, {self.day.isoformat()})"

    @property
    def hint(self) -> str:
        return COMMIT_HINT

    def _units(self, indicator: Indicator) -> list[Unit]:
        owners = [u for u in (self.scheme.unit_by_id(i) for i in indicator.unit_ids) if u is not None]
        if not owners or any(u.everyone for u in owners):
            return list(self.scheme.real_units)
        return owners

    def offer(self, indicator: Indicator, unit: Unit) -> Offer:
        key = (indicator.id, unit.id)
        if key not in self._offers:
            self._offers[key] = self._make(indicator, unit)
        return self._offers[key]

    def _make(self, indicator: Indicator, unit: Unit) -> Offer:
        if self._taken is None:
            self._taken = {path.stem for path in evidence_files(self.root)}
        path = scaffold.target_path(self.root, unit, self.day, indicator, self._taken).relative_to(self.root).as_posix()
        template = scaffold.render(indicator, unit, self.day, None, None).replace(_CLI_HINT, _WEB_HINT)
        anchor = f"zwgk-tpl-{re.sub(r'[^A-Za-z0-9_-]', '-', indicator.id)}-{re.sub(r'[^A-Za-z0-9_-]', '-', unit.id)}"
        if self.forge.prefills:
            for shorten in (False, True):
                url = self.forge.new_file(path, _compact(template) if shorten else template)
                if len(url) <= URL_LIMIT:
                    return Offer(unit.name, path, url, template, True, anchor)
        return Offer(unit.name, path, self.forge.new_file(path, None), template, False, anchor)

    def row_offers(self, indicator: Indicator) -> list[Offer]:
        """One link per unit that may give the row's evidence."""
        return [self.offer(indicator, unit) for unit in self._units(indicator)]

    def unit_offer(self, indicator: Indicator, unit_id: str) -> Offer | None:
        unit = self.scheme.unit_by_id(unit_id)
        return self.offer(indicator, unit) if unit is not None else None

    def edit(self, ev: Evidence) -> str:
        return self.forge.edit(ev.path)

    def upload(self, ev: Evidence) -> str:
        return self.forge.upload(ev.path.rpartition("/")[0])


def site_links(cfg: Any, config: Path, project: Project) -> ForgeLinks | None:
    """The links for one site build: none in the public edition, nor without a repository."""
    if project.edition is Edition.PUBLIC:
        return None
    forge = from_config(cfg.repo_url, cfg.extra, config)
    return ForgeLinks(forge, project.root, project.scheme, project.as_of) if forge is not None else None
