"""The scheme's arithmetic, checked on every score table before anything is written.

A violated invariant is a bug in the scoring, never a data problem: ``check``
raises ``InvariantError`` naming the row or node, which the command line reports
as 内部错误 instead of writing a wrong number. What holds, for every table:

- a row: deduction ≥ 0 and bonus ≥ 0; its shown lines add up to its 扣分 and
  加分 (扣分上限 and 扣完为止 lines included); 0 ≤ at risk ≤ 扣分; under
  ``clamp: row`` it loses at most its points (0 ≤ score ≤ points when it has no bonus);
- a node: its deduction is its children's added up, it loses min(deduction,
  limit), never more than its cap, nor more than its points where the clamp
  policy (or its own ``clamp: true``) limits it; 0 ≤ at risk ≤ what it loses;
- the total: base = Σ top nodes (points − lost); raw total = base + bonuses −
  major deductions; the floor applied; normalised = total / full marks × 100,
  above 100 only when a bonus was given; the table's at risk ≤ full marks − base.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..core.figures import ZERO, fmt, round_cent
from .score import NodeScore, RowScore, ScoreTable


class InvariantError(AssertionError):
    """The score table breaks the scheme's arithmetic: a bug, reported as 内部错误."""


def _row(r: RowScore, clamp: str) -> Iterator[str]:
    ident = f"指标 {r.indicator.id}"
    shown = -sum((ln.amount for ln in r.lines if not ln.bonus), ZERO)
    gained = sum((ln.amount for ln in r.lines if ln.bonus), ZERO)
    if r.deduction < 0 or r.bonus < 0:
        yield f"{ident}：扣分 {fmt(r.deduction)}、加分 {fmt(r.bonus)} 不能为负"
    if r.applicable and shown != r.deduction:
        yield f"{ident}：各行扣分合计 {fmt(shown)}，与扣分 {fmt(r.deduction)} 不一致"
    if r.applicable and gained != r.bonus:
        yield f"{ident}：各行加分合计 {fmt(gained)}，与加分 {fmt(r.bonus)} 不一致"
    if not ZERO <= r.at_risk <= r.deduction:
        yield f"{ident}：可挽回 {fmt(r.at_risk)} 分，超出 0 到扣分 {fmt(r.deduction)} 分"
    if clamp == "row" and r.indicator.section == "row" and r.points > 0 and r.deduction > r.points:
        yield f"{ident}：扣完为止，却扣了 {fmt(r.deduction)} 分，超过赋分 {fmt(r.points)} 分"


def _node(n: NodeScore, clamp_depth: int | None) -> Iterator[str]:
    ident = f"{n.level_name} {n.node.id}"
    children = sum((c.clamped if isinstance(c, NodeScore) else c.deduction for c in n.children), ZERO)
    if children != n.deduction:
        yield f"{ident}：扣分 {fmt(n.deduction)} 与下级合计 {fmt(children)} 不一致"
    expected = min(n.deduction, n.limit) if n.limit is not None else n.deduction
    if n.clamped != expected or n.clamped < 0:
        yield f"{ident}：实扣 {fmt(n.clamped)} 分，应为 {fmt(expected)} 分"
    if not ZERO <= n.at_risk <= n.clamped:
        yield f"{ident}：可挽回 {fmt(n.at_risk)} 分，超出 0 到实扣 {fmt(n.clamped)} 分"
    clamps = n.node.clamp or (n.node.clamp is None and n.node.depth == clamp_depth)
    if n.node.cap is None and clamps and n.clamped > n.points:  # the policy: lose at most its points
        yield f"{ident}：扣分 {fmt(n.clamped)} 超过其分值 {fmt(n.points)}"
    for child in n.children:
        yield from _node(child, clamp_depth) if isinstance(child, NodeScore) else ()


def violations(table: ScoreTable) -> list[str]:
    """Every invariant the table breaks, in Chinese, naming the row or node."""
    out: list[str] = []
    clamp = table.scheme.clamp
    for r in (*table.rows, *table.comprehensive, *table.major):
        out.extend(_row(r, clamp))
    for lv in table.levels:
        out.extend(_node(lv, table.scheme.clamp_depth))
    base = sum((lv.points - lv.clamped for lv in table.levels), ZERO)
    if base != table.base:
        out.append(f"总分：各{table.scheme.top_name}得分合计 {fmt(base)}，与 {fmt(table.base)} 不一致")
    raw = table.base + table.row_bonus + table.comprehensive_bonus - table.major_deduction
    if raw != table.raw_total:
        out.append(f"总分：{fmt(table.raw_total)} 不等于各部分之和 {fmt(raw)}")
    floor = table.scheme.total_floor
    if table.total != (max(raw, floor) if floor is not None else raw):
        out.append(f"总分：{fmt(table.total)} 与下限处理后的 {fmt(raw)} 不一致")
    full = table.full_marks
    if table.normalised is not None and full > 0:
        if table.normalised != round_cent(table.total / full * 100):
            out.append(f"折算百分制得分 {fmt(table.normalised)} 计算不一致")
        if table.normalised > 100 and not (table.row_bonus or table.comprehensive_bonus):
            out.append(f"折算百分制得分 {fmt(table.normalised)} 超过100，却没有任何加分")
    lost = sum((lv.clamped for lv in table.levels), ZERO)
    if not ZERO <= table.at_risk <= max(lost, ZERO):
        out.append(f"可挽回 {fmt(table.at_risk)} 分，超过各{table.scheme.top_name}实扣合计 {fmt(lost)} 分")
    return out


def check(table: ScoreTable) -> ScoreTable:
    """The table itself when it keeps the scheme's arithmetic; else InvariantError with every violation."""
    found = violations(table)
    if found:
        raise InvariantError("计分结果违反方案的算术规则：" + "；".join(found[:10]))
    return table

