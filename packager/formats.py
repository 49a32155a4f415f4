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


EPUB = BookFormat(
    "epub",
    "EPUB",
    "for e-readers, phones and tablets: the text reflows to fit the screen",
    ".epub",
    "application/epub+zip",
    "writing the EPUB",
)
PDF = BookFormat("pdf", "PDF", "fixed pages, ready to print", ".pdf", "application/pdf", "laying out the PDF")

#: In the order books are made and offered.
FORMATS: tuple[BookFormat, ...] = (EPUB, PDF)
NAMES: tuple[str, ...] = tuple(f.name for f in FORMATS)


def chosen(names) -> tuple[BookFormat, ...]:
    """The formats called these names, in the order of FORMATS whatever the order asked."""
    return tuple(f for f in FORMATS if f.name in names)
