"""Jupyter Book sites: version 1's _toc.yml and _config.yml, version 2's myst.yml, read as Jupyter Book reads them.

Three fixture books of tests/cases/sites/jupyter-book (a jb-book with parts,
a glob, a notebook, an external link and a missing page; a jb-article; a
myst.yml with a toc, authors and a licence) are each built once, EPUB only,
and must come out in the order of the hand-checked .order file beside them.
The parsers are tested on their own, without building. The myst-book corpus
(Jupyter Book 1's own documentation) is tested in test_corpus_myst.py.
"""

from __future__ import annotations

from collections import Counter

import pytest
from site_outline import book_nesting, book_order, nav_nesting
from site_outline import outline_lines as outline_order
from site_outline import read_order as expected_order
from test_cli import assert_one_line_error, packager

from packager.book.model import Person
from packager.diagnostics import Diagnostics
from packager.errors import ConfigError, ExitCode
from packager.project import config as config_module
from packager.project import sites
from packager.project.sites import files, jupyter_book, myst_project

from conftest import TESTS, book_file, build_into

CASES = TESTS / "cases" / "sites" / "jupyter-book"
READ_AS = {
    "v1-book": "read as a Jupyter Book (_toc.yml): 8 pages in toc order, 3 left out",
    "v1-article": "read as a Jupyter Book (_toc.yml): 4 pages in toc order",
    "v2-myst": "read as a MyST project (myst.yml): 8 pages in toc order, 1 left out",
}
WARNINGS = {
    "v1-book": {
        "non-Markdown pages left out": 1,  # sketches.ipynb
        "navigation entries to missing pages": 1,  # missing-page
        "pages not in the site's navigation": 1,  # extra.md (drafts/ is excluded, _build/ always is: no warning)
    },
    "v1-article": {"share links left out": 1},  # no html.baseurl
    "v2-myst": {"share links left out": 1},
}


def read(name: str, diagnostics: Diagnostics | None = None) -> sites.Site:
    source = CASES / name
    return jupyter_book.read(source, config_module.load(source), diagnostics or Diagnostics())


@pytest.fixture(scope="module", params=sorted(READ_AS))
def jb_build(request, tmp_path_factory):
    """Each fixture book, built once (EPUB only)."""
    return request.param, build_into(
        CASES / request.param, tmp_path_factory.mktemp(request.param) / "dist", formats=("epub",)
    )


def test_each_book_is_in_its_toc_order_and_nested_as_its_toc(jb_build):
    name, result = jb_build
    assert book_order(result.book) == expected_order(CASES / f"{name}.order")
    assert nav_nesting(book_file(result, ".epub")) == book_nesting(result.book)


def test_the_build_says_first_what_it_read_and_warns_by_kind(jb_build):
    name, result = jb_build
    assert result.summary["read_as"][0] == READ_AS[name]
    assert Counter(w.kind for w in result.diagnostics.warnings) == WARNINGS[name]


def test_the_books_metadata_comes_from_the_config(jb_build):
    name, result = jb_build
    book = result.book
    if name == "v1-book":
        assert (book.title, book.authors, book.copyright, book.language) == (
            "Night Sky Notes",
            (Person("Rowan Observer"),),
            "2025",
            "en",
        )
        assert book.description == "What a patient observer sees without a telescope, and a little with one."
        assert (book.repository, book.base_url) == (
            "https://example.org/rowan/night-sky",
            "https://example.org/night-sky/",
        )
    elif name == "v1-article":
        assert (book.title, book.authors) == ("A Loaf a Week", (Person("Sam Baker"),))
    else:
        assert (book.title, book.subtitle, book.license) == (
            "Reading Tide Tables",
            "A field guide for small boats",
            "CC-BY-4.0",
        )
        assert book.authors == (Person("Ana Marsh", url="https://example.org/ana"), Person("Ben Quay"))
        assert book.repository == "https://github.com/example/tide-tables"


def test_toc_titles_and_part_captions_are_the_books(jb_build):
    name, result = jb_build
    titles = {a.source or f"# {a.title}": a.title for a in result.book.articles}
    if name == "v1-book":
        assert titles["naked-eye/planets.md"] == "Wandering stars"  # the toc's title: wins over the page's "Planets"
        assert titles["naked-eye/moon.md"] == "The Moon"
        assert [a.title for a in result.book.articles if a.is_part] == ["Looking up", "Keeping records"]
    elif name == "v2-myst":
        assert titles["basics/moon.md"] == "The Moon's pull"
        assert [a.title for a in result.book.articles if a.is_part] == ["Basics", "Forecasts"]


# --- _toc.yml, read without building ------------------------------------------------------------------------------


