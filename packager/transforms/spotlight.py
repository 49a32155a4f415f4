"""The spotlight transform: Book -> Book with "Recommended by the authors" and the causes the book points to.

The recommendations are ``[[spotlight]]`` from packager.toml, then what the book's
articles recommend in their front matter (``content/attribution.py``), one per URL.
The section goes before the credits and share back matter; the causes' section is
the book's very last. A book with neither is given back as it came.
"""

from __future__ import annotations

from dataclasses import replace

from packager.book.model import Article, Book, Cause, Recommendation
from packager.book.slugs import unique
from packager.content import url_breaks
from packager.content.urls import safe_url
from packager.diagnostics import Diagnostics
from packager.project.themes import Theme

RECOMMENDED_TITLE = "Recommended by the authors"
SUPPORT_TITLE = "Support a cause"
#: The back matter the recommendations go before.
CLOSING_KINDS = ("credits", "share")


def apply(
    book: Book,
    spotlight: tuple[Recommendation, ...],
    causes: tuple[Cause, ...],
    theme: Theme,
    diagnostics: Diagnostics,
) -> Book:
    """Add the recommendations before the credits and the causes at the very end; without either, change nothing."""
    recommended = _recommended(book, spotlight, diagnostics)
    kept_causes = _causes(causes, diagnostics)
    if not recommended and not kept_causes:
        return book
    articles = list(book.articles)
    if recommended:
        slug = _free_slug(articles, "recommended")
        html = theme.render(
            "fragments/recommended.html",
            book=book,
            recommended=recommended,
            articles={a.source: a for a in book.articles if a.source},
        )
        html = url_breaks.in_fragment(html)  # the addresses shown for print break at sensible points
        section = Article(
            source="", slug=slug, title=RECOMMENDED_TITLE, html=html, kind="recommended", ids=frozenset({slug})
        )
        at = next((i for i, a in enumerate(articles) if a.kind in CLOSING_KINDS), len(articles))
        articles.insert(at, section)
    if kept_causes:
        slug = _free_slug(articles, "support")
        html = theme.render("fragments/support.html", book=book, causes=kept_causes)
        html = url_breaks.in_fragment(html)
        articles.append(
            Article(source="", slug=slug, title=SUPPORT_TITLE, html=html, kind="support", ids=frozenset({slug}))
        )
    return replace(book, articles=tuple(articles), recommended=recommended, causes=kept_causes)


def _recommended(
    book: Book, spotlight: tuple[Recommendation, ...], diagnostics: Diagnostics
) -> tuple[Recommendation, ...]:
    """The spotlight, then each article's recommends, each URL once (the first one kept)."""
    found: dict[str, Recommendation] = {}
    for item in (*spotlight, *(r for a in book.articles for r in a.recommends)):
        url = _link(item.url, item.article or "packager.toml", f"recommendation {item.title!r}", diagnostics)
        if url is not None and url not in found:
            found[url] = replace(item, url=url)
    return tuple(found.values())


def _causes(causes: tuple[Cause, ...], diagnostics: Diagnostics) -> tuple[Cause, ...]:
    kept = []
    for cause in causes:
        url = _link(cause.url, "packager.toml", f"cause {cause.name!r}", diagnostics)
        if url is not None:
            kept.append(replace(cause, url=url))
    return tuple(kept)


def _link(url: str, where: str, what: str, diagnostics: Diagnostics) -> str | None:
    """The URL written as every reader accepts it; None, with a warning, when it cannot be."""
    safe = safe_url(url) if url.lower().startswith(("http://", "https://")) else None
    if safe is None:
        diagnostics.warn(
            where,
            f"{what}: {url!r} is not an http(s) URL a book can link to; left out",
            kind="recommendations and causes left out",
        )
    return safe


def _free_slug(articles: list[Article], wanted: str) -> str:
    """wanted, or packager-wanted (-2, -3 …): a slug no article and no id of the book has."""
    taken = {a.slug for a in articles}.union(*(a.ids for a in articles))
    return wanted if wanted not in taken else unique(f"packager-{wanted}", taken)
