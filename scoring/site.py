"""The review site: Markdown pages generated from the scored model, built by MkDocs.

The path: a checked ``Project`` → Markdown pages in a scratch docs dir (Jinja2
templates in ``site_templates/site/``) → MkDocs + Material in strict mode →
the site folder given by the build (scoring/build.py), which swaps the whole
output in at once. This module is a function of the project alone: it runs no
git, prints nothing and reads no evidence file again.

Evidence is untrusted: its body arrives sanitised and checked (scoring/body.py),
with links to other files in ``evidence/`` left for this module to map to pages
or copied files; every other string from the data is escaped so that it shows
verbatim and can carry no Markdown or HTML.

What is MkDocs-specific (config, navigation, logging, the build call) sits in one
section below, so that a move to Zensical, which reads mkdocs.yml, stays cheap.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import tempfile
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import quote

import jinja2

from . import combine, engine_search, envvars, fields, selfreport, wordbreak
from .annualreport import PAGE as ANNUAL_PAGE
from .annualreport import annual_page, register_href
from .charts import history_chart, level_chart
from .forge import ForgeLinks
from .forge import site_links as forge_links
from .model import Adjustment, Correction, Evidence, FactSpec, FactValue, Indicator, Scheme
from .numbers import cn_date, fmt, fmt_signed
from .output import collect_warnings
from .problems import DataError, Severity, error
from .project import WITHHELD, Body, Edition, History, Project
from .score import COMPLETE, STATUS_LABELS, DeadlineItem, RowScore, ScoreLine, ScoreTable, UnitScore
from .search import TUNING, search_terms
from .sitecache import digest

REPO = Path(__file__).resolve().parent.parent
TEMPLATES = REPO / "site_templates" / "site"
DEFAULT_CONFIG = REPO / "mkdocs.yml"
# Material's templates that the site overrides (accessibility: docs/site.md), ahead of the theme's own.
THEME_OVERRIDES = REPO / "site_templates" / "theme"

TEXT_LABELS = (("deduction", "扣分标准"), ("bonus", "加分标准"), ("method", "考核方式"),
               ("content", "涉及内容"), ("remarks", "备注"))
FIELD_LABELS = {"level1": "一级指标", "level2": "二级指标", "level3": "三级指标", "name": "名称", "points": "赋分",
                "units": "责任组", "key": "重要指标标记", "columns": "栏目错位", "rules": "计分规则",
                **{f"text.{key}": label for key, label in TEXT_LABELS}}


# --- escaping -----------------------------------------------------------------

# Every ASCII character that inline Markdown, its extensions (attr_list, tables)
# or raw HTML could act on becomes a character reference: the text shows verbatim.
_MD_ESCAPES = {ord(c): f"&#{ord(c)};" for c in "\\`*_{}[]()<>&|~^=!$#:\""}


def md_text(value: object) -> str:
    """Any text as inline Markdown that renders exactly as written, on one line."""
    return " ".join(str(value).split()).translate(_MD_ESCAPES)


def md_lines(value: str) -> str:
    """Multi-line verbatim text for a table cell."""
    return "<br>".join(md_text(line) for line in value.splitlines() if line.strip())


def plain_title(value: object) -> str:
    """A title that stays text wherever MkDocs or the theme print it raw or unescaped.

    MkDocs keeps a page title's character references, and Material prints it
    through ``striptags`` (which unescapes) into ``<title>``: ``&#60;/title&#62;``
    would come out as markup. Material also prints the site name and page titles
    unescaped inside attributes (``aria-label="…"``, ``title="…"``), where a quote
    ends the attribute. Titles, nav entries, site name and footer therefore carry
    no ``<``, ``>``, ``&``, ``"`` or ``'`` at all: they become their full-width forms.
    """
    return " ".join(str(value).split()).translate(_TITLE_FORMS)


_TITLE_FORMS = str.maketrans({"&": "＆", "<": "＜", ">": "＞", '"': "＂", "'": "＇"})


def meta_title(value: object) -> str:
    """A page's front-matter title (a JSON string is a YAML scalar)."""
    return json.dumps(plain_title(value), ensure_ascii=False)


