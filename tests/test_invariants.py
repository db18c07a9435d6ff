"""The scheme's arithmetic holds for generated schemes and evidence, and the build checks it every time.

Schemes are generated as model objects (no files): 2–5 levels, ragged rows,
every rule kind (nested in ``group`` and ``followup`` too), every clamp policy
(``level1``, ``row``, ``none`` and a middle level's name), caps and
``clamp: true/false`` on nodes at any level, bonuses, major deductions, floors
and normalisation; evidence states a random part of each row's facts, some
from several files. Every table must satisfy ``scoring.score.invariants``.

CI runs ``ZWGK_PROPERTY_EXAMPLES`` examples (default 500), derandomized, so the
run is the same every time; a longer run, e.g. before a release or after a
change to scoring::

    ZWGK_PROPERTY_EXAMPLES=20000 ZWGK_PROPERTY_SEED=random pytest tests/test_invariants.py

(``ZWGK_PROPERTY_SEED=random`` draws new examples instead of the fixed ones.)
"""

from __future__ import annotations

import os
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scoring.cli.main import main
from scoring.model.model import BONUS, MAJOR, ROW, Adjustment, Evidence, FactSpec, Indicator, Node, Scheme, Texts, Unit
from scoring.model.rules import parse_rule
from scoring.score import invariants
from scoring.score.score import NodeScore, score

