"""Plain value types a Project carries: what git knows, a file's facts, a sanitised body, the edition.

They depend on nothing of the pipeline, so every stage (the loader that sanitises bodies, git,
the renderers) can import them; ``Project`` (scoring/gather/project.py) gathers them.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import NamedTuple
from urllib.parse import unquote


@dataclass(frozen=True)
class BuildInfo:
    """Where the output comes from: the commit and its date, never the clock."""

    commit: str  # full hash, or "" outside git
    date: datetime
    dirty: bool

    @property
    def short(self) -> str:
        return self.commit[:10] if self.commit else "（非 git 仓库）"

    @property
    def label(self) -> str:
        return self.short + ("（含未提交的修改）" if self.dirty else "")


# --- git facts ----------------------------------------------------------------


@dataclass(frozen=True)
class HistoryPoint:
    commit: str
    date: date  # the commit date
    label: str  # the tag, or the short hash
    total: Decimal
    levels: dict[str, Decimal]  # 一级 id → its score
    names: dict[str, str] = field(default_factory=dict)  # 一级 id → its name, for the legend


@dataclass(frozen=True)
class History:
    points: tuple[HistoryPoint, ...]
    notes: tuple[str, ...]  # revisions skipped, in Chinese
    tagged: bool = False  # the points are the tags (else the recent commits)


class Change(NamedTuple):
    date: date  # the author date of the last commit that changed the file
    author: str
    commit: str


@dataclass(frozen=True)
class GitRecord:
    """What git knows beyond the working tree: the score over time and who last changed each file."""

    history: History = field(default_factory=lambda: History((), ()))
    changes: Mapping[str, Change] = field(default_factory=dict)  # project-relative path → last change


# --- files and bodies -----------------------------------------------------------


@dataclass(frozen=True)
class FileFacts:
    """A file under indicators/ or evidence/, as read once while gathering."""

    path: str  # relative to the project root, posix
    size: int
    sha256: str

    @property
    def size_text(self) -> str:
        if self.size < 1024:
            return f"{self.size} 字节"
        if self.size < 1024 * 1024:
            return f"{self.size / 1024:.1f} KB"
        return f"{self.size / 1024 / 1024:.1f} MB"


# A checked link to a file inside evidence/, as the sanitised body carries it:
# ``href="zwgk:evidence/…#frag"`` (the path percent-encoded). Each renderer maps
# it to its own address (a page of the site, a copied file, a file:// image in
# the PDF) with ``Body.resolve``; a user's own ``zwgk:`` link never gets here.
LOCAL_SCHEME = "zwgk:"
_LOCAL = re.compile(r' (href|src)="zwgk:([^"#]*)(#[^"]*)?"')


@dataclass(frozen=True)
class Body:
    """An evidence body as sanitised HTML, with the project files it links to.

    A body that cannot hold a link or markup (no ``[`` and no ``<``) has nothing
    to check; it is carried as its Markdown with the sanitiser that turns it
    into HTML the first time an output asks (``render``), so ``check`` does not
    pay for rendering what no check needs. The HTML is the same either way.
    """

    source: str  # sanitised HTML, or Markdown when ``render`` is set
    links: tuple[str, ...] = ()  # project-relative paths, in order of first mention
    render: Callable[[str], str] | None = field(default=None, compare=False)

    @property
    def html(self) -> str:
        cached: str | None = self.__dict__.get("_html")
        if cached is None:
            cached = _rendered(self.render, self.source) if self.render is not None else self.source
            object.__setattr__(self, "_html", cached)
        return cached

    def resolve(self, address: Callable[[str, str, str], str | None]) -> str:
        """The HTML with each local link mapped by ``address(attribute, path, fragment)``; None drops it."""

        def one(match: re.Match[str]) -> str:
            attribute, path, fragment = match.group(1), unquote(match.group(2)), match.group(3) or ""
            target = address(attribute, path, fragment)
            return "" if target is None else f' {attribute}="{target}"'

        return _LOCAL.sub(one, self.html) if self.links else self.html


@functools.lru_cache(maxsize=16384)
def _rendered(render: Callable[[str], str], source: str) -> str:
    """A body's HTML, kept for the process: the live preview gathers again on every edit, most bodies unchanged."""
    return render(source)


# --- the edition ------------------------------------------------------------------


class Edition(StrEnum):
    """Who a build is for: the one place the two editions are named (``--edition``)."""

    INTERNAL = "internal"  # everything, for the bureau's own reviewers
    PUBLIC = "public"  # what may leave the bureau: internal evidence reduced to its id and score lines

    @property
    def label(self) -> str:
        return "公开版" if self is Edition.PUBLIC else "内部审阅版"

    @property
    def note(self) -> str:
        """The line every page and the dossier's cover carry."""
        if self is Edition.PUBLIC:
            return "公开版：仅含标为可公开的材料，内部材料只列编号，计分不变"
        return "内部审阅版：含内部材料，仅供本单位审阅，不得对外发布"


# What a reader of the public edition sees where internal evidence is cited (with its id).
WITHHELD = "内部材料（不公开）"
