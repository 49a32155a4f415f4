"""The site, written after the books from their files: each book's credits files, ZIP and download page, then
the web edition, the library page (several books) and the host files over everything.

Everything here works from the books' outputs (``Output``) and the files in the
destination, never from another renderer's code; hashes and media types come
from ``packager/filefacts.py``.
"""

from __future__ import annotations

from pathlib import Path

from packager.book.model import Library
from packager.render.context import Output, RenderContext, SiteContext
from packager.render.site import bundle, credits_files, host_files, landing, library_page, web


def render_book(ctx: RenderContext, books: list[Output]) -> list[Output]:
    """Write one book's credits files, ZIP and download page beside its books; return them all, books first."""
    credit_files = credits_files.render(ctx)
    bundled = bundle.render(ctx, books + credit_files)
    page = landing.render(ctx, books + bundled)
    return books + bundled + credit_files + page


def render_library(
    library: Library, books: list[RenderContext], destination: Path, outputs: list[Output]
) -> list[Output]:
    """Write the web edition, the library page when there are several books, and the host files over all."""
    ctx = SiteContext(library, books[0].theme, destination, books[0].diagnostics, books[0].epoch)
    pages = web.render(ctx) if library.web else []
    if library.single:
        return pages + host_files.render(books[0], outputs + pages)
    pages += library_page.render(ctx, outputs)
    return pages + host_files.render_site(ctx, outputs + pages)
