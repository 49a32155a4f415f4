"""A site's outline makes the book: its order, its nested sections, its part titles, and the pages it leaves out.

The profile here is a stand-in that returns a fixed outline, so that what the
outline does to the EPUB, the PDF, ``check`` and the config is tested apart
from any one tool's files (each profile has its own tests).
"""

from __future__ import annotations

import json
import zipfile
from types import SimpleNamespace

import pytest
from click.testing import CliRunner
from lxml import etree

from packager import cli
from packager.book.model import Article, Book, Person
from packager.project import sites
from packager.project.config import Config, parse
from packager.project.sites import Entry, Site, SiteMetadata
from packager.project.sources import NOT_IN_NAV

from conftest import book_file, build_into
from validators import epubcheck_problems, pdf_outline, pdfinfo, pdftotext_pages

PAGES = {
    "welcome.md": "# Welcome\n\nWhere the book starts.\n",
    "guide/one.md": "# One\n\nThe first step of the guide.\n",
    "guide/two.md": "# Two\n\nThe second step.\n",
    "guide/deep.md": "# Deep\n\nA step inside the second.\n",
    "ref/x.md": "# Ex\n\nA reference page.\n",
    "stray.md": "# Stray\n\nNo nav names this page.\n",
}
OUTLINE = (
    Entry("welcome.md", "Start here"),
    Entry(None, "User guide", (Entry("guide/one.md"), Entry("guide/two.md", None, (Entry("guide/deep.md"),)))),
    Entry(None, "Reference", (Entry("ref/x.md", "X reference"),)),
)
#: (kind, title, depth) of each entry the outline makes, in order.
EXPECTED = [
    ("chapter", "Start here", 0),
    ("part", "User guide", 0),
    ("chapter", "One", 1),
    ("chapter", "Two", 1),
    ("chapter", "Deep", 2),
    ("part", "Reference", 0),
    ("chapter", "X reference", 1),
]


def _profile(source):
    return Site(
        profile="fake",
        label="a stand-in site",
        config_file="site.yml",
        outline=OUTLINE,
        metadata=SiteMetadata(
            title="The Site's Title",
            authors=(Person("Site Author"),),
            copyright="&copy; 2026 <b>The Site</b>",
            repo_url="https://example.org/site-source",
            base_url="https://example.org/site",
        ),
        order_name="in nav order",
    )


@pytest.fixture(scope="module")
def fake_site():
    """Make every build in this module read its folder as the stand-in site."""
    module = SimpleNamespace(detect=lambda source: True, read=lambda source, config, diagnostics: _profile(source))
    patch = pytest.MonkeyPatch()
    patch.setattr(sites, "NAMES", {"fake": "fake"})
    patch.setattr(sites, "profile_module", lambda name: module)
    yield
    patch.undo()


