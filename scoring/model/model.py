"""The frozen model: a scheme, its units and indicators, and evidence.

Loading turns files into these objects; scoring reads only these objects.

The model also defines what scoring passes to a rule and gets back (``Given``,
``Context``, ``Line``) and what it asks of a rule (the ``Rule`` protocol). The
rule kinds themselves live in the package ``rules``, which depends on this module and
never the other way round: the model knows a rule only by that protocol.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cached_property
from typing import Any, Protocol

from ..core.figures import fmt
from ..core.safeio import Limits

ROW = "row"  # a row of the breakdown table
BONUS = "bonus"  # a 综合加分项
MAJOR = "major"  # a 重大扣分项

CLAMP_POLICIES = ("level1", "row", "none")
# The level names of a scheme that does not write its own (the 2021 Jincheng shape).
DEFAULT_LEVELS = ("一级指标", "二级指标", "三级指标")


def clamp_text(policy: str, levels: tuple[str, ...]) -> str:
    """What a clamp policy means, in the scheme's own level names (check, site, PDF all use it)."""
    top, leaf = levels[0], levels[-1]
    if policy == "row":
        return f"每一行（{leaf}）扣分以该行赋分为限，扣完为止，超出部分不计。"
    if policy == "none":
        return f"扣分不设上限：各行、各{top}的扣分都照实计算，{top}得分可以为负。"
    name = top if policy == "level1" else policy
    return (f"{leaf}的扣分可以超过该行自身的赋分，但每个{name}合计扣分不超过该{name}的赋分；"
            f"超出部分在{name}上不再扣减。")


@dataclass(frozen=True)
class Unit:
    id: str
    name: str
    aliases: tuple[str, ...] = ()
    everyone: bool = False


@dataclass(frozen=True)
class FactSpec:
    name: str
    type: str  # items | count | number | flag | date | adjustments
    help: str
    options: tuple[str, ...] = ()
    max: int | None = None
    unit: str = ""
    adverse: bool = False
    line: int = 0
    register: Any = None  # formats.RegisterQueryKeys: the fact is counted from a register (registerfacts.py)
    combine: str = ""  # how statements in several files combine (scoring/model/combine.py); "": the type's default
    restate: bool = False  # combine: once: a second file may state the same value again


@dataclass(frozen=True)
class Correction:
    field: str
    source: str
    corrected: str
    note: str = ""


@dataclass(frozen=True)
class Texts:
    deduction: str = ""
    bonus: str = ""
    method: str = ""
    content: str = ""
    remarks: str = ""


# --- what scoring passes to a rule, and what it asks of one -----------------


@dataclass(frozen=True)
class Adjustment:
    amount: Decimal
    reason: str


FactValue = tuple[str, ...] | int | Decimal | bool | tuple[date, ...] | tuple[Adjustment, ...]


@dataclass(frozen=True)
class Given:
    """A fact as the evidence of one indicator gives it, all files combined."""

    value: FactValue
    evidence: tuple[str, ...]
    per_evidence: tuple[tuple[str, FactValue], ...] = ()


@dataclass(frozen=True)
class Line:
    """One step of a rule's result: points lost (negative) or gained (positive), and why."""

    amount: Decimal
    reason: str
    evidence: tuple[str, ...] = ()
    at_risk: bool = False  # lost because evidence is absent: evidence could recover it
    unit: str = ""  # the unit that owes this item, where the rule names one
    deadline: date | None = None  # the deadline this line judges, for deadline rules
    excluded: bool = False  # the row is not applicable: it leaves the full marks


@dataclass(frozen=True)
class Context:
    facts: Mapping[str, Given]
    points: Decimal
    optional: bool = False  # absent facts mean nothing happened (bonus and major items)
    limit: Decimal | None = None  # the enclosing group's cap: the worst case of an uncapped clause

    @property
    def worst(self) -> Decimal:
        """The most an uncapped clause can cost when its fact is absent."""
        return self.limit if self.limit is not None else self.points


