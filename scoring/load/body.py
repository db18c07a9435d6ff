"""Evidence bodies: untrusted Markdown → sanitised HTML, checked once while gathering.

One policy for every output (the site and the PDF): an explicit allowlist of
tags, attributes and URL schemes (nh3), and links and images that stay inside
``evidence/``. What an output would refuse is an error here, with the file and
the line, so ``check`` refuses exactly what ``site`` and ``pdf`` would:

- a link that is an absolute path, or that leaves ``evidence/``;
- a link to a ``.md`` file that is not an evidence file;
- a link to a file a browser would run (HTML, SVG, XML, scripts);
- a body nested deeper, or with a longer paragraph, than the renderers can
  lay out (scoring/core/mdlimits.py), checked before anything renders it.

A link to a file that does not exist is a warning, and dropped. Script, event
attributes, ``javascript:`` links and frames are removed, with a warning. A body
that still reads the scaffold's placeholder is a warning (an error with
``--strict``) on its line.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable
from functools import partial
from html import unescape
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlsplit

from ..core import filetypes, mdlimits
from ..core.problems import Problem, error, warning
from ..model.model import Evidence
from ..model.values import LOCAL_SCHEME, Body

TAGS = frozenset({
    "p", "br", "hr", "strong", "em", "b", "i", "u", "s", "del", "ins", "mark", "sub", "sup", "small", "span",
    "code", "pre", "kbd", "blockquote", "ul", "ol", "li", "dl", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6",
    "table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td", "a", "img",
})
ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}, "th": {"colspan", "rowspan", "align"},
              "td": {"colspan", "rowspan", "align"}, "ol": {"start"}}
WEB_SCHEMES = frozenset({"http", "https", "mailto"})
PLACEHOLDER = "待填写"  # what ``build.py new`` leaves for a person to replace
Filter = Callable[[str, str, str], str | None]
_URL_ATTRIBUTE = re.compile(r"""\s(href|src)\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)
_ACTIVE_MARKUP = re.compile(r"<\s*(script|iframe|object|embed|style)\b|\son[a-z]+\s*=|javascript:", re.IGNORECASE)


def line_of(ev: Evidence, needle: str) -> int:
    """The line of the .md file where ``needle`` first appears in the body (lines count from the file's top)."""
    for offset, line in enumerate(ev.body.splitlines()):
        if needle in line:
            return ev.body_line + offset
    return ev.body_line


@functools.cache
def _markdown() -> Any:
    import markdown  # loaded on the first body with a link or markup: check on plain bodies starts without it

    return markdown.Markdown(extensions=["tables", "fenced_code", "sane_lists"])


def _web_only(tag: str, attribute: str, value: str) -> str | None:
    if (tag, attribute) in {("a", "href"), ("img", "src")} and not urlsplit(value).scheme:
        return None
    return value


def sanitise(text: str, keep: Filter = _web_only, before: Callable[[str], None] | None = None) -> str:
    """Markdown → HTML through the one allowlist; ``keep`` decides each link and image (of an allowed
    scheme, or none); ``before`` sees the HTML before anything is removed."""
    import nh3

    html = _markdown().reset().convert(text)
    if before is not None:
        before(html)
    return nh3.clean(html, tags=set(TAGS), attributes=ATTRIBUTES, attribute_filter=keep,
                     url_schemes=set(WEB_SCHEMES), link_rel=None)


