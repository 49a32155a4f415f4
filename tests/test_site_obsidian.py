"""The Obsidian profile: the file explorer's order, folders as parts, or the order of a map of content.

The explorer's rules are checked on small vaults written here; the map of
content on tests/cases/sites/obsidian/map-of-content (``order_from =
"Home.md"``: wikilinks and Markdown links, nested lists, a list item that
is a part, a note linked twice, a dangling link, an embed, links in code),
built once, EPUB only. The obsidian-vault corpus is checked in
test_corpus_obsidian.py, on the build made there.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from site_outline import book_depths, book_order, epub_book_depths, outline_lines
from test_cli import assert_one_line_error, packager

from packager.diagnostics import Diagnostics
from packager.errors import ConfigError, ExitCode
from packager.project import config as config_module
from packager.project.sites import obsidian

from conftest import book_file, build_into
from conftest import write_tree as write

MAP = Path(__file__).parent / "cases" / "sites" / "obsidian" / "map-of-content"


def vault(root: Path, notes: list[str], settings: str = "{}", toml: str = "") -> Path:
    write(root, {".obsidian/app.json": settings, **{rel: f"Text of {rel}.\n" for rel in notes}})
    if toml:
        write(root, {"packager.toml": toml})
    return root


def outline_of(source: Path, diagnostics: Diagnostics | None = None) -> list[str]:
    site = obsidian.read(source, config_module.load(source), diagnostics or Diagnostics())
    return outline_lines(site.outline)


# --- the file explorer ---------------------------------------------------------------------------------------------


def test_folders_first_then_notes_by_name_numbers_by_value_case_ignored(tmp_path):
    notes = ["10 Rivers.md", "2 Hills.md", "apple.md", "Banana.md", "Émile.md", "_misc.md", "index.md"]
    notes += ["b folder/x.md", "A folder/y.md", "A folder/Sub/z.md"]
    assert outline_of(vault(tmp_path, notes)) == [
        "index.md",  # the vault's home note opens the book
        "# A folder",
        "  # Sub",
        "    A folder/Sub/z.md",
        "  A folder/y.md",
        "# b folder",
        "  b folder/x.md",
        "_misc.md",  # punctuation before digits
        "2 Hills.md",
        "10 Rivers.md",
        "apple.md",
        "Banana.md",
        "Émile.md",  # an accent does not decide: E
    ]


def test_a_note_named_like_its_folder_is_the_folders_page(tmp_path):
    assert outline_of(vault(tmp_path, ["Docker/Docker.md", "Docker/Compose.md", "Docker/Swarm/Nodes.md"])) == [
        "Docker/Docker.md",
        "  # Swarm",
        "    Docker/Swarm/Nodes.md",
        "  Docker/Compose.md",
    ]


def test_a_time_order_in_app_json_is_named_and_not_followed(tmp_path):
    timed = obsidian.read(
        vault(tmp_path / "a", ["b.md"], '{"fileSortOrder": "byCreatedTime"}'),
        config_module.load(tmp_path / "a"),
        Diagnostics(),
    )
    assert timed.notes and "'byCreatedTime'" in timed.notes[0]
    named = obsidian.read(
        vault(tmp_path / "b", ["b.md"], '{"fileSortOrder": "alphabetical"}'),
        config_module.load(tmp_path / "b"),
        Diagnostics(),
    )
    assert named.notes == ()
    assert named.metadata.title == "b"  # the vault's name


# --- a map of content ----------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def map_build(tmp_path_factory):
    return build_into(MAP, tmp_path_factory.mktemp("moc") / "dist", formats=("epub",))


def test_the_map_of_content_gives_the_order_and_the_nesting(map_build):
    assert book_order(map_build.book) == [
        "Home.md",
        "Soil.md",  # linked in the first paragraph, and again later: it keeps its first place
        "Seasons/Seasons.md",
        "  Seasons/Spring sowing.md",
        "  Seasons/Autumn tasks.md",  # a Markdown link, %20 and all
        "# Pests and how to live with them",  # an item without a link, holding linked items
        "  Pests/Slugs.md",
        "  Pests/Aphids.md",  # [[Pests/Aphids#On beans|Aphids]]
        "Compost.md",
    ]
    nav = epub_book_depths(book_file(map_build, ".epub"), map_build.book)
    assert [depth for _, depth in nav] == [depth for _, depth in book_depths(map_build.book)]


def test_notes_the_map_does_not_link_are_left_out_with_one_warning_each(map_build):
    kinds = Counter(w.kind for w in map_build.diagnostics.warnings)
    left = sorted(w.path for w in map_build.diagnostics.warnings if w.kind == obsidian.NOT_IN_MAP)
    assert left == ["Drafts/Greenhouse.md", "Unlinked.md"]
    assert kinds["links to notes not in the book"] == 1  # [[Hedgehogs]], which no note is
    assert map_build.summary["read_as"] == [
        "read as an Obsidian vault (.obsidian/): 8 pages in the order of Home.md's links, 2 left out"
    ]


def test_order_from_may_name_the_note_as_a_link_does_and_include_keeps_a_note(tmp_path):
    source = vault(
        tmp_path,
        ["Maps/Start.md", "Kept.md", "Other.md"],
        toml='[content]\norder_from = "Start"\ninclude = ["Maps/*", "Kept.md"]\n',
    )
    diagnostics = Diagnostics()
    (source / "Maps/Start.md").write_text("- [[Other]]\n", encoding="utf-8")
    site = obsidian.read(source, config_module.load(source), diagnostics)
    assert [entry.rel for entry in site.outline] == ["Maps/Start.md", "Other.md"]
    assert site.left_out == () and diagnostics.warnings == []  # Kept.md is included, so not left out


def test_an_order_from_note_that_is_not_there_is_a_config_error(tmp_path):
    source = vault(tmp_path, ["a.md"], toml='[content]\norder_from = "Home.md"\n')
    with pytest.raises(ConfigError, match=r"\[content\] order_from names no note of the vault: 'Home.md'"):
        obsidian.read(source, config_module.load(source), Diagnostics())
    result = packager("check", str(source))
    assert result.returncode == ExitCode.CONTENT_ERROR
    assert_one_line_error(result, "packager.toml: [content] order_from")
