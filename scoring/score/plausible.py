"""Facts that cannot be right, found before scoring: each names every file involved.

- statements that do not combine as their fact declares (scoring/model/combine.py):
  a figure stated twice, two different values on one day, units that disagree;
- a part larger than its whole (合规数据量 above 报送数据总量) after combining;
- a rate outside 0–100 after combining, or written as a fraction (0.975 for 97.5%);
- the same evidence twice (a copy, a link): one occurrence counted twice;
- a rule the importer could not read (``needs_review``): a warning, so an error
  under ``--strict`` (a row with no rule at all is the loader's warning).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal

from ..core.figures import fmt, to_decimal
from ..core.problems import Problem, error, warning
from ..model.combine import Source
from ..model.model import Evidence, FactValue, Indicator, Scheme, walk
from ..model.rules import RatioRule
from .score import combined, sources


def _places(group: list[Source]) -> str:
    return "、".join(s.where for s in group)


def _number(value: FactValue) -> Decimal | None:
    if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
        return to_decimal(value)
    return None


def _row_facts(row: Indicator, evidence: list[Evidence]) -> Iterator[Problem]:
    given = combined(row, evidence)
    raw = sources(evidence)
    for found in given.values():
        for c in found.conflicts:
            make = error if c.fatal else warning
            yield make(c.at.path, c.at.line, f"指标 {row.id}：{c.message}", "fact-combine")
    for rule in walk(row.rules):
        if not isinstance(rule, RatioRule):
            continue
        if rule.percent and rule.percent in given:
            yield from _rate(row, rule.percent, given[rule.percent].given.value, raw[rule.percent])
        num, den = given.get(rule.numerator), given.get(rule.denominator)
        if num is None or den is None:
            continue
        part, whole = _number(num.given.value), _number(den.given.value)
        if part is not None and whole is not None and part > whole:
            at = raw[rule.numerator][-1]
            yield error(at.path, at.line, f"指标 {row.id}：“{rule.numerator}”（合计 {fmt(part)}，见 "
                        f"{_places(raw[rule.numerator])}）大于“{rule.denominator}”（合计 {fmt(whole)}，见 "
                        f"{_places(raw[rule.denominator])}）：部分不能大于总数，请核对两个数", "part-above-whole")


def _rate(row: Indicator, name: str, value: FactValue, said: list[Source]) -> Iterator[Problem]:
    rate = _number(value)
    if rate is None:
        return
    at = said[-1]
    if rate > 100:
        yield error(at.path, at.line, f"指标 {row.id}：“{name}”是百分数，合并后为 {fmt(rate)}，超出 0–100"
                    f"（见 {_places(said)}）；请核对", "rate-range")
    elif 0 < rate <= 1 and rate != rate.to_integral_value():
        yield warning(at.path, at.line, f"指标 {row.id}：“{name}”是百分数（写 97.5 表示 97.5%），{fmt(rate)} "
                      f"像是按小数写的比例（见 {_places(said)}）；如是 {fmt(rate * 100)}%，请写 {fmt(rate * 100)}",
                      "rate-fraction")


def _duplicates(evidence: tuple[Evidence, ...]) -> Iterator[Problem]:
    """Two files with the same row, unit, date, title, facts and body: one occurrence, counted twice."""
    first: dict[tuple[str, ...], Evidence] = {}
    for ev in sorted(evidence, key=lambda e: e.path):
        key = (ev.indicator, ev.unit, ev.date.isoformat(), ev.title, repr(sorted(ev.facts, key=lambda f: f[0])),
               ev.body.strip())
        other = first.setdefault(key, ev)
        if other is not ev:
            yield error(ev.path, 1, f"证据与 {other.path} 重复：指标、单位、日期、标题、事实和正文都相同（复制的文件或链接），"
                        "同一事项会被计两次；请删去其中一个", "evidence-copy")


def _needs_review(scheme: Scheme) -> Iterator[Problem]:
    for row in scheme.all_indicators():
        for rule in walk(row.rules):
            if getattr(rule, "needs_review", False):
                yield warning(row.path, rule.line or row.line, f"指标 {row.id}（{row.name}）的规则标有 "
                              "needs_review：导入时未能识别原文，须人工核定后删去该标记", "needs-review")


def fact_problems(scheme: Scheme, evidence: tuple[Evidence, ...] | list[Evidence]) -> list[Problem]:
    """Every implausible fact of the project, and the rules still marked needs_review."""
    by_row: dict[str, list[Evidence]] = defaultdict(list)
    for ev in evidence:
        by_row[ev.indicator].append(ev)
    problems: list[Problem] = list(_needs_review(scheme))
    for row in scheme.all_indicators():
        if row.id in by_row:
            problems.extend(_row_facts(row, by_row[row.id]))
    problems.extend(_duplicates(tuple(evidence)))
    return problems
