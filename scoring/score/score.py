"""The pure scoring core: a scheme and its evidence in, a score table out.

No file access, no clock, no reference date: a deadline rule judges the dates
the evidence states against the deadline itself, so the score of a project is
the same on any day. (The date the to-do lists and deadline views are judged
by, ``as_of``, belongs to the outputs: see ``Project.as_of``.) Every point
gained or lost is a ``ScoreLine``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from functools import cached_property

from ..core.figures import ZERO, fmt, round_cent
from ..model.combine import Combined, Source
from ..model.combine import combine as combine_sources
from ..model.model import BONUS, MAJOR, ROW, Context, Evidence, FactSpec, FactValue, Given, Indicator, Line, Node, Rule, Scheme, Unit

COMPLETE, PARTIAL, MISSING = "complete", "partial", "missing"
STATUS_LABELS = {COMPLETE: "材料齐全", PARTIAL: "材料不全", MISSING: "缺少材料"}


@dataclass(frozen=True)
class ScoreLine:
    indicator: str
    rule: str  # the rule kind, or "clamp" for a policy line
    rule_label: str
    rule_text: str
    amount: Decimal  # negative: points lost; positive: points gained
    reason: str
    evidence: tuple[str, ...]
    at_risk: bool
    unit: str  # canonical name of the unit that owes the item, if the rule names one
    bonus: bool
    deadline: date | None = None


@dataclass(frozen=True)
class RowScore:
    indicator: Indicator
    lines: tuple[ScoreLine, ...]
    deduction: Decimal  # points lost (≥ 0)
    bonus: Decimal  # points gained (≥ 0)
    status: str
    at_risk: Decimal
    evidence: tuple[str, ...]
    missing_facts: tuple[str, ...]
    due: date | None  # the earliest deadline not met, or the scheme's due date (None: no 完成时限)
    applicable: bool = True  # False: 无此项工作，不检查 — the row leaves the full marks
    conflicts: tuple[str, ...] = ()  # facts whose statements disagree (units saying yes and no)

    @property
    def points(self) -> Decimal:
        """The row's points as they count toward the full marks: none when not applicable."""
        return self.indicator.points if self.applicable else ZERO

    @property
    def score(self) -> Decimal:
        return self.points - self.deduction + self.bonus

    @property
    def status_label(self) -> str:
        """材料齐全 / 材料不全 / 缺少材料 for a row; for a 综合加分项 or 重大扣分项, whether it applied.

        Evidence for those two is optional (nothing to show means nothing
        happened), so they never count as missing evidence.
        """
        if self.indicator.section == BONUS:
            return f"加{fmt(self.bonus)}分" if self.bonus else "未加分"
        if self.indicator.section == MAJOR:
            return f"扣{fmt(self.deduction)}分" if self.deduction else "未发现"
        return STATUS_LABELS[self.status]

    @property
    def reasons(self) -> str:
        """失分原因: every line that lost points, and every cap or 扣完为止 line that gave some back, so the
        lines add up to the 扣分 shown; why a row is not applicable."""
        if not self.applicable:
            return "；".join(ln.reason for ln in self.lines)
        return "；".join(ln.reason for ln in self.lines if ln.amount != 0 and not ln.bonus)


