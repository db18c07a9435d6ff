"""PDF dossier time, pages per second and peak memory, against WeasyPrint alone in the same run.

For each project (the sample at the repository root, then one with N generated
evidence files) two fresh processes run:

- ours: ``build_pdf`` on the gathered project (view objects, Markdown and nh3,
  attachment checksums, Jinja2, WeasyPrint, progress hooks) and the atomic write.
  It also saves the HTML it rendered.
- alone: ``weasyprint.HTML(filename=that HTML).write_pdf(pdf_variant="pdf/a-3b")``
  and a plain write: the floor no dossier code can go below.

Loading and scoring (``gather``) run before the clock in both; bench_score.py
measures them. "html s" is our part on its own: building the view objects and
the HTML once more after the timed run. Target: ours within 10% of WeasyPrint alone.
Usage: python bench/bench_pdf.py [--runs N] [N ...]   (default: 1000 generated files)
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from common import ROOT, best_of
from generate import generate

OURS = """
import time
from datetime import datetime, timezone
from pathlib import Path
from scoring.render.dossier.dossier import build_dossier, build_pdf, render_html
from scoring.core.output import write_files
from scoring.gather.collect import gather
from scoring.gather.project import BuildInfo
info = BuildInfo("", datetime(2021, 12, 1, tzinfo=timezone.utc), False)
project = gather(Path({root!r}), info=info, with_git=False)
t0 = time.perf_counter()
rendered = build_pdf(project, html_out=Path({html!r}))
write_files(Path({out!r}), {{"ours.pdf": rendered.pdf}})
_elapsed = time.perf_counter() - t0
t1 = time.perf_counter()
render_html(build_dossier(project))  # our own part on its own (warm), for the breakdown
_extra = {{"pages": rendered.pages, "html_s": time.perf_counter() - t1}}
"""

ALONE = """
import time
from pathlib import Path
import weasyprint
t0 = time.perf_counter()
document = weasyprint.HTML(filename={html!r}).render()
Path({out!r}, "alone.pdf").write_bytes(document.write_pdf(pdf_variant="pdf/a-3b"))
_elapsed = time.perf_counter() - t0
_extra = {{"pages": len(document.pages)}}
"""

HEADER = (f"{'project':<22} {'pages':>6} {'ours s':>8} {'alone s':>8} {'ratio':>6} {'ours p/s':>9} "
          f"{'alone p/s':>10} {'ours MB':>8} {'alone MB':>9} {'html s':>7}")


def measure(label: str, root: Path, work: Path, runs: int) -> None:
    html, out = work / f"{label}.html", work / label
    ours = best_of(runs, OURS.format(root=str(root), html=str(html), out=str(out)))
    alone = best_of(runs, ALONE.format(html=str(html), out=str(out)))
    pages = int(ours["pages"])
    ratio = ours["seconds"] / alone["seconds"]
    print(f"{label:<22} {pages:>6} {ours['seconds']:>8.2f} {alone['seconds']:>8.2f} {ratio:>6.2f} "
          f"{pages / ours['seconds']:>9.1f} {pages / alone['seconds']:>10.1f} {ours['peak_mb']:>8.0f} "
          f"{alone['peak_mb']:>9.0f} {ours['html_s']:>7.2f}")
    print(f"{'':<22} our part adds {100 * (ratio - 1):+.1f}% to WeasyPrint alone"
          f" ({ours['seconds'] - alone['seconds']:+.2f} s; target under +10%)", flush=True)


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1, help="fresh-process runs per step; the fastest counts")
    parser.add_argument("sizes", nargs="*", type=int, default=[1000], help="numbers of generated evidence files")
    args = parser.parse_args(argv)
    print(HEADER, flush=True)
    with tempfile.TemporaryDirectory(prefix="bench-pdf-") as tmp:
        work = Path(tmp)
        measure("sample", ROOT, work, args.runs)
        for n in args.sizes:
            measure(f"{n} evidence files", generate(ROOT, work / f"gen-{n}", n), work, args.runs)


if __name__ == "__main__":
    main(sys.argv[1:])
