"""Where the site's pages live in dist/, and the relative links between them (so file:// works as well as HTTP)."""

from __future__ import annotations

import posixpath

from packager.book.model import Book, Library

WEB = "read/"


def article_page(slug: str) -> str:
    """An article's one page in the web edition, from the root of dist/."""
    return f"{WEB}{slug}/index.html"


def contents_page(library: Library, book: Book) -> str:
    """A book's contents page in the web edition: read/index.html for a one-book site, else read/<bundle>.html."""
    return f"{WEB}index.html" if library.single else f"{WEB}{book.slug}.html"


def download_page(book: Book) -> str:
    """A book's download page, from the root of dist/."""
    return f"{book.folder}index.html"


def relative(page: str, target: str) -> str:
    """The href from page (a path from the root of dist/) to target (another), as a static host and file:// read it."""
    start = posixpath.dirname(page) or "."
    anchor = ""
    if "#" in target:
        target, anchor = target.split("#", 1)
        anchor = "#" + anchor
    return posixpath.relpath(target, start) + anchor


def url(library: Library, path: str) -> str | None:
    """The absolute URL of a path of dist/ (index.html as its folder), or None without base_url."""
    if not library.base_url:
        return None
    if path.endswith("index.html"):
        path = path[: -len("index.html")]
    return library.base_url + path