EXAMPLES = int(os.environ.get("ZWGK_PROPERTY_EXAMPLES", "500"))
PROPERTY = settings(max_examples=EXAMPLES, deadline=None, derandomize=os.environ.get("ZWGK_PROPERTY_SEED") != "random",
                    database=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
START, END = date(2021, 1, 1), date(2021, 12, 31)
D = Decimal
OPTIONS = ("甲", "乙", "丙", "丁")
UNIT = Unit("zonghe", "综合组")
halves = st.integers(0, 12).map(lambda n: D(n) / 2)
days = st.integers(0, 364).map(lambda n: START + timedelta(days=n))


class Row:
    """A generated row's rules (as YAML mappings) and facts, numbered within the row."""

    def __init__(self) -> None:
        self.facts: dict[str, str] = {}

    def fact(self, kind: str) -> str:
        name = f"f{len(self.facts)}"
        self.facts[name] = kind
        return name


def _ratio(draw: st.DrawFn, row: Row) -> dict[str, Any]:
    if draw(st.booleans()):
        return {"percent": row.fact("number")}
    return {"numerator": row.fact("count"), "denominator": row.fact("count"),
            "on_zero": draw(st.sampled_from(["met", "failed"]))}


def _cap() -> st.SearchStrategy[Decimal | None]:
    return st.none() | halves


def _leaf(draw: st.DrawFn, row: Row, kind: str) -> dict[str, Any]:
    """A rule of one kind, with the facts it reads declared on the row."""
    items = st.lists(st.sampled_from(OPTIONS), min_size=1, max_size=4, unique=True)
    if kind == "per_missing":
        return {"fact": row.fact("items"), "required": draw(items), "per": draw(halves), "cap": draw(_cap())}
    if kind in ("per_occurrence", "bonus_per_item"):
        return {"fact": row.fact("count"), "per": draw(halves), "cap": draw(_cap())}
    if kind == "percent_floor":
        return {**_ratio(draw, row), "floor": draw(st.integers(0, 100)), "step": draw(st.integers(1, 10)),
                "per": draw(halves), "cap": draw(_cap()), "rounding": draw(st.sampled_from(["up", "down", "exact"]))}
    if kind == "ratio_score":
        return {**_ratio(draw, row), "invert": draw(st.booleans())}
    if kind == "ratio_threshold":
        side = draw(st.sampled_from(["above", "below"]))
        return {**_ratio(draw, row), side: draw(st.integers(0, 100)), "inclusive": draw(st.booleans()),
                "deduct": draw(halves)}
    if kind == "per_deadline":
        deadlines = sorted(set(draw(st.lists(days, min_size=1, max_size=3))))
        return {"fact": row.fact("date"), "deadlines": deadlines, "per": draw(halves), "cap": draw(_cap())}
    if kind == "deadline":
        return {"fact": row.fact("date"), "deadline": draw(days), "deduct": draw(halves)}
    if kind in ("required", "not_applicable", "earn_flag", "bonus_flag"):
        value = {"required": "deduct", "earn_flag": "points", "bonus_flag": "bonus"}.get(kind)
        return {"fact": row.fact("flag"), **({value: draw(halves)} if value else {})}
    if kind == "event":
        return {"fact": row.fact(draw(st.sampled_from(["flag", "items", "count"]))), "deduct": draw(halves)}
    if kind == "graded":
        levels = [{"missing": draw(items), "match": draw(st.sampled_from(["any", "all"])), "deduct": draw(halves)}
                  for _ in range(draw(st.integers(1, 3)))]
        return {"fact": row.fact("items"), "levels": levels}
    if kind == "tiered":
        tiers = [{"item": o, "deduct": draw(halves)} for o in draw(items)]
        return {"fact": row.fact("items"), "tiers": tiers}
    if kind == "earn_items":
        return {"fact": row.fact("items"), "items": [{"item": o, "points": draw(halves)} for o in draw(items)]}
    if kind == "earn_per_item":
        return {"fact": row.fact("count"), "per": draw(halves), "max": draw(halves)}
    assert kind == "manual"
    return {"fact": row.fact("adjustments"), "direction": draw(st.sampled_from(["deduct", "bonus"])),
            "cap": draw(_cap())}


LEAVES = ("per_missing", "per_occurrence", "percent_floor", "ratio_score", "ratio_threshold", "per_deadline",
          "deadline", "required", "event", "not_applicable", "graded", "tiered", "earn_items", "earn_flag",
          "earn_per_item", "manual", "bonus_per_item", "bonus_flag")
DEDUCTING = ("per_missing", "per_occurrence", "percent_floor", "ratio_threshold", "per_deadline", "deadline",
             "required", "event", "graded", "tiered")


@st.composite
def rule(draw: st.DrawFn, row: Row, depth: int = 0) -> dict[str, Any]:
    kinds = (*LEAVES, "group", "followup") if depth == 0 else tuple(k for k in LEAVES if not k.startswith("bonus"))
    kind = draw(st.sampled_from(kinds))
    if kind == "group":
        clauses = [draw(rule(row, 1)) for _ in range(draw(st.integers(1, 3)))]
        clauses = [c for c in clauses if not (c["kind"] == "manual" and c.get("direction") == "bonus")] or [
            {"kind": "required", "fact": row.fact("flag"), "deduct": D(1)}]
        body: dict[str, Any] = {"rules": clauses, "cap": draw(_cap())}
    elif kind == "followup":
        first, then = draw(st.sampled_from(DEDUCTING)), draw(st.sampled_from(DEDUCTING))
        body = {"first": {"kind": first, **_drop_none(_leaf(draw, row, first))},
                "then": {"kind": then, **_drop_none(_leaf(draw, row, then))}}
    else:
        body = _leaf(draw, row, kind)
    return {"kind": kind, **_drop_none(body)}


def _drop_none(body: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in body.items() if v is not None}


def _fact_value(draw: st.DrawFn, kind: str) -> Any:
    if kind == "items":
        return tuple(draw(st.lists(st.sampled_from(OPTIONS), max_size=4, unique=True)))
    if kind == "count":
        return draw(st.integers(0, 30))
    if kind == "number":
        return D(draw(st.integers(0, 1000))) / 10
    if kind == "flag":
        return draw(st.booleans())
    if kind == "date":
        return tuple(sorted(draw(st.lists(days, min_size=1, max_size=3))))
    return tuple(Adjustment(draw(halves), "调整") for _ in range(draw(st.integers(1, 2))))


@st.composite
def indicator(draw: st.DrawFn, ident: str, section: str, top: tuple[str, str],
              trail: tuple[tuple[str, str], ...]) -> tuple[Indicator, list[Evidence]]:
    row = Row()
    rules = [parse_rule(draw(rule(row)), START) for _ in range(draw(st.integers(0 if section == ROW else 1, 2)))]
    points = draw(halves) if section == ROW else D(0)
    facts = tuple(FactSpec(name, kind, "说明") for name, kind in row.facts.items())
    ind = Indicator(ident, section, top[0], top[1], tuple(n for _, n in trail), ident, points, str(points), False,
                    (UNIT.name,), (UNIT.id,), Texts(), (), facts, tuple(rules), "indicators/x.yaml", 1,
                    tuple(i for i, _ in trail))
    evidence = []
    for n in range(draw(st.integers(0, 2))):
        stated = tuple((f.name, _fact_value(draw, f.type)) for f in facts if draw(st.booleans()))
        evidence.append(Evidence(f"{ident}-{n}", f"evidence/{ident}-{n}.md", ident, UNIT.name, UNIT.id, draw(days),
                                 "材料", "其他", "", (), stated, "internal", "正文", 10))
    return ind, evidence


@st.composite
def node(draw: st.DrawFn, ident: str, depth: int, levels: int, top: tuple[str, str] | None,
         trail: tuple[tuple[str, str], ...], evidence: list[Evidence]) -> Node:
    top = top or (ident, f"节点{ident}")
    children: list[Node | Indicator] = []
    for n in range(draw(st.integers(1, 3 if depth == 0 else 2))):
        child = f"{ident}.{n}"
        if depth < levels - 2 and draw(st.booleans()):
            here = trail + (((ident, f"节点{ident}"),) if depth > 0 else ())
            children.append(draw(node(child, depth + 1, levels, top, here, evidence)))
        else:
            here = trail + (((ident, f"节点{ident}"),) if depth > 0 else ())
            ind, ev = draw(indicator(child, ROW, top, here))
            children.append(ind)
            evidence.extend(ev)
    cap = draw(st.none() | st.none() | halves)
    clamp = draw(st.sampled_from([None, None, True, False]))
    return Node(ident, f"节点{ident}", depth, tuple(children), "indicators/x.yaml", cap=cap, clamp=clamp)


@st.composite
def project(draw: st.DrawFn) -> tuple[Scheme, tuple[Evidence, ...]]:
    depth = draw(st.integers(2, 5))
    names = tuple(f"第{i + 1}级" for i in range(depth))
    clamp = draw(st.sampled_from(["level1", "row", "none", *names[1:-1]]))
    evidence: list[Evidence] = []
    tops = tuple(draw(node(f"n{i}", 0, depth, None, (), evidence)) for i in range(draw(st.integers(1, 2))))
    extras: dict[str, list[Indicator]] = {BONUS: [], MAJOR: []}
    for section in (BONUS, MAJOR):
        for n in range(draw(st.integers(0, 2))):
            ind, ev = draw(indicator(f"{section}{n}", section, (section, section), ()))
            extras[section].append(ind)
            evidence.extend(ev)
    scheme = Scheme(title="生成的方案", issuer="", doc_number="", issued=None, year=2021, period_start=START,
                    period_end=END, due_date=None, clamp=clamp, grade_bands=(), normalise=draw(st.booleans()),
                    total_floor=draw(st.sampled_from([None, D(0)])), note="", units=(UNIT,), levels=tops,
                    comprehensive=tuple(extras[BONUS]), comprehensive_cap=draw(st.none() | halves),
                    major=tuple(extras[MAJOR]), level_names=names)
    return scheme, tuple(evidence)


@PROPERTY
@given(project())
def test_every_generated_table_keeps_the_scheme_s_arithmetic(generated: tuple[Scheme, tuple[Evidence, ...]]) -> None:
    scheme, evidence = generated
    table = score(scheme, evidence)
    assert invariants.violations(table) == []
    for r in table.rows:  # what every output shows as 失分原因 adds up to what it shows as 扣分
        if r.applicable and r.deduction:
            assert r.reasons


def test_level1_with_no_evidence_puts_at_risk_no_more_than_the_points(tmp_path: Path) -> None:
    """The reported case: 37 points in two levels, no evidence, printed 总分 5 / 37 … 可挽回 97 分."""
    scheme = _two_level_scheme()
    table = score(scheme, ())
    assert table.at_risk <= table.full_marks - table.base
    lone = table.row("a.big")
    assert lone is not None and lone.at_risk <= lone.indicator.points == D(10)
    assert invariants.violations(table) == []


def _two_level_scheme() -> Scheme:
    def row(ident: str, points: int, rules: list[dict[str, Any]], facts: dict[str, str]) -> Indicator:
        return Indicator(ident, ROW, ident.split(".")[0], "甲类", (), ident, D(points), str(points), False,
                         (UNIT.name,), (UNIT.id,), Texts(), (), tuple(FactSpec(n, t, "说明") for n, t in facts.items()),
                         tuple(parse_rule(r, START) for r in rules), "indicators/01-a.yaml", 1)

    big = row("a.big", 10, [{"kind": "per_occurrence", "fact": "问题数", "per": 1},
                            {"kind": "per_occurrence", "fact": "通报数", "per": 2},
                            {"kind": "required", "fact": "已建立", "deduct": 10}],
              {"问题数": "count", "通报数": "count", "已建立": "flag"})
    small = row("a.small", 27, [{"kind": "per_missing", "fact": "事项", "required": ["甲", "乙", "丙"], "per": 30}],
                {"事项": "items"})
    top = Node("a", "甲类", 0, (big, small), "indicators/01-a.yaml")
    return Scheme(title="两级方案", issuer="", doc_number="", issued=None, year=2021, period_start=START,
                  period_end=END, due_date=None, clamp="level1", grade_bands=(), normalise=False, total_floor=None,
                  note="", units=(UNIT,), levels=(top,), level_names=("类别", "考核内容"))


def test_a_broken_invariant_is_an_internal_error_naming_the_row(mini: Path, monkeypatch: pytest.MonkeyPatch,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    import dataclasses

    real = score

    def broken(scheme: Scheme, evidence: tuple[Evidence, ...], *counted: Any) -> Any:
        table = real(scheme, evidence, *counted)
        group = table.levels[0].children[0]
        assert isinstance(group, NodeScore)
        row = group.children[0]
        wrong = dataclasses.replace(row, at_risk=row.deduction + 1)  # more at risk than it lost
        group = dataclasses.replace(group, children=(wrong, *group.children[1:]))
        level = dataclasses.replace(table.levels[0], children=(group, *table.levels[0].children[1:]))
        return dataclasses.replace(table, levels=(level, *table.levels[1:]))

    monkeypatch.setattr("scoring.gather.pipeline.score", broken)
    assert main(["score", "--project", str(mini)]) == 1
    err = capsys.readouterr().err
    assert "内部错误" in err and "指标 zuzhi.yanjiu" in err and not (mini / "build").exists()
