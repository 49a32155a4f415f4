"""Write the tagged PDF (PDF/UA-1) with WeasyPrint.

A short book is one HTML document, laid out in one go. A longer one is cut at
article boundaries (every article starts a page) into parts of about
CHUNK_PAGES pages that worker processes lay out side by side, and
``pdf_merge`` joins them into what the single render would have given:

1. A probe (``pdf_worker.probe_footer``) learns which margin box shows the page
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
the same book gives the same bytes with any ``--jobs``; ``jobs`` only says how
many parts are laid out at once (1: one after the other, in this process).
Memory follows the part size, not the book's. A theme this cannot reproduce
(``parts_unsupported``) gets the single render.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import time
from concurrent.futures import Future
from urllib.parse import unquote, urlsplit

from lxml import etree
from lxml import html as lxml_html

from packager import __version__
from packager.book import Article
from packager.renderers import Output, RenderContext
from packager.renderers import pdf_worker as worker
from packager.renderers.pdf_worker import ASSET_SCHEME, PartJob, PartResult
from packager.styles import stylesheet
from packager.workers import Pool

log = logging.getLogger("packager")

#: Estimated pages per part. Measured on 663- and 2,623-page books: a worker peaks at
#: 125–155 MB RSS whatever the book's length (one render of the 663 pages: ~590 MB); a
#: part takes ~5 s on one core, short enough to keep two cores busy to the end. Smaller parts save little memory but add font subsets (each
#: part embeds its own: the file grows ~15% at this size) and per-part costs.
CHUNK_PAGES = 60
#: A book shorter than this many (estimated) pages is laid out in one go: cutting it
#: would gain less than the parts' fixed costs (probe, front matter, merge).
MIN_SPLIT_PAGES = 2 * CHUNK_PAGES
#: On average one article in this many may end a part (see plan_parts).
CUT_EVERY = 3
#: Estimated characters of article HTML per page of the default A5 layout (measured:
#: ~1,850 on generated prose with tables and code, ~1,750 on opensource.guide); it only sizes the parts.
HTML_CHARS_PER_PAGE = 1900
#: Renders of the front matter before giving up on a page count that will not settle.
FRONT_ATTEMPTS = 4
#: The template declares that it can render parts of the book (see themes/default/pdf/book.html).
PARTS_MARKER = "packager: parts"


def render(ctx: RenderContext) -> list[Output]:
    """Write <slug>.pdf into the destination folder."""
    book = ctx.book
    name = f"{book.slug}.pdf"
    target = ctx.destination / name
    identifier = hashlib.sha256(book.identifier.encode("utf-8")).hexdigest()[:32].encode("ascii")
    plan = plan_parts(book.articles)
    if len(plan) > 1:
        reason = parts_unsupported(ctx)
        if reason is None:
            try:
                pages = _render_in_parts(ctx, plan, identifier, target)
                return [Output(name, "pdf", pages=pages)]
            except _CannotSplit as error:
                reason = str(error)
        log.info("laying out the PDF in one go: %s", reason)
    return [Output(name, "pdf", pages=_render_whole(ctx, identifier, target))]


def _render_whole(ctx: RenderContext, identifier: bytes, target) -> int:
    """The whole book as one document: the reference that the parts must reproduce."""
    import weasyprint

    worker.remember_page_references()
    html = weasyprint.HTML(string=book_html(ctx), url_fetcher=worker.url_fetcher(_asset_files(ctx.book)))
    options = worker.options(identifier)
    document = html.render(**options)
    document.write_pdf(target, **options)
    return len(document.pages)


def book_html(
    ctx: RenderContext,
    *,
    part: str | None = None,
    articles: list | None = None,
    toc_pages: dict[str, int] | None = None,
    xref=None,
    css: str | None = None,
) -> str:
    """The book as one HTML document for WeasyPrint, or one part of it.

    ``part`` is None (the whole book), "front" (cover, title page, contents, with
    ``toc_pages`` written in) or "articles" (only ``articles``, already PDF-ready).
    """
    book = ctx.book
    template = ctx.theme.environment().get_template("pdf/book.html")
    if articles is None:
        articles = [] if part == "front" else [_PdfArticle(a, _pdf_fragment(a)) for a in book.articles]
    keywords = list(book.keywords) or sorted({t for a in book.articles for t in a.tags})
    return template.render(
        book=book,
        articles=articles,
        css=stylesheet(ctx.theme, "pdf/print.css") if css is None else css,
        keywords=keywords,
        version=__version__,
        cover_src=(ASSET_SCHEME + book.cover.href) if book.cover else None,
        part=part,
        toc_pages=toc_pages,
        xref=xref or _fragment_link,
    )


def _fragment_link(name: str) -> str:
    return "#" + name


def _asset_files(book) -> dict[str, tuple[str, str]]:
    assets = {a.href: (str(a.path), a.media_type) for a in book.assets}
    if book.cover is not None:
        assets[book.cover.href] = (str(book.cover.path), book.cover.media_type)
    return assets


class _PdfArticle:
    """An article as the PDF template sees it: the same fields, PDF-ready HTML."""

    def __init__(self, article: Article, html: str):
        self._article = article
        self.html = html

    def __getattr__(self, name):
        return getattr(self._article, name)


def _pdf_fragment(article: Article) -> str:
    """Move footnotes to where they are called (WeasyPrint's float: footnote) and prefix asset URLs."""
    return _serialize(_pdf_tree(article))


def _pdf_tree(article: Article):
    root = lxml_html.fragment_fromstring(article.html, create_parent="div")
    notes: dict[str, etree._Element] = {}
    for section in root.iterfind(".//div[@class='footnotes']"):
        for li in section.iterfind("ol/li"):
            if li.get("id"):
                notes[li.get("id")] = li
        section.drop_tree()
    for a in list(root.iterfind(".//a[@class='noteref']")):
        note = notes.get((a.get("href") or "").lstrip("#"))
        sup = a.getparent()
        anchor = sup if sup is not None and sup.tag == "sup" else a
        if note is None:
            continue
        span = etree.Element("span", {"class": "fn"})
        if note.get("id"):
            span.set("id", note.get("id"))
        _inline_copy(note, span)
        span.tail = anchor.tail
        anchor.getparent().replace(anchor, span)
    for img in root.iter("img"):
        src = img.get("src", "")
        if src and not urlsplit(src).scheme:
            img.set("src", ASSET_SCHEME + src)
    return root


def _serialize(root) -> str:
    return "".join(etree.tostring(child, method="html", encoding="unicode", with_tail=True) for child in root)


_BLOCKS = {"p", "div", "ul", "ol", "li", "blockquote", "pre", "table", "dl", "dt", "dd"}


def _inline_copy(note, span) -> None:
    """Move a footnote's content into span as inline content, without the back-link."""
    for backlink in list(note.iterfind(".//a[@class='backlink']")):
        backlink.drop_tree()
    for el in note.iter():
        if el is not note and el.tag in _BLOCKS:
            el.tag = "span"
            el.tail = (el.tail or "") + " " if el.getparent() is note else el.tail
    # Leading white space would push the note's text below its number in WeasyPrint.
    span.text = (note.text or "").lstrip() or None
    for child in list(note):
        span.append(child)


# --------------------------------------------------------------------------- rendering in parts


class _CannotSplit(Exception):
    """This book cannot be laid out in parts that join into what one render gives."""


def estimated_pages(article: Article) -> float:
    """A rough page count for sizing the parts: one page for the title, then the HTML's length."""
    return _pages_for(len(article.html))


def _pages_for(chars: int) -> float:
    return 1 + chars / HTML_CHARS_PER_PAGE


def _estimated_run_pages(book, run: range) -> float:
    return sum(estimated_pages(book.articles[i]) for i in run)


def plan_parts(articles, chunk_pages: float | None = None, min_split_pages: float | None = None) -> list[range]:
    """Cut the articles into runs of about chunk_pages estimated pages; one run when the book is short.

    A run ends after an article whose anchor hashes to a cut point once it holds
    half of chunk_pages, or at one and a half chunk_pages in any case. Cutting by
    content keeps the other runs, and so their cached layout, when one article
    grows or shrinks. Depends on the articles only (never on the number of jobs),
    so the output does not either.
    """
    chunk_pages = CHUNK_PAGES if chunk_pages is None else chunk_pages
    min_split_pages = MIN_SPLIT_PAGES if min_split_pages is None else min_split_pages
    sizes = [estimated_pages(a) for a in articles]
    if sum(sizes) < min_split_pages or len(articles) < 2:
        return [range(len(articles))]
    parts: list[range] = []
    start, filled = 0, 0.0
    for i, size in enumerate(sizes):
        if i > start and filled + size > chunk_pages * 1.5:
            parts.append(range(start, i))
            start, filled = i, 0.0
        filled += size
        if filled >= chunk_pages / 2 and _cut_point(articles[i].anchor):
            parts.append(range(start, i + 1))
            start, filled = i + 1, 0.0
    if start < len(articles):
        parts.append(range(start, len(articles)))
    if len(parts) > 1 and sum(sizes[i] for i in parts[-1]) < chunk_pages / 4:
        parts[-2:] = [range(parts[-2].start, parts[-1].stop)]  # no tiny last part
    return parts


def _cut_point(anchor: str) -> bool:
    """One article in CUT_EVERY may end a run: chosen by its anchor, so the choice never moves."""
    return int.from_bytes(hashlib.sha256(anchor.encode("utf-8")).digest()[:4], "big") % CUT_EVERY == 0


_UNSUPPORTED_CSS = [
    (
        re.compile(r"@page[^{]*:(left|right|first|nth|recto|verso)", re.I),
        "page selectors that depend on where a page falls",
    ),
    (re.compile(r"counter\(\s*pages\s*\)", re.I), "the total page count (counter(pages))"),
    (re.compile(r"break-(before|after)\s*:\s*(left|right|recto|verso)", re.I), "breaks to a left or right page"),
    (re.compile(r"\[\s*href\s*[\^|$*~]?=\s*[\"']?#", re.I), "selectors on internal link targets"),
]


def parts_unsupported(ctx: RenderContext) -> str | None:
    """Why this theme's book cannot be laid out in parts, or None when it can."""
    template = ctx.theme.read_text("pdf/book.html")
    if PARTS_MARKER not in template:
        return "the theme's pdf/book.html does not render parts (it lacks the 'packager: parts' comment)"
    css = stylesheet(ctx.theme, "pdf/print.css")
    for pattern, what in _UNSUPPORTED_CSS:
        if pattern.search(css):
            return f"the theme's print.css uses {what}"
    if re.search(r"target-(counter|counters|text)\(", front_css(css), re.I):
        return "the theme's print.css refers to targets other than by target-counter(attr(href), page)"
    named = set(re.findall(r"@page\s+([A-Za-z_][\w-]*)", css)) - {"cover", "front"}
    if named:
        return f"the theme's print.css has named pages ({', '.join(sorted(named))}) besides cover and front"
    return None


def _ids(root) -> set[str]:
    return {el.get("id") for el in root.iter() if isinstance(el.tag, str) and el.get("id")}


def _render_in_parts(ctx: RenderContext, plan: list[range], identifier: bytes, target) -> int:
    from packager.renderers import pdf_merge

    book = ctx.book
    assets = _asset_files(book)
    jobs = _job_count(getattr(ctx, "jobs", None))
    started = time.perf_counter()

    def progress(what: str) -> None:
        log.debug("PDF in %d parts, %d jobs: %s (%.1f s)", len(plan), jobs, what, time.perf_counter() - started)

    with _executor(min(jobs, len(plan))) as pool:
        css = stylesheet(ctx.theme, "pdf/print.css")
        probe = _probe(pool, ctx.cache, css, identifier)
        numbers = _page_number_style(probe.result()) if probe.done() else None  # done: no worker processes

        # Every article's PDF-ready tree, and which part holds which id.
        trees = [_pdf_tree(a) for a in book.articles]
        part_ids = [set().union(*({book.articles[i].anchor} | _ids(trees[i]) for i in run)) for run in plan]
        placeholder = _front_html(ctx, {a.anchor: 0 for a in book.articles}, pdf_merge.xref_url)
        front_ids = _ids(lxml_html.document_fromstring(placeholder))
        everywhere = front_ids.union(*part_ids)

        # Laid out first, while the parts wait: its page count is (nearly always) the final one.
        digits = len(str(round(sum(estimated_pages(a) for a in book.articles)) + 10))
        first_guess = _lay_out(
            pool,
            ctx.cache,
            PartJob(
                _front_html(ctx, {a.anchor: "0" * digits for a in book.articles}, pdf_merge.xref_url),
                assets,
                identifier,
                tag="p0-",
                front=True,
            ),
        )
        # Longest parts first: the last ones to finish are short, so no worker waits long for another.
        futures: list[Future | None] = [None] * len(plan)
        for index in sorted(range(len(plan)), key=lambda i: -_estimated_run_pages(book, plan[i])):
            run = plan[index]
            articles = []
            for i in run:
                _link_elsewhere(trees[i], part_ids[index], everywhere)
                articles.append(_PdfArticle(book.articles[i], _serialize(trees[i])))
                trees[i] = None  # the parts' HTML is all this process keeps of the articles
            html = book_html(ctx, part="articles", articles=articles, css=articles_css(css))
            tag = f"{book.articles[run.start].anchor}-"  # by content, not by position: a cached part stays right
            futures[index] = _lay_out(pool, ctx.cache, PartJob(html, assets, identifier, tag=tag))
        progress("every part submitted")
        numbers = numbers or _page_number_style(probe.result())
        parts = [f.result() for f in futures]
        progress(f"every part laid out: {sum(p.pages for p in parts)} pages")
        for run, part in zip(plan, parts, strict=True):
            anchors = [book.articles[i].anchor for i in run]
            if part.anchors.get(anchors[0]) != 0 or any(a not in part.anchors for a in anchors):
                raise _CannotSplit(
                    "a part does not start with its first article (is pdf/book.html's part switch intact?)"
                )

        front_pages = first_guess.result().pages
        for _ in range(FRONT_ATTEMPTS):
            starts, toc_pages = _page_numbers(book, plan, parts, front_pages)
            html = _front_html(ctx, toc_pages, pdf_merge.xref_url)
            front = _lay_out(pool, ctx.cache, PartJob(html, assets, identifier, tag="p0-", front=True)).result()
            if any(a.anchor in front.anchors for a in book.articles):
                raise _CannotSplit("the front matter holds articles (is pdf/book.html's part switch intact?)")
            if front.pages == front_pages:
                break
            front_pages = front.pages
        else:
            raise _CannotSplit("the contents' page count does not settle")
        progress(f"front matter laid out: {front.pages} pages")

    bookmarks = list(front.bookmarks)
    for start, part in zip(starts, parts, strict=True):
        bookmarks.extend(worker.Bookmark(b.level, b.label, b.page + start, b.x, b.y, b.state) for b in part.bookmarks)
    try:
        pages = pdf_merge.merge(
            [front.objects, *(p.objects for p in parts)],
            [False] + [True] * len(parts),
            numbers,
            bookmarks,
            identifier,
            target,
        )
    except pdf_merge.MergeError as error:
        raise _CannotSplit(str(error)) from error
    progress("merged")
    return pages


def _lay_out(pool, cache, job: PartJob) -> Future:
    """Lay out a part in the pool, or take it from the cache when an earlier build laid out the same."""
    if cache is None:
        return pool.submit(worker.render_part, job)
    key = cache.key("part", job.html, job.identifier, job.tag, str(job.front))
    stored = cache.get(key)
    if stored is not None:
        try:
            assets, data = stored
            if all(
                href in job.assets and job.assets[href][1] == kind and cache.file_digest(job.assets[href][0]) == digest
                for href, kind, digest in assets
            ):
                return _done(worker.part_from_data(data))
        except (TypeError, ValueError):
            pass  # an entry of another shape: lay the part out again
        log.debug("a cached part's images have changed: laying it out again")

    def entry(part: PartResult) -> tuple:
        assets = tuple((h, job.assets[h][1], cache.file_digest(job.assets[h][0])) for h in part.assets)
        return assets, worker.part_data(part)

    return _stored(pool.submit(worker.render_part, job), cache, key, entry)


def _probe(pool, cache, css: str, identifier: bytes) -> Future:
    """The page-number probe for this stylesheet, from the cache when there is one."""
    key = cache.key("probe", css, identifier) if cache is not None else None
    stored = cache.get(key) if key else None
    if isinstance(stored, tuple) and len(stored) == 2:
        return _done(worker.FooterProbe(*stored))
    future = pool.submit(worker.probe_footer, css, identifier)
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


def _page_number_style(probed: worker.FooterProbe):
    """How to draw the page numbers the parts leave out; _CannotSplit when the theme's cannot be redrawn."""
    from packager.renderers import pdf_merge

    if probed.margin_box is None:
        raise _CannotSplit("the probe found no margin box that shows just the page number")
    try:
        return pdf_merge.page_number_style(probed.pdf)
    except pdf_merge.MergeError as error:
        raise _CannotSplit(f"the page numbers cannot be redrawn: {error}") from error


_PAGE_COUNTER = re.compile(r"(?<![\w-])counter\(\s*page\s*(,[^)]*)?\)", re.I)
_TARGET_PAGE = re.compile(r"target-counter\(\s*attr\(\s*href\s*\)\s*,\s*page\s*\)", re.I)
#: A run of articles has no title page to set the running head's book title: the template puts it on the first one.
_BOOK_TITLE = "\n.article[data-book-title] { string-set: book-title attr(data-book-title); }\n"


def articles_css(css: str) -> str:
    """The stylesheet for a run of articles: it does not know its page numbers (the merge draws them)."""
    return _PAGE_COUNTER.sub('""', css) + _BOOK_TITLE


def front_css(css: str) -> str:
    """The stylesheet for the front matter: the contents' page numbers are written in (data-page)."""
    return _TARGET_PAGE.sub("attr(data-page)", css)


def _front_html(ctx: RenderContext, toc_pages: dict, xref) -> str:
    return book_html(
        ctx, part="front", toc_pages=toc_pages, xref=xref, css=front_css(stylesheet(ctx.theme, "pdf/print.css"))
    )


def _page_numbers(book, plan, parts: list[PartResult], front_pages: int) -> tuple[list[int], dict[str, int]]:
    """Each part's first page (0-based) in the book, and each article's page number (1-based)."""
    starts, toc_pages = [], {}
    start = front_pages
    for run, part in zip(plan, parts, strict=True):
        starts.append(start)
        for i in run:
            anchor = book.articles[i].anchor
            toc_pages[anchor] = start + part.anchors.get(anchor, 0) + 1
        start += part.pages
    return starts, toc_pages


def _link_elsewhere(root, here: set[str], everywhere: set[str]) -> None:
    """Point links to ids that another part holds at packager-xref: URLs (WeasyPrint would drop them)."""
    from packager.renderers.pdf_merge import xref_url

    for a in root.iter("a"):
        href = a.get("href") or ""
        if href.startswith("#") and len(href) > 1:
            name = unquote(href[1:])
            if name not in here and name in everywhere:
                a.set("href", xref_url(name))


def _job_count(jobs: int | None) -> int:
    """The part workers to use: --jobs, else one per core."""
    return max(1, jobs or os.cpu_count() or 1)


def start_workers_early(bodies: list[str], jobs: int | None) -> None:
    """Start the part workers' server now if the book will be laid out in parts: it imports WeasyPrint meanwhile.

    Otherwise the building process waits ~1 s for that import when the first part
    is submitted. The guess uses the Markdown's length, which is about the HTML's.
    """
    jobs = _job_count(jobs)
    pages = sum(_pages_for(len(body)) for body in bodies)
    if jobs <= 1 or len(bodies) <= 1 or pages < MIN_SPLIT_PAGES:
        return
    if _context().get_start_method() == "forkserver":
        from multiprocessing import forkserver

        forkserver.ensure_running()  # starts the server and returns; the server imports on its own


def _context():
    """How part workers start: forked from a server that has imported WeasyPrint once (~0.8 s), where there is one."""
    import multiprocessing

    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
    if context.get_start_method() == "forkserver":
        context.set_forkserver_preload(["packager.renderers.pdf_worker", "weasyprint"])
    return context


def _executor(jobs: int):
    """Worker processes for the parts, or this process when there is one job."""
    if jobs <= 1:
        return _InlineExecutor()
    from concurrent.futures import ProcessPoolExecutor

    context = _context()
    levels = {name: logging.getLogger(name).getEffectiveLevel() for name in ("weasyprint", "fontTools")}
    # A part takes seconds: on Ctrl-C the workers are stopped at once (the CLI then leaves without exit hooks).
    return Pool(
        ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=worker.init_worker, initargs=(levels,))
    )


class _InlineExecutor:
    """The executor interface, running each call at once in this process."""

    def submit(self, fn, *args, **kwargs) -> Future:
        future: Future = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except Exception as error:  # handed to whoever asks for the result, as a pool does
            future.set_exception(error)
        return future

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        return None
