"""Renderers: each turns the Book into its own files and knows no other renderer."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from packager.book import Book
from packager.diagnostics import Diagnostics
from packager.partcache import PartCache
from packager.themes import Theme


@dataclass(frozen=True)
class RenderContext:
    """What a renderer gets: the book, the theme, and the folder it may write into."""

    book: Book
    theme: Theme
    destination: Path
    diagnostics: Diagnostics
    epoch: int  # seconds since 1970, the build time used in every output
    jobs: int | None = None  # worker processes for the PDF; None: one per core. Never changes the output.
    cache: PartCache | None = None  # laid-out PDF parts kept between builds; None: no cache


@dataclass(frozen=True)
class Output:
    """A file a renderer wrote, relative to the destination folder."""

    path: str
    kind: str  # "epub", "pdf", "bundle", "landing", "credits", "asset", "publish"
    pages: int | None = None  # for PDFs
