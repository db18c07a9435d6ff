"""The review site: Markdown pages generated from the scored model, built by MkDocs.

The path: a checked ``Project`` → Markdown pages in a scratch docs dir (Jinja2
templates in ``site_templates/site/``) → MkDocs + Material in strict mode →
the site folder given by the build (scoring/render/outputs.py), which swaps the whole
output in at once. This module is a function of the project alone: it runs no
git, prints nothing and reads no evidence file again.

Evidence is untrusted: its body arrives sanitised and checked (scoring/load/body.py),
with links to other files in ``evidence/`` left for this module to map to pages
or copied files; every other string from the data is escaped so that it shows
verbatim and can carry no Markdown or HTML.

What is MkDocs-specific (config, navigation, logging, the build call) sits in one
section below, so that a move to Zensical, which reads mkdocs.yml, stays cheap.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from ...core import envvars
from ...core.output import collect_warnings
from ...core.problems import DataError, error
from ...gather.project import Project
from ...model.model import Scheme
from ...model.values import Edition
from ..documents.annualreport import PAGE as ANNUAL_PAGE
from . import siteresults
from .forge import site_links as forge_links
from .pagecache import digest
from .search import TUNING, search_terms
from .sitemodel import SELFREPORT_PAGE, TOTALS_PAGE, Links
from .sitepages import render_docs
from .sitetext import DEFAULT_CONFIG, THEME_OVERRIDES, plain_title
from .sitewriter import Docs, MarkdownMemo, SitePlan


def site_nav(scheme: Scheme, results: list[Any] | None = None) -> list[Any]:
    """The global navigation: section pages only; evidence pages stay off it.

    MkDocs and Material render the whole navigation into every page, so a
    navigation listing every evidence page grows quadratically with the site
    (docs/site.md gives the figures); evidence is reached from rows, units and
    the evidence index instead.
    """
    levels: list[Any] = ["scheme/index.md", *({plain_title(lv.name): Links.level(lv.id)} for lv in scheme.levels)]
    if scheme.comprehensive or scheme.major:
        levels.append({"综合加分与重大扣分": TOTALS_PAGE})
    units: list[Any] = ["units/index.md", *({plain_title(u.name): Links.unit(u.id)} for u in scheme.real_units)]
    return [{"首页": "index.md"}, *(results or []), {"考核方案": levels}, {"责任单位": units}, {"证据材料": "evidence/index.md"},
            {"自评报告": SELFREPORT_PAGE}, {"方案核查": "check.md"}, {"计分说明": "rules.md"}, {"年度报告": ANNUAL_PAGE}]


NOT_IN_NAV = "/evidence/*.md\n!/evidence/index.md\n"


# --- MkDocs: everything specific to it is here ----------------------------------------------


def config_file(root: Path) -> Path:
    """The project's own mkdocs.yml when it has one, else this repository's."""
    own = root / "mkdocs.yml"
    return own if own.is_file() else DEFAULT_CONFIG


@contextmanager
def mkdocs_session(when: datetime) -> Iterator[list[str]]:
    """MkDocs' warnings collected (not printed), and SOURCE_DATE_EPOCH set from the commit."""
    with envvars.override("SOURCE_DATE_EPOCH", str(int(when.timestamp()))), collect_warnings("mkdocs") as messages:
        yield messages


def mkdocs_config(config: Path, docs: Path, site_dir: Path, scheme: Scheme,
                  edition: Edition = Edition.INTERNAL, results: list[Any] | None = None) -> Any:
    """MkDocs' configuration; the footer of every page says which edition it is (the public one's header too)."""
    from mkdocs.config import load_config

    name = plain_title(scheme.title)
    if name and edition is Edition.PUBLIC:
        name += f"（{edition.label}）"
    cfg = load_config(str(config), docs_dir=str(docs), site_dir=str(site_dir), strict=True,
                      site_name=name or None, nav=site_nav(scheme, results), not_in_nav=NOT_IN_NAV)
    if cfg.theme.name == "material":  # after a project's own custom_dir, which may override ours
        cfg.theme.dirs.insert(1 if cfg.theme.custom_dir else 0, str(THEME_OVERRIDES))
    if not cfg.copyright and scheme.issuer:
        cfg.copyright = plain_title(scheme.issuer)  # the theme prints it as HTML
    cfg.copyright = "　".join(filter(None, (cfg.copyright, plain_title(edition.note))))
    if edition is Edition.PUBLIC:  # the public edition names no repository (scoring/render/site/forge.py)
        cfg.repo_url = cfg.edit_uri = None
    return cfg


