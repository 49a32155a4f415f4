"""Both real-world corpora build cleanly: EPUBCheck finds nothing, and every warning printed is one we chose.

../shared/corpora/hugo-docs (Hugo shortcodes, GitHub alerts, links to pages
left out, missing images) and ../shared/corpora/opensource-guide (raw HTML,
forms, remote avatars); their *.SOURCE.md files list what a tool meets there.
Each is built once per session; the Hugo one takes a while.
"""

from __future__ import annotations

import re
from collections import Counter

import pytest
from lxml import etree

from conftest import book_file, build_into, corpus
from validators import epubcheck_problems, pdfinfo

XHTML = "http://www.w3.org/1999/xhtml"

#: Every kind of warning a corpus may print, with the pattern of its message.
CHOSEN = {
    "remote image not fetched": r"remote image \S+ is not fetched",
    "missing image": r"image \S+ not found \(looked for ",
    "image type differs from its name": r"image \S+ is really image/\w+",
    "link to a page not in the book": r"link \S+ does not point at an article in this book",
    "link to an anchor not in the book": r"link to #\S+: no such heading or anchor",
    "shortcode that cannot run": r"Hugo shortcode '[\w./-]+' cannot run in a book: ",
    "image without alt text": r"image\(s\) have no alt text",
    "articles without author": r"article\(s\) name no author",
    "no base_url for share links": r"no \[book\] base_url",
}


def kind_of(message: str) -> str | None:
    return next((kind for kind, pattern in CHOSEN.items() if re.search(pattern, message)), None)


@pytest.fixture(scope="session")
def hugo_build(tmp_path_factory):
    """The hugo-docs corpus, built once for the session."""
    return build_into(corpus("hugo-docs"), tmp_path_factory.mktemp("hugo") / "dist")


@pytest.fixture(params=["hugo_build", "guide_build"])
def corpus_build(request):
    return request.getfixturevalue(request.param)


def text_outside_code(html: str) -> str:
    root = etree.fromstring(f'<div xmlns="{XHTML}">{html}</div>'.encode())
    return "".join(root.xpath('//text()[not(ancestor::*[local-name()="pre" or local-name()="code"])]'))


def test_epubcheck_finds_nothing(corpus_build):
    assert epubcheck_problems(book_file(corpus_build, ".epub")) == []


def test_every_warning_is_one_we_chose(corpus_build):
    unchosen = [str(w) for w in corpus_build.diagnostics.warnings if kind_of(w.message) is None]
    assert unchosen == []


def test_hugo_warnings_by_kind(hugo_build):
    kinds = Counter(kind_of(w.message) for w in hugo_build.diagnostics.warnings)
    assert {
        "missing image",
        "link to a page not in the book",
        "link to an anchor not in the book",
        "shortcode that cannot run",
    } <= set(kinds)
    # 14 references to the 12 images removed from the corpus; the 2 anchors live in snippets left out of it.
    assert kinds["missing image"] == 14
    assert kinds["link to an anchor not in the book"] == 2
    assert "remote image not fetched" not in kinds  # youtube and qr are links and text, never fetched


def test_each_shortcode_is_reported_once_per_file_with_its_line(hugo_build):
    seen = Counter()
    for warning in hugo_build.diagnostics.warnings:
        match = re.match(r"Hugo shortcode '([\w./-]+)'", warning.message)
        if match:
            assert warning.line, warning
            seen[(warning.path, match.group(1))] += 1
    assert seen and max(seen.values()) == 1
    handled = {"figure", "img", "highlight", "details", "new-in", "deprecated-in", "youtube", "qr"}
    assert not handled & {name for _, name in seen}
    # code-toggle is reported only where it reads the site's configuration (config=…), never when it has a body.
    for warning in hugo_build.diagnostics.warnings:
        if "'code-toggle'" in warning.message:
            assert "it shows the site's own settings" in warning.message


def test_no_shortcode_or_alert_marker_is_left_in_the_text(hugo_build):
    for article in hugo_build.book.articles:
        text = text_outside_code(article.html)
        for marker in ("{{<", "{{%", ">}}", "%}}", "[!NOTE]", "[!TIP]", "[!IMPORTANT]", "[!WARNING]", "[!CAUTION]"):
            assert marker not in text, (article.source, marker)


def test_alerts_became_admonitions(hugo_build):
    html = "".join(a.html for a in hugo_build.book.articles)
    counts = Counter(re.findall(r'class="admonition (\w+)"', html))
    # 63 alerts in the corpus (57 NOTE, 2 IMPORTANT, 2 CAUTION, 1 WARNING, 1 TIP) and 2 paired new-in/deprecated-in.
    assert counts["note"] >= 57 and counts["important"] == 2 and counts["caution"] == 2 and counts["tip"] == 1
    assert counts["warning"] == 1 + 1


def test_hugo_pdf_is_tagged(hugo_build):
    assert pdfinfo(book_file(hugo_build, ".pdf"))["Tagged"] == "yes"
