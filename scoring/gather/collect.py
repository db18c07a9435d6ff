"""Gather a project: checked and scored data plus what git knows, into one ``Project``.

This is the first half of every build (the second is ``build`` in
scoring/render/outputs.py): everything an output could refuse is found here, so
``check`` refuses exactly what ``site`` and ``pdf`` would, and the renderers
get a project they cannot fail on for data reasons.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from ..core.problems import DataError, has_errors, sort_problems
from ..load.loadevidence import EvidenceMemo
from ..load.reporttext import load_report_text
from ..model.values import BuildInfo, GitRecord
from .gitrepo import build_info, last_changes
from .history import history
from .pipeline import check_and_score
from .project import Project


def gather(root: Path, *, strict: bool = False, as_of: date | None = None, info: BuildInfo | None = None,
           with_git: bool = True, memo: EvidenceMemo | None = None) -> Project:
    """Load, check and score a project and read its git facts, or raise ``DataError`` with every problem.

    ``as_of`` is the date the to-do lists and deadline views are judged by
    (default: the date of the last commit); it changes no score.
    ``with_git=False`` leaves out the score history and the last change of
    each file (for commands that show neither). ``memo`` keeps parsed evidence
    files between calls (the preview passes one; see ``EvidenceMemo``).
    """
    report, report_problems = load_report_text(root)
    try:
        checked = check_and_score(root, strict=strict, memo=memo)
    except DataError as exc:
        raise DataError(sort_problems([*exc.problems, *report_problems])) from None
    problems = sort_problems([*checked.problems, *report_problems])
    if has_errors(report_problems, strict):
        raise DataError(problems)
    info = info or build_info(root)
    record = GitRecord()
    if with_git:
        record = GitRecord(history(root), last_changes(root, [ev.path for ev in checked.evidence]))
    today = as_of is None and not info.commit and info.date.year == 1970  # outside git: no date to take
    if today:
        as_of = date.today()
    return Project(root=root, scheme=checked.scheme, evidence=checked.evidence, problems=tuple(problems),
                   table=checked.table, info=info, as_of=as_of or info.date.date(), as_of_today=today,
                   bodies=checked.bodies, files=checked.files, git=record, verified=checked.verified,
                   lastyear=checked.lastyear,
                   registers=checked.registers, report=report)
