"""Where each laid-out page begins, read from WeasyPrint's boxes: the block its first line is in, and how far in.

The blocks are the article's, numbered by ``page_blocks`` (the PDF's copy of an
article carries each number as an attribute). How far in is counted in
characters of the block's own text that are not white space, which the EPUB
counts alike in the same block (``epub_page_list``): the text of blocks inside
it, generated text (list markers, footnote calls) and the hyphens a line break
adds are not counted.

WeasyPrint's page boxes are not public API; what this reads of them is
checked by ``tests/test_page_list.py``.
"""

from __future__ import annotations

from packager.render.context import TITLE_BLOCK
from packager.render.page_blocks import ATTRIBUTE, counted

#: What WeasyPrint adds at a hyphenated line's end (CSS hyphenate-character: auto).
HYPHEN = "\u2010"


def page_starts(document) -> tuple[tuple[str, int, int] | None, ...]:
    """Each page's (article anchor, block number, characters of the block before the page), None outside the articles.

    A page with no line (an image alone, a blank page) gives the first block of an article it holds, if any.
    The walk visits a page's boxes down to its first line and up from its last: a few dozen boxes a page.
    """
    from weasyprint.formatting_structure import boxes

    found: list[tuple[str, int, int] | None] = []
    ended_in, held = None, 0  # the block the last page ended in, and how much of its text the pages so far hold
    for page in document.pages:
        flow = [b for b in page._page_box.children if not isinstance(b, (boxes.MarginBox, boxes.FootnoteAreaBox))]
        first = _edge(flow, boxes, None, TITLE_BLOCK, None, forward=True)
        last = _edge(flow, boxes, None, TITLE_BLOCK, None, forward=False)
        offset = held if first is not None and first[2] is not None and first[2].element is ended_in else 0
        found.append(None if first is None else (first[0], first[1], offset))
        if last is None or last[2] is None:
            ended_in, held = None, 0
            continue
        before = offset if first is not None and first[2] is not None and first[2].element is last[2].element else 0
        ended_in, held = last[2].element, before + _characters(last[2], boxes)
    return tuple(found)


def _edge(children, boxes, article, block, holder, *, forward: bool):
    """(article, block, the block's box) of the first (or last) line with something on it below children."""
    for box in children if forward else reversed(children):
        here = article, block, holder
        element = box.element
        if element is not None and not isinstance(box, boxes.InlineLevelBox) and "::" not in (box.element_tag or ""):
            if element.tag == "section" and "article" in (element.get("class") or "").split() and element.get("id"):
                here = element.get("id"), TITLE_BLOCK, None
            elif element.get(ATTRIBUTE) is not None and article is not None and not _same(holder, element):
                here = article, int(element.get(ATTRIBUTE)), box  # its outermost box: its anonymous ones are in it
        if isinstance(box, boxes.LineBox):
            if here[0] is not None and _shows_something(box, boxes):
                return here
            continue
        if isinstance(box, boxes.ReplacedBox):
            if here[0] is not None:
                return here
            continue
        inner = list(getattr(box, "children", ()))
        if isinstance(box, boxes.TableBox) and inner and inner[0].is_header and _continued(box):
            inner = inner[1:]  # the header row repeated on a page the table runs on to: the page begins below it
        found = _edge(inner, boxes, *here, forward=forward)
        if found is not None:
            return found
    return None


def _same(holder, element) -> bool:
    return holder is not None and holder.element is element


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


def _characters(block, boxes) -> int:
    """The characters of the block's own text this piece of it shows (see the module's docstring)."""
    total = 0

    def walk(box) -> None:
        nonlocal total
        for child in getattr(box, "children", ()):
            if "::" in (child.element_tag or ""):
                continue  # generated: a list marker, a footnote call, ::before and ::after
            element = child.element
            if (
                element is not block.element
                and not isinstance(child, boxes.InlineLevelBox)
                and element is not None
                and element.get(ATTRIBUTE) is not None
            ):
                continue  # a block inside it: its text is its own
            if isinstance(child, boxes.LineBox):
                texts = [
                    b for b in child.descendants() if isinstance(b, boxes.TextBox) and "::" not in (b.element_tag or "")
                ]
                for i, text in enumerate(texts):
                    shown = text.text[:-1] if i == len(texts) - 1 and text.text.endswith(HYPHEN) else text.text
                    total += counted(shown)
                continue
            walk(child)

    walk(block)
    return total
