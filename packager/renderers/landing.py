"""Write the download page: index.html and its stylesheet, with no script and no remote request."""

from __future__ import annotations

import shutil
from dataclasses import dataclass

from packager import __version__, licences, share
from packager.credits import role_name
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
        .render(
            book=book,
            downloads=downloads,
            version=__version__,
            cover=cover,
            cover_height=cover_height,
            licence=licences.lookup,
            short_name=licences.short_name,
            role_name=role_name,
            titles={a.source: a.title for a in book.articles},
            icons=_icons(ctx),
        )
    )
    (ctx.destination / "index.html").write_text(html, encoding="utf-8")
    outputs.insert(0, Output("index.html", "landing"))
    if any(link.url == share.MASTODON_PAGE for link in book.share_links):
        post, path = share.mastodon_instructions(book.base_url, book.share_text)
        page = (
            ctx.theme.environment().get_template("landing/share-mastodon.html").render(book=book, post=post, path=path)
        )
        (ctx.destination / share.MASTODON_PAGE).write_text(page, encoding="utf-8")
        outputs.append(Output(share.MASTODON_PAGE, "landing"))
    return outputs


def _icons(ctx: RenderContext) -> dict[str, str]:
    """Each share provider's icon as inline SVG, hidden from screen readers (the label says it all)."""
    from lxml import etree

    icons = {}
    for link in ctx.book.share_links:
        svg = etree.fromstring(ctx.theme.find(f"landing/icons/{link.icon}").read_bytes())
        svg.set("aria-hidden", "true")
        svg.set("focusable", "false")
        icons[link.provider] = etree.tostring(svg, encoding="unicode")
    return icons
