"""The Hugo profile: a Hugo site or bare content folder read in Hugo's own order, its sections as parts.

The order rules are checked on small sites written here; the hugo-docs corpus
(a bare copy of hugoDocs' content/en, built once per session by conftest) is
checked against tests/cases/sites/hugo-docs.order, written by hand from its
files' weights, titles and folders.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from site_outline import book_depths, book_order, epub_book_depths, outline_lines, pdf_levels, read_order
from test_cli import assert_one_line_error, packager

from packager.diagnostics import Diagnostics
from packager.errors import ConfigError, ExitCode
from packager.project import config as config_module
from packager.project import sites
from packager.project.sites import hugo

from conftest import book_file
from conftest import write_tree as write

ORDER = Path(__file__).parent / "cases" / "sites" / "hugo-docs.order"


def page(**front) -> str:
    lines = [f"{key}: {value}" for key, value in front.items()]
    return "---\n" + "\n".join(lines) + "\n---\nSome words.\n"


def outline_of(source: Path) -> list[str]:
    site = hugo.read(source, config_module.load(source), Diagnostics())
    return outline_lines(site.outline)


# --- detection -----------------------------------------------------------------------------------------------------


def test_a_plain_folder_with_an_index_named_like_hugos_is_not_taken_for_hugo(tmp_path):
    write(tmp_path, {"_index.md": page(title="Notes"), "a/_index.md": page(title="A", weight=2), "a/b.md": page()})
    assert not hugo.detect(tmp_path)


def test_a_content_folder_is_hugos_when_its_index_pages_use_hugo_front_matter(tmp_path):
    write(tmp_path, {"_index.md": page(title="Docs"), "guide/_index.md": page(title="Guide", linkTitle="G")})
    assert hugo.detect(tmp_path)
    assert sites.detect(tmp_path) == "hugo"


@pytest.mark.parametrize("name", ["hugo.toml", "hugo.yaml", "hugo.json", "config/_default/hugo.toml"])
def test_a_hugo_config_file_makes_a_hugo_site(tmp_path, name):
    write(tmp_path, {name: "", "content/a.md": page()})
    assert hugo.detect(tmp_path)


def test_an_older_config_file_counts_only_beside_its_content_folder(tmp_path):
    write(tmp_path, {"config.toml": 'title = "x"\n', "notes.md": page()})
    assert not hugo.detect(tmp_path)
    write(tmp_path, {"content/a.md": page()})
    assert hugo.detect(tmp_path)
    write(tmp_path, {"config.toml": 'contentDir = "pages"\n'})
    assert not hugo.detect(tmp_path)
    write(tmp_path, {"pages/a.md": page()})
    assert hugo.detect(tmp_path)


# --- what the config gives -----------------------------------------------------------------------------------------


HUGO_TOML = """\
baseURL = "https://docs.example.org/"
languageCode = "en-GB"
title = "Lighthouse keeping"
copyright = "© 2026 The Keepers"
contentDir = "pages"

