"""Incremental site builds: MkDocs' build, with each page's HTML taken from a cache when its inputs are unchanged.

MkDocs 1.6 renders every page on every build (its ``--dirty`` mode is known to
give wrong navigation). ``build`` below is ``mkdocs.commands.build.build`` step
by step, with one difference: a page whose inputs are unchanged since a
previous successful build is not converted from Markdown nor rendered through
the theme; its HTML, its search entries and its anchors come from the cache.

A page's HTML is a function of:

- the build's *base*: the cache format, the versions of MkDocs, Material,
  Markdown, pymdown-extensions, jieba and this module, mkdocs.yml's bytes (and
  those of a file it names with ``INHERIT``), the
  configuration the site sets on top of it (site name, footer, navigation),
  the theme's own folder when mkdocs.yml names one (``custom_dir``), the build
  date (``SOURCE_DATE_EPOCH``), the search tuning terms, and the list of every
  file in the docs dir (links resolve against it);
- the page's own path and Markdown;
- the navigation as every page shows it: each entry's title and address
  (titles of section pages come from their Markdown).

The first two make the page's *key* (the name of its cache entry); the third is
recorded in the entry and compared after all pages are read. So an edit of one
evidence file re-renders its page and the pages whose Markdown shows it (its
row, unit, the dashboard, the indexes); a change of the scheme, mkdocs.yml, the
templates, the versions or the file list re-renders everything.

Entries are two files per page, ``<key>.json`` (the title, the search entries,
the anchors, links to anchors in other pages, the SHA-256 of the HTML) and
``<key>.html``. An entry that does not parse, has another format, or whose HTML
does not match its hash is ignored and the page rendered again: the cache is
never trusted, only used. Entries are written only after a build has passed
strict mode, so a page that warned is never reused without its warning; after
each build, entries it did not use are removed.

The same three inputs are all a page's rendering reads, so the pages off the
navigation (the evidence pages) that the cache does not hold are rendered over
``jobs`` processes, forks of the build that take batches of pages from one queue
(``RenderQueue``); the build takes each page's result as it takes a cached one.

Within one process (the live preview), the theme's file listing and the search
plugin's translated defaults are kept between builds too, each keyed by what it
is made from (``_add_theme_files``, ``engine_mkdocs.remember_translations``).

Every use of MkDocs' and Material's private names is in scoring/render/site/engine_mkdocs.py. The keys and entries are
in pagecache.py, reading and writing the pages in sitereuse.py, the helper processes in sitequeue.py.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from . import engine_mkdocs as engine
from .pagecache import KNOWN_PLUGINS, PageCache, compiled_templates, digest, shared
from .sitequeue import Rendered, RenderQueue
from .sitereuse import Reuse, read_pages, write_pages


def docs_files(cfg: Any, docs: Any) -> Any:
    """``get_files(cfg)`` for a docs dir held in memory (``sitewriter.Docs``): the same files, in the same order.

    MkDocs walks the docs dir top-down, folders sorted, and in each folder its
    files sorted with ``index`` first; the pages here come from memory and the
    other files from where they are, so nothing is written to be read again.
    """
    from mkdocs.structure.files import File, Files, set_exclusions

    def order(path: str) -> tuple[Any, ...]:
        *folders, name = path.split("/")
        return (*((1, folder) for folder in folders), (0, engine.file_sort_key(name)))

    made = [File.generated(cfg, path, content=_as_read(docs.pages[path])) if path in docs.pages
            else File.generated(cfg, path, abs_src_path=str(docs.files[path]))
            for path in sorted({*docs.pages, *docs.files}, key=order)]
    for file in made:
        file.generated_by = None  # as the docs dir's own files: MkDocs names a plugin in its messages otherwise
    set_exclusions(made, cfg)
    return Files(made)


def _as_read(text: str) -> str:
    """A page's text as MkDocs would read it back from a file (text mode: every line break becomes ``\\n``)."""
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


