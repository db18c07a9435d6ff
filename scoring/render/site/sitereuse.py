"""The pages of an incremental site build (scoring/render/site/sitecache.py): read from the cache or from Markdown, then
written, the cached HTML placed as it is and the other pages rendered through the theme as MkDocs does."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import engine_mkdocs as engine
from .pagecache import Entry, PageCache, digest, nav_key
from .sitequeue import RenderQueue


def _link(source: Path, dest: str) -> bool:
    """A cached page's HTML placed as a hard link (no bytes copied); False where links are refused.

    Nothing writes into a built page in place (the next build writes a new tree), and a
    cache entry whose bytes changed all the same fails its hash on the next load.
    """
    try:
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        os.link(source, dest)
    except OSError:
        return False
    return True


_sources: dict[str, tuple[str, dict[str, Any]]] = {}  # page key → (Markdown, meta) as read_source split it


def _read_source(page: Any, cfg: Any, key: str) -> None:
    """``page.read_source(cfg)`` for a page taken from the cache: its front matter parsed once per process.

    The key covers the page's Markdown, so the split is the same as parsing it again; the live
    preview reads the same thousands of unchanged pages on every edit.
    """
    known = _sources.get(key)
    if known is None:
        page.read_source(cfg)
        if len(_sources) > 100_000:
            _sources.clear()
        _sources[key] = (page.markdown, page.meta)
    else:
        page.markdown, page.meta = known[0], dict(known[1])


@dataclass(frozen=True)
class Reuse:
    keys: dict[str, str]  # page → its cache key
    found: dict[str, Entry]  # page → its entry, for the pages taken from the cache
    nav: str


def read_pages(cfg: Any, files: Any, doc_files: Any, nav: Any, cache: PageCache | None
                ) -> tuple[dict[str, str], dict[str, Entry], str, list[Any]]:
    """Read the pages the navigation shows and those the cache holds; return the others, to be read later.

    A page from the cache is read from it when its key and the navigation match; a page in
    the navigation is read from Markdown as MkDocs does (every page shows its title). The
    pages off the navigation that the cache does not hold are returned, in order: nothing
    else depends on them, so they can be rendered anywhere (``RenderQueue``).
    """
    keys: dict[str, str] = {}
    found: dict[str, Entry] = {}
    if cache is not None:
        files_digest = digest("\n".join(sorted(f.src_uri for f in files)))
        for file in doc_files:
            keys[file.src_uri] = key = cache.key(files_digest, file.src_uri, file.content_bytes)
            entry = cache.load(key)
            if entry is not None:
                found[file.src_uri] = entry
    shown = {page.file.src_uri for page in nav.pages}
    for file in doc_files:
        if file.src_uri in found:
            _read_source(file.page, cfg, keys[file.src_uri])
            engine.set_rendered_title(file.page, found[file.src_uri].title)
        elif file.src_uri in shown:
            engine.populate_page(file.page, cfg, files)
    current = nav_key(nav)
    for file in doc_files:
        if file.src_uri in found and found[file.src_uri].nav != current:
            del found[file.src_uri]
            if file.src_uri in shown:
                engine.populate_page(file.page, cfg, files)
    later = [file for file in doc_files if file.src_uri not in found and file.src_uri not in shown]
    if cache is None:  # another plugin may read every page (on_env, templates): all are read now, as MkDocs does
        for file in later:
            engine.populate_page(file.page, cfg, files)
        later = []
    return keys, found, current, later


def write_pages(cfg: Any, files: Any, doc_files: Any, nav: Any, env: Any, cache: PageCache | None,
                 reuse: Reuse, placed: dict[str, str] | None, queue: RenderQueue) -> None:
    """Write every page: the cached HTML and search entries, or rendered through the theme as MkDocs does.

    The pages from the cache and in the navigation first, then the others (``queue``); the
    search entries are put in page order at the end, as MkDocs' build leaves them.
    """
    from mkdocs import utils

    entries = engine.search_entries(cfg)
    base = len(entries)
    searched: dict[str, list[dict[str, Any]]] = {}  # page → its search entries

    def keep(file: Any) -> None:
        page = file.page
        if cache is not None and os.path.isfile(file.abs_dest_path):
            links = {target.src_uri: dict(anchors) for target, anchors in (page.links_to_anchors or {}).items()}
            cache.dests[reuse.keys[file.src_uri]] = file.dest_uri
            cache.new[reuse.keys[file.src_uri]] = Entry(engine.rendered_title(page), reuse.nav, b"",
                                                        searched[file.src_uri], sorted(page.present_anchor_ids or ()),
                                                        links, path=file.abs_dest_path)  # read when saved

    def known(file: Any, title: str | None, search: list[dict[str, Any]], anchors: list[str],
              links: dict[str, dict[str, str]]) -> None:
        """A page rendered before or elsewhere, its HTML in place: the rest as _build_page leaves it."""
        searched[file.src_uri] = search
        page = file.page
        engine.set_rendered_title(page, title)
        page.present_anchor_ids = set(anchors)
        page.links_to_anchors = {target: found for uri, found in links.items()
                                 if (target := files.get_file_from_path(uri)) is not None}

    for file in doc_files:
        entry = reuse.found.get(file.src_uri)
        if entry is not None and cache is not None:
            source = cache.folder / f"{reuse.keys[file.src_uri]}.html"
            if placed is not None:
                placed[file.dest_uri] = str(source)
            elif not _link(source, file.abs_dest_path):
                utils.write_file(entry.html or source.read_bytes(), file.abs_dest_path)
            known(file, entry.title, entry.search, entry.anchors, entry.links)
            cache.used.add(reuse.keys[file.src_uri])
            cache.reused += 1
        elif not queue.queued(file):
            start = len(entries)
            engine.build_page(file.page, cfg, doc_files, nav, env)
            searched[file.src_uri] = entries[start:]
            keep(file)
    for file, done in queue.rendered():
        known(file, done.title, done.search, done.anchors, done.links)
        keep(file)
    entries[base:] = [found for file in doc_files for found in searched.get(file.src_uri, ())]
