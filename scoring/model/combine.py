"""How the statements of one fact in several evidence files combine into one value.

Every fact declares its combination (``combine:`` in the scheme, else the
default of its type, ``default_mode``):

- ``sum``: occurrences that add up (each file reports its own cases);
- ``once``: a single figure for the period (a year total, a rate, a
  denominator): a second statement is a conflict naming both files and lines,
  unless the values are equal and the fact allows restatement (``restate: true``);
- ``latest``: a status that changes over time: the latest dated statement
  wins; two statements of that same day that differ are a conflict;
- ``any`` / ``all``: yes/no across units: each unit's latest statement counts,
  and any unit (or every unit) saying yes makes it yes; units that disagree
  are reported by name;
- ``union``: the names listed anywhere (items);
- ``collect``: every value kept (dates, adjustments).

``combine`` is a pure function of the fact's declaration and its statements
(``Source``: which file or register, the value, where, its date and unit), so
statements that do not come from evidence files can be fed to it as well.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from ..core.figures import ZERO, fmt
from .model import Evidence, FactSpec, FactValue, Given

MODES: dict[str, tuple[str, ...]] = {  # the modes each fact type allows, its default first
    "items": ("union", "once", "latest"),
    "count": ("sum", "once", "latest"),
    "number": ("once", "sum", "latest"),
    "flag": ("any", "all", "once", "latest"),
    "date": ("collect", "once", "latest"),
    "adjustments": ("collect",),
}
ALL_MODES = ("sum", "once", "latest", "any", "all", "union", "collect")
MODE_TEXT = {
    "sum": "各文件相加",
    "once": "只由一个文件写明",
    "latest": "以日期最晚的一份为准",
    "any": "任一单位为是即为是",
    "all": "每个单位都为是才为是",
    "union": "各文件所列合并",
    "collect": "各文件所写全部保留",
}


def default_mode(fact_type: str) -> str:
    return MODES.get(fact_type, ("collect",))[0]


def mode_of(spec: FactSpec) -> str:
    """The fact's declared combination, else its type's default."""
    return spec.combine or default_mode(spec.type)


@dataclass(frozen=True)
class Source:
    """One statement of a fact: where it comes from and what it says."""

    id: str  # the evidence id (or a register's)
    value: FactValue
    path: str = ""
    line: int = 0
    date: date | None = None
    unit: str = ""

    @property
    def where(self) -> str:
        return f"{self.path}:{self.line}" if self.line else (self.path or self.id)


@dataclass(frozen=True)
class Conflict:
    """Statements that do not combine as declared: an error (``once``, ``latest``) or a warning (``any``/``all``)."""

    fatal: bool
    message: str
    at: Source  # the statement the problem is reported at (the later one)


@dataclass(frozen=True)
class Combined:
    given: Given
    conflicts: tuple[Conflict, ...] = ()


def shown(value: FactValue) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (int, Decimal)):
        return fmt(Decimal(value))
    if isinstance(value, tuple):
        return "、".join(str(v) for v in value) or "（空）"
    return str(value)


def _order(sources: Sequence[Source]) -> list[Source]:
    return sorted(sources, key=lambda s: (s.date or date.min, s.id))


def combine(spec: FactSpec, sources: Sequence[Source]) -> Combined:
    """All statements of one fact combined as it declares; conflicts said, never guessed away."""
    mode = mode_of(spec)
    ordered = _order(sources)
    if not ordered:
        return Combined(Given((), (), ()))
    per = tuple((s.id, s.value) for s in ordered)
    ids = tuple(dict.fromkeys(s.id for s in ordered))
    if mode == "once":
        return _once(spec, ordered, per)
    if mode == "latest":
        return _latest(spec, ordered, per)
    if mode in ("any", "all"):
        return _flags(spec, mode, ordered, per)
    values = [s.value for s in ordered]
    value: FactValue
    if mode == "union":
        merged: dict[str, None] = {}
        for v in values:
            if isinstance(v, tuple):
                merged.update(dict.fromkeys(str(x) for x in v))
        value = tuple(merged)
    elif mode == "sum" and spec.type == "count":
        value = sum(v for v in values if isinstance(v, int) and not isinstance(v, bool))
    elif mode == "sum":
        value = sum((Decimal(v) for v in values if isinstance(v, (int, Decimal))), ZERO)
    else:  # collect: every value kept
        value = tuple(x for v in values if isinstance(v, tuple) for x in v)  # type: ignore[assignment]
    return Combined(Given(value, ids, per))


def _once(spec: FactSpec, ordered: list[Source], per: tuple[tuple[str, FactValue], ...]) -> Combined:
    first = ordered[0]
    conflicts = []
    for other in ordered[1:]:
        if other.value == first.value and spec.restate:
            continue
        same = "相同" if other.value == first.value else "不同"
        allow = "；如方案允许重复写明相同的数，可在该事实下写 restate: true" if same == "相同" else ""
        conflicts.append(Conflict(True, f"事实“{spec.name}”只能由一个文件写明（combine: once），但 {first.where} "
                                        f"写 {shown(first.value)}，{other.where} 又写 {shown(other.value)}（{same}）；"
                                        f"请只保留一处{allow}", other))
    return Combined(Given(first.value, (first.id,), per), tuple(conflicts))


def _latest(spec: FactSpec, ordered: list[Source], per: tuple[tuple[str, FactValue], ...]) -> Combined:
    last = ordered[-1]
    conflicts = []
    for other in ordered[:-1]:
        if other.date == last.date and other.value != last.value:
            conflicts.append(Conflict(True, f"事实“{spec.name}”以日期最晚的一份为准（combine: latest），但 {other.where} "
                                            f"和 {last.where} 同日写了不同的值（{shown(other.value)}、"
                                            f"{shown(last.value)}）；请改正其中一个", last))
    return Combined(Given(last.value, (last.id,), per), tuple(conflicts))


def _flags(spec: FactSpec, mode: str, ordered: list[Source], per: tuple[tuple[str, FactValue], ...]) -> Combined:
    by_unit: dict[str, Source] = {}
    for s in ordered:  # each unit's latest statement
        by_unit[s.unit or s.id] = s
    said = list(by_unit.values())
    yes = [s for s in said if s.value is True]
    no = [s for s in said if s.value is not True]
    value = bool(yes) if mode == "any" else not no
    counted = yes if value else no
    ids = tuple(dict.fromkeys(s.id for s in (counted or said)))
    conflicts: tuple[Conflict, ...] = ()
    if yes and no:
        against = no if mode == "any" else yes
        conflicts = (Conflict(False, f"事实“{spec.name}”各单位不一致：{_names(yes)}为是，{_names(no)}为否；"
                                     f"按 combine: {mode}（{MODE_TEXT[mode]}）计为{'是' if value else '否'}；"
                                     "如不应如此合并，请在方案中为该事实写明 combine", against[-1]),)
    return Combined(Given(value, ids, per), conflicts)


def _names(group: Iterable[Source]) -> str:
    return "、".join(f"{s.unit or s.id}（{s.where}）" for s in group)


def stated_by(fact_names: Iterable[str], evidence: Iterable[Evidence]) -> dict[str, tuple[str, ...]]:
    """For each fact some evidence file states: the paths of those files, in order ("已由 … 提供")."""
    wanted = set(fact_names)
    out: dict[str, list[str]] = {}
    for ev in sorted(evidence, key=lambda e: (e.date, e.path)):
        for name, _ in ev.facts:
            if name in wanted and ev.path not in out.setdefault(name, []):
                out[name].append(ev.path)
    return {name: tuple(paths) for name, paths in out.items()}


def stated_note(spec: FactSpec, paths: Sequence[str]) -> str:
    """已由 … 提供, and what another statement would do under the fact's combination."""
    mode = mode_of(spec)
    then = {"once": "只能由一个文件写明，不要再写",
            "latest": "情况有变时才写新的值（以日期最晚的一份为准），否则删去本行",
            "any": "各单位写本单位的情况", "all": "各单位写本单位的情况"}.get(
        mode, f"本文件另有新的情况时才写（{MODE_TEXT[mode]}），否则删去本行")
    return f"已由 {'、'.join(paths)} 提供；{then}"


def history(spec: FactSpec, stated: Sequence[Evidence]) -> str:
    """What the row's page says under 已由 … 提供 when several files state a fact: how they combine, and when."""
    if len(stated) < 2:
        return ""
    mode = mode_of(spec)
    if mode != "latest":
        return MODE_TEXT[mode]
    steps = [f"{ev.date.year}年{ev.date.month}月{ev.date.day}日 {shown(value)}"
             for ev in sorted(stated, key=lambda e: (e.date, e.id))
             if (value := ev.fact(spec.name)) is not None]
    return f"{MODE_TEXT[mode]}；历次：{'，'.join(steps)}"
