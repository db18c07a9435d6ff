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
(``_Queue``); the build takes each page's result as it takes a cached one.

Within one process (the live preview), the theme's file listing and the search
plugin's translated defaults are kept between builds too, each keyed by what it
is made from (``_add_theme_files``, ``engine_mkdocs.remember_translations``).

Every use of MkDocs' and Material's private names is in scoring/engine_mkdocs.py.
"""

from __future__ import annotations

import gc
import hashlib
import json
import logging
import os
import pickle
import re
import signal
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field, replace
from functools import partial
from importlib import metadata
from pathlib import Path
from typing import Any

from . import engine_mkdocs as engine
from . import envvars
from .engine_mkdocs import SEARCH_PLUGIN

FORMAT = 1
# The only plugin whose part in a page is known (its search entries are cached): with any other, no page is reused.
KNOWN_PLUGINS = frozenset({SEARCH_PLUGIN})
DISTRIBUTIONS = ("mkdocs", "mkdocs-material", "markdown", "pymdown-extensions", "jieba", "jinja2", "backrefs")


def digest(*parts: bytes | str) -> str:
    """SHA-256 over ``parts``, each prefixed by its length (no two lists of parts give the same input)."""
    h = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8", "surrogatepass") if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "big") + data)
    return h.hexdigest()


def _versions() -> str:
    found = []
    for name in DISTRIBUTIONS:
        try:
            found.append(f"{name}={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            found.append(f"{name}=-")
    found.append(f"python={sys.version}")
    found.append(f"driver={digest(Path(__file__).read_bytes(), Path(engine.__file__).read_bytes())}")
    return ";".join(found)


def _folder_digest(folder: Path) -> str:
    parts: list[str] = []
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames.sort()
        for name in sorted(filenames):
            path = Path(dirpath, name)
            parts.append(f"{path.relative_to(folder).as_posix()}:{digest(path.read_bytes())}")
    return digest(*parts)


_INHERIT = re.compile(rb"^INHERIT:\s*['\"]?([^'\"\n#]+?)['\"]?\s*(?:#.*)?$", re.MULTILINE)


def _config_bytes(path: Path) -> bytes:
    """mkdocs.yml's bytes, followed by those of the files it inherits from (``INHERIT:``), in order."""
    data, seen = b"", set()
    while path not in seen and path.is_file():
        seen.add(path)
        text = path.read_bytes()
        data += text
        found = _INHERIT.search(text)
        if found is None:
            break
        path = (path.parent / found.group(1).decode("utf-8", "replace").strip()).resolve()
    return data


def base_key(cfg: Any, *, extra: Iterable[str] = ()) -> str:
    """What every page of this build depends on, but its own Markdown and the navigation."""
    parts: list[bytes | str] = [f"format={FORMAT}", _versions(), _config_bytes(Path(cfg.config_file_path).resolve()),
             json.dumps([cfg.site_name, cfg.site_url, cfg.copyright, cfg.repo_url, cfg.edit_uri, cfg.nav,
                         cfg.not_in_nav, cfg.use_directory_urls, cfg.extra, dict(cfg.theme.items()),
                         cfg.extra_css, cfg.extra_javascript], ensure_ascii=False, sort_keys=True, default=str),
             envvars.get("SOURCE_DATE_EPOCH") or "", *extra]
    if cfg.theme.custom_dir:
        parts.append(_folder_digest(Path(cfg.theme.custom_dir)))
    return digest(*parts)


@dataclass
class Entry:
    """One page as a previous build rendered it."""

    title: str | None
    nav: str
    html: bytes
    search: list[dict[str, Any]]
    anchors: list[str]
    links: dict[str, dict[str, str]]  # page → {anchor: the link as written}

    def meta(self) -> dict[str, Any]:
        return {"format": FORMAT, "title": self.title, "nav": self.nav, "sha256": hashlib.sha256(self.html).hexdigest(),
                "search": self.search, "anchors": self.anchors, "links": self.links}


