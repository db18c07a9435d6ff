"""The review site as a reviewer reads it, on the repository's sample, in a real headless Chromium.

- Accessibility: axe-core (4.12.1, shipped as a plain JS file in the axe-playwright-python wheel, injected into the
  page over the DevTools protocol; no Node.js) finds nothing serious or critical on the seven kinds of page, in
  both editions.

One build per edition for the whole module, one browser.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_browser import Chromium, chromium, serving

from scoring.cli import main
from scoring.problems import error, warning
from scoring.site import template_env

ROOT = Path(__file__).resolve().parent.parent
# Found without importing the package (which would import playwright): only its JS file is used.
_AXE_SPEC = importlib.util.find_spec("axe_playwright_python")
assert _AXE_SPEC is not None and _AXE_SPEC.submodule_search_locations
AXE = (Path(_AXE_SPEC.submodule_search_locations[0]) / "axe.min.js").read_text(encoding="utf-8")
assert AXE.startswith("/*! axe v4.12.1")
# axe's own summary of each violation: rule, impact, and where (at most three nodes each).
AXE_RUN = """axe.run(document, {resultTypes: ['violations']}).then(r => r.violations
    .filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(v => v.id + ' (' + v.impact + '): ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | ')))"""


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """Edition → the address of the sample's site in that edition; "preview" → a folder with the preview's
    error page."""
    base = tmp_path_factory.mktemp("reader")
    project = base / "project"
    shutil.copytree(ROOT / "indicators", project / "indicators")
    shutil.copytree(ROOT / "evidence", project / "evidence")
    shutil.copy(ROOT / "mkdocs.yml", project / "mkdocs.yml")
    for edition in ("internal", "public"):
        assert main(["site", "--project", str(project), "--out", str(base / edition), "--edition", edition]) == 0
    preview = base / "preview"
    preview.mkdir()
    problems = [error("evidence/zonghe/2021-03-01-huiyi.md", 3, "indicator “zzld.nosuch” 不是方案中的指标编号"),
                warning("evidence/zonghe/2021-03-01-huiyi.md", 12, "正文中的链接“说明.pdf”指向的文件不存在")]
    page = template_env().get_template("error.html").render(problems=problems, script="preview.js")
    (preview / "index.html").write_text(page, encoding="utf-8")
    (preview / "preview.js").write_text("", encoding="utf-8")
    with serving(base / "internal" / "site") as internal, serving(base / "public" / "site") as public, \
            serving(preview) as errors:
        yield {"internal": internal, "public": public, "preview": errors}


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Chromium]:
    with chromium(tmp_path_factory.mktemp("profile")) as opened:
        yield opened


def serious_findings(browser: Chromium) -> list[str]:
    browser.js(AXE)
    found: list[str] = browser.js(AXE_RUN)
    return found


# The seven kinds of page: dashboard, a level page (its rows inside), the scheme's overview, a unit, an evidence
# page (one both editions show), the search results, the live preview's error page.
PAGES = ("", "scheme/zzld/", "scheme/", "units/zonghe/", "evidence/2021-01-29-xinxi-gongkai-nianbao/")


@pytest.mark.parametrize("edition", ["internal", "public"])
def test_no_serious_accessibility_finding(browser: Chromium, sites: dict[str, str], edition: str) -> None:
    found: dict[str, list[str]] = {}
    for page in PAGES:
        browser.open(sites[edition] + page)
        assert browser.js("document.querySelector('h1') !== null"), page
        found[page or "dashboard"] = serious_findings(browser)
    browser.open(sites[edition])
    assert browser.search("公开")
    found["search"] = serious_findings(browser)
    browser.open(sites["preview"])
    assert browser.js("document.querySelector('h1').textContent") == "校验未通过，网站未更新"
    found["error page"] = serious_findings(browser)
    assert not any(found.values()), json.dumps(found, ensure_ascii=False, indent=1)


def test_axe_finds_what_the_site_avoids(browser: Chromium, sites: dict[str, str]) -> None:
    """The check can fail: without the site's own styles, the theme's dim footer text and links told apart by
    colour alone are found."""
    browser.open(sites["internal"] + "scheme/ysqgk/")
    browser.js("document.querySelectorAll('link[href*=zwgk]').forEach(l => l.remove())")
    found = " ".join(serious_findings(browser))
    assert "color-contrast (serious): .md-copyright" in found
    assert "link-in-text-block (serious)" in found


def test_score_lines_cite_evidence_by_title_and_date(browser: Chromium, sites: dict[str, str]) -> None:
    browser.open(sites["internal"] + "scheme/ysqgk/")
    cited: list[str] = browser.js("""[...document.querySelectorAll('table')]
        .filter(t => t.querySelector('th:last-child')?.textContent === '依据的证据')
        .flatMap(t => [...t.querySelectorAll('td:last-child')].map(td => td.innerText.trim()))""")
    assert "关于市政府办公室政府信息公开申请办理情况函询的回复（2021年5月20日）" in "\n".join(cited)
    assert not any("hanxun-huifu" in text for text in cited), cited