def url_path(path: str) -> str:
    """A page link, whose ``#`` starts its anchor."""
    return quote(path, safe="/#.-_~")


def file_url(path: str) -> str:
    """A copied file's link: every ``#``, ``%``, ``?`` and space in its name is escaped."""
    return quote(path, safe="/.-_~")


def page_name(ident: str) -> str:
    """A page's file name from an id; ``index`` would collide with a section's index page."""
    return "_index" if ident == "index" else ident


# --- what each page shows -------------------------------------------------------


def fact_text(spec: FactSpec | None, value: FactValue) -> str:
    unit = spec.unit if spec else ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int):
        return f"{value}{unit}"
    if isinstance(value, Decimal):
        return f"{fmt(value)}{unit}"
    if not value:
        return "（无）"
    return "；".join(_item_text(item) for item in value)


def _item_text(item: object) -> str:
    if isinstance(item, date):
        return cn_date(item)
    if isinstance(item, Adjustment):
        return f"{fmt(item.amount)}分（{item.reason}）"
    return str(item)


@dataclass(frozen=True)
class FactView:
    spec: FactSpec
    type_label: str
    how: str  # how to write it, from fields.FACT_TYPE_HELP
    required: bool
    given: bool
    stated: tuple[Evidence, ...] = ()  # the files that state it (已由 … 提供)
    note: str = ""  # how they combine, and a latest fact's history


@dataclass(frozen=True)
class LineView:
    line: ScoreLine
    evidence: tuple[Evidence, ...]
    registers: tuple[tuple[str, str], ...] = ()  # register rows counted (台账键:编号, their place on the report page)


@dataclass(frozen=True)
class RowView:
    score: RowScore
    units: tuple[tuple[str, str], ...]  # (name as written, unit page or "")
    texts: tuple[tuple[str, str], ...]  # (column label, verbatim text)
    facts: tuple[FactView, ...]
    lines: tuple[LineView, ...]
    evidence: tuple[Evidence, ...]
    corrections: tuple[tuple[str, Correction], ...]

    @property
    def indicator(self) -> Indicator:
        return self.score.indicator

    @property
    def status_label(self) -> str:
        return self.score.status_label


@dataclass(frozen=True)
class DeadlineView:
    item: DeadlineItem
    missing: tuple[str, ...]


@dataclass(frozen=True)
class Links:
    """Where each page lives in the docs dir; templates prefix the page's ``root``."""

    page_of_row: dict[str, str]
    totals: str = "scheme/_totals.md"  # 综合加分项 and 重大扣分项; "_" is never in an id

    def row(self, ident: str) -> str:
        return f"{self.page_of_row.get(ident, self.totals)}#{ident}"

    @staticmethod
    def level(ident: str) -> str:
        return f"scheme/{page_name(ident)}.md"

    @staticmethod
    def unit(ident: str) -> str:
        return f"units/{page_name(ident)}.md"

    @staticmethod
    def evidence(ident: str) -> str:
        return f"evidence/{page_name(ident)}.md"


TOTALS_PAGE = Links.totals


