"""Names that break between words only: row, level and unit names and evidence titles, cut with jieba.

A browser breaks Chinese text between any two characters, so on a phone a name such as 公共资源交易中心
could end a line inside a word (公共资/源…). The pages wrap a name in ``<span class="zwgk-words">`` (CSS:
``word-break: keep-all``, no break between Han characters) and put ``<wbr>`` between its words, so a line
ends only where jieba ends a word; a word wider than the line still breaks (``overflow-wrap: break-word``),
so nothing overflows. The search plugin indexes the text without the markup (``<wbr>`` holds no text).

The cut uses jieba's dictionary as loaded (not the search tuning's, which cuts compounds apart for the
search and changes with the scheme's terms), without the HMM (whose forced splits the tuning changes too):
the same name gives the same words in every build.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping

import jieba

from . import engine_jieba as engine
from .search import TUNING
from .sitetext import _MD_ESCAPES

_tokenizer: list[engine.Tokenizer] = []  # made once per process
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def tokenizer() -> engine.Tokenizer:
    if not _tokenizer:
        if engine.GATE.open():
            _tokenizer.append(engine.untuned(TUNING.saved, TUNING.start if TUNING.total is not None else None))
        else:  # jieba's public API: a tokenizer loading the dictionary file itself
            public = jieba.Tokenizer()
            public.initialize()
            _tokenizer.append(public)
    return _tokenizer[0]


def release() -> None:
    """Give back jieba's dictionaries once the site is built and another output follows (the PDF, whose
    workers need the memory): the search tuning undone, the dictionary and this module's copy of it
    forgotten, about 70 MB. A later site build in the same process loads them again."""
    if not engine.GATE.open():
        return
    TUNING.undo()
    engine.unload()
    _tokenizer.clear()
    words.cache_clear()


_OPENING = set("“‘（《〈「『【〔［｛(")  # stays with the word after it
_CLOSING = set("”’）》〉」』】〕］｝)、，。；：！？…·")  # stays with the word before it
_DASHES = set("—–-/")  # a word of its own: a browser may break before or after one (1—11月)


@functools.lru_cache(maxsize=16384)
def words(text: str) -> tuple[str, ...]:
    """``text`` cut into words; a run of characters that are not Han (a number, a Latin word) stays one, a dash
    stands alone, and other punctuation stays with its word (no line starts with 」 or ends with 「)."""
    found: list[str] = []
    glue = False  # the last word ends with opening punctuation
    for word in tokenizer().cut(text, HMM=False):
        if found and (glue or set(word) <= _CLOSING or (_plain(word) and _plain(found[-1][-1]))):
            found[-1] += word
        else:
            found.append(word)
        glue = word[-1] in _OPENING
    return tuple(found)


def _plain(text: str) -> bool:
    """Neither Han nor punctuation that goes with a word nor a dash: a number, a Latin word, a space."""
    return not _HAN.search(text) and not (set(text) & (_OPENING | _CLOSING | _DASHES))


def name_words(value: object, escapes: Mapping[int, str] = _MD_ESCAPES) -> str:
    """The Jinja2 filter ``words``: the text on one line, its words joined with ``<wbr>``, each character Markdown
    could act on a character reference (``escapes``, the ``t`` filter's by default)."""
    text = " ".join(str(value).split())
    if not _HAN.search(text):
        return text.translate(escapes)
    return '<span class="zwgk-words">' + "<wbr>".join(w.translate(escapes) for w in words(text)) + "</span>"
