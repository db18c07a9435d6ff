"""Public edition against internal edition: the same ``build.py all``, side by side, in one run.

Each run is a fresh ``python build.py all --edition …`` process into a scratch output folder
(site, PDF and tables, with the score history from the cache both runs share), the editions
alternating so that both see the same machine load; the best of ``--runs`` is printed for each.
The public build filters the project, writes fewer evidence pages and files, then runs the leak
check over everything it wrote; the leak check's own time is the one the build prints.
Target: the public build takes no more than 1.1 times the internal one.
Usage: python bench/bench_edition.py [--runs N] [--project DIR]
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import ROOT

EDITIONS = ("internal", "public")


def run(project: Path, out: Path, edition: str) -> tuple[float, float | None]:
    """(wall seconds, leak-check seconds as the build printed them, or None)."""
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1638316800"}
    start = time.perf_counter()
    done = subprocess.run([sys.executable, str(ROOT / "build.py"), "all", "--project", str(project), "--out", str(out),
                           "--edition", edition], capture_output=True, text=True, env=env, check=False)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"build.py all --edition {edition} failed:\n{done.stderr}")
    leak = re.search(r"泄露检查：.*?（([\d.]+) 秒）", done.stdout)
    return seconds, float(leak.group(1)) if leak else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--project", type=Path, default=ROOT)
    args = parser.parse_args()
    times: dict[str, list[float]] = {e: [] for e in EDITIONS}
    leak: list[float] = []
    with tempfile.TemporaryDirectory() as scratch:
        run(args.project, Path(scratch) / "warm", "internal")  # fills the history cache both editions read
        for _ in range(args.runs):
            for edition in EDITIONS:
                seconds, checked = run(args.project, Path(scratch) / edition, edition)
                times[edition].append(seconds)
                if checked is not None:
                    leak.append(checked)
        files = {e: sum(1 for p in (Path(scratch) / e).rglob("*") if p.is_file()) for e in EDITIONS}
    internal, public = min(times["internal"]), min(times["public"])
    print(f"project: {args.project}  (best of {args.runs} runs each, alternating)")
    print(f"{'edition':<10}{'build all s':>12}{'files':>8}{'leak check s':>14}")
    print(f"{'internal':<10}{internal:>12.2f}{files['internal']:>8}{'—':>14}")
    print(f"{'public':<10}{public:>12.2f}{files['public']:>8}{min(leak):>14.2f}")
    print(f"public / internal: {public / internal:.2f}  (target ≤ 1.10); "
          f"leak check = {min(leak) / public:.0%} of the public build")


if __name__ == "__main__":
    main()
