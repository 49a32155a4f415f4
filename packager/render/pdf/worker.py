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

from packager.render.context import TITLE_BLOCK
from packager.render.page_blocks import ATTRIBUTE
from packager.render.pdf.maths import svg_response, tag_formulas
from packager.render.pdf.parts import ASSET_SCHEME, PROBE_PAGES, Bookmark, FooterProbe, PartJob, PartResult
from packager.render.pdf.portable import portable

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
    finisher = _table_ids_prefixer(job.tag) if job.tag else None
    pdf = document.write_pdf(finisher=finisher, uncompressed_pdf=True, **opts)  # portable() compresses it
    pages = len(document.pages)
    del document  # the layout is the bulk of a worker's memory: let it go before the part is written out
    gc.collect()  # it holds reference cycles, which the relaxed collector (workers.relax_gc) would keep for long
    return PartResult(
        portable(pdf, document_info=job.front), pages, anchors, tuple(bookmarks), tuple(sorted(fetcher.used)), starts
    )


def page_starts(document) -> tuple[tuple[str, int] | None, ...]:
    """Where each laid-out page begins: (article anchor, block number) of its first line, None outside the articles.

    A page with no line (an image alone, a blank page) gives the first block of an article it holds, if any.
    The walk visits each page's boxes only until that first line: a few dozen boxes a page.
    """
    from weasyprint.formatting_structure import boxes

    found: list[tuple[str, int] | None] = []
    for page in document.pages:
        start = None
        for box in page._page_box.children:
            if isinstance(box, (boxes.MarginBox, boxes.FootnoteAreaBox)):
                continue
            start = _first_line(box, boxes, None, TITLE_BLOCK)
            if start is not None:
                break
        found.append(start)
    return tuple(found)


def _first_line(box, boxes, article: str | None, block: int):
    """The (article, block) of the first line with something on it below box; None when there is none."""
    element = box.element
    if element is not None and not isinstance(box, boxes.InlineLevelBox) and "::" not in (box.element_tag or ""):
        if element.tag == "section" and "article" in (element.get("class") or "").split() and element.get("id"):
            article, block = element.get("id"), TITLE_BLOCK
        elif element.get(ATTRIBUTE) is not None and article is not None:
            block = int(element.get(ATTRIBUTE))
    if isinstance(box, boxes.LineBox):
        return (article, block) if article is not None and _shows_something(box, boxes) else None
    if isinstance(box, boxes.ReplacedBox):
        return (article, block) if article is not None else None
    children = getattr(box, "children", ())
    if isinstance(box, boxes.TableBox) and children and children[0].is_header and _continued(box):
        children = children[1:]  # the header row repeated on a page the table runs on to: the page begins below it
    for child in children:
        start = _first_line(child, boxes, article, block)
        if start is not None:
            return start
    return None


def _continued(table) -> bool:
    """Whether this piece of a table goes on from an earlier page: its first body row is not the table's."""
    shown = next((g.children[0].element for g in table.children if not g.is_header and g.children), None)
    first = None
    for child in table.element:
        if child.tag == "tr" or (child.tag == "tbody" and len(child)):
            first = child if child.tag == "tr" else child[0]
            break
    return shown is not None and shown is not first


def _shows_something(line, boxes) -> bool:
    """A line with text or an image on it (not one that only holds a list marker or white space)."""
    for box in line.descendants():
        if isinstance(box, boxes.TextBox) and box.text.strip() and "::marker" not in (box.element_tag or ""):
            return True
        if isinstance(box, boxes.AtomicInlineLevelBox):
            return True
    return False


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


def _table_ids_prefixer(tag: str):
    """Make the ids WeasyPrint gives table headers (object number, row, column) unique across parts."""
    import pydyf

    def finisher(document, pdf) -> None:
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

    return finisher


def probe_footer(css: str, identifier: bytes) -> FooterProbe:
    """Lay out PROBE_PAGES identical article pages and find the margin box that holds the page number."""
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
