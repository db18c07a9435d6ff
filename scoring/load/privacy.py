"""Personal data in evidence files: what looks like it, and what a person has reviewed.

The detectors read the whole ``.md`` file as written (front matter and body), so a
finding's line is the line a person must edit. They look for:

- a resident ID number (18 characters, a plausible birth date, a valid GB 11643 check digit);
- a mobile number (1[3-9] and 11 digits, optionally +86 and 3-4-4 groups, never inside a longer digit run);
- a bank card number (13-19 digits, a card-scheme prefix, a valid Luhn digit, not an ID number);
- an e-mail address;
- a labelled line such as ``申请人：张三`` (the labels are in ``LABELS``); a value that is already
  masked (``李某某``, ``张*``), a placeholder (``无``) or an organisation (``…有限公司``) is not personal.

A finding that a person has checked and accepted is listed in the file's front matter under
``reviewed_personal_data``, each entry with the value (or the fingerprint the warning prints)
and a reason::

    reviewed_personal_data:
      - {内容: zwgk@example.gov.cn, 理由: 单位公开的政务公开信箱}
      - {内容: "sha256:3f9a0c51d2e4", 理由: 申请人同意公开答复全文}

Nothing here reads a file or knows the model: text in, findings out.
"""

from __future__ import annotations

import hashlib
import re
from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from ..core.problems import Problem, error, warning
from ..core.yamlio import FrontMatterError, LineDict, split_front_matter

REVIEWED_KEY = "reviewed_personal_data"
VALUE_KEY = "内容"
REASON_KEY = "理由"

# Kinds, as every message names them.
ID_NUMBER = "身份证号"
MOBILE = "手机号"
BANK_CARD = "银行卡号"
EMAIL = "电子邮箱"

# A label that introduces a person's details, and the kind of finding it gives.
# Office phone numbers and addresses are public on every government page, so
# 电话/地址 are not here; a mobile number is found by its own detector.
LABELS: dict[str, str] = {
    "申请人": "申请人信息",
    "申请人姓名": "申请人信息",
    "被申请人": "被申请人信息",
    "姓名": "姓名",
    "联系人": "联系人信息",
    "投诉人": "投诉人信息",
    "举报人": "举报人信息",
    "来信人": "来信人信息",
    "留言人": "留言人信息",
    "当事人": "当事人信息",
    "身份证号": ID_NUMBER,
    "身份证号码": ID_NUMBER,
    "公民身份号码": ID_NUMBER,
    "证件号码": ID_NUMBER,
    "住址": "住址",
    "家庭住址": "住址",
    "户籍地址": "住址",
}

# Characters that mean a value is already masked.
_MASKS = ("某", "*", "＊", "×", "○", "〇", "Ｘ", "XX", "xx")
# Values that stand for "nothing here".
_PLACEHOLDERS = frozenset({"无", "略", "暂无", "不详", "空", "同上", "/", "-", "—"})
# A value ending like this names an organisation, not a person.
_ORG_SUFFIXES = (
    "公司", "集团", "厂", "店", "局", "委", "委员会", "办", "办公室", "中心", "协会", "学会", "商会", "学校",
    "大学", "学院", "医院", "银行", "合作社", "研究院", "研究所", "事务所", "政府", "单位", "部", "站", "所", "社",
)

# GB 11643: the first two digits are a province-level code.
_PROVINCES = frozenset({
    11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46,
    50, 51, 52, 53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83, 91,
})
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"

# Full-width digits and letters read as ASCII; one character for one, so offsets hold.
_HALF = str.maketrans(
    "０１２３４５６７８９ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐｑｒｓｔｕｖｗｘｙｚ＠．－＋",
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz@.-+",
)

# Not preceded by a digit, nor by a digit and a separator (so not the tail of 123-456…).
_NO_DIGIT_BEFORE = r"(?<![0-9])(?<![0-9][-.])"
_NO_DIGIT_AFTER = r"(?![0-9])(?![-.][0-9])"

