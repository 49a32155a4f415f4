"""Where a URL shown as text may break across lines: a ``<wbr/>`` after ``/``, before ``. ? & # = _ - ~ %``.

An element whose text is an address and nothing else (an autolink, a bare link made a link, a credited
source's or a recommended page's address, a table cell) is one long word to a line breaker: it runs past
the margin or is cut anywhere (``ht`` / ``tps://``), and a hyphenating one adds a hyphen that is not part
of the address. The breaks go where the Chicago Manual of Style puts them (less the one before a slash):
never inside the scheme and its ``//``, never with a hyphen added. ``<wbr/>`` is valid XHTML in an EPUB
and a break opportunity in WeasyPrint and browsers.
"""

from __future__ import annotations

import re

from lxml import etree

_URL = re.compile(r"(?:https?://|mailto:|www\.)\S+$", re.I)
_HEAD = re.compile(r"^(?:[a-z][a-z0-9+.-]*://|mailto:)?[^/.?&#=]*", re.I)  # the scheme and the host's first label
_BEFORE = ".?&#=_-~%"  # a break may come before these (so a line never ends in an address's own hyphen)...
_AFTER = "/"  # ...and after a slash (a run of slashes stays together)
_SKIP = {"code", "pre", "kbd", "samp", "var", "script", "style"}


def pieces(url: str) -> list[str]:
    """The URL cut at its break points: joined they give it back; none inside the scheme, none at either end."""
    start = _HEAD.match(url).end()
    cuts = []
    for i in range(max(start, 1), len(url)):
        before, here = url[i - 1], url[i]
        if here == "/" and before == "/":
            continue
        if (here in _BEFORE and before != "/") or (before in _AFTER and here not in _BEFORE):
            cuts.append(i)
    bounds = [0, *cuts, len(url)]
    return [url[a:b] for a, b in zip(bounds, bounds[1:], strict=False) if b > a]


def is_url_text(text: str | None) -> bool:
    """Whether a link's text is an address rather than words."""
    return bool(text) and _URL.match(text.strip()) is not None


def insert(root) -> None:
    """Give every element that shows an address and nothing else ``<wbr/>`` break points (outside code).

    The scheme and the host's first label stay together in a ``span.url-start`` (``white-space: nowrap``
    in the stylesheets): a line breaker may otherwise break after ``https://``.
    """
    for el in list(root.iter()):
        if not isinstance(el.tag, str) or len(el) or not is_url_text(el.text) or _local(el.tag) in _SKIP:
            continue
        if any(_local(p.tag) in _SKIP for p in el.iterancestors()):
            continue
        first, *rest = pieces(el.text.strip())
        ns = el.tag[: el.tag.index("}") + 1] if el.tag.startswith("{") else ""
        el.text = None
        start = etree.SubElement(el, ns + "span", {"class": "url-start"})
        start.text = first
        for piece in rest:
            etree.SubElement(el, ns + "wbr").tail = piece


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def in_fragment(html: str) -> str:
    """An XHTML fragment with break points in its links' addresses (the credits, written from a template)."""
    if "://" not in html:
        return html
    from lxml import html as lxml_html

    from packager.content import xhtml

    root = lxml_html.fragment_fromstring(html, create_parent="div")
    insert(root)
    return xhtml.serialise(root)