# Entries checked in this process, by their JSON file: (inode, size, mtime of both files), the entry without its HTML.
_loaded: dict[str, tuple[tuple[tuple[int, int, int], ...], Entry]] = {}


@dataclass
class PageCache:
    """The cache folder of one site: entries by page key; what this build used and rendered."""

    folder: Path
    base: str
    used: set[str] = field(default_factory=set)
    new: dict[str, Entry] = field(default_factory=dict)
    reused: int = 0
    dests: dict[str, str] = field(default_factory=dict)  # key of a new entry → its page's path in the site
    processes: int = 1  # processes that rendered pages in the last build

    def key(self, files_digest: str, uri: str, markdown: bytes) -> str:
        return digest(self.base, files_digest, uri, markdown)

    def load(self, key: str) -> Entry | None:
        """The entry under ``key``, or None when it is missing or anything about it is wrong.

        An entry read and checked once in this process is kept (without its HTML, which stays on
        disk) while its two files keep their inode, size and mtime: the live preview reads the
        same thousands of entries on every edit.
        """
        paths = (self.folder / f"{key}.json", self.folder / f"{key}.html")
        try:
            stamp = tuple((st.st_ino, st.st_size, st.st_mtime_ns) for st in map(os.stat, paths))
            known = _loaded.get(str(paths[0]))
            if known is not None and known[0] == stamp:
                return known[1]
            meta = json.loads(paths[0].read_bytes())
            html = paths[1].read_bytes()
            if meta["format"] != FORMAT or hashlib.sha256(html).hexdigest() != meta["sha256"]:
                return None
            entry = Entry(meta["title"], meta["nav"], html, meta["search"], meta["anchors"], meta["links"])
        except (OSError, ValueError, KeyError, TypeError):
            return None
        if not (isinstance(entry.title, str | None) and isinstance(entry.nav, str) and isinstance(entry.search, list)
                and isinstance(entry.anchors, list) and isinstance(entry.links, dict)):
            return None
        if len(_loaded) > 100_000:
            _loaded.clear()
        _loaded[str(paths[0])] = (stamp, Entry(entry.title, entry.nav, b"", entry.search, entry.anchors, entry.links))
        return entry

    def save(self) -> bool:
        """Write the new entries (each file beside its name, then renamed) and drop the ones this build did not use;
        False when the cache cannot be written."""
        from .output import write_files

        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            for key, entry in sorted(self.new.items()):
                meta = json.dumps(entry.meta(), ensure_ascii=False, separators=(",", ":")).encode("utf-8")
                write_files(self.folder, {f"{key}.html": entry.html})
                write_files(self.folder, {f"{key}.json": meta})  # last: an entry counts only once both are whole
            keep = self.used | self.new.keys()
            for path in self.folder.iterdir():
                if path.name.split(".", 1)[0] not in keep:
                    path.unlink(missing_ok=True)
        except OSError:
            return False  # no writable cache: the site is still right, the next build only slower
        return True


def compiled_templates(cache: Path | None) -> Path | None:
    """The folder keeping compiled Jinja2 templates (ours and the theme's) beside a site's page cache.

    Jinja2 keys each by the template's name and a hash of its source, and checks
    both on load: an edited template is compiled again, a damaged file ignored.
    """
    if cache is None:
        return None
    folder = cache.parent / "jinja"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return folder


def nav_key(nav: Any) -> str:
    """The navigation as the theme shows it on every page: titles and addresses, in order."""

    def walk(items: Iterable[Any]) -> list[Any]:
        return [[type(item).__name__, item.title, getattr(item, "url", None), walk(item.children or [])]
                for item in items]

    return digest(json.dumps(walk(nav.items), ensure_ascii=False))


