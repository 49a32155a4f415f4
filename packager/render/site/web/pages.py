"""What an article's web page says beyond its text: its place in each book, breadcrumbs, downloads, licence,
share links and metadata; pure functions of the library and the files already written."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

from packager.book import licences
from packager.book import share_links as share
from packager.book.model import Article, Book, Library, Licence
from packager.formats import FORMATS
from packager.render.site import addresses


@dataclass(frozen=True)
class Link:
    """A link as a page shows it: its text and its href (relative to the page)."""

    label: str
    href: str
    media_type: str | None = None


@dataclass(frozen=True)
class Place:
    """The article in one book that holds it: the book's contents page, previous and next, its files."""

    book: Book
    contents: str
    download_page: str
    previous: Link | None
    next: Link | None
    files: tuple[Link, ...]


@dataclass(frozen=True)
class Terms:
    """The licence an article is under, and the books it holds for (empty: wherever the article is)."""

    licence: Licence
    books: tuple[str, ...] = ()


def has_page(article: Article, library: Library) -> bool:
    """An article gets a page when it is read from a file and at least one book holds it."""
    return not article.is_generated and bool(library.books_with(article.source))


def reading_order(book: Book) -> list[Article]:
    """The book's articles a reader goes through with previous and next: its own, no part titles, no back matter."""
    return [a for a in book.articles if not a.is_generated]


def book_files(book: Book, exists: Callable[[str], bool], page: str) -> tuple[Link, ...]:
    """The book's EPUB and PDF as links from page, those the site has (exists: a path from the root of dist/)."""
    found = []
    for fmt in FORMATS:
        path = f"{book.folder}{book.slug}{fmt.suffix}"
        if exists(path):
            found.append(Link(fmt.label, addresses.relative(page, path), fmt.media_type))
    return tuple(found)


def places(library: Library, article: Article, page: str, exists: Callable[[str], bool]) -> list[Place]:
    """Each book that holds the article, in the library's order, with the article's neighbours in that book."""
    found = []
    for book in library.books_with(article.source):
        order = reading_order(book)
        at = next(i for i, a in enumerate(order) if a.source == article.source)
        before = order[at - 1] if at > 0 else None
        after = order[at + 1] if at + 1 < len(order) else None
        found.append(
            Place(
                book=book,
                contents=addresses.relative(page, addresses.contents_page(library, book)),
                download_page=addresses.relative(page, addresses.download_page(book)),
                previous=_link(page, before),
                next=_link(page, after),
                files=book_files(book, exists, page),
            )
        )
    return found


def _link(page: str, article: Article | None) -> Link | None:
    if article is None:
        return None
    return Link(article.title, addresses.relative(page, addresses.article_page(article.slug)))


def breadcrumbs(library: Library, books: list[Book], page: str) -> list[list[Link]]:
    """The trails from the site's first page to this one: one book's (title, contents), or the library's per book."""
    if library.single:
        book = library.books[0]
        trail = [Link(book.title, addresses.relative(page, addresses.download_page(book)))]
        if page != addresses.contents_page(library, book):
            trail.append(Link("Contents", addresses.relative(page, addresses.contents_page(library, book))))
        return [trail]
    home = Link(library.title, addresses.relative(page, "index.html"))
    return [
        [home, Link(book.title, addresses.relative(page, addresses.contents_page(library, book)))]
        if page != addresses.contents_page(library, book)
        else [home]
        for book in books
    ]


def terms(article: Article, books: list[Book]) -> list[Terms]:
    """The article's own licence, else its books': one line, or one per licence when its books differ."""
    if article.license:
        return [Terms(licences.lookup(article.license))]
    by_licence: dict[str, list[str]] = {}
    for book in books:
        if book.license:
            by_licence.setdefault(book.license, []).append(book.title)
    if len(by_licence) == 1:
        return [Terms(licences.lookup(next(iter(by_licence))))]
    return [Terms(licences.lookup(spdx), tuple(titles)) for spdx, titles in by_licence.items()]


def share_text(library: Library, article: Article) -> str:
    """What a share link says about the page: the article's title, then the book's or the library's."""
    return f"{article.title} — {library.books[0].title if library.single else library.title}"


def share_for(library: Library, url: str, text: str, campaign: str) -> list[share.ShareLink]:
    """The share links of one page, as [share] chooses them (UTM parameters only when asked for)."""
    links = []
    for provider in library.share_providers or share.PROVIDERS:
        page_url = share.with_utm(url, provider, "social", campaign) if library.share_utm else url
        links += share.share_links(
            page_url,
            text,
            providers=(provider,),
            hashtags=library.share_hashtags,
            mastodon_instance=library.mastodon_instance,
        )
    return links


def og_image(library: Library, books: list[Book], page: str, exists: Callable[[str], bool]) -> str | None:
    """The sharing image of the first holding book that has one: absolute with base_url, else relative."""
    for book in books:
        path = f"{book.folder}assets/og-image.png"
        if exists(path):
            return addresses.url(library, path) or addresses.relative(page, path)
    return None


def json_ld(library: Library, article: Article, page: str, places: list[Place], image: str | None) -> str:
    """schema.org Article, part of each Book that holds it, free to read; '<' escaped for the script element."""
    data: dict = {
        "@context": "https://schema.org",
        "@type": "Article",
        "headline": article.title,
        "inLanguage": article.language or library.language,
        "isAccessibleForFree": True,
        "url": addresses.url(library, page) or addresses.relative(page, page),
        "author": [{"@type": "Person", "name": p.name, **({"url": p.url} if p.url else {})} for p in article.authors],
        "isPartOf": [
            {
                "@type": "Book",
                "name": place.book.title,
                "url": addresses.url(library, addresses.download_page(place.book)) or place.download_page,
            }
            for place in places
        ],
    }
    if article.description:
        data["description"] = article.description
    if article.date:
        data["datePublished"] = article.date.isoformat()
    found = terms(article, [p.book for p in places])
    if found:
        data["license"] = found[0].licence.url or found[0].licence.id
    if image:
        data["image"] = image
    if article.tags:
        data["keywords"] = ", ".join(article.tags)
    return json.dumps(data, ensure_ascii=False, indent=1).replace("<", "\\u003c")
