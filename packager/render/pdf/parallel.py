"""Lay a long book out in parts, side by side, and join them into what one render gives (see the package)."""

from __future__ import annotations

import logging
import time
from concurrent.futures import Future

from lxml import html as lxml_html

from packager.errors import UsageError
from packager.render import fonts
from packager.render.context import RenderContext
from packager.render.pdf import merge, numbers, plan, pool, worker
from packager.render.pdf.cache import PartCache
from packager.render.pdf.html import (
    PdfArticle,
    articles_css,
    asset_files,
    book_html,
    front_html,
    ids,
    link_elsewhere,
    pdf_tree,
    print_css,
    serialize,
)
from packager.render.pdf.parts import (
    Bookmark,
    FooterProbe,
    MergeError,
    PartJob,
    PartResult,
    part_data,
    part_from_data,
    xref_url,
)

log = logging.getLogger("packager")

#: Renders of the front matter before giving up on a page count that will not settle.
FRONT_ATTEMPTS = 4


class CannotSplit(Exception):
    """This book cannot be laid out in parts that join into what one render gives."""


class PartHtml:
    """The HTML of each run of articles as a part: links to ids that another part holds made xrefs."""

    def __init__(self, ctx: RenderContext, runs: list[range], css: str):
        book = self.book = ctx.book
        self.ctx, self.runs, self.css = ctx, runs, css
        self.fonts = fonts.setup(ctx.theme, book).conf  # the fontconfig file every part is laid out with
        self.trees = [pdf_tree(a) for a in book.articles]
        self.part_ids = [set().union(*({book.articles[i].anchor} | ids(self.trees[i]) for i in run)) for run in runs]
        placeholder = front_html(ctx, {a.anchor: 0 for a in book.articles}, xref_url)
        self.everywhere = ids(lxml_html.document_fromstring(placeholder)).union(*self.part_ids)

    def job(self, index: int, assets, identifier: bytes) -> PartJob:
        """The part of run index (once each: its articles' trees are let go)."""
        book, run = self.book, self.runs[index]
        articles = []
        for i in run:
            link_elsewhere(self.trees[i], self.part_ids[index], self.everywhere)
            articles.append(PdfArticle(book.articles[i], serialize(self.trees[i])))
            self.trees[i] = None  # the parts' HTML is all this process keeps of the articles
        html = book_html(self.ctx, part="articles", articles=articles, css=articles_css(self.css))
        return PartJob(html, assets, identifier, tag=part_tag(book, run), fonts=self.fonts)


def part_tag(book, run: range) -> str:
    """A part's tag: its first article's anchor (by content, not by position, so a cached part stays right)."""
    return f"{book.articles[run.start].anchor}-"


def lay_out_parts(ctx: RenderContext, runs: list[range], chosen: list[int], identifier: bytes, cache) -> None:
    """A shard's share: lay out the runs chosen (indexes) and keep them in ctx.part_store; merge nothing."""
    store = PartCache(ctx.part_store)
    assets = asset_files(ctx.book)
    html = PartHtml(ctx, runs, print_css(ctx.theme, ctx.book))
    with pool.executor(min(ctx.workers, len(chosen))) as executor:
        order = sorted(chosen, key=lambda i: -plan.estimated_run_pages(ctx.book, runs[i]))
        futures = [_lay_out(executor, cache, html.job(i, assets, identifier), store=store) for i in order]
        for future in futures:
            future.result()


def render_in_parts(
    ctx: RenderContext, runs: list[range], identifier: bytes, target, cache: PartCache | None, sources=()
) -> tuple[int, list]:
    """Lay the runs of articles out as parts, in up to ctx.workers processes, and merge them into target.

    sources are the part stores of a sharded build's shards: every article part is taken from one of them.
    Gives the page count and where each page begins (``starts.page_starts``, None for the front matter's).
    """
    book = ctx.book
    assets = asset_files(book)
    jobs = ctx.workers
    started = time.perf_counter()

    def progress(what: str) -> None:
        log.debug("PDF in %d parts, %d jobs: %s (%.1f s)", len(runs), jobs, what, time.perf_counter() - started)

    with pool.executor(min(jobs, len(runs))) as executor:
        css = print_css(ctx.theme, ctx.book)
        conf = fonts.setup(ctx.theme, ctx.book).conf
        probe = _probe(executor, cache, css, identifier, conf)
        numbers = _page_number_style(probe.result()) if probe.done() else None  # done: no worker processes

        # Every article's PDF-ready tree, and which part holds which id.
        html = PartHtml(ctx, runs, css)

        # Laid out first, while the parts wait: its page count is (nearly always) the final one.
        digits = len(str(round(sum(plan.estimated_pages(a) for a in book.articles)) + 10))
        first_guess = _lay_out(
            executor,
            cache,
            PartJob(
                front_html(ctx, {a.anchor: "0" * digits for a in book.articles}, xref_url),
                assets,
                identifier,
                tag="p0-",
                front=True,
                fonts=conf,
            ),
        )
        # Longest parts first: the last ones to finish are short, so no worker waits long for another.
        futures: list[Future | None] = [None] * len(runs)
        for index in sorted(range(len(runs)), key=lambda i: -plan.estimated_run_pages(book, runs[i])):
            futures[index] = _lay_out(executor, cache, html.job(index, assets, identifier), sources=sources)
        progress("every part submitted")
        numbers = numbers or _page_number_style(probe.result())
        parts = [f.result() for f in futures]
        progress(f"every part laid out: {sum(p.pages for p in parts)} pages")
        for run, part in zip(runs, parts, strict=True):
            anchors = [book.articles[i].anchor for i in run]
            if part.anchors.get(anchors[0]) != 0 or any(a not in part.anchors for a in anchors):
                raise CannotSplit(
                    "a part does not start with its first article (is pdf/book.html's part switch intact?)"
                )

        front_pages = first_guess.result().pages
        for _ in range(FRONT_ATTEMPTS):
            starts, toc_pages = _page_numbers(book, runs, parts, front_pages)
            html = front_html(ctx, toc_pages, xref_url)
            front = _lay_out(
                executor, cache, PartJob(html, assets, identifier, tag="p0-", front=True, fonts=conf)
            ).result()
            if any(a.anchor in front.anchors for a in book.articles):
                raise CannotSplit("the front matter holds articles (is pdf/book.html's part switch intact?)")
            if front.pages == front_pages:
                break
            front_pages = front.pages
        else:
            raise CannotSplit("the contents' page count does not settle")
        progress(f"front matter laid out: {front.pages} pages")

    bookmarks = list(front.bookmarks)
    for start, part in zip(starts, parts, strict=True):
        bookmarks.extend(Bookmark(b.level, b.label, b.page + start, b.x, b.y, b.state) for b in part.bookmarks)
    try:
        pages = merge.merge(
            [front.objects, *(p.objects for p in parts)],
            [False] + [True] * len(parts),
            numbers,
            bookmarks,
            identifier,
            target,
        )
    except MergeError as error:
        raise CannotSplit(str(error)) from error
    progress("merged")
    return pages, [None] * front.pages + [start for part in parts for start in part.starts]


