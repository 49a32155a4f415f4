"""The download page: plain links, no script, no form, nothing from another host."""

from __future__ import annotations

import re

from lxml import html as lxml_html

from conftest import book_file
from expect import article_titles, squash


def test_page_lists_book_authors_articles_and_downloads(example_build):
    page = (example_build.output / "index.html").read_text()
    tree = lxml_html.fromstring(page)
    book = example_build.book
    assert tree.get("lang") == "en"
    assert book.title in tree.findtext(".//h1")
    for person in book.authors:
        assert person.name in page
    listed = [squash(el.text_content()) for el in tree.find_class("article-title")]
    # Expected from the Markdown files, not from the Book: an article lost at discovery must be missed here.
    assert sorted(listed) == sorted(article_titles(book.source_dir))
    hrefs = {a.get("href") for a in tree.iter("a") if a.get("download") is not None}
    assert hrefs == {book_file(example_build, ext).name for ext in (".epub", ".pdf", ".zip")}


def test_page_has_no_script_form_or_remote_resource(any_build):
    page = (any_build.output / "index.html").read_text()
    tree = lxml_html.fromstring(page)
    scripts = tree.findall(".//script")
    assert all(s.get("type") == "application/ld+json" and s.get("src") is None for s in scripts), "only JSON-LD data"
    assert tree.findall(".//form") == [] and tree.findall(".//iframe") == [] and tree.findall(".//input") == []
    assert not re.search(r"\son[a-z]+=", page)
    for el in tree.iter():
        for attr in ("src", "srcset", "action", "poster", "data"):
            value = el.get(attr)
            assert value is None or "://" not in value, (el.tag, attr, value)
        loads = {"stylesheet", "icon", "preload", "prefetch", "modulepreload", "manifest", "dns-prefetch", "preconnect"}
        if el.tag == "link" and loads & set((el.get("rel") or "").split()):
            assert "://" not in el.get("href", ""), el.get("href")
    css = (any_build.output / "assets" / "landing.css").read_text()
    assert "url(" not in css and "@import" not in css
    assert "script-src" in page or "default-src 'none'" in page
