"""Every page of the review site as Markdown, from the checked project (Jinja2 templates in
``site_templates/site/``), with the memo keys that let an unchanged page be taken from ``MarkdownMemo``."""

from __future__ import annotations

import functools
from collections import defaultdict
from dataclasses import dataclass, replace
from pathlib import Path

import jinja2

from ...core import places
from ...core.problems import Severity
from ...gather.project import Project
from ...model.model import Evidence, Scheme
from ...model.values import WITHHELD, History
from ...score.score import STATUS_LABELS, ScoreLine
from ..charts import history_chart, level_chart
from ..documents import selfreport
from ..documents.annualreport import PAGE as ANNUAL_PAGE
from ..documents.annualreport import annual_page
from . import engine_search, siteresults, sitetext
from .forge import ForgeLinks
from .pagecache import digest
from .sitemodel import SELFREPORT_PAGE, TOTALS_PAGE, Copies, Links, RowView, SiteModel, body_html
from .sitetext import fact_text, md_text
from .sitewriter import Docs, MarkdownMemo, PageWriter, SitePlan, template_env


@dataclass(frozen=True)
class AttachmentView:
    name: str
    path: str  # in the docs dir
    image: bool


def generate_docs(project: Project, docs: Path, *, directory_urls: bool = True, compiled: Path | None = None) -> SitePlan:
    """Write every page into ``docs`` (``compiled``: see ``template_env``)."""
    made = render_docs(project, directory_urls=directory_urls, compiled=compiled)
    made.write(docs)
    return made.plan


def render_docs(project: Project, *, directory_urls: bool = True, compiled: Path | None = None,
                memo: MarkdownMemo | None = None, forge: ForgeLinks | None = None, dossier: bool = False) -> Docs:
    """Every page's Markdown and every file of the docs dir, in memory (``memo``: see ``MarkdownMemo``;
    ``forge``: the links to the repository's forge, scoring/render/site/forge.py).

    ``dossier``: the PDF is built beside the site and copied into it, so the dashboard links to it.
    """
    model = SiteModel(project)
    copies = Copies(project.root)
    shown = [ev for ev in project.table.evidence if project.shown(ev)]  # the public edition: no page for the rest
    pages = {ev.path: Links.evidence(ev.id) for ev in shown}
    common = {"scheme": model.scheme, "table": model.table, "info": project.info, "as_of": project.as_of,
              "links": model.links, "model": model, "labels": STATUS_LABELS, "withheld": project.withheld,
              "WITHHELD": WITHHELD, "edition": project.edition, "forge": forge, "dossier": dossier,
              **siteresults.context(project)}
    writer = PageWriter(template_env(compiled), common, memo)
    keys = _Keys(project, directory_urls, memo, forge) if memo is not None else None
    if memo is not None:
        memo.begin()
    summary = keys.summary + ("|dossier" if dossier else "") if keys else None
    _write_pages(writer, model, project, project.git.history, summary)
    for ev in shown:
        attachments = [AttachmentView(a.name, copies.add(a.path), a.image) for a in ev.attachments]
        row = model.rows.get(ev.indicator)
        source = project.body(ev)
        cited = model.cited.get(ev.id, [])
        facts = _evidence_facts(ev, project.scheme)
        change = project.git.changes.get(ev.path)
        page, key = Links.evidence(ev.id), None
        if keys is not None:
            # The body's HTML is a function of its source and, for each file it links to, the page that file has
            # (if any); it is made only when the page is. What resolving it would copy is copied all the same.
            targets = [(path, pages.get(path)) for path in source.links]
            for path, target in targets:
                if target is None:
                    copies.add(path)
            key = keys.evidence(ev, row, source.source, targets, attachments, cited, facts, change)
            if writer.reuse(page, "evidence.md.j2", key):
                continue
        body = body_html(ev, source, pages, copies, directory_urls)
        writer.render(page, "evidence.md.j2", key, ev=ev, row=row, body=body,
                     attachments=attachments, cited=cited, facts=facts, change=change)
    if memo is not None:
        memo.end()
    files = dict(copies.files)
    assets = sitetext.TEMPLATES / "assets"
    for asset in sorted(assets.rglob("*")):
        if asset.is_file():
            files["assets/" + asset.relative_to(assets).as_posix()] = asset
    files.update(engine_search.worker_files())  # the theme's search worker with the site's ranking
    return Docs(writer.pages, files, SitePlan(writer.count, len(shown)))


@functools.cache
def _code_digest() -> str:
    """This package's source and Jinja2's version: a page's Markdown may change with either."""
    package = places.PACKAGE
    sources = [f"{p.relative_to(package).as_posix()}:{digest(p.read_bytes().decode('utf-8'))}"
               for p in sorted(package.rglob("*.py"))]
    return digest(jinja2.__version__, *sources)


