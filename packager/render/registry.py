"""Which renderer makes each book format: the build asks here and names no format itself.

A renderer module has ``render(ctx) -> list[Output]`` and may have
``prepare(bodies, workers)`` (work that can start before the Book exists, such
as the PDF workers' server) and ``warm_up(theme)`` (imports and templates to get
ready while the articles render). Modules are imported only for the books
being made, so an EPUB-only build never imports the PDF machinery.
"""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType

from packager.formats import EPUB, FORMATS, PDF


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
