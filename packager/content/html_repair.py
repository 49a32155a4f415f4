"""HTML's content models kept on a parsed tree: what an HTML5 parser accepts and EPUBCheck rejects is mended.

A parser keeps a list inside a ``<span>``, an ``<li>`` outside a list, a second
``<caption>`` after the rows, text before a ``<summary>``, a link inside a
link. EPUB's XHTML schemas (RelaxNG and Schematron) reject them. The rules
are HTML's, written as tables: where each part of a container may stand
(``PARENTS``), what a container holds and in what order (``HOLDS``, the
table's order), what may not be inside what (``EXCLUDED``), which elements
hold phrasing content only. ``repair()`` applies them in an order in which no
step undoes an earlier one, and keeps the text: a part out of place becomes a
plain block, what a table may not hold goes before it (where a browser shows
it), and a phrasing element around blocks gives way.
"""

from __future__ import annotations

import re

from lxml import etree

VOID = {"br", "col", "hr", "img", "wbr"}
PHRASING = {
    *("a", "abbr", "b", "br", "cite", "code", "del", "dfn", "em", "i", "img", "ins", "kbd", "mark", "q", "s"),
    *("samp", "small", "span", "strong", "sub", "sup", "time", "u", "var", "wbr"),
}
TRANSPARENT = {"a", "del", "ins"}  # their content model is their parent's
PHRASING_CONTAINERS = (PHRASING - TRANSPARENT) | {"p", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "summary"}
HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
GLOBAL_ATTRIBUTES = {"id", "class", "title", "lang", "dir", "style"}
WHITESPACE = " \t\n\r\f"  # HTML's: a no-break space is text

#: The parents each part of a container may stand in; anywhere else it is a plain block.
PARENTS = {
    "li": {"ul", "ol"},
    "dt": {"dl"},
    "dd": {"dl"},
    "figcaption": {"figure"},
    "summary": {"details"},
    **dict.fromkeys(("caption", "colgroup", "thead", "tbody", "tfoot"), {"table"}),
    "tr": {"table", "thead", "tbody", "tfoot"},
    "td": {"tr"},
    "th": {"tr"},
    "col": {"colgroup"},
}
#: What the table parts hold; text and any other element there go before the table.
HOLDS = {
    "table": {"caption", "colgroup", "thead", "tbody", "tr", "tfoot"},
    **dict.fromkeys(("thead", "tbody", "tfoot"), {"tr"}),
    "tr": {"td", "th"},
    "colgroup": {"col"},
}
# caption?, colgroup*, thead?, (tbody* | tr+), tfoot?, one letter a part.
_TABLE_ORDER = re.compile(r"c?g*h?(b*|r+)f?")
_TABLE_LETTERS = {"caption": "c", "colgroup": "g", "thead": "h", "tbody": "b", "tr": "r", "tfoot": "f"}
#: Elements that may not be inside these, at any depth.
EXCLUDED = {
    "a": frozenset({"a", "details", "summary"}),  # interactive content; a summary goes with its details
    "summary": frozenset({"a"}),  # a summary opens its details: a link there is a control in a control
    "dfn": frozenset({"dfn"}),
    "caption": frozenset({"table"}),
    "th": frozenset(HEADINGS | {"section", "aside"}),
    "dt": frozenset(HEADINGS | {"section", "aside"}),
}


def repair(root) -> None:
    """Make the tree's structure valid: parts in their containers, containers in order, nesting, no empty blocks."""
    _fix_definition_lists(root)
    _fix_places(root)
    for el in list(root.iter(*_CONTAINERS)):
        _CONTAINERS[el.tag](el)
    _fix_nesting(root, phrasing=False, excluded=frozenset())
    _drop_empty(root)
    scope_header_cells(root)


def scope_header_cells(root) -> None:
    """Give every header cell the ``scope`` a screen reader needs; an author's own scope stays.

    A cell in ``thead``, or in a row of header cells only, heads its column; a header cell in a row
    that holds data cells heads that row.
    """
    for row in root.iter("tr"):
        cells = [c for c in row if isinstance(c.tag, str)]
        in_head = row.getparent() is not None and row.getparent().tag == "thead"
        scope = "col" if in_head or all(c.tag == "th" for c in cells) else "row"
        for cell in cells:
            if cell.tag == "th" and not cell.get("scope"):
                cell.set("scope", scope)


