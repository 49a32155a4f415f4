"""A MkDocs site becomes a book in its nav's order, with its sections as parts and its metadata from mkdocs.yml.

The real Material for MkDocs site (../shared/corpora/mkdocs-site, the session's
``mkdocs_build``) is checked against its hand-checked order in
cases/sites/mkdocs-site.order; a small site of our own
(cases/sites/mkdocs/lantern-guild: INHERIT, !ENV, nested sections, a page
not in the nav, a nav entry to a missing page, a link to another site,
mkdocs-macros and hook calls) is built once, EPUB only. The rest reads
mkdocs.yml without building.
"""

from __future__ import annotations

import dataclasses
import re
import shutil
import zipfile
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree
from site_outline import book_order

from packager.cli import main
from packager.content import markdown
from packager.diagnostics import Diagnostics
from packager.errors import ConfigError
from packager.project import config as config_module
from packager.project import gitignore, sites, sources
from packager.project.dialect import MarkdownDialect
from packager.project.sites import Entry
from packager.project.sites import mkdocs as mkdocs_site

from conftest import TESTS, article_context, book_file, build_into, write_tree
from validators import pdf_outline

CASES = TESTS / "cases" / "sites"
LANTERNS = CASES / "mkdocs" / "lantern-guild"
XHTML = "http://www.w3.org/1999/xhtml"
TEMPLATE_CALLS = "template calls that cannot run"
PYTHON_MARKDOWN = MarkdownDialect("python-markdown", (), (("pymdownx.betterem", {}),), "mkdocs.yml", "python-markdown")


def read_site(source: Path) -> tuple[sites.Site, Diagnostics]:
    diagnostics = Diagnostics()
    source = source.resolve()
    return mkdocs_site.read(source, config_module.load(source), diagnostics), diagnostics


def epub_nav_depths(epub_path: Path) -> list[tuple[str, int]]:
    """Each EPUB nav entry's file (without .xhtml) and nesting depth (0 at the top), in order."""
    with zipfile.ZipFile(epub_path) as epub:
        nav = etree.fromstring(epub.read("EPUB/nav.xhtml"))
    ns = {"h": XHTML, "epub": "http://www.idpf.org/2007/ops"}
    [toc] = nav.xpath('//h:nav[@epub:type="toc"]', namespaces=ns)
    found = []
    for item in toc.iter(f"{{{XHTML}}}li"):
        link = item.find(f"{{{XHTML}}}a")
        href = link.get("href") if link is not None else ""
        depth = len(item.xpath("ancestor::h:li", namespaces=ns))
        found.append((href.split("#")[0].removesuffix(".xhtml"), depth))
    return found


def pdf_article_levels(pdf: Path, book) -> list[tuple[str, int]]:
    """Each article's bookmark, found in the outline's order, with its level (1 at the top)."""
    outline = pdf_outline(pdf)
    found, position = [], 0
    for article in (a for a in book.articles if a.kind not in ("credits", "share")):
        title = " ".join(article.title.split())
        while position < len(outline) and " ".join(outline[position][1].split()) != title:
            position += 1
        assert position < len(outline), f"no bookmark for {title!r}"
        found.append((title, outline[position][0]))
        position += 1
    return found


# --- the mkdocs-site corpus (Material for MkDocs' documentation) ---------------------------------------------


def test_mkdocs_site_is_in_its_hand_checked_nav_order(mkdocs_build):
    expected = (CASES / "mkdocs-site.order").read_text(encoding="utf-8").splitlines()
    assert book_order(mkdocs_build.book) == expected
    assert sum(1 for line in expected if not line.lstrip().startswith("#")) == 78
    titles = {a.source: a.title for a in mkdocs_build.book.articles}
    assert titles["docs/index.md"] == "Home" and titles["docs/getting-started.md"] == "Installation"
    assert titles["docs/setup/index.md"] == "Setup"  # navigation.indexes: the section's page has its title


def test_mkdocs_site_nests_its_sections_in_the_epub_nav_and_the_pdf_outline(mkdocs_build):
    book = mkdocs_build.book
    articles = [a for a in book.articles if a.kind not in ("credits", "share")]
    nav = dict(epub_nav_depths(book_file(mkdocs_build, ".epub")))
    assert [nav[a.slug] for a in articles] == [a.depth for a in articles]
    assert max(a.depth for a in articles) == 3  # Getting started > Tutorials > Blogs > its pages
    levels = pdf_article_levels(book_file(mkdocs_build, ".pdf"), book)
    assert [level for _, level in levels] == [a.depth + 1 for a in articles]