class BodyChecker:
    """Renders and checks the bodies of one project's evidence files."""

    def __init__(self, root: Path, evidence: Iterable[Evidence]):
        self.root = root.resolve()
        self.base = self.root / "evidence"
        self.pages = {ev.path for ev in evidence}  # evidence files: links to them become page links
        self.problems: list[Problem] = []

    def body(self, ev: Evidence) -> Body:
        self._placeholder(ev)
        too_deep = mdlimits.excesses(ev.body)
        if too_deep:  # refused before any renderer sees it (scoring/core/mdlimits.py); the build stops on the error
            for excess in too_deep:
                self.problems.append(error(ev.path, ev.body_line + excess.line, excess.message(), "body-shape"))
            return Body("")
        # Every alternative of the pattern needs a <, an = or a :, which no case folding makes.
        active = _ACTIVE_MARKUP.search(ev.body) if any(c in ev.body for c in "<=:") else None
        if active:
            self.problems.append(warning(ev.path, line_of(ev, active.group(0)),
                                         "正文中的脚本、事件属性、javascript: 链接或内嵌框架已被删除，不会出现在网站和 PDF 中",
                                         "body-active"))
        if "[" not in ev.body and "<" not in ev.body:  # no link, image or markup: nothing to check
            return Body(ev.body, render=sanitise)
        links: list[str] = []

        def keep(tag: str, attribute: str, value: str) -> str | None:
            if (tag, attribute) not in {("a", "href"), ("img", "src")}:
                return value
            return self._local(ev, value, links)

        return Body(sanitise(ev.body, keep, partial(self._schemes, ev)), tuple(dict.fromkeys(links)))

    def _schemes(self, ev: Evidence, html: str) -> None:
        """A warning for each link the sanitiser will drop for its scheme (file:, ftp:, C:\\…);
        script links have their own (body-active)."""
        for match in _URL_ATTRIBUTE.finditer(html):
            url = unescape(match.group(2) if match.group(2) is not None else match.group(3))
            scheme = urlsplit(url).scheme.lower() if ":" in url else ""
            if scheme and scheme not in WEB_SCHEMES and scheme != "javascript":
                where = "本机的文件路径" if scheme == "file" or len(scheme) == 1 else f" {scheme}: 地址"
                self._refuse(ev, url, f"正文中的链接“{url}”是{where}，审阅网站和 PDF 的读者打不开，已略去；"
                                      "请把文件作为附件放在 evidence/ 中并用相对路径引用，或使用 http(s):// 网址", warn=True)

    def _local(self, ev: Evidence, url: str, links: list[str]) -> str | None:
        parts = urlsplit(url)
        if parts.scheme:
            return url if parts.scheme.lower() in WEB_SCHEMES else None
        if not parts.path:
            return url  # a fragment on the same page
        if parts.netloc or parts.path.startswith(("/", "\\")):
            return self._refuse(ev, url, f"正文中的链接“{url}”是绝对路径，不能放入审阅网站或 PDF；请改为相对于本文件的路径"
                                          "（文件须在 evidence/ 目录内），或使用 http(s):// 网址")
        target = ((self.root / ev.path).parent / unquote(parts.path)).resolve()
        if not target.is_relative_to(self.base):
            return self._refuse(ev, url, f"正文中的链接“{url}”指向 evidence/ 目录之外，不能放入审阅网站或 PDF；"
                                          "请把文件放在证据文件旁边并用相对路径引用")
        if not target.is_file():
            return self._refuse(ev, url, f"正文中的链接或图片“{url}”指向的文件不存在，已从网页和 PDF 中略去", warn=True)
        rel = target.relative_to(self.root).as_posix()
        if target.suffix.lower() == ".md" and rel not in self.pages:
            return self._refuse(ev, url, f"正文中的链接“{url}”指向的 .md 文件不是证据文件")
        refused = filetypes.attachment_problem(target, self.base) if target.suffix.lower() != ".md" else None
        if refused:
            return self._refuse(ev, url, f"正文中的链接“{url}”指向的文件不能放入审阅网站或 PDF：{refused}")
        links.append(rel)
        fragment = f"#{parts.fragment}" if parts.fragment else ""
        return LOCAL_SCHEME + quote(rel, safe="/") + fragment

    def _refuse(self, ev: Evidence, url: str, message: str, *, warn: bool = False) -> str | None:
        """Record the problem; the link is dropped from the body."""
        make = warning if warn else error
        self.problems.append(make(ev.path, line_of(ev, url), message, "body-link"))
        return None

    def _placeholder(self, ev: Evidence) -> None:
        if PLACEHOLDER in ev.body:
            self.problems.append(warning(ev.path, line_of(ev, PLACEHOLDER),
                                         f"正文仍是模板中的“{PLACEHOLDER}”，请写明做了什么、什么时候、由谁做的，以及在哪里可以核实",
                                         "placeholder"))
        for name, line in ev.fact_lines:
            value = ev.fact(name)
            if isinstance(value, tuple) and any(isinstance(v, str) and PLACEHOLDER in v for v in value):
                self.problems.append(warning(ev.path, line, f"事实“{name}”仍是模板中的“{PLACEHOLDER}”，请填写实际内容",
                                             "placeholder"))


def check_bodies(root: Path, evidence: tuple[Evidence, ...]) -> tuple[dict[str, Body], list[Problem]]:
    """Every evidence body sanitised, and every problem an output would find in bodies and attachments."""
    checker = BodyChecker(root, evidence)
    bodies = {ev.id: checker.body(ev) for ev in evidence}
    return bodies, checker.problems
