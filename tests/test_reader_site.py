"""The review site as a reviewer reads it, on the repository's sample, in a real headless Chromium.

- Phone (390 px wide): no page of the sample site scrolls sideways as a whole; the dashboard's and a unit
  page's key tables show their first columns (unit or row, 失分, 可挽回) without scrolling, and unit names stay
  on one line.
- Titles: score lines cite their evidence by title and date.
- Accessibility: axe-core (4.12.1, shipped as a plain JS file in the axe-playwright-python wheel, injected into the
  page over the DevTools protocol; no Node.js) finds nothing serious or critical on the seven kinds of page, in
  both editions.

The repository's `all` build per edition, once per test run (shared with test_edition.py, test_site.py and
test_search_browser.py), one browser.
"""

from __future__ import annotations

import importlib.util
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sharedbuild import SharedOutput
from test_browser import Chromium, chromium, serving
from test_edition import repository_build

from scoring.core.problems import error, warning
from scoring.render.site.sitewriter import template_env

ROOT = Path(__file__).resolve().parent.parent
# Found without importing the package (which would import playwright): only its JS file is used.
_AXE_SPEC = importlib.util.find_spec("axe_playwright_python")
assert _AXE_SPEC is not None and _AXE_SPEC.submodule_search_locations
AXE = (Path(_AXE_SPEC.submodule_search_locations[0]) / "axe.min.js").read_text(encoding="utf-8")
assert AXE.startswith("/*! axe v4.12.1")
# Each serious or critical violation axe finds: rule → the selectors of every node it finds.
AXE_RUN = """axe.run(document, {resultTypes: ['violations']}).then(r => Object.fromEntries(r.violations
    .filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(v => [v.id, v.nodes.map(n => n.target.join(' '))])))"""

FOLDERS: dict[str, Path] = {}  # edition → the built site's folder, set by ``sites``


def repository_site(shared_output: SharedOutput, edition: str) -> Path:
    """The site of the repository's `build.py all` in ``edition``, the very one that is published, built once per
    test run for test_edition.py, test_site.py and test_search_browser.py: only read it."""
    return repository_build(shared_output, edition) / "site"


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory, shared_output: SharedOutput) -> Iterator[dict[str, str]]:
    """Edition → the address of the sample's site in that edition; "preview" → a folder with the preview's
    error page."""
    base = tmp_path_factory.mktemp("reader")
    folders = {edition: repository_site(shared_output, edition) for edition in ("internal", "public")}
    preview = base / "preview"
    preview.mkdir()
    problems = [error("evidence/zonghe/2021-03-01-huiyi.md", 3, "indicator “zzld.nosuch” 不是方案中的指标编号"),
                warning("evidence/zonghe/2021-03-01-huiyi.md", 12, "正文中的链接“说明.pdf”指向的文件不存在")]
    page = template_env().get_template("error.html").render(problems=problems, script="preview.js")
    (preview / "index.html").write_text(page, encoding="utf-8")
    (preview / "preview.js").write_text("", encoding="utf-8")
    with serving(folders["internal"]) as internal, serving(folders["public"]) as public, serving(preview) as errors:
        FOLDERS["internal"] = folders["internal"]
        yield {"internal": internal, "public": public, "preview": errors}


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Chromium]:
    with chromium(tmp_path_factory.mktemp("profile")) as opened:
        yield opened


def serious_findings(browser: Chromium) -> dict[str, list[str]]:
    browser.js(AXE)
    found: dict[str, list[str]] = browser.js(AXE_RUN)
    return found


# The seven kinds of page: dashboard, a level page (its rows inside), the scheme's overview, a unit, an evidence
# page (one both editions show), the search results, the live preview's error page.
PAGES = ("", "scheme/zzld/", "scheme/", "units/zonghe/", "evidence/2021-01-29-xinxi-gongkai-nianbao/")


@pytest.mark.parametrize("edition", ["internal", "public"])
def test_no_serious_accessibility_finding(browser: Chromium, sites: dict[str, str], edition: str) -> None:
    found: dict[str, dict[str, list[str]]] = {}
    for page in PAGES:
        browser.open(sites[edition] + page)
        assert browser.js("document.querySelector('h1') !== null"), page
        found[page or "dashboard"] = serious_findings(browser)
    browser.open(sites[edition])
    assert browser.search("公开")
    found["search"] = serious_findings(browser)
    if edition == "internal":  # the preview's error page is one page, whichever edition is previewed
        browser.open(sites["preview"])
        assert browser.js("document.querySelector('h1').textContent") == "校验未通过，网站未更新"
        found["error page"] = serious_findings(browser)
    assert not any(found.values()), json.dumps(found, ensure_ascii=False, indent=1)


