"""Spotlight and causes: "Recommended by the authors" and "This book is free…" in the books; the Mastodon page at 360 px."""

from __future__ import annotations

import re
import zipfile

import pytest
from lxml import etree

from packager.book.model import Article, Book, Cause, Recommendation
from packager.content import attribution
from packager.diagnostics import Diagnostics
from packager.project import themes
from packager.transforms import spotlight

from conftest import book_file, build_into, write_tree
from validators import epubcheck_problems, pdftotext_pages, serve_dir

XHTML = "{http://www.w3.org/1999/xhtml}"

RIVERS = ("The Field Guide to Rivers", "Rui Ortega", "https://rivers.example.net/guide", "How water shapes land.")
SKY = ("Night Sky Notes", "Mina Saito", "https://sky.example.com/notes/", "Short essays that make you look up.")
KNOTS = ("A Patient Introduction to Knots", "Lee Moreau", "https://knots.example.org/intro", "It teaches by drawing.")
CAUSE = ("Open Libraries Fund", "https://libraries.example.org/give", "It keeps reading rooms open and free.")
SUPPORT_OPENING = "This book is free. If it helped you, consider supporting"

PROJECT = {
    "packager.toml": f"""[book]
title = "Spot Book"
authors = ["Ada Writer"]
base_url = "https://books.example.org/spot/"
license = "CC-BY-4.0"

[[spotlight]]
title = "{RIVERS[0]}"
author = "{RIVERS[1]}"
url = "{RIVERS[2]}"
why = "{RIVERS[3]}"

[[spotlight]]
title = "{SKY[0]}"
author = "{SKY[1]}"
url = "{SKY[2]}"
why = "{SKY[3]}"

[[causes]]
name = "{CAUSE[0]}"
url = "{CAUSE[1]}"
why = "{CAUSE[2]}"
""",
    "a-first.md": f"""---
title: First steps
recommends:
  - title: {KNOTS[0]}
    author: {KNOTS[1]}
    url: {KNOTS[2]}
    why: {KNOTS[3]}
  - title: Seen already
    url: {SKY[2]}
  - title: Not on the web
    url: ftp://files.example.org/book
  - just a title
---
# First steps

Some text.
""",
    "b-second.md": "---\ntitle: Second\n---\nMore text.\n",
}


def _theme(tmp_path):
    return themes.load("default", tmp_path)


def _book(*articles: Article) -> Book:
    return Book(title="T", slug="t", language="en", articles=articles)


def _article(slug: str, kind: str = "chapter", recommends=()) -> Article:
    return Article(
        source=f"{slug}.md" if kind == "chapter" else "",
        slug=slug,
        title=slug.title(),
        html="<p>x</p>",
        kind=kind,
        ids=frozenset({slug}),
        recommends=recommends,
    )


# --- the front matter ---


def test_recommends_in_front_matter_become_the_articles_recommendations():
    diagnostics = Diagnostics()
    meta = {
        "recommends": [
            {"title": " A   Title ", "url": "https://a.example/x", "author": "Someone", "why": "Because."},
            {"title": "No scheme", "url": "a.example/x"},
            {"title": "Mail", "url": "mailto:me@example.org"},
            {"url": "https://b.example/"},
            {"title": "Numbers", "url": "https://c.example/", "why": 42},
            "https://d.example/",
        ]
    }
    found = attribution.recommendations(meta, "notes/a.md", diagnostics)
    assert found == (
        Recommendation(
            title="A Title", url="https://a.example/x", author="Someone", why="Because.", article="notes/a.md"
        ),
    )
    warned = [w for w in diagnostics.warnings if w.kind == "front matter entries ignored"]
    assert len(warned) == 5 and all(w.path == "notes/a.md" for w in warned), warned


def test_one_recommendation_may_be_a_mapping_without_a_list():
    diagnostics = Diagnostics()
    found = attribution.recommendations({"recommends": {"title": "T", "url": "http://x.example/"}}, "a.md", diagnostics)
    assert [(r.title, r.url, r.author, r.article) for r in found] == [("T", "http://x.example/", None, "a.md")]
    assert not diagnostics.warnings
    assert attribution.recommendations({}, "a.md", diagnostics) == ()


