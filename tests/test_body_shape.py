"""``check`` refuses exactly the bodies a build would crash or stall on (scoring/core/mdlimits.py).

The limits on inline data: each shape refused one past its limit, at its line,
and accepted at it, in linear time. Then real builds: a Hypothesis test composes
bodies from nesting and long runs, for each of which ``check`` refuses it, or
``site`` and ``pdf`` build it, within a time bound; its explicit example holds
every shape at its limit and must build. CI runs that example and one generated
one (derandomized); ``ZWGK_FUZZ_EXAMPLES=200`` runs a longer search.
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from scoring.cli.main import main
from scoring.core import mdlimits
from scoring.core.mdlimits import MAX_BRACKETS, MAX_EMPHASIS, MAX_NESTING, MAX_PARAGRAPH, excesses

FIXTURES = Path(__file__).resolve().parent / "fixtures"
HEAD = """---
indicator: zuzhi.zixun
unit: 政务中心
date: 2021-05-10
title: 形状测试
kind: 台账
facts:
  已开展政策咨询: true
---
"""
BOUND = 90.0  # seconds for check + site + pdf of one body, on a loaded 2-core machine


def shape(kind: str, n: int) -> str:
    """A body fragment of ``kind`` nested ``n`` deep (or ``n`` characters long)."""
    if kind == "list":
        return "".join("    " * i + "- 项\n" for i in range(n))
    if kind == "ordered":
        return "".join("    " * i + "1. 项\n" for i in range(n))
    if kind == "quote":
        return ">" * n + " 引文\n"
    if kind == "quoted-list":
        return "".join("> " * (i + 1) + "- 项\n" for i in range(n // 2)) + ">" * n + " 引文\n"
    if kind == "brackets":
        return "[" * n + "文" + "](y)" * n + "\n"
    if kind == "emphasis":
        return "*强 " * n + "调" + "*" * n + "\n"
    if kind == "strong":
        return "**粗 " * (n // 2) + "体" + "**" * (n // 2) + "\n"
    if kind == "html":
        return "<span>" * n + "内" + "</span>" * n + "\n"
    if kind == "blockquote-html":
        return "<blockquote>" * n + "内" + "</blockquote>" * n + "\n"
    if kind == "paragraph":
        return "字" * n + "\n"
    if kind == "lines":
        return "字字字字字字字字字\n" * (n // 9)
    raise ValueError(kind)


NESTED = ("list", "ordered", "quote", "quoted-list", "html", "blockquote-html")
LIMITS = {**dict.fromkeys(NESTED, MAX_NESTING), "brackets": MAX_BRACKETS, "emphasis": MAX_EMPHASIS,
          "strong": MAX_EMPHASIS, "paragraph": MAX_PARAGRAPH, "lines": MAX_PARAGRAPH}


@pytest.mark.parametrize("kind", sorted(LIMITS))
def test_each_shape_is_refused_past_its_limit_at_its_line(kind: str) -> None:
    limit = LIMITS[kind]
    assert excesses("开头\n\n" + shape(kind, limit)) == []
    over = limit + 20 if kind in ("paragraph", "lines") else limit + 2
    found = excesses("开头\n\n" + shape(kind, over))
    assert len(found) == 1, found
    assert found[0].line >= 2 and found[0].amount > limit
    assert "超过上限" in found[0].message()


def test_code_blocks_count_only_their_length() -> None:
    code = "```\n" + "".join("    " * i + "- [[[ *x\n" for i in range(40)) + "```\n"
    assert excesses(code) == []


def test_ordinary_markup_is_far_from_every_limit() -> None:
    body = ("**加粗** 和 *强调*，snake_case_name，[链接](a.md)，~~删除~~。\n\n"
            "- 一\n    - 二\n        - 三\n\n> 引文\n> > 引文中的引文\n\n| 表 | 格 |\n|---|---|\n| 1 | 2 |\n") * 200
    assert excesses(body) == []


@pytest.mark.parametrize("kind", ["quote", "brackets", "emphasis", "html", "lines", "list"])
def test_the_check_is_linear(kind: str) -> None:
    # ten times the text (a list's text grows with the square of its depth)
    small, large = (shape(kind, 200), shape(kind, 632)) if kind == "list" else (shape(kind, 20_000), shape(kind, 200_000))
    started = time.perf_counter()
    excesses(small)
    first = time.perf_counter() - started
    started = time.perf_counter()
    excesses(large)
    second = time.perf_counter() - started
    assert second < max(1.0, 30 * first), (first, second)


def run(args: list[str]) -> tuple[int, str]:
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = main(args)
    return code, err.getvalue()


def check_or_build(root: Path, body: str) -> str:
    """'refused' when check refuses ``body``, 'built' when site and pdf build it; anything else fails."""
    (root / "evidence" / "bgs" / "shape.md").write_text(HEAD + body, encoding="utf-8")
    started = time.monotonic()
    code, text = run(["check", "--project", str(root)])
    assert "内部错误" not in text and "Traceback" not in text, text[-2000:]
    if code == 1:
        assert "evidence/bgs/shape.md:" in text and "超过上限" in text, text[-2000:]
        assert time.monotonic() - started < 10
        return "refused"
    assert code == 0, text[-2000:]
    for command in (["site"], ["pdf", "--jobs", "1"]):
        code, text = run([*command, "--project", str(root), "--out", str(root / "out")])
        assert code == 0 and "内部错误" not in text, text[-2000:]
    assert time.monotonic() - started < BOUND
    return "built"


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("shape") / "mini"
    shutil.copytree(FIXTURES / "mini", root)
    return root


KINDS = st.sampled_from(sorted(LIMITS))
PIECES = st.lists(st.tuples(KINDS, st.integers(1, 3 * MAX_NESTING)), min_size=1, max_size=4)


AT_LIMITS = [(kind, LIMITS[kind]) for kind in sorted(LIMITS)]


@settings(max_examples=int(os.environ.get("ZWGK_FUZZ_EXAMPLES", "1")), deadline=None, derandomize=True,
          database=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(pieces=PIECES, long=st.sampled_from([0, MAX_PARAGRAPH // 3, MAX_PARAGRAPH + 1]))
@example(pieces=AT_LIMITS, long=MAX_PARAGRAPH // 2)  # every shape at its limit, in one body: it must build
def test_check_refuses_or_the_site_and_pdf_build(project: Path, pieces: list[tuple[str, int]], long: int) -> None:
    body = "\n\n".join(shape(kind, n if kind not in ("paragraph", "lines") else long or n) for kind, n in pieces)
    expected = "refused" if excesses(body) else "built"
    assert expected == "built" or pieces != AT_LIMITS
    assert check_or_build(project, body) == expected


def test_the_limits_are_documented() -> None:
    doc = (Path(__file__).resolve().parent.parent / "docs" / "input-safety.md").read_text(encoding="utf-8")
    for name in ("MAX_NESTING", "MAX_BRACKETS", "MAX_EMPHASIS", "MAX_PARAGRAPH"):
        assert f"{name} = {getattr(mdlimits, name)}" in doc, name
