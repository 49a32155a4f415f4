"""Write the tagged PDF (PDF/UA-1) with WeasyPrint.

A short book is one HTML document, laid out in one go. A longer one is cut at
article boundaries (every article starts a page) into parts of about
CHUNK_PAGES pages that worker processes lay out side by side, and
``merge.py`` joins them into what the single render would have given:

1. A probe (``worker.probe_footer``) learns which margin box shows the page
   number, and how it draws it.
2. The article parts are laid out without page numbers (``counter(page)`` is
   emptied); a link to an id that lives in another part points at
   ``packager-xref:<id>``. Each worker writes its part out ready to be merged.
3. With every part's page count known, the front matter (cover, title page,
   contents) is laid out with the page numbers written in, until its own page
   count is the one the numbers assumed (once, nearly always).
4. The merge draws the page numbers, restores the links, and makes one
   structure tree, one outline and one name tree, writing part after part.

Which books are cut depends only on the book, never on the number of jobs, so
the same book gives the same bytes with any ``--jobs``; the number of workers only
says how many parts are laid out at once (1: one after the other, in this process).
Memory follows the part size, not the book's. A theme this cannot reproduce
(``plan.parts_unsupported``) gets the single render.

The folder: ``plan`` (which books are cut, where), ``html`` (the HTML and CSS
WeasyPrint lays out), ``parts`` (the data the stages share), ``worker`` (what a
worker process runs), ``portable`` (a part's objects written out), ``numbers``
(page numbers redrawn), ``merge`` (the parts joined), ``parallel`` (the parts
laid out side by side), ``pool`` (the worker processes) and ``cache`` (laid-out
parts kept between builds).
"""

from __future__ import annotations

import hashlib
import logging

from packager.formats import PDF
from packager.render import fonts
from packager.render.context import Output, PageStart, RenderContext, Unit
from packager.render.pdf import cache, parallel, plan, pool, worker
from packager.render.pdf.html import asset_files, book_html
from packager.render.pdf.starts import page_starts

log = logging.getLogger("packager")

#: A unit of a book laid out in parts: "part:" and its first article's anchor.
PART = "part:"


def units(book, theme) -> list[Unit]:
    """The parts a shard can lay out alone (their first article's anchor), or the whole book as one."""
    runs = plan.plan_parts(book.articles)
    if len(runs) > 1 and plan.parts_unsupported(theme) is None:
        return [Unit(_part_unit(book, r), plan.estimated_run_pages(book, r)) for r in runs]
    return [Unit("", sum(plan.estimated_pages(a) for a in book.articles))]


def _part_unit(book, run: range) -> str:
    """A part's unit id: its first article's anchor, as its cache tag is."""
    return PART + book.articles[run.start].anchor


def render(ctx: RenderContext) -> list[Output]:
    """Write <slug>.pdf into the destination folder (a shard: lay out its parts into ctx.part_store)."""
    book = ctx.book
    name = book.slug + PDF.suffix
    target = ctx.destination / name
    identifier = hashlib.sha256(book.identifier.encode("utf-8")).hexdigest()[:32].encode("ascii")
    fonts.use(fonts.setup(ctx.theme, ctx.book).conf)  # this process lays out the probe, or the whole book
    runs = plan.plan_parts(book.articles)
    if len(runs) > 1:
        reason = plan.parts_unsupported(ctx.theme)
        if reason is None:
            parts = cache.part_cache(read=ctx.use_cache)
            try:
                if ctx.units is not None:
                    chosen = [i for i, r in enumerate(runs) if _part_unit(book, r) in ctx.units]
                    if chosen:
                        parallel.lay_out_parts(ctx, runs, chosen, identifier, parts)
                    return []
                sources = cache.stores(ctx.part_sources)
                pages, starts = parallel.render_in_parts(ctx, runs, identifier, target, parts, sources)
                return [Output(name, PDF.name, pages=pages, page_starts=book_page_starts(starts))]
            except parallel.CannotSplit as error:
                reason = str(error)
            finally:
                if parts is not None:
                    parts.trim()
        log.info("laying out the PDF in one go: %s", reason)
    if ctx.units is not None and "" not in ctx.units:
        return []
    pages, starts = _render_whole(ctx, identifier, target)
    return [Output(name, PDF.name, pages=pages, page_starts=book_page_starts(starts))]


def book_page_starts(found: list) -> tuple[PageStart, ...]:
    """The book's page starts from each page's (article, block, offset) or None: from 1, the front matter left out.

    The pages before the first article (cover, title page, contents) are left out. A later page that begins
    in no block (a blank page) starts where the next page that does begins, or else where the one before did.
    """
    first = next((i for i, start in enumerate(found) if start is not None), len(found))
    known = found[first:]
    made = []
    for i, start in enumerate(known):
        if start is None:
            start = next((s for s in known[i + 1 :] if s is not None), None) or next(
                s for s in reversed(known[:i]) if s is not None
            )
        made.append(PageStart(first + i + 1, *start))
    return tuple(made)


def _render_whole(ctx: RenderContext, identifier: bytes, target) -> tuple[int, tuple]:
    """The whole book as one document: the reference that the parts must reproduce."""
    import weasyprint

    worker.remember_page_references()
    worker.tag_formulas()
    html = weasyprint.HTML(string=book_html(ctx), url_fetcher=worker.url_fetcher(asset_files(ctx.book)))
    options = worker.options(identifier)
    document = html.render(**options)
    starts = page_starts(document)
    document.write_pdf(target, finisher=worker.finisher(None), **options)
    return len(document.pages), starts


def prepare(bodies: list[str], workers: int) -> None:
    """Start the part workers' server now if the book will be laid out in parts (see pool.start_early)."""
    pool.start_early(bodies, workers)
