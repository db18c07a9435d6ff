"""Property-based tests: the loader and ``check`` on arbitrary bytes, mutated copies of the
test project's files, and generated front matter.

Every outcome is success or a listed Chinese error with a location: never an
exception, never ``内部错误``, and each example finishes within the deadline.
The examples are derandomized and bounded, so the suite stays fast and the
same on every run; what fuzzing found is kept as folders in tests/cases/.
"""

from __future__ import annotations

import contextlib
import io
import re
import shutil
import tempfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from scoring.cli.main import main
from scoring.core.safeio import ReadRefused, decode
from scoring.core.yamlio import FrontMatterError, YamlSyntaxError, load_yaml, split_front_matter
from scoring.model.fields import EVIDENCE_FIELD_NAMES

FIXTURES = Path(__file__).resolve().parent / "fixtures"
MINI = FIXTURES / "mini"
FAST = settings(max_examples=300, deadline=1000, derandomize=True, database=None)
CHECKS = settings(max_examples=60, deadline=3000, derandomize=True, database=None,
                  suppress_health_check=[HealthCheck.too_slow])
# What a user may see: every line an error, warning or notice with a file (and line), or a summary.
LISTED = re.compile(r"^(indicators|evidence)/[^\n]*?(:\d+)?: (错误|警告|方案核查)：\S.*$|^校验未通过：.*$|^方案核查提示 \d+ 条.*$")
SAMPLE_FILES = sorted(p.relative_to(MINI).as_posix() for p in MINI.rglob("*") if p.is_file())
YAML_CHARS = st.sampled_from([*"[]{}:,-&*!|>'\"#\t\n\r %@`?\\0123456789.eE+", "\x00", "\ufeff", "中", "："])


@contextlib.contextmanager
def scratch_project() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="zwgk-fuzz-") as tmp:
        root = Path(tmp) / "mini"
        shutil.copytree(MINI, root)
        yield root


def run_check(root: Path) -> None:
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = main(["check", "--project", str(root)])
    text = err.getvalue()
    assert code in (0, 1), text
    assert "内部错误" not in text and "Traceback" not in text, text
    for line in text.splitlines():
        assert LISTED.match(line), f"unlisted output: {line!r}"
    if code == 1:
        assert "错误" in text


@FAST
@given(st.text(alphabet=YAML_CHARS | st.characters(), max_size=300))
@example("\ud800")  # found by this test: a lone surrogate reached libyaml's encoder
def test_yaml_loader_raises_only_its_own_error(text: str) -> None:
    try:
        load_yaml(text)
    except YamlSyntaxError as exc:
        assert exc.line >= 1 and exc.message and "Error" not in exc.message


@FAST
@given(st.binary(max_size=400))
def test_decoding_and_front_matter_on_arbitrary_bytes(data: bytes) -> None:
    try:
        text = decode(data)
    except ReadRefused as exc:
        assert exc.line >= 1 and exc.message
        return
    assert "\r" not in text
    try:
        front, _, _ = split_front_matter(text)
        load_yaml(front, line_offset=1)
    except (FrontMatterError, YamlSyntaxError) as exc:
        assert exc.line >= 1 and exc.message


@CHECKS
@given(st.sampled_from(SAMPLE_FILES), st.binary(max_size=2000))
def test_check_on_a_file_replaced_by_arbitrary_bytes(rel: str, data: bytes) -> None:
    with scratch_project() as root:
        (root / rel).write_bytes(data)
        run_check(root)


@st.composite
def mutated(draw: st.DrawFn) -> tuple[str, str]:
    rel = draw(st.sampled_from(SAMPLE_FILES))
    text = (MINI / rel).read_text(encoding="utf-8")
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(text)))
        kind = draw(st.sampled_from(["insert", "delete", "duplicate", "swap-lines"]))
        if kind == "insert":
            text = text[:at] + draw(st.text(YAML_CHARS, min_size=1, max_size=6)) + text[at:]
        elif kind == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 20)):]
        elif kind == "duplicate":
            end = min(len(text), at + draw(st.integers(1, 80)))
            text = text[:end] + text[at:end] + text[end:]
        else:
            lines = text.split("\n")
            i = draw(st.integers(0, len(lines) - 1))
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
            text = "\n".join(lines)
    return rel, text


@CHECKS
@given(mutated())
def test_check_on_mutated_copies_of_the_project_files(case: tuple[str, str]) -> None:
    rel, text = case
    with scratch_project() as root:
        (root / rel).write_text(text, encoding="utf-8")
        run_check(root)


SCALARS = (st.none() | st.booleans() | st.integers(-10**15, 10**15) | st.floats(allow_nan=True, allow_infinity=True)
           | st.text(max_size=20) | st.dates(date(1, 1, 1), date(9999, 12, 31)) | st.sampled_from(
               ["zuzhi.yanjiu", "gongkai.shuangshi", "gongkai.jiancha", "综合组", "办公室", "会议纪要", "2021-03-18",
                "甲", "乙", "丁", "../../indicators/scheme.yaml", "/dev/zero", "internal", "public"]))
VALUES: st.SearchStrategy[Any] = st.recursive(
    SCALARS, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
        st.sampled_from(["研究事项", "合规数据量", "报送数据总量", "检查日期", "已开展政策咨询", "分值", "理由", "x"]),
        inner, max_size=4), max_leaves=12)


@CHECKS
@given(st.dictionaries(st.sampled_from([*EVIDENCE_FIELD_NAMES, "extra", "Indicator"]), VALUES, max_size=11),
       st.text(max_size=200))
def test_check_on_generated_front_matter(front: dict[str, Any], body: str) -> None:
    with scratch_project() as root:
        text = "---\n" + yaml.safe_dump(front, allow_unicode=True, sort_keys=True) + "---\n" + body
        (root / "evidence" / "zonghe" / "generated.md").write_text(text, encoding="utf-8")
        run_check(root)