class SiteModel:
    """Everything the templates show, prepared from one scored project."""

    def __init__(self, project: Project):
        self.project = project
        self.scheme: Scheme = project.scheme
        self.table: ScoreTable = project.table
        self.evidence = self.table.evidence_by_id()
        page_of_row = {r.id: Links.level(lv.id) for lv in self.scheme.levels for r in lv.rows}
        self.links = Links(page_of_row)
        names = self.scheme.level_names  # the legacy keys level1/level2/level3 name the scheme's own levels
        self.field_labels = {**FIELD_LABELS, "level1": names[0], "level2": names[1], "level3": names[-1]}
        self.order = {ind.id: i for i, ind in enumerate(self.scheme.all_indicators())}
        self.rows = {r.indicator.id: self.row_view(r) for r in (*self.table.rows, *self.table.comprehensive,
                                                               *self.table.major)}
        self.cited = self._cited()

    def row_view(self, score: RowScore) -> RowView:
        ind = score.indicator
        units = tuple((name, self._unit_link(name)) for name in ind.units)
        texts = tuple((label, getattr(ind.text, key)) for key, label in TEXT_LABELS
                      if ind.section == "row" or getattr(ind.text, key))
        required = set(ind.required_facts)
        mine = self._evidence_of(score)
        stated = {name: tuple(ev for ev in mine if ev.fact(name) is not None) for name, _ in combine.stated_by(
            (f.name for f in ind.facts), mine).items()}
        facts = tuple(FactView(spec, fields.FACT_TYPE_LABELS.get(spec.type, spec.type), fields.FACT_TYPE_HELP.get(spec.type, ""),
                               spec.name in required, spec.name in stated, stated.get(spec.name, ()),
                               combine.history(spec, stated.get(spec.name, ()))) for spec in ind.facts)
        lines = tuple(LineView(ln, tuple(self.evidence[e] for e in ln.evidence if e in self.evidence),
                               tuple((e, register_href(e)) for e in ln.evidence if ":" in e)) for ln in score.lines)
        corrections = tuple((self.field_labels.get(c.field, c.field), c) for c in ind.corrections)
        return RowView(score, units, texts, facts, lines, self._evidence_of(score), corrections)

    def _unit_link(self, name: str) -> str:
        unit = self.scheme.unit_by_name(name)
        if unit is None:
            return ""
        return "units/index.md" if unit.everyone else Links.unit(unit.id)

    def _evidence_of(self, score: RowScore) -> tuple[Evidence, ...]:
        return tuple(self.evidence[e] for e in score.evidence if e in self.evidence)

    def _cited(self) -> dict[str, list[tuple[RowView, ScoreLine]]]:
        """For each evidence file, the score lines that rest on it."""
        cited: dict[str, list[tuple[RowView, ScoreLine]]] = defaultdict(list)
        for view in self.rows.values():
            for ln in view.score.lines:
                for ident in ln.evidence:
                    cited[ident].append((view, ln))
        return cited

    def evidence_sorted(self, items: Iterable[Evidence]) -> list[Evidence]:
        return sorted(items, key=lambda e: (self.order.get(e.indicator, 0), e.date, e.id))

    def summary(self) -> list[tuple[str, str]]:
        t, s = self.table, self.scheme
        lines = [(f"满分（各{s.top_name}赋分合计）", fmt(t.full_marks)),
                 (f"{s.top_name}得分合计", fmt(t.base)),
                 ("指标加分", fmt_signed(t.row_bonus)),
                 ("综合加分", fmt_signed(t.comprehensive_bonus) + self._comp_cap_note()),
                 ("重大扣分", fmt_signed(-t.major_deduction)),
                 ("自评总分", fmt(t.total) + self._floor_note())]
        if t.normalised is not None:
            lines.append(("折算百分制（得分 ÷ 满分 × 100）", fmt(t.normalised)))
        lines.append(("等次", t.grade or "（方案未设等次）"))
        if s.grade_bands:
            lines.append(("等次标准", s.bands_text))
        return lines

    def _comp_cap_note(self) -> str:
        t = self.table
        if t.comprehensive_raw > t.comprehensive_bonus:
            return f"（各项合计{fmt(t.comprehensive_raw)}分，以上限{fmt(t.comprehensive_bonus)}分计）"
        return ""

    def _floor_note(self) -> str:
        t = self.table
        if t.raw_total != t.total:
            return f"（计算得{fmt(t.raw_total)}分，低于最低分，按{fmt(t.total)}分计）"
        return ""

    @property
    def key_count(self) -> int:
        return sum(1 for r in self.scheme.rows if r.key)

    @property
    def missing_count(self) -> int:
        return sum(1 for r in self.table.rows if r.status != COMPLETE)

    @property
    def due_passed(self) -> bool:
        return self.scheme.due_date is not None and self.scheme.due_date < self.project.as_of

    def units_by_risk(self) -> list[UnitScore]:
        return sorted(self.table.units, key=lambda u: (-u.at_risk, -u.deduction, u.unit.id))

    def incomplete(self) -> list[RowView]:
        rows = [self.rows[r.indicator.id] for r in self.table.rows if r.status != COMPLETE]
        return sorted(rows, key=lambda v: (-v.score.at_risk, self.order[v.indicator.id]))

    def deadlines(self) -> tuple[list[DeadlineView], list[DeadlineView]]:
        """Deadlines before ``as_of`` (passed), and those on or after it (coming)."""
        views = [DeadlineView(d, d.row.missing_facts) for d in self.table.deadlines]
        passed = [v for v in views if v.item.deadline < self.project.as_of]
        return passed, [v for v in views if v.item.deadline >= self.project.as_of]

    def status_counts(self) -> list[tuple[str, str, int]]:
        return [(status, STATUS_LABELS[status], n) for status, n in self.table.status_counts().items()]

    def rule_kinds(self) -> list[tuple[tuple[str, str], list[Indicator]]]:
        """((label, what the kind computes), rows using it), the most used first."""
        kinds: dict[tuple[str, str], list[Indicator]] = defaultdict(list)
        for ind in self.scheme.all_indicators():
            for rule in ind.rules:
                if ind not in kinds[rule.label, rule.summary]:
                    kinds[rule.label, rule.summary].append(ind)
        return sorted(kinds.items(), key=lambda kv: -len(kv[1]))