def test_what_a_jb_book_leaves_out_is_said_once_each_with_the_toc_line():
    diagnostics = Diagnostics()
    site = read("v1-book", diagnostics)
    assert outline_order(site.outline) == expected_order(CASES / "v1-book.order")
    assert [(w.path, w.line, w.kind) for w in diagnostics.warnings] == [
        ("_toc.yml", 17, "non-Markdown pages left out"),
        ("_toc.yml", 20, "navigation entries to missing pages"),
    ]
    assert site.left_out == (
        ("sketches.ipynb", "not Markdown (.ipynb): packager reads Markdown pages only"),
        ("https://example.org/star-atlas", "an external link in _toc.yml"),
    )
    assert site.notes == (
        "_toc.yml:18: external link left out of the book: A star atlas (https://example.org/star-atlas)",
    )
    # Sphinx's build folder and what _config.yml excludes are no pages: no warning for them.
    assert set(site.ignored) == {"_build/html/_sources/index.md", "drafts/comets.md"}


def test_jb_article_and_the_default_format(tmp_path):
    assert outline_order(read("v1-article").outline) == expected_order(CASES / "v1-article.order")
    for name in ("a", "b", "c", "d"):
        (tmp_path / f"{name}.md").write_text(f"# {name}\n")
    (tmp_path / "_toc.yml").write_text(
        "root: a\nsubtrees:\n  - caption: First\n    entries:\n      - file: b\n        entries:\n          - file: d\n"
        "  - entries:\n      - file: c\n"
    )
    site = jupyter_book.read(tmp_path, config_module.load(tmp_path), Diagnostics())
    assert outline_order(site.outline) == ["a.md", "# First", "  b.md", "    d.md", "c.md"]


