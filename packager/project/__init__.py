"""What SOURCE holds, read once: the configuration, the theme, the article files, the editions and git's facts.

The build and ``check`` both start from ``load()``. A project holds one pool
of articles; the Books made from it are assembled later (``content``).
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path

from packager.book.model import Edition
from packager.diagnostics import BuildWarning, Diagnostics
from packager.errors import UsageError
from packager.project import config as config_module
from packager.project import dialect as dialect_module
from packager.project import editions, sites, sources, themes
from packager.project.config import Config
from packager.project.dialect import MarkdownDialect
from packager.project.git import GitFacts
from packager.project.sites import Site
from packager.project.sources import SourceFile
from packager.project.themes import Theme

#: Licence files at the root of the source, in the order they are looked for; the ZIP ships the first.
LICENCE_FILES = ("LICENSE", "LICENSE.md", "LICENSE.txt", "LICENCE", "LICENCE.md", "COPYING")


@dataclass(frozen=True)
class Project:
    """Everything the build reads from SOURCE, read once."""

    source: Path
    config: Config
    theme: Theme
    files: tuple[SourceFile, ...]  # the articles, in book order
    editions: tuple[Edition, ...]
    changelog_warnings: tuple[BuildWarning, ...]  # reported after the articles', where a build always put them
    git: GitFacts
    licence_text: str | None  # the source's own licence file, when it has one
    dialect: MarkdownDialect  # the articles' Markdown, and so the reader that reads it
    site: Site | None = None  # the docs site or vault SOURCE is, as its profile read it
    left_out: tuple[tuple[str, str], ...] = ()  # (page, why) for the pages not in the book

    @property
    def read_as(self) -> list[str]:
        """What a build says it read: the site profile and what it found, then the profile's notes."""
        if self.site is None:
            return []
        return [self.site.summary(len(self.files), len(self.left_out)), *(f"  {note}" for note in self.site.notes)]


def source_folder(path: Path) -> Path:
    """The source folder, resolved; a UsageError when it is not a folder."""
    source = path.expanduser()
    if not source.exists():
        raise UsageError("source folder does not exist; pass the folder that holds your Markdown articles", path=source)
    if not source.is_dir():
        raise UsageError("is not a folder; pass the folder that holds your Markdown articles", path=source)
    return source.resolve()


def load(
    source: Path,
    output: Path | None,
    diagnostics: Diagnostics,
    git: GitFacts | None = None,
    site_profile: str | None = None,
) -> Project:
    """Read the project in SOURCE (never output, where the build writes); git's facts may be read already.

    site_profile names the site SOURCE is (``--site``); by default [content] site, else what its files say.
    """
    config = config_module.load(source)
    theme = themes.load(config.output.theme, source)
    site = sites.read(source, config, diagnostics, site_profile)
    config = sites.apply(config, site)
    selection = sources.select(source, config, output, diagnostics, site)
    changelog = Diagnostics()
    return Project(
        source=source,
        config=config,
        theme=theme,
        files=tuple(selection.files),
        site=site,
        left_out=tuple(selection.left_out),
        editions=editions.read(source, changelog),
        changelog_warnings=tuple(changelog.warnings),
        git=git or GitFacts(source),
        licence_text=_licence_text(source),
        dialect=dialect_module.resolve(source, config, diagnostics),
    )


def build_epoch(git: GitFacts | None, environ: dict | None = None) -> int:
    """The build time in seconds: SOURCE_DATE_EPOCH, else the source's last git commit, else now."""
    environ = os.environ if environ is None else environ
    value = environ.get("SOURCE_DATE_EPOCH")
    if value is None or value == "":
        committed = git.last_commit if git is not None else None
        return committed if committed is not None else int(time.time())
    if not value.strip().isdigit():
        raise UsageError(
            f"SOURCE_DATE_EPOCH must be a whole number of seconds since 1970, got {value!r}; "
            "e.g. SOURCE_DATE_EPOCH=$(git log -1 --format=%ct)"
        )
    return int(value)


def _licence_text(source: Path) -> str | None:
    for name in LICENCE_FILES:
        path = source / name
        if path.is_file():
            return path.read_text(encoding="utf-8", errors="replace")
    return None