def test_mkdocs_site_metadata_comes_from_mkdocs_yml(mkdocs_build):
    book = mkdocs_build.book
    assert book.title == "Material for MkDocs"
    assert [p.name for p in book.authors] == ["Martin Donath"]
    assert book.description.startswith("Write your documentation in Markdown and create a professional static site")
    assert book.base_url == "https://squidfunk.github.io/mkdocs-material/"
    assert book.repository == "https://github.com/squidfunk/mkdocs-material"
    assert book.copyright == "Copyright \u00a9 2016 - 2026 Martin Donath"


def test_mkdocs_site_says_what_it_read_first(mkdocs_build):
    read_as = mkdocs_build.summary["read_as"]
    assert read_as[0] == "read as a MkDocs site (mkdocs.yml): 78 pages in nav order, 2 left out"
    assert "Asking a question: https://github.com/squidfunk/mkdocs-material/discussions" in read_as[1]
    assert "plugins (blog, search, minify) and hooks (2)" in read_as[2]


def test_mkdocs_site_leaves_out_the_blog_posts_the_nav_does_not_name(mkdocs_build):
    warnings = mkdocs_build.diagnostics.warnings
    not_in_nav = sorted(w.path for w in warnings if w.kind == sources.NOT_IN_NAV)
    assert not_in_nav == ["docs/blog/posts/chinese-search-support.md", "docs/blog/posts/mkdocs-2.0.md"]
    kinds = Counter(w.kind for w in warnings)
    assert kinds[mkdocs_site.MISSING_PAGES] == 0 and kinds[TEMPLATE_CALLS] == 0  # its {{ }} are all in code


# --- a site of our own: INHERIT, !ENV, sections, what is left out ----------------------------------------------


LANTERN_ORDER = [
    "docs/index.md",
    "docs/start/index.md",
    "  docs/start/before.md",
    "  docs/start/lighting.md",
    "# Care",
    "  docs/care/daily.md",
    "  # Repairs",
    "    docs/care/repairs/wicks.md",
    "    docs/care/repairs/glass.md",
    "docs/about.md",
]


@pytest.fixture(scope="module")
def lanterns(tmp_path_factory):
    return build_into(LANTERNS, tmp_path_factory.mktemp("lanterns") / "dist", formats=("epub",))


def test_lanterns_are_in_nav_order_with_the_nav_titles(lanterns):
    assert book_order(lanterns.book) == LANTERN_ORDER
    titles = [a.title for a in lanterns.book.articles if a.kind not in ("credits", "share")]
    # start/index.md is listed second, but Material's navigation.indexes (inherited) makes it the section's page.
    assert titles[:4] == ["Welcome", "Getting started", "Before you begin", "Lighting a lantern"]
    nav = epub_nav_depths(book_file(lanterns, ".epub"))
    articles = [a for a in lanterns.book.articles if a.kind not in ("credits", "share")]
    assert [depth for _, depth in nav[: len(articles)]] == [a.depth for a in articles]


def test_lanterns_warn_once_for_the_stray_page_and_the_missing_one(lanterns):
    warnings = lanterns.diagnostics.warnings
    [stray] = [w for w in warnings if w.kind == sources.NOT_IN_NAV]
    assert stray.path == "docs/stray.md"
    [missing] = [w for w in warnings if w.kind == mkdocs_site.MISSING_PAGES]
    assert (missing.path, missing.line) == ("mkdocs.yml", 26)
    assert "'care/old-notes.md' is not a page in docs/" in missing.message
    kinds = Counter(w.kind for w in warnings)
    assert kinds == {sources.NOT_IN_NAV: 1, mkdocs_site.MISSING_PAGES: 1, TEMPLATE_CALLS: 2}


def test_lanterns_metadata_comes_through_inherit_and_env_defaults(lanterns):
    book = lanterns.book
    assert book.title == "The Lantern Handbook"
    assert [p.name for p in book.authors] == ["Ada Wickham"]  # from base.yml
    assert book.copyright == "Copyright \u00a9 2026 The Lantern Guild"  # its HTML made text
    assert book.description == "How a small guild keeps its lanterns lit through the winter."
    assert book.base_url == "https://example.org/lanterns/"
    assert book.repository == "https://example.org/git/lanterns"  # !ENV's default
    assert book.language == "en-GB"  # theme merged: the child's language, the parent's features
    read_as = lanterns.summary["read_as"]
    assert read_as[0] == "read as a MkDocs site (mkdocs.yml): 8 pages in nav order, 2 left out"
    assert read_as[1] == "  1 nav link to other sites left out (The guild's forum: https://forum.example.org/lanterns)"


