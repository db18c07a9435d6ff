"""No project string runs as script: a payload in every declared text key, both editions, http and file://.

tests/hostile_project.py writes the mini fixture with a numbered payload in every
text key the declarations in scoring/model/formats.py name (and the rule kinds' shared
text keys), in evidence bodies, file names and web addresses. One site build per
edition; a handful of pages opened in headless Chromium over a plain HTTP server
and over file://, every handler fired by hand; every page of both editions and
the dossier's HTML checked for markup the payloads could have made.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hostile_project import Filler, hostile_project, text_keys
from test_browser import Chromium, chromium, serving
from test_site import build, png

from scoring.gather.collect import gather
from scoring.render.dossier import dossier
from scoring.render.edition import public

PAGES = ("", "scheme/_totals/", "evidence/yanjiu/")  # the dashboard, a scheme page, an evidence page

# Fire every inline handler a payload could have planted, then list what ran and what the DOM holds.
PROBE = """(() => {
  for (const el of document.querySelectorAll('*'))
    for (const type of ['focus', 'mouseover', 'load', 'error'])
      el.dispatchEvent(new Event(type));
  const found = Object.keys(window).filter(k => /^pwn\\d+$/.test(k));
  for (const el of document.querySelectorAll('*')) {
    for (const a of el.attributes)
      if (/^on/i.test(a.name) || /^\\s*javascript:/i.test(a.value) || a.name === 'srcdoc')
        found.push(el.tagName + ' ' + a.name + '=' + a.value.slice(0, 60));
    if (['SCRIPT', 'IFRAME'].includes(el.tagName) && /pwn/.test(el.outerHTML))
      found.push(el.outerHTML.slice(0, 80));
  }
  return found;
})()"""


@dataclass
class Built:
    project: Path
    filler: Filler
    sites: dict[str, Path]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    base = tmp_path_factory.mktemp("payloads")
    filler, unclassified = hostile_project(base / "project", png())
    assert unclassified == []  # a new key of a type that may hold text: teach hostile_project.py its kind
    sites = {}
    for edition in ("internal", "public"):
        assert build(base / "project", base / edition, "--edition", edition) == 0
        sites[edition] = base / edition / "site"
    return Built(base / "project", filler, sites)


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Chromium]:
    with chromium(tmp_path_factory.mktemp("profile")) as opened:
        yield opened


def probe(browser: Chromium, url: str) -> list[str]:
    browser.events.clear()
    browser.page("Page.navigate", url=url)
    browser.wait_event("Page.loadEventFired")
    browser.settle()  # the theme's scripts, and what a payload set to run after load (autofocus)
    found: list[str] = browser.js(PROBE)
    return found


def test_every_declared_text_key_carries_a_payload(built: Built) -> None:
    assert text_keys() <= set(built.filler.keys), sorted(text_keys() - set(built.filler.keys))
    for key in ("SchemeKeys.title", "GradeBandKeys.grade", "UnitKeys.name", "GroupKeys.name", "TextKeys.deduction",
                "ItemKeys.name", "EvidenceKeys.title", "BaseRule.text", "CorrectionKeys.source"):
        assert key in text_keys(), key
    for key in ("SchemeKeys.levels", "EvidenceKeys.url", "EvidenceKeys.attachments", "body"):
        assert key in built.filler.keys, key  # filled by hand: the tree, file names, addresses


@pytest.mark.parametrize("edition", ["internal", "public"])
def test_no_payload_runs_over_http_or_file(built: Built, browser: Chromium, edition: str) -> None:
    site = built.sites[edition]
    with serving(site) as http:
        for page in PAGES:
            for url in (http + page, (site / page / "index.html").as_uri()):
                found = probe(browser, url)
                assert found == [], (url, [built.filler.keys[int(k[3:])] if k[3:].isdigit() else k for k in found])
        # the search box lists payload text, and the highlight (?h=) marks it on the page
        browser.open(http)
        assert browser.search("字段") != []
        assert browser.js(PROBE) == []
        assert probe(browser, http + "evidence/yanjiu/?h=pwn1") == []
        assert browser.js("document.querySelectorAll('mark[data-md-highlight]').length") > 0
    assert "＂" in browser.js("document.title")  # the title's quotes show as text


URL_ATTRIBUTES = ("href", "src", "action", "formaction", "xlink:href", "data", "poster", "srcset")


class Markup(HTMLParser):
    """Every element, and every attribute a payload could have made, in an HTML file."""

    def __init__(self) -> None:
        super().__init__()
        self.bad: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name.startswith("on") or name in ("autofocus", "srcdoc") or "pwn" in name:
                self.bad.append(f"<{tag} {name}={value}>")
            if name in URL_ATTRIBUTES and value and "javascript:" in value.replace(" ", "").lower():
                self.bad.append(f"<{tag} {name}={value}>")
        if tag in ("iframe", "svg") and any("pwn" in (v or "") for _, v in attrs):
            self.bad.append(f"<{tag}>")

    def handle_data(self, data: str) -> None:
        if self.lasttag == "script" and "pwn" in data:
            self.bad.append(f"<script>{data[:60]}")


def markup_of(text: str) -> list[str]:
    parser = Markup()
    parser.feed(text)
    return parser.bad


@pytest.mark.parametrize("edition", ["internal", "public"])
def test_no_page_holds_payload_markup(built: Built, edition: str) -> None:
    pages = sorted(built.sites[edition].rglob("*.html"))
    assert len(pages) >= 15
    assert {str(p): markup_of(p.read_text(encoding="utf-8")) for p in pages} == {str(p): [] for p in pages}


def test_the_dossier_html_holds_no_payload_markup(built: Built) -> None:
    project = gather(built.project, as_of=date(2021, 12, 1), with_git=False)
    for shown in (project, public(project)):
        html = dossier.render_html(dossier.build_dossier(shown))
        assert "字段0" in html
        assert markup_of(html) == []
