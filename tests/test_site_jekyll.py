"""The Jekyll profile: _config.yml's metadata, the order of Just the Docs or of _data/navigation.yml.

Two small sites written for these tests (tests/cases/sites/jekyll/), each
built once, EPUB only: a Just the Docs site (parents, grand parents, numeric
and string nav_order, nav_exclude, a parent that is no page) and one whose
_data/navigation.yml gives the order (nested entries, a collection's page, a
permalink, a link to another site, an entry naming no page).
"""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import pytest
from site_outline import BOOK_KINDS, book_depths, book_order, epub_book_depths
from test_cli import assert_one_line_error, packager

from packager.diagnostics import Diagnostics
from packager.errors import ExitCode
from packager.project import config as config_module
from packager.project import sites
from packager.project.sites import jekyll, just_the_docs
from packager.project.sources import NOT_IN_NAV

from conftest import book_file, build_into
from conftest import write_tree as write

CASES = Path(__file__).parent / "cases" / "sites" / "jekyll"


@pytest.fixture(scope="module")
def docs_build(tmp_path_factory):
    return build_into(CASES / "just-the-docs", tmp_path_factory.mktemp("jtd") / "dist", formats=("epub",))


@pytest.fixture(scope="module")
def navigation_build(tmp_path_factory):
    return build_into(CASES / "navigation", tmp_path_factory.mktemp("nav") / "dist", formats=("epub",))


# --- Just the Docs -------------------------------------------------------------------------------------------------


def test_just_the_docs_order_nests_parents_and_grand_parents(docs_build):
    assert book_order(docs_build.book) == [
        "index.md",
        "getting-started.md",
        "creatures/index.md",
        "  creatures/crabs.md",
        "    creatures/shore-crabs.md",  # nav_order 1
        "    creatures/hermit-crabs.md",  # no nav_order: after the numbers
        "  creatures/anemones.md",
        "  creatures/snails.md",
        "recipes/index.md",
        "  recipes/crabs.md",  # the other 'Crabs': its children say grand_parent: Recipes
        "    recipes/crab-cakes.md",
        "tides.md",  # 'Reading the tides' (its title, as no nav_order is given)
        "safety.md",  # nav_order 'Safety'
        "about.md",  # 'about these notes': small letters after capitals, as Liquid sorts
    ]


def test_just_the_docs_nesting_is_the_epub_navs(docs_build):
    nav = epub_book_depths(book_file(docs_build, ".epub"), docs_build.book)
    assert [depth for _, depth in nav] == [depth for _, depth in book_depths(docs_build.book)]


def test_just_the_docs_hidden_and_orphaned_pages_are_left_out_with_one_warning_each(docs_build):
    kinds = Counter(w.kind for w in docs_build.diagnostics.warnings)
    assert kinds[just_the_docs.HIDDEN] == 1 and kinds[just_the_docs.ORPHANS] == 1
    assert kinds[NOT_IN_NAV] == 0
    warned = {w.path for w in docs_build.diagnostics.warnings}
    assert {"whats-new.md", "lost.md"} <= warned
    # Files Jekyll makes no page of are never read, so never warned about.
    assert not warned & {"_includes/footer.md", "notes-to-self.md", "vendor/bundle/gems/shell-1.0/README.md"}


def test_just_the_docs_metadata_and_first_line(docs_build):
    book = docs_build.book
    assert (book.title, book.language) == ("Tide Pool Field Notes", "en-GB")
    assert [(p.name, p.url) for p in book.authors] == [("Mara Quill", "https://example.org/mara")]
    assert book.base_url == "https://notes.example.org/tidepools/"
    assert book.description.startswith("A small guide to the creatures of rocky shores")
    assert docs_build.summary["read_as"] == [
        "read as a Jekyll site (_config.yml): 14 pages in Just the Docs' nav order, 2 left out"
    ]


def test_nav_sort_case_insensitive_folds_the_case(tmp_path):
    shutil.copytree(CASES / "just-the-docs", tmp_path / "site")
    source = tmp_path / "site"
    (source / "_config.yml").write_text("title: x\nnav_sort: case_insensitive\n", encoding="utf-8")
    site = jekyll.read(source, config_module.load(source), Diagnostics())
    top = [entry.rel for entry in site.outline]
    assert top.index("about.md") < top.index("tides.md")  # 'about these notes' before 'Reading the tides'


