"""An article's XHTML fragment as the HTML5 of its web page: links to other pages, assets under read/, MathML kept."""

from __future__ import annotations

from lxml import etree

from packager.render.site import addresses

XHTML = "http://www.w3.org/1999/xhtml"
#: Attributes that may point at one of the book's files (``assets/…``).
FILE_ATTRIBUTES = ("src", "href", "data", "poster")
#: A formula with more characters than this may be wider than a phone's screen: it scrolls in a box of its own.
WIDE_FORMULA = 16
#: The alignments a table cell's style may give (the sanitiser keeps text-align alone); a class says it instead.
ALIGNMENTS = ("left", "right", "center", "justify")


def article_html(fragment: str, page: str, targets: dict[str, str], assets: frozenset[str]) -> str:
    """The fragment as HTML5 for page (a path from dist/'s root).

    targets maps every id the web edition holds to the page that holds it (``read/<slug>/index.html``, with
    the article's own id mapped to the bare page); a link to an id no page holds loses its href. assets are
    the hrefs (``assets/…``) of the files copied to read/.
    """
    root = etree.fromstring(f'<div xmlns="{XHTML}">{fragment}</div>', etree.XMLParser(resolve_entities=False))
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        element.tag = etree.QName(element).localname  # HTML5 knows <math> without a namespace
        _relink(element, page, targets, assets)
        _align_by_class(element)
    for table in list(root.iter("table")):
        _scroll_box(table)
    for formula in list(root.iter("math")):
        _formula_box(formula)
    etree.cleanup_namespaces(root)
    text = etree.tostring(root, method="html", encoding="unicode")
    if "</wbr>" in text:  # lxml's HTML serialiser knows HTML 4's void elements, and <wbr> is HTML5's
        text = text.replace("</wbr>", "")
    return text[len("<div>") : -len("</div>")]


def _relink(element, page: str, targets: dict[str, str], assets: frozenset[str]) -> None:
    """An internal link to its page (same page: the bare #id); a book file to its copy under read/."""
    href = element.get("href")
    if element.tag == "a" and href is not None and href.startswith("#"):
        target = targets.get(href[1:])
        if target is None:
            del element.attrib["href"]
        elif target.split("#", 1)[0] != page:
            element.set("href", addresses.relative(page, target))
        return
    for name in FILE_ATTRIBUTES:
        value = element.get(name)
        if value and value.split("#", 1)[0] in assets:
            element.set(name, addresses.relative(page, addresses.WEB + value))


def _align_by_class(element) -> None:
    """style="text-align: x" as class align-x: the page's Content-Security-Policy allows no inline style."""
    style = element.attrib.pop("style", None)
    if style is None:
        return
    value = style.partition(":")[2].strip().rstrip(";").strip()
    if style.partition(":")[0].strip() == "text-align" and value in ALIGNMENTS:
        classes = element.get("class", "").split()
        element.set("class", " ".join([*classes, f"align-{value}"]))


def _formula_box(formula) -> None:
    """A wide formula scrolls sideways inside its box, which takes the keyboard's focus so that it can be scrolled."""
    if len("".join("".join(formula.itertext()).split())) <= WIDE_FORMULA:
        return
    parent = formula.getparent()
    if parent is not None and parent.tag == "div" and "math" in parent.get("class", "").split():
        parent.set("tabindex", "0")
        return
    box = etree.Element("span", {"class": "math-scroll", "tabindex": "0"})
    formula.addprevious(box)
    box.tail, formula.tail = formula.tail, None
    box.append(formula)


def _scroll_box(table) -> None:
    """A table inside a box of its own that scrolls sideways, so that a wide table never widens the page."""
    parent = table.getparent()
    if parent is None or parent.get("class") == "table-scroll":
        return
    box = etree.Element("div", {"class": "table-scroll", "role": "region", "tabindex": "0"})
    caption = table.find("caption")
    label = "".join(caption.itertext()).strip() if caption is not None else ""
    box.set("aria-label", label or "Table")
    table.addprevious(box)
    box.tail, table.tail = table.tail, None
    box.append(table)
