"""The download page: plain links, no script, no form, nothing from another host."""

from __future__ import annotations

import re

from conftest import book_file
from lxml import html as lxml_html


def test_page_lists_book_authors_articles_and_downloads(example_build):
    page = (example_build.output / "index.html").read_text()
    tree = lxml_html.fromstring(page)
    book = example_build.book
    assert tree.get("lang") == "en"
    assert book.title in tree.findtext(".//h1")
    for person in book.authors:
        assert person.name in page
    for article in book.articles:
        assert article.title in page
    hrefs = {a.get("href") for a in tree.iter("a") if a.get("download") is not None}
    assert hrefs == {book_file(example_build, ".epub").name, book_file(example_build, ".pdf").name}


def test_page_has_no_script_form_or_remote_resource(any_build):
    page = (any_build.output / "index.html").read_text()
    tree = lxml_html.fromstring(page)
    assert tree.findall(".//script") == [] and tree.findall(".//form") == [] and tree.findall(".//iframe") == []
    assert not re.search(r"\son[a-z]+=", page)
    for el in tree.iter():
        for attr in ("src", "srcset", "action", "poster", "data"):
            value = el.get(attr)
            assert value is None or "://" not in value, (el.tag, attr, value)
        if el.tag == "link":
            assert "://" not in el.get("href", "")
    css = (any_build.output / "assets" / "landing.css").read_text()
    assert "url(" not in css and "@import" not in css
    assert "script-src" in page or "default-src 'none'" in page
