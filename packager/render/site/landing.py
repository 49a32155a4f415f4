"""Write the download page: index.html, its stylesheet and images, with no script and no remote request."""

from __future__ import annotations

import json
from dataclasses import dataclass

from packager import __version__
from packager.book import licences
from packager.book import share_links as share
from packager.book.model import Article, Book
from packager.book.roles import role_name
from packager.filefacts import media_type, sha256
from packager.formats import FORMATS
from packager.render import cover
from packager.render.context import Output, RenderContext
from packager.render.styles import layered

#: How the page offers each file it lists: the books, and the ZIP of everything.
OFFERS = {
    **{f.suffix.lstrip("."): (f.label, f.note) for f in FORMATS},
    "zip": ("Everything (ZIP)", "EPUB, PDF, credits and licence in one file"),
}


@dataclass(frozen=True)
class Download:
    """A file offered on the page, with what a careful reader wants to know before taking it."""

    href: str
    name: str
    note: str
    media_type: str
    size: str
    pages: int | None
    sha256: str
    schema_format: str
    page_list: bool = False  # an EPUB whose page list gives the PDF's page numbers


@dataclass(frozen=True)
class ContentsGroup:
    """A run of articles in "What is inside": under its part's heading (none before the first part)."""

    part: Article | None
    level: int  # the heading level of the part's title: 3 for a part of the book, 4 inside one, up to 6
    articles: tuple[Article, ...]
    start: int  # the chapter number of its first article: numbering runs on across the parts


def contents(book: Book) -> list[ContentsGroup]:
    """The book's articles grouped by the parts that hold them, parts as headings so that only chapters count."""
    groups: list[ContentsGroup] = []
    open_parts: list[Article] = []
    heading: Article | None = None  # the part whose title opens the run (None: a run that has no title)
    owner: Article | None = None  # the part the run is inside
    level, items, number, start = 3, [], 1, 1
    for article in book.articles:
        if article.is_generated and not article.is_part:
            continue
        while open_parts and open_parts[-1].depth >= article.depth:
            open_parts.pop()
        inside = open_parts[-1] if open_parts else None
        if article.is_part or inside is not owner:  # a new part, or back in an outer one: a new run
            if heading is not None or items:
                groups.append(ContentsGroup(heading, level, tuple(items), start))
            heading, items, start = (article if article.is_part else None), [], number
            if article.is_part:
                level = min(3 + len(open_parts), 6)
                open_parts.append(article)
                owner = article
                continue
            owner = inside
        items.append(article)
        number += 1
    if heading is not None or items:
        groups.append(ContentsGroup(heading, level, tuple(items), start))
    return groups


def web_contents(book: Book) -> str | None:
    """The href of the book's contents page in the web edition, from its download page; None without one."""
    if book.web_root is None:
        return None
    return book.web_root + ("index.html" if book.folder == "" else f"{book.slug}.html")


def human_size(size: int) -> str:
    """Bytes as a person reads them: 812 KB, 3.4 MB."""
    if size < 1000:
        return f"{size} bytes"
    if size < 1_000_000:
        return f"{size / 1000:.0f} KB"
    return f"{size / 1_000_000:.1f} MB"


