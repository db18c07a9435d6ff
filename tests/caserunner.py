"""Run ``build.py`` commands under a time and memory limit: one forked child per request.

The test suite starts this once; it imports the command line once, then reads
JSON requests ({"argv": [...]}) on stdin and answers each on stdout with the
exit code, stderr, wall time and peak memory of a child forked for it. The
child runs with an address-space limit and a CPU limit, and is killed when it
runs past the wall-clock limit: a hostile input that would hang or eat memory
shows up as a failed request, never as a hung suite.
"""

from __future__ import annotations

import json
import os
import resource
import select
import signal
import sys
import time

from scoring.cli.main import main

SECONDS = 10
MEGABYTES = 500


def _child(argv: list[str], err_fd: int) -> None:
    limit = MEGABYTES * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    resource.setrlimit(resource.RLIMIT_CPU, (SECONDS, SECONDS))
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 1)
    os.dup2(err_fd, 2)
    code = 70
    try:
        code = main(argv)
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def run(argv: list[str]) -> dict[str, object]:
    read_fd, write_fd = os.pipe()
    start = time.monotonic()
    pid = os.fork()
    if pid == 0:
        os.close(read_fd)
        _child(argv, write_fd)
    os.close(write_fd)
    chunks: list[bytes] = []
    killed = False
    while True:
        left = SECONDS - (time.monotonic() - start)
        ready, _, _ = select.select([read_fd], [], [], max(left, 0))
        if not ready:
            os.kill(pid, signal.SIGKILL)
            killed = True
            break
        chunk = os.read(read_fd, 65536)
        if not chunk:
            break
        chunks.append(chunk)
    os.close(read_fd)
    _, status, usage = os.wait4(pid, 0)
    return {"code": os.waitstatus_to_exitcode(status), "stderr": b"".join(chunks).decode("utf-8", "replace"),
            "seconds": round(time.monotonic() - start, 3), "max_rss_mb": usage.ru_maxrss // 1024, "killed": killed}


def serve() -> None:
    for line in sys.stdin:
        reply = run(json.loads(line)["argv"])
        sys.stdout.write(json.dumps(reply, ensure_ascii=False) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    serve()
