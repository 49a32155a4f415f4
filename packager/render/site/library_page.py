"""The library page: the root index.html of a site of several books, with no script and no remote request."""

from __future__ import annotations

import json
from dataclasses import dataclass

from packager import __version__
from packager.book.model import Book, Library
from packager.filefacts import media_type
from packager.formats import FORMATS
from packager.render.context import Output, SiteContext
from packager.render.site import addresses
from packager.render.site.landing import human_size
from packager.render.styles import layered

#: What the page calls each file a book offers, in the order it lists them.
FILE_NAMES = {**{f.suffix: f.label for f in FORMATS}, ".zip": "ZIP"}
COVER_WIDTH = 120  # CSS pixels: the covers on the cards


@dataclass(frozen=True)
class BookFile:
    """A file of one book as its card offers it."""

    name: str
    href: str
    size: str
    media_type: str


@dataclass(frozen=True)
class BookCard:
    """One book on the library page: where its pages are, its cover, one line on it and its files."""

    book: Book
    page: str  # its download page
    contents: str | None  # its contents page in the web edition
    cover: str | None
    cover_height: int | None
    line: str | None
    articles: int
    files: tuple[BookFile, ...]


def render(ctx: SiteContext, outputs: list[Output]) -> list[Output]:
    """Write index.html presenting every book (cover, one line, formats with sizes) and return what was written."""
    library = ctx.library
    assets = ctx.destination / "assets"
    assets.mkdir(exist_ok=True)
    (assets / "landing.css").write_text(layered(ctx.theme, "landing/landing.css"), encoding="utf-8")
    (assets / "library.css").write_text(layered(ctx.theme, "library/library.css"), encoding="utf-8")
    cards = [_card(ctx, book, outputs) for book in library.books]
    html = ctx.theme.render(
        "library/index.html",
        library=library,
        cards=cards,
        version=__version__,
        canonical=addresses.url(library, "index.html"),
        json_ld=_json_ld(library, cards),
    )
    (ctx.destination / "index.html").write_text(html, encoding="utf-8")
    return [
        Output("index.html", "landing"),
        Output("assets/landing.css", "asset"),
        Output("assets/library.css", "asset"),
    ]


def _card(ctx: SiteContext, book: Book, outputs: list[Output]) -> BookCard:
    mine = [o for o in outputs if o.path.startswith(book.folder)]
    files = [o for o in mine if o.kind in (*(f.name for f in FORMATS), "bundle")]
    files.sort(key=lambda o: list(FILE_NAMES).index(_suffix(o.path)) if _suffix(o.path) in FILE_NAMES else 99)
    cover = next((o.path for o in mine if o.path.rsplit(".", 1)[0] == f"{book.folder}assets/cover"), None)
    height = None
    if cover is not None:
        from PIL import Image

        with Image.open(ctx.destination / cover) as image:
            height = round(COVER_WIDTH * image.size[1] / image.size[0])
    return BookCard(
        book=book,
        page=addresses.download_page(book),
        contents=addresses.contents_page(ctx.library, book) if ctx.library.web else None,
        cover=cover,
        cover_height=height,
        line=book.subtitle or book.description,
        articles=sum(1 for a in book.articles if not a.is_generated),
        files=tuple(
            BookFile(
                name=FILE_NAMES.get(_suffix(o.path), _suffix(o.path).lstrip(".").upper()),
                href=o.path,
                size=human_size((ctx.destination / o.path).stat().st_size),
                media_type=media_type(o.path),
            )
            for o in files
        ),
    )


def _suffix(path: str) -> str:
    return "." + path.rsplit(".", 1)[-1].lower() if "." in path else ""


def _json_ld(library: Library, cards: list[BookCard]) -> str:
    """schema.org CollectionPage whose main entity lists the books, each free to read, with its address."""
    base = library.base_url or ""
    books = []
    for n, card in enumerate(cards, start=1):
        book = card.book
        item: dict = {
            "@type": "Book",
            "name": book.title,
            "url": addresses.url(library, card.page) or card.page,
            "inLanguage": book.language,
            "isAccessibleForFree": True,
        }
        if book.description:
            item["description"] = book.description
        if book.authors:
            item["author"] = [
                {"@type": "Person", "name": p.name, **({"url": p.url} if p.url else {})} for p in book.authors
            ]
        if card.cover:
            item["image"] = base + card.cover
        item["workExample"] = [
            {
                "@type": "Book",
                "bookFormat": "https://schema.org/EBook",
                "encodingFormat": f.media_type,
                "url": base + f.href,
            }
            for f in card.files
            if f.media_type != "application/zip"
        ]
        books.append({"@type": "ListItem", "position": n, "item": item})
    data: dict = {
        "@context": "https://schema.org",
        "@type": "CollectionPage",
        "name": library.title,
        "inLanguage": library.language,
        "isAccessibleForFree": True,
        "mainEntity": {"@type": "ItemList", "numberOfItems": len(books), "itemListElement": books},
    }
    if library.description:
        data["description"] = library.description
    if library.base_url:
        data["url"] = library.base_url
    # '<' escaped so that no string in the data can close the script element.
    return json.dumps(data, ensure_ascii=False, indent=1).replace("<", "\\u003c")
