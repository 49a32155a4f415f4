"""HonKit (GitBook) books read as HonKit reads them: book.json, SUMMARY.md's parts and nesting, README.md first.

SUMMARY.md texts are read without a build; the fixture book
tests/cases/sites/honkit/parts (book.json with a root folder, ### parts, an
entry with no page over its own list, a link to another site, a missing page)
is built once as EPUB.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from packager.diagnostics import Diagnostics
from packager.errors import ConfigError
from packager.project import config as config_module
from packager.project import sites
from packager.project.sites import Entry
from packager.project.sites.summary import Item, read_honkit

from conftest import TESTS, build_into

FIXTURE = TESTS / "cases" / "sites" / "honkit" / "parts"


def read_site(source: Path):
    diagnostics = Diagnostics()
    return sites.read(source, config_module.load(source), diagnostics), diagnostics


def test_parts_are_the_headings_before_each_list():
    text = (
        "# Summary\n\n* [Welcome](welcome.md)\n\n## Basics\n\n* [Soil](basics/soil.md)\n"
        "    * [Compost](basics/compost.md)\n\n## Later\n\nSome words.\n\n1. [Pests](later/pests.md#slugs)\n"
        "2. Winter\n    * [Frost](later/frost.md)\n"
    )
    assert read_honkit(text) == [
        Item("Welcome", "welcome.md", 3),
        Item("Basics", None, 5, (Item("Soil", "basics/soil.md", 7, (Item("Compost", "basics/compost.md", 8),)),), True),
        Item(
            "Later",
            None,
            10,
            (
                Item("Pests", "later/pests.md#slugs", 14),
                Item("Winter", None, 15, (Item("Frost", "later/frost.md", 16),)),
            ),
            True,
        ),
    ]


def test_a_folder_with_summary_and_readme_is_a_honkit_book(tmp_path):
    (tmp_path / "README.md").write_text("# Seeds\n\nAbout seeds.\n", encoding="utf-8")
    (tmp_path / "SUMMARY.md").write_text(
        "# Summary\n\n* [Saving seed](saving.md)\n* [Introduction](README.md)\n", encoding="utf-8"
    )
    (tmp_path / "saving.md").write_text("# Saving seed\n", encoding="utf-8")
    (tmp_path / "GLOSSARY.md").write_text("## Seed\nA plant to come.\n", encoding="utf-8")
    assert sites.detect(tmp_path) == "honkit"
    site, diagnostics = read_site(tmp_path)
    assert site.outline == (Entry("saving.md", "Saving seed"), Entry("README.md", "Introduction"))  # as listed
    assert site.left_out == (("GLOSSARY.md", "HonKit's glossary, not a chapter"),)
    assert diagnostics.warnings == []


def test_a_json_error_in_book_json_is_one_line(tmp_path):
    (tmp_path / "book.json").write_text('{\n  "title": "Seeds",\n  "author": "A. Grower"\n  "root": "x"\n}\n')
    with pytest.raises(ConfigError) as caught:
        read_site(tmp_path)
    assert str(caught.value).startswith("book.json:4: invalid JSON")


def test_book_js_is_never_run(tmp_path):
    (tmp_path / "book.js").write_text("module.exports = { title: require('fs').readFileSync('/etc/passwd') };\n")
    (tmp_path / "README.md").write_text("# Seeds\n", encoding="utf-8")
    site, _ = read_site(tmp_path)
    assert site.profile == "honkit" and site.metadata.title is None
    assert any("book.js is JavaScript, never run" in note for note in site.notes)
    assert site.outline is None  # no SUMMARY.md: packager's folder rules


@pytest.fixture(scope="module")
def honkit_build(tmp_path_factory):
    return build_into(FIXTURE, tmp_path_factory.mktemp("honkit") / "dist", formats=("epub",))


def test_fixture_book_order(honkit_build):
    book = honkit_build.book
    pages = [a for a in book.articles if a.kind in ("intro", "chapter", "part")]
    assert ["  " * a.depth + (f"# {a.title}" if a.kind == "part" else a.source) for a in pages] == [
        "content/README.md",  # not in SUMMARY.md: first, as HonKit puts it
        "# Spring",
        "  content/spring/sowing.md",
        "    content/spring/trays.md",
        "  content/spring/thinning.md",
        "# Autumn",
        "  content/autumn/harvest.md",
        "  # Storage",  # an entry with no link, over its own list
        "    content/autumn/clamps.md",
    ]
    assert [a.title for a in pages[:3]] == ["Introduction", "Spring", "Sowing"]


def test_fixture_book_metadata_and_what_it_said(honkit_build):
    book = honkit_build.book
    settings = json.loads((FIXTURE / "book.json").read_text(encoding="utf-8"))
    assert (book.title, book.description, book.language) == (settings["title"], settings["description"], "en")
    assert [p.name for p in book.authors] == ["Mira Solberg", "Tom Ash"]
    assert honkit_build.summary["read_as"] == [
        "read as a HonKit book (book.json): 6 pages in SUMMARY.md order, 2 left out",
        "  content/SUMMARY.md: 1 link(s) to other sites are not pages of the book: https://seeds.example.org/",
    ]
    warnings = honkit_build.diagnostics.warnings
    assert Counter(w.kind for w in warnings) == {"navigation entries to missing pages": 1, "share links left out": 1}
    missing = next(w for w in warnings if w.kind == "navigation entries to missing pages")
    assert (missing.path, missing.line) == ("content/SUMMARY.md", 15) and "autumn/frost.md" in missing.message
