"""A docs site or vault that already exists, read as its own tool reads it: the order, the parts, the metadata.

A *profile* (one module here per tool) knows one tool's files: MkDocs'
``mkdocs.yml``, mdBook's ``book.toml`` and ``SUMMARY.md``, and so on. It is
found from the folder (each module's ``detect``) or named with ``[content] site`` /
``--site``, and gives a ``Site``: where the pages are, their outline (the
nav, with its sections), the pages left out and why, and the metadata the
site's config states. Nothing in a site's config is ever executed; a profile
only reads files the build may read.

``packager.toml`` wins over anything a profile reads: ``apply()`` fills only
the settings packager.toml leaves unset.
"""

from __future__ import annotations

import dataclasses
import importlib
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from packager.book.model import Person
from packager.diagnostics import Diagnostics
from packager.errors import UsageError

if TYPE_CHECKING:
    from packager.project.config import Config

log = logging.getLogger("packager")

#: The profiles, in the order they are tried on a folder (each module's ``detect`` says whether SOURCE is
#: its tool's): mkdocs, mdbook, honkit, jupyter-book, docusaurus, hugo, jekyll, obsidian.
PROFILES: tuple[str, ...] = ("mkdocs", "mdbook", "honkit", "jupyter-book", "docusaurus", "hugo", "jekyll", "obsidian")
#: What `[content] site` and `--site` accept, each with its module here.
NAMES = {name: name.replace("-", "_") for name in PROFILES}


@dataclass(frozen=True)
class Entry:
    """One place in a site's outline: a page, or a part title that holds the entries below it."""

    rel: str | None  # the page, relative to SOURCE; None for a part title with no page of its own
    title: str | None = None  # the title the nav gives it; None: the page's own
    children: tuple[Entry, ...] = ()


@dataclass(frozen=True)
class SiteMetadata:
    """What a site's config says about the book; None where it says nothing."""

    title: str | None = None
    subtitle: str | None = None
    authors: tuple[Person, ...] = ()
    description: str | None = None
    language: str | None = None
    license: str | None = None  # an SPDX id
    copyright: str | None = None  # the site's copyright line, as written
    repo_url: str | None = None  # where the source lives
    base_url: str | None = None  # where the site is published


@dataclass(frozen=True)
class Site:
    """A site as its profile read it."""

    profile: str  # a key of NAMES: "mkdocs", "mdbook", "jupyter-book", …
    label: str  # what it is, for people: "a MkDocs site", "an mdBook book", "an Obsidian vault"
    config_file: str | None  # the file it was read from, relative to SOURCE ("mkdocs.yml"), if any
    content_dir: str = ""  # the folder that holds the pages, relative to SOURCE ("" for SOURCE itself)
    outline: tuple[Entry, ...] | None = None  # the site's order and parts; None: packager's folder rules order
    metadata: SiteMetadata = SiteMetadata()
    left_out: tuple[tuple[str, str], ...] = ()  # (page relative to SOURCE, why) for pages the site does not show
    suffixes: tuple[str, ...] = (".md", ".markdown")  # the files that are pages
    asset_dirs: tuple[str, ...] = ()  # folders where site-absolute URLs ("/img/x.png") are found, first first
    notes: tuple[str, ...] = ()  # what else the build should say it read, one line each
    ignored: tuple[str, ...] = ()  # globs (relative to SOURCE) of files the tool never makes pages of: never read
    order_name: str = "in the site's order"  # how the summary names the outline's order: "in nav order", …
    nav_file: str | None = None  # the file that gives the order when it is not config_file ("src/SUMMARY.md")

    def summary(self, pages: int, left_out: int) -> str:
        """The line a build prints: which profile read the folder, and what it found."""
        where = f" ({self.config_file})" if self.config_file else ""
        order = self.order_name if self.outline is not None else "in folder and weight order"
        line = f"read as {self.label}{where}: {pages} page{'s' if pages != 1 else ''} {order}"
        return line + (f", {left_out} left out" if left_out else "")


def profile_module(name: str):
    """The module of one profile, by its NAMES key."""
    return importlib.import_module(f"packager.project.sites.{NAMES[name]}")


def detect(source: Path) -> str | None:
    """The profile whose markers SOURCE holds, or None for a plain folder of articles."""
    for name in NAMES:
        if profile_module(name).detect(source):
            return name
    return None


def read(source: Path, config: Config, diagnostics: Diagnostics, chosen: str | None = None) -> Site | None:
    """Read SOURCE as the site it is (chosen, else [content] site, else what its files say), or None."""
    name = chosen or config.content.site
    if name is not None and name not in NAMES:
        raise UsageError(f"unknown site profile {name!r}; choose one of: {', '.join(NAMES)}")
    if name is None:
        name = detect(source)
        if name is None:
            return None
    site = profile_module(name).read(source, config, diagnostics)
    return site


def apply(config: Config, site: Site | None) -> Config:
    """The config with what the site says filled in wherever packager.toml says nothing."""
    if site is None:
        return config
    meta = site.metadata
    book = config.book
    given = {
        "title": meta.title,
        "subtitle": meta.subtitle,
        "description": meta.description,
        "language": meta.language,
        "license": meta.license,
        "copyright": meta.copyright,
        "repository": meta.repo_url,
        "base_url": meta.base_url,
    }
    if given["copyright"]:
        given["copyright"] = plain_text(given["copyright"])
    if given["base_url"] and not given["base_url"].endswith("/"):
        given["base_url"] += "/"
    filled = {key: value for key, value in given.items() if value is not None and getattr(book, key) is None}
    if meta.authors and not book.authors:
        filled["authors"] = meta.authors
    if not filled:
        return config
    return dataclasses.replace(config, book=dataclasses.replace(book, **filled))


def plain_text(text: str) -> str:
    """A config's line as plain text: sites write HTML there (``&copy; 2024 <a href=…>Us</a>``)."""
    from lxml import html

    if "<" not in text and "&" not in text:
        return " ".join(text.split())
    return " ".join(html.fragment_fromstring(text, create_parent="span").text_content().split())


def outline_pages(outline: tuple[Entry, ...]) -> list[str]:
    """Every page an outline names, in its order."""
    found: list[str] = []
    for entry in outline:
        if entry.rel is not None:
            found.append(entry.rel)
        found.extend(outline_pages(entry.children))
    return found
