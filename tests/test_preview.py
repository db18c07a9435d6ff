"""The live preview's rebuilds: each parses only the evidence files that changed, and the site it serves
equals a clean build of the project as it then is, byte for byte."""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from test_build import EPOCH, clean_build, snapshot, tree_hash
from test_sitecache import assert_same, edit

from scoring.cli.preview import PreviewState
from scoring.gather.collect import gather
from scoring.load import loadevidence
from scoring.render.outputs import build

_CLEAN: dict[tuple[str, str], dict[str, bytes]] = {}


def clean(project: Path, tmp_path: Path) -> dict[str, bytes]:
    """The clean build of the preview, made once per content of the project: the two runs of the test below reach
    the same states, and a build of the same files gives the same bytes (test_build.py, test_edition.py)."""
    key = (tree_hash(project), os.environ.get("SOURCE_DATE_EPOCH", ""))
    if key not in _CLEAN:
        _CLEAN[key] = clean_build(project, "preview", tmp_path)
    return _CLEAN[key]


PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


@pytest.mark.parametrize("racy", [True, False], ids=["files-just-written", "stat-trusted"])
def test_each_rebuild_parses_what_changed_and_serves_a_clean_build(mini: Path, tmp_path: Path, racy: bool,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """Run twice: as in real use, where an edit comes within seconds of the rebuild before it (so the file's
    stat is not trusted and its bytes are compared), and with every stat trusted at once (so only the stat
    tells an edit: each edit below changes the file's size, mtime and ctime)."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    if not racy:
        monkeypatch.setattr(loadevidence, "_RACY_NS", -(10**18))
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
            assert_same(snapshot(state.target), clean(mini, tmp_path))


def modes(folder: Path) -> set[tuple[str, int]]:
    return {("dir" if p.is_dir() else "file", p.stat().st_mode & 0o777) for p in [folder, *folder.rglob("*")]}


def test_the_preview_folder_is_updated_in_place(mini: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An edit rewrites the pages it reaches and leaves every other file as it was (the same inode); a site
    build into the same output folder (which swaps the folder) makes the preview start over, still right."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    out = tmp_path / "out"
    state = PreviewState(mini, out, argparse.Namespace(strict=False, as_of=None))
    state.rebuild()
    pages = len(list(state.target.rglob("*.html")))
    before = {p: p.stat().st_ino for p in state.target.rglob("*") if p.is_file()}
    edit(mini / "evidence" / "bgs" / "zixun.md", "咨询台账。", "咨询台账，共 12 条记录。")
    state.rebuild()
    assert not state.problems
    after = {p: p.stat().st_ino for p in state.target.rglob("*") if p.is_file()}
    replaced = sorted(p.relative_to(state.target).as_posix() for p in after if before.get(p) != after[p])
    # the evidence page, the search index; the rows', the unit's and the index pages show no body
    assert "evidence/zixun/index.html" in replaced and "search/search_index.json" in replaced, replaced
    assert len(replaced) == state.site.changed < pages / 4, replaced
    assert state.site.memo.rendered == 1  # one page's Markdown made again
    assert modes(state.target) == {("dir", 0o755), ("file", 0o644)}
    assert_same(snapshot(state.target), clean(mini, tmp_path))

    build(gather(mini), ("site",), out)  # swaps out/ for a new folder holding a copy of preview/
    edit(mini / "evidence" / "bgs" / "zixun.md", "共 12 条", "共 13 条")
    state.rebuild()
    assert not state.problems and state.site.changed > pages  # made again from nothing
    assert_same(snapshot(state.target), clean(mini, tmp_path))
    assert (out / "site" / "index.html").is_file()