@dataclass(frozen=True)
class NodeScore:
    """A node of the tree scored: its rows' deductions, limited by its cap or the clamp policy."""

    node: Node
    level_name: str  # the scheme's name of the node's level (一级指标, 类别 …)
    children: tuple[NodeScore | RowScore, ...]
    deduction: Decimal  # the children's deductions added up (each after its own limit)
    clamped: Decimal  # what the node actually loses under its cap or the clamp policy
    bonus: Decimal
    limit: Decimal | None = None  # the cap that applied here, if any
    at_risk: Decimal = ZERO  # what evidence could still recover here, after the limit

    @cached_property
    def rows(self) -> tuple[RowScore, ...]:
        """Every row below, in order."""
        out: list[RowScore] = []
        for child in self.children:
            out.extend(child.rows if isinstance(child, NodeScore) else (child,))
        return tuple(out)

    @property
    def groups(self) -> tuple[NodeScore, ...]:
        return tuple(c for c in self.children if isinstance(c, NodeScore))

    @property
    def subtotals(self) -> tuple[NodeScore, ...]:
        """The groups below, in order, that state their own points or have a limit: outputs show their subtotals."""
        out: list[NodeScore] = []
        for group in self.groups:
            if group.node.stated_points is not None or group.limit is not None:
                out.append(group)
            out.extend(group.subtotals)
        return tuple(out)

    @property
    def points(self) -> Decimal:
        """The node's points: its applicable rows' points (the scheme's figure when all apply)."""
        return sum((r.points for r in self.rows), ZERO)

    @property
    def score(self) -> Decimal:
        return self.points - self.clamped + self.bonus

    @property
    def clamp_note(self) -> str:
        if self.clamped >= self.deduction:
            return ""
        if self.node.cap is not None:
            return (f"各行扣分合计{fmt(self.deduction)}分，本{self.level_name}扣分上限为{fmt(self.node.cap)}分，"
                    f"实扣{fmt(self.clamped)}分")
        return (f"各行扣分合计{fmt(self.deduction)}分，{self.level_name}扣分以其分值{fmt(self.points)}分为限，"
                f"实扣{fmt(self.clamped)}分")


@dataclass(frozen=True)
class Todo:
    """A row where a unit lost points or still owes evidence: how much, why, which file to edit, which facts."""

    row: RowScore
    at_risk: Decimal
    lost: Decimal = ZERO  # the points this unit's items lost in the row (at risk included)
    reasons: tuple[str, ...] = ()  # the lines that lost them
    files: tuple[str, ...] = ()  # the unit's own evidence files of the row, to edit; none: a new file (新建)

    @property
    def facts(self) -> tuple[str, ...]:
        """The facts to add or put right: missing ones, then those whose statements disagree."""
        return (*self.row.missing_facts, *(f for f in self.row.conflicts if f not in self.row.missing_facts))


@dataclass(frozen=True)
class UnitScore:
    unit: Unit
    rows: tuple[RowScore, ...]
    deduction: Decimal
    at_risk: Decimal
    todo: tuple[Todo, ...]

    @property
    def points(self) -> Decimal:
        return sum((r.points for r in self.rows), ZERO)

    @property
    def score(self) -> Decimal:
        return sum((r.score for r in self.rows), ZERO)


@dataclass(frozen=True)
class DeadlineItem:
    deadline: date
    row: RowScore
    met: bool
    reason: str


@dataclass(frozen=True)
class ScoreTable:
    scheme: Scheme
    levels: tuple[NodeScore, ...]  # the top nodes'
    comprehensive: tuple[RowScore, ...]
    major: tuple[RowScore, ...]
    units: tuple[UnitScore, ...]
    deadlines: tuple[DeadlineItem, ...]
    evidence: tuple[Evidence, ...]
    base: Decimal  # Σ top nodes (points − clamped deductions)
    row_bonus: Decimal
    comprehensive_bonus: Decimal
    comprehensive_raw: Decimal
    major_deduction: Decimal
    raw_total: Decimal
    total: Decimal
    normalised: Decimal | None
    grade: str

    @property
    def full_marks(self) -> Decimal:
        """The scheme's full marks less the points of rows that are not applicable."""
        return sum((lv.points for lv in self.levels), ZERO)

    @property
    def rows(self) -> tuple[RowScore, ...]:
        return tuple(r for lv in self.levels for r in lv.rows)

    def row(self, ident: str) -> RowScore | None:
        for r in (*self.rows, *self.comprehensive, *self.major):
            if r.indicator.id == ident:
                return r
        return None

    def evidence_by_id(self) -> dict[str, Evidence]:
        return {e.id: e for e in self.evidence}

    def status_counts(self) -> dict[str, int]:
        counts = {COMPLETE: 0, PARTIAL: 0, MISSING: 0}
        for r in self.rows:
            counts[r.status] += 1
        return counts

    @property
    def at_risk(self) -> Decimal:
        """What evidence could still recover in the total: each top node's, after its limit."""
        return sum((lv.at_risk for lv in self.levels), ZERO)


