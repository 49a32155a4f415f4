"""The book formats packager writes, named once: the command line, the config check, the renderers and the page read them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class BookFormat:
    """One kind of book: what it is called, what its file is, and how the download page offers it."""

    name: str  # as in --format and [output] formats
    label: str  # on the download page
    note: str  # what a reader gets, on the download page
    suffix: str
    media_type: str
    progress: str  # the stage line while it is made
    # The format whose page list this one takes, when both are made (the EPUB's page list matches the PDF's
    # pages): that one is made first, and a sharded build makes this one when it assembles.
    pages_from: str | None = None


EPUB = BookFormat(
    "epub",
    "EPUB",
    "for e-readers, phones and tablets: the text reflows to fit the screen",
    ".epub",
    "application/epub+zip",
    "writing the EPUB",
    pages_from="pdf",
)
PDF = BookFormat("pdf", "PDF", "fixed pages, ready to print", ".pdf", "application/pdf", "laying out the PDF")

#: In the order books are made and offered.
FORMATS: tuple[BookFormat, ...] = (EPUB, PDF)
NAMES: tuple[str, ...] = tuple(f.name for f in FORMATS)


def chosen(names) -> tuple[BookFormat, ...]:
    """The formats called these names, in the order of FORMATS whatever the order asked."""
    return tuple(f for f in FORMATS if f.name in names)


def waits(book_format: BookFormat, names) -> bool:
    """Whether book_format, made with the formats called names, waits for the one it takes its page list from."""
    return book_format.pages_from is not None and book_format.pages_from in names


def making_order(names) -> tuple[BookFormat, ...]:
    """The formats called names in the order they are made: each after the one it takes its page list from."""
    formats = chosen(names)
    return tuple(f for f in formats if not waits(f, names)) + tuple(f for f in formats if waits(f, names))
