"""MkDocs and Material for MkDocs: every use of their internals, in one place.

The incremental site build (scoring/render/site/sitecache.py) replays ``mkdocs.commands.build.build``
step by step, so it calls what that function calls, some of it private; and it speeds up two
things MkDocs and Material repeat (the build date, the search plugin's translated defaults) by
replacing a function for the length of a build. Everything of that kind is here, typed with
MkDocs' own types or, for Material (which has none), with Protocols: a change of either library
is checked here, and a later swap of the site engine (docs/upstream.md) replaces this module.

``GATE`` lists the versions all this was verified against. With any other version installed,
the site is built by MkDocs' own ``build`` (the public path: scoring/render/site/site.py without a page
cache), which gives the same site, only without reusing pages or rendering them in parallel.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Protocol, cast

if TYPE_CHECKING:
    import jinja2
    from markupsafe import Markup
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import File, Files
    from mkdocs.structure.nav import Navigation
    from mkdocs.structure.pages import Page

from ...core import envvars
from ...core.engine_gate import Gate

SEARCH_PLUGIN = "material/search"
GATE = Gate({"mkdocs": "1.6.1", "mkdocs-material": "9.8.1"},
            "网站改由 MkDocs 自身完整生成（不复用页面缓存、不并行，较慢，结果相同）")


class SearchIndex(Protocol):
    """What the build reads of Material's search index: its entries, in page order."""

    entries: list[dict[str, Any]]


class SearchPlugin(Protocol):
    """What the build uses of Material's search plugin."""

    search_index: SearchIndex

    def _translate(self, config: MkDocsConfig, value: str) -> Markup: ...


def _digest(*parts: str) -> str:
    h = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8", "surrogatepass")
        h.update(len(data).to_bytes(8, "big") + data)
    return h.hexdigest()


# --- MkDocs' build, step by step ------------------------------------------------------------


def file_sort_key(name: str) -> tuple[bool, str]:
    """The order MkDocs lists a folder's files in (``index`` first)."""
    from mkdocs.structure.files import _file_sort_key

    key: tuple[bool, str] = _file_sort_key(name)
    return key


def populate_page(page: Page, cfg: MkDocsConfig, files: Files) -> None:
    """Read a page's Markdown and convert it, as MkDocs' build does."""
    from mkdocs.commands import build as mk

    mk._populate_page(page, cfg, files)


def build_page(page: Page, cfg: MkDocsConfig, doc_files: Sequence[File], nav: Navigation,
               env: jinja2.Environment) -> None:
    """Render a page through the theme and write it into the site dir, as MkDocs' build does."""
    from mkdocs.commands import build as mk

    mk._build_page(page, cfg, doc_files, nav, env)


def build_templates(cfg: MkDocsConfig, env: jinja2.Environment, files: Files, nav: Navigation) -> None:
    """The theme's static templates (404.html, sitemap.xml …) and the configuration's extra ones."""
    from mkdocs.commands import build as mk

    for template in sorted(cfg.theme.static_templates):
        mk._build_theme_template(template, env, files, cfg, nav)
    for template in cfg.extra_templates:
        mk._build_extra_template(template, files, cfg, nav)


def rendered_title(page: Page) -> str | None:
    """The title a page's rendering found (its first heading), which the cache keeps."""
    title: str | None = page._title_from_render
    return title


def set_rendered_title(page: Page, title: str | None) -> None:
    """A cached page's title, as rendering it would have set it."""
    page._title_from_render = title


def search_plugin(cfg: MkDocsConfig) -> SearchPlugin | None:
    """Material's search plugin of this build, if it has one."""
    return cast("SearchPlugin | None", cfg.plugins.get(SEARCH_PLUGIN))


def search_entries(cfg: MkDocsConfig) -> list[dict[str, Any]]:
    """The search index's entries, which rendering a page appends to (a new list when there is no search)."""
    search = search_plugin(cfg)
    return search.search_index.entries if search is not None else []


@contextmanager
def build_date_once() -> Iterator[None]:
    """Every ``Page`` asks for the build date (``SOURCE_DATE_EPOCH`` parsed again each time, 5,000 times at 5,000
    pages); with the variable set the answer cannot change within a build, so it is worked out once."""
    from mkdocs.structure import pages

    module: Any = pages
    original = module.get_build_date
    if envvars.get("SOURCE_DATE_EPOCH") is None:
        yield
        return
    date = original()
    module.get_build_date = lambda: date
    try:
        yield
    finally:
        module.get_build_date = original


# --- Material's search plugin ---------------------------------------------------------------


_translations: dict[tuple[str, str], Any] = {}  # (the language's key, the placeholder) → its translation (Markup)
LANGUAGE_FILES = ("partials/language.html", "partials/languages/{}.html", "partials/languages/en.html")


def _language_key(cfg: MkDocsConfig) -> str:
    """The theme's language and the files its translations come from, in every theme folder (size, mtime)."""
    language = str(cfg.theme.get("language"))
    parts: list[str] = [language]
    for folder in cfg.theme.dirs:
        for name in LANGUAGE_FILES:
            path = os.path.join(folder, name.format(language))
            found = os.stat(path) if os.path.isfile(path) else None
            parts.append(f"{path}:{found.st_size}:{found.st_mtime_ns}" if found else f"{path}:-")
    return _digest(*parts)


def remember_translations(cfg: MkDocsConfig) -> None:
    """Material's search plugin translates its defaults (language, separator, pipeline) on every build, each time
    through a new template environment; here each is translated once per process and language."""
    search = search_plugin(cfg)
    if search is None:
        return
    key = _language_key(cfg)
    if any(known != key for known, _ in _translations):
        _translations.clear()
    translate = search._translate

    def remembered(config: MkDocsConfig, value: str) -> Markup:
        if (key, value) not in _translations:
            _translations[key, value] = translate(config, value)
        found: Markup = _translations[key, value]
        return found

    search._translate = remembered  # type: ignore[method-assign]
