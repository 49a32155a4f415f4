"""Lay out one part of the book with WeasyPrint: what a PDF worker process runs.

Everything here takes and returns plain data (strings, bytes, tuples), so that
it can run in a worker process of the part pool (``pool.py``), or in the
building process itself when there is one job.
"""

from __future__ import annotations

import gc
import logging
import signal
from pathlib import Path
from urllib.parse import unquote

from packager.render import fonts
from packager.render.pdf.maths import svg_response, tag_formulas
from packager.render.pdf.parts import ASSET_SCHEME, PROBE_PAGES, Bookmark, FooterProbe, PartJob, PartResult
from packager.render.pdf.portable import portable
from packager.render.pdf.starts import page_starts
from packager.render.pdf.table_scope import add_scopes

PX_TO_PT = 0.75  # WeasyPrint lays pages out in CSS px (96/in); PDF user space is in points (72/in)

PDF_OPTIONS = {"pdf_variant": "pdf/ua-1", "custom_metadata": False}


def options(identifier: bytes) -> dict:
    """WeasyPrint's options for every PDF packager writes."""
    return {**PDF_OPTIONS, "pdf_identifier": identifier}


def url_fetcher(assets: dict[str, tuple[str, str]]):
    """A WeasyPrint URL fetcher that serves only the book's own assets and formulas: no network, nothing outside SOURCE."""
    import weasyprint.urls

    class AssetFetcher(weasyprint.urls.URLFetcher):
        def fetch(self, url, headers=None):
            drawing = svg_response(url)  # a formula's drawing (render.pdf.maths), never the sanitised content's
            if drawing is not None:
                return weasyprint.urls.URLFetcherResponse(url, body=drawing, headers={"Content-Type": "image/svg+xml"})
            if url.startswith(ASSET_SCHEME):
                href = unquote(url[len(ASSET_SCHEME) :])
                asset = assets.get(href)
                if asset is not None:
                    self.used.add(href)
                    path, media_type = asset
                    return weasyprint.urls.URLFetcherResponse(
                        url, body=Path(path).read_bytes(), headers={"Content-Type": media_type}
                    )
            raise ValueError(f"packager does not load {url!r} into a book")

    fetcher = AssetFetcher()
    fetcher.used = set()  # the hrefs it served: what a cached part must check again
    return fetcher


def render_part(job: PartJob) -> PartResult:
    """Lay out and write one part; keep what the merge needs to know about it."""
    if job.fonts:
        fonts.use(job.fonts)
    import weasyprint

    remember_page_references()
    tag_formulas()
    opts = options(job.identifier)
    fetcher = url_fetcher(job.assets)
    document = weasyprint.HTML(string=job.html, url_fetcher=fetcher).render(**opts)
    anchors: dict[str, int] = {}
    bookmarks = []
    for number, page in enumerate(document.pages):
        for name in page.anchors:
            anchors.setdefault(name, number)
        for level, label, (x, y), state in page.bookmarks:
            bookmarks.append(Bookmark(level, label, number, x * PX_TO_PT, (page.height - y) * PX_TO_PT, state))
    starts = page_starts(document)
    pdf = document.write_pdf(finisher=finisher(job.tag), uncompressed_pdf=True, **opts)  # portable() compresses it
    pages = len(document.pages)
    del document  # the layout is the bulk of a worker's memory: let it go before the part is written out
    gc.collect()  # it holds reference cycles, which the relaxed collector (workers.relax_gc) would keep for long
    return PartResult(
        portable(pdf, document_info=job.front), pages, anchors, tuple(bookmarks), tuple(sorted(fetcher.used)), starts
    )


def remember_page_references() -> None:
    """Make pydyf's PDF.page_references build its tuple once per page count, not once per use.

    WeasyPrint's tagging asks for it for every structure element, and it lists every page: the
    time grew with the square of a part's length (2% of a 37-page part's instructions, more for
    longer ones). The tuple is the same until a page is added: it is kept with the page count.
    """
    import pydyf

    original = getattr(pydyf.PDF, "page_references", None)
    if not isinstance(original, property) or getattr(original.fget, "remembered", False):
        return  # not the pydyf this was written for, or done already

    def page_references(pdf):
        kids = pdf.pages["Kids"]
        kept = pdf.__dict__.get("_packager_page_references")
        if kept is None or kept[0] != len(kids):
            kept = pdf.__dict__["_packager_page_references"] = (len(kids), original.fget(pdf))
        return kept[1]

    page_references.remembered = True
    pydyf.PDF.page_references = property(page_references)


def finisher(tag: str | None):
    """What is done to a part's objects before they are written: header cells' scopes, then their ids."""
    prefix = _table_ids_prefixer(tag) if tag else None

    def finish(document, pdf) -> None:
        add_scopes(pdf.objects)
        if prefix is not None:
            prefix(pdf)

    return finish


def _table_ids_prefixer(tag: str):
    """Make the ids WeasyPrint gives table headers (object number, row, column) unique across parts."""
    import pydyf

    def prefix(pdf) -> None:
        for obj in pdf.objects:
            if not isinstance(obj, pydyf.Dictionary) or obj.get("Type") != "/StructElem":
                continue
            if isinstance(obj.get("ID"), pydyf.String):
                obj["ID"] = pydyf.String(f"{tag}{obj['ID'].string}")
            attributes = obj.get("A")
            if isinstance(attributes, pydyf.Dictionary) and isinstance(attributes.get("Headers"), pydyf.Array):
                attributes["Headers"] = pydyf.Array(
                    pydyf.String(f"{tag}{h.string}") if isinstance(h, pydyf.String) else h
                    for h in attributes["Headers"]
                )

    return prefix


def probe_footer(css: str, identifier: bytes, conf: str = "") -> FooterProbe:
    """Lay out PROBE_PAGES identical article pages and find the margin box that holds the page number."""
    if conf:
        fonts.use(conf)
    import weasyprint
    from weasyprint.formatting_structure import boxes

    body = '<section class="article"><p>.</p></section>' * PROBE_PAGES
    html = f'<!DOCTYPE html><html lang="en"><head><title>probe</title><style>{css}</style></head><body>{body}</body></html>'
    opts = options(identifier)
    document = weasyprint.HTML(string=html, url_fetcher=url_fetcher({})).render(**opts)
    found: set[str | None] = set()
    try:  # WeasyPrint's page boxes are not public API: when they change, the book is laid out in one go
        for number, page in enumerate(document.pages, start=1):
            holders = [
                box.at_keyword
                for box in page._page_box.children
                if isinstance(box, boxes.MarginBox) and _text(box, boxes).strip() == str(number)
            ]
            found.add(holders[0] if len(holders) == 1 else None)
    except AttributeError:
        found.add(None)
    margin_box = found.pop() if len(found) == 1 and len(document.pages) == PROBE_PAGES else None
    return FooterProbe(pdf=document.write_pdf(uncompressed_pdf=True, **opts), margin_box=margin_box)


def _text(box, boxes) -> str:
    return "".join(b.text for b in box.descendants() if isinstance(b, boxes.TextBox))


def init_worker(levels: dict[str, int]) -> None:
    """Start a worker: WeasyPrint and fontTools log at the levels the building process set.

    Ctrl-C is for the building process, which stops the workers itself.
    """
    from packager.workers import relax_gc

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)
    relax_gc()