def test_include_keeps_a_page_the_navigation_hides(tmp_path):
    shutil.copytree(CASES / "just-the-docs", tmp_path / "site")
    source = tmp_path / "site"
    (source / "packager.toml").write_text('[content]\ninclude = ["*.md", "*/*.md"]\n', encoding="utf-8")
    diagnostics = Diagnostics()
    site = jekyll.read(source, config_module.load(source), diagnostics)
    assert site.left_out == ()
    assert diagnostics.warnings == []


# --- _data/navigation.yml ------------------------------------------------------------------------------------------


def test_navigation_yml_gives_the_order_titles_and_parts(navigation_build):
    assert book_order(navigation_build.book) == [
        "index.md",
        "planting.md",
        "# Through the year",
        "  seasons/spring.md",
        "  seasons/autumn.md",  # by its permalink, /autumn-jobs/
        "tools/index.md",
        "  _tools/spade.md",  # a page of the tools collection, published at /tools/spade/
    ]
    titles = [a.title for a in navigation_build.book.articles if a.kind in BOOK_KINDS]
    assert titles[:2] == ["Welcome", "Planting out"]  # the navigation's titles win over the pages'


def test_navigation_yml_warns_once_for_an_entry_naming_no_page_and_notes_other_sites(navigation_build):
    missing = [w for w in navigation_build.diagnostics.warnings if w.kind == jekyll.MISSING]
    assert [(w.path, w.line) for w in missing] == [("_data/navigation.yml", 21)]
    not_in_nav = [w for w in navigation_build.diagnostics.warnings if w.kind == NOT_IN_NAV]
    assert [w.path for w in not_in_nav] == ["notes.md"]
    assert "_data/navigation.yml" in not_in_nav[0].message
    assert navigation_build.summary["read_as"] == [
        "read as a Jekyll site (_data/navigation.yml): 6 pages in navigation.yml's order, 1 left out",
        "  _data/navigation.yml: 1 link(s) to other sites left out (Seed swap)",
    ]
    assert not any(w.path.startswith("_drafts/") for w in navigation_build.diagnostics.warnings)


def test_navigation_yml_metadata(navigation_build):
    book = navigation_build.book
    assert (book.title, [p.name for p in book.authors]) == ("Allotment Diary", ["Rowan Pike"])
    assert book.base_url == "https://allotment.example.net/"


# --- detection and broken configs ----------------------------------------------------------------------------------


def test_a_jupyter_book_is_never_taken_for_jekyll(tmp_path):
    write(tmp_path, {"_config.yml": "title: A book\n", "intro.md": "# Hi\n"})
    assert jekyll.detect(tmp_path)
    write(tmp_path, {"_toc.yml": "format: jb-book\nroot: intro\n"})
    assert not jekyll.detect(tmp_path)
    (tmp_path / "_toc.yml").unlink()
    write(tmp_path, {"_config.yml": "title: A book\nexecute:\n  execute_notebooks: off\n"})
    assert not jekyll.detect(tmp_path)  # Jupyter Book's own keys, even without its _toc.yml
    assert sites.detect(tmp_path) != "jekyll"


def test_a_broken_config_yml_exits_1_on_one_line(tmp_path):
    write(tmp_path, {"_config.yml": "title: x\nauthor: [a\n", "index.md": "# Hi\n"})
    result = packager("check", str(tmp_path))
    assert result.returncode == ExitCode.CONTENT_ERROR
    assert_one_line_error(result, "_config.yml:3: invalid YAML")


def test_a_navigation_group_without_a_title_adds_no_level(tmp_path):
    write(
        tmp_path,
        {
            "_config.yml": "title: x\n",
            "_data/navigation.yml": "main:\n  - children:\n      - {title: A, url: /a/}\ndocs:\n  - {title: B, url: /b.html}\n",
            "a.md": "---\ntitle: A\n---\nA.\n",
            "b.md": "---\ntitle: B\n---\nB.\n",
        },
    )
    site = jekyll.read(tmp_path, config_module.load(tmp_path), Diagnostics())
    assert [(e.rel, e.title, e.children) for e in site.outline] == [("a.md", "A", ()), ("b.md", "B", ())]