# --- the transform ---


def test_a_book_with_neither_is_given_back_unchanged(tmp_path):
    book = _book(_article("one"), _article("credits", "credits"), _article("share", "share"))
    assert spotlight.apply(book, (), (), _theme(tmp_path), Diagnostics()) is book


def test_recommendations_go_before_the_back_matter_and_the_causes_last(tmp_path):
    own = Recommendation(title="Theirs", url="https://own.example/", article="one.md")
    again = Recommendation(title="Dup from article", url="https://spot.example/", article="one.md")
    spot = (Recommendation(title="Spot", url="https://spot.example/", author="Bo", why="Good."),)
    book = _book(_article("one", recommends=(own, again)), _article("credits", "credits"), _article("share", "share"))
    causes = (Cause(name="Fund", url="https://fund.example/", why="Helps."),)
    result = spotlight.apply(book, spot, causes, _theme(tmp_path), Diagnostics())
    assert [a.kind for a in result.articles] == ["chapter", "recommended", "credits", "share", "support"]
    assert [r.title for r in result.recommended] == ["Spot", "Theirs"]  # one per URL, the first kept
    assert result.causes == causes
    section = result.articles[1]
    assert section.title == "Recommended by the authors" and section.is_generated
    assert '<a href="https://spot.example/"><cite>Spot</cite></a> by Bo' in section.html
    assert "Dup from article" not in section.html
    assert 'Recommended in <a href="#one">“One”</a>' in section.html
    last = result.articles[-1]
    assert re.sub(r"<[^>]+>", "", last.html).startswith(SUPPORT_OPENING + " Fund. Helps.")
    assert '<a href="https://fund.example/">Fund</a>' in last.html


def test_without_back_matter_the_recommendations_end_the_book(tmp_path):
    spot = (Recommendation(title="Spot", url="https://spot.example/"),)
    result = spotlight.apply(_book(_article("one")), spot, (), _theme(tmp_path), Diagnostics())
    assert [a.kind for a in result.articles] == ["chapter", "recommended"]
    assert "support" not in {a.kind for a in result.articles}


def test_causes_alone_add_no_recommendations(tmp_path):
    causes = (Cause(name="A", url="https://a.example/"), Cause(name="B", url="https://b.example/", why="Why B."))
    result = spotlight.apply(_book(_article("one")), (), causes, _theme(tmp_path), Diagnostics())
    assert [a.kind for a in result.articles] == ["chapter", "support"]
    assert result.recommended == ()
    html = result.articles[-1].html
    assert '<a href="https://a.example/">A</a>' in html and '<a href="https://b.example/">B</a>: Why B.' in html


def test_the_sections_slugs_never_collide(tmp_path):
    book = _book(_article("recommended"), _article("support"), _article("packager-support"))
    spot = (Recommendation(title="Spot", url="https://spot.example/"),)
    causes = (Cause(name="Fund", url="https://fund.example/"),)
    result = spotlight.apply(book, spot, causes, _theme(tmp_path), Diagnostics())
    slugs = [a.slug for a in result.articles]
    assert slugs == ["recommended", "support", "packager-support", "packager-recommended", "packager-support-2"]
    assert len(set(slugs)) == len(slugs)


def test_a_link_no_book_can_hold_is_left_out_with_a_warning(tmp_path):
    diagnostics = Diagnostics()
    spot = (
        Recommendation(title="Broken", url="https://bad host.example/"),
        Recommendation(title="Ok", url="https://ok.example/"),
    )
    result = spotlight.apply(_book(_article("one")), spot, (), _theme(tmp_path), diagnostics)
    assert [r.title for r in result.recommended] == ["Ok"]
    assert [w.kind for w in diagnostics.warnings] == ["recommendations and causes left out"]


# --- a real build ---


@pytest.fixture(scope="module")
def spotlight_build(tmp_path_factory):
    source = write_tree(tmp_path_factory.mktemp("spotlight"), PROJECT)
    return build_into(source, source / "dist")


