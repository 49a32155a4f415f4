"""Which characters a theme's fonts draw: each font file's coverage, the fallbacks a text needs, what none draws.

A book's fonts are the theme's own, then the base theme's fallbacks (code, scripts, emoji), then Debian's
``fonts-noto-cjk`` when it is installed (too large to ship). The renderers embed them; the credits
transform credits the fallbacks a book's text needed; the build warns, once, about the characters none
of them draws (they would come out as empty boxes), naming their script and the articles they are in.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from packager.book.model import Book
from packager.diagnostics import Diagnostics
from packager.project.themes import Theme, ThemeFont

#: The code font every theme has: it sets code only, so what it covers is no text face's.
MONO_FAMILY = "Noto Sans Mono"
#: Debian's fonts-noto-cjk: used when installed; the build warns when a book needs it and it is not.
CJK_FILES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
)
#: How the credits name the CJK fonts (the files' own name table says "Noto Sans CJK JP" and the like).
CJK_CREDIT = ("Noto Sans CJK", "Google and Adobe", "https://github.com/notofonts/noto-cjk", "OFL-1.1")
#: The scripts fonts-noto-cjk draws (ISO 15924 codes), as a warning names them.
CJK_SCRIPTS = {"Hani": "Han", "Hira": "Hiragana", "Kana": "Katakana", "Hang": "Hangul", "Bopo": "Bopomofo"}
#: Blocks of punctuation and forms that only CJK text uses: symbols, enclosed, compatibility, full width.
CJK_BLOCKS = ((0x3000, 0x303F), (0x3200, 0x33FF), (0xFE30, 0xFE4F), (0xFF00, 0xFFEF))
#: How many characters a warning names, at most.
SHOWN = 5

_TAG = re.compile(r"<[^>]*>")


def cjk_files() -> tuple[Path, ...]:
    """Debian's CJK font files that are installed on this machine."""
    return tuple(Path(p) for p in CJK_FILES if Path(p).is_file())


def files(theme: Theme) -> list[Path]:
    """The font files a book in this theme may use: the theme's own, then the fallbacks, then Debian's CJK."""
    found: list[Path] = []
    for font in (*theme.fonts(), *theme.fallback_fonts()):
        found += [f for f in font.files if f not in found]
    return found + list(cjk_files())


@cache
def coverage(path: Path) -> frozenset[int]:
    """The code points a font file has glyphs for."""
    import uharfbuzz  # reads the cmap in C: a CJK collection's 65,000 code points in milliseconds

    return frozenset(uharfbuzz.Face(uharfbuzz.Blob.from_file_path(str(path))).unicodes)


def fallback_groups(theme: Theme) -> list[tuple[ThemeFont, tuple[Path, ...]]]:
    """The fallback families in the order they are tried, each with its files; the CJK fonts last, when installed."""
    groups = [(font, font.files) for font in theme.fallback_fonts()]
    if cjk_files():
        name, author, source, licence = CJK_CREDIT
        groups.append((ThemeFont(name, author, source, licence, cjk_files()), cjk_files()))
    return groups


def needed_fallbacks(theme: Theme, uncovered: set[int]) -> list[tuple[Path, ...]]:
    """The fallback families (their files) that draw some of the code points the theme's fonts lack, in order."""
    return [files for _, files in _needed(theme, frozenset(uncovered))]


def fallbacks_used(theme: Theme, text: set[int]) -> list[ThemeFont]:
    """The fallback families a text needs beyond the theme's own fonts (as credited: name, author, licence)."""
    own = {c for font in theme.fonts() if font.name != MONO_FAMILY for path in font.files for c in coverage(path)}
    return [font for font, _ in _needed(theme, frozenset(text - own))]


def _needed(theme: Theme, uncovered: frozenset[int]) -> list[tuple[ThemeFont, tuple[Path, ...]]]:
    needed, left = [], set(uncovered)
    for font, files in fallback_groups(theme):
        covers = left & coverage(files[0]) if files else set()
        if covers:
            needed.append((font, files))
            left -= covers
    return needed


def book_text(book: Book) -> dict[int, list[str]]:
    """Each code point a book's text holds, with the articles it is in (source path, or title when generated)."""
    found: dict[int, list[str]] = {}
    heads = " ".join(filter(None, (book.title, book.subtitle, book.description, book.author_names)))
    for where, points in (
        ("", _points(heads)),
        *((a.source or a.title, _article_points(a.title, a.html)) for a in book.articles),
    ):
        for point in points:
            places = found.setdefault(point, [])
            if where and where not in places:
                places.append(where)
    return found


