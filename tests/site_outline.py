"""A built book's outline, compared with a hand-checked ``.order`` file, in the book, the EPUB nav and the PDF outline.

An ``.order`` file has one line per entry of the book, in order, indented two
spaces per level of nesting: a page as its path relative to SOURCE, a part
title as ``# Title``.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from lxml import etree

from validators import pdf_outline

XHTML = "http://www.w3.org/1999/xhtml"
EPUB_NS = "http://www.idpf.org/2007/ops"
BOOK_KINDS = ("intro", "chapter", "part")


def read_order(path: Path) -> list[str]:
    """The lines of an .order file, blank lines left out."""
    return [line.rstrip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def book_order(book) -> list[str]:
    """The book's entries (intro, chapters and parts) as an .order file writes them."""
    return [
        "  " * article.depth + (f"# {article.title}" if article.kind == "part" else article.source)
        for article in book.articles
        if article.kind in BOOK_KINDS
    ]


def outline_lines(outline) -> list[str]:
    """A site profile's outline (Entry tuples) as an .order file writes it."""
    lines: list[str] = []

    def walk(entries, depth):
        for entry in entries:
            lines.append("  " * depth + (entry.rel or f"# {entry.title}"))
            walk(entry.children, depth + 1)

    walk(outline, 0)
    return lines


def book_depths(book) -> list[tuple[str, int]]:
    """(title, depth) of each entry of the book, in order."""
    return [(article.title, article.depth) for article in book.articles if article.kind in BOOK_KINDS]


def epub_nav_depths(epub: Path) -> list[tuple[str, int]]:
    """(title, nesting depth from 0) of each entry of the EPUB's table of contents, in order."""
    with zipfile.ZipFile(epub) as archive:
        name = next(n for n in archive.namelist() if n.endswith("nav.xhtml"))
        root = etree.fromstring(archive.read(name))
    toc = root.find(f".//{{{XHTML}}}nav[@{{{EPUB_NS}}}type='toc']")
    found = []
    for link in toc.iter(f"{{{XHTML}}}a"):
        depth = sum(1 for ancestor in link.iterancestors(f"{{{XHTML}}}ol")) - 1
        found.append((" ".join("".join(link.itertext()).split()), depth))
    return found


def epub_book_depths(epub: Path, book) -> list[tuple[str, int]]:
    """(title, depth) of each entry of the EPUB's table of contents but the back matter (credits, share)."""
    back = {" ".join(a.title.split()) for a in book.articles if a.kind not in BOOK_KINDS}
    return [item for item in epub_nav_depths(epub) if item[0] not in back]


def pdf_levels(pdf: Path, entries: list[tuple[str, int]]) -> list[tuple[str, int, int]]:
    """(title, depth + 1, level) of each entry in the PDF's outline, found in order among the headings within."""
    outline = pdf_outline(pdf)
    found, at = [], 0
    for title, depth in entries:
        while at < len(outline) and outline[at][1] != title:
            at += 1
        assert at < len(outline), f"{title!r} is not in the PDF outline (in order)"
        found.append((title, depth + 1, outline[at][0]))
        at += 1
    return found


def nav_nesting(epub: Path) -> list[tuple[int, str]]:
    """The EPUB navigation document's table of contents: (depth, file) for each entry, depth first."""
    with zipfile.ZipFile(epub) as archive:
        name = next(n for n in archive.namelist() if n.endswith("nav.xhtml"))
        root = etree.fromstring(archive.read(name))
    toc = next(nav for nav in root.iter(f"{{{XHTML}}}nav") if "toc" in (nav.get(f"{{{EPUB_NS}}}type") or ""))
    found: list[tuple[int, str]] = []

    def walk(ol, depth: int) -> None:
        for li in ol.findall(f"{{{XHTML}}}li"):
            link = li.find(f"{{{XHTML}}}a")
            found.append((depth, link.get("href").split("#")[0]))
            for inner in li.findall(f"{{{XHTML}}}ol"):
                walk(inner, depth + 1)

    walk(toc.find(f"{{{XHTML}}}ol"), 0)
    return found


def book_nesting(book) -> list[tuple[int, str]]:
    """What nav_nesting should find: each article of the book at its depth."""
    return [(a.depth, f"{a.slug}.xhtml") for a in book.articles]
