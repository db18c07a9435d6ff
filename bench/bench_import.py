"""Import time of a 200-row assessment table (.xlsx and .docx), in a fresh process.

The table is the 2021 table's 40 rows repeated under five 一级 names each
(merged cells included), then its 加分/扣分 blocks. Two figures per format: the
import itself (read, find the structure, infer the rules, write the YAML and
the report) and the whole command including the interpreter's start and the
imports. Target: under 2 s for 200 rows. Usage: python bench/bench_import.py [ROWS]
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from common import ROOT, best_of

sys.path.insert(0, str(ROOT / "scripts"))
from make_seed_tables import SEED, merges, table_rows, to_docx, to_xlsx

IMPORT = """
import time
from pathlib import Path
t0 = time.perf_counter()
from scoring.cli.main import main
code = main(["import", {path!r}, "--to", {target!r}, "--force"])
assert code == 0
_elapsed = time.perf_counter() - t0
_extra = {{}}
"""

WARM = """
import time
from pathlib import Path
from scoring.cli.main import main
import scoring.importer, scoring.importer.export, openpyxl, docx, contextlib, io
with contextlib.redirect_stdout(io.StringIO()):
    main(["import", {path!r}, "--to", {target!r}, "--force"])  # first run: libraries warmed up
t0 = time.perf_counter()
with contextlib.redirect_stdout(io.StringIO()):
    code = main(["import", {path!r}, "--to", {target!r}, "--force"])
assert code == 0
_elapsed = time.perf_counter() - t0
_extra = {{}}
"""


def big_table(rows_wanted: int) -> list[list[str]]:
    base = table_rows(SEED.read_text(encoding="utf-8"))
    scored = [r for r in base if r[0] not in ("综合加分项", "重大扣分项") and any(r[1:])]
    tail = [r for r in base if r not in scored]
    out: list[list[str]] = []
    copy = 0
    while len(out) < rows_wanted:
        copy += 1
        for row in scored:
            if len(out) == rows_wanted:
                break
            out.append([f"{row[0]}（{copy}）", *row[1:]])
    return out + tail


def main() -> None:
    wanted = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    rows = big_table(wanted)
    ranges = merges(rows)
    with tempfile.TemporaryDirectory() as tmp:
        for name, data in (("big.xlsx", to_xlsx(rows, ranges)), ("big.docx", to_docx(rows, ranges))):
            path = Path(tmp) / name
            path.write_bytes(data)
            target = str(Path(tmp) / f"out-{name}")
            cold = best_of(3, IMPORT.format(path=str(path), target=target))
            warm = best_of(3, WARM.format(path=str(path), target=target))
            yaml_files = sorted((Path(target) / "indicators").glob("*.yaml"))
            print(f"{name}: {wanted} scored rows (+{len(rows) - wanted} 加分/扣分/注), {path.stat().st_size // 1024} KiB → "
                  f"{len(yaml_files)} YAML files; import {warm['seconds']:.2f} s; whole command from a cold start "
                  f"{cold['seconds']:.2f} s, peak {cold['peak_mb']:.0f} MB (target: under 2 s)")


if __name__ == "__main__":
    main()