@lru_cache(maxsize=8192)
def _article_points(title: str, fragment: str) -> frozenset[int]:
    """The code points of an article's title and text (its markup left out): each book of a build asks again."""
    return _points(title) | _points(html.unescape(_TAG.sub(" ", fragment)))


def _points(text: str) -> frozenset[int]:
    return frozenset(map(ord, text))


def drawable(point: int) -> bool:
    """Whether a code point is drawn with a glyph (controls, format characters and variation selectors are not)."""
    return unicodedata.category(chr(point)) not in ("Cc", "Cf", "Cs", "Co", "Cn") and not (
        0xFE00 <= point <= 0xFE0F or 0xE0100 <= point <= 0xE01EF
    )


def uncovered(files: list[Path], points) -> set[int]:
    """The drawable code points that none of these font files has a glyph for.

    Font by font, only while some point is left: a Latin book never reads the large CJK collections' maps
    (they cost an EPUB-only build 0.4 s and 50 MB when read every time).
    """
    left = {p for p in points if drawable(p)}
    for path in files:
        if not left:
            break
        left -= coverage(path)
    return left


def script(point: int) -> str:
    """The name of the Unicode script a code point is written in ("Han", "Arabic"; emoji are "Common")."""
    from fontTools import unicodedata as ft_unicodedata

    return ft_unicodedata.script_name(ft_unicodedata.script(chr(point)))


@dataclass(frozen=True)
class Missing:
    """Characters no font of the book draws: their scripts and the articles they are in."""

    points: tuple[int, ...]
    scripts: tuple[str, ...]
    articles: tuple[str, ...]
    cjk: bool  # all of them in scripts fonts-noto-cjk draws

    def message(self) -> str:
        scripts = (
            ", ".join(self.scripts[:-1]) + " and " + self.scripts[-1] if len(self.scripts) > 1 else self.scripts[0]
        )
        where = ", ".join(self.articles) or "the book's title page"
        if self.cjk:
            return (
                f"{scripts} text (in {where}) has no font: install Debian's fonts-noto-cjk "
                "(apt-get install fonts-noto-cjk) and build again, or the PDF and the EPUB show empty boxes for it"
            )
        shown = ", ".join(f"{chr(p)} U+{p:04X}" for p in self.points[:SHOWN])
        more = f" and {len(self.points) - SHOWN} more" if len(self.points) > SHOWN else ""
        return (
            f"no font of the theme or its fallbacks draws {shown}{more} ({scripts}, in {where}): "
            "they show as empty boxes in the PDF and the EPUB; use other characters or a theme font that has them"
        )


def missing(books: list[Book], files: list[Path]) -> list[Missing]:
    """What no font draws in these books' text: the CJK scripts apart (one package fixes them), then the rest."""
    places: dict[int, list[str]] = {}
    order: dict[str, int] = {}
    for book in books:
        for article in book.articles:
            order.setdefault(article.source or article.title, len(order))
        for point, where in book_text(book).items():
            places.setdefault(point, [])
            places[point] += [w for w in where if w not in places[point]]
    left = sorted(uncovered(files, places))
    cjk = [p for p in left if cjk_point(p)] if not cjk_files() else []
    other = [p for p in left if p not in cjk]
    found = []
    for points, is_cjk in ((cjk, True), (other, False)):
        if points:
            scripts = tuple(dict.fromkeys(script(p) for p in points if not (is_cjk and script(p) == "Common")))
            articles = tuple(sorted({w for p in points for w in places[p]}, key=order.__getitem__))
            found.append(Missing(tuple(points), scripts, articles, is_cjk))
    return found


def cjk_point(point: int) -> bool:
    """Whether a code point is written in a script fonts-noto-cjk draws (its punctuation, 。 and 「, too)."""
    from fontTools import unicodedata as ft_unicodedata

    in_blocks = any(low <= point <= high for low, high in CJK_BLOCKS)
    return in_blocks or bool(set(ft_unicodedata.script_extension(chr(point))) & set(CJK_SCRIPTS))


def warn_missing(books: list[Book], theme: Theme, diagnostics: Diagnostics) -> None:
    """Warn once for the CJK text no installed font draws and once for any other character none draws."""
    for found in missing(books, files(theme)):
        kind = "scripts that need fonts-noto-cjk" if found.cjk else "characters no font draws"
        diagnostics.warn("", found.message(), kind=kind)
