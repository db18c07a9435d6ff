"""Score history and last changes from real git repositories made from the mini project."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import xml.etree.ElementTree as ET
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from scoring.gather import history as history_mod
from scoring.gather.gitrepo import last_changes
from scoring.gather.history import cache_file, history
from scoring.model.values import HistoryPoint
from scoring.render.charts import history_chart

FIXTURES = Path(__file__).resolve().parent / "fixtures"

YANJIU_2 = """---
indicator: zuzhi.yanjiu
unit: 综合组
date: 2021-06-18
title: 局党组会议研究丙事项
kind: 会议纪要
facts:
  研究事项: [丙]
---
"""


def git(repo: Path, *args: str, when: str = "2021-12-01T10:00:00+08:00", author: tuple[str, str] | None = None) -> str:
    env = {**os.environ, "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when}
    if author:
        env.update(GIT_AUTHOR_NAME=author[0], GIT_AUTHOR_EMAIL=author[1])
    done = subprocess.run(["git", "-c", "commit.gpgsign=false", "-c", "tag.gpgsign=false", "-C", str(repo), *args],
                          capture_output=True, text=True, env=env, check=True)
    return done.stdout


def commit_all(repo: Path, message: str, when: str, author: tuple[str, str] | None = None) -> str:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message, when=when, author=author)
    return git(repo, "rev-parse", "HEAD").strip()


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """Three commits that change the score (7.9, 8.9, 9) and one that touches no data."""
    target = tmp_path / "repo"
    shutil.copytree(FIXTURES / "mini", target)
    git(target, "init", "-q", "-b", "main")
    git(target, "config", "user.name", "张三")
    git(target, "config", "user.email", "zhangsan@example.cn")
    commit_all(target, "一", "2021-10-01T10:00:00+08:00")
    (target / "evidence" / "zonghe" / "yanjiu-2.md").write_text(YANJIU_2, encoding="utf-8")
    commit_all(target, "二", "2021-11-01T10:00:00+08:00", author=("李四", "lisi@example.cn"))
    (target / "README.md").write_text("说明\n", encoding="utf-8")
    commit_all(target, "说明，不涉及数据", "2021-11-15T10:00:00+08:00")
    shuangshi = target / "evidence" / "zonghe" / "shuangshi.md"
    shuangshi.write_text(shuangshi.read_text(encoding="utf-8").replace("980", "1000"), encoding="utf-8")
    commit_all(target, "三", "2021-12-01T10:00:00+08:00")
    return target


def test_three_commits_give_three_points(repo: Path) -> None:
    result = history(repo)
    assert result.notes == ()
    assert [p.total for p in result.points] == [Decimal("7.9"), Decimal("8.9"), Decimal(9)]
    assert [p.date for p in result.points] == [date(2021, 10, 1), date(2021, 11, 1), date(2021, 12, 1)]
    assert [p.levels for p in result.points] == [
        {"zuzhi": Decimal(2), "gongkai": Decimal("5.9")},
        {"zuzhi": Decimal(3), "gongkai": Decimal("5.9")},
        {"zuzhi": Decimal(3), "gongkai": Decimal(6)},
    ]
    assert result.points[-1].commit == git(repo, "rev-parse", "HEAD").strip()
    assert [p.label for p in result.points] == [p.commit[:7] for p in result.points]
    assert result.points[0].names == {"zuzhi": "组织领导", "gongkai": "主动公开"}


def test_the_limit_keeps_the_latest(repo: Path) -> None:
    assert [p.total for p in history(repo, limit=2).points] == [Decimal("8.9"), Decimal(9)]


def test_tags_when_there_are_some(repo: Path) -> None:
    first = git(repo, "rev-list", "--max-parents=0", "HEAD").strip()
    git(repo, "tag", "-a", "-m", "初稿", "v1-初稿", first)
    git(repo, "tag", "v3-自评", "HEAD")
    result = history(repo)
    assert [(p.label, p.total) for p in result.points] == [("v1-初稿", Decimal("7.9")), ("v3-自评", Decimal(9))]


def test_cache_rescoring_only_new_commits(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = sorted(str(p.relative_to(repo)) for p in repo.rglob("*"))
    history(repo)
    assert sorted(str(p.relative_to(repo)) for p in repo.rglob("*")) == before  # the cache is not in the project
    cache = json.loads(cache_file(repo).read_text(encoding="utf-8"))
    assert len(cache["commits"]) == 3
    scored: list[str] = []
    real = history_mod.score_commit

    def counting(root: Path, commit: str) -> dict[str, Any]:
        scored.append(commit)
        return real(root, commit)

    monkeypatch.setattr(history_mod, "score_commit", counting)
    assert [p.total for p in history(repo).points] == [Decimal("7.9"), Decimal("8.9"), Decimal(9)]
    assert scored == []
    (repo / "evidence" / "zonghe" / "yanjiu-2.md").unlink()
    head = commit_all(repo, "四", "2021-12-05T10:00:00+08:00")
    assert [p.total for p in history(repo).points][-1] == Decimal(8)
    assert scored == [head]


def test_a_broken_commit_is_skipped_with_a_note(repo: Path) -> None:
    (repo / "evidence" / "zonghe" / "bad.md").write_text(YANJIU_2.replace("[丙]", "[丁]"), encoding="utf-8")
    commit_all(repo, "坏", "2021-12-06T10:00:00+08:00")
    result = history(repo)
    assert len(result.points) == 3
    [note] = result.notes
    assert "2021-12-06" in note and "未通过校验（错误 1 个）" in note


def test_history_reads_no_working_tree(repo: Path) -> None:
    (repo / "evidence" / "zonghe" / "yanjiu-2.md").unlink()  # uncommitted
    assert history(repo).points[-1].total == Decimal(9)


def test_outside_git(mini: Path) -> None:
    result = history(mini)
    assert result.points == () and result.notes


def _points() -> list[HistoryPoint]:
    names = {"zuzhi": "组织领导", "gongkai": "主动公开"}
    return [HistoryPoint(f"{i}" * 40, date(2021, 10 + i, 1), f"v{i}", Decimal(7) + i,
                         {"zuzhi": Decimal(2) + i, "gongkai": Decimal("5.5")}, names) for i in range(3)]


def test_chart_is_deterministic_svg_with_chinese_labels() -> None:
    svg = history_chart(_points())
    assert svg == history_chart(_points())
    root = ET.fromstring(svg)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert "Noto Sans CJK SC" in root.attrib["font-family"]
    texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert {"总分", "组织领导", "主动公开", "v0", "v2", "2021-12-01"} <= set(texts)
    assert len(list(root.iter("{http://www.w3.org/2000/svg}polyline"))) == 3
    assert len(list(root.iter("{http://www.w3.org/2000/svg}circle"))) == 9


def test_chart_of_nothing_and_of_one_point() -> None:
    assert "暂无历史得分" in history_chart([])
    one = ET.fromstring(history_chart(_points()[:1]))
    assert len(list(one.iter("{http://www.w3.org/2000/svg}circle"))) == 3


def test_last_changes_names_each_files_author(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (repo / "evidence" / "bgs" / "new.md").write_text("未提交\n", encoding="utf-8")
    calls: list[list[str]] = []
    real_popen = subprocess.Popen

    def spying(cmd: list[str], **kwargs: Any) -> Any:
        calls.append(cmd)
        return real_popen(cmd, **kwargs)

    monkeypatch.setattr(subprocess, "Popen", spying)
    paths = ["evidence/zonghe/yanjiu-2.md", "evidence/zonghe/shuangshi.md", "evidence/bgs/zixun.md",
             "evidence/bgs/new.md", "indicators/scheme.yaml"]
    found = last_changes(repo, paths)
    assert len(calls) == 1  # one git log for every path
    assert set(found) == set(paths) - {"evidence/bgs/new.md"}
    assert (found["evidence/zonghe/yanjiu-2.md"].author, found["evidence/zonghe/yanjiu-2.md"].date) == (
        "李四", date(2021, 11, 1))
    assert (found["evidence/zonghe/shuangshi.md"].author, found["evidence/zonghe/shuangshi.md"].date) == (
        "张三", date(2021, 12, 1))
    assert found["evidence/bgs/zixun.md"].date == date(2021, 10, 1)
    assert found["evidence/zonghe/shuangshi.md"].commit == git(repo, "rev-parse", "HEAD").strip()


def test_last_changes_in_a_subfolder_project(tmp_path: Path) -> None:
    top = tmp_path / "top"
    shutil.copytree(FIXTURES / "mini", top / "kaohe")
    git(top, "init", "-q", "-b", "main")
    git(top, "config", "user.name", "王五")
    git(top, "config", "user.email", "wangwu@example.cn")
    commit_all(top, "一", "2021-10-01T10:00:00+08:00")
    found = last_changes(top / "kaohe", ["evidence/bgs/zixun.md"])
    assert found["evidence/bgs/zixun.md"].author == "王五"
    assert last_changes(top / "kaohe", []) == {}


def test_site_shows_history_and_who_last_changed_each_evidence_file(repo: Path) -> None:
    from scoring.gather.collect import gather
    from scoring.render.outputs import build

    project = gather(repo)
    build(project, ["site"], repo / "build")
    dashboard = (repo / "build" / "site" / "index.html").read_text(encoding="utf-8")
    assert "得分变化" in dashboard and "共 3 个版本" in dashboard
    page = (repo / "build" / "site" / "evidence" / "yanjiu-2" / "index.html").read_text(encoding="utf-8")
    assert "最后修改" in page and "李四" in page
    page = (repo / "build" / "site" / "evidence" / "yanjiu" / "index.html").read_text(encoding="utf-8")
    assert "张三" in page


def test_history_starts_at_the_first_commit_with_evidence(tmp_path: Path) -> None:
    target = tmp_path / "repo"
    shutil.copytree(FIXTURES / "mini" / "indicators", target / "indicators")
    git(target, "init", "-q", "-b", "main")
    git(target, "config", "user.name", "张三")
    git(target, "config", "user.email", "zhangsan@example.cn")
    commit_all(target, "方案", "2021-09-01T10:00:00+08:00")  # the scheme alone: nothing to score yet
    shutil.copytree(FIXTURES / "mini" / "evidence", target / "evidence")
    commit_all(target, "证据", "2021-10-01T10:00:00+08:00")
    assert [p.date for p in history(target).points] == [date(2021, 10, 1)]


def test_chart_labels_points_by_date_and_tag_never_by_hash() -> None:
    tagged, untagged = _points()[:2]
    untagged = HistoryPoint("ab12cd3" + "0" * 33, untagged.date, "ab12cd3", untagged.total, untagged.levels,
                            untagged.names)
    root = ET.fromstring(history_chart([tagged, untagged]))
    texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert "v0" in texts and "2021-10-01" in texts and "2021-11-01" in texts
    assert not any("ab12cd3" in (t or "") for t in texts)
    tips = [t.text for t in root.iter("{http://www.w3.org/2000/svg}title")]
    assert "2021-10-01（v0）总分：7" in tips and "2021-11-01总分：8" in tips
