"""Tables 二, 三 and 四 of the 政府信息公开工作年度报告, counted from the registers, and their cross-checks.

The labels are those of the national format (国办公开办函〔2021〕30号; the
sources are cited in docs/registers.md). Table 三 is counted from the requests
register (registers/ysq.csv): its columns are the applicant types and 总计, its
rows 一 本年新收, 二 上年结转, 三 the outcomes (each sub-row, each group's
total, （七）总计) and 四 结转下年度继续办理. The format's own cross-checks are
errors of ``check``: per column, 一 + 二 = 三（七） + 四; every group equals the
sum of its sub-rows; 上年结转 equals what last year's report carried to this
year (registers/snjz.csv); and every request answered late is named.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from ..core.problems import Problem, Severity, error, notice
from ..core.workdays import CalendarGap
from ..model.model import Evidence, Given, Scheme
from .registerfacts import (
    carried_in,
    carried_out,
    handled,
    is_late,
    legal_deadline,
    received_this_year,
    register_facts,
    typed_twice,
)
from .registers import APPLICANTS, CASE_KINDS, CASE_RESULTS, OUTCOME_GROUPS, Registers, Row, load_registers, outcome_value

TOTAL = "总计"
COLUMNS = (*APPLICANTS, TOTAL)
COLUMN_HEADS = ("自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计")
NEW, CARRIED_IN, RESULTS, CARRIED_OUT = ("一、本年新收政府信息公开申请数量", "二、上年结转政府信息公开申请数量",
                                         "三、本年度办理结果", "四、结转下年度继续办理")
GRAND = "（七）总计"


@dataclass(frozen=True)
class T3Row:
    label: str  # as the format prints it
    group: str  # the group label for a sub-row, "" otherwise
    counts: Mapping[str, int]  # by column (applicant type and 总计)
    rows: tuple[Row, ...] = ()  # the register rows counted


@dataclass(frozen=True)
class Table2Row:
    section: str  # 第二十条第（一）项 …
    item: str
    figures: tuple[tuple[str, str], ...]  # (column label, figure as text)


@dataclass(frozen=True)
class AnnualTables:
    year: int
    table2: tuple[Table2Row, ...]
    table3: tuple[T3Row, ...]
    table4: tuple[tuple[str, tuple[int, ...]], ...]  # (column group, the 5 figures: 维持, 纠正, 其他, 尚未审结, 总计)
    late: tuple[tuple[Row, date], ...]  # requests answered late (or overdue at the year's end), with their deadline

    def t3(self, label: str) -> T3Row:
        return next(r for r in self.table3 if r.label == label)


def _counts(rows: list[Row]) -> dict[str, int]:
    out = {c: 0 for c in COLUMNS}
    for row in rows:
        kind = row.text("申请人类型")
        if kind in out:
            out[kind] += 1
        out[TOTAL] += 1
    return out


def table3(registers: Registers) -> tuple[T3Row, ...]:
    register = registers.get("ysq")
    rows = list(register.rows) if register else []
    year = registers.year
    out = [T3Row(NEW, "", _counts(new := [r for r in rows if received_this_year(r, year)]), tuple(new)),
           T3Row(CARRIED_IN, "", _counts(old := [r for r in rows if carried_in(r, year)]), tuple(old))]
    done = [r for r in rows if handled(r, year)]
    for group, subs in OUTCOME_GROUPS:
        if not subs:
            hit = [r for r in done if r.text("办理结果") == outcome_value(group, "")]
            out.append(T3Row(group, "", _counts(hit), tuple(hit)))
            continue
        members = []
        for sub in subs:
            hit = [r for r in done if r.text("办理结果") == outcome_value(group, sub)]
            members += hit
            out.append(T3Row(sub, group, _counts(hit), tuple(hit)))
        out.insert(len(out) - len(subs), T3Row(group, "", _counts(members), tuple(members)))
    out.append(T3Row(GRAND, "", _counts(done), tuple(done)))
    out.append(T3Row(CARRIED_OUT, "", _counts(left := [r for r in rows if carried_out(r, year)]), tuple(left)))
    return tuple(out)


TABLE2_LAYOUT: tuple[tuple[str, tuple[str, ...], tuple[tuple[str, str], ...]], ...] = (
    ("第二十条第（一）项", ("规章", "行政规范性文件"),
     (("本年制发件数", "本年制发件数"), ("本年废止件数", "本年废止件数"), ("现行有效件数", "现行有效件数"))),
    ("第二十条第（五）项", ("行政许可",), (("本年处理决定数量", "本年处理决定数量"),)),
    ("第二十条第（六）项", ("行政处罚", "行政强制"), (("本年处理决定数量", "本年处理决定数量"),)),
    ("第二十条第（八）项", ("行政事业性收费",), (("本年收费金额（单位：万元）", "本年收费金额（万元）"),)),
)


def table2(registers: Registers) -> tuple[Table2Row, ...]:
    register = registers.get("zdgk")
    by_kind = {r.text("类别"): r for r in register.rows} if register else {}
    out = []
    for section, items, columns in TABLE2_LAYOUT:
        for item in items:
            row = by_kind.get(item)
            figures = tuple((label, _figure(row.values.get(col)) if row else "0") for label, col in columns)
            out.append(Table2Row(section, item, figures))
    return tuple(out)


def _figure(value: object) -> str:
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return str(value) if value is not None else "0"


TABLE4_GROUPS = ("行政复议", "行政诉讼：未经复议直接起诉", "行政诉讼：复议后起诉")
TABLE4_HEADS = (*CASE_RESULTS, "总计")


def table4(registers: Registers) -> tuple[tuple[str, tuple[int, ...]], ...]:
    register = registers.get("fyss")
    rows = list(register.rows) if register else []
    year = registers.year
    out = []
    for kind, label in zip(CASE_KINDS, TABLE4_GROUPS, strict=True):
        mine = [r for r in rows if r.text("类型") == kind and _case_in_year(r, year)]
        counts = [sum(1 for r in mine if _result(r, year) == result) for result in CASE_RESULTS]
        out.append((label, (*counts, len(mine))))
    return tuple(out)


def _case_in_year(row: Row, year: int) -> bool:
    received, closed = row.values.get("收到日期"), row.values.get("结案日期")
    if not isinstance(received, date) or received.year > year:
        return False
    return received.year == year or not isinstance(closed, date) or closed.year >= year


def _result(row: Row, year: int) -> str:
    closed = row.values.get("结案日期")
    if isinstance(closed, date) and closed.year > year:
        return "尚未审结"
    return row.text("结果")


def late_requests(registers: Registers) -> tuple[tuple[Row, date], ...]:
    register = registers.get("ysq")
    out = []
    for row in register.rows if register else ():
        if (received_this_year(row, registers.year) or carried_in(row, registers.year)) and is_late(row, registers.year):
            due = legal_deadline(row)
            assert due is not None
            out.append((row, due))
    return tuple(out)


def annual_tables(registers: Registers) -> AnnualTables:
    return AnnualTables(registers.year, table2(registers), table3(registers), table4(registers),
                        late_requests(registers))


# --- cross-checks -------------------------------------------------------------------


def cross_checks(registers: Registers) -> list[Problem]:
    """The format's cross-checks, each an error naming the file, the column and the difference."""
    problems = _row_checks(registers)
    register = registers.get("ysq")
    if register is None:
        return problems
    path = register.spec.file
    try:
        tables = annual_tables(registers)
    except CalendarGap as exc:
        return [*problems, error(path, 0, str(exc))]
    problems += _identity(tables, path) + _groups(tables, path) + _carried(tables, registers)
    for row, due in tables.late:
        answered = row.values.get("答复日期")
        when = f"{answered.isoformat()}答复" if isinstance(answered, date) else "至年底未答复"
        problems.append(notice(path, row.number, f"第{row.number}行 申请 {row.text('编号')} 超过法定期限："
                                                   f"期限至 {due.isoformat()}，{when}", "register-late"))
    return problems


