"""The book as the HTML and CSS WeasyPrint lays out: the whole book, its front matter, or a run of articles."""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

from lxml import etree
from lxml import html as lxml_html

from packager import __version__
from packager.book.model import Article
from packager.project.themes import Theme
from packager.render import fonts, page_blocks
from packager.render.context import RenderContext
from packager.render.pdf.maths import draw_formulas
from packager.render.pdf.parts import ASSET_SCHEME, xref_url
from packager.render.styles import stylesheet


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
        articles = [] if part == "front" else [PdfArticle(a, pdf_fragment(a)) for a in book.articles]
    keywords = list(book.keywords) or sorted({t for a in book.articles for t in a.tags})
    return template.render(
        book=book,
        articles=articles,
        css=print_css(ctx.theme, ctx.book) if css is None else css,
        keywords=keywords,
        version=__version__,
        cover_src=(ASSET_SCHEME + book.cover.href) if book.cover else None,
        part=part,
        toc_pages=toc_pages,
        xref=xref or _fragment_link,
        part_titles=book.part_titles(),
    )


def _fragment_link(name: str) -> str:
    return "#" + name


def asset_files(book) -> dict[str, tuple[str, str]]:
    assets = {a.href: (str(a.path), a.media_type) for a in book.assets}
    if book.cover is not None:
        assets[book.cover.href] = (str(book.cover.path), book.cover.media_type)
    return assets


class PdfArticle:
    """An article as the PDF template sees it: the same fields, PDF-ready HTML."""

    def __init__(self, article: Article, html: str):
        self._article = article
        self.html = html

    def __getattr__(self, name):
        return getattr(self._article, name)


def pdf_fragment(article: Article) -> str:
    """Move footnotes to where they are called (WeasyPrint's float: footnote), prefix asset URLs, draw formulas."""
    return serialize(pdf_tree(article))


def pdf_tree(article: Article):
    root = lxml_html.fragment_fromstring(article.html, create_parent="div")
    page_blocks.number(root)  # before anything moves: the EPUB numbers the same tree (page_blocks)
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
    draw_formulas(root)
    return root


def serialize(root) -> str:
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


_PAGE_COUNTER = re.compile(r"(?<![\w-])counter\(\s*page\s*(,[^)]*)?\)", re.I)
_TARGET_PAGE = re.compile(r"target-counter\(\s*attr\(\s*href\s*\)\s*,\s*page\s*\)", re.I)
#: A run of articles has no title page to set the running head's book title: the template puts it on the first
#: one. That article's part title is set in the same declaration, which would otherwise override the theme's.
_BOOK_TITLE = (
    "\n.article[data-book-title] { string-set: book-title attr(data-book-title), part-title attr(data-part-title); }\n"
)


def articles_css(css: str) -> str:
    """The stylesheet for a run of articles: it does not know its page numbers (the merge draws them)."""
    return _PAGE_COUNTER.sub('""', css) + _BOOK_TITLE


def front_css(css: str) -> str:
    """The stylesheet for the front matter: the contents' page numbers are written in (data-page)."""
    return _TARGET_PAGE.sub("attr(data-page)", css)


def front_html(ctx: RenderContext, toc_pages: dict, xref) -> str:
    return book_html(ctx, part="front", toc_pages=toc_pages, xref=xref, css=front_css(print_css(ctx.theme, ctx.book)))


def ids(root) -> set[str]:
    return {el.get("id") for el in root.iter() if isinstance(el.tag, str) and el.get("id")}


def link_elsewhere(root, here: set[str], everywhere: set[str]) -> None:
    """Point links to ids that another part holds at packager-xref: URLs (WeasyPrint would drop them)."""
    for a in root.iter("a"):
        href = a.get("href") or ""
        if href.startswith("#") and len(href) > 1:
            name = unquote(href[1:])
            if name not in here and name in everywhere:
                a.set("href", xref_url(name))


def print_css(theme: Theme, book=None) -> str:
    """The PDF's stylesheet, ending with a digest of the fonts it is laid out in: other fonts, other parts."""
    return stylesheet(theme, "pdf/print.css") + f"\n/* fonts {fonts.setup(theme, book).digest} */\n"
