"""Cold start of ``build.py check`` on the sample, against a bare interpreter, in the same run.

Three whole commands run in turn, ``--runs`` rounds (medians printed):

- ``python build.py check`` on the repository's sample (40 rows, 77 evidence files);
- ``python -c pass``: the interpreter's own start, the floor of any command;
- ``python -c "import yaml"``: the start plus the one library every command needs.

Target: ``check`` within 0.5 s wall time. The imports it pays for are listed by
``python -X importtime build.py check``; the heavy libraries (pandas, WeasyPrint, MkDocs,
jieba, Markdown, nh3, Jinja2, openpyxl) must not be among them.
Usage: python bench/bench_start.py [--runs N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time

from common import ROOT

HEAVY = ("pandas", "weasyprint", "mkdocs", "jieba", "markdown", "nh3", "jinja2", "openpyxl", "pypdf", "tqdm")


# As on a user's machine: bytecode cached (an environment may set PYTHONDONTWRITEBYTECODE, and
# compiling the package's sources on every start costs about 0.3 s).
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def wall(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, cwd=ROOT, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args(argv)
    commands = {
        "build.py check": [sys.executable, str(ROOT / "build.py"), "check"],
        "python -c pass": [sys.executable, "-c", "pass"],
        "python -c 'import yaml'": [sys.executable, "-c", "import yaml"],
    }
    times: dict[str, list[float]] = {name: [] for name in commands}
    for command in commands.values():  # warm-up: bytecode written, files in the page cache
        wall(command)
    for _ in range(args.runs):
        for name, command in commands.items():
            times[name].append(wall(command))
    print(f"{'command':<26} {'median s':>9} {'min s':>7} {'max s':>7}   ({args.runs} rounds)")
    for name, values in times.items():
        print(f"{name:<26} {statistics.median(values):>9.3f} {min(values):>7.3f} {max(values):>7.3f}")
    check, bare = statistics.median(times["build.py check"]), statistics.median(times["python -c pass"])
    print(f"check: {check:.3f} s (target 0.5 s), {check - bare:.3f} s above the bare interpreter")
    imports = subprocess.run([sys.executable, "-X", "importtime", str(ROOT / "build.py"), "check"], cwd=ROOT,
                             env=ENV, capture_output=True, text=True, check=True).stderr
    loaded = {line.rsplit("|", 1)[-1].strip().split(".")[0] for line in imports.splitlines() if "|" in line}
    heavy = sorted(loaded & set(HEAVY))
    print(f"heavy libraries imported by check: {', '.join(heavy) or 'none'}")


if __name__ == "__main__":
    main(sys.argv[1:])