# --------------------------------------------------------------------------- editing the tree


def blank(text: str | None) -> bool:
    """Nothing but HTML's white space (a no-break space is text)."""
    return not (text or "").strip(WHITESPACE)


def rename(el, tag: str) -> None:
    """Make el a tag element, without the attributes only its old tag takes (li value, td colspan)."""
    el.tag = tag
    for name in [n for n in el.attrib if n not in GLOBAL_ATTRIBUTES]:
        del el.attrib[name]


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


def _joined(first: str | None, second: str | None) -> str:
    """Two runs of text made one, with a space between them where neither has one."""
    first, second = first or "", second or ""
    if first and second and not first[-1].isspace() and not second[0].isspace():
        return f"{first} {second}"
    return first + second


def _put_text_before(el, text: str) -> None:
    previous = el.getprevious()
    if previous is None:
        el.getparent().text = _joined(el.getparent().text, text)
    else:
        previous.tail = _joined(previous.tail, text)


# --------------------------------------------------------------------------- parts and containers


def _fix_definition_lists(root) -> None:
    """A list of terms and definitions out of order becomes plain blocks (its terms and definitions too)."""
    for dl in list(root.iter("dl")):
        if not blank(dl.text) or any(not blank(c.tail) for c in dl):
            rename(dl, "div")
            continue
        sequence = "".join({"dt": "t", "dd": "d"}.get(c.tag, "x") for c in dl if isinstance(c.tag, str))
        if not re.fullmatch(r"(t+d+)*", sequence):  # (dt+ dd+)*
            rename(dl, "div")


def _fix_places(root) -> None:
    """Parts outside the container they belong to become plain blocks; a stray column goes."""
    for el in list(root.iter(*PARENTS)):
        parent = el.getparent()
        if parent is None or parent.tag in PARENTS[el.tag]:
            continue
        if el.tag != "col":
            rename(el, "div")
        elif parent.tag == "table":  # HTML's parser would have put it in a column group
            group = etree.Element("colgroup")
            el.addprevious(group)
            group.append(el)
            group.tail, el.tail = el.tail, None
        else:
            drop_tree(el)


def _fix_list(container) -> None:
    """Text and elements a list holds outside its items go into an item of their own; only an ol numbers them."""
    if not blank(container.text):
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
        if not blank(child.tail):
            wrapper = etree.Element("li")
            wrapper.text, child.tail = child.tail, None
            child.addnext(wrapper)
        if container.tag == "ul" and child.get("value") is not None:
            del child.attrib["value"]


def _fix_table(table) -> None:
    """Parts in HTML's order, caption?, colgroup*, thead?, (tbody* | tr+), tfoot?; what else there was before it."""
    _foster(table, table)
    parts = [c for c in table if isinstance(c.tag, str)]
    if _TABLE_ORDER.fullmatch("".join(_TABLE_LETTERS[c.tag] for c in parts)):
        return
    captions = [c for c in parts if c.tag == "caption"]
    for extra in captions[1:]:  # flow content, shown above the table as a browser shows a caption
        rename(extra, "div")
        extra.tail = None
        table.addprevious(extra)
    heads, feet = [c for c in parts if c.tag == "thead"], [c for c in parts if c.tag == "tfoot"]
    for extra in heads[1:] + feet[1:]:
        rename(extra, "tbody")
    body = [c for c in parts if c.tag in ("tbody", "tr") and c not in heads[:1] + feet[:1]]
    if {"tbody", "tr"} <= {c.tag for c in body}:
        body = _rows_in_bodies(body)
    for part in parts:
        if part.getparent() is table:
            table.remove(part)  # with its tail, white space: _foster moved any text
    table.extend(captions[:1] + [c for c in parts if c.tag == "colgroup"] + heads[:1] + body + feet[:1])


