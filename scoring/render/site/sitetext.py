"""The review site's text rules: where its templates live, escaping data so it shows verbatim in Markdown and
HTML, page names and addresses, and a fact's value as a page shows it.

Every string from the data is escaped here so that it shows verbatim and can carry no Markdown or HTML."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from urllib.parse import quote

from ...core import places
from ...core.figures import cn_date, fmt
from ...model.model import Adjustment, FactSpec, FactValue

REPO = places.REPO
TEMPLATES = REPO / "site_templates" / "site"
DEFAULT_CONFIG = REPO / "mkdocs.yml"
# Material's templates that the site overrides (accessibility: docs/site.md), ahead of the theme's own.
THEME_OVERRIDES = REPO / "site_templates" / "theme"


# --- escaping -----------------------------------------------------------------

# Every ASCII character that inline Markdown, its extensions (attr_list, tables)
# or raw HTML could act on becomes a character reference: the text shows verbatim.
_MD_ESCAPES = {ord(c): f"&#{ord(c)};" for c in "\\`*_{}[]()<>&|~^=!$#:\""}


def md_text(value: object) -> str:
    """Any text as inline Markdown that renders exactly as written, on one line."""
    return " ".join(str(value).split()).translate(_MD_ESCAPES)


def md_lines(value: str) -> str:
    """Multi-line verbatim text for a table cell."""
    return "<br>".join(md_text(line) for line in value.splitlines() if line.strip())


def plain_title(value: object) -> str:
    """A title that stays text wherever MkDocs or the theme print it raw or unescaped.

    MkDocs keeps a page title's character references, and Material prints it
    through ``striptags`` (which unescapes) into ``<title>``: ``&#60;/title&#62;``
    would come out as markup. Material also prints the site name and page titles
    unescaped inside attributes (``aria-label="…"``, ``title="…"``), where a quote
    ends the attribute. Titles, nav entries, site name and footer therefore carry
    no ``<``, ``>``, ``&``, ``"`` or ``'`` at all: they become their full-width forms.
    """
    return " ".join(str(value).split()).translate(_TITLE_FORMS)


_TITLE_FORMS = str.maketrans({"&": "＆", "<": "＜", ">": "＞", '"': "＂", "'": "＇"})


def meta_title(value: object) -> str:
    """A page's front-matter title (a JSON string is a YAML scalar)."""
    return json.dumps(plain_title(value), ensure_ascii=False)


def url_path(path: str) -> str:
    """A page link, whose ``#`` starts its anchor."""
    return quote(path, safe="/#.-_~")


def file_url(path: str) -> str:
    """A copied file's link: every ``#``, ``%``, ``?`` and space in its name is escaped."""
    return quote(path, safe="/.-_~")


def page_name(ident: str) -> str:
    """A page's file name from an id; ``index`` would collide with a section's index page."""
    return "_index" if ident == "index" else ident


def page_depth(page: str, directory_urls: bool) -> int:
    """How many folders deep a page's HTML lands in the site."""
    depth = page.count("/")
    if directory_urls and Path(page).name != "index.md":
        depth += 1
    return depth


def page_url(page: str, directory_urls: bool) -> str:
    stem = page[: -len(".md")]
    if not directory_urls:
        return url_path(stem + ".html")
    if stem == "index" or stem.endswith("/index"):
        return url_path(stem[: -len("index")])
    return url_path(stem + "/")


def fact_text(spec: FactSpec | None, value: FactValue) -> str:
    unit = spec.unit if spec else ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int):
        return f"{value}{unit}"
    if isinstance(value, Decimal):
        return f"{fmt(value)}{unit}"
    if not value:
        return "（无）"
    return "；".join(_item_text(item) for item in value)


def _item_text(item: object) -> str:
    if isinstance(item, date):
        return cn_date(item)
    if isinstance(item, Adjustment):
        return f"{fmt(item.amount)}分（{item.reason}）"
    return str(item)