def _identity(tables: AnnualTables, path: str) -> list[Problem]:
    out = []
    for column in COLUMNS:
        left = tables.t3(NEW).counts[column] + tables.t3(CARRIED_IN).counts[column]
        right = tables.t3(GRAND).counts[column] + tables.t3(CARRIED_OUT).counts[column]
        if left != right:
            out.append(error(path, 0, f"年报表三“{column}”列：本年新收 + 上年结转 = {left}，办理结果总计 + 结转下年度 = "
                                      f"{right}，相差 {left - right}（有申请的答复日期或办理结果缺失）", "register-sum"))
    return out


def _groups(tables: AnnualTables, path: str) -> list[Problem]:
    out = []
    for group, subs in OUTCOME_GROUPS:
        if not subs:
            continue
        for column in COLUMNS:
            total = tables.t3(group).counts[column]
            parts = sum(r.counts[column] for r in tables.table3 if r.group == group)
            if total != parts:
                out.append(error(path, 0, f"年报表三“{column}”列：{group} {total} 件，其下各项合计 {parts} 件，"
                                          f"相差 {total - parts}", "register-sum"))
    groups = [tables.t3(g).counts for g, _ in OUTCOME_GROUPS]
    for column in COLUMNS:
        if sum(g[column] for g in groups) != tables.t3(GRAND).counts[column]:
            out.append(error(path, 0, f"年报表三“{column}”列：各项办理结果之和不等于（七）总计", "register-sum"))
    return out


