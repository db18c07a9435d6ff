"""The PDF dossier for the assessors: the scored model → HTML → WeasyPrint → build/dossier.pdf.

Everything the pages show is prepared here as small view objects from the
checked ``Project`` alone (the 整改情况 text, each evidence body as sanitised
when gathering, each attachment's size and SHA-256 as read when gathering); the
Jinja2 templates in ``site_templates/dossier/`` only lay them out. Nothing here
prints, runs git or reads an evidence file again; WeasyPrint reads the images
and attachments it embeds.
The output is byte-identical for the same input: every date comes from
``BuildInfo`` (the commit, or SOURCE_DATE_EPOCH), never from the clock.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import jinja2
import weasyprint
from tqdm import tqdm

from ...core import places
from ...core.figures import ZERO, cn_date, fmt, fmt_signed
from ...core.output import collect_warnings
from ...gather.project import Project
from ...model.model import IMAGE_SUFFIXES, Attachment, Evidence
from ...model.values import WITHHELD, Edition
from ...registers.annualtables import COLUMN_HEADS, TABLE4_HEADS
from ...score.lastyearfile import LastYearView, lastyear_view
from ...score.score import STATUS_LABELS, NodeScore, RowScore, ScoreTable
from ..charts import level_chart
from ..documents.annualreport import FORMAT_SOURCE, SECTIONS, AnnualReport, annual_report
from ..resultsview import VerifiedView, verified_view
from . import pdfcuts, pdfjobs
from .originals import Original, fill_originals, plan_originals

TEMPLATES = places.TEMPLATES / "dossier"
PDF_NAME = "dossier.pdf"
# Dates a reader sees are Beijing time; a fixed offset keeps them independent of the machine.
BEIJING = timezone(timedelta(hours=8))
_DIGITS = "零一二三四五六七八九"


# --- view objects -------------------------------------------------------------


@dataclass(frozen=True)
class FileView:
    """An attachment: shown inline when it is an image, listed with its checksum, embedded in the PDF."""

    path: str  # relative to the project root, posix
    name: str
    uri: str
    size: int
    sha256: str
    evidence: Evidence
    evidence_anchor: str

    size_text: str

    @property
    def image(self) -> bool:
        return Path(self.path).suffix.lower() in IMAGE_SUFFIXES


@dataclass(frozen=True)
class EvidenceView:
    evidence: Evidence
    anchor: str
    body: str  # sanitised HTML
    files: tuple[FileView, ...]
    withheld: bool = False  # the public edition: cited by id only, none of its content


@dataclass(frozen=True)
class RowSection:
    row: RowScore
    anchor: str
    number: int  # position inside its top-level node: the "1." of its heading
    remedy: str  # 整改情况
    evidence: tuple[EvidenceView, ...]

    @property
    def name(self) -> str:
        return ("*" if self.row.indicator.key else "") + self.row.indicator.name


@dataclass(frozen=True)
class LevelView:
    score: NodeScore
    anchor: str
    numeral: str  # 一、二、… of its heading in 三、逐项说明
    rows: tuple[RowSection, ...]


@dataclass(frozen=True)
class Meta:
    title: str
    subject: str
    keywords: str
    created: str  # W3C datetime, Beijing time: the commit's
    date_text: str  # 2021年12月1日: as_of, the one date the cover and the text show


@dataclass(frozen=True)
class Dossier:
    project: Project
    meta: Meta
    levels: tuple[LevelView, ...]
    comprehensive: tuple[RowSection, ...]
    major: tuple[RowSection, ...]
    files: tuple[FileView, ...]
    chart: str
    annual: AnnualReport | None = None  # the 政府信息公开工作年度报告 draft (scoring/render/documents/annualreport.py)
    originals: tuple[Original, ...] = ()  # PDF attachments printed as pages (scoring/render/dossier/originals.py)
    results: VerifiedView | None = None  # the assessors' 核定分 (scoring/render/resultsview.py), when they came back
    lastyear: LastYearView | None = None  # the comparison with last year (results/lastyear.yaml), when made

    @property
    def table(self) -> ScoreTable:
        return self.project.table


# --- deriving what the pages say ------------------------------------------------


def cn_numeral(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 35 → 三十五 (up to 99)."""
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else "十" if tens == 1 else _DIGITS[tens] + "十"
    return head + (_DIGITS[ones] if ones or not head else "")


def remedy(row: RowScore) -> str:
    """整改情况: what recovers points that evidence could still show, and what is lost for good."""
    parts: list[str] = []
    if row.at_risk > 0:
        facts = "、".join(f"“{name}”" for name in row.missing_facts) or "印证材料"
        owners = dict.fromkeys(ln.unit for ln in row.lines if ln.at_risk and ln.unit)
        owner = "、".join(owners) or "、".join(row.indicator.units)
        when = f"，{cn_date(row.due)}前" if row.due else ""
        parts.append(f"补充材料：{facts}（{owner}{when}），可挽回{fmt(row.at_risk)}分")
    settled = row.deduction - row.at_risk
    if settled > 0:
        parts.append(f"已扣{fmt(settled)}分，待整改")
    return "；".join(parts) or "—"


