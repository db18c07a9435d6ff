"""Material's search worker, with the review site's ranking: every use of the worker's code, in one place.

Material ranks what lunr finds, after cutting a Han query into the longest index tokens that are *proper*
prefixes of it and joining them with ``"* "`` (so 微信公众号 becomes ``微信** 公众*``: the first term is never
counted as matched, 号 is dropped, and an entry matching 公众 alone ranks with the right ones). The site
ships Material's own worker file with two changes to its ranking (``patched``): the segments are joined with ``" "`` (the
query transform adds the one ``*``), and the results are sorted by ``site_templates/worker/rank.js``,
which puts entries holding the query as written first, then those holding each of its whole words (the
index's own tokens, cut by jieba as the pages were), then partial matches, each group in lunr's order.

A third change defers the index: Material's page fetches the search index and sends it to the worker on every
page load, and the worker built lunr's index from it at once, then answered the empty query the page sends next:
about half a CPU second per page view on the sample's index in a desktop browser, for a search most views never
make, and growing with the number of evidence files. The worker now keeps the data it is sent, answers an empty
query with no result, and builds the index when the first query with text comes (docs/site.md, "Search index
built on the first query").

The patched file is kept in the repository (``WORKER_FILE``, made by ``python -m scoring.render.site.engine_search``
from the installed theme; tests/test_search_rank.py checks it is current) and placed at the path of the
theme's own worker, which a docs file overrides. ``GATE`` names the Material version whose worker was read;
with any other, ``worker_files`` places nothing and the theme's own worker ranks (docs/upstream.md).
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from ...core import places
from ...core.engine_gate import Gate

GATE = Gate({"mkdocs-material": "9.8.1"}, "网站搜索改用主题自带的排序（整词匹配不优先）")

WORKER = "assets/javascripts/workers/search.a7633da7.min.js"  # the theme's worker, as the site serves it
_FOLDER = places.TEMPLATES / "worker"
WORKER_FILE = _FOLDER / "search.a7633da7.min.js"
RANK_FILE = _FOLDER / "rank.js"

# Each change: the worker's text verified against Material 9.8.1, and what takes its place.
_CHANGES = (
    ('search(e){if(e=e.replace(new RegExp("\\\\p{sc=Han}+","gu"),s=>[...fe(s,this.index.invertedIndex)]'
     '.join("* ")),',
     'search(e){let zwgkQuery=e;if(e=e.replace(new RegExp("\\\\p{sc=Han}+","gu"),'
     's=>[...fe(s,this.index.invertedIndex)].join(" ")),'),
    (".sort((s,o)=>o.score-s.score)", ".sort(zwgkOrder(zwgkQuery,this.index.invertedIndex,this.map))"),
    # the index: kept on setup (message 0), built on the first query with text (message 2)
    ("case 0:return yield Ie(t.data.config),de=new U(t.data),{type:1};",
     "case 0:return zwgkSetup=t.data,{type:1};"),
    ("case 2:let e=t.data;try{",
     "case 2:if(zwgkSetup&&!String(t.data).trim())return{type:3,data:{items:[]}};"
     "if(zwgkSetup){yield Ie(zwgkSetup.config);de=new U(zwgkSetup);zwgkSetup=null}let e=t.data;try{"),
)
_STRICT = '"use strict";'
_DEFERRED = "var zwgkSetup=null; /* the index's data, from setup until the first query with text builds it */"


def theme_worker() -> str:
    """The installed theme's own search worker."""
    return (resources.files("material") / "templates" / WORKER).read_text(encoding="utf-8")


def patched(original: str, rank: str) -> str:
    """Material's worker with the ranking: ``rank`` right after its ``"use strict";``, the changes made, its
    source map's address dropped (the map describes the file unchanged). ValueError when the worker is not the
    one the changes were read from."""
    if not original.startswith(_STRICT):
        raise ValueError("the worker does not start with \"use strict\";")
    text = original.rstrip("\n")
    head, sep, tail = text.rpartition("\n//# sourceMappingURL=")
    if sep and "\n" not in tail:
        text = head
    for old, new in _CHANGES:
        if text.count(old) != 1:
            raise ValueError(f"the worker holds {text.count(old)} copies of {old[:40]!r}")
        text = text.replace(old, new)
    return f"{_STRICT}\n{rank.strip()}\n{_DEFERRED}\n{text.removeprefix(_STRICT)}\n"


def worker_files() -> dict[str, Path]:
    """The docs files that put the ranking in the site: none when the theme is not the version verified."""
    return {WORKER: WORKER_FILE} if GATE.open() else {}


def main() -> None:
    """Write ``WORKER_FILE`` from the installed theme's worker and ``RANK_FILE`` (after a change to either)."""
    WORKER_FILE.write_text(patched(theme_worker(), RANK_FILE.read_text(encoding="utf-8")), encoding="utf-8")


if __name__ == "__main__":
    main()
