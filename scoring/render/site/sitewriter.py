"""Rendering the review site's Markdown pages: the templates' environment, the page writer, the memo keeping
pages' Markdown between builds, and the docs dir held in memory."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import jinja2

from ...core.figures import cn_date, fmt, fmt_signed
from ...model.model import Evidence
from . import sitetext, wordbreak
from .pagecache import digest
from .sitetext import file_url, md_lines, md_text, meta_title, url_path


@dataclass(frozen=True)
class SitePlan:
    pages: int
    evidence_pages: int
    reused: int = 0  # pages whose HTML came from the cache (scoring/render/site/sitecache.py)
    processes: int = 1  # processes that rendered pages


def template_env(compiled: Path | None = None) -> jinja2.Environment:
    """The page templates' environment; ``compiled``: a folder keeping their compiled code between builds."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(sitetext.TEMPLATES)), undefined=jinja2.StrictUndefined,
        bytecode_cache=jinja2.FileSystemBytecodeCache(str(compiled)) if compiled else None,
        autoescape=jinja2.select_autoescape(enabled_extensions=("html",), default=False),
        keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True,
    )
    env.filters.update(t=md_text, lines=md_lines, url=url_path, file_url=file_url, pts=fmt, signed=fmt_signed, cn_date=cn_date,
                       meta_title=meta_title, words=wordbreak.name_words)
    return env


MACROS = "_macros.md.j2"


class MarkdownMemo:
    """Pages' Markdown kept between builds, by a digest of what they show (``_Keys``).

    A page is rendered again only when its key changes. The key of a summary page (dashboard,
    levels, units, indexes, check) covers the whole project but the evidence bodies; an evidence
    page's covers the scheme, the edition and that page's own variables (``_Keys.evidence``); both
    cover this package's code, the templates and Jinja2's version. The key's material is ``repr`` of
    the model, which holds no set (the edition's withheld ids are sorted) and no object address,
    so it is the same in every process. Kept in memory (the live preview), and with a ``folder``
    (beside the site cache) on disk as well, one file per page: its SHA-256, a line break, its
    Markdown; a file whose digest fails is ignored and the page rendered again.
    """

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder
        self.texts: dict[str, str] = {}
        self.used: set[str] = set()
        self.new: set[str] = set()  # keys of the pages rendered by the last build; the rest came from here
        # An evidence file's digest, by the identity of its (frozen) object: the preview's
        # EvidenceMemo hands the same object back while the file is unchanged.
        self.evidence: dict[int, tuple[Evidence, str, str]] = {}  # → (the object, its digest, without its body)
        self._evidence: dict[int, tuple[Evidence, str, str]] = {}

    def begin(self) -> None:
        self.used = set()
        self.new = set()
        self._evidence = {}

    def get(self, key: str) -> str | None:
        text = self.texts.get(key)
        if text is None and self.folder is not None:
            try:
                written, _, text = (self.folder / f"{key}.md").read_text(encoding="utf-8").partition("\n")
            except (OSError, ValueError):
                return None
            if written != digest(text):
                return None
            self.texts[key] = text
        if text is not None:
            self.used.add(key)
        return text

    def put(self, key: str, text: str) -> None:
        self.texts[key] = text
        self.used.add(key)
        self.new.add(key)

    @property
    def rendered(self) -> int:
        return len(self.new)

    def end(self) -> None:
        for key in self.texts.keys() - self.used:
            del self.texts[key]
        self.evidence = self._evidence
        if self.folder is None:
            return
        try:  # written in place (a torn file fails its digest); those this build did not use removed
            self.folder.mkdir(parents=True, exist_ok=True)
            for key in sorted(self.new):
                text = self.texts[key]
                (self.folder / f"{key}.md").write_bytes(f"{digest(text)}\n{text}".encode("utf-8", "surrogatepass"))
            for path in self.folder.iterdir():
                if path.name.split(".", 1)[0] not in self.used:
                    path.unlink(missing_ok=True)
        except OSError:
            return  # no writable cache: the next build renders again

    def evidence_digest(self, ev: Evidence, body: bool = True) -> str:
        """A digest of the evidence file's every field; with ``body=False``, of all but its body."""
        known = self.evidence.get(id(ev))
        if known is None or known[0] is not ev:
            known = (ev, digest(repr(ev)), digest(repr(replace(ev, body=""))))
        self._evidence[id(ev)] = known
        return known[1] if body else known[2]


class PageWriter:
    """Renders pages into ``pages`` (docs path → Markdown), or takes them from a ``MarkdownMemo``."""

    def __init__(self, env: jinja2.Environment, common: dict[str, Any], memo: MarkdownMemo | None = None):
        self.env = env
        self.common = common
        self.memo = memo
        self.pages: dict[str, str] = {}
        self.macros: dict[str, Any] = {}  # _macros.md.j2 made into a module, by ``root``

    @property
    def count(self) -> int:
        return len(self.pages)

    def reuse(self, page: str, template: str, key: str) -> bool:
        """Take ``page`` from the memo when it holds the page under ``key``; False when it must be rendered."""
        known = self.memo.get(digest(key, page, template)) if self.memo is not None else None
        if known is not None:
            self.pages[page] = known
        return known is not None

    def write(self, page: str, template: str, key: str | None = None, **context: Any) -> None:
        """Render ``template`` as ``page``; with a ``key`` (a digest of everything it shows), a memo may answer."""
        if key is None or not self.reuse(page, template, key):
            self.render(page, template, key, **context)

    def render(self, page: str, template: str, key: str | None, **context: Any) -> None:
        """Render ``template`` as ``page`` and give it to the memo under ``key``."""
        root = "../" * page.count("/")
        text = self.env.get_template(template).render(**self.common, **context, root=root, m=self._macros(root))
        self.pages[page] = text
        if key is not None and self.memo is not None:
            self.memo.put(digest(key, page, template), text)

    def _macros(self, root: str) -> Any:
        """The shared macros (``m`` in every page), made once per page depth.

        They read only the common context and ``root``; a page importing them
        ``with context`` would make the module again for each of a thousand pages.
        """
        if root not in self.macros:
            template = self.env.get_template(MACROS)
            self.macros[root] = template.make_module({**self.common, "root": root})
        return self.macros[root]


@dataclass(frozen=True)
class Docs:
    """A site's docs dir in memory: every page's Markdown, and the files placed beside them as they are."""

    pages: dict[str, str]  # docs path → Markdown
    files: dict[str, Path]  # docs path → the file it is (attachments, the site's own assets)
    plan: SitePlan

    def write(self, docs: Path) -> None:
        """The docs dir on disk (MkDocs' own build reads it there)."""
        for page, text in self.pages.items():
            path = docs / page
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        for rel, source in sorted(self.files.items()):
            dest = docs / rel
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.unlink(missing_ok=True)
            try:
                os.link(source, dest)  # large scans: a hard link when the scratch dir allows one
            except OSError:
                shutil.copyfile(source, dest)
