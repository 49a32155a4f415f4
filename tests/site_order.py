"""A book's order as the hand-checked ``.order`` files beside the site tests write it, and its nesting in the books.

An ``.order`` file has one line per book entry, two spaces of indent per
depth: a page as its path relative to SOURCE, a part title as ``# Title``.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from lxml import etree

XHTML = "{http://www.w3.org/1999/xhtml}"


def expected_order(path: Path) -> list[str]:
    """The lines of a hand-checked .order file."""
    return [line.rstrip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def outline_order(outline, depth: int = 0) -> list[str]:
    """A site profile's outline, written as an .order file is."""
    lines = []
    for entry in outline:
        lines.append("  " * depth + (entry.rel if entry.rel else f"# {entry.title}"))
        lines.extend(outline_order(entry.children, depth + 1))
    return lines


def book_order(book) -> list[str]:
    """The book's pages and part titles, written as an .order file is (the credits and share pages left out)."""
    return [
        "  " * a.depth + (f"# {a.title}" if a.is_part else a.source)
        for a in book.articles
        if a.kind not in ("credits", "share")
    ]


def nav_nesting(epub: Path) -> list[tuple[int, str]]:
    """The EPUB navigation document's table of contents: (depth, file) for each entry, depth first."""
    with zipfile.ZipFile(epub) as archive:
        name = next(n for n in archive.namelist() if n.endswith("nav.xhtml"))
        root = etree.fromstring(archive.read(name))
    toc = next(
        nav for nav in root.iter(f"{XHTML}nav") if "toc" in (nav.get("{http://www.idpf.org/2007/ops}type") or "")
    )
    found: list[tuple[int, str]] = []

    def walk(ol, depth: int) -> None:
        for li in ol.findall(f"{XHTML}li"):
            link = li.find(f"{XHTML}a")
            found.append((depth, link.get("href").split("#")[0]))
            for inner in li.findall(f"{XHTML}ol"):
                walk(inner, depth + 1)

    walk(toc.find(f"{XHTML}ol"), 0)
    return found


def book_nesting(book) -> list[tuple[int, str]]:
    """What nav_nesting should find: each article of the book at its depth."""
    return [(a.depth, f"{a.slug}.xhtml") for a in book.articles]
