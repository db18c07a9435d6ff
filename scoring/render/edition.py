"""Editions: a filter on the gathered project, and the leak check after the public one is written.

The internal edition is the project as gathered. The public edition (``--edition public``) is
the same build of a filtered project: ``public(project)`` returns a ``Project`` in which every
evidence file not marked ``visibility: public`` keeps its id, unit, date and score lines (the
points are the bureau's own self-assessment, so no score changes) and loses its body, its
attachments, its web address, its text facts and, unless the scheme sets
``show_internal_titles``, its title. The renderers see those ids in ``Project.withheld`` and
show ``WITHHELD`` and the id instead of a page, a link, a copied or embedded file or search
text. Problems about withheld files (which name and quote them) and their git facts are left
out too.

Before filtering, a public file (``visibility: public``) that still holds personal data no one
has reviewed stops the public edition: it would be published as written.

Filtering is the first line; the second is ``LeakGuard.check``, run by ``build`` over every
file written for the public edition before anything is swapped in: the fingerprints of the
internal files (their bodies, titles when withheld, text facts, attachments and names, see
scoring/render/leaks.py), less everything the public edition may show (the scheme, public evidence,
score lines, shown titles, the templates), are looked for in every output file. A hit is an
error naming the output file, the place and the internal file (not the text: a CI log may be
public); nothing is published.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, fields, is_dataclass, replace
from functools import cache
from importlib.util import find_spec
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import quote

from ..core import places
from ..core.problems import DataError, Problem, error
from ..gather.project import Project
from ..model.fields import EVIDENCE_FIELDS, FACT_TYPE_HELP
from ..model.model import Adjustment, Evidence, FactValue
from ..model.values import LOCAL_SCHEME, WITHHELD, Body, Edition, GitRecord
from ..registers.registers import personal_cells, without_personal
from . import leaks, leakscan
from .documents.annualreport import report_title
from .resultsview import public_results

PUBLIC = "public"  # the visibility: value of a file the public edition may show
TEMPLATES = places.TEMPLATES

__all__ = ["WITHHELD", "Edition", "LeakGuard", "edition_of", "public"]


def edition_of(project: Project, edition: Edition) -> tuple[Project, LeakGuard | None]:
    """The project for ``edition``, and the leak check its output must pass (None: internal)."""
    if edition is Edition.INTERNAL:
        return project, None
    return public(project), LeakGuard.of(project)


# --- the filter -------------------------------------------------------------------------


def refuse_personal_data(project: Project) -> None:
    """Raise ``DataError`` when a public file still has an unreviewed personal-data warning."""
    public_paths = {ev.path for ev in project.evidence if ev.visibility == PUBLIC}
    found = [p for p in project.problems if p.code == "personal-data" and p.path in public_paths]
    if found:
        raise DataError([error(p.path, p.line, "本文件标为 visibility: public，公开版不能发布其中未登记的个人信息："
                               + p.message, "personal-data-public") for p in found])


def text_fact(value: FactValue) -> bool:
    """A fact value that carries text: names or adjustments with their reasons."""
    return isinstance(value, tuple) and any(isinstance(v, str | Adjustment) for v in value)


def withhold(ev: Evidence, show_title: bool) -> Evidence:
    """An internal evidence file as the public edition carries it: what it scores, none of what it says."""
    facts = tuple((name, () if text_fact(value) else value) for name, value in ev.facts)
    return replace(ev, title=ev.title if show_title else "", url="", attachments=(), facts=facts, body="")


def withheld_paths(evidence: Iterable[Evidence]) -> frozenset[str]:
    """Internal evidence files and their attachments, less any attachment a public file also shows."""
    items = list(evidence)
    hidden = {p for ev in items if ev.visibility != PUBLIC for p in (ev.path, *(a.path for a in ev.attachments))}
    shown = {a.path for ev in items if ev.visibility == PUBLIC for a in ev.attachments}
    return frozenset(hidden - shown)


def unlink(body: Body, hidden: frozenset[str]) -> Body:
    """A public body without its links to withheld files (the link text stays, as plain text)."""
    if not any(p in hidden for p in body.links):
        return body

    def keep(attribute: str, path: str, fragment: str) -> str | None:
        return None if path in hidden else LOCAL_SCHEME + quote(path, safe="/") + fragment

    return Body(body.resolve(keep), tuple(p for p in body.links if p not in hidden))


def public(project: Project) -> Project:
    """The public edition of a checked project (see the module's docstring)."""
    refuse_personal_data(project)
    show_title = project.scheme.show_internal_titles
    internal = {ev.id for ev in project.evidence if ev.visibility != PUBLIC}
    hidden = withheld_paths(project.evidence)

    def one(ev: Evidence) -> Evidence:
        return withhold(ev, show_title) if ev.id in internal else ev

    units = tuple(replace(u, todo=tuple(replace(t, files=tuple(f for f in t.files if f not in hidden)) for t in u.todo))
                  for u in project.table.units)  # a unit's to-do names its files: internal ones not here
    table = replace(project.table, evidence=tuple(one(ev) for ev in project.table.evidence), units=units)
    bodies = {ident: unlink(body, hidden) for ident, body in project.bodies.items() if ident not in internal}
    changes = {path: change for path, change in project.git.changes.items() if path not in hidden}
    return replace(
        project, evidence=tuple(one(ev) for ev in project.evidence), table=table, bodies=bodies,
        problems=tuple(p for p in project.problems if p.path not in hidden),
        files={path: facts for path, facts in project.files.items() if path not in hidden},
        git=GitRecord(project.git.history, changes), edition=Edition.PUBLIC, withheld=frozenset(internal),
        registers=without_personal(project.registers),
    )


# --- the leak check ---------------------------------------------------------------------


def strings(value: Any, depth: int = 0) -> Iterator[str]:
    """Every string inside a value made of dataclasses, tuples, lists and mappings."""
    if isinstance(value, str):
        yield value
    elif depth > 12:
        return
    elif is_dataclass(value) and not isinstance(value, type):
        for f in fields(value):
            yield from strings(getattr(value, f.name), depth + 1)
    elif isinstance(value, dict):
        for v in value.values():
            yield from strings(v, depth + 1)
    elif isinstance(value, tuple | list | frozenset | set):
        for v in value:
            yield from strings(v, depth + 1)


@cache
def template_texts() -> tuple[str, ...]:
    return tuple(p.read_text(encoding="utf-8") for p in sorted(TEMPLATES.rglob("*"))
                 if p.is_file() and p.suffix in (".j2", ".html", ".css", ".md"))


@cache
def theme_hashes() -> frozenset[str]:
    """The theme's own files, copied unchanged into every site: checked by hash and name only."""
    spec = find_spec("material")
    if spec is None or spec.origin is None:
        return frozenset()
    return leakscan.file_hashes([Path(spec.origin).parent / "templates" / "assets"])


@dataclass(frozen=True)
class LeakGuard:
    """What the public edition must not show, and what it may, from the project before filtering."""

    root: Path
    internal: tuple[Evidence, ...]
    public: tuple[Evidence, ...]
    allowed: tuple[str, ...]
    show_title: bool  # the scheme's show_internal_titles: a shown title is allowed, a withheld one looked for
    register_cells: tuple[tuple[str, tuple[str, ...]], ...] = ()  # personal cells of registers, by file

    @classmethod
    def of(cls, project: Project) -> LeakGuard:
        show_title = project.scheme.show_internal_titles
        internal = tuple(ev for ev in project.evidence if ev.visibility != PUBLIC)
        shown = tuple(ev for ev in project.evidence if ev.visibility == PUBLIC)
        allowed = [*strings(project.scheme), *template_texts(), *(f.help for f in EVIDENCE_FIELDS),
                   *FACT_TYPE_HELP.values()]
        for row in (*project.table.rows, *project.table.comprehensive, *project.table.major):
            for ln in row.lines:
                allowed += [ln.reason, ln.rule_label, ln.rule_text]
        for ev in shown:
            allowed += [ev.body, ev.title, ev.kind, ev.url, *_fact_texts(ev)]
        for ev in internal:
            allowed += [ev.id, ev.unit, ev.kind, *([ev.title] if show_title else [])]
        allowed.append(report_title(project.scheme, project.registers.year))  # issuer and year: public
        allowed += public_results(project)  # the assessors' remarks and last year's row names (scoring/render/resultsview.py)
        return cls(project.root, internal, shown, tuple(a for a in allowed if a), show_title,
                   tuple(personal_cells(project.registers).items()))

    def fingerprints(self) -> leaks.Fingerprints:
        internal = [leaks.Internal(ev.path, ev.body, "" if self.show_title else ev.title, _fact_texts(ev),
                                   tuple((a.name, (self.root / a.path).read_bytes()) for a in ev.attachments))
                    for ev in self.internal]
        internal += [leaks.Internal(path, texts=texts) for path, texts in self.register_cells]
        files = [(self.root / a.path).read_bytes() for ev in self.public for a in ev.attachments]
        names = [a.name for ev in self.public for a in ev.attachments]
        names += [PurePosixPath(path).name for path, _ in self.register_cells]  # a register's name is not its content
        return leaks.fingerprints(internal, allowed=self.allowed, allowed_files=files, allowed_names=names)

    def check(self, folder: Path) -> str:
        """Scan every file below ``folder``; raise ``DataError`` naming each leak, else say what was checked."""
        start = time.perf_counter()
        fp = self.fingerprints()
        try:
            hits = leakscan.scan(folder, fp, trusted=theme_hashes())
        except leakscan.LeakCheckError as exc:
            raise DataError([error(folder.name, 0, f"泄露检查无法完成：{exc}；未发布", "leak-check")]) from None
        if hits:
            raise DataError([_problem(hit) for hit in hits])
        count = sum(1 for p in folder.rglob("*") if p.is_file())
        return (f"泄露检查：{count} 个文件中未发现 {len(self.internal)} 份内部材料的内容"
                f"（{time.perf_counter() - start:.1f} 秒）")


def _fact_texts(ev: Evidence) -> tuple[str, ...]:
    out: list[str] = []
    for _, value in ev.facts:
        if isinstance(value, tuple):
            out += [v if isinstance(v, str) else v.reason for v in value if isinstance(v, str | Adjustment)]
    return tuple(out)


def _problem(hit: leaks.Hit) -> Problem:
    """The output file, the place and the internal file, never the leaked text itself: a CI log may be public."""
    return error(hit.output, 0, f"公开版泄露了内部材料，未发布：{hit.place}中含有 {hit.source} 的{hit.kind}"
                                "（为免经日志再次外泄，不显示内容；请对照该内部文件查找）", "leak")