def docs_files(cfg: Any, docs: Any) -> Any:
    """``get_files(cfg)`` for a docs dir held in memory (``site.Docs``): the same files, in the same order.

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

    ``docs``: the docs dir in memory (``site.Docs``), read instead of ``cfg.docs_dir``.
    ``placed``: when given, the files that exist already as they are (pages from the cache, static
    files) are not put into the site dir but recorded there, site path → the file to place (the
    live preview brings its folder up to date in place, scoring/livesite.py).
    ``tag_index``: called on the search index's entries before the search plugin writes them.
    ``jobs``: processes rendering the pages off the navigation that are not in the cache (``_Queue``).
    """
    from mkdocs import utils
    from mkdocs.exceptions import Abort, BuildError
    from mkdocs.structure.files import InclusionLevel, get_files, set_exclusions
    from mkdocs.structure.nav import get_navigation
    from mkdocs.structure.pages import Page

    if cache is not None and set(cfg.plugins) - KNOWN_PLUGINS:
        cache = None
    logger = logging.getLogger("mkdocs")
    counter = utils.CountHandler()
    counter.setLevel(logging.WARNING)
    if cfg.strict:
        logger.addHandler(counter)
    inclusion = InclusionLevel.is_included
    try:
        engine.remember_translations(cfg)
        cfg = cfg.plugins.on_config(cfg)
        cfg.plugins.on_pre_build(config=cfg)
        utils.clean_directory(cfg.site_dir)
        files = get_files(cfg) if docs is None else docs_files(cfg, docs)
        env = cfg.theme.get_env()
        if (compiled := compiled_templates(cache.folder if cache else None)) is not None:
            import jinja2

            env.bytecode_cache = jinja2.FileSystemBytecodeCache(str(compiled))
        _add_theme_files(files, env, cfg, cache.folder.parent / "theme" if cache is not None else None)
        files = cfg.plugins.on_files(files, config=cfg)
        set_exclusions(files, cfg)
        with engine.build_date_once():
            nav = get_navigation(files, cfg)
            nav = cfg.plugins.on_nav(nav, config=cfg, files=files)
            doc_files = files.documentation_pages(inclusion=inclusion)
            for file in doc_files:
                if file.page is None and file.inclusion.is_not_in_nav():
                    Page(None, file, cfg)
        keys, reused, current, later = _read_pages(cfg, files, doc_files, nav, cache)

        env = cfg.plugins.on_env(env, config=cfg, files=files)
        with _Queue(later, jobs, partial(_render_page, cfg, files, doc_files, nav, env)) as queue:
            if placed is None:
                files.copy_static_files(inclusion=inclusion)
            else:
                static: list[Any] = [f for f in files if not f.is_documentation_page() and f.inclusion.is_included()]
                for file in static:
                    if file.abs_src_path is None:
                        file.copy_file()
                    else:
                        placed[file.dest_uri] = file.abs_src_path
            engine.build_templates(cfg, env, files, nav)
            _write_pages(cfg, files, doc_files, nav, env, cache, _Reuse(keys, reused, current), placed, queue)
        if cache is not None:
            cache.processes = queue.processes

        for file in doc_files:
            file.page.validate_anchor_links(files=files, log_level=cfg.validation.links.anchors)
        search = engine.search_plugin(cfg)
        if tag_index is not None and search is not None:
            tag_index(search.search_index.entries)
        cfg.plugins.on_post_build(config=cfg)
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
    with ``kept`` (a folder beside the page cache) on disk for the next one.

    MkDocs lists every file of the theme's folders (Material's: some 14,000 icons) and
    filters them on every build: 0.15 s, where the kept listing takes 0.02 s (``output.keep``:
    a file whose digest fails is not used).
    """
    from mkdocs.structure.files import File, Files

    from .output import keep, read_kept

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
class _Reuse:
    keys: dict[str, str]  # page → its cache key
    found: dict[str, Entry]  # page → its entry, for the pages taken from the cache
    nav: str


def _read_pages(cfg: Any, files: Any, doc_files: Any, nav: Any, cache: PageCache | None
                ) -> tuple[dict[str, str], dict[str, Entry], str, list[Any]]:
    """Read the pages the navigation shows and those the cache holds; return the others, to be read later.

    A page from the cache is read from it when its key and the navigation match; a page in
    the navigation is read from Markdown as MkDocs does (every page shows its title). The
    pages off the navigation that the cache does not hold are returned, in order: nothing
    else depends on them, so they can be rendered anywhere (``_Queue``).
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


