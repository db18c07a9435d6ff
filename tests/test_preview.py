"""The live preview's rebuilds: each parses only the evidence files that changed, and the site it serves
equals a clean build of the project as it then is, byte for byte."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

import pytest
from test_build import EPOCH, clean_build, snapshot
from test_sitecache import assert_same, edit

from scoring.preview import PreviewState

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


def test_each_rebuild_parses_what_changed_and_serves_a_clean_build(mini: Path, tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    state = PreviewState(mini, tmp_path / "out", argparse.Namespace(strict=False, as_of=None))
    evidence = mini / "evidence"
    files = len(list(evidence.rglob("*.md")))
    state.rebuild()
    assert not state.problems and state.memo.parsed == files
    state.rebuild()
    assert not state.problems and state.memo.parsed == 0  # nothing changed: nothing parsed

    attachment = evidence / "zonghe" / "tongzhi.pdf"
    new_file = ("---\nindicator: zuzhi.yanjiu\nunit: 综合组\ndate: 2021-06-01\ntitle: 第二次研究政务公开工作\n"
                "kind: 会议纪要\nattachments: [tongzhi.pdf]\nfacts:\n  研究事项: [乙]\n---\n会议研究了乙。\n")
    # (what, the change, files parsed by the rebuild after it, whether the rebuild refuses the project)
    steps: list[tuple[str, Callable[[], object], int, bool]] = [
        ("a body", lambda: edit(evidence / "bgs" / "zixun.md", "咨询台账。", "咨询台账，共 12 条记录。"), 1, False),
        ("a fact that changes a score", lambda: edit(evidence / "zonghe" / "yanjiu.md", "[甲, 乙]", "[甲]"), 1, False),
        ("a new file with an attachment", lambda: (attachment.write_bytes(PDF),
                                                   (evidence / "zonghe" / "yanjiu-2.md").write_text(new_file)), 1, False),
        ("the attachment replaced by a page", lambda: attachment.write_bytes(b"<html><script>x</script></html>\n"),
         1, True),
        ("the attachment a PDF again", lambda: attachment.write_bytes(PDF + b"% 2\n"), 1, False),
        ("a file deleted", lambda: (evidence / "bgs" / "jiancha-07.md").unlink(), 0, False),
        ("a broken front matter", lambda: edit(evidence / "bgs" / "zixun.md", "unit:", "unit"), 1, True),
        ("the front matter mended", lambda: edit(evidence / "bgs" / "zixun.md", "unit", "unit:"), 1, False),
        ("the scheme", lambda: edit(mini / "indicators" / "scheme.yaml", "测试市某局2021", "测试市某单位2021"),
         files, False),
    ]
    for what, change, parsed, refused in steps:
        change()
        state.rebuild()
        assert bool(state.problems) == refused, (what, state.problems)
        assert state.memo.parsed == parsed, what
        if not refused:
            assert_same(snapshot(state.target), clean_build(mini, "preview", tmp_path))
