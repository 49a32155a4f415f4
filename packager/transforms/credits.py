"""The credits transform: Book -> Book with the credits rolled up, the licences checked and a Credits section.

What each article says about its own credits is read while the Book is
assembled (``content/attribution.py``); this adds the Credits (people,
licences, third-party items, licence exceptions) and the Credits back matter.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import PurePosixPath

from packager.book import licences
from packager.book.model import Article, Book, CreditItem, Credits, Person, PersonCredit
from packager.book.roles import role_name
from packager.content import url_breaks
from packager.diagnostics import Diagnostics
from packager.project import glyphs
from packager.project.themes import Theme


def apply(book: Book, theme: Theme, book_items: tuple[CreditItem, ...], diagnostics: Diagnostics) -> Book:
    """Roll the credits up for the whole book, check the licences, and append the Credits section."""
    book = replace(book, book_items=(*book_items, *theme_font_items(theme), *fallback_font_items(book, theme)))
    items = _checked_items(book, diagnostics)
    _check_licences(book, items, diagnostics)
    _check_authors(book, diagnostics)
    _check_alt_text(book, diagnostics)
    credits = Credits(
        people=_people(book),
        licences=_licences_used(book, items),
        items=tuple(items),
        exceptions=tuple(
            (a.source, a.license)
            for a in book.articles
            if a.license and book.license and a.license.lower() != book.license.lower()
        ),
    )
    book = replace(book, credits=credits)
    html = theme.render(
        "fragments/credits.html",
        book=book,
        credits=credits,
        slug=_free_slug(book, "credits"),
        licence=licences.lookup,
        short_name=licences.short_name,
        role_name=role_name,
        articles={a.source: a for a in book.articles},
    )
    html = url_breaks.in_fragment(html)  # the sources' addresses break at sensible points
    section = Article(
        source="",
        slug=_free_slug(book, "credits"),
        title="Credits",
        html=html,
        kind="credits",
        ids=frozenset({_free_slug(book, "credits")}),
    )
    return replace(book, articles=(*book.articles, section))


def _free_slug(book: Book, wanted: str) -> str:
    taken = {a.slug for a in book.articles}
    return wanted if wanted not in taken else f"packager-{wanted}"


def _checked_items(book: Book, diagnostics: Diagnostics) -> list[CreditItem]:
    """Book-level and article-level items, each file checked to exist inside SOURCE."""
    root = book.source_dir.resolve()
    items = []
    for item in (*book.book_items, *(i for a in book.articles for i in a.items)):
        if item.file and not item.file.startswith("theme:"):
            base = (
                PurePosixPath(item.article).parent
                if item.article and not item.file.startswith("/")
                else PurePosixPath("")
            )
            path = (root / str(base) / item.file.lstrip("/")).resolve()
            where = item.article or "packager.toml"
            if not path.is_relative_to(root) or not path.is_file():
                diagnostics.warn(
                    where,
                    f"credited file {item.file} does not exist in the source folder; check the 'file' path",
                    kind="credited files not found",
                )
            else:
                item = replace(item, file=path.relative_to(root).as_posix())
        items.append(item)
    return items


def _check_licences(book: Book, items: list[CreditItem], diagnostics: Diagnostics) -> None:
    named = [("packager.toml", "the book", book.license)] if book.license else []
    named += [(a.source, "article", a.license) for a in book.articles if a.license]
    named += [
        (i.article or "packager.toml", f"credited item {i.title or i.file!r}", i.license) for i in items if i.license
    ]
    for where, what, spdx in named:
        if not licences.lookup(spdx).known:
            diagnostics.warn(
                where,
                f"licence {spdx!r} of {what} is not an SPDX id (see https://spdx.org/licenses/); use one like CC-BY-4.0",
                kind="licences that are not SPDX ids",
            )
    for article in book.articles:
        why = article.license and licences.conflict(article.license, book.license)
        if why:
            diagnostics.warn(
                article.source,
                f"licence {article.license} cannot be covered by the book's {book.license} ({why}); the credits list it as an exception",
                kind="licences the book's licence cannot cover",
            )
    for item in items:
        why = item.license and licences.conflict(item.license, book.license)
        if why:
            diagnostics.warn(
                item.article or "packager.toml",
                f"credited item {item.title or item.file!r} is under {item.license}, which the book's {book.license} cannot cover ({why}); the credits list it as an exception",
                kind="licences the book's licence cannot cover",
            )


def _check_authors(book: Book, diagnostics: Diagnostics) -> None:
    if book.authors:
        return
    nameless = [a.source for a in book.articles if not a.authors and not a.is_generated]
    if nameless:
        shown = ", ".join(nameless[:5]) + (f" and {len(nameless) - 5} more" if len(nameless) > 5 else "")
        diagnostics.warn(
            nameless[0],
            f"{len(nameless)} article(s) name no author ({shown}); add 'author:' to their front matter or [book] authors to packager.toml",
            kind="articles without an author",
        )


def _check_alt_text(book: Book, diagnostics: Diagnostics) -> None:
    for article in book.articles:
        missing = len(_IMAGE_WITHOUT_ALT.findall(article.html))
        if missing:
            diagnostics.warn(
                article.source,
                f"{missing} image(s) have no alt text; describe each image for readers who cannot see it",
                kind="articles with images without alt text",
            )


_IMAGE_WITHOUT_ALT = re.compile(r'<img\b[^>]*\balt=""')


def _people(book: Book) -> tuple[PersonCredit, ...]:
    roles: dict[str, list[str]] = {}
    urls: dict[str, str | None] = {}
    where: dict[str, list[str]] = {}

    def add(person: Person, role: str, article: str | None) -> None:
        roles.setdefault(person.name, [])
        if role not in roles[person.name]:
            roles[person.name].append(role)
        urls[person.name] = urls.get(person.name) or person.url
        where.setdefault(person.name, [])
        if article and article not in where[person.name]:
            where[person.name].append(article)

    for person in book.authors:
        add(person, "aut", None)
    for article in book.articles:
        for person in article.authors:
            add(person, "aut", article.source)
        for person in article.contributors:
            add(person, person.role or "ctb", article.source)
    return tuple(PersonCredit(n, urls[n], tuple(roles[n]), tuple(where[n])) for n in roles)


def _licences_used(book: Book, items: list[CreditItem]):
    ids = [book.license] if book.license else []
    ids += [a.license for a in book.articles if a.license] + [i.license for i in items if i.license]
    seen: dict[str, object] = {}
    for spdx in ids:
        found = licences.lookup(spdx)
        seen.setdefault(found.id.lower(), found)
    return tuple(seen.values())


def theme_font_items(theme: Theme) -> tuple[CreditItem, ...]:
    """The fonts a theme embeds in the PDF, credited like any other third-party material."""
    return tuple(_font_item(font) for font in theme.fonts())


def fallback_font_items(book: Book, theme: Theme) -> tuple[CreditItem, ...]:
    """The fallback fonts the book's text needs (scripts, emoji the theme's fonts lack), credited as the theme's are."""
    own = {font.name for font in theme.fonts()}
    return tuple(
        _font_item(font) for font in glyphs.fallbacks_used(theme, set(glyphs.book_text(book))) if font.name not in own
    )


def _font_item(font) -> CreditItem:
    return CreditItem(title=font.name, author=font.author, source=font.source, license=font.license)
