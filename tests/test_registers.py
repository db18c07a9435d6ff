"""Registers (台账): reading and checking cells, the legal deadline, facts counted from registers,
table 三 of the annual report and its cross-checks.

Table 三 is checked against a count written here from the CSV itself, not through scoring/.
"""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
from collections import Counter
from datetime import date
from pathlib import Path

import jsonschema
import pytest

from scoring.core.problems import Severity
from scoring.core.workdays import CalendarGap, deadline
from scoring.registers import registerfacts, registers
from scoring.registers.annualtables import CARRIED_IN, CARRIED_OUT, COLUMNS, GRAND, NEW, annual_tables, cross_checks
from scoring.registers.registers import BY_KEY, Registers, load_registers, read_register

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "registers.md"


@pytest.fixture(scope="module")
def sample() -> Registers:
    found, problems = load_registers(ROOT, 2021)
    assert [p for p in problems if p.severity == Severity.ERROR] == []
    return found


# --- the legal deadline ----------------------------------------------------------


def test_national_day_2021_and_its_make_up_days() -> None:
    """Received 2021-09-28: 1–7 October off, Saturday 9 October worked → the 20th working day is 1 November."""
    assert deadline(date(2021, 9, 28)) == date(2021, 11, 1)
    row = registers.Row(2, {"收到日期": date(2021, 9, 28), "答复日期": date(2021, 11, 1), "延期答复": False})
    assert not registerfacts.is_late(row, 2021)
    late = registers.Row(3, {"收到日期": date(2021, 9, 28), "答复日期": date(2021, 11, 2), "延期答复": False})
    assert registerfacts.is_late(late, 2021)
    extended = registers.Row(4, {"收到日期": date(2021, 9, 28), "答复日期": date(2021, 11, 2), "延期答复": True})
    assert not registerfacts.is_late(extended, 2021)
    paused = registers.Row(5, {"收到日期": date(2021, 9, 28), "答复日期": date(2021, 11, 2), "征求第三方意见工作日": 1})
    assert not registerfacts.is_late(paused, 2021)


def test_a_date_beyond_the_calendar_is_an_error_not_a_guess() -> None:
    with pytest.raises(CalendarGap, match="超出节假日日历的范围"):
        deadline(date(2031, 3, 2))


# --- reading cells --------------------------------------------------------------------

HEADER = "编号,收到日期,申请人类型,申请人,申请内容,办理结果,答复日期,延期答复,征求第三方意见工作日,证据,备注\n"


def test_bad_cells_and_headers_are_named_by_file_row_and_column() -> None:
    text = (HEADER.replace("收到日期", "收到日斯")
            + "2021-001,2021-13-05,自然人,张某,某事,予以公开,2021-02-01,否,,,\n"
            + "2021-002,2021-01-05,自然人,张某,某事,予以公门,2021-02-01,否,,,\n")
    _, problems = read_register(BY_KEY["ysq"], text, "registers/ysq.csv")
    messages = [p.format() for p in problems]
    assert any("registers/ysq.csv:1:" in m and "B列" in m and "“收到日斯”" in m and "是否为 收到日期" in m
               for m in messages), messages
    assert any("缺少必填的列“收到日期”" in m for m in messages)
    _, problems = read_register(BY_KEY["ysq"], HEADER + "2021-001,2021-13-05,自然人,张某,某事,予以公开,2021-02-01,否,,,\n"
                                + "2021-002,2021-01-05,自然人,张某,某事,予以公门,2021-02-01,否,,,\n", "registers/ysq.csv")
    messages = [p.format() for p in problems]
    assert any(m.startswith("registers/ysq.csv:2:") and "B列“收到日期”" in m and "不是存在的日期" in m for m in messages)
    assert any(m.startswith("registers/ysq.csv:3:") and "F列“办理结果”" in m and "是否为 予以公开" in m for m in messages)


def test_a_file_saved_by_excel_or_wps_reads_the_same() -> None:
    """BOM and CRLF (CSV UTF-8), GBK (plain CSV of Chinese Excel, with a warning), dates re-typed as 2021/9/28."""
    plain = (ROOT / "registers" / "ysq.csv").read_bytes()
    text, _ = registers.decode_csv(plain)
    want, problems = read_register(BY_KEY["ysq"], text, "x")
    assert problems == [] and len(want.rows) >= 30
    rows = list(csv.reader(text.lstrip("\ufeff").splitlines()))
    for row in rows[1:]:  # Excel shows and saves ISO dates in the system's short form
        for i in (1, 6):
            if row[i]:
                y, m, d = row[i].split("-")
                row[i] = f"{y}/{int(m)}/{int(d)}"
    excel = "\r\n".join(",".join(f'"{c}"' if "," in c else c for c in r) for r in rows) + "\r\n,,,,,,,,,,\r\n"
    for data in ("\ufeff" + excel).encode("utf-8"), excel.encode("gb18030"):
        decoded, _ = registers.decode_csv(data)
        got, problems = read_register(BY_KEY["ysq"], decoded, "x")
        assert problems == []
        assert got.rows == want.rows
    assert registers.decode_csv(excel.encode("gb18030"))[1] == "gbk"


