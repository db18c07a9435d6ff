"""A real headless Chromium loads the built site, searches it, and runs no evidence script.

Chromium is driven over the DevTools protocol through a pipe
(``--remote-debugging-pipe``: JSON messages separated by NUL on fds 3 and 4),
which needs no websocket client and no open port. Screenshots of the pages go
to /tmp/zwgk-screenshots/ for a person to look at.
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import json
import os
import select
import subprocess
import threading
import time
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from sharedbuild import SharedOutput
from test_site import build_sample

CHROMIUM = "/usr/bin/chromium"
SHOTS = Path("/tmp/zwgk-screenshots")
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--hide-scrollbars",
         "--remote-debugging-pipe")


class Chromium:
    """The browser process and one page, spoken to over the DevTools pipe."""

    def __init__(self, profile: Path):
        to_browser, self._to_browser = os.pipe()
        self._from_browser, from_browser = os.pipe()

        def child() -> None:  # the browser reads commands on fd 3 and writes replies on fd 4
            read = fcntl.fcntl(to_browser, fcntl.F_DUPFD, 10)
            write = fcntl.fcntl(from_browser, fcntl.F_DUPFD, 10)
            os.dup2(read, 3)
            os.dup2(write, 4)

        self.proc = subprocess.Popen([CHROMIUM, *FLAGS, f"--user-data-dir={profile}", "about:blank"],
                                     preexec_fn=child, close_fds=False,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(to_browser)
        os.close(from_browser)
        self.buffer = b""
        self.counter = 0
        self.events: list[dict[str, Any]] = []
        target = self.call("Target.createTarget", url="about:blank")["targetId"]
        self.session = self.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        for domain in ("Page", "Runtime", "Log"):
            self.page(f"{domain}.enable")
        self.page("Emulation.setDeviceMetricsOverride", width=1280, height=900, deviceScaleFactor=1, mobile=False)

    def _read(self, timeout: float) -> dict[str, Any]:
        while b"\0" not in self.buffer:
            ready, _, _ = select.select([self._from_browser], [], [], timeout)
            if not ready:
                raise TimeoutError("Chromium did not answer")
            chunk = os.read(self._from_browser, 1 << 20)
            if not chunk:
                raise ConnectionError("Chromium closed the DevTools pipe")
            self.buffer += chunk
        message, self.buffer = self.buffer.split(b"\0", 1)
        result: dict[str, Any] = json.loads(message)
        return result

    def call(self, method: str, session: str = "", timeout: float = 30, **params: Any) -> dict[str, Any]:
        self.counter += 1
        message: dict[str, Any] = {"id": self.counter, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        os.write(self._to_browser, json.dumps(message).encode() + b"\0")
        while True:
            reply = self._read(timeout)
            if reply.get("id") == self.counter:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                result: dict[str, Any] = reply["result"]
                return result
            self.events.append(reply)

    def page(self, method: str, **params: Any) -> dict[str, Any]:
        return self.call(method, self.session, **params)

    def wait_event(self, method: str, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while not any(e.get("method") == method for e in self.events):
            self.events.append(self._read(max(0.1, deadline - time.monotonic())))
            if time.monotonic() > deadline:
                raise TimeoutError(method)

    def open(self, url: str) -> None:
        self.events.clear()
        self.page("Page.navigate", url=url)
        self.wait_event("Page.loadEventFired")
        self.settle()

    def settle(self) -> None:
        """Wait until what the page's scripts started on load has run: two frames drawn (autofocus, the theme's
        components mounted on load), then the tasks queued meanwhile."""
        self.js("new Promise(done => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(done, 0))))")

    def js(self, expression: str) -> Any:
        reply = self.page("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in reply:
            raise RuntimeError(reply["exceptionDetails"])
        return reply["result"].get("value")

    def errors(self) -> list[str]:
        found = []
        for event in self.events:
            params = event.get("params", {})
            if event.get("method") == "Runtime.exceptionThrown":
                found.append(json.dumps(params["exceptionDetails"], ensure_ascii=False)[:300])
            elif event.get("method") == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
                found.append(json.dumps(params.get("args"), ensure_ascii=False)[:300])
            elif event.get("method") == "Log.entryAdded" and params["entry"].get("level") == "error":
                found.append(f"{params['entry'].get('text')} {params['entry'].get('url', '')}")
        return found

    def screenshot(self, path: Path) -> None:
        height = int(self.js("document.documentElement.scrollHeight"))
        self.page("Emulation.setDeviceMetricsOverride", width=1280, height=min(height, 8000), deviceScaleFactor=1,
                  mobile=False)
        data = self.page("Page.captureScreenshot", format="png")["data"]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(data))
        self.page("Emulation.setDeviceMetricsOverride", width=1280, height=900, deviceScaleFactor=1, mobile=False)

    def search(self, query: str, timeout: float = 30) -> list[str]:
        """Type ``query`` into the search box; the links of the results listed. The results of an earlier query in
        the same page are cleared first (the box emptied, as a reader would), so none of them is taken for these."""
        deadline = time.monotonic() + timeout
        self.js("document.querySelector('label[for=__search]').click()")
        self.js("document.querySelector('input[data-md-component=search-query]').focus()")
        self.js("document.querySelector('input[data-md-component=search-query]').value = ''")
        self.page("Input.dispatchKeyEvent", type="keyUp", key="Shift", code="ShiftLeft", windowsVirtualKeyCode=16)
        while self.js("document.querySelectorAll('.md-search-result__item').length"):
            if time.monotonic() > deadline:
                raise AssertionError(f"the results before {query!r} stayed listed")
            time.sleep(0.05)
        self.page("Input.insertText", text=query)
        self.page("Input.dispatchKeyEvent", type="keyUp", key="Shift", code="ShiftLeft", windowsVirtualKeyCode=16)
        while time.monotonic() < deadline:
            links: list[str] = self.js(
                "[...document.querySelectorAll('.md-search-result__item > a')].map(a => a.getAttribute('href'))")
            if links:
                return links
            time.sleep(0.3)
        meta = self.js("document.querySelector('.md-search-result__meta')?.textContent")
        raise AssertionError(f"search for {query!r} listed nothing: {meta}")

    def close(self) -> None:
        with contextlib.suppress(OSError, RuntimeError, TimeoutError, ConnectionError):
            self.call("Browser.close", timeout=5)
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        os.close(self._to_browser)
        os.close(self._from_browser)


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        return


@contextlib.contextmanager
def serving(folder: Path) -> Iterator[str]:
    """``folder`` over HTTP on loopback, as a static web host would serve the built site; yields its address."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(QuietHandler, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@contextlib.contextmanager
