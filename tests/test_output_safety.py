"""Nothing lost: atomic swaps, interrupted builds, one build at a time, and a clean that keeps user files."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
from pathlib import Path

from packager.output import folder as outputdir

from processes import Lines


def packager(*args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "packager", *args], capture_output=True, text=True, timeout=600, **kwargs
    )


def snapshot(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def leftovers(parent: Path) -> list[str]:
    return sorted(p.name for p in parent.iterdir() if p.name.startswith(".packager") or "packager-lock" in p.name)


def big_project(folder: Path, articles: int = 60) -> None:
    folder.mkdir()
    (folder / "packager.toml").write_text('[book]\ntitle = "Big"\nauthors = ["A"]\nbase_url = "https://x.example/"\n')
    paragraph = "A sentence about sharing what we know, written so that there is text to lay out. " * 12
    for i in range(articles):
        body = "\n\n".join(f"## Part {j}\n\n{paragraph}" for j in range(8))
        (folder / f"a{i:03d}.md").write_text(f"---\ntitle: Article {i}\n---\n\n{body}\n")


def test_interrupt_leaves_previous_dist_untouched(tmp_path):
    source = tmp_path / "src"
    big_project(source)
    first = packager("build", str(source), "-q")
    assert first.returncode == 0, first.stderr
    dist = source / "dist"
    before = snapshot(dist)
    (source / "a000.md").write_text("---\ntitle: Changed\n---\n\nNew text.\n")
    process = subprocess.Popen(  # --no-cache: every part is laid out again, so the PDF takes seconds
        [sys.executable, "-m", "packager", "build", str(source), "-v", "--no-cache"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    errors = Lines(process.stderr)
    errors.wait_for("laying out the PDF", 120)  # the build's own stage line: well inside rendering
    process.send_signal(signal.SIGINT)
    process.wait(timeout=120)
    stderr = errors.rest(10)
    assert process.returncode == 130, stderr
    assert "Traceback" not in stderr and "interrupted" in stderr
    assert snapshot(dist) == before
    assert leftovers(source) == []


def test_a_second_build_of_a_locked_output_refuses(tmp_path):
    """While one build holds an output folder's lock, another build of it stops at once and touches nothing."""
    source = tmp_path / "src"
    source.mkdir()
    (source / "a.md").write_text("---\nauthor: A\n---\n\n# A\n")
    assert packager("build", str(source), "-q").returncode == 0
    dist = source / "dist"
    before = snapshot(dist)
    (source / "a.md").write_text("---\nauthor: A\n---\n\n# A changed\n")
    with outputdir.Lock(dist):
        second = packager("build", str(source), "-q")
        assert second.returncode == 2
        assert "another packager build is writing" in second.stderr and "Traceback" not in second.stderr
        assert snapshot(dist) == before
    assert leftovers(source) == []


def test_output_inside_or_above_source_is_refused(tmp_path):
    source = tmp_path / "src"
    source.mkdir()
    (source / "a.md").write_text("# A\n")
    for target in (source, tmp_path):
        result = packager("build", str(source), "-o", str(target))
        assert result.returncode == 2 and "would contain the source folder" in result.stderr
    assert (source / "a.md").read_text() == "# A\n"


def test_user_files_in_dist_survive_rebuild_and_clean(tmp_path):
    source = tmp_path / "src"
    source.mkdir()
    (source / "a.md").write_text("---\nauthor: A\n---\n\n# A\n")
    assert packager("build", str(source), "-q").returncode == 0
    dist = source / "dist"
    (dist / "CNAME").write_text("books.example.org\n")
    assert packager("build", str(source), "-q").returncode == 0
    assert (dist / "CNAME").read_text() == "books.example.org\n"
    result = packager("clean", str(source))
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in dist.iterdir()) == ["CNAME"]
    assert (source / "a.md").exists()


def test_clean_refuses_a_folder_packager_did_not_make(tmp_path):
    (tmp_path / "dist").mkdir()
    (tmp_path / "dist" / "mine.txt").write_text("x")
    result = packager("clean", str(tmp_path))
    assert result.returncode == 2 and "was not made by packager" in result.stderr
    assert (tmp_path / "dist" / "mine.txt").exists()


def test_marker_lists_every_file_written(tmp_path):
    source = tmp_path / "src"
    source.mkdir()
    (source / "a.md").write_text("# A\n")
    assert packager("build", str(source), "-q").returncode == 0
    dist = source / "dist"
    listed = set(outputdir.written_files(dist))
    on_disk = {p.relative_to(dist).as_posix() for p in dist.rglob("*") if p.is_file()}
    assert listed == on_disk  # every file is listed, and the record itself is not among them: it is not for readers
    assert outputdir.record_path(dist) == source / ".dist.packager.json" and outputdir.record_path(dist).is_file()
    assert os.access(dist / "index.html", os.R_OK)