_ID_RE = re.compile(_NO_DIGIT_BEFORE + r"([1-9][0-9]{5})([0-9]{8})[0-9]{3}[0-9Xx]" + r"(?![0-9A-Za-z])(?![-.][0-9])")
_MOBILE_RE = re.compile(
    _NO_DIGIT_BEFORE + r"(?:(?:\+|00)?86[- ]?)?1[3-9][0-9](?:[0-9]{8}|-[0-9]{4}-[0-9]{4}| [0-9]{4} [0-9]{4})"
    + _NO_DIGIT_AFTER
)
_CARD_RE = re.compile(
    _NO_DIGIT_BEFORE + r"[0-9]{4}(?:[0-9]{9,15}|(?: [0-9]{4}){2,3}(?: [0-9]{1,3})?|(?:-[0-9]{4}){2,3}(?:-[0-9]{1,3})?)"
    + _NO_DIGIT_AFTER
)
_CARD_PREFIX = re.compile(r"^(?:3[457]|4|5[1-5]|2[2-7]|6|95)")
_EMAIL_RE = re.compile(
    r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9][A-Za-z0-9._%+-]*@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,}(?![A-Za-z0-9])"
)
# 申请人：张三 — the label at the start of a field (line start, list item, table cell, after
# punctuation), optionally in bold, then a colon and the value up to the next separator.
_LABEL_RE = re.compile(
    r"(?:^|(?<=[\s，,；;、（(|>*#\-]))(?:\*\*|__)?("
    + "|".join(sorted(map(re.escape, LABELS), key=len, reverse=True))
    + r")(?:\*\*|__)?[ \t]*[:：][ \t]*(?:\*\*|__)?([^\s，,；;。、|（()）*]+)",
    re.MULTILINE,
)


@dataclass(frozen=True)
class Finding:
    """One piece of text that looks like personal data."""

    kind: str  # Chinese label: 身份证号, 手机号, 银行卡号, 电子邮箱, 申请人信息, …
    text: str  # as written in the file
    value: str  # normalised: digits only, lower-case e-mail, the name of a labelled line
    line: int  # 1-based line in the .md file

    @property
    def fingerprint(self) -> str:
        """``sha256:`` and 12 hex digits: a stable name for the value that does not repeat it."""
        return fingerprint(self.value)

    @property
    def masked(self) -> str:
        """The value with its middle hidden, for messages and logs."""
        return mask(self.kind, self.value)


@dataclass(frozen=True)
class Reviewed:
    """An accepted finding, as listed under ``reviewed_personal_data``."""

    value: str  # the value as written, or ``sha256:…``
    reason: str
    line: int

    def accepts(self, finding: Finding) -> bool:
        if self.value.lower().startswith("sha256:"):
            return finding.fingerprint == self.value.lower()
        return normalise_value(self.value) == finding.value


def normalise_value(value: str) -> str:
    """Compare values without spaces, dashes or case: ``138-1234-5678`` is ``13812345678``."""
    return re.sub(r"[\s\-]", "", value.translate(_HALF)).lower().removeprefix("+86")


def fingerprint(value: str) -> str:
    return "sha256:" + hashlib.sha256(normalise_value(value).encode("utf-8")).hexdigest()[:12]


def mask(kind: str, value: str) -> str:
    if kind == EMAIL:
        local, _, domain = value.partition("@")
        return f"{local[:1]}***@{domain}"
    if kind == ID_NUMBER:
        value = value.upper()
    if value.isascii() and len(value) >= 8:
        return value[:3] + "*" * (len(value) - 7) + value[-4:]
    return value[:1] + "*" * max(1, len(value) - 1)