def test_lanterns_read_with_the_inherited_extensions(lanterns):
    [before] = [a for a in lanterns.book.articles if a.source == "docs/start/before.md"]
    assert 'class="admonition note"' in before.html  # admonition comes from base.yml
    [lighting] = [a for a in lanterns.book.articles if a.source == "docs/start/lighting.md"]
    assert "match -&gt; wick" in lighting.html


def test_macros_and_hook_calls_stay_visible_with_one_warning_each(lanterns):
    [about] = [a for a in lanterns.book.articles if a.source == "docs/about.md"]
    assert "{{ config.site_name }}" in about.html and "{% if config.extra.show_credits %}" in about.html
    assert "<code>{* ../src/lamp.py hl[2] *}</code>" in about.html
    assert "{{ kept }} and {* kept too *} inside code" in about.html
    calls = sorted((w.line, w.message) for w in lanterns.diagnostics.warnings if w.kind == TEMPLATE_CALLS)
    assert [line for line, _ in calls] == [3, 8]
    assert calls[0][1].startswith("mkdocs-macros (Jinja) template syntax cannot run in a book: {{ … }} left as text")
    assert calls[1][1].startswith("a MkDocs hook's {* … *} include cannot run in a book: left as text (2 uses)")


def test_check_prints_the_outline_and_what_is_left_out():
    result = CliRunner().invoke(main, ["check", str(LANTERNS)])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[:10] == [
        "Outline:",
        "  Welcome (docs/index.md)",
        "  Getting started (docs/start/index.md)",
        "    Before you begin (docs/start/before.md)",
        "    Lighting a lantern (docs/start/lighting.md)",
        "  Part: Care",
        "    Daily care (docs/care/daily.md)",
        "    Part: Repairs",
        "      Wicks (docs/care/repairs/wicks.md)",
        "      Glass (docs/care/repairs/glass.md)",
    ]
    assert "Left out (2):" in lines
    assert "  docs/stray.md: not in mkdocs.yml's navigation" in lines
    assert any(line.startswith("  docs/scratch/ideas.md: not_in_nav in mkdocs.yml") for line in lines)
    assert "read as a MkDocs site (mkdocs.yml): 8 pages in nav order, 2 left out" in result.stderr


def test_env_never_reads_the_environment(monkeypatch):
    monkeypatch.setenv("LANTERN_REPO_URL", "https://elsewhere.example/leak")
    site, _ = read_site(LANTERNS)
    assert site.metadata.repo_url == "https://example.org/git/lanterns"


def test_include_takes_back_a_page_the_nav_leaves_out(tmp_path):
    source = tmp_path / "site"
    shutil.copytree(LANTERNS, source)
    (source / "packager.toml").write_text('[content]\ninclude = ["docs/**"]\n', encoding="utf-8")
    diagnostics = Diagnostics()
    config = config_module.load(source)
    site = mkdocs_site.read(source, config, diagnostics)
    selection = sources.select(source, config, None, diagnostics, site)
    rels = [f.rel for f in selection.files]
    assert sorted(rels[-2:]) == ["docs/scratch/ideas.md", "docs/stray.md"]  # after the nav's pages, at the top level
    assert rels[: len(LANTERN_ORDER) - 2] == [line.strip() for line in LANTERN_ORDER if "#" not in line]
    assert selection.left_out == [] and not [w for w in diagnostics.warnings if w.kind == sources.NOT_IN_NAV]


# --- mkdocs.yml read without building -----------------------------------------------------------------------