# --- evidence bodies: their checked links as addresses in the site ---------------------


class Copies:
    """Files from ``evidence/`` to place into the docs dir, by their path under ``files/``."""

    def __init__(self, root: Path):
        self.root = root
        self.files: dict[str, Path] = {}

    def add(self, rel: str) -> str:
        """``rel``: a project-relative path inside evidence/; the answer: its path in the docs dir."""
        dest = "files/" + rel.split("/", 1)[1]
        self.files[dest] = self.root / rel
        return dest


def body_html(ev: Evidence, body: Body, pages: dict[str, str], copies: Copies, directory_urls: bool) -> str:
    """An evidence body with its links to evidence pages and files as addresses in the site."""
    prefix = "../" * page_depth(Links.evidence(ev.id), directory_urls)

    def address(attribute: str, path: str, fragment: str) -> str:
        if path in pages:
            return prefix + page_url(pages[path], directory_urls) + fragment
        return prefix + url_path(copies.add(path)) + fragment

    return body.resolve(address)


# --- writing the pages ----------------------------------------------------------------


@dataclass(frozen=True)
class AttachmentView:
    name: str
    path: str  # in the docs dir
    image: bool


@dataclass(frozen=True)
class SitePlan:
    pages: int
    evidence_pages: int
    reused: int = 0  # pages whose HTML came from the cache (scoring/sitecache.py)
    processes: int = 1  # processes that rendered pages


def page_depth(page: str, directory_urls: bool) -> int:
    """How many folders deep a page's HTML lands in the site."""
    depth = page.count("/")
    if directory_urls and Path(page).name != "index.md":
        depth += 1
    return depth


def page_url(page: str, directory_urls: bool) -> str:
    stem = page[: -len(".md")]
    if not directory_urls:
        return url_path(stem + ".html")
    if stem == "index" or stem.endswith("/index"):
        return url_path(stem[: -len("index")])
    return url_path(stem + "/")