def valid_id_number(number: str) -> bool:
    """An 18-character resident ID number: province code, a real birth date, GB 11643 check digit."""
    if len(number) != 18 or not number[:17].isdigit():
        return False
    if int(number[:2]) not in _PROVINCES:
        return False
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return False
    if not 1900 <= born.year <= 2099:
        return False
    total = sum(int(d) * w for d, w in zip(number[:17], _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11] == number[17].upper()


def luhn(number: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(number)):
        d = int(ch)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def _bank_card(digits: str) -> bool:
    return (13 <= len(digits) <= 19 and bool(_CARD_PREFIX.match(digits)) and len(set(digits)) >= 2
            and luhn(digits) and not valid_id_number(digits))


def _personal_value(value: str) -> bool:
    value = value.strip("*_")
    if not value or value in _PLACEHOLDERS or value.startswith(("见", "详见")):
        return False
    if any(m in value for m in _MASKS):
        return False
    return not value.endswith(_ORG_SUFFIXES)


# Cheap necessary conditions, tested on the text as written (full-width forms included),
# so that most files skip the detectors they cannot trigger:
# - every ID, card or mobile match has a run of 11 digits, or 3 digits, a space or dash
#   and 4 digits (a 17-digit ID, a 13-19 digit card, 1[3-9]x and 8 digits; 138-1234-…,
#   138 1234 …, 6222 0212 …, 6222-0212-…);
# - every e-mail address has an @;
# - every labelled line and labelled table column has a label word (labels are CJK only,
#   so the half-width translation cannot make or break one).
# 11 digits, or 3, a separator and 4; the first digit spelt out alone lets re scan for it quickly.
_DIGITS_HINT = re.compile("[0-9０-９][0-9０-９][0-9０-９](?:[0-9０-９]{8}|[- －][0-9０-９]{4})")
_LABEL_WORDS = tuple(w for w in LABELS if not any(o != w and o in w for o in LABELS))
_LABEL_HINT = re.compile("|".join(map(re.escape, _LABEL_WORDS)))


def find_personal_data(text: str, first_line: int = 1) -> list[Finding]:
    """Every finding in ``text``, in order; lines count from ``first_line``."""
    digits = _DIGITS_HINT.search(text) is not None
    at = "@" in text or "＠" in text
    labelled = _LABEL_HINT.search(text) is not None
    if not (digits or at or labelled):
        return []
    return _find_personal_data(text, first_line, digits=digits, at=at, labelled=labelled)


def _find_personal_data(text: str, first_line: int = 1, *, digits: bool = True, at: bool = True,
                        labelled: bool = True) -> list[Finding]:
    """The detectors themselves; those turned off by a hint could find nothing in ``text``."""
    plain = text.translate(_HALF)
    starts = [0] + [m.end() for m in re.finditer("\n", plain)]

    def line_of(pos: int) -> int:
        return first_line + bisect_right(starts, pos) - 1

    found: list[tuple[int, int, Finding]] = []
    taken: list[tuple[int, int]] = []

    def add(start: int, end: int, kind: str, value: str) -> None:
        found.append((start, end, Finding(kind, text[start:end], value, line_of(start))))
        taken.append((start, end))

    def free(start: int, end: int) -> bool:
        return all(end <= s or start >= e for s, e in taken)

    if digits:
        for m in _ID_RE.finditer(plain):
            if valid_id_number(m.group(0)):
                add(m.start(), m.end(), ID_NUMBER, m.group(0).lower())
        for m in _CARD_RE.finditer(plain):
            number = re.sub(r"[ -]", "", m.group(0))
            if free(m.start(), m.end()) and _bank_card(number):
                add(m.start(), m.end(), BANK_CARD, number)
        for m in _MOBILE_RE.finditer(plain):
            if free(m.start(), m.end()):
                add(m.start(), m.end(), MOBILE, normalise_value(m.group(0))[-11:])
    if at:
        for m in _EMAIL_RE.finditer(plain):
            add(m.start(), m.end(), EMAIL, m.group(0).lower())
    if labelled:
        for m in _LABEL_RE.finditer(plain):
            value = m.group(2).strip("*_")
            if free(m.start(2), m.end(2)) and _personal_value(value):
                add(m.start(), m.end(), LABELS[m.group(1)], normalise_value(value))
        for start, end, label, value in _table_cells(plain):
            if free(start, end) and _personal_value(value):
                add(start, end, LABELS[label], normalise_value(value))
    found.sort(key=lambda f: (f[0], f[1]))
    return [f for _, _, f in found]


_TABLE_SEP = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)*\|?\s*$")


def _cells(line: str, offset: int) -> list[tuple[int, int, str]]:
    """The cells of a Markdown table row: (start, end, stripped text), offsets in the whole text."""
    out: list[tuple[int, int, str]] = []
    body = line.rstrip()
    lead = len(body) - len(body.lstrip())
    pos = lead + (1 if body[lead:lead + 1] == "|" else 0)
    end_all = len(body) - (1 if body.endswith("|") else 0)
    while pos <= end_all:
        bar = body.find("|", pos, end_all)
        stop = end_all if bar < 0 else bar
        cell = body[pos:stop]
        inner = cell.strip()
        start = offset + pos + (len(cell) - len(cell.lstrip()))
        out.append((start, start + len(inner), inner))
        if bar < 0:
            break
        pos = bar + 1
    return out


def _table_cells(text: str) -> Iterable[tuple[int, int, str, str]]:
    """(start, end, label, value) for every cell under a column headed by a label (| 申请人 |)."""
    lines = text.split("\n")
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line) + 1)
    i = 0
    while i + 1 < len(lines):
        if "|" in lines[i] and _TABLE_SEP.match(lines[i + 1]):
            header = _cells(lines[i], offsets[i])
            columns = {n: cell[2].strip("*_") for n, cell in enumerate(header) if cell[2].strip("*_") in LABELS}
            i += 2
            while i < len(lines) and "|" in lines[i]:
                for n, (start, end, value) in enumerate(_cells(lines[i], offsets[i])):
                    if n in columns:
                        yield start, end, columns[n], value.strip("*_")
                i += 1
        else:
            i += 1


