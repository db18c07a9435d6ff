"""Leak-check time on a built output folder, against the time of the build that wrote it.

Reads the sample project (or --project), takes every internal evidence file as the content
that must not leak and every public file, the scheme and the templates as allowed text, then
times, in one process after loading:

- fingerprints: building the n-gram sets and attachment hashes;
- trusted: hashing the theme's own assets (files copied unchanged are checked by hash and name only);
- scan: every file of the output folder (default build/, from ``make build``);
- pdf text: the PDF part alone with the fast extractor, and with pypdf's ``extract_text`` for comparison.

The folder is an internal edition, so it is full of hits: the figure is an upper bound of the
scan's cost (a clean public edition records nothing and builds no snippets).
Target: the public build no more than 10% slower than the internal one. Unless ``--no-build``,
the bench first runs ``build.py all`` (the internal build, into build/) and times it, so that
both figures are taken under the same load.
Usage: python bench/bench_leaks.py [--project DIR] [--no-build]
"""

from __future__ import annotations

import argparse
import io
import subprocess
import sys
import time
from pathlib import Path

from common import ROOT

sys.path.insert(0, str(ROOT))

from scoring.gather.collect import gather
from scoring.render.leaks import Internal, fingerprints
from scoring.render.leakscan import file_hashes, scan
from scoring.render.pdftext import pdf_text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--project", type=Path, default=ROOT)
    parser.add_argument("--no-build", action="store_true", help="scan the existing build/ without building")
    args = parser.parse_args()
    args.out = args.project / "build"
    build_seconds = 0.0
    if not args.no_build:
        start = time.perf_counter()
        subprocess.run([sys.executable, str(ROOT / "build.py"), "all", "--project", str(args.project)],
                       check=True, capture_output=True)
        build_seconds = time.perf_counter() - start
    if not args.out.is_dir():
        raise SystemExit(f"no output folder {args.out}: run make build first")
    project = gather(args.project)
    internal: list[Internal] = []
    allowed: list[str] = [p.read_text(encoding="utf-8") for p in sorted((args.project / "indicators").glob("*.yaml"))]
    allowed_files: list[bytes] = []
    allowed_names: list[str] = []
    for ev in project.evidence:
        attachments = tuple((a.name, (args.project / a.path).read_bytes()) for a in ev.attachments)
        texts = tuple(v for _, value in ev.facts if isinstance(value, tuple) for v in value if isinstance(v, str))
        allowed.append(ev.title)  # titles are public unless the scheme says otherwise
        if ev.visibility == "internal":
            internal.append(Internal(ev.path, ev.body, "", texts, attachments))
        else:
            allowed += [ev.body, *texts]
            allowed_files += [data for _, data in attachments]
            allowed_names += [name for name, _ in attachments]

    t0 = time.perf_counter()
    fp = fingerprints(internal, allowed=allowed, allowed_files=allowed_files, allowed_names=allowed_names)
    t1 = time.perf_counter()
    import material

    trusted = file_hashes([Path(material.__file__).parent / "templates" / "assets"])
    t2 = time.perf_counter()
    hits = scan(args.out, fp, trusted=trusted)
    t3 = time.perf_counter()

    files = [p for p in args.out.rglob("*") if p.is_file()]
    size = sum(p.stat().st_size for p in files)
    print(f"project: {len(project.evidence)} evidence files, {len(internal)} internal")
    print(f"output:  {len(files)} files, {size / 1e6:.1f} MB in {args.out}")
    print(f"fingerprints: {len(fp.grams)} n-grams, {len(fp.short)} short texts, {len(fp.hashes)} hashes, "
          f"{len(fp.pictures)} pictures, {len(fp.names)} names  {t1 - t0:.3f} s")
    print(f"trusted theme files: {len(trusted)}  {t2 - t1:.3f} s")
    print(f"scan: {len(hits)} hits  {t3 - t2:.3f} s")
    total = t3 - t0
    print(f"leak check total: {total:.3f} s")
    if build_seconds:
        print(f"internal build (build.py all): {build_seconds:.1f} s; the check adds {100 * total / build_seconds:.1f}%")

    from pypdf import PdfReader

    for pdf in sorted(p for p in files if p.suffix == ".pdf"):
        data = pdf.read_bytes()
        t4 = time.perf_counter()
        pdf_text(PdfReader(io.BytesIO(data)))
        t5 = time.perf_counter()
        [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]
        t6 = time.perf_counter()
        print(f"pdf text {pdf.relative_to(args.out)}: fast {t5 - t4:.3f} s, pypdf extract_text {t6 - t5:.3f} s")


if __name__ == "__main__":
    main()
