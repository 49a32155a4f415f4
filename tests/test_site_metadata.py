"""Each shared corpus is read as its own tool reads it: the first line names the profile, the config the metadata.

Only the project is read here (no article is rendered), so that every corpus
is covered in a second; their builds are checked in each profile's tests.
The expected values were read by hand from each corpus's own config and
LICENSE file.
"""

from __future__ import annotations

import pytest

from packager.diagnostics import Diagnostics
from packager.project import load

from conftest import corpus

#: corpus: (first line's start, title, authors, licence, language), from its config and LICENSE by hand.
EXPECTED = {
    "mkdocs-site": ("read as a MkDocs site (mkdocs.yml): ", "Material for MkDocs", ["Martin Donath"], "MIT", None),
    "mdbook-guide": (
        "read as an mdBook book (book.toml): ",
        "mdBook Documentation",
        ["Mathieu David", "Michael-F-Bryan"],
        "MPL-2.0",
        "en",
    ),
    # _config.yml's title is "": the book's own rule names it
    "myst-book": ("read as a Jupyter Book (_toc.yml): ", None, ["The Jupyter Book Community"], "BSD-3-Clause", "en"),
    "obsidian-vault": ("read as an Obsidian vault (.obsidian/): ", "obsidian-vault", [], "CC0-1.0", None),
    # a content folder without the site's hugo.toml: its title is the root _index.md's, its authors the pages'
    "hugo-docs": ("read as a Hugo content folder (_index.md): ", None, [], "Apache-2.0", None),
}


@pytest.mark.parametrize("name", EXPECTED)
def test_the_site_config_and_licence_file_give_the_metadata(name):
    first, title, authors, licence, language = EXPECTED[name]
    project = load(corpus(name), None, Diagnostics())
    book = project.config.book
    assert project.read_as[0].startswith(first)
    assert (book.title, [p.name for p in book.authors], book.license, book.language) == (
        title,
        authors,
        licence,
        language,
    )
    assert project.read_as[-1] == f"licence {licence}, recognised in LICENSE"


def test_a_folder_of_articles_is_no_site_and_says_only_its_licence():
    project = load(corpus("opensource-guide"), None, Diagnostics())
    assert (project.site, project.read_as) == (None, ["licence CC-BY-4.0, recognised in LICENSE"])