def template_env(compiled: Path | None = None) -> jinja2.Environment:
    """The page templates' environment; ``compiled``: a folder keeping their compiled code between builds."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)), undefined=jinja2.StrictUndefined,
        bytecode_cache=jinja2.FileSystemBytecodeCache(str(compiled)) if compiled else None,
        autoescape=jinja2.select_autoescape(enabled_extensions=("html",), default=False),
        keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True,
    )
    env.filters.update(t=md_text, lines=md_lines, url=url_path, file_url=file_url, pts=fmt, signed=fmt_signed, cn_date=cn_date,
                       meta_title=meta_title, words=functools.partial(wordbreak.name_words, escapes=_MD_ESCAPES))
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


def site_nav(scheme: Scheme) -> list[Any]:
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
    return [{"首页": "index.md"}, {"考核方案": levels}, {"责任单位": units}, {"证据材料": "evidence/index.md"},
            {"自评报告": SELFREPORT_PAGE}, {"方案核查": "check.md"}, {"计分说明": "rules.md"}, {"年度报告": ANNUAL_PAGE}]


SELFREPORT_PAGE = "selfreport.md"  # the 自评报告 as a page (scoring/selfreport.py)
NOT_IN_NAV = "/evidence/*.md\n!/evidence/index.md\n"


def generate_docs(project: Project, docs: Path, *, directory_urls: bool = True, compiled: Path | None = None) -> SitePlan:
    """Write every page into ``docs`` (``compiled``: see ``template_env``)."""
    made = render_docs(project, directory_urls=directory_urls, compiled=compiled)
    made.write(docs)
    return made.plan


def render_docs(project: Project, *, directory_urls: bool = True, compiled: Path | None = None,
                memo: MarkdownMemo | None = None, forge: ForgeLinks | None = None, dossier: bool = False) -> Docs:
    """Every page's Markdown and every file of the docs dir, in memory (``memo``: see ``MarkdownMemo``;
    ``forge``: the links to the repository's forge, scoring/forge.py).

    ``dossier``: the PDF is built beside the site and copied into it, so the dashboard links to it.
    """
    model = SiteModel(project)
    copies = Copies(project.root)
    shown = [ev for ev in project.table.evidence if project.shown(ev)]  # the public edition: no page for the rest
    pages = {ev.path: Links.evidence(ev.id) for ev in shown}
    common = {"scheme": model.scheme, "table": model.table, "info": project.info, "as_of": project.as_of,
              "links": model.links, "model": model, "labels": STATUS_LABELS, "withheld": project.withheld,
              "WITHHELD": WITHHELD, "edition": project.edition, "forge": forge, "dossier": dossier}
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
    assets = TEMPLATES / "assets"
    for asset in sorted(assets.rglob("*")):
        if asset.is_file():
            files["assets/" + asset.relative_to(assets).as_posix()] = asset
    files.update(engine_search.worker_files())  # the theme's search worker with the site's ranking
    return Docs(writer.pages, files, SitePlan(writer.count, len(shown)))


@functools.cache
def _code_digest() -> str:
    """This package's source and Jinja2's version: a page's Markdown may change with either."""
    package = Path(__file__).resolve().parent
    sources = [f"{p.relative_to(package).as_posix()}:{digest(p.read_bytes().decode('utf-8'))}"
               for p in sorted(package.rglob("*.py"))]
    return digest(jinja2.__version__, *sources)


