"""The EPUB's page list matches the PDF: each entry N marks the block where PDF page N begins (issue 19, must-show 4).

The checks read the books as a reader's tools do, not packager's data: page N's first line comes from
``pdftotext -bbox`` (below the running heads), the front pages from the PDF's outline, the markers and
the page list from the EPUB's files.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from conftest import EXAMPLE, book_file, build_into
from validators import ace_serious, epubcheck_problems, pdf_outline, pdfinfo, pdftotext_words, require_tool

NS = {"h": "http://www.w3.org/1999/xhtml", "epub": "http://www.idpf.org/2007/ops"}
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"
#: The default theme's page (A5) and margins, in points: the running heads sit above TOP, the folio below BOTTOM.
#: What ends a word hyphenated at a line's end (WeasyPrint writes U+2010).
HYPHENS = ("-", "\u2010", "\u00ad")
#: The elements a page can begin in (as HTML knows them): the marker's block is the nearest of them around it.
BLOCKS = {"p", "li", "dt", "dd", "pre", "td", "th", "caption", "blockquote", "figure", "figcaption", "div", "section"}
BLOCKS |= {"aside", "details", "summary", "address", "header", "footer", "h1", "h2", "h3", "h4", "h5", "h6"}
TOP, BOTTOM = 20 * 72 / 25.4, 595.28 - 22 * 72 / 25.4


def _squash(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).split())


class Books:
    """A build's EPUB and PDF, read once: the page list, the markers' blocks, each PDF page's first line."""

    def __init__(self, build):
        self.epub, self.pdf = book_file(build, ".epub"), book_file(build, ".pdf")
        self.pages = int(pdfinfo(self.pdf)["Pages"])
        with zipfile.ZipFile(self.epub) as archive:
            self.files = {n.removeprefix("EPUB/"): archive.read(n) for n in archive.namelist() if n.endswith(".xhtml")}
            self.opf = archive.read("EPUB/content.opf").decode("utf-8")
        nav = etree.fromstring(self.files["nav.xhtml"])
        lists = nav.findall(".//h:nav", NS)
        page_lists = [n for n in lists if n.get(EPUB_TYPE) == "page-list"]
        self.entries = [(a.text, a.get("href")) for a in page_lists[0].iterfind(".//h:a", NS)] if page_lists else []
        self.page_lists = len(page_lists)
        self.trees = {name: etree.fromstring(data) for name, data in self.files.items() if name != "nav.xhtml"}
        first_article = next(page for level, title, page in pdf_outline(self.pdf) if level == 1 and title != "Contents")
        self.front = first_article - 1  # cover, title page and contents: the pages the list leaves out

    def block_text(self, href: str) -> tuple[str, str]:
        """The text of the marker's block from the marker on, and the block's tag (a cell's: its row's text on)."""
        name, _, target = href.partition("#")
        tree = self.trees[name]
        marker = tree.find(f".//*[@id='{target}']")
        assert marker is not None, f"{href}: no element with that id"
        assert marker.get(EPUB_TYPE) == "pagebreak" and marker.get("role") == "doc-pagebreak", href
        block = next(e for e in marker.iterancestors() if etree.QName(e).localname in BLOCKS)
        if etree.QName(block).localname in ("td", "th"):
            block = block.getparent()  # a page that begins in a table row: its line runs across the cells
        found: list[str] = []
        on = False

        def walk(element) -> None:
            nonlocal on
            if element is marker:
                on = True
                return
            if on:
                found.append(element.text or "")
            for child in element:
                walk(child)
                if on:
                    found.append(child.tail or "")

        walk(block)
        return _squash("".join(found)), etree.QName(block).localname

    def _content(self, page: int) -> list[tuple]:
        return [w for w in pdftotext_words(self.pdf, page) if w[2] > TOP - 6 and w[4] < BOTTOM and _squash(w[0])]

    def lines(self, page: int) -> list[list[str]]:
        """Page's lines of content (below the running heads), by pdftotext: their words, left to right.

        A word hyphenated across the page break is made whole: its start ends the page before.
        """
        words = self._content(page)
        rows: list[list[tuple]] = []
        for word in sorted(words, key=lambda w: (w[2], w[1])):
            if rows and word[2] < rows[-1][0][2] + 3:
                rows[-1].append(word)
            else:
                rows.append([word])
        found = [[_squash(w[0]) for w in sorted(row, key=lambda w: w[1])] for row in rows]
        before = self._content(page - 1)
        if found and before:
            bottom = max(w[2] for w in before)
            last = max((w for w in before if w[2] > bottom - 3), key=lambda w: w[1])
            # A footnote's last line can end hyphenated too: a word's rest starts in lower case.
            if last[0].endswith(HYPHENS) and found[0][0][:1].islower():
                found[0] = [last[0].rstrip("".join(HYPHENS)) + found[0][0], *found[0][1:]]
        return found

    def images(self, page: int) -> int:
        """How many images pdfimages finds drawn on page."""
        exe = shutil.which("pdfimages")
        require_tool("pdfimages", exe is not None, "apt-get install poppler-utils")
        listing = subprocess.run(
            [exe, "-list", "-f", str(page), "-l", str(page), str(self.pdf)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.splitlines()[2:]
        return len([line for line in listing if line.split()[2] == "image"])

    def marker(self, href: str):
        name, _, target = href.partition("#")
        return self.trees[name].find(f".//*[@id='{target}']")


def probe(words: list[str]) -> str:
    """What the text from a marker on must begin with: a line's first words (up to four, and not a word split at
    the line's end), without a list's bullet or number."""
    words = list(words)
    if len(words) > 1 and re.fullmatch(r"[•◦▪‣–-]|\d+[.)]|[a-z][.)]", words[0]):
        words = words[1:]
    if len(words) > 1 and words[-1].endswith(HYPHENS):
        words = words[:-1]  # hyphenated at the line's end: the EPUB has the whole word
    return " ".join(words[:4])


@pytest.fixture(scope="module", params=["example_build", "guide_build"])
def books(request) -> Books:
    return Books(request.getfixturevalue(request.param))


def test_the_page_list_has_every_page_after_the_front_matter(books):
    """Entry labels are the PDF's page numbers, one per page from the first article's to the last page."""
    assert books.page_lists == 1
    assert books.front >= 2  # at least the title page and the contents
    labels = [label for label, _ in books.entries]
    assert labels == [str(n) for n in range(books.front + 1, books.pages + 1)]
    assert len(books.entries) == books.pages - books.front
    ids = [href.partition("#")[2] for _, href in books.entries]
    assert len(set(ids)) == len(ids)


def _begins(text: str, line: str) -> bool:
    """Whether text begins with line, or with line's first word as the rest of a word hyphenated across
    the page break where the previous page's last line is not the block's (a table row's other cells)."""
    if text.startswith(line):
        return True
    first, _, rest = text.partition(" ")
    head = line.partition(" ")[0]
    return len(head) >= 3 and first.endswith(head) and (head + (" " + rest if rest else "")).startswith(line)


def _in_header(words: list[str], head) -> bool:
    """Whether a line's words are all words (or hyphenated pieces of words) of the table's header row."""
    header = _text([head])
    return all(w.rstrip("".join(HYPHENS)) in header for w in words)


def _text(elements) -> str:
    return _squash("".join("".join(e.itertext()) for e in elements))


def test_every_marker_is_in_the_block_where_its_pdf_page_begins(books):
    """The EPUB's text from marker N on (in its block) begins with PDF page N's first line (from pdftotext).

    Two kinds of page begin elsewhere than at a line of their own: a page that goes on with a table repeats
    its header row first (the page begins below it, in the body row), and a page that begins with an image
    (pdfimages finds it on the page) has its first line in the blocks after the image's.
    """
    missed, lines, kinds = [], 0, {"header": 0, "image": 0}
    for label, href in books.entries:
        found = books.lines(int(label))
        if not found:  # a page with no text (an image alone): nothing to read
            continue
        lines += 1
        text, tag = books.block_text(href)
        block = next(e for e in books.marker(href).iterancestors() if etree.QName(e).localname in BLOCKS)
        table = next(block.iterancestors("{*}table"), None)
        head = table.find("h:thead", NS) if table is not None else None
        starts_here = head is not None and any(e is head for e in books.marker(href).iterancestors())
        if head is not None and not starts_here and len(found) > 1 and _in_header(found[0], head):
            while len(found) > 1 and _in_header(found[0], head):  # a header row can take several lines
                found = found[1:]
            kinds["header"] += 1
        if not text and block.find(".//h:img", NS) is not None:
            assert books.images(int(label)) > 0, f"page {label}: marked at an image, but the page has none"
            text, kinds["image"] = _text(list(block.itersiblings())[:3]), kinds["image"] + 1
        if not _begins(text, probe(found[0])):
            missed.append((label, href, tag, probe(found[0]), text[:120]))
    assert lines >= 0.9 * len(books.entries)
    assert not missed, missed[:5]
    assert kinds["header"] + kinds["image"] < 0.1 * len(books.entries), kinds


def test_markers_one_page_off_would_be_caught(books):
    """The check above tells pages apart: against marker N+1 or N-1, hardly any page's first line is found."""
    entries = books.entries
    for shift in (1, -1):
        found = 0
        for i, (label, _) in enumerate(entries):
            if not 0 <= i + shift < len(entries):
                continue
            lines = books.lines(int(label))
            found += bool(lines) and books.block_text(entries[i + shift][1])[0].startswith(probe(lines[0]))
        assert found < 0.05 * len(entries), (shift, found, len(entries))


def test_the_package_declares_the_page_list_and_its_source(books):
    opf = books.opf
    assert '<meta property="schema:accessibilityFeature">pageBreakMarkers</meta>' in opf
    assert '<meta property="schema:accessibilityFeature">pageNavigation</meta>' in opf
    source = re.search(r'<meta property="pageBreakSource">([^<]*)</meta>', opf)
    assert source is not None and books.pdf.name in source[1], opf


def test_epubcheck_and_ace_pass_the_book_with_its_page_list(books):
    assert epubcheck_problems(books.epub) == []
    assert ace_serious(books.epub) == []


@pytest.mark.parametrize("name", ["example_build", "guide_build"])
def test_the_download_page_says_page_numbers_match_the_pdf(request, name):
    build = request.getfixturevalue(name)
    page = (build.output / "index.html").read_text(encoding="utf-8")
    assert page.count("page numbers match the PDF") == 1


def test_an_epub_alone_has_no_page_list(tmp_path):
    """Without the PDF there are no pages to match: no markers, no page-list nav, no pagination metadata."""
    build = build_into(EXAMPLE, tmp_path / "dist", formats=("epub",), use_cache=False)
    with zipfile.ZipFile(book_file(build, ".epub")) as archive:
        text = "".join(archive.read(n).decode("utf-8") for n in archive.namelist() if n.endswith((".xhtml", ".opf")))
    assert "pagebreak" not in text and "page-list" not in text
    assert "pageBreakSource" not in text and "pageBreakMarkers" not in text and "pageNavigation" not in text
    assert "page numbers match the PDF" not in (build.output / "index.html").read_text(encoding="utf-8")


def test_a_build_from_cached_parts_gives_the_same_epub(guide_build, tmp_path):
    """The guide's PDF is laid out in parts: a second build takes them from the part cache, page starts and all."""
    again = build_into(Path(guide_build.book.source_dir), tmp_path / "dist")
    assert book_file(again, ".epub").read_bytes() == book_file(guide_build, ".epub").read_bytes()
    assert book_file(again, ".pdf").read_bytes() == book_file(guide_build, ".pdf").read_bytes()


def test_a_sharded_build_gives_the_one_builds_page_list(tmp_path):
    """The example's PDF is laid out in one go by one shard, which records its page starts; assemble makes the EPUB."""
    from test_shards import ok, packager, sharded, tree

    whole = tmp_path / "whole"
    ok(packager("build", str(EXAMPLE), "-o", str(whole / "dist"), cache=whole / "cache", cwd=tmp_path))
    (tmp_path / "two").mkdir()
    dist, plan, _ = sharded(EXAMPLE, 2, tmp_path / "two")
    assert [p for item in plan["include"] for p in item["epubs"]] == []  # made by assemble, after the PDF
    assert tree(dist) == tree(whole / "dist")
    with zipfile.ZipFile(next(dist.glob("*.epub"))) as archive:
        assert 'epub:type="page-list"' in archive.read("EPUB/nav.xhtml").decode("utf-8")


def test_the_walk_finds_each_pages_first_block():
    """WeasyPrint's boxes, walked: a paragraph over pages, a table whose header repeats, an image, a blank page."""
    import weasyprint

    from packager.project import themes
    from packager.render import fonts
    from packager.render.pdf import book_page_starts as numbered
    from packager.render.pdf.starts import page_starts

    fonts.use(fonts.setup(themes.load(themes.DEFAULT_THEME, Path("."))).conf)  # the same pages on every machine

    cells = "".join(f'<tr><td data-page-block="{2 + i}">row {i}</td></tr>' for i in range(60))
    html = f"""<html lang="en"><head><title>t</title><style>@page {{ size: A7; margin: 10mm }}
    .recto {{ break-before: right }} img {{ display: block; width: 40mm; height: 80mm }}</style></head><body>
    <p>front matter</p>
    <section class="article" id="one" style="break-before: page"><h1>One</h1>
    <p data-page-block="0">{"word " * 120}</p>
    <table><thead><tr><th data-page-block="1">Head</th></tr></thead><tbody>{cells}</tbody></table></section>
    <section class="article recto" id="two"><h1>Two</h1>
    <figure data-page-block="0" style="break-before: page"><img alt=""
    src="data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' width='10' height='10'/%3E"></figure></section></body></html>"""
    found = page_starts(weasyprint.HTML(string=html).render())
    assert found[0] is None  # the front matter
    assert found[1] == ("one", -1, 0)  # the title
    paragraph = [i for i, f in enumerate(found) if f and f[:2] == ("one", 0)]
    assert len(paragraph) >= 2 and paragraph == list(range(2, 2 + len(paragraph)))  # each page it runs over
    table = [f for f in found if f and f[0] == "one" and f[1] >= 1]
    assert table and all(f[1] >= 2 for f in table[1:])  # a page the table runs on to begins at a body row
    assert [f[2] for f in found[1 : 1 + len(paragraph) + 1]] == sorted(f[2] for f in found[1 : 1 + len(paragraph) + 1])
    assert found[paragraph[0]][2] > 0  # a page that goes on with the paragraph begins inside it
    assert all(found[i][2] % 4 == 0 for i in paragraph)  # at a word of "word word ...": 4 characters each
    assert found[-1] == ("two", 0, 0)  # the image's figure
    blank = found.index(None, 1)  # break-before: right leaves a blank page before "two" (in the default theme's fonts)
    assert found[blank + 1] == ("two", -1, 0)
    starts = numbered(list(found))
    assert [s.folio for s in starts] == list(range(2, len(found) + 1))  # page 1, the front matter, left out
    assert (starts[blank - 1].article, starts[blank - 1].block) == ("two", -1)  # the blank page: where "two" begins


def test_a_page_that_begins_inside_a_block_is_marked_before_its_word():
    """The EPUB's side: characters counted as the PDF counts them (not white space, a footnote call, a formula)."""
    from packager.render.epub_page_list import mark_blocks

    xhtml = (
        '<div xmlns="http://www.w3.org/1999/xhtml"><p>alpha <em>be ta</em><sup><a class="noteref" href="#n">1</a>'
        '</sup> gamma <math xmlns="http://www.w3.org/1998/Math/MathML"><mi>x</mi></math> delta</p><p>next</p></div>'
    )
    for offset, before in ((0, "alpha"), (3, "alpha"), (7, "ta"), (9, "gamma"), (14, "delta")):
        root = etree.fromstring(xhtml)
        assert mark_blocks(root, [(5, 0, offset)]) == []
        marker = root.find(".//*[@id='page_5']")
        assert marker.get(EPUB_TYPE) == "pagebreak" and marker.get("aria-label") == "5"
        assert (marker.tail or "").lstrip().startswith(before), (offset, etree.tostring(root))
    root = etree.fromstring(xhtml)
    assert mark_blocks(root, [(5, 0, 99)]) == []  # beyond the block's text: at its start
    assert root[0][0].get("id") == "page_5" and root[0][0].tail == "alpha "
    assert mark_blocks(etree.fromstring(xhtml), [(4, -1, 0), (6, 7, 0)]) == [(4, -1), (6, 7)]  # for the title
