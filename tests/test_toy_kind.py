"""A rule kind is one class: a kind defined and registered here, outside scoring/, works everywhere.

``toy_threshold`` (deduct once when a count exceeds a limit) is declared in this
file only, with a parameter type of its own, and registered for this module
alone (``rules.registered``; other test files, on this worker or another, never
see it). It goes through the check (type and value errors with file and line),
the score (a hand-computed row, and the worst case when evidence is absent),
export-scheme → import (with the settings sheet, and read from the table's words
by its declared phrasing), the generated JSON Schema and the generated docs table.
"""

from __future__ import annotations

import csv
import io
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, ClassVar

import pytest
from office_files import without_settings

from scoring.cli.main import main
from scoring.core.figures import fmt
from scoring.core.yamlio import load_yaml
from scoring.gather.pipeline import check_and_score
from scoring.importer.settings import plain
from scoring.model import formats, rules
from scoring.model.model import Context, Given, Line
from scoring.model.params import POINTS, Env, ParamType, fact, param
from scoring.model.rules.base import BaseRule, Phrasing, count_of, ok
from scoring.render import tables

MINI = Path(__file__).resolve().parent / "fixtures" / "mini"


def _times(value: Any, env: Env) -> Decimal:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ValueError(f"“{value}”不是次数（应为 0 或正整数）")
    return Decimal(value)


TIMES = ParamType("次数", _times, lambda: {"type": "integer", "minimum": 0})


@dataclass(frozen=True, kw_only=True)
class ToyThreshold(BaseRule, register=False):
    kind: ClassVar[str] = "toy_threshold"
    label: ClassVar[str] = "超过次数扣分"
    summary: ClassVar[str] = "次数超过上限时扣固定分值一次"
    phrasings: ClassVar[tuple[str, ...]] = ("被通报超过3次的，扣2分",)
    import_phrases: ClassVar[tuple[Phrasing, ...]] = (
        Phrasing("超过次数扣分", r"超过\s*(?P<limit>\d+)\s*次", amount="deduct"),)
    examples: ClassVar[tuple[str, ...]] = ("{kind: toy_threshold, fact: 被通报次数, limit: 3, deduct: 2}",)
    fact: str = field(metadata=param(fact("count"), "计数的事实：发生了几次"))
    limit: Decimal = field(metadata=param(TIMES, "不扣分的最多次数"))
    deduct: Decimal = field(metadata=param(POINTS, "超过时扣的分值，只扣一次"))

    def max_deduction(self, points: Decimal) -> Decimal | None:
        return self.deduct

    def fixed_deduction(self, points: Decimal) -> Decimal | None:
        return self.deduct

    def describe(self) -> str:
        return f"“{self.fact}”超过{fmt(self.limit)}次的，扣{fmt(self.deduct)}分"

    def compute(self, ctx: Context) -> list[Line]:
        given = ctx.facts[self.fact]
        times = count_of(given)
        if times > self.limit:
            return [Line(-self.deduct, f"“{self.fact}”{times}次，超过{fmt(self.limit)}次，扣{fmt(self.deduct)}分",
                         given.evidence)]
        return [ok(f"“{self.fact}”{times}次，未超过{fmt(self.limit)}次", given)]


ROW = """\
  - id: zuzhi.tongbao
    level2: 通报
    level3: 被通报情况
    points: 3
    units: [综合组]
    text: {deduction: 被通报超过3次的，扣2分}
    facts:
      被通报次数: {type: count, unit: 次, help: 被上级通报的次数}
    rules:
      - {kind: toy_threshold, fact: 被通报次数, limit: LIMIT, deduct: DEDUCT, text: 被通报超过3次的，扣2分}
"""
EVIDENCE = """\
---
indicator: zuzhi.tongbao
unit: 综合组
date: 2021-06-01
title: 通报情况统计
kind: 台账
facts:
  被通报次数: 5
---
通报情况统计。
"""


@pytest.fixture(scope="module", autouse=True)
def toy() -> Iterator[None]:
    """The toy kind is registered for this module only, and gone afterwards."""
    assert "toy_threshold" not in rules.KINDS
    with rules.registered(ToyThreshold):
        yield
    assert "toy_threshold" not in rules.KINDS


def project(root: Path, limit: str = "3", deduct: str = "2", evidence: bool = True) -> Path:
    shutil.copytree(MINI, root)
    level = root / "indicators" / "01-zuzhi.yaml"
    level.write_text(level.read_text(encoding="utf-8") + ROW.replace("LIMIT", limit).replace("DEDUCT", deduct),
                     encoding="utf-8")
    if evidence:
        (root / "evidence" / "zonghe" / "tongbao.md").write_text(EVIDENCE, encoding="utf-8")
    return root


def row_of(root: Path, ident: str) -> dict[str, str]:
    text = tables.to_csv(check_and_score(root).table).decode("utf-8-sig")
    return next(r for r in csv.DictReader(io.StringIO(text)) if r["编号"] == ident)


@pytest.fixture(scope="module")
def toy_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return project(tmp_path_factory.mktemp("toy") / "p")