def build_meta(project: Project) -> Meta:
    scheme, when = project.scheme, project.info.date.astimezone(BEIJING)
    edition = f"（{project.edition.label}）" if project.edition is Edition.PUBLIC else ""
    return Meta(
        title=f"{scheme.issuer}{scheme.year}年度政务公开工作考核自评材料{edition}",
        subject=f"依据{scheme.title}{f'（{scheme.doc_number}）' if scheme.doc_number else ''}的自评得分、失分原因和印证材料",
        keywords=", ".join(("政务公开", "考核", "自评", f"{scheme.year}年度", scheme.issuer)),
        created=when.isoformat(timespec="seconds"),
        date_text=cn_date(project.as_of) + ("（生成当天：项目不在 git 版本库中，可用 --as-of 指定日期）"
                                            if project.as_of_today else ""),
    )


# --- evidence bodies and attachments -------------------------------------------------


def body_html(project: Project, evidence: Evidence) -> str:
    """The sanitised body; images inside evidence/ shown from their files, links only to the web."""
    def address(attribute: str, path: str, fragment: str) -> str | None:
        if attribute == "src" and Path(path).suffix.lower() in IMAGE_SUFFIXES:
            return (project.root / path).resolve().as_uri()
        return None  # a page of the site or a file: plain text in the PDF (attachments are embedded)

    return project.body(evidence).resolve(address)


def file_view(project: Project, attachment: Attachment, evidence: Evidence, anchor: str) -> FileView:
    facts = project.files[attachment.path]
    return FileView(attachment.path, attachment.name, (project.root / attachment.path).resolve().as_uri(), facts.size,
                    facts.sha256, evidence, anchor, facts.size_text)


def pdf_attachments(files: tuple[FileView, ...], root: Path, when: datetime) -> list[weasyprint.Attachment]:
    """Every attachment once, named by its path, dated by the build (never the file's mtime)."""
    seen: dict[str, FileView] = {}
    for f in files:
        seen.setdefault(f.path, f)
    return [weasyprint.Attachment(filename=str(root / f.path), name=f.path, description=f.evidence.title,
                                  created=when, modified=when, relationship="Supplement")
            for f in seen.values()]


# --- the dossier ----------------------------------------------------------------


class _Builder:
    """Turns the scored project into view objects, numbering evidence anchors as it goes."""

    def __init__(self, project: Project):
        self.project = project
        self.root = project.root
        self.by_id = project.table.evidence_by_id()
        self.files: list[FileView] = []
        self.count = 0

    def evidence(self, ev: Evidence) -> EvidenceView:
        self.count += 1
        anchor = f"ev-{self.count}"
        if not self.project.shown(ev):
            return EvidenceView(ev, anchor, "", (), withheld=True)
        files = tuple(file_view(self.project, a, ev, anchor) for a in ev.attachments)
        self.files.extend(files)
        return EvidenceView(ev, anchor, body_html(self.project, ev), files)

    def row(self, row: RowScore, number: int) -> RowSection:
        evidence = tuple(self.evidence(self.by_id[e]) for e in row.evidence if e in self.by_id)
        return RowSection(row, f"row-{row.indicator.id}", number, remedy(row), evidence)

    def level(self, level: NodeScore, index: int) -> LevelView:
        rows = tuple(self.row(r, i) for i, r in enumerate(level.rows, 1))
        return LevelView(level, f"level-{level.node.id}", cn_numeral(index), rows)

    def build(self) -> Dossier:
        table = self.project.table
        levels = tuple(self.level(lv, i) for i, lv in enumerate(table.levels, 1))
        comprehensive = tuple(self.row(r, i) for i, r in enumerate(table.comprehensive, 1))
        major = tuple(self.row(r, i) for i, r in enumerate(table.major, 1))
        return Dossier(self.project, build_meta(self.project), levels, comprehensive, major,
                       tuple(self.files), level_chart(table),
                       annual_report(self.project) if self.project.registers.by_key else None,
                       plan_originals(self.files, self.root), verified_view(self.project.verified, table),
                       lastyear_view(self.project.lastyear, table, self.project.verified))


def build_dossier(project: Project) -> Dossier:
    return _Builder(project).build()


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters.update(fmt=fmt, signed=fmt_signed, cn_date=cn_date, numeral=cn_numeral)
    env.globals["STATUS_LABELS"] = STATUS_LABELS
    env.globals["ZERO"] = ZERO
    env.globals["WITHHELD"] = WITHHELD
    env.globals["ANNUAL"] = {"sections": SECTIONS, "heads": COLUMN_HEADS, "t4heads": TABLE4_HEADS, "source": FORMAT_SOURCE}
    return env


def render_html(dossier: Dossier) -> str:
    css = (TEMPLATES / "dossier.css").read_text(encoding="utf-8")
    # A section too long to lay out whole is cut at its rows (and evidence): the same cuts, serial or parallel.
    return pdfcuts.place(_environment().get_template("dossier.html").render(d=dossier, css=css))


