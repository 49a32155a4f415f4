"""Any HTML in, a safe and valid XHTML tree out; and that tree written as XHTML.

Markdown may carry any raw HTML, and Python-Markdown itself nests blocks in
paragraphs now and then. nh3 (an allow-list sanitiser on a real HTML5 parser)
removes everything unsafe; lxml re-parses what is left. What neither does is
enforce HTML's content models, which EPUBCheck checks: a list inside a
``<span>``, an ``<li>`` outside a list, a ``<figcaption>`` in the middle of a
figure, an attribute value that is not a number. ``repair()`` fixes those,
keeping the text; ``serialise()`` then writes XML that is also read correctly
as HTML (no ``<p/>``), without the characters XML forbids.
"""

from __future__ import annotations

import datetime as dt
import re

import nh3
from lxml import etree
from lxml import html as lxml_html

SAFE_TAGS = {
    *("a", "abbr", "aside", "b", "blockquote", "br", "caption", "cite", "code", "col", "colgroup", "dd"),
    *("del", "details", "dfn", "div", "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4"),
    *("h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "samp"),
    *("section", "small", "span", "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th"),
    *("thead", "time", "tr", "u", "ul", "var", "wbr"),
    # Form controls are kept only long enough to be turned into static text.
    *("input", "label", "select", "option", "button", "textarea"),
}
SAFE_ATTRIBUTES = {
    "*": {"id", "class", "title", "lang", "dir", "style"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "ol": {"start", "reversed", "type"},
    "li": {"value"},
    "abbr": {"title"},
    "time": {"datetime"},
    "input": {"type", "checked", "value"},
    "option": {"selected"},
    "details": {"open"},
}
FORM_CONTROLS = {"input", "select", "option", "button", "textarea", "label"}
VOID = {"br", "col", "hr", "img", "wbr"}

# HTML content models, as far as the tags above go.
PHRASING = {
    *("a", "abbr", "b", "br", "cite", "code", "del", "dfn", "em", "i", "img", "ins", "kbd", "mark", "q", "s"),
    *("samp", "small", "span", "strong", "sub", "sup", "time", "u", "var", "wbr"),
}
TRANSPARENT = {"a", "del", "ins"}  # their content model is their parent's
PHRASING_CONTAINERS = (PHRASING - TRANSPARENT) | {"p", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "summary"}
HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
NO_HEADINGS = {"dt", "th"}  # flow content, but no headings or sectioning in them

# Characters XML 1.0 forbids, plus C1 controls and noncharacters that HTML forbids in text.
_BAD_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]")
_INTEGER = re.compile(r"-?\d{1,9}")
_LANGUAGE = re.compile(r"[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*|[xXiI](-[A-Za-z0-9]{1,8})+")
_DATETIME = re.compile(
    r"(?P<date>\d{4}(-\d{2}(-\d{2})?)?)([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:?\d{2})?)?|\d{2}:\d{2}(:\d{2})?"
)
_ALLOWED_VALUES = {
    "dir": {"ltr", "rtl", "auto"},
    "scope": {"row", "col", "rowgroup", "colgroup"},
}
_BOOLEAN = {"open", "checked", "selected", "reversed"}


def clean_text(text: str) -> str:
    """Text without the characters an XHTML document may not contain."""
    return _BAD_CHARS.sub("", text)


def sanitise(raw_html: str):
    """Parse any HTML into a safe tree under a <div>: allow-listed tags and attributes only, valid nesting."""
    clean = nh3.clean(
        clean_text(raw_html),
        tags=SAFE_TAGS,
        attributes=SAFE_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel=None,
        strip_comments=True,
        filter_style_properties={"text-align"},
    )
    # After nh3, which turns references such as &#1; into the characters themselves.
    clean = clean_text(clean)
    root = lxml_html.fragment_fromstring(clean, create_parent="div")
    if "&#" in clean:  # references such as &#1; come back as the characters themselves; clean holds no other
        _clean_characters(root)
    _empty_void_elements(root)
    _replace_form_controls(root)
    repair(root)
    return root


def repair(root) -> None:
    """Make the tree valid XHTML content: attributes, then structure, then nesting, then what is left empty."""
    _fix_attributes(root)
    _fix_structure(root)
    _fix_nesting(root, phrasing=False, in_link=False)
    _drop_empty(root)


def _drop_empty(root) -> None:
    """Paragraphs and links with nothing in them (left by the parser, or by what was removed) go."""
    for el in list(root.iter("p", "a")):
        if len(el) or (el.text or "").strip() or el.get("id") or el.getparent() is None:
            continue
        drop_tree(el)


def serialise(root) -> str:
    """The children of root as an XHTML fragment that also reads right as HTML."""
    for el in root.iter():
        if isinstance(el.tag, str) and el.tag not in VOID and len(el) == 0 and not el.text:
            el.text = ""  # <span></span>, never <span/>: HTML parsers would leave it open

    def children() -> str:
        return "".join(etree.tostring(child, method="xml", encoding="unicode", with_tail=True) for child in root)

    body = children()
    if _BAD_CHARS.search(body):  # lxml refuses control characters, not the rest: search once, clean rarely
        _clean_characters(root)
        body = children()
    if root.text and root.text.strip():
        body = escape(clean_text(root.text)) + body
    return body


def _empty_void_elements(root) -> None:
    """lxml's HTML parser does not know every void element (<wbr>): what it put inside goes after it."""
    for el in list(root.iter(*VOID)):
        if not el.text and not len(el):
            continue
        children, tail = list(el), el.tail or ""
        for child in reversed(children):
            el.addnext(child)
        if children:
            el.tail = el.text
            children[-1].tail = (children[-1].tail or "") + tail
        else:
            el.tail = el.text + tail
        el.text = None


def _clean_characters(root) -> None:
    for el in root.iter():
        if el.text and _BAD_CHARS.search(el.text):
            el.text = clean_text(el.text)
        if el.tail and _BAD_CHARS.search(el.tail):
            el.tail = clean_text(el.tail)
        for name, value in el.attrib.items():
            if _BAD_CHARS.search(value):
                el.set(name, clean_text(value))


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def unwrap(el) -> None:
    """Remove el but keep its text and children in place; an id it had stays as an empty anchor."""
    parent = el.getparent()
    if parent is None:
        return
    if el.get("id"):
        anchor = etree.Element("span", {"id": el.get("id")})
        el.insert(0, anchor)
        anchor.tail, el.text = el.text, None
    if el.tag not in PHRASING and el.tag not in VOID:
        _pad(el)
    drop_tag(el)


def drop_tag(el) -> None:
    """Remove el, keeping its text and children in place (lxml.html's drop_tag, for any element)."""
    parent, previous = el.getparent(), el.getprevious()
    for text in (el.text, None if len(el) else el.tail):
        if not text:
            continue
        if previous is None:
            parent.text = (parent.text or "") + text
        else:
            previous.tail = (previous.tail or "") + text
    if len(el) and el.tail:
        el[-1].tail = (el[-1].tail or "") + el.tail
    index = parent.index(el)
    parent[index : index + 1] = list(el)


def drop_tree(el) -> None:
    """Remove el and everything in it, keeping the text that follows it."""
    el.tail, tail = None, el.tail
    parent, previous = el.getparent(), el.getprevious()
    if tail:
        if previous is None:
            parent.text = (parent.text or "") + tail
        else:
            previous.tail = (previous.tail or "") + tail
    parent.remove(el)


def _pad(el) -> None:
    """Keep words apart when a block's tags go: 'a</p><p>b' must not become 'ab'."""
    el.text = " " + (el.text or "") if not (el.text or " ")[0].isspace() else el.text
    el.tail = " " + (el.tail or "") if not (el.tail or " ")[0].isspace() else el.tail


def _replace_form_controls(root) -> None:
    """Turn checkboxes into ☐/☑ and unwrap or drop other controls: a book cannot submit a form."""
    for el in list(root.iter(*FORM_CONTROLS)):
        if el.getparent() is None:
            continue
        if el.tag == "input" and el.get("type", "").lower() in ("checkbox", "radio"):
            checked = el.get("checked") is not None
            mark = etree.Element("span", {"class": "task-mark"})
            mark.text = ("\u2611" if checked else "\u2610") + " "
            mark.tail = el.tail
            el.getparent().replace(el, mark)
        elif el.tag in ("input", "textarea", "select"):
            drop_tree(el)
        else:  # label, button, option
            drop_tag(el)


def _fix_attributes(root) -> None:
    """Drop attribute values HTML does not allow: a book is validated, a browser would guess."""
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        for name, value in list(el.attrib.items()):
            value = value.strip()
            if name in _BOOLEAN:
                el.set(name, name)
            elif name == "style":
                match = re.fullmatch(r"\s*text-align:\s*(left|right|center|justify)\s*;?\s*", value)
                _set_or_drop(el, name, match and f"text-align: {match.group(1)}")
            elif name in ("colspan", "rowspan", "width", "height"):
                low = 0 if name in ("rowspan", "width", "height") else 1
                _set_or_drop(el, name, value if value.isdigit() and low <= int(value) <= 65534 else None)
            elif name in ("start", "value"):
                _set_or_drop(el, name, value if _INTEGER.fullmatch(value) else None)
            elif name == "type" and el.tag == "ol":
                _set_or_drop(el, name, value if value in ("1", "a", "A", "i", "I") else None)
            elif name == "lang":
                _set_or_drop(el, name, value if _LANGUAGE.fullmatch(value) else None)
            elif name == "datetime":
                _set_or_drop(el, name, value if _valid_datetime(value) else None)
            elif name in _ALLOWED_VALUES:
                _set_or_drop(el, name, value.lower() if value.lower() in _ALLOWED_VALUES[name] else None)
            elif name == "id":
                _set_or_drop(el, name, re.sub(r"\s+", "-", value) or None)
            elif not value and name != "alt":
                del el.attrib[name]
        if el.tag == "time" and el.get("datetime") is None and not _valid_datetime(_text(el)):
            el.tag = "span"  # <time> without a machine-readable value is not valid


def _valid_datetime(value: str) -> bool:
    """A date, a time or both, as HTML's <time> wants them: 2024-02-30 is not a date."""
    match = _DATETIME.fullmatch(value)
    if not match:
        return False
    parts = [int(p) for p in (match.group("date") or "2000").split("-")] + [1, 1]
    try:
        dt.date(*parts[:3])
    except ValueError:
        return False
    return True


def _set_or_drop(el, name: str, value: str | None) -> None:
    if value:
        el.set(name, value)
    else:
        del el.attrib[name]


def _text(el) -> str:
    return "".join(el.itertext()).strip()


def _fix_structure(root) -> None:
    """Elements that only make sense inside a particular parent: lists, definitions, figures, details."""
    for dl in list(root.iter("dl")):
        if not _valid_definition_list(dl):
            dl.tag = "div"  # its terms and definitions become plain blocks below
    for el in list(root.iter()):
        if not isinstance(el.tag, str) or el.getparent() is None:
            continue
        if _out_of_place(el, el.getparent().tag):
            el.tag = "div"
    for el in list(root.iter("ul", "ol")):
        _wrap_strays(el)
    for details in root.iter("details"):
        first = next((c for c in details if isinstance(c.tag, str)), None)
        if first is None or first.tag != "summary":
            summary = etree.Element("summary")
            summary.text, summary.tail, details.text = "Details", details.text, None
            details.insert(0, summary)


def _out_of_place(el, parent: str) -> bool:
    if el.tag == "li":
        return parent not in ("ul", "ol")
    if el.tag in ("dt", "dd"):
        return parent != "dl"
    if el.tag == "figcaption":
        return parent != "figure" or not _first_or_last(el, "figcaption")
    if el.tag == "summary":
        return parent != "details" or _element_index(el) != 0
    return False


def _element_index(el) -> int:
    return [c for c in el.getparent() if isinstance(c.tag, str)].index(el)


def _first_or_last(el, tag: str) -> bool:
    siblings = [c for c in el.getparent() if isinstance(c.tag, str)]
    same = [c for c in siblings if c.tag == tag]
    return same[0] is el and el in (siblings[0], siblings[-1])


def _valid_definition_list(dl) -> bool:
    """Terms then definitions, group after group (dt+ dd+)+, and no loose text."""
    if (dl.text or "").strip() or any((c.tail or "").strip() for c in dl):
        return False
    sequence = "".join({"dt": "t", "dd": "d"}.get(c.tag, "x") for c in dl if isinstance(c.tag, str))
    return re.fullmatch(r"(t+d+)*", sequence) is not None


def _wrap_strays(container) -> None:
    """Text and elements a list holds outside its items go into an item of their own."""
    if container.text and container.text.strip():
        wrapper = etree.Element("li")
        wrapper.text, container.text = container.text, None
        container.insert(0, wrapper)
    for child in list(container):
        if isinstance(child.tag, str) and child.tag != "li":
            wrapper = etree.Element("li")
            child.addprevious(wrapper)
            wrapper.append(child)
            wrapper.tail, child.tail = child.tail, None
            child = wrapper
        if child.tail and child.tail.strip():
            wrapper = etree.Element("li")
            wrapper.text, child.tail = child.tail, None
            child.addnext(wrapper)


def _has_flow(el) -> bool:
    return any(isinstance(d.tag, str) and d.tag not in PHRASING for d in el.iterdescendants())


def _fix_nesting(el, phrasing: bool, in_link: bool) -> None:
    """Blocks inside phrasing content are unwrapped; phrasing wrappers around blocks give way instead."""
    for child in list(el):
        if isinstance(child.tag, str):
            _fix_child(child, phrasing, in_link)


def _fix_child(child, phrasing: bool, in_link: bool) -> None:
    tag = child.tag
    parent_tag = child.getparent().tag
    misplaced = (
        (phrasing and tag not in PHRASING)
        or (in_link and tag in ("a", "details", "summary"))
        or (parent_tag in NO_HEADINGS and tag in HEADINGS | {"section", "aside"})
    )
    if not misplaced and not phrasing and tag in PHRASING - TRANSPARENT and _has_flow(child):
        misplaced = True  # <span><ul>…</ul></span>: the span gives way, the list stays
    if misplaced:
        kids = [k for k in child if isinstance(k.tag, str)]
        unwrap(child)
        for kid in kids:
            _fix_child(kid, phrasing, in_link)
        return
    if tag == "p" and not phrasing and _has_flow(child):
        child.tag = "div"
    inner = tag in PHRASING_CONTAINERS or (phrasing and tag in TRANSPARENT)
    _fix_nesting(child, inner, in_link or tag == "a")
