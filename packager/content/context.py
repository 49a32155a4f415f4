"""What rendering one article needs to know about the rest of the book, and what it gives back."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from packager.book.model import Asset, Heading
from packager.content.labels import LabelIndex
from packager.content.linkmap import LinkMap
from packager.diagnostics import Diagnostics
from packager.project.dialect import MarkdownDialect

if TYPE_CHECKING:
    from packager.content.vault import VaultIndex


@dataclass
class Rendered:
    """The result of rendering one article body."""

    html: str
    headings: list[Heading] = field(default_factory=list)
    ids: set[str] = field(default_factory=set)
    title_from_body: str | None = None
    tags: list[str] = field(default_factory=list)  # inline #tags the body holds (Obsidian)


@dataclass
class ArticleContext:
    """What rendering one article needs to know about the rest of the book."""

    source_dir: Path
    rel: str  # the article's path relative to source_dir
    slug: str
    body_line: int
    body: str
    links: LinkMap
    assets: dict[Path, Asset]  # shared across the book: source file -> embedded asset
    diagnostics: Diagnostics
    known_lines: dict[str, int] = field(default_factory=dict)  # needle -> body line, where preprocessing knows
    dialect: MarkdownDialect = field(default_factory=MarkdownDialect)  # which reader reads the body
    vault: VaultIndex | None = None  # an Obsidian vault's notes and files, by the names wikilinks use
    labels: LabelIndex | None = None  # the book's MyST labels (MyST dialect only), built before rendering
    meta: dict = field(default_factory=dict)  # the article's front matter
    site: str | None = None  # the site profile SOURCE was read with ("mdbook", "docusaurus", …), if any
    asset_dirs: tuple[str, ...] = ()  # the site's folders where "/x.png" URLs are found, relative to SOURCE
    language: str = "en"  # the article's language (its front matter's lang, else the book's): its quotation marks

    def line_of(self, needle: str) -> int | None:
        """Best-effort line number of the first occurrence of needle in the file."""
        if needle in self.known_lines:
            return self.body_line + self.known_lines[needle]
        index = self.body.find(needle) if needle else -1
        if index < 0 and needle.startswith("/"):  # a Hugo resource packager looked up at the site root
            index = self.body.find(needle[1:])
        if index < 0:
            return None
        return self.body_line + self.body.count("\n", 0, index)

    def warn(self, message: str, needle: str = "", kind: str | None = None) -> None:
        """Warn about the line where needle first is (a warning of kind; by default the one its message names)."""
        self.diagnostics.warn(self.rel, message, self.line_of(needle), kind=kind)

    def warn_at(self, message: str, body_line: int, kind: str | None = None) -> None:
        """Warn about line body_line (0-based) of the article's body."""
        self.diagnostics.warn(self.rel, message, self.body_line + body_line, kind=kind)