def _lay_out(executor, cache, job: PartJob, *, sources=(), store: PartCache | None = None) -> Future:
    """Lay out a part in the executor, or take it from a cache when an earlier build laid out the same.

    sources (a sharded build's part stores) must hold every article part; store (a shard's) gets every part.
    """
    for source in sources:
        found = _cached(source, job)
        if found is not None:
            return _done(found)
    if sources and not job.front:
        raise UsageError(
            f"the shards hold no PDF part starting at #{job.tag[:-1]}: build every shard of the plan again, "
            "from the same commit"
        )
    found = _cached(cache, job) if cache is not None else None
    if found is not None:
        if store is not None:
            store.put(_key(store, job), _entry(store, job, found))
        return _done(found)
    future = executor.submit(worker.render_part, job)
    for keeper in (cache, store):
        if keeper is not None:
            _stored(future, keeper, _key(keeper, job), lambda part, keeper=keeper: _entry(keeper, job, part))
    return future


def _key(cache: PartCache, job: PartJob) -> str:
    return cache.key("part", job.html, job.identifier, job.tag, str(job.front))


def _cached(cache: PartCache, job: PartJob) -> PartResult | None:
    """The part this job lays out, when the cache holds it and the images it loaded are unchanged."""
    stored = cache.get(_key(cache, job))
    if stored is None:
        return None
    try:
        assets, data = stored
        if all(
            href in job.assets and job.assets[href][1] == kind and cache.file_digest(job.assets[href][0]) == digest
            for href, kind, digest in assets
        ):
            return part_from_data(data)
    except (TypeError, ValueError):
        pass  # an entry of another shape: lay the part out again
    log.debug("a cached part's images have changed: laying it out again")
    return None


def _entry(cache: PartCache, job: PartJob, part: PartResult) -> tuple:
    """What the cache keeps of a part: the images it loaded (with their hashes) and its data."""
    assets = tuple((h, job.assets[h][1], cache.file_digest(job.assets[h][0])) for h in part.assets)
    return assets, part_data(part)


def _probe(executor, cache, css: str, identifier: bytes, conf: str) -> Future:
    """The page-number probe for this stylesheet, from the cache when there is one."""
    key = cache.key("probe", css, identifier) if cache is not None else None
    stored = cache.get(key) if key else None
    if isinstance(stored, tuple) and len(stored) == 2:
        return _done(FooterProbe(*stored))
    future = executor.submit(worker.probe_footer, css, identifier, conf)
    return _stored(future, cache, key, lambda probed: (probed.pdf, probed.margin_box)) if key else future


def _stored(future: Future, cache, key: str, entry) -> Future:
    """Put entry(result) in the cache under key once the future has a result (not on error or cancel)."""

    def store(done: Future) -> None:
        if not done.cancelled() and done.exception() is None:
            cache.put(key, entry(done.result()))

    future.add_done_callback(store)
    return future


def _done(value) -> Future:
    future: Future = Future()
    future.set_result(value)
    return future


def _page_number_style(probed: FooterProbe):
    """How to draw the page numbers the parts leave out; CannotSplit when the theme's cannot be redrawn."""
    if probed.margin_box is None:
        raise CannotSplit("the probe found no margin box that shows just the page number")
    try:
        return numbers.page_number_style(probed.pdf)
    except MergeError as error:
        raise CannotSplit(f"the page numbers cannot be redrawn: {error}") from error


def _page_numbers(book, runs, parts: list[PartResult], front_pages: int) -> tuple[list[int], dict[str, int]]:
    """Each part's first page (0-based) in the book, and each article's page number (1-based)."""
    starts, toc_pages = [], {}
    start = front_pages
    for run, part in zip(runs, parts, strict=True):
        starts.append(start)
        for i in run:
            anchor = book.articles[i].anchor
            toc_pages[anchor] = start + part.anchors.get(anchor, 0) + 1
        start += part.pages
    return starts, toc_pages
