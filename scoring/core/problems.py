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
        """One line, whatever the path or the quoted values hold (``printable``)."""
        where = f"{printable(self.path)}:{self.line}" if self.line else printable(self.path)
        return f"{where}: {self.severity.value}：{printable(self.message)}"


# Characters that could end a printed line, move the cursor, or reorder what a terminal or an editor
# shows: C0 and C1 controls, DEL, and the bidirectional formatting characters.
_UNPRINTABLE = {c: f"\\x{c:02x}" for c in (*range(0x20), 0x7F, *range(0x80, 0xA0))}
_UNPRINTABLE.update({c: f"\\u{c:04x}" for c in (0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F),
                                                   *range(0x2066, 0x206A))})


def printable(text: str) -> str:
    """``text`` with every control and bidi character written as an escape (``\\x0a``, ``\\u202e``):
    no file name or value can forge an output line or show itself reversed."""
    return text.translate(_UNPRINTABLE)


def unprintable(text: str) -> bool:
    return printable(text) != text


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