def build(cfg: Any, cache: PageCache | None, docs: Any = None, placed: dict[str, str] | None = None,
          tag_index: Callable[[list[dict[str, Any]]], object] | None = None, jobs: int = 1) -> None:
    """``mkdocs.commands.build.build(cfg)``, reusing the pages ``cache`` holds; the same bytes either way.

    ``docs``: the docs dir in memory (``sitewriter.Docs``), read instead of ``cfg.docs_dir``.
    ``placed``: when given, the files that exist already as they are (pages from the cache, static
    files) are not put into the site dir but recorded there, site path → the file to place (the
    live preview brings its folder up to date in place, scoring/cli/livesite.py).
    ``tag_index``: called on the search index's entries before the search plugin writes them.
    ``jobs``: processes rendering the pages off the navigation that are not in the cache (``RenderQueue``).
    """
    from mkdocs import utils
    from mkdocs.exceptions import Abort, BuildError

    if cache is not None and set(cfg.plugins) - KNOWN_PLUGINS:
        cache = None
    logger = logging.getLogger("mkdocs")
    counter = utils.CountHandler()
    counter.setLevel(logging.WARNING)
    if cfg.strict:
        logger.addHandler(counter)
    try:
        engine.remember_translations(cfg)
        cfg = cfg.plugins.on_config(cfg)
        cfg.plugins.on_pre_build(config=cfg)
        utils.clean_directory(cfg.site_dir)
        files, env, nav, doc_files = _files_and_nav(cfg, cache, docs)
        keys, reused, current, later = read_pages(cfg, files, doc_files, nav, cache)

        env = cfg.plugins.on_env(env, config=cfg, files=files)
        with RenderQueue(later, jobs, partial(_render_page, cfg, files, doc_files, nav, env)) as queue:
            _place_static_files(files, placed)
            engine.build_templates(cfg, env, files, nav)
            write_pages(cfg, files, doc_files, nav, env, cache, Reuse(keys, reused, current), placed, queue)
        if cache is not None:
            cache.processes = queue.processes
        _post_build(cfg, files, doc_files, tag_index)
        if counts := counter.get_counts():
            raise Abort(f"Aborted with {', '.join(f'{v} {k.lower()}s' for k, v in counts)} in strict mode!")
    except Exception as e:
        cfg.plugins.on_build_error(error=e)
        if isinstance(e, BuildError):
            logging.getLogger("mkdocs").error(str(e))
            raise Abort("Aborted with a BuildError!") from None
        raise
    finally:
        logger.removeHandler(counter)
    if cache is not None and cache.save() and placed is not None:
        for key, dest in cache.dests.items():  # the pages rendered now are placed from the cache too
            placed[dest] = str(cache.folder / f"{key}.html")


def _files_and_nav(cfg: Any, cache: PageCache | None, docs: Any) -> tuple[Any, Any, Any, Any]:
    """The build's files (the theme's included), the theme's Jinja2 environment, the navigation, the pages."""
    from mkdocs.structure.files import InclusionLevel, get_files, set_exclusions
    from mkdocs.structure.nav import get_navigation
    from mkdocs.structure.pages import Page

    files = get_files(cfg) if docs is None else docs_files(cfg, docs)
    env = cfg.theme.get_env()
    if (compiled := compiled_templates(cache.folder if cache else None)) is not None:
        import jinja2

        env.bytecode_cache = jinja2.FileSystemBytecodeCache(str(compiled))
    _add_theme_files(files, env, cfg, shared(cache.folder, "theme") if cache is not None else None)
    files = cfg.plugins.on_files(files, config=cfg)
    set_exclusions(files, cfg)
    with engine.build_date_once():
        nav = get_navigation(files, cfg)
        nav = cfg.plugins.on_nav(nav, config=cfg, files=files)
        doc_files = files.documentation_pages(inclusion=InclusionLevel.is_included)
        for file in doc_files:
            if file.page is None and file.inclusion.is_not_in_nav():
                Page(None, file, cfg)
    return files, env, nav, doc_files