def _foster(table, holder) -> None:
    """Text and elements a table part may not hold go before the table, in their order, as HTML's parser puts them."""
    if not blank(holder.text):
        _put_text_before(table, holder.text)
        holder.text = None
    for child in list(holder):
        tail, child.tail = child.tail, None
        if isinstance(child.tag, str) and child.tag in HOLDS[holder.tag]:
            if child.tag in HOLDS:
                _foster(table, child)
            if blank(tail):
                child.tail = tail  # white space between the parts stays
                continue
        else:
            table.addprevious(child)
        if not blank(tail):
            _put_text_before(table, tail)


def _rows_in_bodies(body: list) -> list:
    """Rows and row groups may not mix in a table: each run of rows gets a tbody of its own."""
    grouped, run = [], None
    for part in body:
        if part.tag == "tbody":
            grouped.append(part)
            run = None
            continue
        if run is None:
            run = etree.Element("tbody")
            grouped.append(run)
        run.append(part)
    return grouped


def _fix_figure(figure) -> None:
    """A figure's first caption stays when it comes first or last; other captions become plain blocks."""
    elements = [c for c in figure if isinstance(c.tag, str)]
    captions = [c for c in elements if c.tag == "figcaption"]
    if not captions:
        return
    first, last = elements[0], elements[-1]
    stays = (first is captions[0] and blank(figure.text)) or (last is captions[0] and blank(last.tail))
    for caption in captions[1:] if stays else captions:
        rename(caption, "div")


def _fix_details(details) -> None:
    """A details element opens with its summary: text before it goes after it, other summaries are plain blocks."""
    elements = [c for c in details if isinstance(c.tag, str)]
    summaries = [c for c in elements if c.tag == "summary"]
    if elements and elements[0].tag == "summary":
        if not blank(details.text):
            elements[0].tail, details.text = _joined(details.text, elements[0].tail), None
        summaries = summaries[1:]
    else:
        summary = etree.Element("summary")
        summary.text, summary.tail, details.text = "Details", details.text, None
        details.insert(0, summary)
    for extra in summaries:
        rename(extra, "div")


# --------------------------------------------------------------------------- nesting


def _has_flow(el) -> bool:
    return any(isinstance(d.tag, str) and d.tag not in PHRASING for d in el.iterdescendants())


def _fix_nesting(el, phrasing: bool, excluded: frozenset) -> None:
    """Blocks inside phrasing content are unwrapped; phrasing wrappers around blocks give way instead."""
    for child in list(el):
        if isinstance(child.tag, str):
            _fix_child(child, phrasing, excluded)


def _fix_child(child, phrasing: bool, excluded: frozenset) -> None:
    tag = child.tag
    misplaced = (phrasing and tag not in PHRASING) or tag in excluded
    if not misplaced and not phrasing and tag in PHRASING - TRANSPARENT and _has_flow(child):
        misplaced = True  # <span><ul>…</ul></span>: the span gives way, the list stays
    if misplaced and tag == "table" and not phrasing:  # a table in a caption: its cells stay, as blocks
        _flatten_table(child)
        misplaced, tag = False, "div"
    if misplaced:
        kids = [k for k in child if isinstance(k.tag, str)]
        unwrap(child)
        for kid in kids:
            _fix_child(kid, phrasing, excluded)
        return
    if tag == "p" and not phrasing and _has_flow(child):
        rename(child, "div")
    inner = tag in PHRASING_CONTAINERS or (phrasing and tag in TRANSPARENT)
    _fix_nesting(child, inner, excluded | EXCLUDED.get(tag, frozenset()))


def _flatten_table(table) -> None:
    """The table and its parts become plain blocks; its columns go."""
    for part in list(table.iter(*HOLDS, "caption", "td", "th")):
        if part.tag == "colgroup":
            drop_tree(part)
        else:
            rename(part, "div")


_CONTAINERS = {"ul": _fix_list, "ol": _fix_list, "table": _fix_table, "figure": _fix_figure, "details": _fix_details}


def _drop_empty(root) -> None:
    """Paragraphs and links with nothing in them (left by the parser, or by what was removed) go."""
    for el in list(root.iter("p", "a")):
        if len(el) or (el.text or "").strip() or el.get("id") or el.getparent() is None:
            continue
        drop_tree(el)
