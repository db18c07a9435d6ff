"""Parallel against serial PDF, whole commands side by side: time, CPU and peak memory of the largest process.

For a project with N generated evidence files (default 1,000, about 510 pages) three commands
run in turn, ``--runs`` rounds of A B C (so a drift of the machine's speed hits all three):

- parallel: ``build.py pdf --jobs J`` (J: all cores unless ``--jobs``);
- serial:   ``build.py pdf --jobs 1``;
- serial, normal exit: the same through ``python -c`` calling ``main()`` and leaving the way a
  Python program usually does, with the interpreter's teardown (``build.py`` ends with
  ``os._exit`` once every output is written: the difference is the teardown saved).

Each figure is the command's whole process from start to exit (loading and scoring included),
the median of the rounds; CPU is user + system of the command and its workers; "peak MB" is the
largest single process (``wait4``'s ru_maxrss), which for the parallel command is the largest
worker or the parent. Targets: parallel at least 1.7x faster than serial on two cores at 500+
pages, and its peak per process no higher than the serial one's.
Usage: python bench/bench_pdf_parallel.py [--runs N] [--jobs J] [N evidence files]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import ROOT
from generate import generate


def run(command: list[str]) -> tuple[float, float, float]:
    """(wall s, CPU s, peak MB of the largest process) of one whole command."""
    start = time.perf_counter()
    proc = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode() if proc.stderr else ""
    if proc.returncode != 0:
        raise SystemExit(f"failed: {' '.join(command)}\n{err}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="rounds; medians are printed")
    parser.add_argument("--jobs", type=int, default=len(os.sched_getaffinity(0)), help="processes of the parallel run")
    parser.add_argument("size", nargs="?", type=int, default=1000, help="number of generated evidence files")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench-pdfjobs-") as tmp:
        project = generate(ROOT, Path(tmp) / "project", args.size)
        out = Path(tmp) / "out"
        build = [sys.executable, str(ROOT / "build.py"), "pdf", "--project", str(project), "--out", str(out)]
        teardown = (f"import sys; sys.path.insert(0, {str(ROOT)!r}); from scoring.cli.main import main; "
                    f"sys.exit(main({[*build[2:], '--jobs', '1']!r}))")
        commands = {
            f"parallel (--jobs {args.jobs})": [*build, "--jobs", str(args.jobs)],
            "serial (--jobs 1)": [*build, "--jobs", "1"],
            "serial, normal exit": [sys.executable, "-c", teardown],
        }
        figures: dict[str, list[tuple[float, float, float]]] = {name: [] for name in commands}
        for _ in range(args.runs):
            for name, command in commands.items():
                figures[name].append(run(command))
        pages = subprocess.run(["pdfinfo", str(out / "dossier.pdf")], capture_output=True, text=True,
                               check=True).stdout.split("Pages:")[1].split()[0]
        size = (out / "dossier.pdf").stat().st_size / 1e6
    print(f"{args.size} evidence files, {pages} pages, {len(os.sched_getaffinity(0))} cores, "
          f"median of {args.runs} rounds (last PDF {size:.1f} MB)")
    print(f"{'command':<24} {'wall s':>8} {'cpu s':>8} {'peak MB':>8}")
    medians = {}
    for name, rows in figures.items():
        medians[name] = tuple(statistics.median(r[i] for r in rows) for i in range(3))
        wall, cpu, peak = medians[name]
        print(f"{name:<24} {wall:>8.1f} {cpu:>8.1f} {peak:>8.0f}")
    parallel, serial, normal = medians.values()
    print(f"speed-up of parallel over serial: {serial[0] / parallel[0]:.2f}x (target at least 1.7x on two cores); "
          f"peak per process {parallel[2]:.0f} MB against {serial[2]:.0f} MB")
    print(f"teardown saved by os._exit: {normal[0] - serial[0]:+.1f} s")


if __name__ == "__main__":
    main(sys.argv[1:])
