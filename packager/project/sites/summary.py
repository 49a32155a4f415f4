"""A book's SUMMARY.md read as mdBook or HonKit reads it (with markdown-it), and its entries made an outline.

mdBook (``mdbook-summary``) reads the file as a stream of CommonMark events:
an optional ``# title``, prefix chapters (links before the first list),
numbered chapters (nested lists, one link per item, ``[Draft]()`` for a
chapter with no file yet) under optional ``# Part`` titles, ``---``
separators, then suffix chapters (links after the last list). A list item
that is not a link, or a list among the suffix chapters, stops mdBook: here
it is a ``ConfigError`` naming the line. HonKit renders the file to HTML and
takes the lists at its top level, each under the ``##``/``###``/``####``
heading just before it (its part title), every item's first link as the page
and the item's text as the title of an entry with no page.

Both give ``Item`` trees; ``outline()`` turns them into a site's ``Entry``
tuple, checking that each page exists inside the content folder (one warning
per entry that names nothing, with its line) and setting aside drafts and
links to other sites.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from markdown_it import MarkdownIt
from markdown_it.token import Token

from packager.diagnostics import Diagnostics
from packager.errors import ConfigError
from packager.project.sites import Entry

#: What warnings about SUMMARY entries that name no page are counted as.
MISSING = "navigation entries to missing pages"
#: What warnings about draft chapters (``[Title]()``) are counted as: the kind of ``draft: true`` pages too.
DRAFTS = "drafts left out"
_LISTS = ("bullet_list_open", "ordered_list_open")
_COMMONMARK = MarkdownIt("commonmark")  # mdBook reads SUMMARY.md with pulldown-cmark's CommonMark, no extension


@dataclass(frozen=True)
class Item:
    """One entry of a SUMMARY: a chapter (target: the link as written, None for none) or a part title."""

    title: str
    target: str | None
    line: int  # 1-based, in SUMMARY.md
    children: tuple[Item, ...] = ()
    part: bool = False


@dataclass
class _Event:
    """One markdown-it token with the line it is on: block tokens, and inline ones in their place."""

    token: Token
    line: int

    @property
    def type(self) -> str:
        return self.token.type

    def is_h1(self) -> bool:
        return self.type == "heading_open" and self.token.tag == "h1"


def _events(text: str) -> list[_Event]:
    """The file as a flat stream, as pulldown-cmark gives mdBook: inline tokens in their blocks' place."""
    events: list[_Event] = []
    for token in _COMMONMARK.parse(text):
        line = token.map[0] + 1 if token.map else (events[-1].line if events else 1)
        if token.type == "inline":
            for child in token.children or ():
                events.append(_Event(child, line))
                line += child.type in ("softbreak", "hardbreak")
        elif not token.hidden:  # pulldown-cmark has no paragraphs in tight list items
            events.append(_Event(token, line))
    return events


def _text(events: list[_Event]) -> str:
    """What mdBook keeps of a title's events: text and code, a line break as a space."""
    parts = []
    for event in events:
        if event.type in ("text", "code_inline"):
            parts.append(event.token.content)
        elif event.type in ("softbreak", "hardbreak"):
            parts.append(" ")
    return "".join(parts).strip()


