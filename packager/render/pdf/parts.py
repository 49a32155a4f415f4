"""What the stages of a PDF laid out in parts share: the jobs, what a worker gives back, and a part's objects.

Everything here is plain data (strings, bytes, numbers, tuples), so that it
crosses between the building process and the worker processes, and into the
part cache, unchanged.
"""

from __future__ import annotations

from dataclasses import astuple, dataclass, field, fields
from urllib.parse import quote

ASSET_SCHEME = "packager-asset:"
XREF_SCHEME = "packager-xref:"
PROBE_PAGES = 10  # pages 1 to 10 draw every digit, and numbers of one and of two digits


class MergeError(RuntimeError):
    """The parts cannot be joined into what a single render gives: render the book in one go instead."""


def xref_url(name: str) -> str:
    """The URL that stands, inside one part, for a link to an id held by another part."""
    return XREF_SCHEME + quote(name, safe="")


def pdf_number(value: float) -> str:
    """A number as PDF syntax writes it: no exponent, no trailing zeros."""
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


@dataclass(frozen=True)
class PartJob:
    """One HTML document to lay out: the book's front matter, or a run of its articles."""

    html: str
    assets: dict[str, tuple[str, str]]  # href -> (file path, media type): the only files it may load
    identifier: bytes  # the PDF file identifier, the same for every part
    tag: str = ""  # prefix for the table-header ids of this part, unique in the merged book
    front: bool = False  # the front matter: its document info and XMP metadata become the book's
    fonts: str = ""  # the fontconfig file that shows only the theme's fonts (render.fonts.setup)


@dataclass(frozen=True)
class Bookmark:
    """One outline entry as WeasyPrint found it: its CSS bookmark-level, not yet nested."""

    level: int
    label: str
    page: int  # 0-based, in the part
    x: float  # PDF points, origin at the bottom left
    y: float
    state: str  # "open" or "closed"


@dataclass(frozen=True)
class PartResult:
    """What the merge needs of a laid-out part: its objects, written out, and where things are in it."""

    objects: PortablePart  # the part's objects, ready to be numbered into the book
    pages: int
    anchors: dict[str, int] = field(default_factory=dict)  # id -> 0-based page that holds it
    bookmarks: tuple[Bookmark, ...] = ()
    assets: tuple[str, ...] = ()  # the hrefs of the images it loaded
    # Where each of its pages begins (starts.page_starts): (article anchor, block number, characters into the
    # block) of its first line, None in the front matter.
    starts: tuple[tuple[str, int, int] | None, ...] = ()


@dataclass(frozen=True)
class PortablePart:
    """A laid-out part's objects, written out ready to take their numbers in the book."""

    objects: tuple[bytes, ...]  # object n is objects[n - 1]: a dictionary, an array or a value
    streams: dict[int, bytes]  # n -> the raw (still encoded) data of a stream; its dictionary lacks /Length
    pages: tuple[int, ...]  # the pages, in order (their dictionaries lack /Contents)
    contents: tuple[bytes, ...]  # each page's /Contents value
    fonts: tuple[int, ...]  # the font resources of the pages: where a page number's font is added
    xrefs: tuple[str, ...]  # the ids that the \0L<i>\0 links point at
    parent_tree: tuple[tuple[int, bytes], ...]
    next_key: int  # one more than the part's largest parent-tree key
    dests: tuple[tuple[str, bytes], ...]  # named destinations: id -> [page /XYZ x y 0]
    tops: tuple[bytes, ...] = ()  # the part's top-level structure elements
    role_map: tuple[tuple[str, bytes], ...] = ()
    lang: bytes | None = None  # the book's language, document info and XMP metadata: taken from the first part
    info: bytes | None = None
    metadata: int | None = None


def part_data(part: PartResult) -> tuple:
    """The part as plain data (bytes, str, numbers, tuples, dicts), for the part cache."""
    objects = tuple(getattr(part.objects, f.name) for f in fields(part.objects))
    return objects, part.pages, part.anchors, tuple(astuple(b) for b in part.bookmarks), part.assets, part.starts


def part_from_data(data: tuple) -> PartResult:
    """The part that part_data gave."""
    objects, pages, anchors, bookmarks, assets, starts = data
    return PartResult(PortablePart(*objects), pages, anchors, tuple(Bookmark(*b) for b in bookmarks), assets, starts)


@dataclass(frozen=True)
class FooterProbe:
    """A few pages laid out with the theme's page style, to learn how it draws page numbers."""

    pdf: bytes
    margin_box: str | None  # e.g. "@bottom-center": the one margin box that shows the page number
