"""Limits on an evidence body's shape, checked in one linear pass before any renderer sees it.

Python-Markdown, MkDocs and WeasyPrint recurse on nesting and slow down
superlinearly on some shapes: a list nested a few hundred deep stops the
Markdown converter with RecursionError, one nested seventy deep stops
WeasyPrint's layout; ten thousand nested ``[`` take Python-Markdown's link
parser minutes (each opening bracket scans to the end); one paragraph of a
megabyte takes WeasyPrint minutes to break into lines. Real evidence never
comes near any of these, so ``check`` refuses a body past a limit, at the line
where it is passed, and the body is never rendered:

- nesting of lists, blockquotes and raw HTML block elements together
  (``MAX_NESTING``);
- nesting of square brackets within a paragraph (``MAX_BRACKETS``);
- nesting of emphasis (``*``, ``_``, ``~`` runs that open more than they
  close, ``MAX_EMPHASIS``);
- one paragraph (consecutive non-blank lines of running text) of more than
  ``MAX_PARAGRAPH`` characters.

Every measure is a single pass over the text with a constant amount of work
per character, so ten megabytes of any shape are checked in well under a
second.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

MAX_NESTING = 16
MAX_BRACKETS = 16
MAX_EMPHASIS = 16
MAX_PARAGRAPH = 30_000  # characters

_QUOTES = re.compile(r"(?:[ \t]{0,3}>[ ]?)*")
_MARKERS = re.compile(r"(?:(?:[-*+]|\d{1,9}[.)])(?:[ \t]+|$))*")
_OPENERS = frozenset(" \t>-*+0123456789|#")  # a line starting otherwise opens no container
_FENCE = re.compile(r"[ \t]{0,3}(```|~~~)")
_BLOCK_START = re.compile(r"[ \t]*(?:[-*+]\s|\d{1,9}[.)]\s|\||>|#)")
# Raw HTML elements the sanitiser keeps that can contain themselves (body.TAGS' containers).
_HTML_TAG = re.compile(r"<(/?)(blockquote|ul|ol|li|dl|dd|table|tr|td|th|tbody|thead|span|strong|em|b|i|u|s|del|"
                       r"ins|mark|sub|sup|small|code|kbd|a)\b[^<>]*?(/?)>", re.IGNORECASE)


@dataclass(frozen=True)
class Excess:
    """One limit a body passes: its kind, the line (counting from the body's first line, 0-based), the amount."""

    kind: str
    line: int
    amount: int

    def message(self) -> str:
        what, limit, unit = {
            "nesting": ("列表、引用和 HTML 标签的嵌套", MAX_NESTING, "层"),
            "brackets": ("方括号 [ ] 的嵌套", MAX_BRACKETS, "层"),
            "emphasis": ("强调符号 * _ ~ 的嵌套", MAX_EMPHASIS, "层"),
            "paragraph": ("一个段落的长度", MAX_PARAGRAPH, "字"),
        }[self.kind]
        fix = ("请在段落之间空一行把它分成几段，或把长篇材料作为附件（PDF）提交" if self.kind == "paragraph"
               else "审阅网站和 PDF 无法排版这样的正文；请改为平铺的段落或表格")
        return f"正文中{what}达到 {self.amount} {unit}，超过上限 {limit} {unit}：{fix}"


def _expand(line: str) -> str:
    return line.expandtabs(4) if "\t" in line else line


def _container_depth(line: str) -> int:
    """Blockquote markers and list markers (with the indentation in front of them) opening this line."""
    quotes = _QUOTES.match(line)
    assert quotes is not None  # the pattern matches the empty string
    rest = line[quotes.end():]
    stripped = rest.lstrip(" ")
    markers = _MARKERS.match(stripped)
    assert markers is not None
    listed = markers.group().count(" ") + markers.group().count("\t") if markers.end() else 0
    if not listed:
        return quotes.group().count(">")
    count = len(re.findall(r"[-*+]|\d{1,9}[.)]", markers.group()))
    return quotes.group().count(">") + (len(rest) - len(stripped)) // 4 + count


def _emphasis(paragraph_depth: int, line: str) -> tuple[int, int]:
    """The emphasis depth after ``line``, and the deepest it reached: runs that open add their length,
    runs that close take it away (a run between two letters or two spaces does neither)."""
    deepest = depth = paragraph_depth
    for match in re.finditer(r"[*_~]+", line):
        before = line[match.start() - 1] if match.start() else " "
        after = line[match.end()] if match.end() < len(line) else " "
        opens, closes = not after.isspace(), not before.isspace()
        if opens and not closes:
            depth += len(match.group())
            deepest = max(deepest, depth)
        elif closes and not opens:
            depth = max(0, depth - len(match.group()))
    return depth, deepest


class _Scan:
    def __init__(self) -> None:
        self.found: dict[str, Excess] = {}
        self.brackets = self.emphasis = self.html = 0
        self.paragraph, self.paragraph_start = 0, 0

    def note(self, kind: str, line: int, amount: int, limit: int) -> None:
        """The first line where ``kind`` passes its limit, with the most it reaches in the body."""
        if amount > limit:
            first = self.found.get(kind)
            if first is None or amount > first.amount:
                self.found[kind] = Excess(kind, first.line if first else line, amount)

    def end_paragraph(self) -> None:
        self.note("paragraph", self.paragraph_start, self.paragraph, MAX_PARAGRAPH)
        self.brackets = self.emphasis = self.paragraph = 0

    def line(self, number: int, line: str) -> None:
        if not line.strip():
            self.end_paragraph()
            return
        block = line[0] in _OPENERS
        if not self.paragraph or (block and _BLOCK_START.match(line)):
            self.end_paragraph()
            self.paragraph_start = number
        self.paragraph += len(line)
        depth = self.html
        if "<" in line:
            for tag in _HTML_TAG.finditer(line):
                if not tag.group(3):
                    self.html = max(0, self.html + (-1 if tag.group(1) else 1))
                    depth = max(depth, self.html)
        if block:
            depth += _container_depth(_expand(line))
        if depth > MAX_NESTING:
            self.note("nesting", number, depth, MAX_NESTING)
        if "[" in line or "]" in line:
            deepest = self.brackets
            for char in re.findall(r"[\[\]]", line):
                self.brackets = self.brackets + 1 if char == "[" else max(0, self.brackets - 1)
                deepest = max(deepest, self.brackets)
            self.note("brackets", number, deepest, MAX_BRACKETS)
        if "*" in line or "_" in line or "~" in line:
            self.emphasis, deepest = _emphasis(self.emphasis, line)
            self.note("emphasis", number, deepest, MAX_EMPHASIS)


def _lines(body: str) -> Iterator[tuple[int, str, bool]]:
    """Each line with its number and whether it lies inside a fenced code block (fences included)."""
    fence = ""
    for number, line in enumerate(body.split("\n")):
        opened = _FENCE.match(line)
        if fence:
            yield number, line, True
            if opened and opened.group(1) == fence:
                fence = ""
        elif opened:
            fence = opened.group(1)
            yield number, line, True
        else:
            yield number, line, False


def excesses(body: str) -> list[Excess]:
    """Every limit ``body`` passes (each kind once, at the first line it is passed), in line order."""
    scan = _Scan()
    for number, line, code in _lines(body):
        if code:  # a code block's text is shown as it is: only its length counts
            if not line.strip() or not scan.paragraph:
                scan.end_paragraph()
                scan.paragraph_start = number
            scan.paragraph += len(line)
        else:
            scan.line(number, line)
    scan.end_paragraph()
    return sorted(scan.found.values(), key=lambda e: e.line)