@pytest.fixture(scope="module")
def site_folder(tmp_path_factory):
    folder = tmp_path_factory.mktemp("fake-site")
    for rel, text in PAGES.items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_text(text, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def outline_build(fake_site, site_folder, tmp_path_factory):
    return build_into(site_folder, tmp_path_factory.mktemp("fake-dist") / "dist", formats=("epub", "pdf"))


def test_the_outline_orders_nests_and_titles_the_book(outline_build):
    entries = [(a.kind, a.title, a.depth) for a in outline_build.book.articles if a.kind not in ("credits", "share")]
    assert entries == EXPECTED


def test_a_page_the_outline_does_not_name_is_left_out_with_one_warning(outline_build):
    left = [w for w in outline_build.diagnostics.warnings if w.kind == NOT_IN_NAV]
    assert [(w.path, w.message.split(",")[0]) for w in left] == [("stray.md", "not in site.yml's navigation")]
    assert "stray.md" not in {a.source for a in outline_build.book.articles}


def test_the_build_says_first_what_it_read(outline_build):
    assert outline_build.summary["read_as"] == ["read as a stand-in site (site.yml): 5 pages in nav order, 1 left out"]


def test_the_site_metadata_fills_the_book(outline_build):
    book = outline_build.book
    assert (book.title, [p.name for p in book.authors]) == ("The Site's Title", ["Site Author"])
    assert book.copyright == "© 2026 The Site"  # the site's HTML read as text
    assert (book.repository, book.base_url) == ("https://example.org/site-source", "https://example.org/site/")


def test_packager_toml_wins_over_the_site():
    config = parse({"book": {"title": "Mine", "authors": ["Me"], "copyright": "© Me"}})
    applied = sites.apply(config, _profile(None))
    assert (applied.book.title, applied.book.authors, applied.book.copyright) == ("Mine", (Person("Me"),), "© Me")
    assert applied.book.repository == "https://example.org/site-source"  # what packager.toml leaves unset
    assert sites.apply(Config(), None) == Config()


def _nav_tree(epub_path) -> list:
    """The EPUB's nav as nested (title, children) pairs."""
    with zipfile.ZipFile(epub_path) as z:
        name = next(n for n in z.namelist() if n.endswith("nav.xhtml"))
        root = etree.fromstring(z.read(name))
    ns = {"h": "http://www.w3.org/1999/xhtml", "epub": "http://www.idpf.org/2007/ops"}
    toc = root.find(".//h:nav[@epub:type='toc']/h:ol", ns)

    def walk(ol):
        return [
            (" ".join("".join(li.find("h:a", ns).itertext()).split()), walk(li.find("h:ol", ns)))
            if li.find("h:ol", ns) is not None
            else (" ".join("".join(li.find("h:a", ns).itertext()).split()), [])
            for li in ol.findall("h:li", ns)
        ]

    return walk(toc)


def test_the_epub_nav_nests_as_the_outline_does(outline_build):
    tree = _nav_tree(book_file(outline_build, ".epub"))
    by_title = dict(tree)
    assert [t for t, _ in by_title["User guide"]] == ["One", "Two"]
    assert dict(by_title["User guide"])["Two"] == [("Deep", [])]
    assert by_title["Reference"] == [("X reference", [])]


def test_a_part_title_is_a_page_of_its_own_in_the_epub(outline_build):
    with zipfile.ZipFile(book_file(outline_build, ".epub")) as z:
        parts = [n for n in z.namelist() if b'epub:type="part"' in z.read(n)]
    assert len(parts) == 2
    assert epubcheck_problems(book_file(outline_build, ".epub")) == []


def test_the_pdf_outline_and_running_heads_follow_the_parts(outline_build):
    pdf = book_file(outline_build, ".pdf")
    assert pdfinfo(pdf)["Tagged"] == "yes"
    levels = {title: level for level, title, _ in pdf_outline(pdf)}
    assert (levels["User guide"], levels["One"], levels["Deep"], levels["X reference"]) == (1, 2, 3, 2)
    pages = pdftotext_pages(pdf)
    deep = next(p for p in pages if "A step inside the second." in p)
    assert deep.lstrip().startswith("User guide")  # the running head names the part, not the book
    # A part's own page carries its title once, with no running heads around it.
    opening = [p for p in pages if p.split() and p.split()[0] == "Reference" and "X reference" not in p]
    assert len(opening) == 1 and opening[0].split() == ["Reference", str(pages.index(opening[0]) + 1)]


def test_check_prints_the_outline_and_json_carries_it(fake_site, site_folder):
    printed = CliRunner().invoke(cli.main, ["check", str(site_folder)])
    assert printed.exit_code == 0, printed.output
    lines = printed.stdout.splitlines()
    start = lines.index("Outline:")
    assert lines[start + 1 : start + 4] == ["  Start here (welcome.md)", "  Part: User guide", "    One (guide/one.md)"]
    assert "  stray.md: not in site.yml's navigation" in lines
    report = json.loads(CliRunner().invoke(cli.main, ["check", str(site_folder), "--json"]).stdout)
    assert report["site"] == {"profile": "fake", "config": "site.yml"}
    assert [(e["kind"], e["title"], e["depth"]) for e in report["outline"]] == EXPECTED
    assert report["left_out"] == [{"file": "stray.md", "why": "not in site.yml's navigation"}]


def test_part_titles_name_each_article_s_part():
    def article(slug, depth, kind="chapter"):
        return Article(
            source="" if kind == "part" else f"{slug}.md", slug=slug, title=slug, html="", kind=kind, depth=depth
        )

    book = Book(
        title="B",
        slug="b",
        language="en",
        articles=(article("a", 0), article("p", 0, "part"), article("c", 1), article("d", 2), article("e", 0)),
    )
    assert book.part_titles() == {"a": "B", "p": "p", "c": "p", "d": "p", "e": "B"}
