"""The command line: clear one-line errors, honest exit codes, fast start-up."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from packager.errors import ExitCode

from conftest import EXAMPLE


def packager(*args: str, cwd=None, env=None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "packager", *args], capture_output=True, text=True, cwd=cwd, env=env, timeout=300
    )


def assert_one_line_error(result: subprocess.CompletedProcess, *needles: str) -> None:
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    assert "Traceback" not in result.stderr
    for needle in needles:
        assert needle in lines[0]


def test_missing_source_folder_is_a_usage_error():
    result = packager("build", "/no/such/dir")
    assert result.returncode == ExitCode.USAGE_ERROR
    assert_one_line_error(result, "/no/such/dir", "does not exist")


def test_folder_without_markdown_is_a_content_error(tmp_path):
    (tmp_path / "notes.txt").write_text("not markdown")
    result = packager("build", str(tmp_path))
    assert result.returncode == ExitCode.CONTENT_ERROR
    assert_one_line_error(result, str(tmp_path), "no Markdown articles found")
    assert not (tmp_path / "dist").exists()


def test_bad_front_matter_names_file_and_line(tmp_path):
    (tmp_path / "a.md").write_text("---\ntitle: ok\nauthor: [unclosed\n---\n\nBody\n")
    result = packager("build", str(tmp_path), "-o", str(tmp_path / "out"))
    assert result.returncode == ExitCode.CONTENT_ERROR
    assert_one_line_error(result, "a.md:", "front matter")
    assert not (tmp_path / "out").exists()


def test_output_folder_not_made_by_packager_is_refused(tmp_path):
    (tmp_path / "a.md").write_text("# Hello\n\nBody\n")
    precious = tmp_path / "out" / "precious.txt"
    precious.parent.mkdir()
    precious.write_text("keep me")
    result = packager("build", str(tmp_path), "-o", str(tmp_path / "out"))
    assert result.returncode == ExitCode.USAGE_ERROR
    assert_one_line_error(result, "not made by packager")
    assert precious.read_text() == "keep me"


def test_strict_turns_warnings_into_failure_and_writes_nothing(tmp_path):
    (tmp_path / "a.md").write_text("# Hello\n\n![gone](missing.png)\n")
    result = packager("build", str(tmp_path), "--strict")
    assert result.returncode == ExitCode.VALIDATION_FAILED
    assert "missing.png" in result.stderr
    assert not (tmp_path / "dist").exists()


@pytest.mark.parametrize("bad", ["yesterday", "12.5", "-1"])
def test_invalid_source_date_epoch_is_a_clear_error(tmp_path, bad):
    import os

    (tmp_path / "a.md").write_text("# Hello\n")
    result = packager("build", str(tmp_path), env={**os.environ, "SOURCE_DATE_EPOCH": bad})
    assert result.returncode == ExitCode.USAGE_ERROR
    assert_one_line_error(result, "SOURCE_DATE_EPOCH")


def test_zero_config_build_takes_title_from_folder(tmp_path):
    source = tmp_path / "field-notes"
    source.mkdir()
    (source / "one.md").write_text("---\ntitle: One\nauthor: Ada\n---\n\nText.\n")
    (source / "two.md").write_text("# Two\n\nMore text.\n")
    result = packager("build", str(source))
    assert result.returncode == 0, result.stderr
    assert (source / "dist" / "field-notes.epub").is_file()
    assert (source / "dist" / "field-notes.pdf").is_file()
    html = (source / "dist" / "index.html").read_text()
    assert "Field notes" in html and "Ada" in html


def test_rebuild_replaces_previous_output(tmp_path):
    (tmp_path / "a.md").write_text("# Hello\n\nFirst.\n")
    assert packager("build", str(tmp_path), "--quiet").returncode == 0
    assert packager("build", str(tmp_path), "--quiet").returncode == 0
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.startswith(".packager")]
    assert leftovers == []


def test_example_builds_from_the_command_line(tmp_path):
    result = packager("build", str(EXAMPLE), "-o", str(tmp_path / "dist"))
    assert result.returncode == 0, result.stderr
    assert "0 warning(s)" in result.stderr
    names = sorted(p.name for p in (tmp_path / "dist").iterdir() if not p.name.startswith("."))
    assert names == [
        "CITATION.cff",
        "SHA256SUMS",
        "assets",
        "credits.json",
        "feed.xml",
        "give-it-away.epub",
        "give-it-away.pdf",
        "give-it-away.zip",
        "index.html",
        "manifest.json",
        "read",
        "robots.txt",
        "share-mastodon.html",
        "sitemap.xml",
    ]


def test_jobs_must_be_a_positive_number():
    result = packager("build", str(EXAMPLE), "--jobs", "0")
    assert result.returncode == ExitCode.USAGE_ERROR
    assert "--jobs" in result.stderr and "Traceback" not in result.stderr


def test_format_option_makes_only_that_book_and_is_part_of_the_reuse_key(tmp_path):
    (tmp_path / "a.md").write_text("---\ntitle: Alpha\nauthor: Ada\n---\n\nText.\n")
    dist = tmp_path / "dist"
    epub_only = packager("build", str(tmp_path), "-o", str(dist), "--format", "epub")
    assert epub_only.returncode == 0, epub_only.stderr
    assert sorted(p.suffix for p in dist.glob("*.*") if p.suffix in (".epub", ".pdf")) == [".epub"]
    assert ".pdf" not in (dist / "index.html").read_text()
    # The same inputs with another --format are not "unchanged": the PDF is made, and the EPUB goes.
    pdf_only = packager("build", str(tmp_path), "-o", str(dist), "-f", "PDF")
    assert pdf_only.returncode == 0, pdf_only.stderr
    assert "output reused" not in pdf_only.stderr
    assert sorted(p.suffix for p in dist.glob("*.*") if p.suffix in (".epub", ".pdf")) == [".pdf"]
    both = packager("build", str(tmp_path), "-o", str(dist), "-f", "epub", "-f", "pdf")
    assert both.returncode == 0, both.stderr
    assert sorted(p.suffix for p in dist.glob("*.*") if p.suffix in (".epub", ".pdf")) == [".epub", ".pdf"]


def test_unknown_format_is_a_usage_error():
    result = packager("build", str(EXAMPLE), "--format", "mobi")
    assert result.returncode == ExitCode.USAGE_ERROR
    assert "mobi" in result.stderr and "epub" in result.stderr and "Traceback" not in result.stderr


def test_themes_lists_each_theme_with_its_fonts_and_licences():
    import tomllib

    from packager.project.themes import available, themes_root

    text = packager("themes")
    data = packager("themes", "--json")
    assert text.returncode == data.returncode == 0, text.stderr + data.stderr
    listed = json.loads(data.stdout)["themes"]
    assert [t["name"] for t in listed] == available() == ["classic", "handbook", "large-print"]
    for theme in listed:
        toml = tomllib.loads((themes_root() / theme["name"] / "theme.toml").read_text(encoding="utf-8"))
        assert theme["description"] == toml["description"]
        assert [(f["name"], f["license"]) for f in theme["fonts"]] == [(f["name"], f["license"]) for f in toml["fonts"]]
        assert f"{theme['name']}: {theme['description']}" in text.stdout.splitlines()
        for font in theme["fonts"]:
            assert f"  font: {font['name']}; licence {font['license']}" in text.stdout


def test_an_unknown_theme_is_one_line_naming_the_key_and_the_themes(tmp_path):
    from packager.project.themes import available

    (tmp_path / "a.md").write_text("# A\n\ntext\n")
    (tmp_path / "packager.toml").write_text('[output]\ntheme = "no-such-theme"\n')
    result = packager("build", str(tmp_path), "-o", str(tmp_path / "dist"))
    assert result.returncode == ExitCode.CONTENT_ERROR
    assert_one_line_error(result, "output.theme", "no-such-theme", *available())