class Rule(Protocol):
    """What the model, the check and the scorer ask of a rule; the package ``rules`` implements the kinds."""

    @property
    def kind(self) -> str: ...

    @property
    def label(self) -> str: ...

    @property
    def summary(self) -> str:
        """What the rule's kind computes, in general (计分说明)."""
        ...

    @property
    def text(self) -> str: ...

    @property
    def overlaps(self) -> str: ...

    @property
    def as_written(self) -> str: ...

    @property
    def line(self) -> int: ...

    @property
    def gives_bonus(self) -> bool: ...

    def fact_names(self) -> tuple[str, ...]:
        """Every fact the rule reads."""
        ...

    def required_facts(self) -> tuple[str, ...]:
        """The facts whose absence costs points in a row (not those of bonuses or judgment)."""
        ...

    def judged_dates(self) -> tuple[date, ...]:
        """The deadlines this rule itself judges (a clause inside it answers for its own)."""
        ...

    def clauses(self) -> tuple[Rule, ...]:
        """The rules nested inside this one (a group's clauses), else ()."""
        ...

    def max_deduction(self, points: Decimal) -> Decimal | None:
        """The most this rule can take away, or None when unbounded."""
        ...

    def describe(self) -> str:
        """What the rule computes, in one Chinese sentence generated from its parameters."""
        ...

    def apply(self, ctx: Context) -> list[Line]:
        """Score lines from the facts given; pure."""
        ...

    # What the check, the loader and the importer ask a kind (scoring/model/rules/base.py says more).

    @property
    def earns(self) -> bool: ...

    def fixed_deduction(self, points: Decimal) -> Decimal | None: ...

    def uncapped_worst(self) -> tuple[int, Decimal] | None: ...

    def notices(self, row: Indicator) -> Iterator[tuple[str, str]]: ...

    def unit_names(self) -> tuple[str, ...]: ...

    def signature(self) -> tuple[Any, ...]: ...

    def with_measures(self, facts: Mapping[str, FactSpec]) -> Rule: ...


def walk(rules: tuple[Rule, ...]) -> Iterator[Rule]:
    """Every rule, and every clause nested inside one, in order."""
    for rule in rules:
        yield rule
        yield from walk(rule.clauses())


@dataclass(frozen=True)
class Indicator:
    """A row of the table, a 综合加分项 or a 重大扣分项."""

    id: str
    section: str  # ROW | BONUS | MAJOR
    level1_id: str  # the top node's id (comprehensive / major for those items)
    level1: str  # the top node's name (综合加分项 / 重大扣分项)
    trail: tuple[str, ...]  # the names of the groups between the top node and the row, outermost first
    name: str  # the row's own name, at the last level
    points: Decimal
    points_text: str
    key: bool
    units: tuple[str, ...]  # as written in the scheme
    unit_ids: tuple[str, ...]  # resolved through the registry
    text: Texts
    corrections: tuple[Correction, ...]
    facts: tuple[FactSpec, ...]
    rules: tuple[Rule, ...]
    path: str
    line: int
    trail_ids: tuple[str, ...] = ()  # the ids of those groups

    def fact(self, name: str) -> FactSpec | None:
        for spec in self.facts:
            if spec.name == name:
                return spec
        return None

    @cached_property  # read for every evidence file of the row; the rules are frozen
    def deadlines(self) -> tuple[date, ...]:
        """Every deadline the row's rules judge, in rule order."""
        return tuple(d for rule in walk(self.rules) for d in rule.judged_dates())

    @cached_property
    def required_facts(self) -> tuple[str, ...]:
        """Facts whose absence costs points: those of deduction rules."""
        return tuple(dict.fromkeys(name for rule in self.rules for name in rule.required_facts()))


@dataclass(frozen=True)
class Node:
    """A node of the scheme's tree above the rows: a top node (one level file) or a group inside one."""

    id: str
    name: str
    depth: int  # 0: a top node; its level's name is Scheme.level_names[depth]
    children: tuple[Node | Indicator, ...]
    path: str
    stated_points: Decimal | None = None  # the scheme's own figure (points:), checked against the children
    cap: Decimal | None = None  # the most the rows below may lose together
    clamp: bool | None = None  # True: lose at most its points; False: never clamped here; None: the scheme's policy
    units: tuple[str, ...] = ()  # as written; rows below without units: inherit them
    line: int = 0  # of points: when stated, else of the node itself (0 for a top node)
    points_text: str = ""

    @cached_property
    def rows(self) -> tuple[Indicator, ...]:
        """Every row below, in order."""
        out: list[Indicator] = []
        for child in self.children:
            out.extend(child.rows if isinstance(child, Node) else (child,))
        return tuple(out)

    @property
    def groups(self) -> tuple[Node, ...]:
        return tuple(c for c in self.children if isinstance(c, Node))

    @property
    def points(self) -> Decimal:
        return sum((r.points for r in self.rows), Decimal(0))

    def walk(self) -> Iterator[Node]:
        """This node and every group below it, depth first."""
        yield self
        for group in self.groups:
            yield from group.walk()


@dataclass(frozen=True)
class GradeBand:
    min: Decimal
    grade: str


@dataclass(frozen=True)
class Bureau:
    name: str
    code: str = ""


