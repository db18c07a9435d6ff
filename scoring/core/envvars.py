"""Every environment variable the program reads or sets, declared once with its help.

No other module touches ``os.environ``: they call ``get``/``setdefault``/``override`` with a declared
name (tests/test_envvars.py checks both, and that docs/setup.md and ``build.py --help`` list every one).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass


@dataclass(frozen=True)
class Var:
    name: str
    help: str  # Chinese: shown by `build.py --help`
    default: str = ""  # what an unset variable means, in words (Chinese)


VARS: dict[str, Var] = {v.name: v for v in (
    Var("ZWGK_CACHE_DIR", "缓存目录（分数历史、网站页面缓存）", "$XDG_CACHE_HOME/zwgk，或 ~/.cache/zwgk"),
    Var("XDG_CACHE_HOME", "用户缓存目录的上级（未设 ZWGK_CACHE_DIR 时）", "~/.cache"),
    Var("ZWGK_JOBS", "site、pdf、all 未给 --jobs 时并行的进程数（如共用的构建机只让用一个核）", "本机的处理器核数"),
    Var("ZWGK_PORT", "serve 实时预览的端口；0 或被占用时任选空闲端口", "8000"),
    Var("SOURCE_DATE_EPOCH", "输出中的构建时间（Unix 秒）；可重复构建的通行约定", "最近一次提交的时间"),
    Var("ZWGK_DEBUG", "设为 1 时，内部错误显示完整的 Python 调用栈（供维护人员排查）", "不显示"),
    Var("ZWGK_PDF_TRACE", "设为 1 时，并行排版 PDF 的调度和各任务用时打印到标准错误（供维护人员分析）", "不打印"),
    Var("PYTHONPATH", "Python 模块搜索路径；并行排版 PDF 的子进程在其前面加上本程序所在目录", "空"),
    Var("OPENBLAS_NUM_THREADS", "numpy 线性代数线程数；命令行未设时设为 1，使网站可以并行生成", "1"),
)}


def _declared(name: str) -> str:
    if name not in VARS:
        raise KeyError(f"environment variable {name} is not declared in scoring/core/envvars.py")
    return name


def get(name: str) -> str | None:
    """The variable's value, or None when unset."""
    return os.environ.get(_declared(name))


def setdefault(name: str, value: str) -> None:
    os.environ.setdefault(_declared(name), value)


@contextmanager
def override(name: str, value: str) -> Iterator[None]:
    """The variable set to ``value`` for the block, then restored as it was."""
    saved = os.environ.get(_declared(name))
    os.environ[name] = value
    try:
        yield
    finally:
        if saved is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = saved


def child_environment(**extra: str) -> dict[str, str]:
    """This process's environment with ``extra`` set, for a child process."""
    return {**os.environ, **extra}


def help_text() -> str:
    """The variables as `build.py --help` lists them."""
    lines = ["环境变量："]
    lines += [f"  {v.name}  {v.help}（默认：{v.default}）" for v in VARS.values()]
    return "\n".join(lines)
