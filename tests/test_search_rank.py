"""The site's search worker (scoring/render/site/engine_search.py): Material's own, with the site's ranking put in.

The ranking itself is tested in the browser (tests/test_reader_site.py), and the index built on the first query
(tests/test_browser.py); here, that the worker the site ships is
the installed theme's changed exactly as ``patched`` says, and that a worker it was not read from is refused.
"""

from __future__ import annotations

import pytest

from scoring.render.site import engine_search


def test_the_shipped_worker_is_the_installed_themes_with_the_ranking() -> None:
    theme = engine_search.theme_worker()
    rank = engine_search.RANK_FILE.read_text(encoding="utf-8")
    shipped = engine_search.WORKER_FILE.read_text(encoding="utf-8")
    assert shipped == engine_search.patched(theme, rank)  # else: python -m scoring.render.site.engine_search
    assert shipped.startswith('"use strict";\n/* The review site') and rank.strip() in shipped
    assert '.join("* ")' in theme and '.join("* ")' not in shipped  # 微信** 公众* no more
    assert ".sort(zwgkOrder(zwgkQuery," in shipped and "sourceMappingURL" not in shipped
    assert "zwgkSetup=t.data,{type:1}" in shipped and "de=new U(t.data)" not in shipped  # built on the first query
    assert len(shipped) - len(theme) < len(rank) + 400  # nothing else added


@pytest.mark.parametrize("change", [
    lambda w: w.replace(".sort((s,o)=>o.score-s.score)", ".sort((a,b)=>b.score-a.score)"),  # another minifier's names
    lambda w: w.replace('.join("* ")', '.join(" ")'),  # Material changed the query's segments
    lambda w: w + w,  # two copies of each place
    lambda w: w.removeprefix('"use strict";'),
    lambda w: w.replace("de=new U(t.data)", "de=new U(t.data,!0)"),  # Material changed how the index is set up
])
def test_a_worker_the_changes_were_not_read_from_is_refused(change: object) -> None:
    assert callable(change)
    with pytest.raises(ValueError):
        engine_search.patched(change(engine_search.theme_worker()), "/* rank */")
