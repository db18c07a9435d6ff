"""A stage run apart (scoring/core/apart.py): in a forked child, its result or its exception brought back as if it had
run here; what it allocated never in the build's process.

pytest-xdist's workers run threads of their own, where ``apart`` does not fork: each case runs in a fresh
interpreter of one thread.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from test_sitecache import DRIVER, WARNS

ROOT = Path(__file__).resolve().parent.parent


def run(code: str) -> subprocess.CompletedProcess[str]:
    script = "import os, sys\nfrom scoring.core.apart import apart, ChildDied, ChildTraceback\n" + textwrap.dedent(code)
    return subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60)


def test_the_stage_runs_in_another_process_and_its_result_comes_back() -> None:
    done = run("""
        from scoring.core import memory
        held = []
        def stage():
            held.append(bytearray(200 * 2**20))  # 200 MB touched: only the child holds it
            held[0][::4096] = b"x" * len(held[0][::4096])
            return os.getpid(), memory.pss_kb([os.getpid()])
        child, child_kb = apart(stage, "测试")
        print(child != os.getpid(), held == [], child_kb > 200 * 1024, memory.pss_kb([os.getpid()]) < 100 * 1024)
    """)
    assert done.stdout.split() == ["True"] * 4, done.stderr


def test_what_the_stage_raised_is_raised_here_with_its_fields_and_the_childs_traceback() -> None:
    done = run("""
        from scoring.core.problems import DataError, Problem, Severity
        def stage():
            raise DataError([Problem("evidence/a.md", 3, Severity.ERROR, "缺少冒号")])
        try:
            apart(stage, "测试")
        except DataError as exc:
            print(exc.problems[0].message, exc.problems[0].line, isinstance(exc.__cause__, ChildTraceback))
            print("in stage" if 'in stage' in str(exc.__cause__) else str(exc.__cause__))
    """)
    assert done.stdout.split() == ["缺少冒号", "3", "True", "in", "stage"], done.stderr


def test_an_exception_that_cannot_be_rebuilt_here_comes_back_as_an_internal_error_with_its_traceback() -> None:
    done = run("""
        class Odd(Exception):
            def __init__(self, what, where):
                super().__init__(f"{what} at {where}")
        def stage():
            raise Odd("坏", 3)
        try:
            apart(stage, "测试")
        except RuntimeError as exc:
            print(type(exc).__name__, "Odd" in str(exc), "in stage" in str(exc.__cause__))
    """)
    assert done.stdout.split() == ["RuntimeError", "True", "True"], done.stderr


def test_a_child_that_is_killed_is_said_in_chinese_with_memory_as_the_likely_cause() -> None:
    done = run("""
        import signal
        try:
            apart(lambda: os.kill(os.getpid(), signal.SIGKILL), "生成审阅网站")
        except ChildDied as exc:
            print(exc, exc.memory)
    """)
    assert done.stdout.strip() == ("生成审阅网站的进程意外结束（信号 9）。可能是内存不足：请关闭其他程序后重试，"
                                   "或用 --jobs 1 少开进程 True"), done.stderr


def test_a_process_with_another_thread_runs_the_stage_itself() -> None:
    done = run("""
        import threading
        stop = threading.Event()
        threading.Thread(target=stop.wait).start()
        print(apart(os.getpid, "测试") == os.getpid())
        stop.set()
    """)
    assert done.stdout.strip() == "True", done.stderr


def test_all_builds_the_site_in_a_child_whose_error_stops_the_build_as_its_own_would(tmp_path: Path) -> None:
    """``all`` in a process of one thread: the site's pages rendered by another process; a warning in strict
    mode there is the build's error, said once, and nothing is written."""
    pids, out = tmp_path / "pids", tmp_path / "out"
    pids.mkdir()
    build = subprocess.Popen([sys.executable, "-c", DRIVER.format(wrap=WARNS), "all", "--project",
                              str(ROOT / "tests" / "fixtures" / "mini"), "--out", str(out)], cwd=ROOT, text=True,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, env={**os.environ, "PIDS": str(pids)})
    _, said = build.communicate(timeout=300)
    assert build.returncode == 1, said
    rendered = {int(p.name) for p in pids.iterdir()}
    assert rendered and build.pid not in rendered
    assert said.count("网站生成失败（MkDocs 严格模式，有警告即停止）：页面 evidence/") == 1, said
    assert "未写出任何文件" in said and "Traceback" not in said
    assert not out.exists()