def parse_reviewed(raw: Any, line: int) -> tuple[tuple[Reviewed, ...], list[tuple[int, str]]]:
    """The entries of ``reviewed_personal_data`` and, for each bad one, (line, Chinese message).

    ``raw`` is the loaded YAML value; mappings that know their lines (``LineDict``) give each
    entry its own line, others take ``line``.
    """
    if raw is None:
        return (), []
    entries = raw if isinstance(raw, list) else [raw]
    out: list[Reviewed] = []
    bad: list[tuple[int, str]] = []
    for entry in entries:
        where = getattr(entry, "line", line) if isinstance(entry, Mapping) else line
        value = entry.get(VALUE_KEY) if isinstance(entry, Mapping) else None
        reason = entry.get(REASON_KEY) if isinstance(entry, Mapping) else None
        extra = [k for k in entry if k not in (VALUE_KEY, REASON_KEY)] if isinstance(entry, Mapping) else []
        if value in (None, "") or not str(reason or "").strip() or extra:
            bad.append((where, f"{REVIEWED_KEY} 的每一项应写成 {{{VALUE_KEY}: 已确认可公开的内容或 sha256 指纹, "
                               f"{REASON_KEY}: 为什么可以公开}}，两项都不能为空"))
            continue
        out.append(Reviewed(str(value), str(reason).strip(), where))
    return tuple(out), bad


def unreviewed(findings: Iterable[Finding], reviewed: Sequence[Reviewed]) -> list[Finding]:
    """The findings no reviewed entry accepts."""
    return [f for f in findings if not any(r.accepts(f) for r in reviewed)]


def unused(findings: Sequence[Finding], reviewed: Iterable[Reviewed]) -> list[Reviewed]:
    """Reviewed entries that accept no finding any more (the text was changed or removed)."""
    return [r for r in reviewed if not any(r.accepts(f) for f in findings)]


def _block_end(text: str, front: Mapping[str, Any], line: int) -> int:
    """The last line of the front-matter key at ``line``: before the next key or the closing ---."""
    key_lines: dict[Any, int] = getattr(front, "key_lines", {})
    later = [n for n in key_lines.values() if n > line]
    if later:
        return min(later) - 1
    try:
        _, _, body_line = split_front_matter(text)
    except FrontMatterError:
        return line
    return body_line - 2


def _blank_lines(text: str, first: int, last: int) -> str:
    """The text with lines first..last emptied: the reviewed list is not itself personal data to report."""
    lines = text.split("\n")
    for i in range(first - 1, min(last, len(lines))):
        lines[i] = ""
    return "\n".join(lines)


def check_text(rel: str, text: str, front: Mapping[str, Any] | None) -> list[Problem]:
    """Warnings (code ``personal-data``) for one evidence file's unreviewed findings.

    ``text`` is the whole file; ``front`` its loaded front matter (a ``LineDict``), or None
    when it could not be read, in which case nothing counts as reviewed.
    """
    problems: list[Problem] = []
    reviewed: tuple[Reviewed, ...] = ()
    if front is not None and REVIEWED_KEY in front:
        key_line: int = front.line_of(REVIEWED_KEY) if isinstance(front, LineDict) else 1
        reviewed, bad = parse_reviewed(front[REVIEWED_KEY], key_line)
        problems.extend(error(rel, line, message, "bad-reviewed") for line, message in bad)
        text = _blank_lines(text, key_line, _block_end(text, front, key_line))
    findings = find_personal_data(text)
    for f in unreviewed(findings, reviewed):
        problems.append(warning(rel, f.line, (
            f"疑似个人信息（{f.kind}）“{f.masked}”：请删除或打码；确认可以公开的，在 front matter 的 "
            f"{REVIEWED_KEY} 中登记 {{{VALUE_KEY}: \"{f.fingerprint}\", {REASON_KEY}: …}}。"
            "公开版不会发布含未登记个人信息的文件"), "personal-data"))
    for r in unused(findings, reviewed):
        problems.append(warning(rel, r.line, f"{REVIEWED_KEY} 中的“{r.value}”在本文件中已找不到，请删去这一项",
                                "personal-data-unused"))
    return problems