class _Keys:
    """The memo keys of one build's pages (``MarkdownMemo``): digests of what each page shows."""

    def __init__(self, project: Project, directory_urls: bool, memo: MarkdownMemo, forge: ForgeLinks | None = None):
        self.memo = memo
        templates = [f"{p.name}:{digest(p.read_text(encoding='utf-8'))}" for p in sorted(sitetext.TEMPLATES.glob("*.j2"))]
        # What every page may read: the code and templates making it, the scheme (links, level names), the edition.
        self.shared = digest(_code_digest(), *templates, str(directory_urls), repr(project.scheme),
                              repr(sorted(project.withheld)), project.edition.value, WITHHELD, repr(forge))
        table = project.table
        # Summary pages show the whole model but no evidence body (their templates never read one).
        self.summary = digest(self.shared, repr(replace(table, evidence=())),
                               *(memo.evidence_digest(ev, body=False) for ev in table.evidence), repr(project.problems),
                               repr(project.info), repr(project.as_of), repr(project.git), siteresults.key(project))
        self.rows: dict[str, str] = {}
        self.lines: dict[int, tuple[str, int]] = {}  # a score line → (its row's digest, its place in the row)

    def row(self, view: RowView | None) -> str:
        """What an evidence page may read of its row (evidence.md.j2: the score, units, texts, facts, corrections)."""
        if view is None:
            return "-"
        ident = view.indicator.id
        if ident not in self.rows:
            self.rows[ident] = digest(repr((view.score, view.units, view.texts, view.facts, view.corrections)))
            self.lines.update((id(line), (self.rows[ident], i)) for i, line in enumerate(view.score.lines))
        return self.rows[ident]

    def line(self, view: RowView, line: ScoreLine) -> tuple[str, int]:
        self.row(view)
        return self.lines[id(line)]

    def evidence(self, ev: Evidence, row: RowView | None, body: str, targets: list[tuple[str, str | None]],
                 attachments: list[AttachmentView], cited: list[tuple[RowView, ScoreLine]],
                 facts: list[tuple[str, str, str]], change: object) -> str:
        """``body``: the body's source (sanitised HTML or Markdown); ``targets``: each file it links to, and its page."""
        return digest(self.shared, self.memo.evidence_digest(ev), body, repr(targets), repr(attachments),
                       self.row(row), repr([self.line(view, line) for view, line in cited]), repr(facts), repr(change))


def _write_pages(writer: PageWriter, model: SiteModel, project: Project, past: History, key: str | None) -> None:
    """The summary pages; ``key``: a digest of everything they may show (the project but the evidence bodies)."""
    table = model.table
    passed, coming = model.deadlines()
    writer.write("index.md", "index.md.j2", key, chart=level_chart(table), passed=passed, coming=coming,
                 history=past, history_chart=history_chart(past.points, level_name=model.scheme.top_name) if past.points else "")
    writer.write("scheme/index.md", "scheme.md.j2", key)
    for level in table.levels:
        writer.write(Links.level(level.node.id), "level.md.j2", key, level=level,
                     rows=[model.rows[r.indicator.id] for r in level.rows])
    if table.comprehensive or table.major:
        writer.write(TOTALS_PAGE, "totals.md.j2", key, comprehensive=[model.rows[r.indicator.id] for r in table.comprehensive],
                     major=[model.rows[r.indicator.id] for r in table.major])
    writer.write("units/index.md", "units.md.j2", key, units=model.units_by_risk())
    by_unit: dict[str, list[Evidence]] = defaultdict(list)
    for ev in table.evidence:
        by_unit[ev.unit_id].append(ev)
    for unit in table.units:
        writer.write(Links.unit(unit.unit.id), "unit.md.j2", key, unit=unit,
                     rows=[model.rows[r.indicator.id] for r in unit.rows],
                     evidence=model.evidence_sorted(by_unit.get(unit.unit.id, [])))
    writer.write("evidence/index.md", "evidence_index.md.j2", key, evidence=model.evidence_sorted(table.evidence))
    notes = [p for p in project.problems if p.severity != Severity.ERROR]
    writer.write("check.md", "check.md.j2", key, warnings=[p for p in notes if p.severity == Severity.WARNING],
                 notices=[p for p in notes if p.severity == Severity.NOTICE])
    writer.write("rules.md", "rules.md.j2", key)
    siteresults.write_pages(writer, project, key)
    # The annual report shows the registers too: its key adds them to the summary's.
    writer.write(ANNUAL_PAGE, "annual_report.md.j2", digest(key, repr(project.registers)) if key else None,
                 **annual_page(project))
    report = selfreport.markdown(selfreport.draft(project), md_text)  # the page is its own key: kept like the others
    writer.write(SELFREPORT_PAGE, "selfreport.md.j2", None if key is None else report, text=report)


def _evidence_facts(ev: Evidence, scheme: Scheme) -> list[tuple[str, str, str]]:
    indicator = scheme.indicator(ev.indicator)
    out = []
    for name, value in ev.facts:
        spec = indicator.fact(name) if indicator else None
        out.append((name, fact_text(spec, value), spec.help if spec else ""))
    return out
