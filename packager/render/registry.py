"""Which renderer makes each book format: the build asks here and names no format itself.

A renderer module has ``render(ctx) -> list[Output]`` and may have
``prepare(bodies, workers)`` (work that can start before the Book exists, such
as the PDF workers' server), ``warm_up(theme)`` (imports and templates to get
ready while the articles render) and ``units(book, theme)`` (the pieces a shard
can make alone, by estimated work; without it the book is one piece). Modules are imported only for the books
being made, so an EPUB-only build never imports the PDF machinery.
"""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType

from packager.book.model import Book
from packager.formats import EPUB, FORMATS, PDF
from packager.project.themes import Theme
from packager.render.context import Unit


def _epub() -> ModuleType:
    from packager.render import epub

    return epub


def _pdf() -> ModuleType:
    from packager.render import pdf

    return pdf


RENDERERS: dict[str, Callable[[], ModuleType]] = {EPUB.name: _epub, PDF.name: _pdf}
assert set(RENDERERS) == {f.name for f in FORMATS}, "every book format needs its renderer here"


def renderer(name: str) -> ModuleType:
    """The module that renders the format called name."""
    return RENDERERS[name]()


def prepare(formats: tuple[str, ...], bodies: list[str], workers: int) -> None:
    """Start what the renderers of these formats can start before the Book exists."""
    for name in formats:
        module = renderer(name)
        if hasattr(module, "prepare"):
            module.prepare(bodies, workers)


def units(name: str, book: Book, theme: Theme) -> list[Unit]:
    """The pieces of a book's file in this format that shards can make apart (one: the whole file)."""
    module = renderer(name)
    if hasattr(module, "units"):
        return module.units(book, theme)
    return [Unit("", 1.0)]
