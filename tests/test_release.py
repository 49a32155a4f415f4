"""For CI release jobs: reproducible bytes, honest exit codes, machine-readable reports, a fast check."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import EXAMPLE
from validators import require_tool

EPOCH = "1780272000"  # 2026-06-01


def packager(*args: str, env: dict | None = None, wrapper: tuple[str, ...] = ()) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*wrapper, sys.executable, "-m", "packager", *args],
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, **(env or {})},
    )


def _same_bytes_elsewhere(source: Path, tmp_path: Path, *options: str) -> tuple[list[str], str]:
    """Build source, and a copy of it at another path under another wall clock; the files that differ."""
    faketime = shutil.which("faketime")
    require_tool("faketime", faketime is not None, "apt-get install faketime")
    copy = tmp_path / "elsewhere" / "copied-source"
    shutil.copytree(source, copy)  # with whatever an earlier build left in it (README command 1 builds in place)
    first = packager("build", str(source), "-o", str(tmp_path / "one"), *options, env={"SOURCE_DATE_EPOCH": EPOCH})
    second = packager(
        "build",
        str(copy),
        "-o",
        str(tmp_path / "two" / "nested"),
        *options,
        env={"SOURCE_DATE_EPOCH": EPOCH},
        wrapper=(faketime, "2031-02-03 04:05:06"),
    )
    assert first.returncode == 0, first.stderr
    assert second.returncode == 0, second.stderr
    one, two = tmp_path / "one", tmp_path / "two" / "nested"
    names = sorted(p.relative_to(one).as_posix() for p in one.rglob("*") if p.is_file())
    assert names == sorted(p.relative_to(two).as_posix() for p in two.rglob("*") if p.is_file())
    assert len(names) >= 12
    return [n for n in names if (one / n).read_bytes() != (two / n).read_bytes()], first.stderr + second.stderr


def test_builds_are_byte_identical_across_paths_copies_and_clocks(tmp_path):
    different, _ = _same_bytes_elsewhere(EXAMPLE, tmp_path, "-q")
    assert different == []


def _long_book(folder: Path, articles: int = 60) -> Path:
    """A book long enough (~170 pages) for Markdown workers and a PDF laid out in parts and merged."""
    folder.mkdir()
    (folder / "packager.toml").write_text('[book]\ntitle = "Long"\nauthors = ["A"]\nbase_url = "https://x.example/"\n')
    sentence = "Each part of a book that is shared freely is read by someone the author never met. "
    for i in range(articles):
        sections = "\n\n".join(
            f"## Part {j}\n\n{sentence * 11}[Next](a{(i + 1) % articles:02d}.md#part-{j}).[^{j}]\n\n[^{j}]: Note {j}."
            for j in range(4)
        )
        (folder / f"a{i:02d}.md").write_text(f"---\ntitle: Article {i}\n---\n\n{sections}\n")
    return folder


def test_a_book_in_parts_is_byte_identical_across_paths_and_clocks(tmp_path):
    """The workers, the parts, the merge and the part cache's writes: the same bytes under another path and clock."""
    source = _long_book(tmp_path / "long")
    different, log = _same_bytes_elsewhere(source, tmp_path, "--jobs", "2", "--no-cache", "-vv")
    assert "PDF in " in log and " parts, 2 jobs" in log, "the PDF was not laid out in parts"
    assert different == []


def test_bad_yaml_is_a_content_error_with_json_on_stdout(tmp_path):
    (tmp_path / "a.md").write_text("---\ntitle: [broken\n---\nText\n")
    result = packager("build", str(tmp_path), "--json")
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: a.md:") and "Traceback" not in result.stderr
    report = json.loads(result.stdout)
    assert report["ok"] is False and report["exit_code"] == 1
    assert report["error"]["file"] == "a.md" and report["error"]["line"] >= 2


def test_build_json_lists_outputs_with_hashes(tmp_path):
    (tmp_path / "a.md").write_text("---\nauthor: A\n---\n\n# A\n\n![x](missing.png)\n")
    result = packager("build", str(tmp_path), "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    kinds = {o["kind"] for o in report["outputs"]}
    assert {"epub", "pdf", "landing"} <= kinds
    assert all(len(o["sha256"]) == 64 and o["size"] > 0 for o in report["outputs"])
    missing = {"file": "a.md", "line": 7, "message": report["warnings"][0]["message"], "kind": "missing images"}
    assert missing in report["warnings"]


def test_check_is_clean_on_the_example():
    result = packager("check", str(EXAMPLE), "--strict")
    assert result.returncode == 0, result.stderr
    assert "0 warning(s)" in result.stderr


def test_check_lists_broken_link_and_missing_image(tmp_path):
    (tmp_path / "a.md").write_text(
        "---\nauthor: A\n---\n\nSee [b](b.md) and [gone](nowhere.md).\n\n![chart](chart.png)\n"
    )
    (tmp_path / "b.md").write_text("---\nauthor: A\n---\n\nB.\n")
    loose = packager("check", str(tmp_path), "--json")
    assert loose.returncode == 0
    warnings = json.loads(loose.stdout)["warnings"]
    assert any(w["file"] == "a.md" and w["line"] == 5 and "nowhere.md" in w["message"] for w in warnings), warnings
    assert any(w["file"] == "a.md" and w["line"] == 7 and "chart.png" in w["message"] for w in warnings), warnings
    strict = packager("check", str(tmp_path), "--strict")
    assert strict.returncode == 3
    assert "nowhere.md" in strict.stderr and "chart.png" in strict.stderr
    assert not (tmp_path / "dist").exists()


def heavy_modules_after(*invocations: list[str]) -> list[str]:
    """Run CLI invocations in a fresh interpreter; return the weasyprint/ebooklib modules they imported."""
    code = (
        "import sys\nfrom click.testing import CliRunner\nimport packager.cli as cli\n"
        f"for args in {list(invocations)!r}:\n"
        "    r = CliRunner().invoke(cli.main, args)\n"
        "    assert r.exit_code == 0, (args, r.output)\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in ('weasyprint', 'ebooklib'))))\n"
    )
    result = subprocess.run([sys.executable, "-c", "import json\n" + code], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_help_and_check_help_do_not_import_weasyprint():
    assert heavy_modules_after(["--help"], ["check", "--help"], ["build", "--help"], ["validate", "--help"]) == []


def test_check_does_not_import_weasyprint(tmp_path):
    (tmp_path / "a.md").write_text("# A\n")
    assert heavy_modules_after(["check", str(tmp_path)]) == []


def test_version_label_and_versioned_names(tmp_path):
    (tmp_path / "packager.toml").write_text(
        '[book]\ntitle = "Edition"\nauthors = ["A"]\n[output]\nversioned_names = true\n'
    )
    (tmp_path / "a.md").write_text("Text\n")
    result = packager("build", str(tmp_path), "--version-label", "2.1.0", "-q")
    assert result.returncode == 0, result.stderr
    dist = tmp_path / "dist"
    assert (dist / "edition-2.1.0.epub").is_file() and (dist / "edition-2.1.0.pdf").is_file()
    assert "version 2.1.0" in (dist / "index.html").read_text()


def test_version_defaults_to_git_describe(tmp_path):
    require_tool("git", shutil.which("git") is not None, "apt-get install git")
    (tmp_path / "a.md").write_text("---\nauthor: A\n---\n\nText\n")
    git = ["git", "-C", str(tmp_path), "-c", "user.name=T", "-c", "user.email=t@example.org"]
    for args in (
        ["init", "-q"],
        ["add", "a.md"],
        ["commit", "-q", "-m", "one", "--date", "2026-01-02T03:04:05Z"],
        ["tag", "v3.0.0"],
    ):
        subprocess.run(
            [*git, *args],
            check=True,
            capture_output=True,
            env={**os.environ, "GIT_COMMITTER_DATE": "2026-01-02T03:04:05Z"},
        )
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    result = subprocess.run(
        [sys.executable, "-m", "packager", "build", str(tmp_path), "-o", str(tmp_path.parent / "out-git"), "--json"],
        capture_output=True,
        text=True,
        timeout=600,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["book"]["version"] == "v3.0.0"
    feed = (tmp_path.parent / "out-git" / "feed.xml").read_text()
    assert "2026-01-02" in feed  # the build time came from the last commit, not the clock


def test_exit_codes_are_named():
    from packager.errors import ExitCode

    assert [int(c) for c in ExitCode] == [0, 1, 2, 3, 130]
    assert Path(__file__).parents[1].joinpath("README.md").read_text().count("VALIDATION_FAILED") >= 1