def _place_static_files(files: Any, placed: dict[str, str] | None) -> None:
    """The files that are not pages copied into the site dir; with ``placed``, those that exist recorded instead."""
    from mkdocs.structure.files import InclusionLevel

    if placed is None:
        files.copy_static_files(inclusion=InclusionLevel.is_included)
        return
    static: list[Any] = [f for f in files if not f.is_documentation_page() and f.inclusion.is_included()]
    for file in static:
        if file.abs_src_path is None:
            file.copy_file()
        else:
            placed[file.dest_uri] = file.abs_src_path


def _post_build(cfg: Any, files: Any, doc_files: Any, tag_index: Callable[[list[dict[str, Any]]], object] | None) -> None:
    """Every page's anchor links checked, the search index tagged, the plugins' post-build run."""
    for file in doc_files:
        file.page.validate_anchor_links(files=files, log_level=cfg.validation.links.anchors)
    search = engine.search_plugin(cfg)
    if tag_index is not None and search is not None:
        tag_index(search.search_index.entries)
    cfg.plugins.on_post_build(config=cfg)


_theme_listing: dict[str, list[tuple[str, str | None]]] = {}  # the last listing of the theme's files, by its key


def _theme_key(cfg: Any) -> str:
    """The theme folders, the templates left out, and the mtime of every folder in them (a file added or removed
    changes its folder's)."""
    parts: list[str] = [*cfg.theme.dirs, *sorted(cfg.theme.static_templates)]
    for folder in cfg.theme.dirs:
        for dirpath, dirnames, _ in os.walk(folder):
            dirnames.sort()
            parts.append(f"{dirpath}:{os.stat(dirpath).st_mtime_ns}")
    return digest(*parts)


def _add_theme_files(files: Any, env: Any, cfg: Any, kept: Path | None = None) -> None:
    """``files.add_files_from_theme(env, cfg)``, with the theme's listing kept between builds: in this process, and
    with ``kept`` (``pagecache.shared``) on disk for the next one.

    MkDocs lists every file of the theme's folders (Material's: some 14,000 icons) and
    filters them on every build: 0.15 s, where the kept listing takes 0.02 s (``output.keep``:
    a file whose digest fails is not used).
    """
    from mkdocs.structure.files import File, Files

    from ...core.output import keep, read_kept

    key = _theme_key(cfg)
    listing = _theme_listing.get(key)
    stored = kept / f"listing-{key}.json" if kept is not None else None
    if listing is None and stored is not None:
        found = _json(read_kept(stored))
        if isinstance(found, list) and all(isinstance(item, list) and len(item) == 2 and isinstance(item[0], str)
                                           and isinstance(item[1], str | None) for item in found):
            listing = [(item[0], item[1]) for item in found]
    if listing is None:
        theme = Files([])  # no docs: every theme file, in MkDocs' order, with the folder it comes from
        theme.add_files_from_theme(env, cfg)
        listing = [(file.src_uri, file.src_dir) for file in theme]
        if stored is not None:
            keep(stored, json.dumps(listing, ensure_ascii=False).encode("utf-8"), "listing-*.json")
    if _theme_listing.get(key) is not listing:
        _theme_listing.clear()
        _theme_listing[key] = listing
    for path, folder in listing:
        if files.get_file_from_path(path) is None:  # theme files do not override docs files
            files.append(File(path, folder, cfg.site_dir, cfg.use_directory_urls))


def _json(data: bytes | None) -> Any:
    try:
        return None if data is None else json.loads(data)
    except ValueError:
        return None


def _render_page(cfg: Any, files: Any, doc_files: Any, nav: Any, env: Any, file: Any) -> Rendered:
    """Read and write one page as MkDocs does; its search entries, anchors and links."""
    entries = engine.search_entries(cfg)
    start = len(entries)
    page = file.page
    engine.populate_page(page, cfg, files)
    engine.build_page(page, cfg, doc_files, nav, env)
    found = entries[start:]
    del entries[start:]
    return Rendered(engine.rendered_title(page), found, sorted(page.present_anchor_ids or ()),
                     {target.src_uri: dict(anchors) for target, anchors in (page.links_to_anchors or {}).items()}, [])
