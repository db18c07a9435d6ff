"""``build.py all`` at N generated evidence files: wall time and peak memory of the whole process tree.

The command runs as a child (with its PDF workers and any helpers under it);
every 50 ms the memory of the child and all its descendants is read from
/proc/PID/smaps_rollup and summed, and the highest sum is the peak: the
proportional set size (PSS, shared pages divided among their sharers: what the
tree holds) and, beside it, the plain sum of resident sets (which counts a
forked helper's shared pages once per process). The target for
ten thousand files is 1 GB on 2 cores (docs/input-safety.md).

Usage: python bench/bench_all.py [--jobs N] [COUNT ...]   (default: 1000 5000 10000, --jobs 2)
Beside the peak it prints the PSS of the main process, the PDF workers and other helpers at that
moment, each one's own peak, and the tree's peak in each stage (before the PDF workers start: the
site and the tables; while they run; after): where the memory goes.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from common import ROOT
from generate import generate


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as handle:
                fields = handle.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        tree.setdefault(int(fields[1]), []).append(int(entry))
    return tree


def _role(pid: int, root: int) -> str:
    """What a process of the tree is: the build itself, a PDF worker, or another helper."""
    if pid == root:
        return "main"
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as handle:
            return "pdf" if b"scoring.render.dossier.pdfchunks" in handle.read() else "other"
    except OSError:
        return "other"


def tree_memory(pid: int) -> tuple[int, int, dict[str, int]]:
    """Bytes of ``pid`` and all its descendants now: (resident, proportional, proportional by role).

    The resident sum counts a page shared by several processes (a forked helper's copy-on-write
    pages, the shared libraries) once per process; the proportional set size (PSS) divides each
    shared page among its sharers, so its sum is what the tree really holds. The roles are the
    main process, the PDF workers (together) and any other helper."""
    tree, rss, pss, todo = _children(), 0, 0, [pid]
    roles: dict[str, int] = {}
    while todo:
        current = todo.pop()
        todo.extend(tree.get(current, []))
        try:
            with open(f"/proc/{current}/smaps_rollup", "rb") as handle:
                for line in handle:
                    if line.startswith(b"Rss:"):
                        rss += int(line.split()[1]) * 1024
                    elif line.startswith(b"Pss:"):
                        own = int(line.split()[1]) * 1024
                        pss += own
                        role = _role(current, pid)
                        roles[role] = roles.get(role, 0) + own
        except OSError:
            continue
    return rss, pss, roles


def measure(count: int, jobs: int, work: Path) -> dict[str, Any]:
    project = generate(ROOT, work / f"p{count}", count)
    out = work / f"out{count}"
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1638316800"}
    started = time.monotonic()
    child = subprocess.Popen([sys.executable, str(ROOT / "build.py"), "all", "--project", str(project),
                              "--out", str(out), "--jobs", str(jobs)], env=env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak_rss = peak_pss = 0
    at_peak: dict[str, int] = {}
    peaks: dict[str, int] = {}
    stages: dict[str, int] = {}  # the tree's peak before the PDF workers start (site, tables …) and while they run
    said = started
    while child.poll() is None:
        rss, pss, roles = tree_memory(child.pid)
        peak_rss = max(peak_rss, rss)
        if pss > peak_pss:
            peak_pss, at_peak = pss, roles
        for role, size in roles.items():
            peaks[role] = max(peaks.get(role, 0), size)
        stage = "pdf" if "pdf" in roles else ("before" if "pdf" not in stages else "after")
        stages[stage] = max(stages.get(stage, 0), pss)
        if time.monotonic() - said > 60:  # a long run says how far it has got, on stderr
            said = time.monotonic()
            print(f"  {count} files, {said - started:.0f} s: peak PSS so far {round(peak_pss / 2**20)} MB "
                  f"({', '.join(f'{r} {round(s / 2**20)}' for r, s in sorted(at_peak.items()))})",
                  file=sys.stderr, flush=True)
        time.sleep(0.05)
    seconds = time.monotonic() - started
    err = child.stderr.read().decode() if child.stderr else ""
    if child.returncode != 0:
        raise SystemExit(f"all at {count} files failed ({child.returncode}):\n{err[-3000:]}")
    return {"files": count, "seconds": round(seconds, 1), "rss_mb": round(peak_rss / 2**20),
            "pss_mb": round(peak_pss / 2**20),
            "at_peak": " ".join(f"{r} {round(at_peak.get(r, 0) / 2**20)}" for r in ("main", "pdf", "other")),
            "peaks": " ".join(f"{r} {round(peaks.get(r, 0) / 2**20)}" for r in ("main", "pdf", "other")),
            "stages": " ".join(f"{s} {round(stages.get(s, 0) / 2**20)}" for s in ("before", "pdf", "after"))}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("counts", nargs="*", type=int, default=[1000, 5000, 10000])
    args = parser.parse_args()
    print(f"{'files':>6} {'seconds':>8} {'s/1000 files':>13} {'peak PSS MB':>12} {'peak RSS sum MB':>16}  "
          "PSS MB by role at the peak / each role's own peak / the tree's peak by stage (before the PDF, PDF, after)")
    with tempfile.TemporaryDirectory(prefix="zwgk-bench-all-") as tmp:
        for count in args.counts:
            result = measure(count, args.jobs, Path(tmp))
            print(f"{count:>6} {result['seconds']:>8} {result['seconds'] * 1000 / count:>13.1f} "
                  f"{result['pss_mb']:>12} {result['rss_mb']:>16}  {result['at_peak']} / {result['peaks']} / "
                  f"{result['stages']}", flush=True)


if __name__ == "__main__":
    main()