def test_gbk_is_read_with_a_warning(tmp_path: Path) -> None:
    (tmp_path / "registers").mkdir()
    (tmp_path / "registers" / "snjz.csv").write_bytes("申请人类型,件数\r\n自然人,2\r\n".encode("gb18030"))
    found, problems = load_registers(tmp_path, 2021)
    assert [p.severity for p in problems] == [Severity.WARNING] and "CSV UTF-8" in problems[0].message
    assert found.by_key["snjz"].rows[0].values == {"申请人类型": "自然人", "件数": 2}


# --- table 三, counted independently ------------------------------------------------------


def _independent_count() -> dict[str, Counter[str]]:
    """Table 三 straight from the CSV: ISO dates compare as text; outcome words as the register writes them."""
    with open(ROOT / "registers" / "ysq.csv", encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    out: dict[str, Counter[str]] = {k: Counter() for k in ("new", "old", "done", "left")}
    for r in rows:
        kind, got, answered = r["申请人类型"], r["收到日期"], r["答复日期"]
        if got.startswith("2021"):
            out["new"][kind] += 1
        if got < "2021" and (not answered or answered >= "2021"):
            out["old"][kind] += 1
        if answered.startswith("2021"):
            out["done"][kind] += 1
            out["done:" + r["办理结果"]] = out.get("done:" + r["办理结果"], Counter()) + Counter({kind: 1})
        if got < "2022" and (not answered or answered >= "2022"):
            out["left"][kind] += 1
    return out


def test_table_three_equals_a_count_of_the_register(sample: Registers) -> None:
    tables = annual_tables(sample)
    want = _independent_count()
    for label, key in ((NEW, "new"), (CARRIED_IN, "old"), (GRAND, "done"), (CARRIED_OUT, "left")):
        counts = tables.t3(label).counts
        for column in COLUMNS[:-1]:
            assert counts[column] == want[key][column], (label, column)
        assert counts["总计"] == sum(want[key].values())
    assert tables.t3(NEW).counts["总计"] == 30 and tables.t3(CARRIED_IN).counts["总计"] == 3
    assert tables.t3("（一）予以公开").counts["自然人"] == want["done:予以公开"]["自然人"]
    assert tables.t3("4.保护第三方合法权益").counts["总计"] == sum(want["done:不予公开：保护第三方合法权益"].values())
    assert [row.text("编号") for row, _ in tables.late] == ["2021-019", "2021-024"]
    assert dict(tables.table4)["行政复议"] == (0, 1, 0, 0, 1)


def test_the_cross_checks_hold_on_the_sample(sample: Registers) -> None:
    assert [p.format() for p in cross_checks(sample) if p.severity == Severity.ERROR] == []
    tables = annual_tables(sample)
    for column in COLUMNS:
        assert (tables.t3(NEW).counts[column] + tables.t3(CARRIED_IN).counts[column]
                == tables.t3(GRAND).counts[column] + tables.t3(CARRIED_OUT).counts[column])


def test_a_register_missing_a_carried_over_request_fails_check(tmp_path: Path) -> None:
    project = tmp_path / "p"
    for part in ("indicators", "evidence", "registers"):
        shutil.copytree(ROOT / part, project / part)
    path = project / "registers" / "ysq.csv"
    lines = path.read_text(encoding="utf-8-sig").splitlines(keepends=True)
    path.write_text("\ufeff" + "".join(ln for ln in lines if not ln.startswith("2020-033")), encoding="utf-8")
    done = subprocess.run([sys.executable, str(ROOT / "build.py"), "check", "--project", str(project)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1, done.stdout + done.stderr
    out = done.stdout + done.stderr
    assert "registers/ysq.csv: 错误：年报表三“自然人”列“二、上年结转”" in out and "相差 -1 件" in out, out


# --- facts counted from registers -------------------------------------------------------------


def test_a_fact_counted_from_a_register_names_its_rows() -> None:
    from scoring.gather.pipeline import check_and_score

    table = check_and_score(ROOT).table
    row = table.row("zdgk.shuxing")
    assert row is not None and row.deduction == 0.5
    (line,) = [ln for ln in row.lines if ln.amount]
    assert "gwsx:晋市审管发〔2021〕31号" in line.evidence
    taizhang = table.row("zdgk.taizhang")
    assert taizhang is not None and taizhang.deduction == 0 and taizhang.status == "complete"


def test_a_register_query_is_checked_against_the_declarations() -> None:
    from scoring.model.formats import RegisterQueryKeys

    assert registerfacts.query_problems(RegisterQueryKeys(file="gwsx", filter="属性滥用"), "count") == []
    (bad,) = registerfacts.query_problems(RegisterQueryKeys(file="gwsx", filter="属性烂用"), "count")
    assert "是否为 属性滥用" in bad
    (bad,) = registerfacts.query_problems(RegisterQueryKeys(file="gwxs"), "count")
    assert "是否为 gwsx" in bad


# --- declarations → schemas and docs --------------------------------------------------------------


def test_schemas_and_docs_are_what_the_declarations_give(update_golden: bool) -> None:
    folder = ROOT / "schemas" / "registers"
    if update_golden:
        registers.write_schemas(folder)
    made = registers.schemas()
    assert sorted(p.name for p in folder.glob("*.json")) == sorted(made)
    for name, schema in made.items():
        jsonschema.Draft202012Validator.check_schema(schema)
        assert json.loads((folder / name).read_text(encoding="utf-8")) == schema, f"{name}: python -m scoring.cli.schemas"
    text = DOC.read_text(encoding="utf-8")
    fresh = text
    for marker, body in (("register-columns", registers.docs_markdown()),
                         ("register-filters", registerfacts.filters_markdown())):
        start, end = f"<!-- {marker}:start -->\n", f"<!-- {marker}:end -->"
        head, rest = fresh.split(start)
        _, tail = rest.split(end)
        fresh = head + start + body + end + tail
    if update_golden:
        DOC.write_text(fresh, encoding="utf-8")
    assert text == fresh, "docs/registers.md is stale (pytest --update-golden)"


def test_every_sample_register_row_validates_against_its_schema() -> None:
    for spec in registers.REGISTERS:
        path = ROOT / spec.file
        with open(path, encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.DictReader(handle))
        validator = jsonschema.Draft202012Validator(registers.schemas()[f"{spec.key}.schema.json"])
        assert [e.message for e in validator.iter_errors(rows)] == [], spec.file


# --- inline registers -------------------------------------------------------------------------------


def _inline(**files: str) -> Registers:
    found = {}
    for key, text in files.items():
        register, problems = read_register(BY_KEY[key], text, f"registers/{key}.csv")
        assert problems == []
        found[key] = register
    return Registers(2021, found)


def test_an_answer_without_its_outcome_breaks_the_sums_and_is_named() -> None:
    found = _inline(ysq=HEADER + "2021-001,2021-03-01,商业企业,某公司,某事,,2021-03-10,否,,,\n")
    messages = [p.format() for p in cross_checks(found) if p.severity == Severity.ERROR]
    assert "registers/ysq.csv:2: 错误：第2行 列“办理结果”：已写答复日期，须填写办理结果" in messages
    assert any("“商业企业”列：各项办理结果之和不等于（七）总计" in m for m in messages)


def test_table_two_rows_need_the_figures_of_their_kind() -> None:
    head = "类别,本年制发件数,本年废止件数,现行有效件数,本年处理决定数量,本年收费金额（万元）,数据来源\n"
    found = _inline(zdgk=head + "行政许可,,,,,,审批系统\n行政事业性收费,,,,,1.25,财务\n")
    (problem,) = [p for p in cross_checks(found) if p.severity == Severity.ERROR]
    assert problem.format() == "registers/zdgk.csv:2: 错误：第2行 列“本年处理决定数量”：类别为行政许可的行须填写（没有写0）"
    fee = annual_tables(found).table2[-1]
    assert fee.item == "行政事业性收费" and fee.figures == (("本年收费金额（单位：万元）", "1.25"),)


def test_a_query_counts_sums_and_filters_by_column() -> None:
    from decimal import Decimal

    from scoring.model.formats import RegisterQueryKeys

    head = "类别,本年制发件数,本年废止件数,现行有效件数,本年处理决定数量,本年收费金额（万元）,数据来源\n"
    found = _inline(zdgk=head + "行政许可,,,,120,,甲\n行政处罚,,,,3,,乙\n行政强制,,,,0,,乙\n")
    register = found.by_key["zdgk"]
    total = registerfacts.answer(register, RegisterQueryKeys(file="zdgk", sum="本年处理决定数量"), "number", 2021)
    assert total.value == Decimal(123)
    some = registerfacts.answer(register, RegisterQueryKeys(file="zdgk", where=(("数据来源", "乙"),)), "items", 2021)
    assert some.value == ("zdgk:行政处罚", "zdgk:行政强制") and some.evidence == some.value
    late = _inline(ysq=HEADER + "2021-019,2021-09-28,自然人,甲,某事,予以公开,2021-11-02,否,,ev-1,\n"
                   + "2021-020,2021-09-28,自然人,乙,某事,予以公开,2021-11-01,否,,,\n").by_key["ysq"]
    got = registerfacts.answer(late, RegisterQueryKeys(file="ysq", filter="超期"), "count", 2021)
    assert got.value == 1 and got.evidence == ("ysq:2021-019", "ev-1")


def test_a_date_beyond_the_calendar_fails_check_at_the_register() -> None:
    found = _inline(ysq=HEADER + "2031-001,2031-03-03,自然人,甲,某事,予以公开,2031-03-20,否,,,\n")
    found = Registers(2031, found.by_key)
    (problem,) = [p for p in cross_checks(found) if p.severity == Severity.ERROR]
    assert problem.path == "registers/ysq.csv" and "超出节假日日历的范围（2004—2026年）" in problem.message