def mkdocs_build(cfg: Any, cache: Any = None, docs: Docs | None = None, placed: dict[str, str] | None = None,
                 tag_index: Any = None, jobs: int = 1) -> None:
    """MkDocs' own build; with a ``pagecache.PageCache``, the same build reusing the pages it holds, reading
    the docs from ``docs`` (in memory) rather than from the docs dir (``placed``, ``tag_index``, ``jobs``: see
    ``sitecache.build``)."""
    from mkdocs.commands.build import build

    from . import sitecache

    cfg.plugins.on_startup(command="build", dirty=False)
    try:
        if cache is None:
            build(cfg)
        else:
            sitecache.build(cfg, cache, docs, placed, tag_index, jobs)
    finally:
        cfg.plugins.on_shutdown()


def _overrides_digest() -> str:
    """The theme overrides' bytes, part of every cached page's key."""
    files = sorted(p for p in THEME_OVERRIDES.rglob("*") if p.is_file())
    return digest(*(f"{p.relative_to(THEME_OVERRIDES).as_posix()}:{p.read_text('utf-8')}" for p in files))


def _mkdocs_failed(config: Path, exc: Exception, messages: list[str]) -> DataError:
    details = "；".join(messages) or str(exc)
    return DataError([error(str(config), 0, f"网站生成失败（MkDocs 严格模式，有警告即停止）：{details}", "mkdocs")])


# --- the site ----------------------------------------------------------------------------


_tuned: dict[tuple[str, ...], frozenset[str]] = {}  # the terms of the last tuning here, and its words


def _tune(terms: tuple[str, ...], folder: Path | None = None) -> None:
    """Tune jieba for ``terms`` unless it still is: the live preview builds again and again with the same terms
    (``folder``: where the tuning keeps what it found, see ``SearchTuning.apply``)."""
    if TUNING.total is not None and _tuned.get(terms) is TUNING.words:
        return
    TUNING.apply(terms, folder)
    _tuned.clear()
    _tuned[terms] = TUNING.words


def build_site(project: Project, target: Path, cache: Path | None = None, memo: MarkdownMemo | None = None,
               placed: dict[str, str] | None = None, jobs: int = 1, dossier: bool = False) -> SitePlan:
    """Generate the pages and build the site into ``target`` (a folder that does not exist yet).

    Without a ``cache``, the pages are written into a scratch docs dir beside
    ``target`` (inside the build's staging folder, removed afterwards) and
    MkDocs builds from it. With a ``cache`` folder, MkDocs gets the pages from
    memory, and pages whose inputs did not change since the last build there
    are not rendered again (scoring/render/site/sitecache.py); the site is the same, byte
    for byte. ``memo`` keeps the pages' Markdown between builds of one process;
    ``placed`` (with a cache) receives the files not written into ``target`` (scoring/cli/livesite.py);
    ``jobs`` (with a cache): processes rendering the evidence pages not in it.
    """
    from mkdocs.exceptions import MkDocsException

    from . import engine_mkdocs, pagecache

    config = config_file(project.root)
    if cache is not None and not engine_mkdocs.GATE.open():
        cache = None  # MkDocs or Material is not the version verified: MkDocs' own build (docs/upstream.md)
    target.parent.mkdir(parents=True, exist_ok=True)
    docs = Path(tempfile.mkdtemp(prefix=".site-docs.", dir=target.parent))
    try:
        with mkdocs_session(project.info.date) as messages:
            try:
                cfg = mkdocs_config(config, docs, target, project.scheme, project.edition, siteresults.nav(project))
                compiled = pagecache.compiled_templates(cache)
                if cache is not None:  # the pages' Markdown kept beside the site cache, for the next process too
                    memo = memo or MarkdownMemo()
                    memo.folder = cache.parent / "markdown" / cache.name
                forge = forge_links(cfg, config, project)
                terms = search_terms(project.scheme, [ev for ev in project.table.evidence if project.shown(ev)])
                _tune(terms, pagecache.shared(cache, "jieba") if cache is not None else None)  # first: loads jieba (wordbreak)
                made = render_docs(project, directory_urls=bool(cfg.use_directory_urls), compiled=compiled, memo=memo,
                                   forge=forge, dossier=dossier)
                plan = made.plan
                if cache is None:
                    made.write(docs)
                    mkdocs_build(cfg)
                    TUNING.index_words(target / "search" / "search_index.json")
                else:  # the index is tagged before it is written, not read back
                    pages = pagecache.PageCache(cache, pagecache.base_key(cfg, extra=[*terms, _overrides_digest()]))
                    mkdocs_build(cfg, pages, made, placed, TUNING.tag, jobs)
                    plan = SitePlan(plan.pages, plan.evidence_pages, pages.reused, pages.processes)
            except MkDocsException as exc:
                raise _mkdocs_failed(config, exc, messages) from None
        return plan
    finally:
        shutil.rmtree(docs, ignore_errors=True)
