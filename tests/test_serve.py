"""packager serve: builds, serves on 127.0.0.1, rebuilds on change, stops cleanly."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import time
import urllib.request


def test_serve_builds_serves_rebuilds_and_stops(tmp_path):
    source = tmp_path / "book"
    source.mkdir()
    (source / "a.md").write_text("---\ntitle: First title\nauthor: A\n---\n\nText.\n")
    process = subprocess.Popen(
        [sys.executable, "-m", "packager", "serve", str(source), "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        line = process.stdout.readline()
        deadline = time.time() + 120
        while "serving" not in line and time.time() < deadline:
            line = process.stdout.readline()
        url = re.search(r"http://127\.0\.0\.1:\d+/", line).group(0)
        assert "First title" in urllib.request.urlopen(url + "index.html", timeout=30).read().decode()
        (source / "a.md").write_text("---\ntitle: Second title\nauthor: A\n---\n\nText.\n")
        while "rebuilt" not in line and time.time() < deadline:
            line = process.stdout.readline()
        assert "rebuilt" in line
        assert "Second title" in urllib.request.urlopen(url + "index.html", timeout=30).read().decode()
    finally:
        process.send_signal(signal.SIGINT)
        rest, _ = process.communicate(timeout=60)
    assert process.returncode == 0, rest
    assert "stopped" in rest and "Traceback" not in rest