def test_without_nav_pages_are_in_mkdocs_file_order(tmp_path):
    write_tree(
        tmp_path,
        {
            "mkdocs.yml": "site_name: Shelf\ntheme:\n  name: material\n  features: [navigation.indexes]\n",
            **{f"docs/{rel}": f"# {rel}\n" for rel in ("b.md", "a.md", "index.md", "Zed.md")},
            **{f"docs/{rel}": f"# {rel}\n" for rel in ("tools/saw.md", "tools/index.md", "tools/hand-tools/awl.md")},
            **{f"docs/{rel}": f"# {rel}\n" for rel in ("my_notes/n.md", "templates/t.md", ".hidden/h.md")},
        },
    )
    site, diagnostics = read_site(tmp_path)
    assert site.outline == (
        Entry("docs/index.md"),
        Entry("docs/Zed.md"),  # by name, as Python sorts: capitals first
        Entry("docs/a.md"),
        Entry("docs/b.md"),
        Entry(None, "My notes", (Entry("docs/my_notes/n.md"),)),  # a folder's title from its name, as MkDocs makes it
        Entry(
            "docs/tools/index.md",  # navigation.indexes: the folder's index is the section's page
            "Tools",
            (Entry("docs/tools/saw.md"), Entry(None, "Hand tools", (Entry("docs/tools/hand-tools/awl.md"),))),
        ),
    )
    assert site.left_out == (("docs/templates/t.md", "in templates/, which MkDocs does not build"),)
    assert site.order_name.startswith("in MkDocs' file order") and diagnostics.warnings == []


def test_a_nav_entry_to_a_missing_page_is_one_warning_at_its_line(tmp_path):
    write_tree(
        tmp_path,
        {
            "mkdocs.yml": "nav:\n  - Home: index.md\n  - Gone: gone.md\n  - ../outside.md\n  - Section:\n"
            "    - index.md\n    - https://example.org/x\n    - /absolute/\n",
            "docs/index.md": "# Home\n",
            "outside.md": "# Outside\n",
        },
    )
    site, diagnostics = read_site(tmp_path)
    assert site.outline == (Entry("docs/index.md", "Home"), Entry(None, "Section", (Entry("docs/index.md"),)))
    assert [(w.path, w.line, w.kind) for w in diagnostics.warnings] == [
        ("mkdocs.yml", 3, mkdocs_site.MISSING_PAGES),
        ("mkdocs.yml", 4, mkdocs_site.MISSING_PAGES),
    ]
    assert site.notes[0] == "2 nav links to other sites left out (https://example.org/x; /absolute/)"


def test_a_nav_entry_that_is_not_a_page_or_section_is_a_config_error(tmp_path):
    write_tree(tmp_path, {"mkdocs.yml": "nav:\n  - Home: index.md\n  - [a, b]\n", "docs/index.md": "# Home\n"})
    with pytest.raises(ConfigError) as caught:
        read_site(tmp_path)
    assert (caught.value.path, caught.value.line) == ("mkdocs.yml", 3)


def test_docs_dir_must_be_a_folder_inside_the_source(tmp_path):
    write_tree(tmp_path / "site", {"mkdocs.yml": "site_name: x\ndocs_dir: ../elsewhere\n"})
    (tmp_path / "elsewhere").mkdir()
    with pytest.raises(ConfigError, match="outside the source folder") as caught:
        read_site(tmp_path / "site")
    assert caught.value.line == 2
    write_tree(tmp_path / "bare", {"mkdocs.yml": "site_name: x\n", "a.md": "# A\n"})
    with pytest.raises(ConfigError, match="docs_dir 'docs' is not a folder"):
        read_site(tmp_path / "bare")


def test_inherit_follows_files_inside_the_source_only(tmp_path):
    write_tree(tmp_path, {"outside.yml": "site_author: Someone outside\n"})
    write_tree(
        tmp_path / "site",
        {
            "config/base.yml": "site_author: Ada\ntheme:\n  name: material\n  features: [navigation.indexes]\n",
            "config/site.yml": "INHERIT: base.yml\nsite_name: Middle\ntheme:\n  language: fr\n",
            "mkdocs.yml": "INHERIT: config/site.yml\nsite_name: Top\n",
            "docs/index.md": "# Home\n",
        },
    )
    site, diagnostics = read_site(tmp_path / "site")
    assert (site.metadata.title, site.metadata.authors[0].name, site.metadata.language) == ("Top", "Ada", "fr")
    assert diagnostics.warnings == []
    (tmp_path / "site" / "mkdocs.yml").write_text("INHERIT: ../outside.yml\nsite_name: Top\n")
    site, diagnostics = read_site(tmp_path / "site")
    [warning] = diagnostics.warnings
    assert (warning.path, warning.line) == ("mkdocs.yml", 1) and "outside the source folder" in warning.message
    assert site.metadata.authors == ()
    (tmp_path / "site" / "mkdocs.yml").write_text("INHERIT: config/missing.yml\n")
    with pytest.raises(ConfigError, match="is not a file"):
        read_site(tmp_path / "site")
    (tmp_path / "site" / "config" / "base.yml").write_text("INHERIT: ../mkdocs.yml\n")
    (tmp_path / "site" / "mkdocs.yml").write_text("INHERIT: config/base.yml\n")
    with pytest.raises(ConfigError, match="a loop"):
        read_site(tmp_path / "site")


