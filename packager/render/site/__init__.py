"""The site around the books: each book's credits files, ZIP and download page; the web edition (written while
the books are made); the library page (several books) and the host files over everything.

Everything here works from the books' outputs (``Output``) and the files in the
destination, never from another renderer's code; hashes and media types come
from ``packager/filefacts.py``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from packager import workers
from packager.book.model import Library
from packager.diagnostics import Diagnostics
from packager.project.themes import Theme
from packager.render.context import Output, RenderContext, SiteContext
from packager.render.site import bundle, credits_files, host_files, landing, library_page, web


def render_book(ctx: RenderContext, books: list[Output]) -> list[Output]:
    """Write one book's credits files, ZIP and download page beside its books; return them all, books first."""
    credit_files = credits_files.render(ctx)
    bundled = bundle.render(ctx, books + credit_files)
    page = landing.render(ctx, books + bundled)
    return books + bundled + credit_files + page


def book_files(library: Library, suffixes: list[str]) -> list[str]:
    """The files of the books' folders the web edition links to: each book's formats and its sharing image."""
    found = []
    for book in library.books:
        found += [f"{book.folder}{book.slug}{suffix}" for suffix in suffixes]
        if book.cover is not None:
            found.append(f"{book.folder}assets/og-image.png")
    return found


@dataclass
class WebEdition:
    """The web edition being written: its shares in forked processes, the last one left for this process."""

    ctx: SiteContext
    files: frozenset[str]
    shares: int
    started: list[workers.Background]

    def cancel(self) -> None:
        for share in self.started:
            share.cancel()


def start_web(
    library: Library, theme: Theme, destination: Path, diagnostics: Diagnostics, epoch: int, files, count: int
) -> WebEdition | None:
    """Start writing the web edition (when the library has one), beside the books being made."""
    if not library.web:
        return None
    ctx = SiteContext(library, theme, destination, diagnostics, epoch)
    files = frozenset(files)
    # One share more than processes: this one starts on its share only once the books are written.
    shares = min(count + 1, len(library.articles) // 20 + 1) if count > 1 else 1
    started = [workers.Background(count, web.render, ctx, files, (k, shares)) for k in range(1, shares)]
    return WebEdition(ctx, files, shares, started)


def finish_web(edition: WebEdition | None, written: set[str]) -> list[Output]:
    """The web edition's pages, once the books are written: all again here if a book lacks a file it expected."""
    if edition is None:
        return []
    if not edition.files <= written:  # a renderer wrote less than expected: link only what there is
        edition.cancel()
        return web.render(edition.ctx)
    pages = web.render(edition.ctx, edition.files, (0, edition.shares))
    for share in edition.started:
        pages += share.result()
    return sorted(pages, key=lambda o: o.path)


def render_web(
    library: Library, theme: Theme, destination: Path, diagnostics: Diagnostics, epoch: int, files=None, share=(0, 1)
) -> list[Output]:
    """Write the web edition (share k of n of its article pages) here and now; [] when the library has none."""
    if not library.web:
        return []
    ctx = SiteContext(library, theme, destination, diagnostics, epoch)
    return sorted(web.render(ctx, None if files is None else frozenset(files), share), key=lambda o: o.path)


def web_pages(library: Library, share: tuple[int, int] = (0, 1)) -> int:
    """How many pages share k of n of the web edition writes (what a sharded build balances)."""
    return web.page_count(library, share) if library.web else 0


def render_library(
    library: Library, books: list[RenderContext], destination: Path, outputs: list[Output], pages: list[Output]
) -> list[Output]:
    """Write the library page when there are several books, and the host files over all (the web pages too)."""
    ctx = SiteContext(library, books[0].theme, destination, books[0].diagnostics, books[0].epoch)
    if library.single:
        return pages + host_files.render(books[0], outputs + pages)
    pages = pages + library_page.render(ctx, outputs)
    return pages + host_files.render_site(ctx, outputs + pages)
