"""One problem type for every error and warning a user reads.

A problem names its file and line and says, in Chinese, what is wrong and what
to do. Problems are collected for a whole run, sorted, and printed once.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    ERROR = "错误"
    WARNING = "警告"
    # A finding about the scheme itself (the assessors' text): reported,
    # never fatal, and not turned into an error by --strict.
    NOTICE = "方案核查"


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int
    severity: Severity
    message: str
    code: str = ""

    def format(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.severity.value}：{self.message}"


def error(path: str, line: int, message: str, code: str = "") -> Problem:
    return Problem(path, line, Severity.ERROR, message, code)


def warning(path: str, line: int, message: str, code: str = "") -> Problem:
    return Problem(path, line, Severity.WARNING, message, code)


def notice(path: str, line: int, message: str, code: str = "") -> Problem:
    return Problem(path, line, Severity.NOTICE, message, code)


def suggest(word: str, choices: Iterable[str], cutoff: float = 0.5) -> str:
    """The "did you mean" every message uses: "，是否为 X？", or "" when nothing is close."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=cutoff)
    return f"，是否为 {close[0]}？" if close else ""


def sort_problems(problems: list[Problem]) -> list[Problem]:
    return sorted(set(problems), key=lambda p: (p.path, p.line, p.severity.value, p.message))


def has_errors(problems: list[Problem], strict: bool = False) -> bool:
    fatal = {Severity.ERROR, Severity.WARNING} if strict else {Severity.ERROR}
    return any(p.severity in fatal for p in problems)


class UsageError(Exception):
    """A bad command line: exit code 2."""


class DataError(Exception):
    """Bad input data that stops the run: exit code 1."""

    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems
