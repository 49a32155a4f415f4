"""Warnings a person can read at scale: a line per kind in each file, each one with -v, a count by kind at the end."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from packager import build
from packager.console import summary_lines, warning_lines
from packager.content import article_pool
from packager.diagnostics import BuildWarning, Diagnostics, kind_of
from packager.errors import ExitCode

from validators import require_tool

TOML = (
    '[book]\ntitle = "Team"\nauthors = ["A"]\nbase_url = "https://example.org/team/"\n\n[output]\nformats = ["epub"]\n'
)
REMOTE = "remote images not fetched"


def packager(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "packager", *args], capture_output=True, text=True, timeout=300, env=_env()
    )


def _env() -> dict:
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1767225600"}
    env.pop("NO_COLOR", None)
    return env


def team_book(folder: Path) -> Path:
    """team.md with 6 remote images (lines 8 to 18) and 2 links to pages not in the book (line 20)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "packager.toml").write_text(TOML)
    images = "".join(f"![p{i}](https://example.org/p{i}.png)\n\n" for i in range(1, 7))
    (folder / "team.md").write_text(
        f"---\ntitle: Team\nauthor: A\n---\n\n# Team\n\n{images}See [x](nowhere.md) and [y](gone.md).\n"
    )
    (folder / "other.md").write_text("---\nauthor: B\n---\n\n# Other\n\n![m](missing.png)\n")
    return folder


def warning_output(stderr: str) -> list[str]:
    return [line.removeprefix("warning: ") for line in stderr.splitlines() if line.startswith("warning: ")]


# --- what is recorded ---------------------------------------------------------------------------------------


def test_a_kind_leaves_equality_and_the_printed_form_alone():
    kinded = BuildWarning("a.md", 3, "image x.png not found", "missing images")
    assert kinded == BuildWarning("a.md", 3, "image x.png not found")
    assert str(kinded) == "a.md:3: image x.png not found"
    diagnostics = Diagnostics()
    diagnostics.warn("a.md", "image x.png not found", 3, kind="missing images")
    diagnostics.warn("a.md", "image x.png not found", 3)  # the very same warning: kept once
    assert diagnostics.warnings == [kinded] and diagnostics.warnings[0].kind == "missing images"


def test_the_markdown_readers_link_messages_have_kinds():
    assert kind_of("link a.md does not point at an article in this book; the link was removed, its text kept") == (
        "links to pages not in the book"
    )
    assert kind_of("link http://[x is not a valid URL; the link was removed, its text kept") == (
        "links with an invalid URL"
    )
    assert kind_of("link ftp://x uses an unsupported scheme; the link was removed, its text kept") == (
        "links with an unsupported scheme"
    )
    assert kind_of("Hugo shortcode 'ref' cannot run in a book: shown as code; write it in Markdown") == (
        "template calls that cannot run"
    )
    assert kind_of("something no pattern knows") is None


def test_groups_are_by_file_first_seen_then_kind_first_seen():
    diagnostics = Diagnostics()
    diagnostics.warn("b.md", "remote image 1", 4, kind=REMOTE)
    diagnostics.warn("a.md", "remote image 2", 2, kind=REMOTE)
    diagnostics.warn("b.md", "image gone.png not found", 9, kind="missing images")
    diagnostics.warn("b.md", "remote image 3", 1, kind=REMOTE)
    diagnostics.warn("b.md", "odd", 5)
    diagnostics.warn("b.md", "odd", 7)
    diagnostics.warn("b.md", "odder", 8)
    found = [(g.path, g.kind, g.lines, len(g.warnings)) for g in diagnostics.groups()]
    assert found == [
        ("b.md", REMOTE, [1, 4], 2),
        ("b.md", "missing images", [9], 1),
        ("b.md", None, [5, 7], 2),  # one message of no known kind, at two lines
        ("b.md", None, [8], 1),
        ("a.md", REMOTE, [2], 1),
    ]
    assert warning_lines(diagnostics) == [
        f"2 {REMOTE} in b.md (lines 1, 4)",
        "b.md:9: image gone.png not found",
        "b.md, 2 times (lines 5, 7): odd",
        "b.md:8: odder",
        "a.md:2: remote image 2",
    ]
    assert warning_lines(diagnostics, each=True) == [str(w) for w in diagnostics.warnings]
    assert summary_lines(diagnostics) == [
        "7 warnings by kind (-v lists each):",
        f"  3  {REMOTE}",
        "  1  missing images",
        "  3  other warnings",
    ]


def test_a_grouped_line_shows_the_first_five_lines():
    diagnostics = Diagnostics()
    for line in (30, 4, 9, 15, 22, 41, 50):
        diagnostics.warn("team.md", f"remote image at {line}", line, kind=REMOTE)
    assert warning_lines(diagnostics) == [f"7 {REMOTE} in team.md (lines 4, 9, 15, 22, 30, …)"]


# --- what the command prints --------------------------------------------------------------------------------


def test_one_line_per_kind_in_a_file_with_its_count_and_lines(tmp_path):
    result = packager("build", str(team_book(tmp_path / "src")), "-o", str(tmp_path / "dist"))
    assert result.returncode == 0, result.stderr
    assert warning_output(result.stderr) == [
        "other.md:7: image missing.png not found (looked for missing.png); its alt text is kept",
        f"6 {REMOTE} in team.md (lines 8, 10, 12, 14, 16, …)",
        "2 links to pages not in the book in team.md (line 20)",
    ]


def test_verbose_lists_every_warning(tmp_path):
    result = packager("build", str(team_book(tmp_path / "src")), "-o", str(tmp_path / "dist"), "-v")
    assert result.returncode == 0, result.stderr
    remote = [line for line in warning_output(result.stderr) if "remote image" in line]
    assert remote == [
        f"team.md:{line}: remote image https://example.org/p{i}.png is not fetched (books must be self-contained); "
        "its alt text is kept"
        for i, line in enumerate(range(8, 19, 2), start=1)
    ]
    assert len(warning_output(result.stderr)) == 9
    assert "(-v lists each)" not in result.stderr


def test_a_build_ends_with_a_count_by_kind(tmp_path):
    result = packager("build", str(team_book(tmp_path / "src")), "-o", str(tmp_path / "dist"))
    lines = result.stderr.splitlines()
    start = lines.index("9 warnings by kind (-v lists each):")
    assert lines[start + 1 : start + 4] == [
        f"  6  {REMOTE}",
        "  2  links to pages not in the book",
        "  1  missing images",
    ]
    assert not any(line.startswith("warning: ") for line in lines[start:])  # after the warnings
    assert lines[-1].startswith("2 articles, 9 warning(s), ")


def test_json_keeps_every_warning_with_its_kind(tmp_path):
    result = packager("build", str(team_book(tmp_path / "src")), "-o", str(tmp_path / "dist"), "--json")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    warnings = json.loads(result.stdout)["warnings"]
    assert len(warnings) == 9
    assert [w["line"] for w in warnings if w["kind"] == REMOTE] == [8, 10, 12, 14, 16, 18]
    assert {w["kind"] for w in warnings} == {REMOTE, "links to pages not in the book", "missing images"}
    assert all(w["file"] in ("team.md", "other.md") and w["message"] for w in warnings)


def test_quiet_prints_no_warnings(tmp_path):
    result = packager("build", str(team_book(tmp_path / "src")), "-o", str(tmp_path / "dist"), "--quiet")
    assert result.returncode == 0 and result.stderr == "", result.stderr


def test_strict_still_fails_and_shows_the_warnings_grouped(tmp_path):
    result = packager("build", str(team_book(tmp_path / "src")), "-o", str(tmp_path / "dist"), "--strict")
    assert result.returncode == ExitCode.VALIDATION_FAILED
    assert f"warning: 6 {REMOTE} in team.md (lines 8, 10, 12, 14, 16, …)" in result.stderr
    assert result.stderr.splitlines()[-1].startswith("error: --strict: 9 warning(s), first: ")
    assert not (tmp_path / "dist").exists()


def test_a_build_that_fails_shows_the_warnings_found_before(tmp_path):
    source = tmp_path / "src"
    source.mkdir()
    for name in ("a.md", "b.md"):
        (source / name).write_text("---\ndraft: true\n---\n\nNot yet.\n")
    result = packager("build", str(source))
    assert result.returncode == ExitCode.CONTENT_ERROR
    assert warning_output(result.stderr) == [
        "a.md: draft: true, left out of the book (remove 'draft' to include it)",
        "b.md: draft: true, left out of the book (remove 'draft' to include it)",
    ]
    assert result.stderr.splitlines()[-1].startswith("error: ") and "no Markdown articles found" in result.stderr


def test_a_reused_build_prints_the_same_warnings(tmp_path):
    source = team_book(tmp_path / "src")
    first = packager("build", str(source), "-o", str(tmp_path / "dist"))
    again = packager("build", str(source), "-o", str(tmp_path / "dist"))
    assert "output reused" in again.stderr
    assert warning_output(again.stderr) == warning_output(first.stderr)


# --- the same for any number of workers ---------------------------------------------------------------------

ARTICLES = 20  # parallel rendering starts at article_pool.MIN_ARTICLES


def big_book(folder: Path) -> Path:
    """Enough articles to render in workers, each with remote images, links out of the book and a missing image."""
    folder.mkdir(parents=True)
    (folder / "packager.toml").write_text(TOML)
    for i in range(ARTICLES):
        remote = "".join(f"![r{j}](https://example.org/{i}-{j}.png)\n\n" for j in range(i % 4 + 1))
        (folder / f"a{i:02d}.md").write_text(
            f"---\ntitle: Article {i}\nauthor: A\n---\n\n# Article {i}\n\n{remote}"
            f"See [gone](gone-{i}.md), [also gone](gone.md) and ![missing](m{i % 3}.png).\n"
        )
    return folder


@pytest.fixture
def two_cpus() -> None:
    found = sys.platform == "linux" and len(os.sched_getaffinity(0)) >= 2
    require_tool("two CPUs on Linux", found, "worker processes render articles only there")


@pytest.mark.usefixtures("two_cpus")
def test_grouping_is_the_same_for_one_job_and_two(tmp_path):
    source = big_book(tmp_path / "src")
    assert ARTICLES >= article_pool.MIN_ARTICLES and article_pool.pool_size(ARTICLES, 2) == 2
    one = build.check(build.BuildRequest(source=source, jobs=1)).diagnostics
    two = build.check(build.BuildRequest(source=source, jobs=2)).diagnostics
    assert [(w, w.kind) for w in two.warnings] == [(w, w.kind) for w in one.warnings]
    assert two.groups() == one.groups()
    assert warning_lines(two) == warning_lines(one) and summary_lines(two) == summary_lines(one)
    assert warning_lines(one)[:3] == [
        "a00.md:8: remote image https://example.org/0-0.png is not fetched (books must be self-contained); "
        "its alt text is kept",
        "a00.md:10: image m0.png not found (looked for m0.png); its alt text is kept",
        "2 links to pages not in the book in a00.md (line 10)",
    ]
    assert f"4 {REMOTE} in a03.md (lines 8, 10, 12, 14)" in warning_lines(one)


@pytest.mark.usefixtures("two_cpus")
def test_the_command_prints_the_same_for_one_job_and_two(tmp_path):
    source = big_book(tmp_path / "src")
    one, two = (packager("build", str(source), "-o", str(tmp_path / jobs), "--jobs", jobs) for jobs in ("1", "2"))
    assert one.returncode == two.returncode == 0, one.stderr + two.stderr
    assert one.stderr.splitlines()[:-1] == two.stderr.splitlines()[:-1]  # all but the line with the time
    assert f"warning: 4 {REMOTE} in a03.md (lines 8, 10, 12, 14)" in one.stderr
