"""What every rule kind is: the base class, the registry, and what kinds share.

A kind is one class, derived from ``BaseRule``, that declares everything about
itself: its parameters (dataclass fields with ``param``), the check of their
combinations (``problems``), its notices on a scheme (``fixed_deduction``,
``uncapped_worst``, ``notices``), how it reads facts (``compute``; the line for
an absent fact is made here, once, from ``absence`` and ``absent_wording``),
its import phrasings (``import_phrases``), what the importer compares
(derived from the parameters' types), its measure word (``measure``) and its
docs (``label``, ``summary``, ``phrasings``). Defining the class registers it
in ``KINDS``; check, load, the importer, the schema and the docs iterate over
``KINDS`` and never name a kind.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar

from ...core.figures import ZERO, fmt
from ..model import Context, FactSpec, Given, Line, Rule
from ..params import POINTS, TEXT, compared, param, params_of

if TYPE_CHECKING:
    from ..model import Indicator

KINDS: dict[str, type[BaseRule]] = {}


@dataclass(frozen=True)
class Phrasing:
    """One way a scheme words a kind, for the importer's phrase table (scoring/importer/phrases.py).

    ``pattern`` is a regular expression searched in a clause (the text up to and with
    its amount); its named groups are numbers read into the parameters of the same name;
    the clause's amount goes to ``amount``; the fact parameter ``fact`` is named from the
    clause's condition. ``signs``: the clauses it applies to (扣, 加, 不得分).
    """

    name: str
    pattern: str
    amount: str
    fact: str = "fact"
    signs: str = "扣"


@dataclass(frozen=True, kw_only=True)
class BaseRule:
    """What every kind shares: the clause it implements, and the hooks check, score, importer and docs read."""

    kind: ClassVar[str] = ""
    label: ClassVar[str] = ""  # the kind's Chinese name, on 计分说明 and in every score line
    short: ClassVar[str] = ""  # the name in the import report, when it differs from ``label``
    summary: ClassVar[str] = ""  # what the kind computes, in general (docs, 计分说明)
    phrasings: ClassVar[tuple[str, ...]] = ()  # how real schemes word it (docs)
    note: ClassVar[str] = ""  # how to write it, for the docs table (English)
    examples: ClassVar[tuple[str, ...]] = ()  # YAML of a whole rule, in the docs and parsed by tests/test_rules.py
    import_phrases: ClassVar[tuple[Phrasing, ...]] = ()  # phrasings the importer reads as this kind
    is_bonus: ClassVar[bool] = False
    earns: ClassVar[bool] = False  # an earning (得分制) rule: its points are part of the row's points
    # An absent fact (a row of the table): "worst" — one line taking the worst case (``absent_lines``);
    # "itemised" — ``compute`` says it item by item; "own" — ``compute`` reads absence itself, in every section.
    absence: ClassVar[str] = "worst"
    absent_wording: ClassVar[str] = "按最不利情形扣{worst}分"
    text: str = field(default="", metadata=param(TEXT, "本规则对应的方案原文（扣分或加分标准中的一句）"))
    overlaps: str = field(default="", metadata=param(
        TEXT, "奖励同一事项的综合加分项编号；方案核查据此提示可能重复加分"))
    as_written: str = field(default="", metadata=param(
        TEXT, "方案原文的公式，本规则有意按文意而非字面计分时填写；方案核查会提示"))
    line: int = 0

    def __init_subclass__(cls, register: bool = True, **kwargs: Any) -> None:
        """A class naming its ``kind`` is registered; ``register=False`` leaves that to ``registered``."""
        super().__init_subclass__(**kwargs)
        if register and "kind" in cls.__dict__:
            KINDS[cls.kind] = cls

    @property
    def gives_bonus(self) -> bool:
        """True when the rule's lines add points (a bonus) rather than take them."""
        return self.is_bonus

    def fact_names(self) -> tuple[str, ...]:
        """Every fact the rule names, in the order its parameters are declared."""
        names = (getattr(self, p.name) for p in params_of(type(self)) if p.type.facts)
        return tuple(dict.fromkeys(n for n in names if n))

    def required_facts(self) -> tuple[str, ...]:
        return () if self.gives_bonus or self.absence == "own" else self.fact_names()

    def judged_dates(self) -> tuple[date, ...]:
        return ()

    def clauses(self) -> tuple[Rule, ...]:
        return ()

    def max_deduction(self, points: Decimal) -> Decimal | None:
        return None

    def describe(self) -> str:
        return self.label

    def problems(self) -> list[tuple[str, str]]:
        """(parameter, message) for parameter combinations that make no sense."""
        return []

    # --- what the scheme check asks (check.py) ---

    def fixed_deduction(self, points: Decimal) -> Decimal | None:
        """What the rule takes at once, when it takes a fixed amount (the check compares it with the row's points)."""
        return None

    def uncapped_worst(self) -> tuple[int, Decimal] | None:
        """(count, per) for a rule taking ``per`` for each of ``count`` items with no cap."""
        return None

    def notices(self, row: Indicator) -> Iterator[tuple[str, str]]:
        """The kind's own notices on a row: (message after 「指标 id（name）」, code)."""
        return iter(())

    def unit_names(self) -> tuple[str, ...]:
        """Units the rule names (the check matches them with the unit list)."""
        return ()

    # --- what the importer compares (importer/compare.py) ---

    def signature(self) -> tuple[Any, ...]:
        """What the rule computes, without its labels (fact names, item names, texts)."""
        return (self.kind, *compared(self))

    # --- facts and lines ---

    def with_measures(self, facts: Mapping[str, FactSpec]) -> BaseRule:
        """The rule with the measure word (件, 次, 处) its fact declares, for kinds that count."""
        if "measure" not in {f.name for f in dataclasses.fields(self)}:
            return self
        spec = facts.get(getattr(self, "fact", ""))
        return dataclasses.replace(self, measure=spec.unit) if spec is not None and spec.unit else self  # type: ignore[call-arg]

    def worst_case(self, ctx: Context) -> Decimal:
        """What the rule takes when its fact is absent."""
        most = self.max_deduction(ctx.points)
        return ctx.worst if most is None else most

    def absent_lines(self, ctx: Context, missing: list[str]) -> list[Line]:
        """The line of a row whose fact is absent: the worst case, at risk."""
        worst = self.worst_case(ctx)
        names = "、".join(f"“{n}”" for n in missing)
        return [Line(-worst, f"未提供{names}的证据，" + self.absent_wording.format(worst=fmt(worst)), (), True)]

    def apply(self, ctx: Context) -> list[Line]:
        """Score lines; in an optional item an absent fact means nothing happened."""
        if self.absence == "own" or self.gives_bonus:
            return self.compute(ctx)
        missing = [n for n in self.fact_names() if n not in ctx.facts]
        if missing and ctx.optional:
            return [Line(ZERO, f"未发现{'、'.join(f'“{n}”' for n in missing)}所列情形")]
        if missing and self.absence == "worst":
            return self.absent_lines(ctx, missing)
        return self.compute(ctx)

    def compute(self, ctx: Context) -> list[Line]:
        raise NotImplementedError


