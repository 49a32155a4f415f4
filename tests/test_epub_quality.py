"""The EPUBs of real builds pass EPUBCheck with 0 errors and 0 warnings, and Ace finds nothing serious."""

from __future__ import annotations

import zipfile

from lxml import etree

from conftest import book_file
from expect import article_titles, epub_with_insert, remote_resources, squash
from validators import ace_serious, epubcheck_problems

OPS = "{http://www.idpf.org/2007/ops}type"


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
    toc = next(n for n in etree.fromstring(nav.encode()).iter("{*}nav") if n.get(OPS) == "toc")
    entries = [squash("".join(a.itertext())) for a in toc.iter("{*}a")]
    # Expected from the Markdown files, not from the Book: an article lost at discovery must be missed here.
    for title in article_titles(example_build.book.source_dir):
        assert entries.count(title) == 1, f"{title!r} is not one entry of the contents: {entries}"


def test_images_are_embedded_not_linked(example_build):
    with zipfile.ZipFile(book_file(example_build, ".epub")) as epub:
        images = [n for n in epub.namelist() if n.startswith("EPUB/assets/")]
        texts = "".join(epub.read(n).decode() for n in epub.namelist() if n.endswith(".xhtml"))
    assert len(images) >= 3
    for name in images:
        assert name.removeprefix("EPUB/") in texts
    assert remote_resources(book_file(example_build, ".epub")) == []


def test_no_entry_loads_anything_from_the_web(any_build):
    """The guide links to remote avatars: they must be dropped, never left for the reader to fetch."""
    assert remote_resources(book_file(any_build, ".epub")) == []


def test_remote_resources_reports_an_injected_remote_image(example_build, tmp_path):
    """The check above can fail: a remote img@src in one article is reported, with its entry."""
    remote = b'<img src="https://example.org/x.png" alt="x"/>'
    entry = epub_with_insert(book_file(example_build, ".epub"), tmp_path / "remote.epub", remote)
    assert remote_resources(tmp_path / "remote.epub") == [f"{entry}: img@src https://example.org/x.png"]