class _MdBookParser:
    """mdbook-summary's SummaryParser, on markdown-it's tokens."""

    def __init__(self, text: str, rel: str):
        self.events = _events(text)
        self.at = 0
        self.rel = rel

    def next(self) -> _Event | None:
        self.at += 1
        return self.events[self.at - 1] if self.at <= len(self.events) else None

    def back(self) -> None:
        self.at -= 1

    def until(self, closing: str) -> list[_Event]:
        collected = []
        while (event := self.next()) is not None and event.type != closing:
            collected.append(event)
        return collected

    def error(self, event: _Event | None, message: str) -> ConfigError:
        line = event.line if event is not None else (self.events[-1].line if self.events else 1)
        return ConfigError(f"{message} (mdBook stops here too); fix the file and build again", path=self.rel, line=line)

    def parse(self) -> list[Item]:
        self.title()
        items = self.affix(prefix=True)
        items += _grouped(self.parts())
        return items + self.affix(prefix=False)

    def title(self) -> None:
        while (event := self.next()) is not None:
            if event.is_h1():
                self.until("heading_close")
                return
            if event.type not in ("html_block", "html_inline"):
                self.back()
                return

    def affix(self, prefix: bool) -> list[Item]:
        items = []
        while (event := self.next()) is not None:
            if event.type in _LISTS or event.is_h1():
                if prefix:
                    self.back()
                    break
                raise self.error(event, "suffix chapters cannot be followed by a list or a part title")
            if event.type == "link_open":
                items.append(self.link(event))
        return items

    def link(self, event: _Event) -> Item:
        href = event.token.attrGet("href") or ""
        title = _text(self.until("link_close"))
        return Item(title, unquote(str(href)) or None, event.line)

    def parts(self) -> list[Item]:
        items: list[Item] = []
        while (event := self.next()) is not None:
            if event.type == "paragraph_open":
                self.back()
                break
            if event.is_h1():
                items.append(Item(_text(self.until("heading_close")), None, event.line, part=True))
            else:
                self.back()
            items += self.numbered()
        return items

    def numbered(self) -> list[Item]:
        items: list[Item] = []
        first = True
        while (event := self.next()) is not None:
            if event.type == "paragraph_open" and not first:
                self.back()
                break
            if event.is_h1():
                self.back()
                break
            if event.type in _LISTS:
                self.back()
                items += self.nested()
            elif event.token.nesting == 1 and event.type != "paragraph_open":
                self.skip(event)
            first = False
        return items

    def skip(self, opening: _Event) -> None:
        depth = 1
        while depth and (event := self.next()) is not None:
            depth += event.token.nesting

    def nested(self) -> list[Item]:
        items: list[Item] = []
        while (event := self.next()) is not None:
            if event.type == "list_item_open":
                items.append(self.item())
            elif event.type in _LISTS and items:
                last = items[-1]
                items[-1] = Item(last.title, last.target, last.line, tuple(self.nested()))
            elif event.type in ("bullet_list_close", "ordered_list_close"):
                break
        return items

    def item(self) -> Item:
        while (event := self.next()) is not None:
            if event.type == "paragraph_open":
                continue
            if event.type == "link_open":
                return self.link(event)
            break
        raise self.error(event, "a numbered chapter's list item must hold only a link, like - [Title](file.md)")


def _grouped(items: list[Item]) -> list[Item]:
    """Each part title with the chapters that follow it, up to the next part title, as its children."""
    grouped: list[Item] = []
    for item in items:
        if item.part:
            grouped.append(item)
        elif grouped and grouped[-1].part:
            last = grouped[-1]
            grouped[-1] = Item(last.title, None, last.line, (*last.children, item), part=True)
        else:
            grouped.append(item)
    return grouped


def read_mdbook(text: str, rel: str) -> list[Item]:
    """The entries of an mdBook SUMMARY.md (rel names it in errors): prefix, parts and chapters, suffix."""
    return _MdBookParser(text, rel).parse()


# --- HonKit ---------------------------------------------------------------------------------------------------


@dataclass
class _Node:
    """A block of the rendered HTML: its tag, its inline tokens, its child blocks."""

    token: Token | None
    children: list[_Node] = field(default_factory=list)
    inline: list[Token] = field(default_factory=list)

    @property
    def tag(self) -> str:
        return self.token.tag if self.token is not None else ""

    @property
    def line(self) -> int:
        return self.token.map[0] + 1 if self.token is not None and self.token.map else 1


def _tree(text: str) -> _Node:
    root = _Node(None)
    stack = [root]
    for token in _COMMONMARK.parse(text):
        if token.nesting == 1:
            node = _Node(token)
            stack[-1].children.append(node)
            stack.append(node)
        elif token.nesting == -1:
            stack.pop()
        elif token.type == "inline":
            stack[-1].inline.extend(token.children or ())
        else:
            stack[-1].children.append(_Node(token))
    return root


def _inline_text(tokens: list[Token]) -> str:
    return "".join(t.content for t in tokens if t.type in ("text", "code_inline", "html_inline")).strip()


def _honkit_items(node: _Node) -> list[Item]:
    """HonKit's parseList: each item's first link (or its text alone), and its own list nested."""
    items = []
    for li in node.children:
        if li.tag != "li":
            continue
        inline = [t for block in li.children if block.tag == "p" for t in block.inline]
        title, target = _inline_text(inline), None
        if "link_open" in [t.type for t in inline]:
            start = next(i for i, t in enumerate(inline) if t.type == "link_open")
            end = next((i for i, t in enumerate(inline) if i > start and t.type == "link_close"), len(inline))
            title = _inline_text(inline[start + 1 : end])
            href = str(inline[start].attrGet("href") or "")
            target = unquote(href).replace("\\", "/").lstrip("/") or None
        children = [item for sub in li.children if sub.tag in ("ul", "ol") for item in _honkit_items(sub)]
        if title:
            items.append(Item(title, target, li.line, tuple(children)))
    return items


