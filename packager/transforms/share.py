"""The share transform: Book -> Book with share links, a "Share this book" section and per-article lines.

The URL builders live in ``book/share_links.py`` (pure functions); this module
decides what gets shared, where, and warns when nothing can be.
"""

from __future__ import annotations

from dataclasses import replace

from packager.book import share_links as share
from packager.book.model import Article, Book
from packager.diagnostics import Diagnostics
from packager.project.config import ShareConfig
from packager.project.themes import Theme


def share_text(book: Book, config: ShareConfig) -> str:
    if config.text:
        return config.text
    return f"{book.title}: {book.subtitle}" if book.subtitle else book.title


def links_for(book: Book, config: ShareConfig, page_url: str, text: str) -> tuple[share.ShareLink, ...]:
    """One link per chosen provider, each tagged with UTM parameters only when asked to."""
    result = []
    for provider in config.providers or share.PROVIDERS:
        url = share.with_utm(page_url, provider, "social", book.slug) if config.utm else page_url
        [link] = share.share_links(
            url, text, providers=(provider,), hashtags=config.hashtags, mastodon_instance=config.mastodon_instance
        )
        result.append(link)
    return tuple(result)


def apply(book: Book, config: ShareConfig, theme: Theme, diagnostics: Diagnostics) -> Book:
    """Add share links to the book; without base_url there is no page to share, so none are added."""
    if not book.base_url:
        diagnostics.warn(
            "packager.toml",
            "no [book] base_url: share links are left out of the books and the page "
            "(a relative link cannot be shared); set base_url to where dist/ will be hosted",
            kind="share links left out",
        )
        return book
    text = share_text(book, config)
    links = links_for(book, config, book.base_url, text)
    in_book = tuple(
        replace(link, url=book.base_url + link.url) if link.url == share.MASTODON_PAGE else link for link in links
    )
    articles = list(book.articles)
    if config.per_article:
        articles = [
            a
            if a.is_generated
            else replace(
                a, html=a.html + theme.render("fragments/share-line.html", links=in_book, book=book, article=a)
            )
            for a in articles
        ]
    slug = "share" if "share" not in {a.slug for a in articles} else "packager-share"
    section = Article(
        source="",
        slug=slug,
        title="Share this book",
        kind="share",
        ids=frozenset({slug}),
        html=theme.render("fragments/share.html", links=in_book, book=book, text=text),
    )
    return replace(book, articles=(*articles, section), share_links=links, share_text=text)
