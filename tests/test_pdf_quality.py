"""The PDFs of real builds are tagged, embed their fonts, and their contents page tells the truth."""

from __future__ import annotations

import re
from collections import Counter

import pikepdf

from conftest import TESTS, book_file, build_into
from expect import article_titles, back_matter, sections
from expect import squash as _squash
from validators import (
    pdf_glyph_use,
    pdf_outline,
    pdffonts,
    pdfinfo,
    pdftotext_pages,
    pdfua,
    pdfua_unexpected_skips,
    qpdf_check,
)


def _expected_titles(build) -> list[str]:
    """The articles the build's source holds, read from its Markdown files, not from the Book under test."""
    return article_titles(build.book.source_dir)


def test_pdf_is_tagged_with_metadata(any_build):
    info = pdfinfo(book_file(any_build, ".pdf"))
    book = any_build.book
    assert info["Tagged"] == "yes"
    assert info["Title"] == book.title
    assert int(info["Pages"]) > len(_expected_titles(any_build))
    if book.authors:
        assert book.authors[0].name in info["Author"]


def test_every_font_is_embedded(any_build):
    fonts = pdffonts(book_file(any_build, ".pdf"))
    assert fonts, "the PDF has no fonts at all"
    assert [f["name"] for f in fonts if not f["emb"]] == []


def test_no_glyph_drawn_is_notdef(any_build):
    """No missing-glyph box anywhere (the example's task lists drew 8 before their open box was ◻)."""
    use = pdf_glyph_use(book_file(any_build, ".pdf"))
    assert {font: counts for font, counts in use.items() if counts[1]} == {}


def test_qpdf_finds_no_structural_problem(any_build):
    code, output = qpdf_check(book_file(any_build, ".pdf"))
    assert code == 0, output


def test_pdfua_finds_no_error_and_no_warning(any_build):
    """pdfua (PDF/UA-1's machine-checkable subset): 0 errors, 0 warnings, every rule run but its known skips."""
    report = pdfua(book_file(any_build, ".pdf"))
    findings = [(f.get("rule_id"), f.get("severity"), f.get("message")) for f in report["findings"]]
    assert report["summary"]["errors"] == report["summary"]["warnings"] == 0, findings
    assert pdfua_unexpected_skips(report) == []


def test_outline_has_one_top_entry_per_article(any_build):
    """Level 1 holds the contents page, each article once, then the back matter: nothing else, nothing twice."""
    source = any_build.book.source_dir
    # Articles of a section (a sub-folder with an index) would sit one level down; neither book has one.
    assert sections(source) == [], "a book with sections: expect its articles at level 2"
    outline = pdf_outline(book_file(any_build, ".pdf"))
    top = [_squash(title) for level, title, page in outline if level == 1]
    assert all(page is not None for level, title, page in outline if level == 1), outline
    expected = ["Contents", *_expected_titles(any_build), *back_matter(source)]
    assert Counter(top) == Counter(expected), f"level-1 bookmarks {top}, expected {expected}"


def test_every_article_title_is_in_the_text(any_build):
    text = _squash(" ".join(pdftotext_pages(book_file(any_build, ".pdf"))))
    for title in _expected_titles(any_build):
        assert title in text, f"{title!r} is not in the text"


def test_contents_page_numbers_are_where_articles_start(any_build):
    """Read the printed contents page, then check each article's heading is on the page it names."""
    pdf = book_file(any_build, ".pdf")
    pages = pdftotext_pages(pdf)
    outline = {(_squash(title)): page for level, title, page in pdf_outline(pdf) if page}
    toc_pages = [i for i, text in enumerate(pages) if text.lstrip().startswith("Contents")]
    assert toc_pages, "no page starts with 'Contents'"
    toc_text = "\n".join(pages[toc_pages[0] : toc_pages[0] + 3])
    listed: dict[str, int] = {}
    pending = ""
    for line in toc_text.splitlines():
        match = re.match(r"^(.*?)[\s.]*?(\d+)\s*$", line.strip())
        if match and (match.group(1).strip(" .") or pending):  # a number alone ends the pending title
            title = _squash(pending + " " + match.group(1).rstrip(" ."))
            listed[title] = int(match.group(2))
            pending = ""
        elif line.strip() and line.strip() != "Contents":
            pending += " " + line.strip()
    books_titles = _expected_titles(any_build)
    assert set(books_titles) <= set(listed), f"missing from contents: {set(books_titles) - set(listed)}"
    for title in books_titles:
        number = listed[title]
        body = _squash(" ".join(pages[number - 1].splitlines()[1:]))  # first line is the running head
        assert body.startswith(title) or title in body[: len(title) + 40], (
            f"contents says {title!r} starts on page {number}, but that page begins {body[:80]!r}"
        )
        assert outline.get(title) == number, f"bookmark for {title!r} points at page {outline.get(title)}"
    # The expected titles are in file order, not book order: the contents must list pages in the order they come.
    numbers = [number for title, number in listed.items() if title in books_titles]
    assert numbers == sorted(numbers), "contents out of order"


def test_footnotes_sit_at_the_foot_of_their_page(example_build):
    pages = pdftotext_pages(book_file(example_build, ".pdf"))
    page = next(p for p in pages if "In July 1971 Michael Hart" in p)
    lines = [line for line in page.splitlines() if line.strip()]
    index = next(i for i, line in enumerate(lines) if "In July 1971" in line)
    assert index > len(lines) // 2, "the footnote text is not in the lower part of its page"


def test_internal_and_external_links_are_clickable(example_build):
    from pypdf import PdfReader

    reader = PdfReader(book_file(example_build, ".pdf"))
    internal = external = 0
    for page in reader.pages:
        for annot in page.get("/Annots") or []:
            annot = annot.get_object()
            action = annot.get("/A")
            if annot.get("/Dest") is not None or (action and action.get("/S") == "/GoTo"):
                internal += 1
            elif action and action.get("/S") == "/URI":
                external += 1
    assert internal >= 15, f"only {internal} internal links"
    assert external >= 5, f"only {external} external links"


def test_header_cells_carry_the_scope_of_their_html(tmp_path):
    """Each /TH gets /Scope: /Row where the HTML's header cell heads a row, /Column where it heads a column."""
    result = build_into(TESTS / "cases" / "markdown" / "table-headers" / "input", tmp_path / "dist", formats=("pdf",))
    scopes = Counter()
    with pikepdf.open(book_file(result, ".pdf")) as pdf:
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Dictionary) and obj.get("/S") == "/TH":
                scopes[str(obj.A.get("/Scope"))] += 1
    # Rows: Editor, Checker, Total. Columns: the other nine, "Reading" among them: its scope="rowgroup"
    # is a column header to WeasyPrint, whose /Headers on the data cells the /Scope agrees with.
    assert scopes == {"/Column": 9, "/Row": 3}
    assert pdfua(book_file(result, ".pdf"))["summary"]["warnings"] == 0