# --- WeasyPrint -----------------------------------------------------------------


class _ProjectFetcher(weasyprint.URLFetcher):  # type: ignore[misc]
    """Fetches only local files inside the project: a dossier never depends on the network."""

    def __init__(self, root: Path):
        super().__init__(allowed_protocols=["file"])
        self.root = root.resolve()

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> Any:
        path = Path(unquote(urlsplit(url).path)).resolve()
        if not path.is_relative_to(self.root):
            raise ValueError(f"outside the project: {url}")
        return super().fetch(url, headers)


_STAGES = {
    "Step 1": "解析 HTML", "Step 2": "读取样式", "Step 3": "应用样式", "Step 4": "构建版面",
    "Step 5": "排版", "Step 6": "写出 PDF", "Step 7": "写入元数据和附件",
}


class _ProgressHandler(logging.Handler):
    """Follows WeasyPrint's own progress messages: its stages, and each page as it is laid out.

    Layout runs again when page references (the contents' page numbers) change: the bar says so.
    """

    def __init__(self, bar: tqdm[Any]):
        super().__init__(logging.INFO)
        self.bar = bar
        self.stage = ""
        self.layout = _STAGES["Step 5"]

    def emit(self, record: logging.LogRecord) -> None:
        message = str(record.msg)
        stage = _STAGES.get(message[:6])
        if stage is None:
            return
        args = record.args if isinstance(record.args, tuple) else ()
        number = args[0] if args and isinstance(args[0], int) else None
        if "Repagination" in message and number is not None:
            self.layout = f"排版（第{number + 1}遍，更新页码）"
        if message.startswith("Step 5"):
            stage = self.layout
        if stage != self.stage:
            self.stage = stage
            self.bar.set_description_str(stage)
        if message.startswith("Step 5 - Creating layout - Page") and number is not None:
            self.bar.n = number
            self.bar.refresh()


@contextmanager
def _following(bar: tqdm[Any]) -> Iterator[list[str]]:
    progress = logging.getLogger("weasyprint.progress")
    handler = _ProgressHandler(bar)
    saved = progress.level, progress.propagate
    progress.setLevel(logging.INFO)
    progress.propagate = False
    progress.addHandler(handler)
    try:
        with collect_warnings("weasyprint") as warnings:
            yield warnings
    finally:
        progress.removeHandler(handler)
        progress.setLevel(saved[0])
        progress.propagate = saved[1]


@dataclass(frozen=True)
class Rendered:
    pdf: bytes
    pages: int
    warnings: tuple[str, ...]


def render_pdf(html: str, dossier: Dossier, bar: tqdm[Any], jobs: int = 1,
               workers: pdfjobs.Workers | None = None) -> Rendered:
    root = dossier.project.root
    if jobs > 1:  # chunks over ``jobs`` processes, merged (scoring/render/dossier/pdfjobs.py); None: too small to split
        job = pdfjobs.PdfJob(html, root.as_uri() + "/", partial(_ProjectFetcher, root),
                             partial(pdf_attachments, dossier.files, root, dossier.project.info.date),
                             {"pdf_variant": "pdf/a-3b"})
        merged = pdfjobs.render(job, jobs, pdfjobs.follow(bar, jobs), workers=workers)
        if merged is not None:
            return Rendered(merged.pdf, merged.pages, merged.warnings)
    attachments = pdf_attachments(dossier.files, root, dossier.project.info.date)
    with _following(bar) as warnings:
        document = weasyprint.HTML(string=html, base_url=root.as_uri() + "/", url_fetcher=_ProjectFetcher(root)).render()
        bar.total = len(document.pages)
        data = document.write_pdf(pdf_variant="pdf/a-3b", attachments=attachments)
    return Rendered(data, len(document.pages), tuple(dict.fromkeys(warnings)))


def progress_bar() -> tqdm[Any]:
    """A bar on stderr while the PDF renders; silent when stderr is not a terminal (CI, pipes)."""
    return tqdm(desc="生成 HTML", unit="页", file=sys.stderr, disable=not sys.stderr.isatty(), leave=False,
                bar_format="{desc}：第 {n_fmt} 页 [{elapsed}]")


def build_pdf(project: Project, html_out: Path | None = None, jobs: int = 1) -> Rendered:
    """The dossier as PDF bytes over ``jobs`` processes; ``html_out`` also keeps the HTML (for benchmarks).

    The workers start first: they load WeasyPrint while this process writes the HTML.
    """
    with progress_bar() as bar, pdfjobs.started(jobs) as workers:
        dossier = build_dossier(project)
        html = render_html(dossier)
        if html_out is not None:
            html_out.write_text(html, encoding="utf-8")
        rendered = render_pdf(html, dossier, bar, jobs, workers)
    pdf, warnings = fill_originals(rendered.pdf, dossier.originals, project.root)
    return Rendered(pdf, rendered.pages, rendered.warnings + tuple(warnings))