def render(ctx: RenderContext, files: list[Output]) -> list[Output]:
    """Write index.html (and share-mastodon.html when needed) for the files already in the destination."""
    book = ctx.book
    downloads = [_download(ctx, f) for f in files]
    assets = ctx.destination / "assets"
    assets.mkdir(exist_ok=True)
    (assets / "landing.css").write_text(layered(ctx.theme, "landing/landing.css"), encoding="utf-8")
    outputs = [Output("index.html", "landing"), Output("assets/landing.css", "asset")]
    cover_href = og_href = None
    cover_size = (0, 0)
    if book.cover is not None:
        from PIL import Image

        data = book.cover.path.read_bytes()
        cover_href = f"assets/cover{book.cover.path.suffix.lower()}"
        (ctx.destination / cover_href).write_bytes(data)
        with Image.open(book.cover.path) as image:
            cover_size = image.size
        og_href = "assets/og-image.png"
        (ctx.destination / og_href).write_bytes(cover.og_image(book, ctx.theme, data))
        outputs += [Output(cover_href, "asset"), Output(og_href, "asset")]
    html = ctx.theme.render(
        "landing/index.html",
        book=book,
        downloads=downloads,
        version=__version__,
        cover=cover_href,
        cover_height=round(200 * cover_size[1] / cover_size[0]) if cover_href else None,
        og_image=og_href,
        json_ld=_json_ld(ctx, downloads, og_href),
        released=book.modified[:10],
        licence=licences.lookup,
        short_name=licences.short_name,
        role_name=role_name,
        titles={a.source: a.title for a in book.articles},
        icons=_icons(ctx),
        contents=contents(book),
        web_contents=web_contents(book),
        root="../" * book.folder.count("/"),
    )
    (ctx.destination / "index.html").write_text(html, encoding="utf-8")
    if any(link.url == share.MASTODON_PAGE for link in book.share_links):
        post, path = share.mastodon_instructions(book.base_url, book.share_text)
        page = ctx.theme.render("landing/share-mastodon.html", book=book, post=post, path=path)
        (ctx.destination / share.MASTODON_PAGE).write_text(page, encoding="utf-8")
        outputs.append(Output(share.MASTODON_PAGE, "landing"))
    return outputs


def _download(ctx: RenderContext, output: Output) -> Download:
    path = ctx.destination / output.path
    fmt = output.path.rsplit(".", 1)[-1]
    name, note = OFFERS.get(fmt, (fmt.upper(), ""))
    schema = "EBook"
    return Download(
        href=output.path,
        name=name,
        note=note,
        media_type=media_type(output.path),
        size=human_size(path.stat().st_size),
        pages=output.pages,
        sha256=sha256(path),
        schema_format=schema,
        page_list=output.page_list,
    )


def _json_ld(ctx: RenderContext, downloads: list[Download], og_href: str | None) -> str:
    """schema.org Book with one workExample per format, free to read, at price 0."""
    book = ctx.book
    base = book.base_url or ""
    data: dict = {
        "@context": "https://schema.org",
        "@type": "Book",
        "name": book.title,
        "inLanguage": book.language,
        "isAccessibleForFree": True,
        "datePublished": book.modified[:10],
        "author": [{"@type": "Person", "name": p.name, **({"url": p.url} if p.url else {})} for p in book.authors],
        "workExample": [
            {
                "@type": "Book",
                "bookFormat": "https://schema.org/EBook",
                "encodingFormat": d.media_type,
                "name": f"{book.title} ({d.name})",
                "url": base + d.href,
                **({"numberOfPages": d.pages} if d.pages else {}),
                "offers": {
                    "@type": "Offer",
                    "price": "0",
                    "priceCurrency": "USD",
                    "availability": "https://schema.org/InStock",
                },
            }
            for d in downloads
            if d.href.endswith(tuple(f.suffix for f in FORMATS))
        ],
        "offers": {
            "@type": "Offer",
            "price": "0",
            "priceCurrency": "USD",
            "availability": "https://schema.org/InStock",
        },
    }
    if book.subtitle:
        data["alternativeHeadline"] = book.subtitle
    if book.description:
        data["description"] = book.description
    if book.license:
        data["license"] = licences.lookup(book.license).url or book.license
    if book.version:
        data["version"] = book.version
    if book.base_url:
        data["url"] = book.base_url
    if og_href:
        data["image"] = base + og_href
    if book.keywords:
        data["keywords"] = ", ".join(book.keywords)
    # '<' escaped so that no string in the data can close the script element.
    return json.dumps(data, ensure_ascii=False, indent=1).replace("<", "\\u003c")


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
