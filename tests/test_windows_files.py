"""Files as Windows saves them: CRLF line endings and a UTF-8 byte-order mark score exactly as LF files."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

from scoring.gather.collect import gather
from scoring.render import tables

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).resolve().parent / "golden"


def windows_copy(target: Path) -> int:
    """The sample's indicators/ and evidence/ with every YAML and Markdown file in CRLF with a BOM."""
    converted = 0
    shutil.copytree(ROOT / "registers", target / "registers")  # CSV: already what Excel writes (BOM, CRLF)
    for top in ("indicators", "evidence"):
        shutil.copytree(ROOT / top, target / top)
        for path in (target / top).rglob("*"):
            if path.suffix in (".yaml", ".md"):
                text = path.read_text(encoding="utf-8")
                path.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
                converted += 1
    return converted


def test_crlf_and_bom_copy_of_the_sample_scores_the_golden_table(tmp_path: Path) -> None:
    assert windows_copy(tmp_path) > 80
    assert b"\r\n" in next((tmp_path / "evidence").rglob("*.md")).read_bytes()
    project = gather(tmp_path, strict=True, as_of=date(2021, 12, 10))
    assert tables.terminal(project.table).encode("utf-8") == (GOLDEN / "sample-terminal.txt").read_bytes()
    assert tables.to_csv(project.table) == (GOLDEN / "sample-scores.csv").read_bytes()
    lf = gather(ROOT, strict=True, as_of=date(2021, 12, 10))
    assert [ev.body for ev in project.evidence] == [ev.body for ev in lf.evidence]
    assert [(p.path, p.line, p.message) for p in project.problems] == [(p.path, p.line, p.message) for p in lf.problems]
