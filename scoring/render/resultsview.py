"""What the site and the dossier show of the results that came back: 自评 / 核定 / 差额 / 意见 per row.

A value view made from the checked ``Project`` alone (its ``verified``, results/verified.yaml), so the
renderers (render/site/site.py, render/site/siteresults.py, render/dossier/dossier.py) lay it out and
never read a file.
``None`` when the assessors' figures have not come back: then nothing of this appears anywhere.

The assessors' figures and remarks are shown in both editions: the 核定分 is the assessment team's
published verdict on the public scores, and a remark judges a row (its evidence by name at most), so it
is public material like the scheme's text (scoring/render/edition.py allows it in the leak check).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from ..gather.project import Project
from ..score.score import RowScore, ScoreTable
from ..score.verified import Verified

UNVERIFIED = "未核定，沿用自评得分"


@dataclass(frozen=True)
class RowResult:
    """One row's 核定: the assessors' score (None: not scored, the self-score stands), difference, remark."""

    own: Decimal
    score: Decimal | None
    note: str

    @property
    def verified(self) -> bool:
        return self.score is not None

    @property
    def difference(self) -> Decimal | None:
        return None if self.score is None else self.score - self.own

    @property
    def remark(self) -> str:
        """The remark as shown: the assessors' note, or 未核定 for a row they did not score."""
        return self.note if self.score is not None else UNVERIFIED


@dataclass(frozen=True)
class Difference:
    row: RowScore
    result: RowResult

    @property
    def difference(self) -> Decimal:
        assert self.result.difference is not None
        return self.result.difference


@dataclass(frozen=True)
class VerifiedView:
    """The 核定 figures of a scored table, as every page shows them."""

    rows: Mapping[str, RowResult]  # every scheme row by id
    own_total: Decimal
    total: Decimal
    normalised: Decimal | None
    grade: str
    counted: int  # rows the assessors scored
    differences: tuple[Difference, ...]  # rows whose 核定 differs from the self-score, largest |差额| first, then id
    source: str  # the file they returned, as verified-import read it
    left: tuple[RowScore, ...]  # rows the assessors did not score: their self-score stands

    def of(self, row: RowScore) -> RowResult | None:
        return self.rows.get(row.indicator.id)

    @property
    def difference(self) -> Decimal:
        return self.total - self.own_total

    @property
    def unverified(self) -> int:
        return len(self.rows) - self.counted

    @property
    def gained(self) -> Decimal:
        return sum((d.difference for d in self.differences if d.difference > 0), Decimal(0))

    @property
    def lost(self) -> Decimal:
        return sum((-d.difference for d in self.differences if d.difference < 0), Decimal(0))


def verified_view(verified: Verified | None, table: ScoreTable) -> VerifiedView | None:
    """The view of ``verified`` over ``table``; None when the assessors' figures have not come back."""
    if verified is None:
        return None
    rows: dict[str, RowResult] = {}
    for r in table.rows:
        v = verified.of(r)
        rows[r.indicator.id] = RowResult(r.score, v.score if v else None, v.note if v else "")
    total, normalised, grade = verified.summary(table)
    differences = tuple(Difference(r, rows[r.indicator.id]) for r, _, _ in verified.differences(table))
    return VerifiedView(rows, table.total, total, normalised, grade, sum(1 for x in rows.values() if x.verified),
                        differences, verified.source, tuple(r for r in table.rows if not rows[r.indicator.id].verified))


def public_results(project: Project) -> list[str]:
    """Text the results show in both editions, for the leak check's allowance: the assessors' remarks and
    the names of last year's rows (last year's scheme, public as this year's is)."""
    notes = [v.note for v in project.verified.rows.values()] if project.verified else []
    names = [r.name for r in project.lastyear.rows] if project.lastyear else []
    return [*notes, *names, project.verified.source if project.verified else ""]
