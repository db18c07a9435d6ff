"""What staff type finds its page: the real Material search in headless Chromium, on the repository's sample.

The queries are the scheme's own words (一级 and 三级 names) and their beginnings, the way
people type them: 依申请 for 依申请公开, 政务 for 政务公开…, 双公示 for the “双公示” rows.
Each must list its page among the results shown, and no result may show a path, an
evidence id or a commit hash in its text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from sharedbuild import SharedOutput
from test_browser import Chromium, chromium, serving
from test_reader_site import repository_site

from scoring.load.load import load_scheme

ROOT = Path(__file__).resolve().parent.parent
# Paths, evidence ids (2021-06-17-yishenqing-…) and hashes: never in a snippet.
NOT_IN_SNIPPETS = re.compile(r"evidence/|indicators/|\.md\b|\.yaml\b|\d{4}-\d\d-\d\d-[a-z]|\b[0-9a-f]{10}\b")


def queries() -> dict[str, set[str]]:
    """Query → the pages it must find: every 一级 name and its first two and three characters (all
    pages whose name starts so), and the first four characters of some 三级 names' first word."""
    scheme, _ = load_scheme(ROOT)
    assert scheme is not None
    found: dict[str, set[str]] = {}
    for level in scheme.levels:
        for query in (level.name, level.name[:2], level.name[:3]):
            found.setdefault(query, set()).add(f"scheme/{level.id}/")
    for ind in scheme.all_indicators():
        word = re.findall(r"[\u4e00-\u9fff]+", ind.name)[0]  # 双公示 of “双公示”数据报送…
        if ind.section == "row" and word.startswith(("依申请", "双公示", "政务", "民生", "政策")):
            found.setdefault(word[:4], set()).add(f"scheme/{ind.level1_id}/")
    return found


@pytest.fixture(scope="module")
def served(shared_output: SharedOutput) -> Iterator[str]:
    with serving(repository_site(shared_output, "internal")) as url:  # the repository's own build
        yield url


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Chromium]:
    with chromium(tmp_path_factory.mktemp("profile")) as opened:
        yield opened


def test_the_queries_cover_prefixes_of_compounds() -> None:
    asked = queries()
    assert asked["依申请"] == {"scheme/ysqgk/"} and asked["政务"] == {"scheme/bzgf/", "scheme/ptjs/"}
    assert len(asked) >= 15


def test_each_query_finds_its_page_and_no_snippet_shows_a_path(browser: Chromium, served: str) -> None:
    missed: list[str] = []
    browser.open(served)  # one query after another in the same page, as a reader types them
    for query, pages in sorted(queries().items()):
        listed = {link.split("?")[0].split("#")[0] for link in browser.search(query)}
        for page in sorted(pages):
            if not any(link.endswith(page) for link in listed):
                missed.append(f"{query} → {page}: {sorted(listed)[:6]}")
        texts: list[str] = browser.js(
            "[...document.querySelectorAll('.md-search-result__item')].map(e => e.innerText)")
        for text in texts:
            assert not NOT_IN_SNIPPETS.search(text.replace("\u200b", "")), (query, text[:300])
    assert not missed, missed
    assert browser.errors() == []