def _write_pages(cfg: Any, files: Any, doc_files: Any, nav: Any, env: Any, cache: PageCache | None,
                 reuse: _Reuse, placed: dict[str, str] | None, queue: _Queue) -> None:
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
            html = Path(file.abs_dest_path).read_bytes()
            cache.dests[reuse.keys[file.src_uri]] = file.dest_uri
            cache.new[reuse.keys[file.src_uri]] = Entry(engine.rendered_title(page), reuse.nav, html,
                                                        searched[file.src_uri], sorted(page.present_anchor_ids or ()),
                                                        links)

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


# --- pages rendered in other processes ----------------------------------------------------

MIN_SHARE = 8  # pages: below this many per process, a helper costs more than it saves
BATCH = 4  # pages a process takes from the queue at a time


@dataclass(frozen=True)
class _Rendered:
    """What the build needs of a page rendered off the main loop, whose HTML is already in the site dir."""

    title: str | None
    search: list[dict[str, Any]]
    anchors: list[str]
    links: dict[str, dict[str, str]]  # page → {anchor: the link as written}
    logged: list[dict[str, Any]]  # what rendering it logged (``_portable``), when rendered with helpers


def _render_page(cfg: Any, files: Any, doc_files: Any, nav: Any, env: Any, file: Any) -> _Rendered:
    """Read and write one page as MkDocs does; its search entries, anchors and links."""
    entries = engine.search_entries(cfg)
    start = len(entries)
    page = file.page
    engine.populate_page(page, cfg, files)
    engine.build_page(page, cfg, doc_files, nav, env)
    found = entries[start:]
    del entries[start:]
    return _Rendered(engine.rendered_title(page), found, sorted(page.present_anchor_ids or ()),
                     {target.src_uri: dict(anchors) for target, anchors in (page.links_to_anchors or {}).items()}, [])


def _portable(record: logging.LogRecord) -> dict[str, Any]:
    """A log record as plain values, its message formatted (to be logged again later, or in another process)."""
    if record.exc_info and not record.exc_text:
        record.exc_text = logging.Formatter().formatException(record.exc_info)
    kept = {k: v for k, v in vars(record).items() if isinstance(v, str | int | float | bool | None)}
    kept.update(msg=record.getMessage(), args=None, exc_info=None)
    return kept


@contextmanager
def _held_logs(into: list[dict[str, Any]]) -> Iterator[None]:
    """Every record logged meanwhile kept in ``into`` instead of handled (only while no other thread runs)."""
    original = logging.Logger.handle
    logging.Logger.handle = lambda self, record: into.append(_portable(record))  # type: ignore[method-assign]
    try:
        yield
    finally:
        logging.Logger.handle = original  # type: ignore[method-assign]


def _one_thread() -> bool:
    """Whether this process runs a single thread: counted by the kernel where it says (Linux: a library's own
    threads count too, as for CPython's warning on a fork), else by Python's threads."""
    try:
        return len(os.listdir("/proc/self/task")) == 1
    except OSError:
        return threading.active_count() == 1


