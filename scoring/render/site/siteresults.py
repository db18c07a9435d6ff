"""The site's pages of the results that came back: 「核定差异」 and 「与上年比较」, and their place in the site.

sitepages.py calls in here at three places: the pages' common context (``context``: every page and the
shared macros may show the 核定 figures beside the self-score), the summary pages' memo key (``key``: a
change of results/verified.yaml or results/lastyear.yaml renders the pages again) and the pages
themselves (``write_pages``); site.py takes the navigation (``nav``). Without results/ files nothing of
this appears.
"""

from __future__ import annotations

from typing import Any

from ...gather.project import Project
from ...score.lastyearfile import LastYearView, lastyear_view
from ..resultsview import VerifiedView, verified_view
from .sitewriter import PageWriter

VERIFIED_PAGE = "results/verified.md"
LASTYEAR_PAGE = "results/lastyear.md"


def views(project: Project) -> tuple[VerifiedView | None, LastYearView | None]:
    return (verified_view(project.verified, project.table),
            lastyear_view(project.lastyear, project.table, project.verified))


def context(project: Project) -> dict[str, Any]:
    """What every page may read: ``results`` (the 核定 view) and ``lastyear`` (the comparison), or None."""
    verified, lastyear = views(project)
    return {"results": verified, "lastyear": lastyear, "results_pages": {"verified": VERIFIED_PAGE,
                                                                         "lastyear": LASTYEAR_PAGE}}


def key(project: Project) -> str:
    """The results' part of the summary pages' memo key: everything the views are made from."""
    return repr((project.verified, project.lastyear))


def nav(project: Project) -> list[Any]:
    """The navigation's 考核结果 tab, with the pages this project has (none: no tab)."""
    pages: list[Any] = []
    if project.verified is not None:
        pages.append({"核定差异": VERIFIED_PAGE})
    if project.lastyear is not None:
        pages.append({"与上年比较": LASTYEAR_PAGE})
    return [{"考核结果": pages}] if pages else []


def write_pages(writer: PageWriter, project: Project, summary_key: str | None) -> None:
    """The pages (the common context carries their views; ``summary_key`` covers them, see ``key``)."""
    if project.verified is not None:
        writer.write(VERIFIED_PAGE, "verified.md.j2", summary_key)
    if project.lastyear is not None:
        writer.write(LASTYEAR_PAGE, "lastyear.md.j2", summary_key)
