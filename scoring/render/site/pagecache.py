"""The site's page cache (scoring/render/site/sitecache.py describes it): the keys a page's HTML depends on, and the entries
(``<key>.json`` and ``<key>.html``) kept from one build for the next."""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

from ...core import envvars
from . import engine_mkdocs as engine
from .engine_mkdocs import SEARCH_PLUGIN

FORMAT = 1
# The only plugin whose part in a page is known (its search entries are cached): with any other, no page is reused.
KNOWN_PLUGINS = frozenset({SEARCH_PLUGIN})
DISTRIBUTIONS = ("mkdocs", "mkdocs-material", "markdown", "pymdown-extensions", "jieba", "jinja2", "backrefs")
# The modules that replay MkDocs' build with the cache: their source is part of every page's key.
DRIVER = ("pagecache", "sitecache", "sitereuse", "sitequeue")


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
    driver = [Path(__file__).with_name(f"{name}.py").read_bytes() for name in DRIVER]
    found.append(f"driver={digest(*driver, Path(engine.__file__).read_bytes())}")
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
    # A page rendered by this build: its HTML is in the site at this path, read when the entry is saved rather
    # than held (every page's HTML held until then was about 30 MB per thousand evidence pages in the build).
    path: str = ""

    def content(self) -> bytes:
        return Path(self.path).read_bytes() if self.path else self.html

    def meta(self, html: bytes) -> dict[str, Any]:
        return {"format": FORMAT, "title": self.title, "nav": self.nav, "sha256": hashlib.sha256(html).hexdigest(),
                "search": self.search, "anchors": self.anchors, "links": self.links}


# Entries checked in this process, by their JSON file: (inode, size, mtime of both files), the entry without its HTML.
_loaded: dict[str, tuple[tuple[tuple[int, int, int], ...], Entry]] = {}


def forget() -> None:
    """Drop the entries checked in this process (their search texts: tens of MB at ten thousand pages) once no
    site build follows in it."""
    _loaded.clear()


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
        from ...core.output import write_files

        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            for key, entry in sorted(self.new.items()):
                html = entry.content()
                meta = json.dumps(entry.meta(html), ensure_ascii=False, separators=(",", ":")).encode("utf-8")
                write_files(self.folder, {f"{key}.html": html})
                write_files(self.folder, {f"{key}.json": meta})  # last: an entry counts only once both are whole
            keep = self.used | self.new.keys()
            for path in self.folder.iterdir():
                if path.name.split(".", 1)[0] not in keep:
                    path.unlink(missing_ok=True)
        except OSError:
            return False  # no writable cache: the site is still right, the next build only slower
        return True


def shared(cache: Path, part: str) -> Path:
    """The folder where every site cache keeps ``part``, a thing keyed by its own content (the compiled templates,
    jieba's dictionary, the theme's listing), not by the output: one for all output folders.

    ``cache`` is a site's page cache, ``<cache dir>/site-<output key>/<output>-<edition>``
    (scoring/render/outputs.py), so these live in ``<cache dir>/site-shared/``: a first build into a new
    folder (the other edition, a fresh CI folder) finds them made (a small site: 40% less CPU). Each file
    is written beside and renamed, so builds running at once never read one half-written.
    """
    return cache.parent.parent / "site-shared" / part


def compiled_templates(cache: Path | None) -> Path | None:
    """The folder keeping compiled Jinja2 templates (ours and the theme's) for every site cache (``shared``).

    Jinja2 keys each by the template's name and a hash of its source, and checks
    both on load: an edited template is compiled again, a damaged file ignored.
    """
    if cache is None:
        return None
    folder = shared(cache, "jinja")
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