class _Queue:
    """The pages off the navigation that are not in the cache, rendered by this process and ``jobs - 1`` helpers.

    Rendering such a page reads nothing another one sets but the navigation's titles,
    which are known by now (``_read_pages``), so it renders the same anywhere. The pages
    are cut in order into batches; the batches' numbers are written into a pipe before
    the helpers (forks of this process) start, and every process takes the next number
    from it (a read of 4 bytes takes a whole number or nothing) until it is empty: a
    busier process simply takes fewer. A helper writes its pages' HTML into the site dir
    and sends back, for each, what ``_Rendered`` holds. ``rendered`` gives every page in
    order; what the pages logged is logged then, in page order too, so the messages are
    the same whichever process rendered what. A helper that fails leaves its pages to
    this process, which renders them as MkDocs would, error and all.

    Only a process with no other thread forks (a fork copies one thread, not the locks the
    others hold); else, and with one job or few pages, this process renders them all.
    """

    def __init__(self, pages: list[Any], jobs: int, render: Callable[[Any], _Rendered]):
        self.pages, self.render = pages, render
        self.helpers: list[tuple[int, int]] = []  # (pid, pipe of its results)
        self.tickets: int | None = None  # the pipe of batch numbers
        self.batch = max(BATCH, -(-len(pages) // 1000))  # at most 1,000 numbers: 4 kB, one write a pipe holds whole
        self.index = {file.src_uri for file in pages}
        self.processes = 1  # that render pages
        forks = min(jobs, len(pages) // MIN_SHARE) - 1
        if forks < 1 or not hasattr(os, "fork") or not _one_thread():
            return
        read, write = os.pipe()
        numbers = range(0, len(pages), self.batch)
        os.write(write, b"".join(n.to_bytes(4, "big") for n in numbers))
        os.close(write)  # all numbers written: an empty pipe reads as the end
        self.tickets = read
        self.processes = 1 + forks
        gc.freeze()  # the helpers' collector leaves this process' objects alone: fewer pages copied
        try:
            for _ in range(forks):
                self.helpers.append(self._fork())
        finally:
            gc.unfreeze()

    def queued(self, file: Any) -> bool:
        return file.src_uri in self.index

    def _claims(self) -> Iterator[int]:
        """The pages (by position) this process takes from the queue."""
        if self.tickets is None:
            yield from range(len(self.pages))
            return
        while len(number := os.read(self.tickets, 4)) == 4:
            start = int.from_bytes(number, "big")
            yield from range(start, min(start + self.batch, len(self.pages)))

    def _fork(self) -> tuple[int, int]:
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the helper: render, send, and end without running this process' exit handlers
            code = 1
            try:
                os.close(read)
                done = {at: self._render_holding_logs(at) for at in self._claims()}
                data = pickle.dumps(done, protocol=pickle.HIGHEST_PROTOCOL)
                with os.fdopen(write, "wb") as pipe:
                    pipe.write(data)
                code = 0
            finally:
                os._exit(code)
        os.close(write)
        return pid, read

    def rendered(self) -> Iterator[tuple[Any, _Rendered]]:
        """Every page with what rendering it gave, in order: those this process takes from the queue rendered here,
        then the helpers' once they are done; a page a failed helper left is rendered here in its turn."""
        done = {at: self._render_holding_logs(at) if self.helpers else self.render(self.pages[at])
                for at in self._claims()}
        while self.helpers:
            done.update(self._join(*self.helpers.pop(0)))
        for at, file in enumerate(self.pages):
            found = done.pop(at, None) or self.render(file)  # a page a failed helper left
            for record in found.logged:
                logging.getLogger(record["name"]).handle(logging.makeLogRecord(record))
            yield file, found

    def _render_holding_logs(self, at: int) -> _Rendered:
        """The page at ``at`` rendered here, what it logged kept with it (to be logged in page order)."""
        logged: list[dict[str, Any]] = []
        with _held_logs(logged):
            rendered = self.render(self.pages[at])
        return replace(rendered, logged=logged)

    def _join(self, pid: int, pipe: int) -> dict[int, _Rendered]:
        with os.fdopen(pipe, "rb") as stream:
            data = stream.read()
        _, status = os.waitpid(pid, 0)
        try:
            got = pickle.loads(data) if status == 0 else {}
        except (pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError):
            return {}
        return got if isinstance(got, dict) else {}

    def __enter__(self) -> _Queue:
        return self

    def __exit__(self, *exc: object) -> None:
        """End the helpers not waited for (the build failed before their pages) and close the queue."""
        for pid, pipe in self.helpers:
            with suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            os.close(pipe)
        self.helpers.clear()
        if self.tickets is not None:
            os.close(self.tickets)
            self.tickets = None