class _Keys:
    """The memo keys of one build's pages (``MarkdownMemo``): digests of what each page shows."""

    def __init__(self, project: Project, directory_urls: bool, memo: MarkdownMemo, forge: ForgeLinks | None = None):
        self.memo = memo
        templates = [f"{p.name}:{digest(p.read_text(encoding='utf-8'))}" for p in sorted(TEMPLATES.glob("*.j2"))]
        # What every page may read: the code and templates making it, the scheme (links, level names), the edition.
        self.shared = digest(_code_digest(), *templates, str(directory_urls), repr(project.scheme),
                              repr(sorted(project.withheld)), project.edition.value, WITHHELD, repr(forge))
        table = project.table
        # Summary pages show the whole model but no evidence body (their templates never read one).
        self.summary = digest(self.shared, repr(replace(table, evidence=())),
                               *(memo.evidence_digest(ev, body=False) for ev in table.evidence), repr(project.problems),
                               repr(project.info), repr(project.as_of), repr(project.git))
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
                  edition: Edition = Edition.INTERNAL) -> Any:
    """MkDocs' configuration; the footer of every page says which edition it is (the public one's header too)."""
    from mkdocs.config import load_config

    name = plain_title(scheme.title)
    if name and edition is Edition.PUBLIC:
        name += f"（{edition.label}）"
    cfg = load_config(str(config), docs_dir=str(docs), site_dir=str(site_dir), strict=True,
                      site_name=name or None, nav=site_nav(scheme), not_in_nav=NOT_IN_NAV)
    if cfg.theme.name == "material":  # after a project's own custom_dir, which may override ours
        cfg.theme.dirs.insert(1 if cfg.theme.custom_dir else 0, str(THEME_OVERRIDES))
    if not cfg.copyright and scheme.issuer:
        cfg.copyright = plain_title(scheme.issuer)  # the theme prints it as HTML
    cfg.copyright = "　".join(filter(None, (cfg.copyright, plain_title(edition.note))))
    if edition is Edition.PUBLIC:  # the public edition names no repository (scoring/forge.py)
        cfg.repo_url = cfg.edit_uri = None
    return cfg


def mkdocs_build(cfg: Any, cache: Any = None, docs: Docs | None = None, placed: dict[str, str] | None = None,
                 tag_index: Any = None, jobs: int = 1) -> None:
    """MkDocs' own build; with a ``sitecache.PageCache``, the same build reusing the pages it holds, reading
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
    are not rendered again (scoring/sitecache.py); the site is the same, byte
    for byte. ``memo`` keeps the pages' Markdown between builds of one process;
    ``placed`` (with a cache) receives the files not written into ``target`` (scoring/livesite.py);
    ``jobs`` (with a cache): processes rendering the evidence pages not in it.
    """
    from mkdocs.exceptions import MkDocsException

    from . import engine_mkdocs, sitecache

    config = config_file(project.root)
    if cache is not None and not engine_mkdocs.GATE.open():
        cache = None  # MkDocs or Material is not the version verified: MkDocs' own build (docs/upstream.md)
    target.parent.mkdir(parents=True, exist_ok=True)
    docs = Path(tempfile.mkdtemp(prefix=".site-docs.", dir=target.parent))
    try:
        with mkdocs_session(project.info.date) as messages:
            try:
                cfg = mkdocs_config(config, docs, target, project.scheme, project.edition)
                compiled = sitecache.compiled_templates(cache)
                if cache is not None:  # the pages' Markdown kept beside the site cache, for the next process too
                    memo = memo or MarkdownMemo()
                    memo.folder = cache.parent / "markdown" / cache.name
                forge = forge_links(cfg, config, project)
                terms = search_terms(project.scheme, [ev for ev in project.table.evidence if project.shown(ev)])
                _tune(terms, cache.parent / "jieba" if cache is not None else None)  # first: loads jieba (wordbreak)
                made = render_docs(project, directory_urls=bool(cfg.use_directory_urls), compiled=compiled, memo=memo,
                                   forge=forge, dossier=dossier)
                plan = made.plan
                if cache is None:
                    made.write(docs)
                    mkdocs_build(cfg)
                    TUNING.index_words(target / "search" / "search_index.json")
                else:  # the index is tagged before it is written, not read back
                    pages = sitecache.PageCache(cache, sitecache.base_key(cfg, extra=[*terms, _overrides_digest()]))
                    mkdocs_build(cfg, pages, made, placed, TUNING.tag, jobs)
                    plan = SitePlan(plan.pages, plan.evidence_pages, pages.reused, pages.processes)
            except MkDocsException as exc:
                raise _mkdocs_failed(config, exc, messages) from None
        return plan
    finally:
        shutil.rmtree(docs, ignore_errors=True)
