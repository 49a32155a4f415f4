"""Write the download page: index.html and its stylesheet, with no script and no remote request."""

from __future__ import annotations

import shutil
from dataclasses import dataclass

from packager import __version__
from packager.renderers import Output, RenderContext

MEDIA_TYPES = {"epub": "application/epub+zip", "pdf": "application/pdf"}
LABELS = {"epub": "EPUB (e-readers, phones)", "pdf": "PDF (print, fixed pages)"}


@dataclass(frozen=True)
class Download:
    """A book file offered on the page."""

    href: str
    label: str
    media_type: str
    size: str


def human_size(size: int) -> str:
    """Bytes as a person reads them: 812 KB, 3.4 MB."""
    if size < 1000:
        return f"{size} bytes"
    if size < 1_000_000:
        return f"{size / 1000:.0f} KB"
    return f"{size / 1_000_000:.1f} MB"


def render(ctx: RenderContext, books: list[Output]) -> list[Output]:
    """Write index.html for the book files already in the destination folder."""
    book = ctx.book
    downloads = []
    for output in books:
        fmt = output.path.rsplit(".", 1)[-1]
        size = (ctx.destination / output.path).stat().st_size
        downloads.append(
            Download(output.path, LABELS.get(fmt, fmt.upper()), MEDIA_TYPES.get(fmt, ""), human_size(size))
        )
    assets = ctx.destination / "assets"
    assets.mkdir(exist_ok=True)
    shutil.copyfile(ctx.theme.find("landing/landing.css"), assets / "landing.css")
    outputs = [Output("assets/landing.css", "asset")]
    cover = cover_height = None
    if book.cover is not None:
        from PIL import Image

        suffix = book.cover.path.suffix.lower()
        shutil.copyfile(book.cover.path, assets / f"cover{suffix}")
        cover = f"assets/cover{suffix}"
        with Image.open(book.cover.path) as image:
            cover_height = round(200 * image.height / image.width)
        outputs.append(Output(cover, "asset"))
    html = (
        ctx.theme.environment()
        .get_template("landing/index.html")
        .render(book=book, downloads=downloads, version=__version__, cover=cover, cover_height=cover_height)
    )
    (ctx.destination / "index.html").write_text(html, encoding="utf-8")
    return [Output("index.html", "landing"), *outputs]