# --- facts ------------------------------------------------------------------


def combine(spec: FactSpec, given: list[tuple[str, FactValue]]) -> Given:
    """Values of one fact from several sources, combined as the fact declares (scoring/model/combine.py)."""
    return combine_sources(spec, [Source(ident, value) for ident, value in given]).given


def sources(evidence: Iterable[Evidence]) -> dict[str, list[Source]]:
    """Every statement of every fact in these evidence files, by fact name."""
    raw: dict[str, list[Source]] = defaultdict(list)
    for ev in evidence:
        lines = dict(ev.fact_lines)
        for name, value in ev.facts:
            raw[name].append(Source(ev.id, value, ev.path, lines.get(name, 0), ev.date, ev.unit))
    return raw


def combined(indicator: Indicator, evidence: Iterable[Evidence]) -> dict[str, Combined]:
    """Each declared fact of the row that some evidence states, combined, with its conflicts."""
    raw = sources(evidence)
    return {spec.name: combine_sources(spec, raw[spec.name]) for spec in indicator.facts if spec.name in raw}


# --- rows -------------------------------------------------------------------


def score_row(indicator: Indicator, evidence: tuple[Evidence, ...], scheme: Scheme,
              counted: Mapping[str, Given] | None = None) -> RowScore:
    found = combined(indicator, evidence)
    facts = {name: c.given for name, c in found.items()}
    facts.update(counted or {})  # facts counted from registers (registerfacts.py) win over typed ones
    ctx = Context(facts, indicator.points, optional=indicator.section != ROW)
    applied = [(rule, rule.apply(ctx)) for rule in indicator.rules]
    excluded = [(rule, [ln for ln in got if ln.excluded]) for rule, got in applied if any(ln.excluded for ln in got)]
    if excluded:  # 无此项工作: the row is not checked, and says why
        return _not_applicable(indicator, evidence, scheme, excluded)
    lines: list[ScoreLine] = []
    for rule, got in applied:
        for ln in got:
            lines.append(_score_line(indicator, rule, ln, scheme))
    deduction = -sum((ln.amount for ln in lines if not ln.bonus), ZERO)
    bonus = sum((ln.amount for ln in lines if ln.bonus), ZERO)
    raw = deduction
    if scheme.clamp == "row" and indicator.section == ROW and indicator.points > 0 and deduction > indicator.points:
        excess = deduction - indicator.points
        lines.append(ScoreLine(indicator.id, "clamp", "扣完为止", "", excess,
                               f"扣完为止：本行扣分以赋分{fmt(indicator.points)}分为限，超出的{fmt(excess)}分不计",
                               (), False, "", False))
        deduction = indicator.points
    required = indicator.required_facts
    missing = tuple(n for n in required if n not in facts)
    # A row that needs no fact (bonus only, or left to judgment) owes nothing: complete.
    status = COMPLETE if not missing else MISSING if len(missing) == len(required) else PARTIAL
    # What evidence could recover: the deduction less what would remain without the at-risk lines (clamped alike).
    settled = max(raw + sum((ln.amount for ln in lines if ln.at_risk), ZERO), ZERO)
    at_risk = deduction - min(settled, deduction)
    unmet = sorted(ln.deadline for ln in lines if ln.deadline is not None and ln.amount < 0)
    due = scheme.due_date
    upcoming = next((d for d in unmet if due is None or d <= due), due)
    return RowScore(indicator, tuple(lines), deduction, bonus, status, at_risk,
                    tuple(e.id for e in evidence), missing, upcoming,
                    conflicts=tuple(name for name, c in found.items() if c.conflicts))