def read_honkit(text: str) -> list[Item]:
    """The entries of a HonKit (GitBook) SUMMARY.md: each top-level list under the h2-h4 part title before it."""
    items: list[Item] = []
    part: Item | None = None
    for node in _tree(text).children:
        if node.tag in ("h2", "h3", "h4"):
            if part is not None:
                items.append(part)
            part = Item(_inline_text(node.inline), None, node.line, part=True)
        elif node.tag in ("ul", "ol"):
            chapters = tuple(_honkit_items(node))
            if part is not None and part.title:
                items.append(Item(part.title, None, part.line, chapters, part=True))
            else:
                items.extend(chapters)
            part = None
    if part is not None and part.title:
        items.append(part)
    return items


# --- the outline ------------------------------------------------------------------------------------------------


@dataclass
class Outline:
    """A SUMMARY's entries as a site's outline, and what was set aside."""

    entries: tuple[Entry, ...]
    left_out: list[tuple[str, str]]
    notes: list[str]


def outline(
    items: list[Item], source: Path, content_dir: str, summary_rel: str, diagnostics: Diagnostics, drafts: bool
) -> Outline:
    """The items as Entries (pages relative to SOURCE); a missing page, a draft, a duplicate warned about once each.

    drafts: whether an item with no link is a draft chapter (mdBook), else an entry with no page (HonKit).
    """
    found = Outline((), [], [])
    seen: set[str] = set()
    external: list[str] = []

    def entry(item: Item) -> Entry | None:
        children = tuple(e for child in item.children if (e := entry(child)) is not None)
        if item.part:
            return Entry(None, item.title, children) if children or item.title else None
        if item.target is None:  # mdBook: a draft chapter; HonKit: a title over its entries, or nothing
            if drafts:
                found.left_out.append((item.title, f"draft chapter in {summary_rel} (a link to no file)"))
                diagnostics.warn(
                    summary_rel,
                    f"draft chapter '{item.title}' has no file yet, left out of the book (give it a file to include it)",
                    item.line,
                    kind=DRAFTS,
                )
            return Entry(None, item.title, children) if children else None
        url = urlsplit(item.target)
        if url.scheme or url.netloc:
            external.append(item.target)
            found.left_out.append((item.target, f"a link to another site in {summary_rel}"))
            return Entry(None, item.title, children) if children else None
        rel = _page(content_dir, url.path)
        problem = _problem(source, content_dir, rel)
        if problem is None and rel in seen:
            problem = "is listed twice; the first place is kept"
        if problem is not None:
            diagnostics.warn(
                summary_rel, f"the entry '{item.title}' ({item.target}) {problem}", item.line, kind=MISSING
            )
            return Entry(None, item.title, children) if children else None
        seen.add(rel)
        return Entry(rel, item.title or None, children)

    found.entries = tuple(e for item in items if (e := entry(item)) is not None)
    if external:
        found.notes.append(
            f"{summary_rel}: {len(external)} link(s) to other sites are not pages of the book: {', '.join(external)}"
        )
    return found


def _page(content_dir: str, path: str) -> str:
    joined = posixpath.normpath(posixpath.join(content_dir or ".", path))
    return joined.removeprefix("./")


def _problem(source: Path, content_dir: str, rel: str) -> str | None:
    """Why an entry's page cannot be in the book, or None when it can."""
    inside = rel if not content_dir else rel.removeprefix(content_dir.strip("/") + "/")
    if rel.startswith("../") or rel == ".." or (content_dir and inside == rel):
        return f"points outside {content_dir or 'the source folder'}/, left out of the book"
    path = source / rel
    if any(part.startswith(".") for part in PurePosixPath(rel).parts) or not path.is_file():
        return f"names no file the book may read ({rel}), left out of the book; create it or fix the link"
    if not path.resolve().is_relative_to(source):
        return f"names a link to a file outside the book's folder ({rel}), left out of the book"
    return None
