"""Review-site build time and peak memory, against a plain MkDocs build of the same pages in the same run.

For each project (the sample at the repository root, then ones with N generated
evidence files) two fresh processes run:

- ours: ``build_site`` on the gathered project with an empty cache folder, as the
  first ``build.py site`` runs: page generation (view objects, Jinja2, evidence
  bodies through Markdown and nh3, attachments), jieba tuning, the MkDocs +
  Material build in strict mode, and writing the page cache
  (scoring/render/site/sitecache.py; bench_incremental.py times the builds that use it), with
  the evidence pages rendered over as many processes as ``build.py site`` uses by
  default (the machine's cores). After the timed run it writes the same pages once
  more into a kept docs dir ("gen s": our generation on its own, warm).
- alone: MkDocs + Material on that already-generated docs dir with the same
  config and navigation, in one process as MkDocs builds.

"cpu ratio" counts the helpers' CPU time too (they are waited for within the
clock); "ours MB" is the build process' peak, "helper MB" the largest helper's.

Loading and scoring (``gather``) and the MkDocs imports run before the clock in
both; bench_score.py measures gathering. Targets: ours at most 1.1× MkDocs
alone, and time grows linearly with the number of evidence files (evidence pages
are off the global navigation; with them on it, MkDocs + Material is quadratic).
Usage: python bench/bench_site.py [--runs N] [N ...]   (default: 1000 and 5000 generated files)
"""

from __future__ import annotations

import argparse
import itertools
import sys
import tempfile
from pathlib import Path

from common import ROOT, best_of
from generate import generate

SETUP = """
import time
from datetime import datetime, timezone
from pathlib import Path
import mkdocs.commands.build, mkdocs.config  # imports before the clock, in both
from scoring.render.site import site, sitepages
from scoring.gather.collect import gather
from scoring.gather.project import BuildInfo
info = BuildInfo("", datetime(2021, 12, 1, tzinfo=timezone.utc), False)
project = gather(Path({root!r}), info=info, with_git=False)
"""

OURS = SETUP + """
import tempfile
Path({out!r}).mkdir(parents=True, exist_ok=True)
cache = Path(tempfile.mkdtemp(prefix="cache-", dir={out!r})) / "site-internal"  # empty: every run is a full build
import resource
from scoring.render.dossier.pdfjobs import default_jobs
t0, c0 = time.perf_counter(), time.process_time()
plan = site.build_site(project, Path({out!r}) / "ours", cache, jobs=default_jobs())
_elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
_children = resource.getrusage(resource.RUSAGE_CHILDREN)  # the helpers rendering pages (none before the clock)
cpu += _children.ru_utime + _children.ru_stime
t1 = time.perf_counter()
sitepages.generate_docs(project, Path({docs!r}))  # the same pages, kept for the plain build
_extra = {{"pages": plan.pages, "gen_s": time.perf_counter() - t1, "cpu_s": cpu, "processes": plan.processes,
          "helper_mb": _children.ru_maxrss / 1024}}
"""

ALONE = SETUP + """
t0, c0 = time.perf_counter(), time.process_time()
with site.mkdocs_session(info.date) as messages:
    config = site.mkdocs_config(site.config_file(project.root), Path({docs!r}), Path({out!r}) / "alone", project.scheme)
    site.mkdocs_build(config)
_elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
assert not messages, messages
_extra = {{"cpu_s": cpu}}
"""

HEADER = (f"{'project':<22} {'pages':>6} {'ours s':>8} {'alone s':>8} {'ratio':>6} {'cpu ratio':>9} {'procs':>5} "
          f"{'ours MB':>8} {'helper MB':>9} {'alone MB':>9} {'gen s':>6} {'ms/page':>8}")


def measure(label: str, root: Path, work: Path, runs: int) -> float:
    docs, out = work / f"{label}-docs", work / label
    ours = best_of(runs, OURS.format(root=str(root), out=str(out), docs=str(docs)))
    alone = best_of(runs, ALONE.format(root=str(root), out=str(out), docs=str(docs)))
    pages = int(ours["pages"])
    ratio = ours["seconds"] / alone["seconds"]
    cpu = ours["cpu_s"] / alone["cpu_s"]
    print(f"{label:<22} {pages:>6} {ours['seconds']:>8.2f} {alone['seconds']:>8.2f} {ratio:>6.2f} {cpu:>9.2f} "
          f"{int(ours['processes']):>5} {ours['peak_mb']:>8.0f} {ours['helper_mb']:>9.0f} {alone['peak_mb']:>9.0f} "
          f"{ours['gen_s']:>6.2f} {1000 * ours['seconds'] / pages:>8.2f}")
    print(f"{'':<22} ours takes {100 * (ratio - 1):+.1f}% of MkDocs alone's time"
          f" ({ours['seconds'] - alone['seconds']:+.2f} s; target at most +10%), {100 * (cpu - 1):+.1f}% of its CPU",
          flush=True)
    return ours["seconds"]


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1, help="fresh-process runs per step; the fastest counts")
    parser.add_argument("sizes", nargs="*", type=int, default=[1000, 5000], help="numbers of generated evidence files")
    args = parser.parse_args(argv)
    print(HEADER, flush=True)
    with tempfile.TemporaryDirectory(prefix="bench-site-") as tmp:
        work = Path(tmp)
        measure("sample", ROOT, work, args.runs)
        times = {n: measure(f"{n} evidence files", generate(ROOT, work / f"gen-{n}", n), work, args.runs)
                 for n in args.sizes}
    sizes = sorted(times)
    for small, large in itertools.pairwise(sizes):
        print(f"{small} → {large} evidence files: {large / small:.1f}× the files, "
              f"{times[large] / times[small]:.2f}× the time (linear would be {large / small:.1f}×)")


if __name__ == "__main__":
    main(sys.argv[1:])