def test_axe_finds_what_the_site_avoids(browser: Chromium, sites: dict[str, str]) -> None:
    """The check can fail: without the site's own styles, the theme's dim footer text and links told apart by
    colour alone are found."""
    browser.open(sites["internal"] + "scheme/ysqgk/")
    browser.js("document.querySelectorAll('link[href*=zwgk]').forEach(l => l.remove())")
    found = serious_findings(browser)
    assert ".md-copyright" in found.get("color-contrast", []), found  # among others, such as the tabs' links
    assert found.get("link-in-text-block"), found


def test_score_lines_cite_evidence_by_title_and_date(browser: Chromium, sites: dict[str, str]) -> None:
    browser.open(sites["internal"] + "scheme/ysqgk/")
    cited: list[str] = browser.js("""[...document.querySelectorAll('table')]
        .filter(t => t.querySelector('th:last-child')?.textContent === '依据的证据')
        .flatMap(t => [...t.querySelectorAll('td:last-child')].map(td => td.innerText.trim()))""")
    assert "关于市政府办公室政府信息公开申请办理情况函询的回复（2021年5月20日）" in "\n".join(cited)
    assert not any("hanxun-huifu" in text for text in cited), cited


# Loads pages in iframes 390 px wide, eight at a time, in the page open in the browser (same origin); for each,
# the document's scroll width and its client width.
WIDTHS_AT_390 = """(async paths => {
    const out = {};
    for (let i = 0; i < paths.length; i += 8) {
        await Promise.all(paths.slice(i, i + 8).map(path => new Promise(done => {
            const frame = document.createElement('iframe');
            frame.style.cssText = 'width: 390px; height: 844px; border: 0';
            frame.onload = () => {
                const root = frame.contentDocument.documentElement;
                out[path] = [root.scrollWidth, root.clientWidth];
                frame.remove();
                done();
            };
            frame.src = path;
            document.body.appendChild(frame);
        })));
    }
    return out;
})(%s)"""


def test_no_page_scrolls_sideways_on_a_phone(browser: Chromium, sites: dict[str, str]) -> None:
    folder = FOLDERS["internal"]
    pages = sorted("/" + p.parent.relative_to(folder).as_posix() + "/" for p in folder.rglob("index.html"))
    pages = [p.replace("/./", "/") for p in pages]
    assert len(pages) >= 100  # every page: dashboard, scheme, levels, units, evidence, check, rules
    browser.open(sites["internal"])
    widths: dict[str, list[int]] = browser.js(WIDTHS_AT_390 % json.dumps(pages))
    assert set(widths) == set(pages)
    wide = {page: w for page, w in widths.items() if w[1] != 390 or w[0] > w[1]}
    assert not wide, wide


# The first columns of a key table, the part of the table's box that shows without scrolling, and whether each
# link to a unit stays on one line.
KEY_COLUMNS = """((heading, columns) => {
    const h2 = [...document.querySelectorAll('h2')].find(h => h.textContent.trim().startsWith(heading));
    let node = h2.nextElementSibling;
    while (!node.querySelector('table')) node = node.nextElementSibling;
    const table = node.querySelector('table');
    const box = table.parentElement.getBoundingClientRect();
    const heads = [...table.querySelectorAll('th')].map(th => th.textContent.trim());
    const cells = [...table.querySelectorAll('tr')].flatMap(tr => [...tr.children].slice(0, columns));
    return {heads: heads.slice(0, columns), right: Math.max(...cells.map(c => c.getBoundingClientRect().right)),
            visible: Math.min(box.right, window.innerWidth),
            names: [...table.querySelectorAll('.zwgk-name')].map(n => n.getClientRects().length)};
})"""


def test_key_tables_fit_a_phone(browser: Chromium, sites: dict[str, str]) -> None:
    browser.page("Emulation.setDeviceMetricsOverride", width=390, height=844, deviceScaleFactor=1, mobile=True)
    try:
        browser.open(sites["internal"])
        units = browser.js(KEY_COLUMNS + "('各单位可挽回分值', 3)")
        browser.open(sites["internal"] + "units/zonghe/")
        todo = browser.js(KEY_COLUMNS + "('待办事项', 3)")
        browser.open(sites["internal"] + "evidence/")
        index = browser.js(KEY_COLUMNS.replace("'h2'", "'h1'") + "('证据材料', 1)")
    finally:
        browser.page("Emulation.setDeviceMetricsOverride", width=1280, height=900, deviceScaleFactor=1, mobile=False)
    assert units["heads"] == ["单位", "失分", "可挽回"] and units["right"] <= units["visible"] <= 390, units
    assert todo["heads"] == ["指标", "失分", "可挽回"] and todo["right"] <= todo["visible"] <= 390, todo
    assert len(units["names"]) == 10 and set(units["names"]) == {1}, units  # every unit's name on one line
    assert len(index["names"]) > 50 and set(index["names"]) == {1}, index["names"][:20]


