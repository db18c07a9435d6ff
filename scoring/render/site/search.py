"""Search that works in Chinese: jieba tuned with the scheme's own terms before each site build."""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import Iterable, Mapping
from pathlib import Path

import jieba

from ...model import fields
from ...model.model import Evidence, Scheme
from . import engine_jieba as engine

# Words a reviewer must find inside any compound (绩效考核 → 考核, 双公示台账 → 台账),
# beside those taken from the scheme itself.
SEARCH_HEADS = ("考核", "台账", "公开", "扣分", "加分", "得分", "赋分", "失分", "材料", "证据", "整改")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")


def search_terms(scheme: Scheme, evidence: Iterable[Evidence]) -> tuple[str, ...]:
    """The scheme's own vocabulary: names of levels, rows, facts and their options, units, kinds."""
    names: set[str] = {*SEARCH_HEADS, *fields.EVIDENCE_KINDS, *(ev.kind for ev in evidence)}
    names.update(node.name for node in scheme.nodes())
    names.update(scheme.level_names)
    for ind in scheme.all_indicators():
        names.update((ind.name, *ind.units))
        for spec in ind.facts:
            names.update((spec.name, *spec.options))
    for unit in scheme.units:
        names.update((unit.name, *unit.aliases))
    return tuple(sorted({run for name in names for run in _HAN.findall(name)}))


