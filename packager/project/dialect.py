"""Which Markdown dialect the articles are written in, and so which reader reads them.

CommonMark + GFM is the default. Two dialects are built on it, each a set of
the CommonMark reader's plugins: Obsidian's (a vault: a ``.obsidian/`` folder
in SOURCE, whose ``app.json`` settings it reads: ``obsidian``) and MyST's
(a Jupyter Book or MyST project: ``_toc.yml``, ``_config.yml``, ``myst.yml``). Python-Markdown reads the dialect it defines:
for a MkDocs project (a ``mkdocs.yml`` in SOURCE, whose ``markdown_extensions``
it applies: ``mkdocs``) or when ``[content] markdown`` says so, with the
project's mkdocs.yml extensions when it has one. A mkdocs.yml above SOURCE is
not read (files outside the source folder never are): a warning says to build
its folder, or to choose the reader in packager.toml.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from packager.diagnostics import Diagnostics
from packager.project import mkdocs, mkdocs_config, myst, obsidian
from packager.project.config import Config

log = logging.getLogger("packager")

COMMONMARK = "commonmark"
PYTHON_MARKDOWN = "python-markdown"
READERS = (COMMONMARK, PYTHON_MARKDOWN)
OBSIDIAN = "obsidian"
MYST = "myst"

#: The CommonMark reader's plugins for every project; a dialect built on it (MyST, Obsidian) adds its own.
COMMONMARK_PLUGINS = (
    *("gfm", "footnotes", "definition-lists", "admonitions", "attributes"),
    *("dollar-math", "bracket-math", "amsmath", "marks"),
)
#: The plugins each dialect built on the CommonMark reader adds to COMMONMARK_PLUGINS.
FLAVOURS: dict[str, tuple[str, ...]] = {COMMONMARK: (), OBSIDIAN: ("obsidian",), MYST: ("myst",)}
#: Files whose presence in SOURCE makes it a MyST project (Jupyter Book 1 and 2, MyST-MD).
MYST_PROJECT_FILES = ("myst.yml", "_toc.yml")

#: Python-Markdown's extensions when no mkdocs.yml names them: the MkDocs Material set a book can show.
PYTHON_MARKDOWN_DEFAULT: tuple[tuple[str, dict], ...] = (
    ("attr_list", {}),
    ("def_list", {}),
    ("footnotes", {}),
    ("md_in_html", {}),
    ("tables", {}),
    ("admonition", {}),
    ("pymdownx.superfences", {}),
    ("pymdownx.highlight", {}),
    ("pymdownx.tasklist", {}),
    ("pymdownx.tilde", {}),
    ("pymdownx.caret", {}),
    ("pymdownx.mark", {}),
    ("pymdownx.betterem", {}),
)


@dataclass(frozen=True)
class MarkdownDialect:
    """The reader and what it reads with: plugins (CommonMark) or extensions with their options (Python-Markdown)."""

    reader: str = COMMONMARK
    plugins: tuple[str, ...] = COMMONMARK_PLUGINS  # the CommonMark reader's
    extensions: tuple[tuple[str, dict], ...] = field(default=(), compare=False)
    origin: str = "default"  # what chose it: "default", "packager.toml", "mkdocs.yml" (its path), ".obsidian", …
    name: str = COMMONMARK  # commonmark | obsidian | myst | python-markdown
    options: tuple[tuple[str, object], ...] = ()  # settings the project gives the dialect (a vault's app.json)

    @cached_property
    def key(self) -> str:
        """A string that is the same exactly when two dialects read Markdown the same way."""
        return json.dumps([self.reader, self.plugins, self.extensions, self.options], sort_keys=True, default=repr)

    def option(self, name: str, default=None):
        """One of the project's settings for the dialect."""
        return dict(self.options).get(name, default)


def flavour(name: str, origin: str, options: tuple[tuple[str, object], ...] = ()) -> MarkdownDialect:
    """A dialect the CommonMark reader reads: CommonMark itself, Obsidian's or MyST's."""
    return MarkdownDialect(COMMONMARK, COMMONMARK_PLUGINS + FLAVOURS[name], (), origin, name, options)


def resolve(source: Path, config: Config, diagnostics: Diagnostics) -> MarkdownDialect:
    """The dialect of SOURCE's articles: [content] markdown, else a MkDocs project's, else CommonMark."""
    chosen = config.content.markdown
    if chosen in FLAVOURS:
        options = obsidian.vault_options(source, diagnostics) if chosen == OBSIDIAN else ()
        if chosen == MYST:
            options = myst.project_options(source, diagnostics)
        return flavour(chosen, "packager.toml", options)
    site = mkdocs.read_markdown(source, diagnostics)
    if site is not None:
        log.info("reading Markdown as Python-Markdown with %s's %d extensions", site.config, len(site.extensions))
        return MarkdownDialect(PYTHON_MARKDOWN, (), site.extensions, site.config, PYTHON_MARKDOWN)
    if chosen == PYTHON_MARKDOWN:
        log.info("reading Markdown as Python-Markdown, as [content] markdown in packager.toml says")
        return MarkdownDialect(PYTHON_MARKDOWN, (), PYTHON_MARKDOWN_DEFAULT, "packager.toml", PYTHON_MARKDOWN)
    if (source / obsidian.SETTINGS_FOLDER).is_dir():
        log.info("reading Markdown as Obsidian does: %s/ makes the folder a vault", obsidian.SETTINGS_FOLDER)
        return flavour(OBSIDIAN, obsidian.SETTINGS_FOLDER, obsidian.vault_options(source, diagnostics))
    marker = next((name for name in MYST_PROJECT_FILES if (source / name).is_file()), None)
    if marker is not None:
        log.info("reading Markdown as MyST (Jupyter Book) does: %s makes the folder a MyST project", marker)
        return flavour(MYST, marker, myst.project_options(source, diagnostics))
    above = mkdocs_config.config_above(source)
    if above is not None:
        rel = os.path.relpath(above, source)
        diagnostics.warn(
            rel,
            "MkDocs project above the source folder, whose files are never read: build its folder to read the "
            'Markdown as MkDocs does, or set [content] markdown = "python-markdown" or "commonmark" in packager.toml',
            kind=mkdocs_config.NOT_APPLIED,
        )
    return MarkdownDialect()
