"""The loader walks the parser's events only when a text could need it: the outcome is the same."""

from __future__ import annotations

from typing import Any

from hypothesis import example, given, settings
from hypothesis import strategies as st

from scoring.core.yamlio import MAX_DEPTH, YamlSyntaxError, _load_yaml, _needs_scan, load_yaml

CHARS = st.sampled_from([*"[]{}:,-&*!|>'\"#\t\n %@`?\\0123456789.eE+ab", "\x00", "\ufeff", "\x85", "\u2028",
                         "中", "：", "---", "...", "  ", "- ", "? ", ": ", "a: ", "\n  ", "\n    "])


def outcome(text: str, scan: bool) -> Any:
    try:
        return ("ok", _load_yaml(text, 1, scan))
    except YamlSyntaxError as exc:
        return ("error", exc.line, exc.message)


def nested_blocks(depth: int, indent: int) -> str:
    return "".join(" " * (indent * i) + f"k{i}:\n" for i in range(depth)) + " " * (indent * depth) + "x\n"


def nested_mixed(depth: int) -> str:
    lines, col = [], 0
    for i in range(depth):
        lines.append(" " * col + ("- " if i % 2 else "") + f"k{i}:")
        col += 2 if i % 2 else 0
    return "\n".join(lines) + "\n" + " " * (col + 2) + "x\n"


def nested_tight(depth: int) -> str:
    """A mapping and an indentless sequence per column: two levels for each column of indentation."""
    lines = [" " * (i // 2) + (f"k{i}:" if i % 2 == 0 else "-") for i in range(depth)]
    return "\n".join(lines) + "\n" + " " * (depth // 2 + 1) + "x\n"


@settings(max_examples=500, deadline=None, derandomize=True, database=None)
@given(st.lists(CHARS, max_size=60).map("".join))
@example("a: 1\n--- b\nc: [\n")
@example("a: 1\n...\nb: [\n")
@example("- " * 30 + "x")
@example("[" * 13 + "]" * 13)
@example("[a: [b: [c: [d: [e: [f: [g: [h: [i: [j: [k: [l: [m: x]]]]]]]]]]]]]")
@example("\ud800")
@example(nested_blocks(30, 1))
@example(nested_mixed(30))
@example(nested_tight(MAX_DEPTH - 1))
@example(nested_tight(MAX_DEPTH + 1))
@example(nested_tight(MAX_DEPTH + 2))
@example("a:\n- b:\n  - c:\n    - d:\n      - e: [1, {f: [2]}]\n")
def test_skipping_the_event_walk_changes_no_outcome(text: str) -> None:
    assert outcome(text, scan=_needs_scan(text)) == outcome(text, scan=True)


def test_nesting_past_the_limit_is_always_walked() -> None:
    for text in (nested_tight(MAX_DEPTH + 1), nested_blocks(MAX_DEPTH + 1, 1), nested_mixed(MAX_DEPTH + 2), "- " * (MAX_DEPTH + 1) + "x",
                 "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1), "a: " + "[b: " * 13 + "c" + "]" * 13):
        assert _needs_scan(text), text
        try:
            load_yaml(text)
        except YamlSyntaxError as exc:
            assert "嵌套层次过深" in exc.message or "YAML" in exc.message
        else:
            raise AssertionError(f"not refused: {text!r}")


def test_a_plain_front_matter_skips_the_walk() -> None:
    front = "id: a-1\nindicator: x.y\ndate: 2021-06-25\nfacts:\n  清单: [甲, 乙]\n  次数: 3\n"
    assert not _needs_scan(front)
    assert load_yaml(front)["facts"]["清单"] == ["甲", "乙"]