def _score_line(indicator: Indicator, rule: Rule, ln: Line, scheme: Scheme) -> ScoreLine:
    unit = scheme.unit_by_name(ln.unit) if ln.unit else None
    return ScoreLine(indicator.id, rule.kind, rule.label, rule.text, ln.amount, ln.reason, ln.evidence, ln.at_risk,
                     unit.name if unit else "", rule.gives_bonus, ln.deadline)


def _not_applicable(indicator: Indicator, evidence: tuple[Evidence, ...], scheme: Scheme,
                    excluded: list[tuple[Rule, list[Line]]]) -> RowScore:
    lines = tuple(_score_line(indicator, rule, ln, scheme) for rule, got in excluded for ln in got)
    return RowScore(indicator, lines, ZERO, ZERO, COMPLETE, ZERO, tuple(e.id for e in evidence), (),
                    scheme.due_date, applicable=False)


def _deadline_items(row: RowScore) -> list[DeadlineItem]:
    return [DeadlineItem(ln.deadline, row, ln.amount == 0, ln.reason)
            for ln in row.lines if ln.deadline is not None]


# --- the whole table --------------------------------------------------------


def _grade(scheme: Scheme, value: Decimal) -> str:
    for band in scheme.grade_bands:
        if value >= band.min:
            return band.grade
    return scheme.grade_bands[-1].grade if scheme.grade_bands else ""


def rated(scheme: Scheme, total: Decimal, full_marks: Decimal) -> tuple[Decimal | None, str]:
    """A total's 100-point figure (when the scheme normalises) and its grade, by the scheme's bands."""
    normalised = round_cent(total / full_marks * 100) if scheme.normalise and full_marks > 0 else None
    return normalised, _grade(scheme, normalised if normalised is not None else total)


def _units(scheme: Scheme, rows: tuple[RowScore, ...], evidence: tuple[Evidence, ...]) -> tuple[UnitScore, ...]:
    everyone_ids = {u.id for u in scheme.units if u.everyone}
    result = []
    for unit in scheme.real_units:
        mine = tuple(r for r in rows if unit.id in r.indicator.unit_ids or everyone_ids & set(r.indicator.unit_ids))
        todo: list[Todo] = []
        deduction = at_risk = ZERO
        for r in mine:
            owned = [ln for ln in r.lines if not ln.bonus and (ln.unit == unit.name or not ln.unit)]
            row_deduction = max(min(-sum((ln.amount for ln in owned), ZERO), r.deduction), ZERO)
            row_risk = min(-sum((ln.amount for ln in owned if ln.at_risk), ZERO), r.at_risk)
            deduction += row_deduction
            at_risk += row_risk
            if r.missing_facts or r.conflicts or row_risk > 0 or row_deduction > 0:
                files = tuple(e.path for e in evidence if e.indicator == r.indicator.id and e.unit == unit.name)
                todo.append(Todo(r, row_risk, row_deduction, tuple(ln.reason for ln in owned if ln.amount != 0),
                                 files))
        todo.sort(key=lambda t: (-t.at_risk, -t.lost, t.row.due or date.max, t.row.indicator.id))
        result.append(UnitScore(unit, mine, deduction, at_risk, tuple(todo)))
    return tuple(result)


