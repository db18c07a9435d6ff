"""Live preview latency of a one-file edit: from the file's write to the server serving the new text.

For each project of N generated evidence files, ``build.py serve`` runs in its own
process (its own cache folder, a free port). After its first build, one evidence
file's body is edited several times; each time the clock starts when the write
returns and stops when the server's page of that file holds the new sentence
(polled every 20 ms). The latency includes the preview's 0.3 s wait for the
editor to finish writing, gathering (load, check, score), the generation of every
page and the site build. The same edit is then timed with the site cache emptied
just before it (the preview as it was before incremental builds: every page
rendered again), side by side.
Targets: at most 2 s at 1,000 evidence files (aim 1 s), at most 3 s at 5,000.
Usage: python bench/bench_preview.py [--edits N] [N ...]   (default: 100 1000; 5000 takes minutes to set up)
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

from common import ROOT
from generate import generate

sys.path.insert(0, str(ROOT))
from scoring.render.outputs import site_cache

TARGET = "batch-000/gen-00007.md"
PAGE = "evidence/gen-00007/"


class Preview:
    """``build.py serve`` in a child process, with its printed lines in a queue."""

    def __init__(self, root: Path, out: Path, cache: Path):
        env = {**os.environ, "ZWGK_PORT": "0", "ZWGK_CACHE_DIR": str(cache), "PYTHONUNBUFFERED": "1"}
        self.proc = subprocess.Popen([sys.executable, str(ROOT / "build.py"), "serve", "--project", str(root),
                                      "--out", str(out)], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                     text=True)
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()
        self.url = ""
        while not self.url:
            line = self.lines.get(timeout=1800)
            if found := re.search(r"http://[\d.]+:\d+/", line):
                self.url = found.group(0)
            elif self.proc.poll() is not None:
                raise SystemExit(f"serve stopped: {line}")

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.put(line)

    def page(self) -> str:
        with urllib.request.urlopen(self.url + PAGE, timeout=30) as reply:
            text: str = reply.read().decode("utf-8")
            return text

    def generation(self) -> int:
        with urllib.request.urlopen(self.url + "__zwgk__/build", timeout=30) as reply:
            number: int = json.loads(reply.read())["generation"]
            return number

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=30)


def latency(preview: Preview, path: Path, marker: str) -> float:
    """Write one edit; seconds until the server serves the new sentence."""
    done = preview.generation()
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"\n补充说明：[^\n]*\n?$", "", text)
    path.write_text(text + f"\n补充说明：{marker}\n", encoding="utf-8")
    start = time.perf_counter()
    while marker not in preview.page():
        if time.perf_counter() - start > 600:
            raise SystemExit("the edit never showed")
        time.sleep(0.02)
    seconds = time.perf_counter() - start
    while preview.generation() == done:  # the next edit starts with the preview idle
        time.sleep(0.05)
    time.sleep(0.5)
    return seconds


def measure(n: int, work: Path, edits: int) -> None:
    root = generate(ROOT, work / f"gen-{n}", n)
    out, cache = work / "out", work / "cache"
    started = time.perf_counter()
    preview = Preview(root, out, cache)
    first = time.perf_counter() - started
    try:
        os.environ["ZWGK_CACHE_DIR"] = str(cache)
        site = site_cache(out)
        path = root / "evidence" / TARGET
        ours = [latency(preview, path, f"第{i}次修改（增量）") for i in range(edits)]
        before = []
        for i in range(edits):
            shutil.rmtree(site, ignore_errors=True)
            before.append(latency(preview, path, f"第{i}次修改（无缓存）"))
    finally:
        preview.stop()
    a, b = statistics.median(ours), statistics.median(before)
    print(f"{f'{n} evidence files':<22} {a:>9.2f} {min(ours):>9.2f} {b:>11.2f} {a / b:>7.0%} {first:>9.1f}", flush=True)


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edits", type=int, default=3, help="edits timed per size and kind (the median is printed)")
    parser.add_argument("sizes", nargs="*", type=int, default=[100, 1000], help="numbers of generated evidence files")
    args = parser.parse_args(argv)
    print(f"{'project':<22} {'median s':>9} {'best s':>9} {'no cache s':>11} {'ratio':>7} {'start s':>9}", flush=True)
    for n in args.sizes:
        with tempfile.TemporaryDirectory(prefix="bench-preview-") as tmp:
            measure(n, Path(tmp), args.edits)
    print("median s: write → new text served, with the site cache; no cache s: the same edit with the cache emptied "
          "first (every page rendered again); start s: serve's first build. Targets: 2 s at 1,000, 3 s at 5,000.")


if __name__ == "__main__":
    main(sys.argv[1:])
