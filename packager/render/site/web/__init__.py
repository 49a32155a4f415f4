"""The web edition: one page per article under read/, a contents page per book, their stylesheet and images.

Every page is static HTML5 with no script (but its JSON-LD), no form and nothing from another host; links
between pages are relative and name their file, so the edition reads from file:// as well as over HTTP.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from packager import __version__
from packager.book import licences
from packager.book import share_links as share
from packager.book.model import Article, Book
from packager.book.roles import role_name
from packager.render.context import Output, SiteContext
from packager.render.site import addresses
from packager.render.site.web import html, pages
from packager.render.styles import layered

STYLESHEET = f"{addresses.WEB}assets/web.css"


def render(ctx: SiteContext, files: frozenset[str] | None = None, share: tuple[int, int] = (0, 1)) -> list[Output]:
    """Write read/<article>/index.html for every article a book holds, and each book's contents page.

    files are the paths (from the root of dist/) the books' folders will hold, for pages written while the
    books are made; by default, what the destination holds now. share (k, n) writes the k-th of n shares of
    the article pages, for n processes side by side; the stylesheet, images and contents pages go with share 0.
    """
    library = ctx.library
    exists = files.__contains__ if files is not None else (lambda path: (ctx.destination / path).is_file())
    articles = [a for a in library.articles if pages.has_page(a, library)]
    outputs = []
    if share[0] == 0:
        (ctx.destination / STYLESHEET).parent.mkdir(parents=True, exist_ok=True)
        (ctx.destination / STYLESHEET).write_text(layered(ctx.theme, "web/web.css"), encoding="utf-8")
        outputs = [Output(STYLESHEET, "asset"), *_copy_assets(ctx, articles)]
    targets = _targets(articles)
    assets = frozenset(a.href for a in library.assets)
    icons = _icons(ctx)
    for article in articles[share[0] :: share[1]]:
        outputs += _article_page(ctx, article, targets, assets, icons, exists)
    if share[0] == 0:
        outputs += [_contents_page(ctx, book, exists) for book in library.books]
    return outputs


def page_count(library, share: tuple[int, int] = (0, 1)) -> int:
    """How many pages share (k, n) of render() writes."""
    articles = [a for a in library.articles if pages.has_page(a, library)]
    return len(articles[share[0] :: share[1]]) + (len(library.books) if share[0] == 0 else 0)


def _copy_assets(ctx: SiteContext, articles: list[Article]) -> list[Output]:
    """The images (and other files) the pages embed, once each, under read/assets/."""
    written = []
    for asset in ctx.library.assets:
        if any(f'"{asset.href}' in a.html for a in articles):
            path = addresses.WEB + asset.href
            (ctx.destination / path).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(asset.path, ctx.destination / path)
            written.append(Output(path, "asset"))
    return written


def _targets(articles: list[Article]) -> dict[str, str]:
    """Every id on the edition's pages, to the page (and anchor) that holds it."""
    found = {}
    for article in articles:
        page = addresses.article_page(article.slug)
        for id_ in sorted(article.ids):
            found[id_] = page if id_ == article.anchor else f"{page}#{id_}"
    return found


def _common(ctx: SiteContext, page: str) -> dict:
    """What every page's layout needs: language, stylesheet, causes, version."""
    return {
        "lang": ctx.library.language,
        "dir": ctx.library.direction,
        "css": addresses.relative(page, STYLESHEET),
        "causes": ctx.library.causes,
        "version": __version__,
    }


def _article_page(ctx: SiteContext, article: Article, targets, assets, icons, exists) -> list[Output]:
    library = ctx.library
    page = addresses.article_page(article.slug)
    places = pages.places(library, article, page, exists)
    books = [p.book for p in places]
    url = addresses.url(library, page)
    text = pages.share_text(library, article)
    links = pages.share_for(library, url, text, article.slug) if url else []
    image = pages.og_image(library, books, page, exists)
    mastodon = None
    if any(link.url == share.MASTODON_PAGE for link in links):  # no server named: how to share, on the page itself
        post, path = share.mastodon_instructions(url, text, library.share_hashtags)
        mastodon = {"post": post, "path": path}
    (ctx.destination / page).parent.mkdir(parents=True, exist_ok=True)
    document = ctx.theme.render(
        "web/article.html",
        **_common(ctx, page),
        article=article,
        body=html.article_html(article.html, page, targets, assets),
        places=places,
        trails=pages.breadcrumbs(library, books, page),
        terms=pages.terms(article, books),
        url=url,
        share_links=links,
        mastodon=mastodon,
        icons=icons,
        og_image=image,
        json_ld=pages.json_ld(library, article, page, places, image),
        role_name=role_name,
        licence=licences.lookup,
        short_name=licences.short_name,
        article_language=library.article_language,
    )
    (ctx.destination / page).write_text(document, encoding="utf-8")
    return [Output(page, "web")]


def _contents_page(ctx: SiteContext, book: Book, exists) -> Output:
    library = ctx.library
    page = addresses.contents_page(library, book)
    entries = [
        (a, None if a.is_part else addresses.relative(page, addresses.article_page(a.slug)))
        for a in book.articles
        if a.is_part or not a.is_generated
    ]
    document = ctx.theme.render(
        "web/contents.html",
        **_common(ctx, page),
        book=book,
        entries=entries,
        download_page=addresses.relative(page, addresses.download_page(book)),
        files=pages.book_files(book, exists, page),
        trails=pages.breadcrumbs(library, [book], page),
        current="Contents" if library.single else book.title,
        recommended=[r for r in book.recommended if r.article is None],
        canonical=addresses.url(library, page),
    )
    (ctx.destination / page).write_text(document, encoding="utf-8")
    return Output(page, "web")


def _icons(ctx: SiteContext) -> dict[str, str]:
    """Each share provider's icon as inline SVG, hidden from screen readers (the label says it all)."""
    from lxml import etree

    icons = {}
    for provider in ctx.library.share_providers or share.PROVIDERS:
        svg = etree.fromstring(Path(ctx.theme.find(f"landing/icons/{provider}.svg")).read_bytes())
        svg.set("aria-hidden", "true")
        svg.set("focusable", "false")
        icons[provider] = etree.tostring(svg, encoding="unicode")
    return icons
