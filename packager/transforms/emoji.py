"""Emoji no font of the book draws, written as their names: Book -> Book, never an empty box.

The base theme's Noto Emoji draws nearly every emoji; one newer than it is replaced in the text by its Unicode name in brackets, "[melting face]", and the build says so once.
"""

from __future__ import annotations

import unicodedata
from dataclasses import replace

from packager.book.model import Book
from packager.diagnostics import Diagnostics
from packager.project import glyphs
from packager.project.themes import Theme


def apply(book: Book, theme: Theme, diagnostics: Diagnostics) -> Book:
    """Replace each emoji no font draws that has a Unicode name by that name, in every article's text."""
    text = glyphs.book_text(book)
    names = {p: _name(p) for p in sorted(glyphs.uncovered(glyphs.files(theme), text)) if _is_symbol(p)}
    names = {p: name for p, name in names.items() if name}
    if not names:
        return book
    table = {p: f"[{name}]" for p, name in names.items()}
    articles = tuple(
        replace(a, title=a.title.translate(table), html=a.html.translate(table))
        if any(chr(p) in a.html or chr(p) in a.title for p in names)
        else a
        for a in book.articles
    )
    where = ", ".join(dict.fromkeys(w for p in names for w in text[p])) or "the title page"
    shown = ", ".join(f"U+{p:04X} as {table[p]}" for p in list(names)[: glyphs.SHOWN])
    diagnostics.warn(
        "",
        f"no font draws the emoji {shown} (in {where}): written as their names",
        kind="emoji written as their names",
    )
    return replace(book, title=book.title.translate(table), articles=articles)


def _is_symbol(point: int) -> bool:
    """An emoji of the blocks new emoji are added to (a symbol such as ☐ is left to the warning about boxes)."""
    return 0x1F000 <= point <= 0x1FAFF and unicodedata.category(chr(point)) == "So"


def _name(point: int) -> str:
    return unicodedata.name(chr(point), "").lower()
