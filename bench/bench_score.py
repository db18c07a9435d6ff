"""Load + check + score time and peak memory, against a floor measured in the same run.

The floor reads the same evidence files and parses their front matter with
libyaml's CSafeLoader, nothing else. Target: within 2x of the floor at 10,000
files. Usage: python bench/bench_score.py [N ...]
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from common import ROOT, run_child
from generate import generate

FLOOR = """
import time, os, yaml
from pathlib import Path
root = Path({root!r})
t0 = time.perf_counter()
n = 0
for dirpath, _, files in os.walk(root / "evidence"):
    for f in sorted(files):
        if f.endswith(".md"):
            text = (Path(dirpath) / f).read_text(encoding="utf-8")
            end = text.index("\\n---", 3)
            yaml.load(text[4:end], Loader=yaml.CSafeLoader)
            n += 1
_elapsed = time.perf_counter() - t0
_extra = {{"files": n}}
"""

OURS = """
import time
from datetime import date
from pathlib import Path
from scoring.gather.collect import gather
from scoring.gather.project import BuildInfo
from datetime import datetime, timezone
root = Path({root!r})
info = BuildInfo("", datetime(2021, 12, 1, tzinfo=timezone.utc), False)
t0 = time.perf_counter()
project = gather(root, info=info, with_git=False)
_elapsed = time.perf_counter() - t0
_extra = {{"files": len(project.evidence), "total": float(project.table.total)}}
"""


def main(sizes: list[int]) -> None:
    print(f"{'evidence':>9} {'floor s':>9} {'ours s':>9} {'ratio':>6} {'floor MB':>9} {'ours MB':>8}")
    for n in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            project = generate(ROOT, Path(tmp) / "p", n)
            runs = [(run_child(FLOOR.format(root=str(project))), run_child(OURS.format(root=str(project))))
                    for _ in range(3)]  # in turn, so a machine drifting in speed weighs on both alike
            floor = min((f for f, _ in runs), key=lambda r: r["seconds"])
            ours = min((o for _, o in runs), key=lambda r: r["seconds"])
            ratio = ours["seconds"] / floor["seconds"]
            print(f"{n:>9} {floor['seconds']:>9.3f} {ours['seconds']:>9.3f} {ratio:>5.2f}x "
                  f"{floor['peak_mb']:>9.1f} {ours['peak_mb']:>8.1f}")
    print("target: ours within 2x of the floor at 10,000 files")


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [1000, 10000])