def _check(root: Path, capsys: pytest.CaptureFixture[str]) -> str:
    assert main(["check", "--project", str(root)]) == 1
    return "".join(capsys.readouterr())


def test_check_reports_the_toy_kinds_bad_values_and_fact_types_with_file_and_line(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = (MINI / "indicators" / "01-zuzhi.yaml").read_text(encoding="utf-8")
    line = len(text.splitlines()) + ROW.splitlines().index(
        "      - {kind: toy_threshold, fact: 被通报次数, limit: LIMIT, deduct: DEDUCT, text: 被通报超过3次的，扣2分}") + 1
    said = _check(project(tmp_path / "limit", limit="2.5"), capsys)
    assert f"indicators/01-zuzhi.yaml:{line}: 错误：指标 zuzhi.tongbao：规则 toy_threshold 的参数 limit 无效：" \
           "“2.5”不是次数（应为 0 或正整数）" in said, said
    said = _check(project(tmp_path / "deduct", deduct="-1"), capsys)
    assert f"01-zuzhi.yaml:{line}: " in said and "规则 toy_threshold 的参数 deduct 无效：分值不能为负数" in said, said
    flag = project(tmp_path / "flag")
    level = flag / "indicators" / "01-zuzhi.yaml"
    level.write_text(level.read_text(encoding="utf-8").replace("被通报次数: {type: count", "被通报次数: {type: flag"),
                     encoding="utf-8")
    said = _check(flag, capsys)
    assert f"01-zuzhi.yaml:{line}: " in said and "toy_threshold 的 fact 需要 count 类型的事实，“被通报次数”是 flag" in said, said


def test_the_toy_kind_scores_its_row_by_hand_and_takes_the_worst_case_without_evidence(
        toy_project: Path, tmp_path: Path) -> None:
    row = row_of(toy_project, "zuzhi.tongbao")
    assert (row["自评得分"], row["扣分"]) == ("1", "2")  # 5 times > 3: 3 − 2
    assert "“被通报次数”5次，超过3次，扣2分" in row["失分原因"]
    bare = row_of(project(tmp_path / "bare", evidence=False), "zuzhi.tongbao")
    assert (bare["自评得分"], bare["扣分"]) == ("1", "2")
    assert "未提供“被通报次数”的证据，按最不利情形扣2分" in bare["失分原因"]
    rule = rules.parse_rule({"kind": "toy_threshold", "fact": "n", "limit": 3, "deduct": 2})
    assert [ln.amount for ln in rule.apply(Context({"n": Given(3, ("e",))}, Decimal(3)))] == [0]
    assert rule.apply(Context({}, Decimal(3), optional=True))[0].reason == "未发现“n”所列情形"
    assert rule.signature() == ("toy_threshold", 3, 2)  # the importer compares the limit and the amount


def _parsed(root: Path) -> dict[str, Any]:
    return {p.name: plain(load_yaml(p.read_text(encoding="utf-8"))) for p in sorted((root / "indicators").glob("*.yaml"))}


def test_export_then_import_keeps_the_toy_rule_and_reads_it_from_the_tables_words(
        toy_project: Path, tmp_path: Path) -> None:
    out = tmp_path / "export"
    assert main(["export-scheme", "--project", str(toy_project), "--out", str(out)]) == 0
    back = tmp_path / "back"
    assert main(["import", str(out / "scheme-export.xlsx"), "--to", str(back)]) == 0
    assert _parsed(back) == _parsed(toy_project)
    words = tmp_path / "words"
    table = without_settings(out / "scheme-export.xlsx", tmp_path / "t.xlsx")
    assert main(["import", str(table), "--to", str(words), "--year", "2021"]) == 0
    imported = [r for f in _parsed(words).values() if isinstance(f, dict) for r in _rows(f)]
    toy_rules = [rule for r in imported for rule in r.get("rules", ()) if rule["kind"] == "toy_threshold"]
    assert [(r["limit"], r["deduct"]) for r in toy_rules] == [(3, 2)], imported
    assert "超过次数扣分（toy_threshold） | 1 |" in (words / "import-report.md").read_text(encoding="utf-8")


def _rows(data: dict[str, Any]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for item in data.get("rows") or ():
        out += _rows(item) if "rows" in item else [item]
    return out


def test_the_schema_and_the_docs_table_list_the_toy_kind() -> None:
    variants = formats.schemas()["level.schema.json"]["$defs"]["rule"]["oneOf"]
    toy = next(v for v in variants if v["properties"]["kind"]["const"] == "toy_threshold")
    assert toy["required"] == ["kind", "fact", "limit", "deduct"]
    assert toy["properties"]["limit"]["type"] == "integer" and toy["properties"]["limit"]["description"] == "不扣分的最多次数"
    docs = rules.docs_markdown()
    assert "| `toy_threshold` | 超过次数扣分 | 次数超过上限时扣固定分值一次 | 「被通报超过3次的，扣2分」 |" in docs
    assert "| `limit` | 次数 | 必填 | 不扣分的最多次数 |" in docs
    assert "```yaml\n- {kind: toy_threshold, fact: 被通报次数, limit: 3, deduct: 2}\n```" in docs
