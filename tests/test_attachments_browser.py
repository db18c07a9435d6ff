"""Every attachment type the allowlist admits, opened from the built site in a real Chromium,
runs no script, over file:// and over plain static HTTP; names with spaces, Chinese, #, % and ?
link correctly; a type outside the allowlist is refused by check.

Each attachment is a valid file of its type (its magic bytes first) carrying an
HTML payload after them: if a browser ever took it for a page, the payload's
script would log PWNED-RAN and set the title. See docs/attachments.md.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from test_browser import Chromium, chromium, serving
from test_site import build, png

from scoring.cli.main import main
from scoring.core import filetypes

FIXTURES = Path(__file__).resolve().parent / "fixtures"
PAYLOAD = (b"<html><body><script>console.log('PWNED'+'-RAN');document.title='PWNED'+'-RAN'</script>"
           b"<img src=x onerror=\"console.log('PWNED'+'-RAN')\"><svg onload=\"console.log('PWNED'+'-RAN')\"></svg>"
           b"</body></html>\n")
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
HEADS = {".pdf": b"%PDF-1.4\n", ".png": png(), ".jpg": b"\xff\xd8\xff\xe0", ".jpeg": b"\xff\xd8\xff\xe0",
         ".gif": b"GIF89a", ".webp": b"RIFF\0\0\0\0WEBPVP8 ", ".bmp": b"BM", ".tif": b"II*\0", ".tiff": b"MM\0*",
         ".docx": b"PK\x03\x04", ".xlsx": b"PK\x03\x04", ".pptx": b"PK\x03\x04", ".doc": OLE2, ".xls": OLE2,
         ".ppt": OLE2, ".wps": OLE2, ".et": OLE2, ".dps": OLE2, ".ofd": b"PK\x03\x04", ".odt": b"PK\x03\x04",
         ".ods": b"PK\x03\x04", ".odp": b"PK\x03\x04", ".txt": "说明：\n".encode(), ".csv": "序号,名称\n".encode()}
NAMES = ("附件 {n}", "a#{n}", "p%20{n}", "q?{n}")  # a space and Chinese, #, a percent escape, ?


def attachment_names() -> list[str]:
    suffixes = sorted(filetypes.ALLOWED_SUFFIXES)
    return [NAMES[i % len(NAMES)].format(n=i) + suffix for i, suffix in enumerate(suffixes)]


def project(root: Path) -> Path:
    shutil.copytree(FIXTURES / "mini", root)
    folder = root / "evidence" / "zonghe"
    names = attachment_names()
    for name in names:
        (folder / name).write_bytes(HEADS[Path(name).suffix] + PAYLOAD)
    listed = ", ".join('"' + n + '"' for n in names)
    (folder / "fujian.md").write_text(
        "---\nindicator: zuzhi.yanjiu\nunit: 综合组\ndate: 2021-03-18\ntitle: 各类附件\nkind: 会议纪要\n"
        f"attachments: [{listed}]\nfacts: {{研究事项: [甲]}}\n---\n正文\n", encoding="utf-8")
    return root


def test_allowlist_covers_every_admitted_suffix() -> None:
    assert set(HEADS) == set(filetypes.ALLOWED_SUFFIXES)
    assert not filetypes.ALLOWED_SUFFIXES & {".html", ".htm", ".xht", ".xhtml", ".xhtm", ".xpdl", ".svg", ".xml",
                                             ".js", ".mjs", ".zip", ".rar", ".7z", ".swf", ".pdfx"}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("attachments")
    assert build(project(base / "project"), base / "out") == 0
    return base / "out" / "site"


@pytest.fixture(scope="module")
def served(site: Path) -> Iterator[str]:
    with serving(site) as url:
        yield url


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Chromium]:
    with chromium(tmp_path_factory.mktemp("profile")) as opened:
        opened.call("Browser.setDownloadBehavior", behavior="deny")
        yield opened


def attachment_links(browser: Chromium, page: str) -> list[str]:
    browser.open(page)
    links: list[str] = browser.js("[...document.querySelectorAll('a')].map(a => a.href)"
                                  ".filter(h => h.includes('/files/'))")
    return links


def visit(browser: Chromium, url: str) -> str:
    """Open ``url`` in the tab; the document's type when it displayed something, "" when it was a download."""
    browser.events.clear()
    browser.page("Page.navigate", url="about:blank")
    # wait until the blank page has loaded: navigating on while it still replaces a PDF viewer
    # can leave the next navigation unanswered by Chromium (about one time in forty)
    browser.wait_event("Page.loadEventFired")
    browser.events.clear()
    reply = browser.page("Page.navigate", url=url, timeout=60)  # a loaded machine can take long to open a viewer
    if reply.get("errorText"):  # a download (refused by the profile): nothing shown
        return ""
    time.sleep(0.4)  # time for any script to run
    shown: str = browser.js("location.href === 'about:blank' ? '' : document.contentType")
    return shown


@pytest.mark.parametrize("scheme", ["file", "http"])
def test_no_admitted_attachment_runs_script(browser: Chromium, site: Path, served: str, scheme: str) -> None:
    base = site.as_uri() + "/" if scheme == "file" else served
    links = attachment_links(browser, base + "evidence/fujian/index.html")
    files = sorted({unquote(urlsplit(link).path).split("/files/", 1)[1] for link in links})
    assert files == sorted(f"zonghe/{n}" for n in attachment_names())  # every #, % and ? escaped in the link
    seen = {}
    for link in dict.fromkeys(links):
        shown = seen[Path(link).suffix] = visit(browser, link)
        ran = [e for e in browser.events if "PWNED-RAN" in str(e.get("params", {}).get("args", ""))]
        assert not ran, f"{link} ran script"
        assert "PWNED-RAN" not in str(browser.js("document.title")), link
        assert shown not in ("text/html", "application/xhtml+xml", "image/svg+xml", "text/xml", "application/xml"), \
            f"{link} shown as {shown}"
    assert seen[".png"] == "image/png" and seen[".txt"] == "text/plain"  # some were really displayed


def test_a_type_outside_the_allowlist_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = project(tmp_path / "p")
    folder = root / "evidence" / "zonghe"
    (folder / "page.xhtm").write_bytes(PAYLOAD)
    text = (folder / "fujian.md").read_text(encoding="utf-8").replace("attachments: [", "attachments: [page.xhtm, ")
    (folder / "fujian.md").write_text(text, encoding="utf-8")
    assert main(["check", "--project", str(root)]) == 1
    assert "附件“page.xhtm”是 .xhtm 文件，不在允许的附件类型中" in capsys.readouterr().err
