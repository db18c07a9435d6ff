"""safeio.Tree: one resolve of each folder per load gives what resolving every path in full gives."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.core.safeio import ReadRefused, Tree, read_text


@pytest.fixture()
def tree_dir(tmp_path: Path) -> Path:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.md").write_text("secret", encoding="utf-8")
    root = tmp_path / "project"
    (root / "evidence" / "a").mkdir(parents=True)
    (root / "evidence" / "a" / "plain.md").write_text("plain", encoding="utf-8")
    (root / "evidence" / "a" / "inner-link.md").symlink_to("plain.md")
    (root / "evidence" / "a" / "chain.md").symlink_to("inner-link.md")
    (root / "evidence" / "a" / "out-link.md").symlink_to(outside / "secret.md")
    (root / "evidence" / "a" / "loop.md").symlink_to("loop.md")
    (root / "evidence" / "linked-dir").symlink_to(outside)
    (root / "evidence" / "inner-dir").symlink_to(root / "evidence" / "a")
    (root / "via-parent").symlink_to(tmp_path)
    return root


NAMES = ["evidence/a/plain.md", "evidence/a/inner-link.md", "evidence/a/chain.md", "evidence/a/out-link.md",
         "evidence/a/loop.md", "evidence/a/missing.md", "evidence/linked-dir/secret.md",
         "evidence/inner-dir/plain.md", "evidence/inner-dir/out-link.md", "evidence/a/../a/plain.md",
         "evidence/a/..", "evidence/a/.", "via-parent/outside/secret.md", "via-parent/project/evidence/a/plain.md"]


@pytest.mark.parametrize("name", NAMES)
def test_tree_real_path_is_realpath(tree_dir: Path, name: str) -> None:
    tree = Tree(tree_dir)
    for _ in range(2):  # the second time from the remembered folders
        assert tree.real(tree_dir / name) == os.path.realpath(tree_dir / name)


@pytest.mark.parametrize("name", NAMES)
def test_tree_refuses_what_resolving_in_full_refuses(tree_dir: Path, name: str) -> None:
    real = Path(os.path.realpath(tree_dir / name))
    outside = not real.is_relative_to(tree_dir.resolve())
    tree = Tree(tree_dir)
    if outside:
        with pytest.raises(ReadRefused, match="项目目录之外"):
            tree.inside(tree_dir / name)
    else:
        assert tree.inside(tree_dir / name) == str(real)


def test_reading_through_a_tree_and_without_one_agree(tree_dir: Path) -> None:
    tree = Tree(tree_dir)
    for name in NAMES:
        outcomes = []
        for root in (tree_dir, tree):
            try:
                outcomes.append(read_text(root, tree_dir / name, 1000))
            except ReadRefused as exc:
                outcomes.append(exc.message)
        assert outcomes[0] == outcomes[1], name
    assert read_text(tree, tree_dir / "evidence/inner-dir/plain.md", 1000) == "plain"



_MARKUP_PIECES = st.sampled_from(["script", "SCRIPT", "ſcript", "iframe", "object", "embed", "style", "on", "click",
                                  "javascript", "JAVASCRIPT", "\u212a", " ", "\t", "\n", "<", "=", ":", "：", "＝",
                                  "＜", "a", "正文"])


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(st.lists(_MARKUP_PIECES, max_size=12).map("".join))
def test_the_active_markup_pre_check_skips_only_bodies_it_cannot_match(text: str) -> None:
    """scoring/load/body.py searches for active markup only in a body with a <, = or :."""
    from scoring.load.body import _ACTIVE_MARKUP

    if not any(c in text for c in "<=:"):
        assert _ACTIVE_MARKUP.search(text) is None


def test_file_facts_from_the_loader_equal_reading_again(tree_dir: Path) -> None:
    """The sizes and digests the loader keeps are those file_facts reads itself, links left out alike."""
    from scoring.gather.pipeline import check_and_score, file_facts
    from scoring.load.load import load_scheme
    from scoring.load.loadbase import Digests
    from scoring.load.loadevidence import load_evidence

    root = Path(__file__).resolve().parent.parent
    scheme, _ = load_scheme(root)
    assert scheme is not None
    digests: Digests = {}
    load_evidence(root, scheme, digests)
    assert digests and set(digests) <= set(file_facts(root))
    assert file_facts(root, digests) == file_facts(root) == check_and_score(root).files
    tree_digests: Digests = {}
    load_evidence(tree_dir, scheme, tree_digests)
    # a link to another evidence file is refused (scoring/load/names.py): one file is never read under two names
    assert "evidence/a/plain.md" in tree_digests and "evidence/a/inner-link.md" not in tree_digests
    assert "evidence/a/inner-link.md" not in file_facts(tree_dir)  # links are never listed
    assert file_facts(tree_dir, tree_digests) == file_facts(tree_dir)