[params]
author = "Ada Lamp"
description = "How the lamps were kept lit."
"""


def test_the_config_gives_title_author_language_copyright_base_url_and_content_folder(tmp_path):
    write(tmp_path, {"hugo.toml": HUGO_TOML, "pages/_index.md": page(title="Home"), "pages/a.md": page(title="A")})
    site = hugo.read(tmp_path, config_module.load(tmp_path), Diagnostics())
    meta = site.metadata
    assert (meta.title, meta.language, meta.copyright) == ("Lighthouse keeping", "en-GB", "© 2026 The Keepers")
    assert (meta.base_url, meta.description) == ("https://docs.example.org/", "How the lamps were kept lit.")
    assert [p.name for p in meta.authors] == ["Ada Lamp"]
    assert (site.content_dir, site.config_file, site.label) == ("pages", "hugo.toml", "a Hugo site")
    assert site.asset_dirs == ("static", "assets")
    assert [e.rel for e in site.outline] == ["pages/_index.md", "pages/a.md"]


@pytest.mark.parametrize(
    ("author", "names"),
    [
        ('author = ["Ada Lamp", "Bo Wick"]', ["Ada Lamp", "Bo Wick"]),
        ('author = {name = "Ada Lamp", email = "ada@example.org"}', ["Ada Lamp"]),
        ('[[params.author]]\nname = "Ada Lamp"\n[[params.author]]\nname = "Bo Wick"', ["Ada Lamp", "Bo Wick"]),
    ],
)
def test_params_author_may_be_a_list_or_a_mapping(tmp_path, author, names):
    write(tmp_path, {"hugo.toml": f"[params]\n{author}\n", "content/a.md": page()})
    site = hugo.read(tmp_path, config_module.load(tmp_path), Diagnostics())
    assert [p.name for p in site.metadata.authors] == names


def test_a_yaml_config_in_config_default_with_its_params_file(tmp_path):
    write(
        tmp_path,
        {
            "config/_default/hugo.yaml": "title: Signals\nlanguageCode: fr\n",
            "config/_default/params.yaml": "author: Claude Chappe\n",
            "content/a.md": page(),
        },
    )
    site = hugo.read(tmp_path, config_module.load(tmp_path), Diagnostics())
    assert (site.metadata.title, site.metadata.language) == ("Signals", "fr")
    assert [p.name for p in site.metadata.authors] == ["Claude Chappe"]


@pytest.mark.parametrize(
    ("name", "text", "line", "language"),
    [
        ("hugo.toml", 'title = "x"\nbaseURL = \n', 2, "TOML"),
        ("hugo.yaml", "title: x\n  params: [\n", 2, "YAML"),
        ("hugo.json", '{"title": "x",\n "baseURL": }\n', 2, "JSON"),
    ],
)
def test_a_broken_config_is_one_line_naming_the_file_and_line(tmp_path, name, text, line, language):
    write(tmp_path, {name: text, "content/a.md": page()})
    with pytest.raises(ConfigError) as caught:
        hugo.read(tmp_path, config_module.load(tmp_path), Diagnostics())
    assert str(caught.value.format_message()).startswith(f"{name}:{line}: invalid {language} (")


def test_a_broken_config_exits_1_without_a_traceback(tmp_path):
    write(tmp_path, {"hugo.toml": 'title = "x"\n[params\n', "content/a.md": page()})
    result = packager("check", str(tmp_path))
    assert result.returncode == ExitCode.CONTENT_ERROR
    assert_one_line_error(result, "hugo.toml:2: invalid TOML")


def test_a_content_dir_outside_the_site_is_refused(tmp_path):
    write(tmp_path / "site", {"hugo.toml": 'contentDir = "../elsewhere"\n'})
    with pytest.raises(ConfigError, match="outside the site's folder"):
        hugo.read(tmp_path / "site", config_module.load(tmp_path / "site"), Diagnostics())


# --- Hugo's order --------------------------------------------------------------------------------------------------


def test_weight_first_then_newest_date_then_link_title_then_path(tmp_path):
    write(
        tmp_path,
        {
            "hugo.toml": "",
            "content/zebra.md": page(title="Zebra", weight=1),
            "content/yak.md": page(title="Yak", weight=2),
            "content/old.md": page(title="Old", date="2020-01-01"),
            "content/new.md": page(title="New", date="2024-06-01"),
            "content/emu.md": page(title="Emu"),
            "content/bee.md": page(title="zzz", linkTitle="bee"),  # the link title decides, not the title
            "content/ant.md": page(title="Ant"),
        },
    )
    assert outline_of(tmp_path) == [
        "content/zebra.md",
        "content/yak.md",
        "content/new.md",  # dated pages come before undated ones, newest first
        "content/old.md",
        "content/ant.md",
        "content/bee.md",  # 'bee' before 'Emu': case does not decide
        "content/emu.md",
    ]


def test_sections_bundles_and_folders_that_are_not_sections(tmp_path):
    write(
        tmp_path,
        {
            "hugo.toml": "",
            "content/_index.md": page(title="Home"),
            "content/guide/_index.md": page(title="The guide", weight=2),
            "content/guide/nested/deep.md": page(title="Deep"),  # no _index.md: a page of guide
            "content/guide/part/_index.md": page(title="Part"),  # a section inside guide
            "content/guide/part/one.md": page(title="One"),
            "content/guide/bundle/index.md": page(title="Bundle"),  # a leaf bundle: one page
            "content/guide/bundle/notes.md": page(title="Resource"),  # its resource, never a page
            "content/reference/term.md": page(title="Term", weight=1),  # a top-level folder is a section
            "content/reference/hidden.md": page(title="Hidden", headless="true"),
        },
    )
    site = hugo.read(tmp_path, config_module.load(tmp_path), Diagnostics())
    assert outline_of(tmp_path) == [
        "content/_index.md",
        "content/guide/_index.md",  # weight 2; the reference section has none (its page's weight is its own)
        "  content/guide/bundle/index.md",
        "  content/guide/nested/deep.md",
        "  content/guide/part/_index.md",
        "    content/guide/part/one.md",
        "# Reference",
        "  content/reference/term.md",
    ]
    assert site.ignored == ("content/guide/bundle/notes.md",)
    assert site.left_out == (("content/reference/hidden.md", "headless: true"),)


def test_a_section_without_a_weight_or_date_of_its_own_takes_its_newest_pages_date(tmp_path):
    write(
        tmp_path,
        {
            "hugo.toml": "",
            "content/alpha/a.md": page(title="A", date="2019-05-01"),
            "content/beta/b.md": page(title="B", date="2025-05-01"),
        },
    )
    assert outline_of(tmp_path) == ["# Beta", "  content/beta/b.md", "# Alpha", "  content/alpha/a.md"]


# --- the hugo-docs corpus ------------------------------------------------------------------------------------------


def test_hugo_docs_is_in_the_hand_checked_order(hugo_build):
    assert book_order(hugo_build.book) == read_order(ORDER)


def test_hugo_docs_says_it_was_read_as_a_hugo_content_folder(hugo_build):
    assert hugo_build.summary["read_as"][0] == (
        "read as a Hugo content folder (_index.md): 59 pages in Hugo's order (weight, date, title)"
    )
    assert hugo_build.book.title == "The world's fastest framework for building websites"  # its root _index.md


def test_hugo_docs_sections_nest_in_the_epub_nav_and_the_pdf_outline(hugo_build):
    entries = book_depths(hugo_build.book)
    assert max(depth for _, depth in entries) == 1
    assert sum(1 for a in hugo_build.book.articles if a.kind == "part") == 17  # 18 top-level folders, 1 with _index.md
    nav = epub_book_depths(book_file(hugo_build, ".epub"), hugo_build.book)
    assert [depth for _, depth in nav] == [depth for _, depth in entries]
    assert all(level == wanted for _, wanted, level in pdf_levels(book_file(hugo_build, ".pdf"), entries))
