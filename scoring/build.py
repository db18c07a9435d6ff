"""Render every requested output from one checked project and write them all at once.

``build(project, outputs, out)`` is the second half of every command (the
first is ``gather``). Each renderer is a function of the project and a folder:
it writes into a staging folder beside ``out``; when all have succeeded the
staging folder replaces ``out`` in one atomic exchange (scoring/output.py). A
failure or a kill at any moment leaves ``out`` as the complete previous build.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from . import tables
from .output import Staging
from .problems import UsageError
from .project import Project

PDF_NAME = "dossier.pdf"
TABLE_NAMES = ("scores.json", "scores.csv", "scores.xlsx")


@dataclass(frozen=True)
class Settings:
    """How outputs are rendered (never what they say): the same project gives the same bytes whatever these are."""

    jobs: int = 1  # processes laying out the PDF and rendering the site's pages
    cache: Path | None = None  # where renderers keep what they computed for this output folder (site pages)


@dataclass(frozen=True)
class Written:
    """What one output put into the output folder, said in Chinese for the final message."""

    names: tuple[str, ...]  # entries of the output folder
    summary: str
    warnings: tuple[str, ...] = ()


def write_tables(project: Project, folder: Path, settings: Settings) -> Written:
    files = {
        "scores.json": tables.to_json(project.table, project.info, project.as_of).encode("utf-8"),
        "scores.csv": tables.to_csv(project.table),
        "scores.xlsx": tables.to_xlsx(project.table, project.info),
    }
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return Written(TABLE_NAMES, "得分表 scores.json、scores.csv、scores.xlsx")


def _site(name: str) -> Callable[[Project, Path, Settings], Written]:
    def write_site(project: Project, folder: Path, settings: Settings) -> Written:
        from .site import build_site  # MkDocs and its theme load only when a site is asked for

        cache = settings.cache / f"{name}-{project.edition.value}" if settings.cache else None
        plan = build_site(project, folder / name, cache, jobs=settings.jobs)
        reused = f"；{plan.reused} 页未变，取自缓存" if plan.reused else ""
        shared = f"；{plan.processes} 个进程并行生成" if plan.processes > 1 else ""
        return Written((name,), f"审阅网站 {name}/（{plan.pages} 页，其中证据 {plan.evidence_pages} 页{reused}{shared}）")

    return write_site


def write_pdf(project: Project, folder: Path, settings: Settings) -> Written:
    from .dossier import build_pdf  # WeasyPrint loads only when a PDF is asked for

    rendered = build_pdf(project, jobs=settings.jobs)
    (folder / PDF_NAME).write_bytes(rendered.pdf)
    size = len(rendered.pdf) / 1024 / 1024
    warnings = tuple(f"PDF 排版提示（WeasyPrint 原文）：{m}" for m in rendered.warnings)
    return Written((PDF_NAME,), f"PDF 材料汇编 {PDF_NAME}（{rendered.pages} 页，{size:.1f} MB）", warnings)


def write_selfreport(project: Project, folder: Path, settings: Settings) -> Written:
    from .selfreport import DOCX_NAME, SOURCE_NAME, draft, source, to_docx  # python-docx loads only when asked for

    report = draft(project)
    (folder / DOCX_NAME).write_bytes(to_docx(report))
    (folder / SOURCE_NAME).write_text(source(report), encoding="utf-8")
    kept = "，含 reports/自评报告.md 中的文字" if project.report.exists else "，文字全为草稿"
    return Written((DOCX_NAME, SOURCE_NAME), f"自评报告 {DOCX_NAME}（及文字稿 {SOURCE_NAME}{kept}）")


# Every output by name, in the order they are written. The preview is the site
# in a folder of its own, so a running preview never replaces the built site.
OUTPUTS: dict[str, Callable[[Project, Path, Settings], Written]] = {
    "tables": write_tables,
    "site": _site("site"),
    "pdf": write_pdf,
    "selfreport": write_selfreport,
    "preview": _site("preview"),
}


def site_cache(out: Path) -> Path:
    """The cache of the sites built into ``out``: in the user's cache folder, never in the project or the output.

    One folder per output folder (by its path), so a preview and a build of the same output, which
    wait for each other's lock, share it, and builds into different folders never touch each other's.
    """
    from .history import cache_dir

    key = hashlib.sha256(str(out.resolve()).encode("utf-8")).hexdigest()[:16]
    return cache_dir() / f"site-{key}"


def output_dir(root: Path, out: Path | None) -> Path:
    """The output folder: ``--out``, else the project's build/. Never the project itself or its data."""
    target = (out or root / "build").resolve()
    root = root.resolve()
    if root.is_relative_to(target) or any(target.is_relative_to(root / d) for d in ("indicators", "evidence")):
        raise UsageError(f"输出目录 {target} 不能是项目目录、其上级目录或 indicators/、evidence/ 之内；"
                         "请另选一个目录（默认为项目下的 build/）")
    return target


class Guard(Protocol):
    """A check of everything written before it is swapped in (the public edition's leak check)."""

    def check(self, folder: Path) -> str: ...


def build(project: Project, outputs: Iterable[str], out: Path, *, guard: Guard | None = None,
          settings: Settings = Settings()) -> list[Written]:
    """Render ``outputs`` (names of OUTPUTS) into a staging folder and swap it in for ``out`` at once.

    With a ``guard`` (the public edition), the folder holds only what this build wrote (nothing is
    taken over from the previous ``out``, which may be an internal edition) and is swapped in only
    when ``guard.check`` passes over all of it; it raises ``DataError`` otherwise.
    """
    wanted = [name for name in OUTPUTS if name in set(outputs)]
    staging = Staging(out)
    try:
        written = [OUTPUTS[name](project, staging.path, settings) for name in wanted]
        if guard is None:
            staging.keep(name for w in written for name in w.names)
        else:
            written.append(Written((), guard.check(staging.path)))
        staging.commit()
    finally:
        staging.close()
    return written