def chromium(profile: Path) -> Iterator[Chromium]:
    browser = Chromium(profile)
    try:
        yield browser
    finally:
        browser.close()


@pytest.fixture(scope="module")
def served(shared_output: SharedOutput) -> Iterator[str]:
    with serving(shared_output("sample-site", build_sample) / "out" / "site") as url:  # test_site.py's `built`
        yield url


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Chromium]:
    with chromium(tmp_path_factory.mktemp("profile")) as opened:
        yield opened


@pytest.mark.parametrize(("page", "heading"), [
    ("", "自评总览"), ("scheme/zuzhi/", "组织领导"), ("units/zonghe/", "综合组"), ("evidence/jixiao/", "年度绩效考核自查"),
])
def test_pages_load_without_console_errors(browser: Chromium, served: str, page: str, heading: str) -> None:
    browser.open(served + page)
    assert browser.js("document.querySelector('h1').firstChild.textContent.trim()") == heading
    assert browser.js("document.documentElement.lang") == "zh"
    assert browser.js("document.documentElement.scrollWidth <= window.innerWidth")  # nothing cut off at the side
    assert browser.errors() == []


def test_screenshots_of_dashboard_row_and_evidence_pages(browser: Chromium, served: str) -> None:
    for page, name in (("", "dashboard"), ("scheme/zuzhi/", "row"), ("evidence/jixiao/", "evidence")):
        browser.open(served + page)
        browser.screenshot(SHOTS / f"{name}.png")
        assert (SHOTS / f"{name}.png").stat().st_size > 20_000  # an empty page is a few kB
    assert browser.errors() == []


def test_search_finds_registers_and_words_inside_compounds(browser: Chromium, served: str) -> None:
    browser.open(served)
    registers = browser.search("台账")
    assert any("evidence/taizhang/" in link for link in registers), registers
    assert any("evidence/zixun/" in link for link in registers), registers
    browser.open(served)
    assessments = browser.search("考核")
    assert any("evidence/jixiao/" in link for link in assessments), assessments  # the page says only 绩效考核
    assert browser.errors() == []


def test_the_search_index_is_built_on_the_first_query_not_on_every_page(browser: Chromium, served: str) -> None:
    """The page sends the index to the search worker on load; the worker keeps it (``zwgkSetup``) and builds lunr's
    index only when a query with text comes, not for each page a reader opens (docs/site.md)."""
    browser.page("Target.setAutoAttach", autoAttach=True, waitForDebuggerOnStart=False, flatten=True)
    try:
        browser.open(served + "scheme/zuzhi/")
        deadline = time.monotonic() + 10
        while not (workers := [e["params"]["sessionId"] for e in browser.events
                               if e.get("method") == "Target.attachedToTarget"
                               and e["params"]["targetInfo"]["type"] == "worker"]):
            assert time.monotonic() < deadline, "no search worker started"
            browser.events.append(browser._read(deadline - time.monotonic()))

        def held() -> Any:
            reply = browser.call("Runtime.evaluate", workers[0], expression="zwgkSetup && zwgkSetup.docs.length",
                                 returnByValue=True)
            return reply["result"].get("value")

        while not held():  # the index arrives after the page's fetch of search_index.json
            assert time.monotonic() < deadline, "the worker never received the index"
            time.sleep(0.05)
        time.sleep(0.5)  # the page's own first (empty) query has come and gone
        assert held() > 10  # the index's entries, kept and not yet built
        assert any("evidence/taizhang/" in link for link in browser.search("台账"))
        assert held() is None  # built by the query, then let go
    finally:
        browser.page("Target.setAutoAttach", autoAttach=False, waitForDebuggerOnStart=False, flatten=True)
    assert browser.errors() == []


def test_no_evidence_script_runs(browser: Chromium, served: str) -> None:
    browser.open(served + "evidence/evil/")
    browser.js("document.querySelectorAll('.zwgk-evidence-body *').forEach(el => {"
               " el.dispatchEvent(new MouseEvent('mouseover', {bubbles: true}));"
               " if (el.tagName === 'A') el.click(); })")
    time.sleep(0.3)
    assert browser.js("typeof window.pwned") == "undefined"
    assert browser.js("document.title").startswith("＜/title＞＜script＞")  # the title's markup shows as text
    body = browser.js("document.querySelector('.zwgk-evidence-body').innerHTML")
    assert "onerror" not in body and "<script" not in body and "javascript:" not in body
    assert browser.errors() == []
