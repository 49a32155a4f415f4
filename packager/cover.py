"""Draw the covers packager makes itself: a typographic book cover and the 1200×630 sharing image.

Both are plain PNGs drawn with Pillow from the book's title, subtitle and
authors in the theme's colours, so they are the same on every machine that has
the same fonts, and a book without a designed cover still has one.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import tomllib
from functools import cache

from packager.book import Book
from packager.themes import Theme

COVER_SIZE = (1600, 2400)
OG_SIZE = (1200, 630)
DEFAULT_COLOURS = {"background": "#14505c", "foreground": "#fdfaf2", "accent": "#e8843a"}


@cache
def _font_file(pattern: str) -> str | None:
    """Ask fontconfig for a font file; None when fontconfig is not there."""
    if not shutil.which("fc-match"):
        return None
    found = subprocess.run(["fc-match", "-f", "%{file}", pattern], capture_output=True, text=True, timeout=30)
    return found.stdout.strip() or None


def _font(size: int, bold: bool = False):
    from PIL import ImageFont

    path = _font_file("DejaVu Sans:bold" if bold else "DejaVu Sans")
    if path:
        return ImageFont.truetype(path, size)
    return ImageFont.load_default(size)


def colours(theme: Theme) -> dict[str, str]:
    data = tomllib.loads(theme.read_text("theme.toml"))
    return {**DEFAULT_COLOURS, **data.get("cover", {})}


def _wrap(draw, text: str, font, width: int) -> list[str]:
    """Break text into lines no wider than width pixels."""
    lines: list[str] = []
    for word in text.split():
        candidate = f"{lines[-1]} {word}" if lines else word
        if lines and draw.textlength(candidate, font=font) <= width:
            lines[-1] = candidate
        else:
            lines.append(word)
    return lines


def _block(draw, text: str, size: int, bold: bool, width: int, max_lines: int):
    """The largest font (from size down) at which text fits in max_lines lines of width pixels."""
    while True:
        font = _font(size, bold)
        lines = _wrap(draw, text, font, width)
        if len(lines) <= max_lines or size <= 24:
            return font, lines[:max_lines]
        size = int(size * 0.9)


def _draw_text(draw, lines, font, x: int, y: int, fill: str, centre_width: int | None = None) -> int:
    for line in lines:
        left = x + (centre_width - draw.textlength(line, font=font)) / 2 if centre_width else x
        draw.text((left, y), line, font=font, fill=fill)
        y += int(font.size * 1.22)
    return y


def book_cover(book: Book, theme: Theme) -> bytes:
    """A 1600×2400 typographic cover: title, subtitle and authors on the theme's colours."""
    from PIL import Image, ImageDraw

    c = colours(theme)
    width, height = COVER_SIZE
    image = Image.new("RGB", COVER_SIZE, c["background"])
    draw = ImageDraw.Draw(image)
    margin = 150
    inner = width - 2 * margin
    draw.rectangle([margin, 260, margin + 220, 282], fill=c["accent"])
    font, lines = _block(draw, book.title, 170, True, inner, 4)
    y = _draw_text(draw, lines, font, margin, 360, c["foreground"])
    if book.subtitle:
        font, lines = _block(draw, book.subtitle, 80, False, inner, 4)
        _draw_text(draw, lines, font, margin, y + 60, c["foreground"])
    if book.authors:
        font, lines = _block(draw, book.author_names, 76, True, inner, 3)
        _draw_text(draw, lines, font, margin, height - 260 - len(lines) * int(font.size * 1.22), c["foreground"])
    draw.rectangle([0, height - 70, width, height], fill=c["accent"])
    return _png(image)


def og_image(book: Book, theme: Theme, cover: bytes) -> bytes:
    """A 1200×630 sharing image: the cover on the left, the title on the right."""
    from PIL import Image, ImageDraw

    c = colours(theme)
    image = Image.new("RGB", OG_SIZE, c["background"])
    with Image.open(io.BytesIO(cover)) as source:
        thumb = source.convert("RGB")
        thumb.thumbnail((380, 530))
        image.paste(thumb, (50, (OG_SIZE[1] - thumb.height) // 2))
    draw = ImageDraw.Draw(image)
    left = 50 + 380 + 60
    inner = OG_SIZE[0] - left - 50
    font, lines = _block(draw, book.title, 76, True, inner, 3)
    y = _draw_text(draw, lines, font, left, 110, c["foreground"])
    if book.subtitle:
        font, lines = _block(draw, book.subtitle, 40, False, inner, 3)
        y = _draw_text(draw, lines, font, left, y + 20, c["foreground"])
    font, lines = _block(draw, "Free ebook · EPUB and PDF · no sign-up", 30, True, inner, 2)
    draw.rectangle([left, y + 40, left + 90, y + 48], fill=c["accent"])
    _draw_text(draw, lines, font, left, y + 70, c["foreground"])
    return _png(image)


def _png(image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