def _node_score(scheme: Scheme, node: Node, children: tuple[NodeScore | RowScore, ...]) -> NodeScore:
    """Each node loses its children's deductions, at most its cap, else its points when it clamps."""
    deduction = sum((c.clamped if isinstance(c, NodeScore) else c.deduction for c in children), ZERO)
    bonus = sum((c.bonus for c in children), ZERO)
    limit = node.cap
    if limit is None and (node.clamp or (node.clamp is None and scheme.clamp_depth == node.depth)):
        limit = sum((c.points for c in children), ZERO)
    clamped = min(deduction, limit) if limit is not None else deduction
    settled = sum(((c.clamped if isinstance(c, NodeScore) else c.deduction) - c.at_risk for c in children), ZERO)
    at_risk = clamped - (min(settled, limit) if limit is not None else settled)
    return NodeScore(node, scheme.level_names[min(node.depth, scheme.depth - 1)], children, deduction, clamped,
                     bonus, limit, max(at_risk, ZERO))


def _cap_risk(node: NodeScore, cap: Decimal) -> NodeScore:
    """No row or group below shows more at risk than the node above it can give back, nor a row more than its points.

    A node's and the total's figures are exact; a row's is an upper bound: what its evidence would give back
    beyond its own points depends on the other rows of its node.
    """
    limit = min(node.at_risk, cap)
    children: list[NodeScore | RowScore] = []
    for c in node.children:
        if isinstance(c, NodeScore):
            children.append(_cap_risk(c, limit))
            continue
        most = min(limit, c.points) if c.points > 0 else limit
        children.append(replace(c, at_risk=most) if c.at_risk > most else c)
    return replace(node, children=tuple(children), at_risk=limit)


def score(scheme: Scheme, evidence: tuple[Evidence, ...],
          counted: Mapping[str, Mapping[str, Given]] | None = None) -> ScoreTable:
    """``counted``: facts counted from registers, by row id (registerfacts.register_facts)."""
    counted = counted or {}
    by_indicator: dict[str, list[Evidence]] = defaultdict(list)
    for ev in sorted(evidence, key=lambda e: (e.date, e.id)):
        by_indicator[ev.indicator].append(ev)

    def row_of(ind: Indicator) -> RowScore:
        return score_row(ind, tuple(by_indicator.get(ind.id, ())), scheme, counted.get(ind.id))

    def node_of(node: Node) -> NodeScore:
        children = tuple(node_of(c) if isinstance(c, Node) else row_of(c) for c in node.children)
        return _node_score(scheme, node, children)

    levels = [_cap_risk(lv, lv.at_risk) for lv in (node_of(level) for level in scheme.levels)]
    comprehensive = tuple(row_of(i) for i in scheme.comprehensive)
    major = tuple(row_of(i) for i in scheme.major)
    base = sum((lv.points - lv.clamped for lv in levels), ZERO)
    row_bonus = sum((lv.bonus for lv in levels), ZERO)
    comp_raw = sum((r.bonus for r in comprehensive), ZERO)
    comp = min(comp_raw, scheme.comprehensive_cap) if scheme.comprehensive_cap is not None else comp_raw
    major_deduction = sum((r.deduction for r in major), ZERO)
    raw_total = base + row_bonus + comp - major_deduction
    total = raw_total
    if scheme.total_floor is not None and total < scheme.total_floor:
        total = scheme.total_floor
    full_marks = sum((lv.points for lv in levels), ZERO)  # rows not applicable leave it
    normalised, grade = rated(scheme, total, full_marks)
    all_rows = tuple(r for lv in levels for r in lv.rows)
    deadlines = tuple(sorted((d for r in all_rows for d in _deadline_items(r)),
                             key=lambda d: (d.deadline, d.row.indicator.id)))
    return ScoreTable(
        scheme=scheme, levels=tuple(levels), comprehensive=comprehensive, major=major,
        units=_units(scheme, all_rows, tuple(sorted(evidence, key=lambda e: e.path))), deadlines=deadlines,
        evidence=tuple(sorted(evidence, key=lambda e: e.id)),
        base=base, row_bonus=row_bonus, comprehensive_bonus=comp, comprehensive_raw=comp_raw,
        major_deduction=major_deduction, raw_total=raw_total, total=total, normalised=normalised, grade=grade,
    )