class SearchTuning:
    """Tunes jieba, whose dictionary the search plugin reads, for one build.

    Material's search plugin calls ``jieba.cut`` (accurate mode, HMM on) on every
    run of Han characters and joins the words with ``\\u200b``; the browser then
    matches a query word against the start of indexed words. So a word is found
    inside a compound only when jieba cuts the compound before it. The tuning:
    every word of the scheme's terms (as jieba cuts them) and SEARCH_HEADS becomes
    a *head*, added to the dictionary when missing; every dictionary word that
    holds a head after its first character is deleted, so jieba cuts there
    (绩效考核 → 绩效 考核). jieba's state is process-global: ``undo`` restores it,
    so repeated builds in one process (``serve``) tune from the same start.
    """

    def __init__(self) -> None:
        self.saved: dict[str, int | None] = {}
        self.total: int | None = None  # None: not tuned
        self.start: engine.Start | None = None  # None when tuned through jieba's public API
        self.words: frozenset[str] = frozenset()  # whole words of the scheme, for ``index_words``

    def apply(self, terms: Iterable[str], folder: Path | None = None) -> tuple[int, int]:
        """Tune for ``terms``; return (heads added, compounds split).

        Finding the compounds to split walks jieba's whole dictionary (some 350,000 words); with a
        ``folder``, the list found is kept there, by the jieba version, the dictionary's size and
        total and the heads, for the next process tuning for the same terms; so is a copy of the
        dictionary itself (``engine_jieba.load_dictionary``).
        """
        self.undo()
        jieba.setLogLevel(logging.WARNING)
        if not engine.GATE.open():
            return self._apply_public(tuple(terms))
        dt = engine.tokenizer()
        engine.load_dictionary(folder)
        self.start = engine.start()
        self.total = self.start.total
        terms = tuple(terms)
        heads = self.heads(terms)
        self.words = frozenset(w for w in (*heads, *terms) if len(w) >= 3)
        added = [h for h in sorted(heads) if not engine.frequency(h)]
        for head in added:
            self._remember(head)
            dt.add_word(head)
        key = hashlib.sha256(json.dumps([jieba.__version__, self.total, engine.size(), sorted(heads)],
                                        ensure_ascii=False).encode("utf-8")).hexdigest()
        split = _kept_split(folder, key)
        if split is None:
            split = compounds(engine.words(), heads)
            _keep_split(folder, key, split)
        for word in split:
            self._remember(word)
            dt.del_word(word)
        return len(added), len(split)

    def _apply_public(self, terms: tuple[str, ...]) -> tuple[int, int]:
        """``apply`` through jieba's public API (``engine_jieba.GATE``): the same words added and deleted."""
        public = engine.PublicDictionary
        public.load()
        self.start, self.total = None, 0
        heads = self.heads(terms)
        self.words = frozenset(w for w in (*heads, *terms) if len(w) >= 3)
        added = [h for h in sorted(heads) if not public.frequency(h)]
        for head in added:
            public.add_word(head)
        split = compounds(public.words(added), heads)
        for word in split:
            public.del_word(word)
        return len(added), len(split)

    def index_words(self, index: Path) -> int:
        """Give every search entry the scheme's whole words in its title, as tags; return how many entries.

        The tuning cuts compounds so that their parts are found (绩效考核 → 绩效 考核), but then the
        whole word is no longer a token, and Material's query segmenter turns a query into the
        longest *proper* prefixes that are tokens (依申请 → 依申*): a query that is the start of a
        compound (依申请 for 依申请公开, 政务 for 政务公开) would not match it. Tags are indexed as
        whole words (the plugin segments only title and text), so a prefix of any scheme word
        matches its tag. Only words of the entry's title count: a tag weighs a million times the
        text in Material's ranking, so it marks the entries *about* the word (its row, its top-level page,
        evidence titled with it), not every page that mentions it. The tags are hidden in the
        results (assets/zwgk.css); the pages show none.
        """
        if not self.words or not index.is_file():
            return 0
        data = json.loads(index.read_text(encoding="utf-8"))
        tagged = self.tag(data.get("docs", []))
        index.write_text(json.dumps(data, separators=(",", ":"), default=str), encoding="utf-8")
        return tagged

    def tag(self, docs: list[dict[str, object]]) -> int:
        """``index_words`` on the index's entries before they are written (the same index, without reading it back).

        Tagging an entry twice gives the same tags: a cached page's entries may come here again.
        """
        if not self.words:
            return 0
        by_start: dict[str, list[str]] = {}
        for word in sorted(self.words):
            by_start.setdefault(word[:2], []).append(word)
        tagged = 0
        for doc in docs:
            plain = str(doc.get("title", "")).replace("\u200b", "")
            starts = {plain[i : i + 2] for i in range(len(plain) - 1)} & by_start.keys()
            found = sorted(w for start in starts for w in by_start[start] if w in plain)
            if found:
                known = doc.get("tags", [])
                doc["tags"] = sorted({*(known if isinstance(known, list) else []), *found})
                tagged += 1
        return tagged

    @staticmethod
    def heads(terms: Iterable[str]) -> set[str]:
        heads = set(SEARCH_HEADS)
        for term in terms:
            heads.update(w for w in engine.tokenizer().cut(term, HMM=False) if len(w) >= 2 and _HAN.fullmatch(w))
        return heads

    def _remember(self, word: str) -> None:
        for end in range(1, len(word) + 1):
            self.saved.setdefault(word[:end], engine.frequency(word[:end]))

    def undo(self) -> None:
        if self.total is None:
            return
        if self.start is None:
            engine.PublicDictionary.reload()
        else:
            engine.restore(self.saved, self.start)
        self.saved, self.total, self.start = {}, None, None


def _kept_split(folder: Path | None, key: str) -> list[str] | None:
    """The compounds a tuning for ``key`` found, kept in ``folder``; None when missing or damaged (found again)."""
    from ...core.output import read_kept

    data = read_kept(folder / f"split-{key}.txt") if folder is not None else None
    if data is None:
        return None
    return data.decode("utf-8", "surrogatepass").split("\n") if data else []


def _keep_split(folder: Path | None, key: str, split: list[str]) -> None:
    if folder is not None:
        from ...core.output import keep

        keep(folder / f"split-{key}.txt", "\n".join(split).encode("utf-8", "surrogatepass"), "split-*")


def compounds(freq: Mapping[str, int], heads: set[str]) -> list[str]:
    """The dictionary's words (in use, three characters or more) in which a head starts after the first
    character, in dictionary order: one regular expression over the heads, searched from the second character."""
    inside = re.compile("|".join(map(re.escape, sorted(heads, key=lambda h: (-len(h), h)))))
    search = inside.search
    return [word for word, count in freq.items() if count and len(word) > 2 and search(word, 1)]


TUNING = SearchTuning()  # one per process, like jieba's own dictionary
