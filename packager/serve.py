"""Build, serve dist/ on 127.0.0.1, and rebuild when a source file changes."""

from __future__ import annotations

import functools
import http.server
import logging
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path

from packager.build import BuildRequest, BuildResult, resolve_paths, run
from packager.diagnostics import Diagnostics
from packager.errors import PackagerError

log = logging.getLogger("packager")


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Serve files without logging every request, and without caching stale builds."""

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - the base class's name
        log.debug("serve: " + format, *args)

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        super().end_headers()


def snapshot(source: Path, output: Path) -> dict[str, float]:
    """Modification times of every file that can change the book, outside the output folder."""
    times: dict[str, float] = {}
    for dirpath, dirnames, filenames in os.walk(source):
        here = Path(dirpath)
        dirnames[:] = [d for d in dirnames if not d.startswith(".") and (here / d).resolve() != output]
        for name in filenames:
            if not name.startswith("."):
                path = here / name
                try:
                    times[str(path)] = path.stat().st_mtime_ns
                except OSError:
                    continue
    return times


def serve(
    request: BuildRequest,
    port: int,
    echo: Callable[[str], None],
    report: Callable[[Diagnostics], None],
    poll_seconds: float = 1.0,
    stop: threading.Event | None = None,
) -> None:
    """Build once, then serve and rebuild on change until stop is set or Ctrl-C; report prints each build's warnings."""
    source, output = resolve_paths(request)
    _build(request, report)
    handler = functools.partial(_QuietHandler, directory=str(output))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    echo(f"serving {output} at http://127.0.0.1:{server.server_address[1]}/ (Ctrl-C to stop)")
    stop = stop or threading.Event()
    seen = snapshot(source, output)
    try:
        while not stop.wait(poll_seconds):
            now = snapshot(source, output)
            if now == seen:
                continue
            seen = now
            try:
                result = _build(request, report)
                echo(f"rebuilt in {result.seconds:.1f} s, {len(result.diagnostics.warnings)} warning(s)")
            except PackagerError as error:
                echo(f"error: {error.format_message()} (still serving the previous build)")
            time.sleep(0)
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()
        server.server_close()
        echo("stopped")


def _build(request: BuildRequest, report: Callable[[Diagnostics], None]) -> BuildResult:
    """Run one build and report its warnings, also those found before it failed."""
    diagnostics = Diagnostics()
    try:
        return run(request, diagnostics)
    finally:
        report(diagnostics)
