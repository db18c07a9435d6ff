"""``diff`` on real git repositories made from the mini project in a temporary folder."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import tempfile
from decimal import Decimal
from pathlib import Path

import pytest

from scoring.cli.main import main
from scoring.gather.diff import diff_revisions, to_markdown
from scoring.gather.gitrepo import build_info, recent_revisions

FIXTURES = Path(__file__).resolve().parent / "fixtures"

NEW_YANJIU = """---
indicator: zuzhi.yanjiu
unit: 综合组
date: 2021-06-18
title: 局党组会议研究丙事项
kind: 会议纪要
facts:
  研究事项: [丙]
---
会议研究了丙。
"""

BROKEN = """---
indicator: zuzhi.yanjiu
unit: 综合组
date: 2021-11-01
title: 填错选项的纪要
kind: 会议纪要
facts:
  研究事项: [丁]
---
"""


def git(repo: Path, *args: str, when: str = "2021-12-01T10:00:00+08:00") -> str:
    env = {**os.environ, "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when}
    done = subprocess.run(["git", "-c", "commit.gpgsign=false", "-c", "tag.gpgsign=false", "-C", str(repo), *args],
                          capture_output=True, text=True, env=env, check=True)
    return done.stdout


def commit_all(repo: Path, message: str, when: str) -> None:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message, when=when)


def init_repo(repo: Path) -> None:
    git(repo, "init", "-q", "-b", "main")
    git(repo, "config", "user.name", "张三")
    git(repo, "config", "user.email", "zhangsan@example.cn")


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """The mini project in git: the fixture as committed, then one more evidence file."""
    target = tmp_path / "repo"
    shutil.copytree(FIXTURES / "mini", target)
    init_repo(target)
    commit_all(target, "方案和第一批证据", "2021-12-01T10:00:00+08:00")
    (target / "evidence" / "zonghe" / "yanjiu-2.md").write_text(NEW_YANJIU, encoding="utf-8")
    commit_all(target, "补充研究丙事项的纪要", "2021-12-02T10:00:00+08:00")
    return target


def state(repo: Path) -> tuple[str, ...]:
    """Everything a diff must leave alone: status, index, HEAD, worktrees, stashes, refs."""
    index = hashlib.sha256((repo / ".git" / "index").read_bytes()).hexdigest()
    return (git(repo, "status", "--porcelain=v2", "--untracked-files=all"), index, git(repo, "rev-parse", "HEAD"),
            git(repo, "worktree", "list", "--porcelain"), git(repo, "stash", "list"), git(repo, "show-ref"))


def leftovers() -> set[str]:
    return {p for p in os.listdir(tempfile.gettempdir()) if p.startswith("zwgk-rev-")}


def test_added_evidence_changes_the_score(repo: Path) -> None:
    d = diff_revisions(repo, "HEAD~1", "HEAD")
    assert d.base.table is not None and d.head.table is not None
    assert (d.base.table.total, d.head.table.total) == (Decimal("7.9"), Decimal("8.9"))
    assert (d.base.table.normalised, d.head.table.normalised) == (Decimal("71.82"), Decimal("80.91"))
    assert (d.base.table.grade, d.head.table.grade) == ("一般", "良好")
    assert [r.id for r in d.rows] == ["zuzhi.yanjiu"]
    row = d.rows[0]
    assert (row.before, row.after, row.delta) == (Decimal(1), Decimal(2), Decimal(1))
    assert [ln.amount for ln in row.removed] == [Decimal(-1)]
    assert "丙" in row.removed[0].reason
    assert [ln.amount for ln in row.added] == [Decimal(0)]
    assert [(lv.id, lv.before, lv.after) for lv in d.levels] == [("zuzhi", Decimal(2), Decimal(3))]
    assert d.evidence.added == ("evidence/zonghe/yanjiu-2.md",)
    assert not (d.evidence.changed or d.evidence.removed or d.scheme)
    assert d.new_problems == () and not d.unchanged
    text = to_markdown(d)
    assert "总分 7.9 → 8.9（+1），等次一般 → 良好。" in text
    assert "| `zuzhi.yanjiu` | 单位领导班子研究情况 | 1 | 2 | +1 | 材料齐全 |" in text
    assert f"-    -1  {row.removed[0].reason}" in text
    assert "- 新增 `evidence/zonghe/yanjiu-2.md`" in text


def test_as_of_changes_no_diff(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """as_of only moves the date the to-do lists are judged by: a score, and so a diff, never depends on it."""
    outputs = []
    for day in ("2021-03-01", "2022-06-01"):
        assert main(["diff", "HEAD~1", "HEAD", "--json", "--as-of", day, "--project", str(repo)]) == 0
        outputs.append(capsys.readouterr().out)
    assert outputs[0] == outputs[1] and "as_of" not in outputs[0]


def test_broken_evidence_in_the_working_tree_is_a_new_error(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (repo / "evidence" / "zonghe" / "bad.md").write_text(BROKEN, encoding="utf-8")
    d = diff_revisions(repo, "HEAD", None)
    assert d.head.table is None and d.base.table is not None
    assert d.head.label == "工作区（含未提交的修改）"
    assert [(p.path, p.line, p.code) for p in d.new_problems] == [("evidence/zonghe/bad.md", 8, "bad-fact")]
    assert d.evidence.added == ("evidence/zonghe/bad.md",)
    assert main(["diff", "HEAD", "--project", str(repo)]) == 0
    out = capsys.readouterr().out
    assert "**本次版本未通过校验**（错误 1 个）" in out
    assert "- `evidence/zonghe/bad.md:8` 错误：事实“研究事项”" in out
    assert "| 总分 | 8.9 / 11 | 无法计分 | — |" in out


def test_fixing_the_error_shows_it_as_resolved(repo: Path) -> None:
    (repo / "evidence" / "zonghe" / "bad.md").write_text(BROKEN, encoding="utf-8")
    commit_all(repo, "坏文件", "2021-12-03T10:00:00+08:00")
    (repo / "evidence" / "zonghe" / "bad.md").unlink()
    d = diff_revisions(repo, "HEAD", None)
    assert d.base.table is None and d.head.table is not None
    assert [p.path for p in d.fixed_problems] == ["evidence/zonghe/bad.md"]
    assert d.evidence.removed == ("evidence/zonghe/bad.md",)
    assert "本次已解决的错误和警告（1 个）" in to_markdown(d)


def test_a_revision_against_itself_is_empty(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    d = diff_revisions(repo, "HEAD", "HEAD")
    assert d.unchanged and d.rows == () and d.levels == () and not d.evidence
    assert d.new_problems == () and d.fixed_problems == ()
    assert diff_revisions(repo, "HEAD", None).unchanged  # a clean working tree is HEAD
    assert main(["diff", "main", "HEAD", "--project", str(repo)]) == 0
    out = capsys.readouterr().out
    assert "**无变化**：得分、证据文件和校验结果都与基准版本相同。" in out
    assert "得分有变化的指标" not in out


def test_diff_leaves_the_repository_alone(repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    private = tmp_path / "tmp"  # a temporary folder of its own: tests running beside this one make their own
    private.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(private))
    (repo / "evidence" / "zonghe" / "bad.md").write_text(BROKEN, encoding="utf-8")  # untracked
    (repo / "evidence" / "zonghe" / "yanjiu.md").write_text(NEW_YANJIU, encoding="utf-8")  # modified
    git(repo, "add", "evidence/zonghe/yanjiu.md")  # staged
    before, temp_before = state(repo), leftovers()
    diff_revisions(repo, "HEAD~1", None)
    diff_revisions(repo, "HEAD~1", "HEAD")
    assert state(repo) == before
    assert leftovers() == temp_before
    assert len(git(repo, "worktree", "list").splitlines()) == 1


def test_json_shape(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diff", "HEAD~1", "HEAD", "--json", "--project", str(repo)]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert set(doc) == {"schema", "unchanged", "base", "head", "total_delta", "levels", "rows",
                        "evidence", "scheme", "results", "new_problems", "fixed_problems", "code_changes"}
    assert doc["code_changes"] == []
    assert doc["base"]["total"] == 7.9 and doc["head"]["total"] == 8.9 and doc["total_delta"] == 1
    assert doc["head"]["levels"] == {"zuzhi": 3, "gongkai": 5.9}
    assert doc["head"]["commit"] == git(repo, "rev-parse", "HEAD").strip()
    [row] = doc["rows"]
    assert (row["id"], row["before"], row["after"], row["delta"]) == ("zuzhi.yanjiu", 1, 2, 1)
    assert [ln["amount"] for ln in row["removed"]] == [-1] and [ln["amount"] for ln in row["added"]] == [0]
    assert doc["evidence"] == {"added": ["evidence/zonghe/yanjiu-2.md"], "changed": [], "removed": [], "renamed": []}


def test_a_commit_changing_only_the_verified_scores_shows(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """results/ is a data folder: a commit touching only results/verified.yaml is a change, not 无变化."""
    (repo / "results").mkdir()
    (repo / "results" / "verified.yaml").write_text("source: 核定表.xlsx\nrows:\n  zuzhi.yanjiu: {score: 1}\n",
                                                    encoding="utf-8")
    assert build_info(repo).dirty  # the dirty flag sees the uncommitted file
    commit_all(repo, "考核组核定分", "2021-12-20T10:00:00+08:00")
    assert not build_info(repo).dirty
    assert main(["diff", "HEAD~1", "HEAD", "--project", str(repo)]) == 0
    text = capsys.readouterr().out
    assert "**无变化**" not in text
    assert "### 核定分与上年比较文件变化（results/）\n\n- 新增 `results/verified.yaml`" in text
    assert [c.commit for c in recent_revisions(repo, 5)][-1] == git(repo, "rev-parse", "HEAD").strip()


def test_renamed_and_changed_files(repo: Path) -> None:
    git(repo, "mv", "evidence/bgs/zixun.md", "evidence/bgs/zixun-2021.md")
    shuangshi = repo / "evidence" / "zonghe" / "shuangshi.md"
    shuangshi.write_text(shuangshi.read_text(encoding="utf-8").replace("980", "1000"), encoding="utf-8")
    d = diff_revisions(repo, "HEAD", None)
    assert d.evidence.renamed == (("evidence/bgs/zixun.md", "evidence/bgs/zixun-2021.md"),)
    assert d.evidence.changed == ("evidence/zonghe/shuangshi.md",)
    assert [(r.id, r.before, r.after) for r in d.rows] == [("gongkai.shuangshi", Decimal("4.9"), Decimal(5))]


def test_a_project_in_a_subfolder_of_the_repository(tmp_path: Path) -> None:
    top = tmp_path / "top"
    shutil.copytree(FIXTURES / "mini", top / "kaohe")
    init_repo(top)
    commit_all(top, "一", "2021-12-01T10:00:00+08:00")
    (top / "kaohe" / "evidence" / "zonghe" / "yanjiu-2.md").write_text(NEW_YANJIU, encoding="utf-8")
    commit_all(top, "二", "2021-12-02T10:00:00+08:00")
    d = diff_revisions(top / "kaohe", "HEAD~1", "HEAD")
    assert d.evidence.added == ("evidence/zonghe/yanjiu-2.md",)
    assert [r.id for r in d.rows] == ["zuzhi.yanjiu"]


def test_a_revision_without_the_scheme_cannot_be_scored(tmp_path: Path) -> None:
    repo = tmp_path / "r"
    repo.mkdir()
    init_repo(repo)
    (repo / "README.md").write_text("空仓库\n", encoding="utf-8")
    commit_all(repo, "空", "2021-12-01T10:00:00+08:00")
    shutil.copytree(FIXTURES / "mini", repo, dirs_exist_ok=True)
    commit_all(repo, "方案", "2021-12-02T10:00:00+08:00")
    d = diff_revisions(repo, "HEAD~1", "HEAD")
    assert d.base.table is None and d.head.table is not None
    assert "基准版本未通过校验" in to_markdown(d)
    assert len(d.scheme.added) == 5


def test_bad_revision_is_a_usage_error(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diff", "no-such-branch", "--project", str(repo)]) == 2
    err = capsys.readouterr().err
    assert "找不到版本“no-such-branch”" in err
    assert "Traceback" not in err
    # a revision that looks like an option reaches git after --end-of-options, never as an option
    assert main(["diff", "--project", str(repo), "--", f"--output={repo / 'x'}"]) == 2
    assert not (repo / "x").exists()


def test_outside_git_is_a_usage_error(mini: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diff", "HEAD", "--project", str(mini)]) == 2
    assert "不在 git 仓库中" in capsys.readouterr().err