def results(browser: Chromium, site: str, query: str) -> list[tuple[str, str]]:
    """The first results listed for ``query``: each one's page and the text it shows (title and snippet)."""
    browser.open(site)
    browser.search(query)
    found: list[list[str]] = browser.js("""[...document.querySelectorAll('.md-search-result__item')].slice(0, 4)
        .map(e => [e.querySelector('a').getAttribute('href').split('?')[0].split('#')[0],
                   e.querySelector('article').innerText.replace(/\\u200b/g, '').replace(/\\s+/g, ' ').trim()])""")
    return [(link.removeprefix(site), text) for link, text in found]


def test_search_snippets_lead_with_the_documents_own_text(browser: Chromium, sites: dict[str, str]) -> None:
    site = sites["internal"]
    wechat = results(browser, site, "微信公众号")
    assert wechat[0][0] == "evidence/2021-09-10-weixin-gongzhonghao-gongneng/"
    assert wechat[0][1].startswith("微信公众号“晋城审批”在线服务和回应功能截图 页面标题：晋城审批")
    letters = results(browser, site, "函询")
    pages = [page for page, _ in letters]
    assert "evidence/2021-05-20-hanxun-huifu/" in pages and "scheme/ysqgk/" in pages, letters
    reply = dict(letters)["evidence/2021-05-20-hanxun-huifu/"]
    assert reply.startswith("关于市政府办公室政府信息公开申请办理情况函询的回复 你办《关于核实政府信息公开申请办理情况的函》"), reply
    browser.open(site + "evidence/2021-05-20-hanxun-huifu/")  # the body under the title, after one line
    assert browser.js("document.querySelector('h1').firstChild.textContent") == reply.split(" ")[0]
    assert browser.js("document.querySelector('h1').nextElementSibling.innerText") == "办公室 · 2021年5月20日 · 函询回复"
    assert browser.js("document.querySelector('h1 + p + .zwgk-evidence-body') !== null")
    for query in ("微信公众号", "函询", "台账"):
        for page, text in results(browser, site, query):
            if page.startswith("evidence/2"):  # an evidence page's snippet: its body, not its metadata table
                assert "项目 内容" not in text and "证据编号" not in text, (query, page, text)
    assert browser.errors() == []


# The first three results for a query and the start of what each shows (title, then the snippet): entries holding
# the query as written first, then those holding its whole words, then partial matches (site_templates/worker/).
TOP_THREE = {
    "微信公众号": [
        ("evidence/2021-09-10-weixin-gongzhonghao-gongneng/", "微信公众号“晋城审批”在线服务和回应功能截图 页面标题：晋城审批"),
        ("evidence/2021-11-10-sanjidu-jiancha-tongbao/",
         "市政府办公室关于2021年第三季度政府网站和政务新媒体检查情况的通报 第三季度检查全市政府网站41个"),
        ("evidence/2021-12-03-jiedu-qudao-tongji/", "2021年政策解读发布渠道统计（待补充） 渠道 篇数 状态 门户网站 100 已核实 微信公众号"),
    ],
    "依申请公开": [
        ("evidence/2021-08-04-yishenqing-jiaji-fuwu/", "依申请公开加急服务办理记录依申请公开加急服务办理记录 序号 申请日期"),
        ("evidence/2021-06-17-yishenqing-dafu-anjuan-01/", "依申请公开答复案卷（2021第09号） 依申请公开答复案卷"),
        ("evidence/2021-09-08-yishenqing-dafu-anjuan-02/", "依申请公开答复案卷（2021第17号） 依申请公开答复案卷"),
    ],
    "政策解读": [
        ("scheme/jdhy/", "解读咨询回应"),
        ("evidence/2021-12-03-xiangmu-duoyanghua-jiedu/", "项目类事项改革组政策解读形式统计 2021年项目类事项改革组政策解读形式统计"),
        ("evidence/2021-12-03-jiedu-qudao-tongji/", "2021年政策解读发布渠道统计（待补充） 2021年政策解读发布渠道统计 全局本年度"),
    ],
}