def test_a_malformed_mkdocs_yml_is_one_line_naming_its_line(tmp_path):
    write_tree(tmp_path, {"mkdocs.yml": "site_name: x\nnav:\n  - Home: index.md\n   - Guide: guide.md\n"})
    write_tree(tmp_path, {"docs/index.md": "# Home\n", "docs/guide.md": "# Guide\n"})
    result = CliRunner().invoke(main, ["build", str(tmp_path), "--output", str(tmp_path / "out")])
    assert result.exit_code == 1
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in result.output, result.stderr
    assert re.match(r"error: mkdocs\.yml:4: invalid YAML \(", lines[0]), lines[0]


def test_site_mkdocs_is_chosen_by_name_and_needs_a_mkdocs_yml(tmp_path):
    write_tree(tmp_path, {"packager.toml": '[content]\nsite = "mkdocs"\n', "a.md": "# A\n"})
    with pytest.raises(ConfigError, match="no mkdocs.yml"):
        sites.read(tmp_path, config_module.load(tmp_path), Diagnostics())


def render_on_a_site(tmp_path: Path, text: str, site: str | None):
    """Render text as a page of a site read with the given profile (Python-Markdown, MkDocs' dialect)."""
    ctx = dataclasses.replace(article_context(tmp_path, text, dialect=PYTHON_MARKDOWN), site=site)
    return markdown.render(ctx, text), ctx.diagnostics.warnings


def test_hook_calls_and_macros_on_a_mkdocs_page_stay_visible_with_one_warning_each(tmp_path):
    text = (
        "Intro {{ config.site_name }} and {{ page.title }}.\n\n{* ../src/app.py hl[3] *}\n\n"
        "Inline {* ../src/app.py ln[1:2] *} here.\n\n```text\n{* in code *} {{ in code }}\n```\n"
    )
    rendered, warnings = render_on_a_site(tmp_path, text, "mkdocs")
    warnings = sorted(warnings)
    assert "<code>{* ../src/app.py hl[3] *}</code>" in rendered.html and "<em>" not in rendered.html
    assert "{{ config.site_name }}" in rendered.html and "{* in code *} {{ in code }}" in rendered.html
    assert [(w.line, w.kind) for w in warnings] == [(1, TEMPLATE_CALLS), (3, TEMPLATE_CALLS)]
    assert warnings[0].message.startswith("mkdocs-macros (Jinja) template syntax cannot run in a book: {{ … }} left")
    assert "(2 uses)" in warnings[0].message and "(2 uses)" in warnings[1].message
    assert warnings[1].message.startswith("a MkDocs hook's {* … *} include cannot run in a book: left as text")
    _, elsewhere = render_on_a_site(tmp_path, text, None)  # not a MkDocs site: {{ }} is Jekyll's, {* *} just text
    assert [w.message.split(" cannot run")[0] for w in elsewhere] == ["Liquid (Jekyll) template syntax"]


@pytest.mark.parametrize(
    ("patterns", "path", "taken"),
    [
        ("/tutorials/**/*.md", "tutorials/index.md", True),
        ("/tutorials/**/*.md", "tutorials/blogs/basic.md", True),
        ("/tutorials/**/*.md", "other/tutorials/a.md", False),
        ("drafts/", "drafts/a.md", True),
        ("drafts/", "guide/drafts/a.md", True),  # no slash but the trailing one: at any depth
        ("drafts/", "drafts.md", False),
        ("*.tmp.md", "a/b/c.tmp.md", True),
        ("/a/*.md", "a/b/c.md", False),
        ("a/**", "a/b/c.md", True),
        ("**/secret.md", "x/y/secret.md", True),
        ("*.md\n!keep.md", "keep.md", False),
        ("# a comment\n\nnote?.md", "note1.md", True),
        ("[!a]*.md", "b.md", True),
        ("[!a]*.md", "a.md", False),
    ],
)
def test_gitignore_patterns_match_as_git_does(patterns, path, taken):
    assert gitignore.matches(gitignore.compile_lines(patterns), path) is taken
