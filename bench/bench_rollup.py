"""A roll-up of many bureaus: time and peak memory of `build.py rollup` over N bureaus' outputs.

Writes N synthetic outputs (a scores.json each, ROWS rows under six top-level nodes, one shared scheme,
scores spread so that ranks, ties and every 等次 occur), then times the whole command as a process:

- from N local folders;
- from N addresses of a local web server (127.0.0.1, a threaded http.server in another process).

Peak memory is the command's maximum resident set (its own process; the roll-up starts no other).
Aim: under 3 s and 300 MB from folders on 2 cores, for 300 bureaus of 60 rows.
Usage: python bench/bench_rollup.py [N] [--rows ROWS]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import ROOT

GRADES = ((90, "优秀"), (80, "良好"), (60, "一般"), (0, "较差"))


def scores(i: int, rows: int) -> dict[str, object]:
    per = rows // 6
    nodes, total = [], 0.0
    for n in range(6):
        items = []
        for k in range(per):
            lost = ((i * 7 + n * 3 + k) % 5) * 0.25 if (i + k) % 3 else 0
            items.append({"id": f"n{n}.r{k}", "path": [f"类别{n}", f"指标{n}-{k}"], "points": 2, "deduction": lost,
                          "at_risk": 0, "score": 2 - lost})
        score = sum(2 - x["deduction"] for x in items)  # type: ignore[operator]
        total += score
        nodes.append({"id": f"n{n}", "name": f"类别{n}", "points": 2 * per, "score": score, "rows": items})
    full = 2 * per * 6
    normalised = round(total / full * 100, 2)
    grade = next(g for floor, g in GRADES if normalised >= floor)
    return {"schema": 2, "bureau": {"name": f"第{i:03d}局", "code": f"C{i:05d}"},
            "scheme": {"title": "某市政务公开考核方案", "issuer": "某市", "year": 2021, "fingerprint": "sha256:shared"},
            "total": {"total": round(total, 2), "full_marks": full, "normalised": normalised, "grade": grade},
            "levels": ["类别", "指标"], "nodes": nodes}


def timed(command: list[str]) -> tuple[float, float]:
    start = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    subprocess.run(command, check=True, capture_output=True, cwd=ROOT)
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return time.perf_counter() - start, max(peak, before) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", nargs="?", type=int, default=300)
    parser.add_argument("--rows", type=int, default=60)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        folders = []
        for i in range(args.n):
            folder = base / "web" / f"b{i:03d}"
            folder.mkdir(parents=True)
            (folder / "scores.json").write_text(json.dumps(scores(i, args.rows), ensure_ascii=False), encoding="utf-8")
            folders.append(str(folder))
        python = sys.executable
        seconds, peak = timed([python, "build.py", "rollup", *folders, "--out", str(base / "out1")])
        print(f"rollup of {args.n} bureaus × {args.rows} rows from folders: {seconds:.2f} s, peak {peak:.0f} MB")
        server = subprocess.Popen([python, "-m", "http.server", "0", "--bind", "127.0.0.1", "--directory",
                                   str(base / "web")], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        try:
            assert server.stdout is not None
            line = server.stdout.readline()  # "Serving HTTP on 127.0.0.1 port NNNNN …"
            port = line.split(" port ")[1].split()[0]
            urls = [f"http://127.0.0.1:{port}/b{i:03d}/" for i in range(args.n)]
            seconds, peak = timed([python, "build.py", "rollup", *urls, "--out", str(base / "out2")])
            print(f"rollup of {args.n} bureaus × {args.rows} rows from a local web server: {seconds:.2f} s, "
                  f"peak {peak:.0f} MB")
        finally:
            server.terminate()
            server.wait()


if __name__ == "__main__":
    main()
