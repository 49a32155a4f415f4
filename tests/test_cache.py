"""Incremental builds: a no-op rebuild reuses the output; any change or damage means a real build."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

from conftest import EXAMPLE

ENV = {**os.environ, "SOURCE_DATE_EPOCH": "1780272000"}


def build(source, output, *extra):
    result = subprocess.run(
        [sys.executable, "-m", "packager", "build", str(source), "-o", str(output), "--json", *extra],
        capture_output=True,
        text=True,
        timeout=600,
        env=ENV,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def files(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_noop_rebuild_is_reused_and_identical_to_a_cold_build(tmp_path):
    source = tmp_path / "src"
    shutil.copytree(EXAMPLE, source, ignore=shutil.ignore_patterns("dist"))
    first = build(source, tmp_path / "out")
    assert first["cached"] is False
    again = build(source, tmp_path / "out")
    assert again["cached"] is True
    cold = build(source, tmp_path / "cold", "--no-cache")
    assert cold["cached"] is False
    assert files(tmp_path / "out") == files(tmp_path / "cold")


def test_an_edit_or_a_damaged_output_means_a_real_build(tmp_path):
    source = tmp_path / "src"
    shutil.copytree(EXAMPLE, source, ignore=shutil.ignore_patterns("dist"))
    out = tmp_path / "out"
    build(source, out)
    pdf = next(out.glob("*.pdf"))
    pdf.write_bytes(pdf.read_bytes()[:1000])  # a damaged output must not be trusted
    damaged = build(source, out)
    assert damaged["cached"] is False
    assert pdf.stat().st_size > 1000
    marker = out.parent / ".out.packager.json"  # the build record, beside the folder (never published in it)
    assert marker.is_file() and not (out / ".packager.json").exists()
    marker.write_text("{not json")  # a corrupt cache record is a miss, never an error
    assert build(source, out)["cached"] is False
    article = source / "03-licensing.md"
    article.write_text(article.read_text() + "\nOne more sentence.\n")
    edited = build(source, out)
    assert edited["cached"] is False
    import zipfile

    with zipfile.ZipFile(out / "give-it-away.epub") as epub:
        assert "One more sentence." in epub.read("EPUB/03-licensing.xhtml").decode()


def test_output_folders_and_hidden_files_in_the_source_do_not_change_the_key(tmp_path):
    """What command 1 leaves in the source (dist/ and its record), an editor's or git's folders: never inputs."""
    source = tmp_path / "src"
    shutil.copytree(EXAMPLE, source, ignore=shutil.ignore_patterns("dist", ".*"))
    assert build(source, tmp_path / "out")["cached"] is False
    (source / "dist").mkdir()
    (source / "dist" / "index.html").write_text("an earlier build's page")
    (source / ".dist.packager.json").write_text("{}")
    (source / ".git").mkdir()
    (source / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (source / ".notes.md").write_text("hidden\n")
    assert build(source, tmp_path / "out")["cached"] is True
    (source / "images" / "extra.txt").write_text("a file the build may read")
    assert build(source, tmp_path / "out")["cached"] is False
