"""The blocks of an article a page can begin in, numbered alike by the PDF (which finds them) and the EPUB (which marks them).

Both renderers parse the same article XHTML (the PDF with lxml's HTML parser,
the EPUB as XML) and number its blocks in document order, before either changes
the tree: so block n is the same element in both, whatever each does next
(the PDF moves footnotes, the EPUB renames them).
"""

from __future__ import annotations

from collections.abc import Iterator

XHTML_NS = "http://www.w3.org/1999/xhtml"

#: Blocks that can hold a page-break marker as their first child: a page that begins inside a list, a table
#: or a definition list begins in one of its items, cells or terms.
BLOCKS = frozenset(
    {
        "p",
        "li",
        "dt",
        "dd",
        "pre",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "td",
        "th",
        "caption",
        "blockquote",
        "figure",
        "figcaption",
        "div",
        "section",
        "aside",
        "details",
        "summary",
        "address",
        "header",
        "footer",
    }
)

#: The attribute the PDF's copy of an article carries on each block: its number.
ATTRIBUTE = "data-page-block"


def local_name(tag) -> str | None:
    """An element's HTML name: lxml's HTML parser gives "p", the XML parser "{xhtml}p"; others are not HTML."""
    if not isinstance(tag, str):
        return None  # a comment or a processing instruction
    if tag.startswith("{"):
        namespace, _, name = tag[1:].partition("}")
        return name if namespace == XHTML_NS else None
    return tag


def blocks(root) -> Iterator:
    """The blocks below root (not root itself), in document order: block n is the n-th of them.

    MathML and SVG are never entered: their elements are not HTML's, whichever parser read them.
    """
    for child in root:
        name = local_name(child.tag)
        if name is None or name in ("math", "svg"):
            continue
        if name in BLOCKS:
            yield child
        yield from blocks(child)


def number(root) -> None:
    """Write each block's number on it, for the PDF's layout to report."""
    for n, element in enumerate(blocks(root)):
        element.set(ATTRIBUTE, str(n))


def counted(text: str) -> int:
    """How many characters of text count for a page's place in its block: all but white space and soft hyphens."""
    return sum(1 for c in text if not c.isspace() and c != "\u00ad")
