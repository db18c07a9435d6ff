"""Golden score tables for the repository's sample content.

A change in scoring or in the sample shows here as a diff to review. Refresh on
purpose with ``pytest --update-golden`` and read the diff before committing.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from scoring.gather.collect import gather
from scoring.render import tables

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).resolve().parent / "golden"


def _compare(name: str, actual: bytes, update: bool) -> None:
    path = GOLDEN / name
    if update:
        path.write_bytes(actual)
    assert actual == path.read_bytes(), f"{name} differs from the golden file (pytest --update-golden to refresh)"


def test_sample_score_table(update_golden: bool) -> None:
    project = gather(ROOT, strict=True, as_of=date(2021, 12, 10))
    _compare("sample-terminal.txt", tables.terminal(project.table).encode("utf-8"), update_golden)
    _compare("sample-scores.csv", tables.to_csv(project.table), update_golden)


def test_sample_is_below_full_marks_with_every_loss_explained() -> None:
    table = gather(ROOT, strict=True, as_of=date(2021, 12, 10)).table
    assert table.total < table.full_marks
    for row in table.rows:
        lost = [ln for ln in row.lines if ln.amount < 0]
        assert all(ln.reason for ln in lost), row.indicator.id
        if row.deduction > 0:
            assert row.reasons, row.indicator.id
    assert table.status_counts()["partial"] >= 1
