"""The scheme check: faults in the assessors' own text, reported as notices.

A scheme is the assessors' text, so nothing here refuses it: each finding says
what looks wrong and what it means for the score, so a person can take it up
with the assessment team.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal

from ..core.figures import cn_date, fmt
from ..core.problems import Problem, error, notice, warning
from ..model.model import ROW, Indicator, Node, Scheme, normalise_name, walk


def _policy_hint(scheme: Scheme) -> str:
    return f"本方案的计分政策（clamp: {scheme.clamp}）：{scheme.clamp_text}"


def _row_checks(scheme: Scheme, row: Indicator) -> Iterator[Problem]:
    points = row.points
    hint = _policy_hint(scheme)
    for rule in walk(row.rules):
        where = (row.path, rule.line or row.line)
        cap = getattr(rule, "cap", None)
        if points > 0 and cap is not None and cap > points and not rule.gives_bonus:
            yield notice(*where, f"指标 {row.id}（{row.name}）扣分上限{fmt(cap)}分超过本行赋分{fmt(points)}分；{hint}",
                         "cap-above-points")
        fixed = rule.fixed_deduction(points)
        if points > 0 and fixed is not None and fixed > points:
            yield notice(*where, f"指标 {row.id}（{row.name}）一次扣{fmt(fixed)}分，超过本行赋分{fmt(points)}分；{hint}",
                         "fixed-above-points")
        uncapped = rule.uncapped_worst()
        if uncapped is not None and points > 0 and uncapped[0] * uncapped[1] > points:
            n, per = uncapped
            yield notice(*where, f"指标 {row.id}（{row.name}）未设扣分上限，最多可扣{n}×{fmt(per)}="
                         f"{fmt(per * n)}分，超过本行赋分{fmt(points)}分；{hint}", "uncapped-above-points")
        for message, code in rule.notices(row):
            yield notice(*where, f"指标 {row.id}（{row.name}）{message}", code)
        if rule.as_written:
            yield notice(*where, f"指标 {row.id}（{row.name}）原文为“{rule.as_written}”，本方案按文意计分："
                         f"{rule.describe()}，请与考核组确认", "as-written")
        for deadline in rule.judged_dates():
            if scheme.due_date is not None and deadline > scheme.due_date:
                yield notice(*where, f"指标 {row.id}（{row.name}）的时限 {cn_date(deadline)} 晚于本方案完成时限"
                             f"{cn_date(scheme.due_date)}，自评时该项尚无法完成", "deadline-after-due")
        if rule.overlaps:
            other = scheme.indicator(rule.overlaps)
            name = other.name if other else rule.overlaps
            yield notice(*where, f"指标 {row.id}（{row.name}）的加分与综合加分项“{name}”奖励同一事项，"
                         "可能重复加分，请与考核组确认只计一次", "double-bonus")


def _earned_total(row: Indicator) -> Iterator[Problem]:
    """An additive (得分制) row: its earning items should add up to its points."""
    earning = [r for r in row.rules if r.earns]
    total = sum((r.max_deduction(row.points) or Decimal(0) for r in earning), Decimal(0))
    if earning and total != row.points:
        yield notice(row.path, earning[0].line or row.line, f"指标 {row.id}（{row.name}）各得分项合计{fmt(total)}分，"
                     f"与本行赋分{fmt(row.points)}分不一致，请核对方案", "earn-total")


def _unit_names(scheme: Scheme) -> Iterator[Problem]:
    seen: dict[str, dict[str, tuple[str, int]]] = defaultdict(dict)
    for row in scheme.all_indicators():
        names = list(row.units)
        for rule in walk(row.rules):
            names.extend(rule.unit_names())
        for name in names:
            unit = scheme.unit_by_name(name)
            key = normalise_name(name)
            if unit is not None and key not in seen[unit.id]:
                seen[unit.id][key] = (row.path, row.line)
    for unit in scheme.units:
        written = seen.get(unit.id, {})
        if len(written) > 1:
            path, line = min(written.values())
            yield notice(path, line, f"单位“{unit.name}”在方案中以多个名称出现：{'、'.join(written)}；"
                         "已按单位名录视为同一单位", "unit-aliases")


def _totals(scheme: Scheme) -> Iterator[Problem]:
    """Errors: a scheme whose full marks are nothing, or whose top grade no total can reach."""
    where = ("indicators/scheme.yaml", 0)
    if scheme.full_marks <= 0:
        yield error(*where, f"各{scheme.top_name}的赋分合计为0分，无法计分；请检查各指标的 points", "no-full-marks")
        return
    if not scheme.grade_bands:
        return
    top = scheme.grade_bands[0]
    reachable = Decimal(100) if scheme.normalise else scheme.full_marks
    if top.min > reachable and not _bonus_possible(scheme):
        yield error(*where, f"等次“{top.grade}”要求{fmt(top.min)}分，但满分只有{fmt(reachable)}分，永远无法达到；"
                    "请检查 grade_bands 或 normalise", "band-unreachable")


def _stated_points(scheme: Scheme) -> Iterator[Problem]:
    """A node's own points against its children's (real schemes get this wrong), at every level.

    A child group counts with its own stated figure when it has one, so one wrong figure is reported once,
    where it is wrong.
    """
    for node in scheme.nodes():
        if node.stated_points is None:
            continue
        total = sum((c.stated_points if isinstance(c, Node) and c.stated_points is not None else c.points
                     for c in node.children), Decimal(0))
        if total == node.stated_points:
            continue
        level = scheme.level_names[min(node.depth, scheme.depth - 1)]
        what = "各行" if all(isinstance(c, Indicator) for c in node.children) else "各项"
        yield notice(node.path, node.line, f"{level}“{node.name}”写明{fmt(node.stated_points)}分，"
                     f"但其{what}赋分合计为{fmt(total)}分；计分按各行合计，请核对方案原文", "level-points")


def _same_names(scheme: Scheme) -> Iterator[Problem]:
    """Two rows (or two groups) of one name side by side: the site, the PDF and the tables cannot tell them apart."""
    for node in scheme.nodes():
        first: dict[str, Node | Indicator] = {}
        for child in node.children:
            name = " ".join(child.name.split())
            if name not in first:
                first[name] = child
                continue
            other = first[name]
            kind = "分组" if isinstance(child, Node) else "指标"
            yield warning(child.path, child.line, f"“{node.name}”下有两个同名的{kind}“{name}”（{other.id} 和 {child.id}）："
                         "网站、PDF 和得分表中无法区分；请核对方案原文，必要时在名称中注明区别", "same-name")


def _bonus_possible(scheme: Scheme) -> bool:
    return bool(scheme.comprehensive) or any(r.gives_bonus for row in scheme.rows for r in walk(row.rules))


def check_scheme(scheme: Scheme) -> list[Problem]:
    problems: list[Problem] = list(_totals(scheme))
    for row in scheme.all_indicators():
        if row.section == ROW or row.rules:
            problems.extend(_row_checks(scheme, row))
            problems.extend(_earned_total(row))
    problems.extend(_unit_names(scheme))
    problems.extend(_stated_points(scheme))
    problems.extend(_same_names(scheme))
    return problems
