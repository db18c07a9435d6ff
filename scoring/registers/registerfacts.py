"""Facts counted from registers, and the register checks that need more than one cell.

A row's fact may say where it comes from instead of being typed into evidence::

    属性滥用件数:
      type: count
      help: …
      register: {file: gwsx, filter: 属性滥用}

``file`` names the register (registers/<file>.csv), ``filter`` one of the named
filters declared here for it (``FILTERS``), ``where`` a mapping of column →
value every counted row must hold, and ``sum`` a column to add up instead of
counting rows (type number). A count gives the number of rows, a flag whether
any row matched, items the rows' ids. The value's evidence names every counted
row (``gwsx:晋市审管发〔2021〕31号``) and the evidence files its 证据 column names,
so the score line says what it counted and the site links it.

``register_facts`` is the one place register facts enter scoring: score.py
adds them to the facts the evidence gives a row (they win over typed values).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from ..core.problems import Problem, error, suggest, warning
from ..core.workdays import CalendarGap, deadline
from ..model.formats import RegisterQueryKeys as Query
from ..model.model import FactValue, Given, Scheme
from .registers import BY_KEY, Register, Registers, Row

# --- the requests register: dates and deadlines --------------------------------


def legal_deadline(row: Row) -> date | None:
    """The last day the request may be answered on time (None: no date received)."""
    received = row.values.get("收到日期")
    if not isinstance(received, date):
        return None
    paused = row.values.get("征求第三方意见工作日")
    return deadline(received, row.values.get("延期答复") is True, paused if isinstance(paused, int) else 0)


def _answered(row: Row) -> date | None:
    value = row.values.get("答复日期")
    return value if isinstance(value, date) else None


def is_late(row: Row, year: int) -> bool:
    """Answered after the legal deadline, or still unanswered on 31 December with the deadline passed."""
    due = legal_deadline(row)
    if due is None:
        return False
    answered = _answered(row)
    return answered > due if answered else due < date(year, 12, 31)


def received_this_year(row: Row, year: int) -> bool:
    received = row.values.get("收到日期")
    return isinstance(received, date) and received.year == year


def carried_in(row: Row, year: int) -> bool:
    """上年结转: received before the year, not answered before it."""
    received, answered = row.values.get("收到日期"), _answered(row)
    return isinstance(received, date) and received.year < year and (answered is None or answered.year >= year)


def carried_out(row: Row, year: int) -> bool:
    """结转下年度: received by the year's end, not answered within it."""
    received, answered = row.values.get("收到日期"), _answered(row)
    return isinstance(received, date) and received.year <= year and (answered is None or answered.year > year)


def handled(row: Row, year: int) -> bool:
    """本年度办理结果: answered within the year."""
    answered = _answered(row)
    return answered is not None and answered.year == year


def in_report(row: Row, year: int) -> bool:
    return received_this_year(row, year) or carried_in(row, year)


Filter = Callable[[Row, int], bool]
# Named filters per register: (test, Chinese help). The docs list them.
FILTERS: dict[str, dict[str, tuple[Filter, str]]] = {
    "ysq": {
        "本年新收": (received_this_year, "本年度收到的申请"),
        "上年结转": (carried_in, "上年收到、本年初尚未答复的申请"),
        "本年办结": (handled, "本年度作出答复的申请"),
        "结转下年度": (carried_out, "本年底尚未答复的申请"),
        "超期": (lambda r, y: in_report(r, y) and is_late(r, y),
               "超过法定期限答复的申请（20个工作日，延期40个，征求第三方意见的工作日不计），或年底仍未答复且已过期限的"),
        "按时": (lambda r, y: handled(r, y) and not is_late(r, y), "本年度在法定期限内答复的申请"),
    },
    "gwsx": {
        "本年": (lambda r, y: _year_of(r, "印发日期") == y, "本年度印发的公文"),
        "非主动公开": (lambda r, y: _year_of(r, "印发日期") == y and r.values.get("公开属性") != "主动公开",
                  "本年度印发、属性为依申请公开或不予公开的公文"),
        "属性滥用": (lambda r, y: _year_of(r, "印发日期") == y and r.values.get("公开属性") != "主动公开"
                 and r.values.get("上位文件主动公开") == "是",
                 "本年度印发、上位文件主动公开却拟定为依申请公开或不予公开的公文"),
    },
    "fyss": {
        "本年": (lambda r, y: _year_of(r, "收到日期") == y or _open_at(r, y), "本年度收到或本年初尚未审结的案件"),
        "纠正": (lambda r, y: r.values.get("结果") == "结果纠正" and _year_of(r, "结案日期") == y,
               "本年度结果为纠正的案件"),
    },
    "yqhy": {
        "本年": (lambda r, y: _year_of(r, "发现日期") == y, "本年度发现的舆情"),
        "已回应": (lambda r, y: _year_of(r, "发现日期") == y and r.values.get("回应日期") is not None,
                "本年度发现并已回应的舆情"),
        "未回应": (lambda r, y: _year_of(r, "发现日期") == y and r.values.get("回应日期") is None,
                "本年度发现、尚未回应的舆情"),
    },
    "zdgk": {},
    "snjz": {},
}


