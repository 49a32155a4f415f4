"""`packager init`: a new project that builds at once, strict and clean, and never a word over anything there."""

from __future__ import annotations

import dataclasses
import re
import tomllib
from pathlib import Path

import pytest
from test_cli import assert_one_line_error, packager

from packager.errors import ExitCode
from packager.project import bundle_config, config

from conftest import REPO, book_file, build_into
from validators import epubcheck_problems, pdffonts, pdfinfo, pdfua, pdfua_unexpected_skips

#: A commented-out setting or table in the starter's packager.toml: "# key = value", "# [[bundles]]".
COMMENTED_SETTING = re.compile(r"^# ?((?:\[\[?[a-z_.]+\]\]?)|(?:[a-z_]+ = .*))$")


@pytest.fixture(scope="module")
def new_book(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("init") / "new-book"
    result = packager("init", str(folder))
    assert result.returncode == 0, result.stderr
    assert f"into {folder}" in result.stderr
    return folder


@pytest.fixture(scope="module")
def new_book_build(new_book, tmp_path_factory):
    return build_into(new_book, tmp_path_factory.mktemp("init-dist") / "dist", strict=True)


def test_init_writes_the_project(new_book):
    files = sorted(str(p.relative_to(new_book)) for p in new_book.rglob("*") if p.is_file())
    assert files == [
        ".github/workflows/release.yml",
        ".gitignore",
        "01-first-steps.md",
        "02-sharing-the-book.md",
        "CHANGELOG.md",
        "images/pipeline.png",
        "packager.toml",
    ]
    assert not re.search(
        r"@[A-Z]+@", "".join(p.read_text() for p in new_book.rglob("*") if p.is_file() and p.suffix != ".png")
    )
    assert config.load(new_book).book.title == "New Book"


def test_the_new_project_builds_strict_with_no_warning_from_the_command_line(new_book, tmp_path):
    result = packager("build", str(new_book), "-o", str(tmp_path / "dist"), "--strict")
    assert result.returncode == 0, result.stderr
    assert "2 articles, 0 warning(s)" in result.stderr


def test_the_new_books_pass_the_validators(new_book_build):
    assert new_book_build.diagnostics.warnings == []
    assert epubcheck_problems(book_file(new_book_build, ".epub")) == []
    pdf = book_file(new_book_build, ".pdf")
    assert pdfinfo(pdf)["Tagged"] == "yes"
    assert all(font["emb"] for font in pdffonts(pdf))
    report = pdfua(pdf)
    assert report["summary"]["errors"] == report["summary"]["warnings"] == 0, report["findings"]
    assert pdfua_unexpected_skips(report) == []


def test_the_sample_articles_show_an_image_a_footnote_a_table_and_credits(new_book_build):
    book = new_book_build.book
    html = "".join(a.html for a in book.articles)
    assert "<img" in html and 'alt="A Markdown page' in html
    assert "footnote" in html
    assert 'scope="col"' in html
    credited = [a for a in book.articles if a.original is not None]
    assert [a.original.title for a in credited] == ["Notes on sharing"]
    assert any(item.file == "images/pipeline.png" for a in book.articles for item in a.items)


def test_the_changelog_is_read_as_an_edition(new_book_build):
    assert [e.version for e in new_book_build.book.editions] == ["0.1.0"]


def _config_keys() -> dict[str, list[str]]:
    """Every key packager.toml may hold, by table, from config.py and bundle_config.py themselves."""
    tables = {f.name: f for f in dataclasses.fields(config.Config) if f.name != "path"}
    keys = {
        name: [f.name for f in dataclasses.fields(field.default_factory())]
        for name, field in tables.items()
        if field.default_factory is not dataclasses.MISSING
    }
    keys["bundles"] = list(bundle_config.BUNDLE_KEYS)
    keys["spotlight"] = list(bundle_config.SPOTLIGHT_KEYS)
    keys["causes"] = list(bundle_config.CAUSE_KEYS)
    assert set(keys) == set(tables), "a table of Config that this test does not know"
    return keys


def _uncommented(text: str) -> str:
    return "\n".join(m.group(1) if (m := COMMENTED_SETTING.match(line)) else line for line in text.splitlines())


def test_packager_toml_is_valid_and_names_every_key(new_book):
    text = (new_book / "packager.toml").read_text(encoding="utf-8")
    config.parse(tomllib.loads(text))  # valid as written
    every = tomllib.loads(_uncommented(text))
    config.parse(every)  # and with every setting uncommented
    for table, names in _config_keys().items():
        found = every[table][0] if isinstance(every[table], list) else every[table]
        assert set(names) <= set(found), f"[{table}] does not name {sorted(set(names) - set(found))}"


def test_the_workflow_is_the_ci_example_for_a_project_at_the_root(new_book):
    example = (REPO / "examples" / "ci" / "github-release.yml").read_text(encoding="utf-8")
    written = (new_book / ".github" / "workflows" / "release.yml").read_text(encoding="utf-8")
    assert "  BOOK_DIR: book\n" in example
    assert written.replace('  BOOK_DIR: "."\n', "  BOOK_DIR: book\n").splitlines()[4:] == example.splitlines()[4:]
    assert written.splitlines()[:2] == example.splitlines()[:2]


def test_title_and_author_can_be_given(tmp_path):
    result = packager("init", str(tmp_path / "b"), "--title", 'Notes "on" Things', "--author", "Zoë Ng")
    assert result.returncode == 0, result.stderr
    cfg = config.load(tmp_path / "b")
    assert (cfg.book.title, [a.name for a in cfg.book.authors]) == ('Notes "on" Things', ["Zoë Ng"])
    assert 'author: "Zoë Ng"' in (tmp_path / "b" / "01-first-steps.md").read_text(encoding="utf-8")


def test_an_empty_folder_is_taken(tmp_path):
    result = packager("init", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "packager.toml").is_file()


@pytest.mark.parametrize("what", ["a file inside", "a hidden file inside", "a file, not a folder"])
def test_init_refuses_anything_but_a_new_or_empty_folder_and_writes_nothing(tmp_path, what):
    target = tmp_path / "book"
    if what == "a file, not a folder":
        target.write_text("mine\n")
    else:
        target.mkdir()
        (target / (".notes" if "hidden" in what else "notes.md")).write_text("mine\n")
    before = sorted(p.name for p in tmp_path.rglob("*"))
    result = packager("init", str(target))
    assert result.returncode == ExitCode.USAGE_ERROR
    assert_one_line_error(result, str(target))
    assert sorted(p.name for p in tmp_path.rglob("*")) == before