def test_a_glob_takes_what_no_entry_names_in_name_order_once(tmp_path):
    for rel in ("index.md", "notes/b.md", "notes/a.md", "notes/deep/c.md", "notes/named.md"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("# x\n")
    (tmp_path / "_toc.yml").write_text(
        "format: jb-book\nroot: index\nchapters:\n  - glob: notes/*\n  - glob: notes/**\n  - file: notes/named\n"
        "  - glob: nothing/*\n"
    )
    diagnostics = Diagnostics()
    site = jupyter_book.read(tmp_path, config_module.load(tmp_path), diagnostics)
    assert outline_order(site.outline) == ["index.md", "notes/a.md", "notes/b.md", "notes/deep/c.md", "notes/named.md"]
    assert [(w.line, w.kind) for w in diagnostics.warnings] == [(7, "toc globs that match no page")]


@pytest.mark.parametrize(
    ("toc", "line", "needle"),
    [
        ("format: jb-book\nroot: index\nchapters:\n  - file: a\n   - file: b\n", 5, "invalid YAML"),
        ("format: jb-book\nroot: index\nchapters: a\n", 1, "'chapters:' must be a list of entries"),
        ("format: jb-book\nroot: index\nchapters:\n  - title: no file\n", 1, "must be a mapping with file:, glob:"),
        ("format: jb-novel\nroot: index\n", 1, "format must be jb-book or jb-article"),
        ("chapters:\n  - file: a\n", None, "must be a mapping with 'root:'"),
    ],
)
def test_a_toc_jupyter_book_cannot_read_is_one_error(tmp_path, toc, line, needle):
    (tmp_path / "index.md").write_text("# Index\n")
    (tmp_path / "_toc.yml").write_text(toc)
    with pytest.raises(ConfigError) as caught:
        jupyter_book.read(tmp_path, config_module.load(tmp_path), Diagnostics())
    assert (caught.value.path, caught.value.line) == ("_toc.yml", line)
    assert needle in caught.value.bare_message


def test_a_folder_named_a_jupyter_book_that_is_none_is_one_error(tmp_path):
    (tmp_path / "index.md").write_text("# Index\n")
    result = packager("build", str(tmp_path), "-o", str(tmp_path / "out"), "--site", "jupyter-book")
    assert result.returncode == ExitCode.CONTENT_ERROR
    assert_one_line_error(result, "_toc.yml: not found")


def test_a_yaml_error_in_the_toc_is_one_line_and_exit_1(tmp_path):
    (tmp_path / "index.md").write_text("# Index\n")
    (tmp_path / "_toc.yml").write_text("format: jb-book\nroot: index\nchapters:\n  - file: a\n   - file: b\n")
    result = packager("build", str(tmp_path), "-o", str(tmp_path / "out"))
    assert result.returncode == ExitCode.CONTENT_ERROR
    assert_one_line_error(result, "_toc.yml:5: invalid YAML")


NB_CUSTOM_FORMATS = (
    "sphinx:\n  config:\n    nb_custom_formats:\n      .Rmd:\n        - jupytext.reads\n        - fmt: Rmd\n"
)


@pytest.mark.parametrize(
    ("config", "kind"),
    [("", "navigation entries to missing pages"), (NB_CUSTOM_FORMATS, "non-Markdown pages left out")],
)
def test_other_page_formats_are_the_ones_the_config_adds(tmp_path, config, kind):
    (tmp_path / "index.md").write_text("# Index\n")
    (tmp_path / "analysis.Rmd").write_text("An R Markdown notebook.\n")
    (tmp_path / "_toc.yml").write_text("format: jb-book\nroot: index\nchapters:\n  - file: analysis\n")
    (tmp_path / "_config.yml").write_text(config)
    diagnostics = Diagnostics()
    site = jupyter_book.read(tmp_path, config_module.load(tmp_path), diagnostics)
    assert outline_order(site.outline) == ["index.md"]
    assert [(w.line, w.kind) for w in diagnostics.warnings] == [(4, kind)]


def test_sphinx_and_node_globs():
    assert files.matches("charts/*", "charts/orion") and not files.matches("charts/*", "charts/deep/orion")
    assert files.matches("charts/**", "charts/deep/orion") and files.matches("**/*.md", "a.md")
    assert files.matches("**.ipynb_checkpoints", "a/b/.ipynb_checkpoints")
    assert files.matches("ch[0-9]?", "ch1a") and not files.matches("ch[!0-9]", "ch1")
    assert files.matches("{intro,outro}.md", "outro.md") and not files.matches("intro.md", "intro.mdx")


# --- myst.yml, read without building ------------------------------------------------------------------------------


def test_myst_toc_order_and_what_it_leaves_out():
    site = read("v2-myst")
    assert outline_order(site.outline) == expected_order(CASES / "v2-myst.order")
    assert site.notes == (
        "myst.yml:23: external link left out of the book: Harbour office tables (https://example.org/harbour-tides)",
    )


def test_a_myst_project_without_a_toc_is_in_mystmds_folder_order(tmp_path):
    for rel in ("b.md", "README.md", "chapter10/x.md", "chapter9/index.md", "chapter9/a.md", "_build/site/y.md"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("# x\n")
    (tmp_path / "myst.yml").write_text("version: 1\nproject:\n  title: Loose\n  exclude: [b.md]\n")
    site = jupyter_book.read(tmp_path, config_module.load(tmp_path), Diagnostics())
    assert site.order_name == "in MyST's folder order"
    assert outline_order(site.outline) == [
        "README.md",
        "# Chapter9",
        "  chapter9/index.md",
        "  chapter9/a.md",
        "# Chapter10",
        "  chapter10/x.md",
    ]
    assert set(site.ignored) == {"b.md", "_build/site/y.md"}


def test_myst_yml_without_a_toc_beside_a_toc_yml_is_ordered_by_the_toc_yml(tmp_path):
    for name in ("index", "a", "b"):
        (tmp_path / f"{name}.md").write_text(f"# {name}\n")
    (tmp_path / "_toc.yml").write_text("format: jb-book\nroot: index\nchapters:\n  - file: b\n  - file: a\n")
    (tmp_path / "_config.yml").write_text("title: From config\n")
    (tmp_path / "myst.yml").write_text("version: 1\nproject:\n  title: From myst\n")
    site = jupyter_book.read(tmp_path, config_module.load(tmp_path), Diagnostics())
    assert (site.config_file, site.metadata.title) == ("_toc.yml", "From myst")
    assert outline_order(site.outline) == ["index.md", "b.md", "a.md"]


@pytest.mark.parametrize(
    ("project", "expected"),
    [
        ({"authors": "Numpy Community"}, {"authors": (Person("Numpy Community"),)}),
        (
            {"authors": [{"name": {"given": "Ada", "family": "Lovelace"}}, {"name": {"literal": "Grace Hopper"}}]},
            {"authors": (Person("Ada Lovelace"), Person("Grace Hopper"))},
        ),
        ({"license": {"content": "cc-by-sa-4.0", "code": "MIT"}}, {"license": "CC-BY-SA-4.0"}),
        ({"license": "all rights reserved"}, {"license": None}),  # not an SPDX id: never guessed
        ({"github": "https://github.com/a/b"}, {"repo_url": "https://github.com/a/b"}),
        ({"title": ""}, {"title": None}),
    ],
)
def test_myst_metadata_forms(project, expected):
    metadata = myst_project.metadata(files.Located(project=project))
    assert {key: getattr(metadata, key) for key in expected} == expected


def test_myst_folder_titles_and_number_order():
    assert myst_project.folder_title("01_getting-started") == "Getting Started"
    assert myst_project.folder_title("2021-reports") == "2021 Reports"
    assert myst_project.folder_title("dataAnalysis") == "Data Analysis"
    names = ["a10", "A", "a9", "b", "a"]
    assert sorted(names, key=myst_project._number_order) == ["a", "A", "a9", "a10", "b"]


def test_a_jupyter_book_is_found_by_its_toc_or_its_myst_yml(tmp_path):
    assert sites.detect(CASES / "v1-book") == "jupyter-book"
    assert sites.detect(CASES / "v2-myst") == "jupyter-book"
    (tmp_path / "_config.yml").write_text("title: A Jekyll site, not a Jupyter Book\n")
    assert sites.detect(tmp_path) == "jekyll"
