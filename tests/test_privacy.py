"""Personal data in evidence: what is found, on which line, and what a reviewed entry silences."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from scoring.core.problems import Problem
from scoring.load.load import load_scheme
from scoring.load.loadevidence import load_evidence
from scoring.load.privacy import (
    BANK_CARD,
    EMAIL,
    ID_NUMBER,
    LABELS,
    MOBILE,
    REVIEWED_KEY,
    Finding,
    _find_personal_data,
    find_personal_data,
    fingerprint,
    luhn,
    valid_id_number,
)

ROOT = Path(__file__).resolve().parent.parent

ID = "11010519491231002X"  # the GB 11643 example: check digit X
CARD = "6222021234567890128"  # UnionPay prefix, Luhn digit 8
PHONE = "13812345678"
MAIL = "zhang.san@example.com"

EVIDENCE = f"""---
indicator: gongkai.jiancha
unit: 办公室
date: 2021-07-28
title: 7月县级标准目录执行情况检查
kind: 工作报告
facts:
  检查日期: 2021-07-28
{{reviewed}}---
检查记录。

- 身份证号码见登记表：{ID}
- 手机 {PHONE}

退款账户 {CARD}，回执发至 {MAIL}。
"""


def write(project: Path, reviewed: str = "") -> Path:
    path = project / "evidence" / "bgs" / "siren.md"
    path.write_text(EVIDENCE.replace("{reviewed}", reviewed), encoding="utf-8")
    return path


def personal(project: Path) -> list[Problem]:
    scheme, problems = load_scheme(project)
    assert scheme is not None, problems
    _, evidence_problems = load_evidence(project, scheme)
    return [p for p in evidence_problems if p.code.startswith(("personal-data", "bad-reviewed"))]


def test_four_kinds_are_warned_with_file_and_line(mini: Path) -> None:
    write(mini)
    found = personal(mini)
    assert [(p.path, p.line, p.severity.value) for p in found] == [
        ("evidence/bgs/siren.md", 12, "警告"),
        ("evidence/bgs/siren.md", 13, "警告"),
        ("evidence/bgs/siren.md", 15, "警告"),
        ("evidence/bgs/siren.md", 15, "警告"),
    ]
    text = "\n".join(p.format() for p in found)
    for kind in (ID_NUMBER, MOBILE, BANK_CARD, EMAIL):
        assert f"疑似个人信息（{kind}）" in text
    assert "evidence/bgs/siren.md:12: 警告：疑似个人信息（身份证号）“110***********002X”" in text
    # the message never repeats a full value: it would land in CI logs
    for value in (ID, CARD, PHONE, MAIL):
        assert value not in text
    assert f"{REVIEWED_KEY} 中登记 {{内容: \"{fingerprint(ID)}\"" in text


def test_reviewed_findings_are_not_reported(mini: Path) -> None:
    reviewed = (f"{REVIEWED_KEY}:\n"
                f"  - {{内容: \"{ID}\", 理由: 本人同意公开}}\n"
                f"  - {{内容: 138-1234-5678, 理由: 本人同意公开}}\n"
                f"  - {{内容: \"{fingerprint(CARD)}\", 理由: 单位对公账户}}\n")
    write(mini, reviewed)
    found = personal(mini)
    assert [(p.line, p.message[:12]) for p in found] == [(19, "疑似个人信息（电子邮箱）")]


def test_stale_and_malformed_reviewed_entries(mini: Path) -> None:
    reviewed = (f"{REVIEWED_KEY}:\n"
                f"  - {{内容: 13900000000, 理由: 早已删除}}\n"
                f"  - {{内容: \"{MAIL}\"}}\n")
    write(mini, reviewed)
    found = personal(mini)
    by_code = {(p.code, p.line) for p in found}
    assert ("personal-data-unused", 10) in by_code
    assert ("bad-reviewed", 11) in by_code
    # the malformed entry accepts nothing, and the listed values are not findings themselves
    assert sorted(p.line for p in found if p.code == "personal-data") == [15, 16, 18, 18]


def test_the_sample_has_no_personal_data() -> None:
    """Every hit on the sample was looked at: masked names (李某某), companies, dates, 文号."""
    scheme, _ = load_scheme(ROOT)
    assert scheme is not None
    _, evidence_problems = load_evidence(ROOT, scheme)
    assert [p.format() for p in evidence_problems if p.code.startswith("personal")] == []


def kinds(text: str) -> list[tuple[str, str, int]]:
    return [(f.kind, f.text, f.line) for f in find_personal_data(text)]


@pytest.mark.parametrize("text", [
    "会议于2021年3月18日召开，文号晋市审管发〔2021〕35号，2021-03-18 印发。",
    "资金 13800000000.50 元，合计 1,380,000,000 元。",
    "统一社会信用代码 911405007870123456，受理编号 202112030001234567。",
    "流水号 2021121513812345678 与单号 813812345678。",
    "证照编号 140502199013071234（月份 13 不存在）。",
    "网址 https://xzspj.jcgov.gov.cn/art/2021/6/30/art_1234_567890123.html",
    "申请人：李某某\n申请人：某建材有限公司\n联系人：无\n姓名：见附件\n告知申请人：应当补正",
    "| 序号 | 申请人 |\n|---|---|\n| 1 | 群众赵某 |\n| 2 | 某建筑工程有限公司 |",
    "电话：0356-2023456，地址：晋城市泽州路1号",
    "版本 v1.13812345678，坐标 113.812345678",
])
def test_no_false_positives(text: str) -> None:
    assert kinds(text) == []


def test_each_detector_and_its_line() -> None:
    text = ("第一行\n"
            f"- **申请人**：张三\n"
            f"身份证号：{ID.lower()}，电话 +86 138-1234-5678\n"
            "卡号 6222 0212 3456 7890 128 邮箱 Wang_Wu@Mail.Example.CN\n"
            "| 序号 | 姓名 | 事由 |\n|---|---|---|\n| 1 | 李四 | 咨询 |\n")
    assert kinds(text) == [
        ("申请人信息", "**申请人**：张三", 2),
        (ID_NUMBER, ID.lower(), 3),
        (MOBILE, "+86 138-1234-5678", 3),
        (BANK_CARD, "6222 0212 3456 7890 128", 4),
        (EMAIL, "Wang_Wu@Mail.Example.CN", 4),
        ("姓名", "李四", 7),
    ]
    first = find_personal_data(text, first_line=10)[0]
    assert first.line == 11 and first.value == "张三"


def test_full_width_digits_and_values() -> None:
    found = find_personal_data("手机：１３８１２３４５６７８")
    assert found == [Finding(MOBILE, "１３８１２３４５６７８", PHONE, 1)]
    assert found[0].masked == "138****5678"


def test_check_digits() -> None:
    assert valid_id_number(ID) and not valid_id_number(ID[:-1] + "1")
    assert not valid_id_number("990105194912310021")  # no province 99
    assert luhn(CARD) and not luhn(CARD[:-1] + "9")
    assert find_personal_data(CARD[:-1] + "9") == []  # fails Luhn, so not a card
    assert [f.kind for f in find_personal_data(ID[:-1] + "1")] == []  # wrong check digit, not 19 digits


# Pieces that make or nearly make every kind of finding, full-width forms included.
_PIECES = st.sampled_from([
    *"0123456789０１２３４５６７８９", "138", "1381234", "1234", "6222", "0212", "11010519491231002", "X", "x",
    " ", "-", "－", "+86", "00", ".", "＠", "@", "a", "Mail", ".cn", "\n", "|", "|---|", "：", ":", "**",
    *LABELS, "张三", "李某某", "有限公司", "，", "中", "\u3000",
])


@settings(max_examples=400, deadline=None, derandomize=True, database=None)
@given(st.lists(_PIECES, max_size=40).map("".join))
@example("手机：１３８１２３４５６７８")
@example("卡 6222 0212 3456 7890 128")
@example("手机 138－1234－5678")
@example("| 序号 | 户籍地址 |\n|---|---|\n| 1 | 某路 |")
def test_the_quick_hints_skip_only_what_the_detectors_would_not_find(text: str) -> None:
    """The pre-filter in find_personal_data gives exactly what every detector run in full gives."""
    assert find_personal_data(text, 3) == _find_personal_data(text, 3)