def _carried(tables: AnnualTables, registers: Registers) -> list[Problem]:
    stated = registers.get("snjz")
    if stated is None:
        return []
    told = {r.text("申请人类型"): r.values.get("件数") for r in stated.rows}
    out = []
    for column in APPLICANTS:
        said = told.get(column) or 0
        assert isinstance(said, int)
        have = tables.t3(CARRIED_IN).counts[column]
        if have != said:
            out.append(error("registers/ysq.csv", 0,
                             f"年报表三“{column}”列“二、上年结转”：台账中上年收到、本年办结或仍在办理的申请 {have} 件，"
                             f"上年年报结转下年度 {said} 件（registers/snjz.csv），相差 {have - said} 件；"
                             f"请补登漏记的上年申请", "register-carried"))
    return out


def _row_checks(registers: Registers) -> list[Problem]:
    """What one row must hold beyond its cells: an answer has its outcome and follows its receipt."""
    out: list[Problem] = []
    ysq = registers.get("ysq")
    for row in ysq.rows if ysq else ():
        path, n = ysq.spec.file if ysq else "", row.number
        received, answered = row.values.get("收到日期"), row.values.get("答复日期")
        if answered is not None and not row.text("办理结果"):
            out.append(error(path, n, f"第{n}行 列“办理结果”：已写答复日期，须填写办理结果", "register-cell"))
        if row.text("办理结果") and answered is None:
            out.append(error(path, n, f"第{n}行 列“答复日期”：已写办理结果，须填写答复日期", "register-cell"))
        if isinstance(received, date) and isinstance(answered, date) and answered < received:
            out.append(error(path, n, f"第{n}行 列“答复日期”：{answered.isoformat()} 早于收到日期 {received.isoformat()}",
                             "register-cell"))
    gwsx = registers.get("gwsx")
    for row in gwsx.rows if gwsx else ():
        if row.text("公开属性") in ("依申请公开", "不予公开") and not row.text("理由"):
            out.append(error(gwsx.spec.file if gwsx else "", row.number,
                             f"第{row.number}行 列“理由”：公开属性为{row.text('公开属性')}的公文须写明理由", "register-cell"))
    out += _decision_checks(registers)
    fyss = registers.get("fyss")
    for row in fyss.rows if fyss else ():
        if (row.text("结果") == "尚未审结") == (row.values.get("结案日期") is not None):
            need = "尚未审结的不填结案日期" if row.text("结果") == "尚未审结" else "已审结的须填写结案日期"
            out.append(error(fyss.spec.file if fyss else "", row.number, f"第{row.number}行 列“结案日期”：{need}",
                             "register-cell"))
    return out


# Which figures each row of the 主动公开数据台账 must give (table 二's columns for its kind).
DECISION_COLUMNS = {"规章": ("本年制发件数", "本年废止件数", "现行有效件数"),
                    "行政规范性文件": ("本年制发件数", "本年废止件数", "现行有效件数"),
                    "行政许可": ("本年处理决定数量",), "行政处罚": ("本年处理决定数量",), "行政强制": ("本年处理决定数量",),
                    "行政事业性收费": ("本年收费金额（万元）",)}


def _decision_checks(registers: Registers) -> list[Problem]:
    zdgk = registers.get("zdgk")
    out: list[Problem] = []
    for row in zdgk.rows if zdgk else ():
        for column in DECISION_COLUMNS.get(row.text("类别"), ()):
            if row.values.get(column) is None:
                out.append(error(zdgk.spec.file if zdgk else "", row.number,
                                 f"第{row.number}行 列“{column}”：类别为{row.text('类别')}的行须填写（没有写0）",
                                 "register-cell"))
    return out


def read_registers(root: Path, scheme: Scheme, evidence: tuple[Evidence, ...]
                   ) -> tuple[Registers, dict[str, dict[str, Given]], list[Problem]]:
    """The project's registers, the facts they count for the scheme's rows, and every register problem."""
    registers, problems = load_registers(root, scheme.year)
    # A register whose cells are wrong is not cross-checked: its sums would only repeat the cell errors.
    broken = {p.path for p in problems if p.severity == Severity.ERROR}
    problems += cross_checks(Registers(registers.year, {k: r for k, r in registers.by_key.items()
                                                       if r.spec.file not in broken}))
    counted, more = register_facts(scheme, registers)
    return registers, counted, [*problems, *more, *typed_twice(evidence, counted)]
