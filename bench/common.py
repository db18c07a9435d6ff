"""Helpers shared by the benchmarks: run a step in a fresh process, read time and peak memory."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# A child prints one JSON line: {"seconds": …, "peak_mb": …, …}.
CHILD_FOOTER = """
import json, resource, sys, time
_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": _elapsed, "peak_mb": round(_peak, 1), **_extra}))
"""


def run_child(code: str, *, cwd: Path = ROOT) -> dict[str, float]:
    """Run ``code`` (which sets ``_elapsed`` and ``_extra``) in a new interpreter."""
    script = f"import sys; sys.path.insert(0, {str(ROOT)!r})\n{code}\n{CHILD_FOOTER}"
    out = subprocess.run([sys.executable, "-c", script], cwd=cwd, capture_output=True, text=True, check=False)
    if out.returncode != 0:
        raise SystemExit(f"benchmark step failed:\n{out.stderr}")
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def best_of(runs: int, code: str) -> dict[str, float]:
    """The fastest of ``runs`` fresh-process runs (peak memory from that run)."""
    results = [run_child(code) for _ in range(runs)]
    return min(results, key=lambda r: r["seconds"])
