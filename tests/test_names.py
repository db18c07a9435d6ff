"""Links and names under evidence/ and indicators/ (scoring/load/names.py), and one printed line per problem."""

from __future__ import annotations

import shutil
from pathlib import Path

from scoring.core.problems import error, printable
from scoring.load.names import evidence_scan, name_problem

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def test_a_link_to_a_file_elsewhere_in_the_project_is_followed_once(tmp_path: Path) -> None:
    root = tmp_path / "mini"
    shutil.copytree(FIXTURES / "mini", root)
    (root / "common").mkdir()
    (root / "evidence" / "bgs" / "zixun.md").rename(root / "common" / "zixun.md")
    (root / "evidence" / "bgs" / "zixun.md").symlink_to("../../common/zixun.md")
    (root / "evidence" / "bgs" / "again.md").symlink_to("zixun.md")  # a second name for the same file
    files, problems = evidence_scan(root)
    assert root / "evidence" / "bgs" / "zixun.md" in files
    assert root / "evidence" / "bgs" / "again.md" not in files
    assert [p.path for p in problems] == ["evidence/bgs/again.md"]


def test_names_that_are_refused() -> None:
    assert name_problem("jiyao.md") is None and name_problem("会议纪要 2021.md") is None
    assert name_problem("-rf.md") and name_problem("a\tb.md") and name_problem("a\u2067b.md")


def test_no_path_or_value_can_forge_a_line() -> None:
    forged = error("evidence/a\n校验通过：0 个错误\r\x1b[2K.md", 3, "值“x\n校验通过”无效").format()
    assert "\n" not in forged and "\r" not in forged and "\x1b" not in forged
    assert forged.startswith("evidence/a\\x0a校验通过")
    assert printable("正常的路径/文件.md") == "正常的路径/文件.md"
