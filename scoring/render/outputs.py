"""Render every requested output from one checked project and write them all at once.

``build(project, outputs, out)`` is the second half of every command (the
first is ``gather``). Each renderer is a function of the project and a folder:
it writes into a staging folder beside ``out``; when all have succeeded the
staging folder replaces ``out`` in one atomic exchange (scoring/core/output.py). A
failure or a kill at any moment leaves ``out`` as the complete previous build.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import Protocol

from ..core import memory
from ..core.apart import apart
from ..core.output import Staging
from ..core.problems import UsageError
from ..gather.project import Project
from . import tables

PDF_NAME = "dossier.pdf"
TABLE_NAMES = ("scores.json", "scores.csv", "scores.xlsx")


@dataclass(frozen=True)
class Settings:
    """How outputs are rendered (never what they say): the same project gives the same bytes whatever these are."""

    jobs: int = 1  # processes laying out the PDF and rendering the site's pages
    cache: Path | None = None  # where renderers keep what they computed for this output folder (site pages)
    dossier: bool = False  # the PDF is built too: the site carries a copy and links to it (set by ``build``)


@dataclass(frozen=True)
class Written:
    """What one output put into the output folder, said in Chinese for the final message."""

    names: tuple[str, ...]  # entries of the output folder
    summary: str
    warnings: tuple[str, ...] = ()


def write_tables(project: Project, folder: Path, settings: Settings) -> Written:
    files = {
        "scores.json": tables.to_json(project.table, project.info, project.as_of, project.verified).encode("utf-8"),
        "scores.csv": tables.to_csv(project.table, project.verified),
        "scores.xlsx": tables.to_xlsx(project.table, project.info, project.verified),
    }
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return Written(TABLE_NAMES, "得分表 scores.json、scores.csv、scores.xlsx")


def _site(name: str) -> Callable[[Project, Path, Settings], Written]:
    def write_site(project: Project, folder: Path, settings: Settings) -> Written:
        from .site.site import build_site  # MkDocs and its theme load only when a site is asked for

        cache = settings.cache / f"{name}-{project.edition.value}" if settings.cache else None
        plan = build_site(project, folder / name, cache, jobs=settings.jobs, dossier=settings.dossier)
        if settings.dossier:  # the PDF follows, beside its workers: jieba's dictionaries and checked cache entries go
            from .site import pagecache, wordbreak

            wordbreak.release()
            pagecache.forget()
        reused = f"；{plan.reused} 页未变，取自缓存" if plan.reused else ""
        shared = f"；{plan.processes} 个进程并行生成" if plan.processes > 1 else ""
        return Written((name,), f"审阅网站 {name}/（{plan.pages} 页，其中证据 {plan.evidence_pages} 页{reused}{shared}）")

    return write_site


def write_pdf(project: Project, folder: Path, settings: Settings) -> Written:
    from .dossier.dossier import build_pdf  # WeasyPrint loads only when a PDF is asked for

    rendered = build_pdf(project, jobs=settings.jobs)
    (folder / PDF_NAME).write_bytes(rendered.pdf)
    size = len(rendered.pdf) / 1024 / 1024
    warnings = tuple(f"PDF 排版提示（WeasyPrint 原文）：{m}" for m in rendered.warnings)
    return Written((PDF_NAME,), f"PDF 材料汇编 {PDF_NAME}（{rendered.pages} 页，{size:.1f} MB）", warnings)


def write_annual_report(project: Project, folder: Path, settings: Settings) -> Written:
    from .documents.annualreport import DOCX_NAME, annual_report, docx_bytes  # python-docx loads only when asked for

    (folder / DOCX_NAME).write_bytes(docx_bytes(annual_report(project), project))
    return Written((DOCX_NAME,), f"政府信息公开工作年度报告初稿 {DOCX_NAME}")


def write_selfreport(project: Project, folder: Path, settings: Settings) -> Written:
    from .documents.selfreport import DOCX_NAME, SOURCE_NAME, draft, source, to_docx  # python-docx loads only when asked for

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
    "annual-report": write_annual_report,
    "selfreport": write_selfreport,
    "preview": _site("preview"),
}


# Which data each output of a folder was made from: one build never leaves outputs of two states side by side.
MANIFEST = ".outputs.json"
GENERATED = (*TABLE_NAMES, "site", PDF_NAME)  # not the preview: a running preview keeps its own up to date


def state_of(project: Project) -> str:
    """The data an output is made from: every data file's digest, the edition and the as-of date."""
    digest = hashlib.sha256(f"{project.edition.value}|{project.as_of.isoformat()}".encode())
    for path, facts in sorted(project.files.items()):
        digest.update(f"\n{path}|{facts.sha256}".encode())
    return digest.hexdigest()


