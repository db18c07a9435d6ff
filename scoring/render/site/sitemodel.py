"""What the review site's templates show, prepared from one scored project: row, fact and score-line views,
where each page lives (``Links``), and evidence bodies with their links as addresses in the site."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ...core.figures import fmt, fmt_signed
from ...gather.project import Project
from ...model import combine, fields
from ...model.model import Correction, Evidence, FactSpec, Indicator, Scheme
from ...model.values import Body
from ...score.score import COMPLETE, STATUS_LABELS, DeadlineItem, RowScore, ScoreLine, ScoreTable, UnitScore
from ..documents.annualreport import register_href
from .sitetext import page_depth, page_name, page_url, url_path

TEXT_LABELS = (("deduction", "扣分标准"), ("bonus", "加分标准"), ("method", "考核方式"),
               ("content", "涉及内容"), ("remarks", "备注"))
FIELD_LABELS = {"level1": "一级指标", "level2": "二级指标", "level3": "三级指标", "name": "名称", "points": "赋分",
                "units": "责任组", "key": "重要指标标记", "columns": "栏目错位", "rules": "计分规则",
                **{f"text.{key}": label for key, label in TEXT_LABELS}}


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

SELFREPORT_PAGE = "selfreport.md"  # the 自评报告 as a page (scoring/render/documents/selfreport.py)


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
