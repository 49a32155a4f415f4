"""The EPUBs of real builds pass EPUBCheck with 0 errors and 0 warnings, and Ace finds nothing serious."""

from __future__ import annotations

import zipfile

from conftest import book_file
from validators import ace_serious, epubcheck_problems


def test_epubcheck_reports_nothing(any_build):
    assert epubcheck_problems(book_file(any_build, ".epub")) == []


def test_ace_finds_no_critical_or_serious_violation(any_build):
    assert ace_serious(book_file(any_build, ".epub")) == []


def test_epub_has_nav_ncx_landmarks_and_accessibility_metadata(example_build):
    with zipfile.ZipFile(book_file(example_build, ".epub")) as epub:
        names = epub.namelist()
        assert names[0] == "mimetype"
        assert epub.getinfo("mimetype").compress_type == zipfile.ZIP_STORED
        opf = epub.read("EPUB/content.opf").decode()
        nav = epub.read("EPUB/nav.xhtml").decode()
    assert "EPUB/toc.ncx" in names
    assert 'epub:type="landmarks"' in nav
    for prop in (
        "accessMode",
        "accessModeSufficient",
        "accessibilityFeature",
        "accessibilityHazard",
        "accessibilitySummary",
    ):
        assert f'property="schema:{prop}"' in opf
    assert 'properties="cover-image"' in opf
    assert "<dc:language>en</dc:language>" in opf
    for name in ("Mara Okafor", "Tomás Lindqvist"):
        assert name in opf
    for article in example_build.book.articles:
        assert article.title in nav


def test_images_are_embedded_not_linked(example_build):
    with zipfile.ZipFile(book_file(example_build, ".epub")) as epub:
        images = [n for n in epub.namelist() if n.startswith("EPUB/assets/")]
        texts = "".join(epub.read(n).decode() for n in epub.namelist() if n.endswith(".xhtml"))
    assert len(images) >= 3
    for name in images:
        assert name.removeprefix("EPUB/") in texts
    assert "https://" not in "".join(t for t in texts.split('href="') if t.startswith("src"))