def read_manifest(out: Path) -> dict[str, str]:
    try:
        found = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): str(v) for k, v in found.items()} if isinstance(found, dict) else {}


def _generated(out: Path) -> list[str]:
    """The outputs a previous build left in ``out`` (a file of the user's own is never touched)."""
    return [name for name in GENERATED if (out / name).exists()]


def site_cache(out: Path) -> Path:
    """The cache of the sites built into ``out``: in the user's cache folder, never in the project or the output.

    One folder per output folder (by its path), so a preview and a build of the same output, which
    wait for each other's lock, share it, and builds into different folders never touch each other's.
    """
    from ..gather.history import cache_dir

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


def _publish_results(project: Project, site: Path, *, with_pdf: bool) -> None:
    """The site carries its scores as data (scores.json, the same bytes as the build's) and a manifest
    saying whose they are, so that a roll-up of many bureaus reads only published sites."""
    scores = tables.to_json(project.table, project.info, project.as_of, project.verified)
    (site / "scores.json").write_text(scores, encoding="utf-8")
    dossier = PDF_NAME if with_pdf else None
    (site / "manifest.json").write_text(tables.manifest(project.table, project.info, project.edition.value, dossier),
                                        encoding="utf-8")


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
        settings = replace(settings, dossier="pdf" in wanted and "site" in wanted)
        written: list[Written] = []
        for name in wanted:
            if name == "pdf" and written:  # what the outputs before freed goes back before the PDF's workers need it
                memory.release()  # (only then: a collection costs about 0.1 s, and no other output peaks so)
            render = partial(OUTPUTS[name], project, staging.path, settings)
            # the site before the PDF in a child of its own: what it held is gone before the PDF's workers start
            written.append(apart(render, "生成审阅网站") if name == "site" and settings.dossier else render())
        if "site" in wanted:
            _publish_results(project, staging.path / "site", with_pdf=settings.dossier)
        if settings.dossier:  # the site's link to the PDF: the very file, linked in
            os.link(staging.path / PDF_NAME, staging.path / "site" / PDF_NAME)
        made = {name for w in written for name in w.names}
        state = state_of(project)
        kept = {n for n, s in read_manifest(out).items() if s == state and n not in made} if guard is None else set()
        stale = sorted(n for n in _generated(out) if n not in made and n not in kept) if guard is None else []
        if guard is None:
            staging.keep(made | set(stale))
        else:
            written.append(Written((), guard.check(staging.path)))
        if stale:
            shown = "、".join(f"{n}/" if (out / n).is_dir() else n for n in stale)
            written.append(Written((), f"已删除由其他数据生成的旧输出 {shown}，以免与本次得分不一致"
                                       "（需要时请运行 python build.py all 重新生成）"))
        if guard is None:  # a public build keeps nothing of an earlier output: nothing to record for the next
            (staging.path / MANIFEST).write_text(json.dumps({n: state for n in sorted(made | kept)}, indent=1)
                                                 + "\n", encoding="utf-8")
        staging.commit()
    finally:
        staging.close()
    return written