def test_search_ranks_whole_words_before_partial_matches(browser: Chromium, sites: dict[str, str]) -> None:
    site = sites["internal"]
    for query, expected in TOP_THREE.items():
        found = results(browser, site, query)[:3]
        assert [page for page, _ in found] == [page for page, _ in expected], (query, found)
        for (page, text), (_, start) in zip(found, expected, strict=True):
            assert text.startswith(start), (query, page, text)
            if query == "微信公众号":  # 微信 counted as found (Material's query made it 微信**, never matched)
                assert "缺少" not in text, (query, page, text)
    # Before the site's ranking, the page matching only 公众 in a heading ranked second for 微信公众号.
    assert not any(page == "scheme/_totals/" for page, _ in results(browser, site, "微信公众号"))
    assert browser.errors() == []


RANK_ORDER = """(() => {
    const post = refs => Object.fromEntries(refs.map(ref => [ref, {}]));
    const inverted = {微信: {text: post(['phrase', 'words'])}, 公众: {title: post(['part']), text: post(['phrase', 'words'])},
                      号: {text: post(['phrase', 'words'])}, 申请: {}, 依: {}};
    const map = new Map([['phrase', {title: '晋城审批', text: '本局\\u200b微信\\u200b公众\\u200b号\\u200b更新'}],
                         ['words', {title: '通报', text: '微信 群 与 公众 来访 第9 号'}],
                         ['part', {title: '回应\\u200b公众\\u200b关切', text: ''}]]);
    const items = [{location: 'part', score: 1000}, {location: 'words', score: 5}, {location: 'phrase', score: 1}];
    return {order: items.sort(zwgkOrder('微信公众号', inverted, map)).map(i => i.location),
            latin: [{location: 'a', score: 1}, {location: 'b', score: 2}].sort(zwgkOrder('gov', inverted, map))
                .map(i => i.location),
            words: [zwgkWords('微信公众号', inverted), zwgkWords('依申请', inverted), zwgkWords('甲乙', inverted)]};
})()"""


def test_the_ranking_puts_the_query_as_written_then_its_whole_words_first(browser: Chromium,
                                                                         sites: dict[str, str]) -> None:
    """site_templates/worker/rank.js on small data: the order does not follow lunr's score across the groups."""
    browser.open(sites["internal"])
    browser.js((ROOT / "site_templates" / "worker" / "rank.js").read_text(encoding="utf-8"))
    found = browser.js(RANK_ORDER)
    assert found["order"] == ["phrase", "words", "part"]
    assert found["latin"] == ["b", "a"]  # no Han run: lunr's order
    assert found["words"] == [["微信", "公众", "号"], ["依", "申请"], ["甲", "乙"]]


# Every name cut into words (scoring/render/site/wordbreak.py) on the page: its words (the text between <wbr>s), the number of
# lines it takes, and the words that take more than one line (a line ending inside the word).
NAME_LINES = """[...document.querySelectorAll('.zwgk-words')].filter(s => s.offsetParent !== null).map(span => {
    const words = [...span.childNodes].filter(n => n.nodeType === Node.TEXT_NODE);
    const broken = words.filter(node => {
        const range = document.createRange();
        range.selectNodeContents(node);
        return new Set([...range.getClientRects()].map(r => Math.round(r.top))).size > 1;
    });
    return {words: words.map(n => n.textContent), lines: new Set([...span.getClientRects()].map(r => Math.round(r.top))).size,
            broken: broken.map(n => n.textContent)};
})"""


def test_names_break_between_words_on_a_phone(browser: Chromium, sites: dict[str, str]) -> None:
    from scoring.render.site.wordbreak import words

    found: dict[str, list[dict[str, Any]]] = {}
    loose: dict[str, list[dict[str, Any]]] = {}
    browser.page("Emulation.setDeviceMetricsOverride", width=390, height=844, deviceScaleFactor=1, mobile=True)
    try:
        for page in ("scheme/ysqgk/", "scheme/jdhy/", "units/zonghe/", "evidence/"):
            browser.open(sites["internal"] + page)
            found[page] = browser.js(NAME_LINES)
            browser.js("document.querySelectorAll('.zwgk-words').forEach(s => s.style.wordBreak = 'normal')")
            loose[page] = browser.js(NAME_LINES)
    finally:
        browser.page("Emulation.setDeviceMetricsOverride", width=1280, height=900, deviceScaleFactor=1, mobile=False)
    names = [name for page in found.values() for name in page]
    wrapped = [name for name in names if name["lines"] > 1]
    assert len(names) > 100 and len(wrapped) >= 10, (len(names), len(wrapped))  # long names do take several lines
    assert [name for name in names if name["broken"]] == []
    for name in names:  # the words are jieba's (as loaded, not the search tuning's)
        assert tuple(name["words"]) == words("".join(name["words"])), name
    assert "".join(wrapped[0]["words"]) and max(len(name["words"]) for name in wrapped) > 3
    # The same names, with the browser's own line breaking: some line ends inside a word.
    assert any(name["broken"] for page in loose.values() for name in page)