def _epub_documents(epub) -> list[etree._Element]:
    """The EPUB's content documents in spine order."""
    with zipfile.ZipFile(epub) as book:
        opf = etree.fromstring(book.read("EPUB/content.opf"))
        ns = {"o": "http://www.idpf.org/2007/opf"}
        hrefs = {i.get("id"): i.get("href") for i in opf.iterfind(".//o:manifest/o:item", ns)}
        order = [hrefs[ref.get("idref")] for ref in opf.iterfind(".//o:spine/o:itemref", ns)]
        return [etree.fromstring(book.read(f"EPUB/{href}")) for href in order]


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_the_epub_recommends_and_points_to_the_cause(spotlight_build):
    epub = book_file(spotlight_build, ".epub")
    assert epubcheck_problems(epub) == []
    documents = _epub_documents(epub)
    sections = [d.find(f".//{XHTML}section") for d in documents]
    kinds = [s.get("class", "") if s is not None else "" for s in sections]
    recommended = next(i for i, k in enumerate(kinds) if "recommended" in k.split())
    credits = next(i for i, k in enumerate(kinds) if "credits" in k.split())
    assert recommended < credits and "support" in kinds[-1].split(), kinds
    text = _flat("".join(documents[recommended].itertext()))
    for title, author, url, why in (RIVERS, SKY, KNOTS):
        assert f"{title} by {author}" in text and why in text and url in text
    assert "Recommended in “First steps”" in text
    assert "Seen already" not in text and "Not on the web" not in text
    links = {a.get("href"): "".join(a.itertext()) for d in documents for a in d.iter(f"{XHTML}a")}
    assert links[RIVERS[2]] == RIVERS[0] and links[KNOTS[2]] == KNOTS[0]
    assert links[CAUSE[1]] == CAUSE[0]
    last = _flat("".join(sections[-1].itertext()))
    assert f"{SUPPORT_OPENING} {CAUSE[0]}. {CAUSE[2]}" in last
    ignored = [w for w in spotlight_build.diagnostics.warnings if w.kind == "front matter entries ignored"]
    assert [w.path for w in ignored] == ["a-first.md", "a-first.md"]  # the ftp link and the bare string


def test_the_pdf_recommends_and_ends_with_the_cause(spotlight_build):
    import pikepdf

    pdf = book_file(spotlight_build, ".pdf")
    pages = [_flat(p) for p in pdftotext_pages(pdf)]
    assert SUPPORT_OPENING in pages[-1] and CAUSE[0] in pages[-1] and CAUSE[1] in pages[-1]
    assert all(SUPPORT_OPENING not in p for p in pages[:-1])
    start = next(i for i, p in enumerate(pages) if "Recommended by the authors Other people's work" in p)
    assert start >= len(pages) - 4, (start, len(pages))  # among the last pages: the credits and share pages follow
    back = " ".join(pages[start:])
    for title, author, _url, why in (RIVERS, SKY, KNOTS):
        assert f"{title} by {author}" in back and why in back
    with pikepdf.open(pdf) as doc:
        uris = {
            str(annot.A.URI)
            for page in doc.pages
            for annot in page.get("/Annots", [])
            if annot.get("/Subtype") == "/Link" and "/A" in annot and "/URI" in annot.A
        }
    assert {RIVERS[2], SKY[2], KNOTS[2], CAUSE[1]} <= uris, uris


# --- the Mastodon share page ---


def test_the_mastodon_page_has_no_horizontal_scroll_at_360px(tmp_path):
    from playwright.sync_api import sync_playwright

    from validators import CHROMIUM, CHROMIUM_ARGS

    source = write_tree(
        tmp_path,
        {
            "packager.toml": '[book]\ntitle = "A Book With a Reasonably Long Title"\nauthors = ["Ada"]\n'
            'base_url = "https://books.example.org/a-long-path/to-the-book/for-sharing/"\n',
            "a.md": "# A\n\nText.\n",
        },
    )
    result = build_into(source, source / "dist")
    assert (result.output / "share-mastodon.html").is_file()
    with serve_dir(result.output) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 360, "height": 800})
            page.goto(f"{base}share-mastodon.html")
            assert page.evaluate("document.documentElement.scrollWidth") <= 360
        finally:
            browser.close()
