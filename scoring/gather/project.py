"""The value types every output is rendered from: the checked ``Project`` and what it carries.

``gather`` (scoring/gather/collect.py) makes a ``Project``; the renderers (site, dossier,
tables) read it and import these types, never the pipeline that made them. A
project holds everything a renderer needs: the scored table, each evidence
body already sanitised, each file's size and SHA-256, and what git knows (the
commit, the score history, the last change of each file). So no renderer runs
git, re-reads an evidence file or calls back into the pipeline.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ..core.problems import Problem
from ..load.reporttext import ReportText
from ..model.model import Evidence, Scheme
from ..model.values import Body, BuildInfo, Edition, FileFacts, GitRecord
from ..registers.registers import Registers
from ..score.lastyearfile import LastYear
from ..score.score import ScoreTable
from ..score.verified import Verified

# --- the project ----------------------------------------------------------------


@dataclass(frozen=True)
class Project:
    """A checked, scored project: the one input of every renderer."""

    root: Path
    scheme: Scheme
    evidence: tuple[Evidence, ...]
    problems: tuple[Problem, ...]
    table: ScoreTable
    info: BuildInfo
    # The date the to-do lists and deadline views are judged by ("deadline
    # passed / coming"). No rule reads it: scores never depend on it.
    as_of: date
    as_of_today: bool = False  # outside git, with no --as-of: as_of is the day of the build, and outputs say so
    bodies: Mapping[str, Body] = field(default_factory=dict)  # evidence id → body
    files: Mapping[str, FileFacts] = field(default_factory=dict)  # path → facts, every data file
    git: GitRecord = field(default_factory=GitRecord)
    edition: Edition = Edition.INTERNAL
    # Evidence ids whose content this edition leaves out (scoring/render/edition.py): renderers show
    # WITHHELD and the id where they are cited, and give them no page, link, file or text.
    withheld: frozenset[str] = frozenset()
    verified: Verified | None = None  # the assessors' 核定分 (results/verified.yaml), when they came back
    lastyear: LastYear | None = None  # last year's figures (results/lastyear.yaml), when compare-last wrote them
    registers: Registers = field(default_factory=lambda: Registers(0))  # the 台账 (scoring/registers/registers.py)
    report: ReportText = field(default_factory=ReportText)  # the staff's text of the 自评报告 (reports/自评报告.md), if any

    def body(self, evidence: Evidence) -> Body:
        return self.bodies.get(evidence.id, Body(""))

    def shown(self, evidence: Evidence) -> bool:
        """True when this edition shows the evidence's content (its page, body, attachments)."""
        return evidence.id not in self.withheld
