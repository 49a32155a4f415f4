"""Write the tagged PDF (PDF/UA-1) with WeasyPrint from one HTML document."""

from __future__ import annotations

import hashlib
from urllib.parse import unquote, urlsplit

from lxml import etree
from lxml import html as lxml_html

from packager import __version__
from packager.book import Article
from packager.renderers import Output, RenderContext
from packager.styles import stylesheet

ASSET_SCHEME = "packager-asset:"


def render(ctx: RenderContext) -> list[Output]:
    """Write <slug>.pdf into the destination folder."""
    import weasyprint
    import weasyprint.urls

    book = ctx.book
    document_html = book_html(ctx)
    assets = {a.href: a for a in book.assets}
    if book.cover is not None:
        assets[book.cover.href] = book.cover

    class AssetFetcher(weasyprint.urls.URLFetcher):
        """Serve only the book's own assets: no network, nothing outside SOURCE."""

        def fetch(self, url, headers=None):
            if url.startswith(ASSET_SCHEME):
                asset = assets.get(unquote(url[len(ASSET_SCHEME) :]))
                if asset is not None:
                    return weasyprint.urls.URLFetcherResponse(
                        url, body=asset.path.read_bytes(), headers={"Content-Type": asset.media_type}
                    )
            raise ValueError(f"packager does not load {url!r} into a book")

    html = weasyprint.HTML(string=document_html, url_fetcher=AssetFetcher())
    identifier = hashlib.sha256(book.identifier.encode("utf-8")).hexdigest()[:32].encode("ascii")
    name = f"{book.slug}.pdf"
    options = {"pdf_variant": "pdf/ua-1", "pdf_identifier": identifier, "custom_metadata": False}
    document = html.render(**options)
    document.write_pdf(ctx.destination / name, **options)
    return [Output(name, "pdf", pages=len(document.pages))]


def book_html(ctx: RenderContext) -> str:
    """The whole book as one HTML document, ready for WeasyPrint."""
    book = ctx.book
    template = ctx.theme.environment().get_template("pdf/book.html")
    articles = [_PdfArticle(a, _pdf_fragment(a)) for a in book.articles]
    keywords = list(book.keywords) or sorted({t for a in book.articles for t in a.tags})
    return template.render(
        book=book,
        articles=articles,
        css=stylesheet(ctx.theme, "pdf/print.css"),
        keywords=keywords,
        version=__version__,
        cover_src=(ASSET_SCHEME + book.cover.href) if book.cover else None,
    )


class _PdfArticle:
    """An article as the PDF template sees it: the same fields, PDF-ready HTML."""

    def __init__(self, article: Article, html: str):
        self._article = article
        self.html = html

    def __getattr__(self, name):
        return getattr(self._article, name)


def _pdf_fragment(article: Article) -> str:
    """Move footnotes to where they are called (WeasyPrint's float: footnote) and prefix asset URLs."""
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
