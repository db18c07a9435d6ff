"""Incremental vs full site build after a one-file change, side by side in one run.

For each project of N generated evidence files, fresh processes run:

1. a full build of the site into two output folders (``build()`` with an empty cache folder each,
   over the machine's cores as ``build.py site`` by default), which fills the first one's cache;
2. one evidence file's body is edited (a sentence added);
3. incremental: the same build again, into the first output folder with its cache;
4. full: the same build into the second output folder, its cache emptied just before.

Both builds replace a previous site, as ``build.py site`` does (removing the
old one is part of each).

Gathering (load, check, score) runs before the clock in every step and is printed
on its own ("gather s"): ``build.py site`` and the preview pay it on top. The two
sites of steps 3 and 4 are compared file by file (they must be equal).
Target: incremental at most 15% of full at 1,000 evidence files.
Usage: python bench/bench_incremental.py [--runs N] [N ...]   (default: 1000)
"""

from __future__ import annotations

import argparse
import filecmp
import os
import shutil
import sys
import tempfile
from pathlib import Path

from common import best_of
from generate import generate

from scoring.render.outputs import site_cache

STEP = """
import os, time
from datetime import datetime, timezone
from pathlib import Path
os.environ["ZWGK_CACHE_DIR"] = {cache!r}
import mkdocs.commands.build, mkdocs.config, scoring.render.site.site, scoring.render.site.sitecache  # imports before the clock
from scoring.render.outputs import Settings, build, site_cache
from scoring.gather.collect import gather
from scoring.render.dossier.pdfjobs import default_jobs
from scoring.gather.project import BuildInfo
t0 = time.perf_counter()
project = gather(Path({root!r}), info=BuildInfo("", datetime(2021, 12, 1, tzinfo=timezone.utc), False), with_git=False)
gathered = time.perf_counter() - t0
out = Path({out!r})
t0 = time.perf_counter()
written = build(project, ("site",), out, settings=Settings(jobs=default_jobs(), cache=site_cache(out)))
_elapsed = time.perf_counter() - t0
_extra = {{"gather_s": gathered, "summary": written[0].summary}}
"""

HEADER = f"{'project':<22} {'full s':>8} {'incr s':>8} {'incr/full':>10} {'gather s':>9}  pages from the cache"


def edit(root: Path, round_: int) -> None:
    path = root / "evidence" / "batch-000" / "gen-00007.md"
    path.write_text(path.read_text(encoding="utf-8") + f"\n补充说明：第{round_}次修改。\n", encoding="utf-8")


def same_tree(a: Path, b: Path) -> bool:
    cmp = filecmp.dircmp(a, b)
    if cmp.left_only or cmp.right_only or cmp.funny_files:
        return False
    if filecmp.cmpfiles(a, b, cmp.common_files, shallow=False)[1:] != ([], []):
        return False
    return all(same_tree(a / d, b / d) for d in cmp.common_dirs)


def measure(n: int, work: Path, runs: int) -> None:
    root = generate(Path(__file__).resolve().parent.parent, work / f"gen-{n}", n)

    def step(out: str) -> str:
        return STEP.format(cache=str(work / "cache"), root=str(root), out=str(work / out))

    os.environ["ZWGK_CACHE_DIR"] = str(work / "cache")
    best_of(1, step("incr"))  # fills the cache
    best_of(1, step("full"))
    incr: list[dict[str, float]] = []
    full: list[dict[str, float]] = []
    for i in range(runs):
        edit(root, i)
        incr.append(best_of(1, step("incr")))
        shutil.rmtree(site_cache(work / "full"))
        full.append(best_of(1, step("full")))
        if not same_tree(work / "incr" / "site", work / "full" / "site"):
            raise SystemExit("the incremental site differs from the full one")
    a, b = min(incr, key=lambda r: r["seconds"]), min(full, key=lambda r: r["seconds"])
    print(f"{f'{n} evidence files':<22} {b['seconds']:>8.2f} {a['seconds']:>8.2f} {a['seconds'] / b['seconds']:>9.0%} "
          f"{a['gather_s']:>9.2f}  {a['summary']}")
    print(f"{'':<22} incremental is {a['seconds'] / b['seconds']:.0%} of full (target at most 15%); "
          f"with gathering, as build.py site pays it: {(a['seconds'] + a['gather_s']) / (b['seconds'] + b['gather_s']):.0%}",
          flush=True)


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1, help="edits per size; the fastest of each kind counts")
    parser.add_argument("sizes", nargs="*", type=int, default=[1000], help="numbers of generated evidence files")
    args = parser.parse_args(argv)
    print(HEADER, flush=True)
    for n in args.sizes:
        with tempfile.TemporaryDirectory(prefix="bench-incr-") as tmp:
            measure(n, Path(tmp), args.runs)


if __name__ == "__main__":
    main(sys.argv[1:])
