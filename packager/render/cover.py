"""Draw the covers packager makes itself: a typographic book cover and the 1200×630 sharing image.

Both are plain PNGs drawn with Pillow from the book's title, subtitle and
authors in the theme's colours and its own font files, so they are the same on
every machine, and a book without a designed cover still has one.
"""

from __future__ import annotations

import io
from functools import cache, lru_cache

from packager.book.model import Book
from packager.project.themes import Theme
from packager.render import fonts

COVER_SIZE = (1600, 2400)
OG_SIZE = (1200, 630)
DEFAULT_COLOURS = {"background": "#14505c", "foreground": "#fdfaf2", "accent": "#e8843a"}
#: zlib level of the PNGs drawn here: 6 is within 3% of 9's size in half the time.
PNG_COMPRESS_LEVEL = 6

_drawn: list = []  # the last cover drawn, as (PNG bytes, image): og_image need not decode it again


def _faces(theme: Theme) -> tuple[tuple[str, int], ...]:
    """The upright font files a cover may use, with their weights: the theme's text font first, then fallbacks."""
    chosen = []
    for path in fonts.files(theme):
        face = fonts.face(path)
        if not face.italic and face.family != fonts.MONO_FAMILY:
            chosen.append((str(path), face.weight))
    return tuple(chosen)


@cache
def _font(size: int, bold: bool, text: str, faces: tuple[tuple[str, int], ...]):
    """The first of faces (bold or regular) with a glyph for every letter of text, at size."""
    from pathlib import Path

    from PIL import ImageFont

    wanted = {ord(c) for c in text if not c.isspace()}
    weight = 700 if bold else 400
    ranked = sorted(faces, key=lambda f: abs(f[1] - weight))  # stable: the theme's own first at each weight
    for path, _ in ranked:
        if wanted <= fonts.coverage(Path(path)):
            return ImageFont.truetype(path, size)
    return ImageFont.truetype(ranked[0][0], size) if ranked else ImageFont.load_default(size)


def colours(theme: Theme) -> dict[str, str]:
    return {**DEFAULT_COLOURS, **theme.data().get("cover", {})}


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


def _block(draw, text: str, size: int, bold: bool, width: int, max_lines: int, faces=()):
    """The largest font (from size down) at which text fits in max_lines lines of width pixels."""
    while True:
        font = _font(size, bold, text, faces)
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
    """Draw a 1600×2400 typographic cover: title, subtitle and authors on the theme's colours."""
    return _cover(book.title, book.subtitle, book.author_names, _colour_items(theme))


def og_image(book: Book, theme: Theme, cover: bytes) -> bytes:
    """Draw a 1200×630 sharing image: the cover on the left, the title on the right."""
    return _og(book.title, book.subtitle, cover, _colour_items(theme))


def draw_ahead(title: str, subtitle: str | None, author_names: str, theme: Theme) -> None:
    """Draw the cover and sharing image of a book with these facts now: book_cover and og_image reuse them."""
    items = _colour_items(theme)
    _og(title, subtitle, _cover(title, subtitle, author_names, items), items)


def _colour_items(theme: Theme) -> tuple:
    """The theme's colours and faces, as the drawing functions' (hashable) cache keys take them."""
    return (*sorted(colours(theme).items()), ("faces", _faces(theme)))


@lru_cache(maxsize=2)
def _cover(title: str, subtitle: str | None, author_names: str, colour_items: tuple) -> bytes:
    from PIL import Image, ImageDraw

    c = dict(colour_items)
    width, height = COVER_SIZE
    image = Image.new("RGB", COVER_SIZE, c["background"])
    draw = ImageDraw.Draw(image)
    margin = 150
    inner = width - 2 * margin
    draw.rectangle([margin, 260, margin + 220, 282], fill=c["accent"])
    font, lines = _block(draw, title, 170, True, inner, 4, c["faces"])
    y = _draw_text(draw, lines, font, margin, 360, c["foreground"])
    if subtitle:
        font, lines = _block(draw, subtitle, 80, False, inner, 4, c["faces"])
        _draw_text(draw, lines, font, margin, y + 60, c["foreground"])
    if author_names:
        font, lines = _block(draw, author_names, 76, True, inner, 3, c["faces"])
        _draw_text(draw, lines, font, margin, height - 260 - len(lines) * int(font.size * 1.22), c["foreground"])
    draw.rectangle([0, height - 70, width, height], fill=c["accent"])
    data = _png(image)
    _drawn[:] = [(data, image)]
    return data


@lru_cache(maxsize=2)
def _og(title: str, subtitle: str | None, cover: bytes, colour_items: tuple) -> bytes:
    from PIL import Image, ImageDraw

    c = dict(colour_items)
    image = Image.new("RGB", OG_SIZE, c["background"])
    thumb = _decoded(cover)
    thumb.thumbnail((380, 530))
    image.paste(thumb, (50, (OG_SIZE[1] - thumb.height) // 2))
    draw = ImageDraw.Draw(image)
    left = 50 + 380 + 60
    inner = OG_SIZE[0] - left - 50
    font, lines = _block(draw, title, 76, True, inner, 3, c["faces"])
    y = _draw_text(draw, lines, font, left, 110, c["foreground"])
    if subtitle:
        font, lines = _block(draw, subtitle, 40, False, inner, 3, c["faces"])
        y = _draw_text(draw, lines, font, left, y + 20, c["foreground"])
    font, lines = _block(draw, "Free ebook · EPUB and PDF · no sign-up", 30, True, inner, 2, c["faces"])
    draw.rectangle([left, y + 40, left + 90, y + 48], fill=c["accent"])
    _draw_text(draw, lines, font, left, y + 70, c["foreground"])
    return _png(image)


def _decoded(cover: bytes):
    """Return the cover as an RGB image: the one book_cover just drew, else decoded from its bytes."""
    from PIL import Image

    drawn = _drawn.pop() if _drawn else None
    if drawn is not None and drawn[0] == cover:
        return drawn[1]  # PNG is lossless: the same pixels decoding would give
    with Image.open(io.BytesIO(cover)) as source:
        return source.convert("RGB")


def _png(image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG", compress_level=PNG_COMPRESS_LEVEL)
    return out.getvalue()
