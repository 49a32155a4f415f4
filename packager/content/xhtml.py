"""Any HTML in, a safe and valid XHTML tree out; and that tree written as XHTML.

Markdown may carry any raw HTML, and the readers themselves nest blocks in
paragraphs now and then. nh3 (an allow-list sanitiser on a real HTML5 parser)
removes everything unsafe; lxml re-parses what is left. What neither does is
enforce HTML's content models, which EPUBCheck checks: here an attribute value
that is not a number or a date is dropped, and ``html_repair`` mends the rest
(a list inside a ``<span>``, an ``<li>`` outside a list, a ``<figcaption>`` in
the middle of a figure), keeping the text. ``serialise()`` then writes XML that
is also read correctly as HTML (no ``<p/>``), without the characters XML forbids.
"""

from __future__ import annotations

import datetime as dt
import re

import nh3
from lxml import etree
from lxml import html as lxml_html

from packager.content.html_repair import VOID, drop_tag, drop_tree, repair

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


#: Tags whose content HTML reads as raw text up to their end tag: one left open would swallow the rest of the
#: article. Such a tag is shown as text, as GFM's tag filter shows it; a closed one is the sanitiser's to remove.
_RAW_TEXT = re.compile(r"<(title|textarea|xmp|iframe|noembed|noframes|plaintext|script|style)(?=[\s/>])", re.I)


def _filter_tags(html: str) -> str:
    """Escape the '<' of a raw-text tag that is never closed (GFM's disallowed raw HTML)."""

    def escape(match: re.Match) -> str:
        if re.search(rf"</{match.group(1)}\s*>", html[match.end() :], re.I) is not None:
            return match.group(0)
        return "&lt;" + match.group(1)

    return _RAW_TEXT.sub(escape, html)


def sanitise(raw_html: str):
    """Parse any HTML into a safe tree under a <div>: allow-listed tags and attributes only, valid nesting."""
    clean = nh3.clean(
        _filter_tags(clean_text(raw_html)),
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
    _fix_attributes(root)
    repair(root)
    return root


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


def _replace_form_controls(root) -> None:
    """Turn checkboxes into ◻/☑ and unwrap or drop other controls: a book cannot submit a form."""
    for el in list(root.iter(*FORM_CONTROLS)):
        if el.getparent() is None:
            continue
        if el.tag == "input" and el.get("type", "").lower() in ("checkbox", "radio"):
            checked = el.get("checked") is not None
            mark = etree.Element("span", {"class": "task-mark"})
            # ◻ (U+25FB), not the ballot box ☐ that no font of the themes draws: Noto Emoji has ◻ and ☑ both
            mark.text = ("\u2611" if checked else "\u25fb") + " "
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
        if el.tag == "time" and el.get("datetime") is None:
            value = _text(el)  # without datetime, a <time> holds a machine-readable value as text only
            if not _valid_datetime(value):
                el.tag = "span"
            elif len(el):
                el.set("datetime", value)


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
