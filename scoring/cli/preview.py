"""Live preview: serve the review site on 127.0.0.1 and rebuild it when the data changes.

An invalid edit does not stop the server: every page then shows the Chinese
problem list with file and line, and fixing the file brings the site back.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ..core import envvars
from ..core.problems import DataError, Problem, Severity, error
from ..gather.collect import gather
from ..load.loadevidence import EvidenceMemo
from ..render.outputs import output_dir, site_cache
from ..render.site.sitetext import TEMPLATES
from ..render.site.sitewriter import template_env
from .livesite import LiveSite

PREVIEW_PATH = "/__zwgk__/"
PREVIEW_SCRIPT = f'<script src="{PREVIEW_PATH}preview.js"></script>'


class PreviewState:
    """What the preview server shows: the current build's number, or the problems that stopped it."""

    def __init__(self, root: Path, out: Path, args: argparse.Namespace):
        self.root = root
        self.out = out
        self.args = args
        self.generation = 0
        self.problems: list[Problem] = []
        self.lock = threading.Lock()
        self.memo = EvidenceMemo()  # evidence files parsed by the last rebuild: an edit parses one again
        self.site = LiveSite(out, site_cache(out))  # the site folder, updated in place
        self.target = self.site.target

    def rebuild(self) -> None:
        try:
            project = gather(self.root, strict=self.args.strict, as_of=self.args.as_of, memo=self.memo)
            for problem in project.problems:
                if problem.severity == Severity.WARNING:
                    print(problem.format(), file=sys.stderr)
            self.site.update(project)
            problems: list[Problem] = []
        except DataError as exc:
            problems = [p for p in exc.problems if p.severity != Severity.NOTICE]
        except Exception as exc:  # a bug must not stop the preview: show it like a data problem
            problems = [error("（内部错误）", 0, f"{type(exc).__name__}: {exc}；这是程序的缺陷，请告诉维护人员")]
        with self.lock:
            self.problems = problems
            self.generation += 1
        self.report(problems)

    @staticmethod
    def report(problems: list[Problem]) -> None:
        if problems:
            for problem in problems:
                print(problem.format(), file=sys.stderr)
            print(f"校验未通过：{len(problems)} 个问题，预览页面显示问题清单；改正后自动重新生成", file=sys.stderr, flush=True)
        else:
            print("已重新生成审阅网站", flush=True)

    def error_page(self) -> bytes:
        with self.lock:
            problems = list(self.problems)
        html = template_env().get_template("error.html").render(problems=problems, script=PREVIEW_PATH + "preview.js")
        return html.encode("utf-8")


def preview_handler(state: PreviewState) -> type[SimpleHTTPRequestHandler]:
    class Handler(SimpleHTTPRequestHandler):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, directory=str(state.target), **kwargs)

        def log_message(self, format: str, *args: Any) -> None:  # quiet terminal
            return

        def do_GET(self) -> None:
            path = urlsplit(self.path).path
            if path.startswith(PREVIEW_PATH):
                self._preview_file(path[len(PREVIEW_PATH):])
            elif state.problems and (path.endswith("/") or path.endswith(".html")):
                self._send(200, "text/html; charset=utf-8", state.error_page())
            elif path.endswith("/") or path.endswith(".html"):
                self._page(path)
            else:
                super().do_GET()

        def _preview_file(self, name: str) -> None:
            if name == "build":
                with state.lock:
                    body = f'{{"generation": {state.generation}, "ok": {str(not state.problems).lower()}}}'
                self._send(200, "application/json", body.encode())
            elif name == "preview.js":
                self._send(200, "text/javascript; charset=utf-8", (TEMPLATES / "preview.js").read_bytes())
            else:
                self.send_error(404)

        def _page(self, path: str) -> None:
            local = Path(self.translate_path(path))
            if local.is_dir():
                local = local / "index.html"
            if not local.is_file():
                super().do_GET()
                return
            html = local.read_bytes().replace(b"</body>", PREVIEW_SCRIPT.encode() + b"</body>", 1)
            self._send(200, "text/html; charset=utf-8", html)

        def _send(self, code: int, kind: str, body: bytes) -> None:
            self.send_response(code)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(body)

    return Handler


def _server(state: PreviewState) -> ThreadingHTTPServer:
    port = int(envvars.get("ZWGK_PORT") or "8000")
    try:
        return ThreadingHTTPServer(("127.0.0.1", port), preview_handler(state))
    except OSError:  # the port is taken: any free one
        return ThreadingHTTPServer(("127.0.0.1", 0), preview_handler(state))


def _watch(root: Path, changed: threading.Event) -> Any:
    from watchdog.events import FileSystemEvent, FileSystemEventHandler
    from watchdog.observers import Observer

    watched = [root / "indicators", root / "evidence", root / "registers", root / "reports"]

    class OnChange(FileSystemEventHandler):
        def on_any_event(self, event: FileSystemEvent) -> None:
            paths = [str(event.src_path), str(getattr(event, "dest_path", "") or "")]
            if event.event_type in ("opened", "closed_no_write") or not any(paths):
                return
            if any(p.startswith(str(w)) or p == str(root / "mkdocs.yml") for p in paths for w in watched):
                changed.set()

    observer = Observer()
    observer.schedule(OnChange(), str(root), recursive=False)  # mkdocs.yml, and evidence/ appearing
    for folder in watched:
        if folder.is_dir():
            observer.schedule(OnChange(), str(folder), recursive=True)
    observer.start()
    return observer


_STOP: list[bool] = []  # not empty once Ctrl+C or `kill` came (a list, not an Event: no lock in a signal handler)


def _interrupt(signum: int, frame: object) -> None:
    """Stop: at once, as Ctrl+C does; and for sure once the rebuild under way ends, since a KeyboardInterrupt that
    arrives while Python runs a finalizer (``__del__``, a weakref callback) is printed and dropped there.

    Python runs this handler in the main thread, at its next bytecode; the kernel may deliver the signal to
    another thread (the watcher's, the server's), and then a main thread blocked in a wait without a timeout
    never runs it: the loop in ``serve`` waits half a second at a time."""
    _STOP.append(True)
    raise KeyboardInterrupt


def serve(root: Path, args: argparse.Namespace) -> int:
    """Serve the site on 127.0.0.1 and rebuild it when indicators/ or evidence/ change."""
    state = PreviewState(root, output_dir(root, args.out), args)
    changed = threading.Event()
    print("正在生成审阅网站……", flush=True)
    state.rebuild()
    httpd = _server(state)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    observer = _watch(root, changed)
    _STOP.clear()
    signal.signal(signal.SIGINT, _interrupt)
    signal.signal(signal.SIGTERM, _interrupt)  # `kill` stops the preview as cleanly as Ctrl+C
    host, port = httpd.server_address[:2]
    print(f"预览地址：http://{host!s}:{port}/  （修改 indicators/ 或 evidence/ 后自动重新生成；按 Ctrl+C 结束）", flush=True)
    try:
        while not _STOP:
            if not changed.wait(0.5):
                continue
            while changed.wait(0.3):  # let an editor finish writing: rebuild after 0.3 s of quiet
                changed.clear()
            state.rebuild()
    except KeyboardInterrupt:
        pass
    finally:
        observer.stop()
        httpd.shutdown()
    print("预览已结束", flush=True)
    return 0
