"""What to say about an id that names nothing: the nearest id, or, for one written with Han characters,
the ids whose names hold those characters (difflib's nearest ASCII id is a guess there, often wrong)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from .problems import suggest

_HAN = re.compile(r"[^\x00-\x7f]+")


def id_text(value: object) -> str:
    """An id as a user wrote it, in Chinese quotes (never Python's ``'…'``)."""
    return "（空）" if value is None or value == "" else f"“{value}”"


def ascii_only(ident: str) -> str:
    """Why an id with characters outside ASCII is refused, or ""."""
    return "（编号不能含汉字或全角字符）" if _HAN.search(ident) else ""


def nearest_id(ident: str, named: Iterable[tuple[str, str]]) -> str:
    """"，是否为 X？" for ``ident`` among (id, name) pairs: by the Han words in it when it has any."""
    named = list(named)
    words = _HAN.findall(ident)
    if words:
        hits = [(i, n) for i, n in named if any(w in n for w in words)]
        if hits:
            listed = "、".join(f"{i}（{n}）" for i, n in hits[:3])
            return f"；编号只用小写字母、数字、点和横线，名称含“{'、'.join(words)}”的指标：{listed}"
        return "；编号只用小写字母、数字、点和横线，不含汉字"
    return suggest(ident, [i for i, _ in named])
