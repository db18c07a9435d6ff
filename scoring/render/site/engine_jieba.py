"""jieba: every use of its internals, in one place.

The search tuning (scoring/render/site/search.py) changes jieba's one global dictionary, which Material's
search plugin cuts with: it reads the dictionary's words and counts, and puts back exactly what
it changed (the counts, the total, the words forced apart) so that the next build tunes from the
same start; and it loads the dictionary from a copy kept beside the site cache, faster than
jieba's own cache. Everything of that kind is here, typed with a Protocol (jieba has no types).

``GATE`` lists the version all this was verified against. With any other version installed, the
tuning takes jieba's public API (``PublicDictionary``): the same words added and deleted, so the
same cuts and search entries; it loads jieba's dictionary the slower way, walks the dictionary
file for the compounds on every build, and starts again from the dictionary file to undo a
tuning (the words a tuning deleted stay among those jieba's HMM keeps apart; only the live
preview, after an edit that changes the scheme's terms, tunes twice in one process).
"""

from __future__ import annotations

import hashlib
import json
import marshal
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Protocol, cast

import jieba
import jieba.finalseg

from ...core.engine_gate import Gate

GATE = Gate({"jieba": "0.42.1"}, "搜索分词改用 jieba 的公开接口（较慢，结果相同）")


class Tokenizer(Protocol):
    """jieba's tokenizer (``jieba.dt``, the one Material's search plugin cuts with)."""

    FREQ: dict[str, int]  # every word and every prefix of one (count 0 when only a prefix)
    total: int
    initialized: bool
    dictionary: str | None

    def check_initialized(self) -> None: ...
    def get_dict_file(self) -> IO[bytes]: ...
    def add_word(self, word: str, freq: int | None = None, tag: str | None = None) -> None: ...
    def del_word(self, word: str) -> None: ...
    def cut(self, sentence: str, cut_all: bool = False, HMM: bool = True) -> Iterator[str]: ...


def tokenizer() -> Tokenizer:
    return cast(Tokenizer, jieba.dt)


def forced_splits() -> set[str]:
    """The words jieba's HMM must cut into characters (those deleted with ``del_word``)."""
    found: set[str] = jieba.finalseg.Force_Split_Words
    return found


def frequency(word: str) -> int | None:
    return tokenizer().FREQ.get(word)


def words() -> Mapping[str, int]:
    """The dictionary: every word with its count, in jieba's order."""
    return tokenizer().FREQ


def size() -> int:
    return len(tokenizer().FREQ)


@dataclass(frozen=True)
class Start:
    """What a tuning changes of jieba's state besides the counts it saves word by word."""

    total: int
    forced: set[str]


def start() -> Start:
    return Start(tokenizer().total, set(forced_splits()))


def restore(saved: dict[str, int | None], state: Start) -> None:
    """Put back each saved count (None: the word was not there), the total and the words forced apart."""
    dt = tokenizer()
    for word, value in saved.items():
        if value is None:
            dt.FREQ.pop(word, None)
        else:
            dt.FREQ[word] = value
    dt.total = state.total
    forced = forced_splits()
    forced.clear()
    forced.update(state.forced)


def unload() -> None:
    """Forget the loaded dictionary (its 350,000 words and their prefixes: about 55 MB); the next cut or
    tuning loads it again (``load_dictionary``). Only for an untuned dictionary (``SearchTuning.undo`` first)."""
    dt = tokenizer()
    dt.FREQ, dt.total, dt.initialized = {}, 0, False


def load_dictionary(folder: Path | None) -> None:
    """jieba's dictionary loaded (``jieba.dt.initialize``), from a copy kept in ``folder`` when there is a good one.

    jieba loads its own cache with ``marshal.load`` from a file object, which reads the
    file a few bytes at a time: 0.75 s for its 500,000 entries, in every new process. The
    copy here holds the same two values (the prefix dictionary and its total), read whole
    and loaded with ``marshal.loads``: 0.25 s. It is keyed by jieba's version and the
    dictionary file (path, size, mtime), carries the SHA-256 of its bytes (a damaged copy is
    not loaded), and is written from the dictionary jieba loaded before any tuning changed it.
    """
    dt = tokenizer()
    if dt.initialized or folder is None:
        dt.check_initialized()
        return
    try:
        source = dt.get_dict_file()
        name, stat = source.name, os.fstat(source.fileno())
        source.close()
    except (OSError, AttributeError):
        dt.check_initialized()
        return
    key = hashlib.sha256(json.dumps([jieba.__version__, str(dt.dictionary), name, stat.st_size, stat.st_mtime_ns],
                                    ensure_ascii=False).encode("utf-8")).hexdigest()[:32]
    kept = folder / f"dictionary-{key}.marshal"
    from ...core.output import keep, read_kept

    data = read_kept(kept)
    try:
        freq, total = marshal.loads(data) if data is not None else (None, None)
    except (ValueError, EOFError, TypeError):
        freq = total = None
    if isinstance(freq, dict) and isinstance(total, int):
        dt.FREQ, dt.total, dt.initialized = freq, total, True
        return
    dt.check_initialized()
    keep(kept, marshal.dumps((dt.FREQ, dt.total)), "dictionary-*.marshal")


class PublicDictionary:
    """The tuning's reads and writes of jieba's dictionary through its public API only."""

    @staticmethod
    def load() -> None:
        jieba.initialize()

    @staticmethod
    def frequency(word: str) -> int | None:
        found: int | None = jieba.get_FREQ(word)
        return found

    @staticmethod
    def words(added: list[str]) -> dict[str, int]:
        """The dictionary's words with their counts now: each word of jieba's dictionary file (read as jieba reads
        it), then the words added, in that order."""
        source = jieba.get_dict_file()
        try:
            listed = [line.strip().decode("utf-8").split(" ")[0] for line in source]
        finally:
            source.close()
        return {word: jieba.get_FREQ(word) or 0 for word in dict.fromkeys([*listed, *added])}

    @staticmethod
    def add_word(word: str) -> None:
        jieba.add_word(word)

    @staticmethod
    def del_word(word: str) -> None:
        jieba.del_word(word)

    @staticmethod
    def reload() -> None:
        """jieba's dictionary as its file holds it (``set_dictionary`` makes the next cut load it again)."""
        source = jieba.get_dict_file()
        path = source.name
        source.close()
        jieba.set_dictionary(path)
        jieba.initialize()


def untuned(saved: Mapping[str, int | None], state: Start | None) -> Tokenizer:
    """A tokenizer of its own over jieba's dictionary as loaded, whatever a search tuning changed in ``jieba.dt``
    (``saved`` and ``state`` as ``restore`` takes them; ``state`` None: not tuned). A copy of the counts, not a
    second load of the dictionary; for the names' line breaks (scoring/render/site/wordbreak.py)."""
    dt = tokenizer()
    dt.check_initialized()
    freq, total = dict(dt.FREQ), dt.total
    if state is not None:
        for word, value in saved.items():
            if value is None:
                freq.pop(word, None)
            else:
                freq[word] = value
        total = state.total
    plain = cast(Tokenizer, jieba.Tokenizer())
    plain.FREQ, plain.total, plain.initialized = freq, total, True
    return plain