@contextmanager
def registered(cls: type[BaseRule]) -> Iterator[type[BaseRule]]:
    """Register a kind defined elsewhere (``register=False``) for the duration of a ``with`` block."""
    before = KINDS.get(cls.kind)
    KINDS[cls.kind] = cls
    try:
        yield cls
    finally:
        if before is None:
            del KINDS[cls.kind]
        else:
            KINDS[cls.kind] = before


# --- helpers the kinds share -----------------------------------------------------


def cap_lines(lines: list[Line], cap: Decimal | None, what: str = "扣分") -> list[Line]:
    """Give back what a rule's lines take beyond its cap."""
    if cap is None:
        return lines
    total = sum((ln.amount for ln in lines), ZERO)
    if what == "扣分" and -total > cap:
        excess = -total - cap
        return [*lines, Line(excess, f"扣分上限为{fmt(cap)}分，超出的{fmt(excess)}分不计")]
    if what == "加分" and total > cap:
        excess = total - cap
        return [*lines, Line(-excess, f"加分上限为{fmt(cap)}分，超出的{fmt(excess)}分不计")]
    return lines


def cap_text(cap: Decimal | None) -> str:
    return f"，扣分上限{fmt(cap)}分" if cap is not None else "，不设扣分上限"


def ok(reason: str, given: Given | None) -> Line:
    return Line(ZERO, reason, given.evidence if given else ())


def absent(name: str) -> str:
    return f"未提供“{name}”的证据"


def count_of(given: Given) -> int:
    return given.value if isinstance(given.value, int) and not isinstance(given.value, bool) else 0


def given_items(given: Given | None) -> set[Any]:
    return set(given.value) if given and isinstance(given.value, tuple) else set()


CAP = param(POINTS, "扣分上限；不写则不设上限")