def _year_of(row: Row, column: str) -> int | None:
    value = row.values.get(column)
    return value.year if isinstance(value, date) else None


def _open_at(row: Row, year: int) -> bool:
    received, closed = row.values.get("收到日期"), row.values.get("结案日期")
    return isinstance(received, date) and received.year < year and (not isinstance(closed, date) or closed.year >= year)


# --- queries --------------------------------------------------------------------


def query_problems(query: Query, fact_type: str) -> list[str]:
    """Why a fact's register query cannot be answered (checked when the scheme loads)."""
    spec = BY_KEY.get(query.file)
    if spec is None:
        return [f"register 的 file“{query.file}”不是已知的台账{suggest(query.file, list(BY_KEY))}"
                f"可用：{'、'.join(BY_KEY)}"]
    out = []
    if query.filter and query.filter not in FILTERS[spec.key]:
        out.append(f"台账 {spec.key} 没有筛选条件“{query.filter}”{suggest(query.filter, list(FILTERS[spec.key]))}"
                   f"可用：{'、'.join(FILTERS[spec.key]) or '（无）'}")
    for name, _ in query.where:
        if spec.column(name) is None:
            out.append(f"台账 {spec.key} 没有列“{name}”{suggest(name, [c.name for c in spec.columns])}")
    if query.sum:
        column = spec.column(query.sum)
        if column is None or column.kind not in ("count", "amount"):
            out.append(f"sum 应为台账 {spec.key} 的数字列")
        elif fact_type != "number":
            out.append("写了 sum 的事实类型应为 number")
    elif fact_type not in ("count", "flag", "items"):
        out.append(f"从台账计数的事实类型应为 count、flag 或 items（求和用 number 加 sum），而不是 {fact_type}")
    return out


def matching(register: Register, query: Query, year: int) -> list[Row]:
    named = FILTERS[register.spec.key].get(query.filter) if query.filter else None
    test = named[0] if named else None
    out = []
    for row in register.rows:
        if test is not None and not test(row, year):
            continue
        if all(row.text(name) == value for name, value in query.where):
            out.append(row)
    return out


def answer(register: Register, query: Query, fact_type: str, year: int) -> Given:
    rows = matching(register, query, year)
    refs = tuple(register.ref(r) for r in rows)
    evidence = tuple(dict.fromkeys((*refs, *(r.text("证据") for r in rows if r.text("证据")))))
    value: FactValue
    if query.sum:
        value = sum((Decimal(v) for r in rows if isinstance(v := r.values.get(query.sum), int | Decimal)), Decimal(0))
    elif fact_type == "flag":
        value = bool(rows)
    elif fact_type == "items":
        value = refs
    else:
        value = len(rows)
    return Given(value, evidence or (register.spec.file,), ((register.spec.file, value),))


def register_facts(scheme: Scheme, registers: Registers) -> tuple[dict[str, dict[str, Given]], list[Problem]]:
    """Every register-backed fact, by row id and fact name; a fact whose register is missing is left out
    (the row then lacks it, as with evidence), and a date the calendar does not know is an error."""
    out: dict[str, dict[str, Given]] = {}
    problems: list[Problem] = []
    for indicator in scheme.all_indicators():
        for spec in indicator.facts:
            query = getattr(spec, "register", None)
            if not isinstance(query, Query):
                continue
            register = registers.get(query.file)
            if register is None:
                continue
            try:
                out.setdefault(indicator.id, {})[spec.name] = answer(register, query, spec.type, registers.year)
            except CalendarGap as exc:
                problems.append(error(register.spec.file, 0, str(exc)))
    return out, problems


def typed_twice(evidence: Any, facts: Mapping[str, Mapping[str, Given]]) -> list[Problem]:
    """A fact typed into evidence that a register already counts: the typed value does not count."""
    out = []
    for ev in evidence:
        counted = facts.get(ev.indicator, {})
        for name, _ in ev.facts:
            if name in counted:
                source = counted[name].per_evidence[0][0]
                out.append(warning(ev.path, dict(ev.fact_lines).get(name, 0),
                                   f"事实“{name}”由台账计算（{source}），这里填写的值不计分；请删去", "register-typed"))
    return out


def filters_markdown() -> str:
    """The named-filter table of docs/registers.md."""
    return "".join(f"| `{key}` | `{name}` | {help} |\n" for key, named in FILTERS.items()
                   for name, (_, help) in named.items())
