"""The EPUB's page list: page-break markers where the PDF's pages begin, the page-list nav, and what the package says of them.

The PDF renderer reports each page's first block (``RenderContext.page_list``);
here a marker goes in at the start of that block in the article's XHTML (the
same block: ``page_blocks`` numbers both alike), and the nav lists the markers
under the PDF's page numbers. Only the EPUB renderer imports this module.
"""

from __future__ import annotations

import re
from collections import defaultdict
from html import escape

from packager.render import page_blocks
from packager.render.context import TITLE_BLOCK, PageList

EPUB_NS = "http://www.idpf.org/2007/ops"
XHTML_NS = "http://www.w3.org/1999/xhtml"
#: What the accessibility metadata adds when the book has a page list (EPUB Accessibility 1.1 techniques).
FEATURES = ("pageBreakMarkers", "pageNavigation")
SUMMARY = " Page-break markers and a page list give the page numbers of the PDF edition."


def marker_id(folio: int) -> str:
    """A marker's id: "page_42". Every other id in the book begins with a slug and a hyphen: none can be this."""
    return f"page_{folio}"


def by_article(page_list: PageList | None) -> dict[str, list[tuple[int, int, int]]]:
    """Each article's page starts: (folio, block, offset), in page order."""
    found: dict[str, list[tuple[int, int, int]]] = defaultdict(list)
    for start in page_list.starts if page_list else ():
        found[start.article].append((start.folio, start.block, start.offset))
    return found


def _marker(folio: int, tail: str | None = None):
    from lxml import etree

    span = etree.Element(f"{{{XHTML_NS}}}span")
    span.set(f"{{{EPUB_NS}}}type", "pagebreak")
    span.set("role", "doc-pagebreak")
    span.set("id", marker_id(folio))
    span.set("aria-label", str(folio))
    span.tail = tail
    return span


def mark_blocks(root, starts: list[tuple[int, int, int]]) -> list[tuple[int, int]]:
    """Put a marker where each page begins below root (the article's XHTML, before it is changed).

    A page that begins inside a block is marked before the word it begins with; one that begins with the
    block, at its start. Gives back (folio, block) of the starts it did not place: the title's (the template
    holds the title), and any whose block this tree does not have (a bug: the caller marks those at the title
    too, and says so).
    """
    found = list(page_blocks.blocks(root))
    left = []
    for folio, block, offset in sorted(starts, reverse=True):  # the later page first: the earlier ends up before
        if block == TITLE_BLOCK or not 0 <= block < len(found):
            left.append((folio, block))
            continue
        element = found[block]
        if offset == 0 or not _mark_inside(element, offset, _marker(folio)):
            if element.tag == f"{{{XHTML_NS}}}details":  # its first child must stay its summary
                element = next(iter(element.iterfind(f"{{{XHTML_NS}}}summary")), element)
            element.insert(0, _marker(folio, element.text))
            element.text = None
    return sorted(left)


def _own_text(block):
    """The block's own text, in order, as (element, "text" or "tail"): what the PDF counts (starts.py)."""
    blocks = page_blocks.BLOCKS

    def walk(element, top: bool):
        if not top:
            name = page_blocks.local_name(element.tag)
            noteref = name == "a" and "noteref" in (element.get("class") or "").split()
            if name in blocks or name in ("math", "svg") or name is None or noteref:
                return  # a block of its own, a formula (drawn in the PDF), a footnote call
        yield element, "text"
        for child in element:
            yield from walk(child, False)
            yield child, "tail"

    yield from walk(block, True)


def _mark_inside(block, offset: int, marker) -> bool:
    """Put marker before the word in which the block's own text reaches offset characters; False if it does not."""
    seen = 0
    for element, side in list(_own_text(block)):
        text = getattr(element, side) or ""
        here = page_blocks.counted(text)
        if seen + here <= offset:
            seen += here
            continue
        at = 0
        while True:  # the place of the (offset - seen + 1)-th counted character
            if page_blocks.counted(text[at]) and seen == offset:
                break
            seen += page_blocks.counted(text[at])
            at += 1
        while at > 0 and not text[at - 1].isspace():
            at -= 1  # back to the word's start: a marker never splits a word
        marker.tail = text[at:]
        setattr(element, side, text[:at])
        if side == "text":
            element.insert(0, marker)
        else:
            element.addnext(marker)
        return True
    return False


def mark_title(xhtml: str, anchor: str, folios: list[int]) -> str:
    """Put the markers of the pages that begin with an article's title at the start of its heading.

    The template gives the heading the id "<anchor>-title"; in a theme's template without it, the markers go
    at the start of the element with the article's anchor.
    """
    if not folios:
        return xhtml
    spans = "".join(
        f'<span epub:type="pagebreak" role="doc-pagebreak" id="{marker_id(f)}" aria-label="{f}"/>' for f in folios
    )
    for name in (f"{anchor}-title", anchor):
        tag = re.search(r"<[A-Za-z][^<>]*?\sid=\"" + re.escape(escape(name)) + r"\"[^<>]*>", xhtml)
        if tag is not None:
            return xhtml[: tag.end()] + spans + xhtml[tag.end() :]
    raise ValueError(f"the article template shows no element with id {anchor!r} to put its page-break markers in")


def nav(entries: list[tuple[int, str]]) -> str:
    """The page-list nav of (folio, file) entries, in page order: hidden, as reading systems show it their way."""
    items = "".join(
        f'<li><a href="{escape(file)}#{marker_id(folio)}">{folio}</a></li>' for folio, file in sorted(entries)
    )
    return (
        '<nav epub:type="page-list" role="doc-pagelist" id="page-list" aria-labelledby="page-list-title" '
        f'hidden="hidden"><h2 id="page-list-title">Pages</h2><ol>{items}</ol></nav>'
    )


def with_nav(nav_xhtml: bytes, entries: list[tuple[int, str]]) -> bytes:
    """The nav document with the page list after the contents (and the landmarks)."""
    text = nav_xhtml.decode("utf-8")
    end = text.rindex("</body>")
    return (text[:end] + "  " + nav(entries) + "\n  " + text[end:]).encode("utf-8")


def source(page_list: PageList, title: str) -> str:
    """What a11y:pageBreakSource says: the PDF edition, by its file."""
    return f"the PDF edition of {title} ({page_list.source})"
