"""What every renderer gets (RenderContext) and gives back (Output)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from packager.book.model import Book, Library
from packager.diagnostics import Diagnostics
from packager.project.themes import Theme


@dataclass(frozen=True)
class RenderContext:
    """What a renderer gets: the book, the theme, and the folder it may write into."""

    book: Book
    theme: Theme
    destination: Path
    diagnostics: Diagnostics
    epoch: int  # seconds since 1970, the build time used in every output
    workers: int = 1  # worker processes a renderer may use (workers.worker_count); never changes the output
    use_cache: bool = True  # a renderer may take what earlier builds left in its cache (False: --no-cache)
    # A sharded build (see packager/shards): a shard makes only `units` of the book (a renderer's
    # Unit ids) and leaves what it laid out in `part_store`; assemble takes the parts from `part_sources`.
    units: frozenset[str] | None = None
    part_store: Path | None = None
    part_sources: tuple[Path, ...] = ()
    # The page list of a book made before this one (the PDF's page starts, for the EPUB's page-list nav).
    page_list: PageList | None = None


@dataclass(frozen=True)
class Unit:
    """A piece of one book's rendering that a shard can make on its own, with its estimated pages.

    The id "" is the whole file, made by one render; other ids are parts that assemble joins.
    """

    id: str
    pages: float


@dataclass(frozen=True)
class PageStart:
    """Where a page of a paginated edition begins: its folio, and the block its first line is in.

    The block is named by its article's anchor and its number among the article's blocks
    (``page_blocks.blocks``), or TITLE_BLOCK for the article's title and byline.
    """

    folio: int  # the page number the edition prints (its physical page, counting from 1)
    article: str
    block: int
    offset: int = 0  # how far into the block the page begins: characters of its text before (page_blocks.counted)


#: A page that begins with an article's title (every article starts a page).
TITLE_BLOCK = -1


@dataclass(frozen=True)
class PageList:
    """A paginated edition's page starts, and the file that holds the edition (the page breaks' source)."""

    source: str  # the edition's file name, e.g. "handbook.pdf"
    starts: tuple[PageStart, ...]


@dataclass(frozen=True)
class Output:
    """A file a renderer wrote, relative to the destination folder."""

    path: str
    kind: str  # a format's name ("epub", "pdf"), or "bundle", "landing", "credits", "asset", "publish"
    pages: int | None = None  # for PDFs
    page_starts: tuple[PageStart, ...] = ()  # for PDFs: where each page after the front matter begins
    page_list: bool = False  # for EPUBs: it has a page list matching the PDF's pages


@dataclass(frozen=True)
class SiteContext:
    """What the pages around the books get: every book of the build, the theme, and the root of dist/."""

    library: Library
    theme: Theme
    destination: Path
    diagnostics: Diagnostics
    epoch: int


def cache_folder() -> Path | None:
    """The renderers' cache folder for this user, or None when PACKAGER_CACHE_DIR is set to an empty string.

    ``$PACKAGER_CACHE_DIR``, else ``$XDG_CACHE_HOME/packager``, else ``~/.cache/packager``.
    """
    configured = os.environ.get("PACKAGER_CACHE_DIR")
    if configured is not None:
        return Path(configured).expanduser() if configured else None
    base = os.environ.get("XDG_CACHE_HOME") or "~/.cache"
    return Path(base).expanduser() / "packager"
