"""packager serve: builds, serves on 127.0.0.1, rebuilds on change, stops cleanly."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import urllib.request

from processes import Lines


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
        output = Lines(process.stdout)
        url = re.search(r"http://127\.0\.0\.1:\d+/", output.wait_for("serving", 120)).group(0)
        assert "First title" in urllib.request.urlopen(url + "index.html", timeout=30).read().decode()
        (source / "a.md").write_text("---\ntitle: Second title\nauthor: A\n---\n\nText.\n")
        output.wait_for("rebuilt", 120)
        assert "Second title" in urllib.request.urlopen(url + "index.html", timeout=30).read().decode()
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()  # never left running for the tests after this one
            raise
    assert process.returncode == 0, "".join(output.seen)
    output.wait_for("stopped", 10)
    assert "Traceback" not in "".join(output.seen)


def test_serve_serves_the_library_the_bundle_pages_and_the_web_edition(tmp_path):
    import shutil
    from pathlib import Path

    source = tmp_path / "library"
    shutil.copytree(Path(__file__).parent / "cases" / "bundles" / "library", source)
    process = subprocess.Popen(
        [sys.executable, "-m", "packager", "serve", str(source), "--port", "0", "--format", "epub"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )

    def page(url: str) -> str:
        return urllib.request.urlopen(url, timeout=30).read().decode()

    try:
        output = Lines(process.stdout)
        url = re.search(r"http://127\.0\.0\.1:\d+/", output.wait_for("serving", 180)).group(0)
        library = page(url + "index.html")
        assert all(name in library for name in ("Electrical Repairs", "Running a Repair Café", "The Workbench"))
        assert "Running a Repair Café" in page(url + "organisers/index.html")
        assert "Finding the Evenings" not in page(url + "read/running-funding/index.html")
        funding = source / "running" / "funding.md"
        funding.write_text(funding.read_text().replace("title: Funding the Evenings", "title: Finding the Evenings"))
        output.wait_for("rebuilt", 180)
        assert "Finding the Evenings" in page(url + "read/running-funding/index.html")
        assert "Finding the Evenings" in page(url + "organisers/index.html")
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            raise
    assert process.returncode == 0, "".join(output.seen)
    assert "Traceback" not in "".join(output.seen)
