"""The score tables as files: deterministic, readable back, in the original columns."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from scoring.cli.main import main

ENV = {"SOURCE_DATE_EPOCH": "1638316800"}  # 2021-12-01


def test_score_writes_identical_bytes_twice(mini: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", ENV["SOURCE_DATE_EPOCH"])
    other = tmp_path / "other"
    shutil.copytree(mini, other)
    assert main(["score", "--project", str(mini)]) == 0
    assert main(["score", "--project", str(other)]) == 0
    for name in ("scores.json", "scores.csv", "scores.xlsx"):
        assert (mini / "build" / name).read_bytes() == (other / "build" / name).read_bytes(), name
    out = capsys.readouterr().out
    assert "总分 7.9 / 11（折算百分制 71.82）　等次：一般" in out
    assert "-1  缺少“丙”，扣1分（证据：yanjiu）" in out


def test_tables_read_back(mini: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", ENV["SOURCE_DATE_EPOCH"])
    assert main(["score", "--project", str(mini)]) == 0
    build = mini / "build"
    doc = json.loads((build / "scores.json").read_text(encoding="utf-8"))
    assert doc["schema"] == 2 and doc["total"]["total"] == 7.9 and doc["total"]["grade"] == "一般"
    assert doc["build"]["date"] == "2021-12-01T00:00:00+00:00"
    assert doc["levels"] == ["一级指标", "二级指标", "三级指标"]
    row = doc["nodes"][0]["rows"][0]
    assert row["path"] == ["组织领导", "组织领导", "单位领导班子研究情况"]
    assert row["id"] == "zuzhi.yanjiu" and row["score"] == 1
    assert row["lines"][0] == {"rule": "per_missing", "rule_text": "每少研究一项，扣1分", "amount": -1,
                               "reason": "缺少“丙”，扣1分", "evidence": ["yanjiu"], "at_risk": False,
                               "unit": None, "bonus": False, "deadline": None}
    assert (build / "scores.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    frame = pd.read_excel(build / "scores.xlsx", sheet_name="自评得分", dtype=str, engine="openpyxl")
    assert list(frame.columns[:11]) == ["编号", "一级指标", "二级指标", "三级指标", "赋分", "扣分标准", "加分标准",
                                        "考核方式", "涉及内容", "责任组(科室、单位)", "备注"]
    first = frame.iloc[0]
    assert (first["三级指标"], first["自评得分"], first["扣分"], first["失分原因"]) == ("单位领导班子研究情况", "1", "1", "缺少“丙”，扣1分")
    assert frame.iloc[-1]["一级指标"] == "合计" and frame.iloc[-1]["自评得分"] == "7.9"