@dataclass(frozen=True)
class Scheme:
    title: str
    issuer: str
    doc_number: str
    issued: date | None
    year: int
    period_start: date
    period_end: date
    due_date: date | None  # 完成时限; many schemes set none
    clamp: str
    grade_bands: tuple[GradeBand, ...]
    normalise: bool
    total_floor: Decimal | None
    note: str
    units: tuple[Unit, ...]
    levels: tuple[Node, ...]  # the top nodes
    comprehensive: tuple[Indicator, ...] = ()
    comprehensive_cap: Decimal | None = None
    major: tuple[Indicator, ...] = ()
    major_text: str = ""
    limits: Limits = field(default_factory=Limits)  # file size limits, from scheme.yaml's limits:
    accept_until: date | None = None  # the last day evidence may be dated; None: the period's end
    show_internal_titles: bool = False  # the public edition shows an internal file's title beside its id
    level_names: tuple[str, ...] = DEFAULT_LEVELS  # the scheme's own names of its levels, outermost first
    bureau: Bureau | None = None  # the bureau assessed; None: the issuer (a bureau's own task breakdown)

    @property
    def assessed(self) -> Bureau:
        """The bureau this assessment is of: scheme.yaml's ``bureau``, else the issuer."""
        return self.bureau or Bureau(self.issuer, "")

    @property
    def depth(self) -> int:
        return len(self.level_names)

    @property
    def top_name(self) -> str:
        """一级指标, 类别: the name of the outermost level."""
        return self.level_names[0]

    @property
    def row_name(self) -> str:
        """三级指标, 考核内容: the name of the rows' level."""
        return self.level_names[-1]

    @property
    def clamp_depth(self) -> int | None:
        """The depth of the level whose nodes the scheme's policy clamps, or None (row, none)."""
        if self.clamp == "level1":
            return 0
        names = self.level_names[:-1]
        return names.index(self.clamp) if self.clamp in names else None

    def cells(self, ind: Indicator) -> tuple[str, ...]:
        """The row's place in the tree, one cell per level: blanks between for a row above the deepest level."""
        middle = list(ind.trail) + [""] * (self.depth - 2 - len(ind.trail))
        return (ind.level1, *middle, ind.name)

    def nodes(self) -> Iterator[Node]:
        """Every node of the tree, top nodes and groups, depth first."""
        for level in self.levels:
            yield from level.walk()

    @property
    def rows(self) -> tuple[Indicator, ...]:
        return tuple(r for level in self.levels for r in level.rows)

    @property
    def full_marks(self) -> Decimal:
        return sum((level.points for level in self.levels), Decimal(0))

    @property
    def clamp_text(self) -> str:
        return clamp_text(self.clamp, self.level_names)

    @property
    def bands_text(self) -> str:
        """按折算百分制得分：90分及以上为优秀，…: the grade bands in one sentence."""
        basis = "折算百分制得分" if self.normalise else "总分"
        bands = "，".join(f"{fmt(b.min)}分及以上为{b.grade}" for b in self.grade_bands)
        return f"按{basis}：{bands}"

    def all_indicators(self) -> tuple[Indicator, ...]:
        return self.rows + self.comprehensive + self.major

    def indicator(self, ident: str) -> Indicator | None:
        return self._index().get(ident)

    def _index(self) -> dict[str, Indicator]:
        cache = self.__dict__.get("_index_cache")
        if cache is None:
            cache = {i.id: i for i in self.all_indicators()}
            object.__setattr__(self, "_index_cache", cache)
        return cache

    def unit_by_name(self, name: str) -> Unit | None:
        cache = self.__dict__.get("_unit_cache")
        if cache is None:
            cache = unit_index(self.units)
            object.__setattr__(self, "_unit_cache", cache)
        found: Unit | None = cache.get(normalise_name(name))
        return found

    def unit_by_id(self, ident: str) -> Unit | None:
        for unit in self.units:
            if unit.id == ident:
                return unit
        return None

    @property
    def real_units(self) -> tuple[Unit, ...]:
        return tuple(u for u in self.units if not u.everyone)


def unit_index(units: tuple[Unit, ...]) -> dict[str, Unit]:
    """Every name and alias of every unit, normalised, to its unit."""
    return {normalise_name(alias): unit for unit in units for alias in (unit.name, *unit.aliases)}


def normalise_name(name: str) -> str:
    """Unit names are compared without spaces and with full-width brackets."""
    return "".join(name.split()).replace("(", "（").replace(")", "）")


# Raster images the site shows inline and WeasyPrint places in the PDF.
IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".gif", ".webp", ".bmp"})


@dataclass(frozen=True)
class Attachment:
    path: str  # relative to the project root, posix
    name: str  # as written in the evidence file
    line: int = 0  # of the attachments: field

    @property
    def image(self) -> bool:
        return "." + self.path.rsplit(".", 1)[-1].lower() in IMAGE_SUFFIXES


@dataclass(frozen=True)
class Evidence:
    id: str
    path: str  # relative to the project root, posix
    indicator: str
    unit: str  # canonical unit name
    unit_id: str
    date: date
    title: str
    kind: str
    url: str
    attachments: tuple[Attachment, ...]
    facts: tuple[tuple[str, FactValue], ...]
    visibility: str
    body: str
    body_line: int
    fact_lines: tuple[tuple[str, int], ...] = field(default=())

    def fact(self, name: str) -> FactValue | None:
        for key, value in self.facts:
            if key == name:
                return value
        return None
