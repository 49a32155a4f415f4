"""What SOURCE holds, read once: the configuration, the theme, the article files, the editions and git's facts.

The build and ``check`` both start from ``load()``. A project holds one pool
of articles; the Books made from it are assembled later (``content``).
"""

from __future__ import annotations

import dataclasses
import os
import time
from dataclasses import dataclass
from pathlib import Path

from packager.book.model import Edition
from packager.diagnostics import BuildWarning, Diagnostics
from packager.errors import UsageError
from packager.project import config as config_module
from packager.project import dialect as dialect_module
from packager.project import editions, licence_match, sites, sources, themes
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
    licence_found: tuple[str, str] | None = None  # (licence file, SPDX id) when its text made the book's licence

    @property
    def read_as(self) -> list[str]:
        """What a build says it read: the site profile and what it found, then the profile's notes."""
        lines = []
        if self.site is not None:
            lines = [self.site.summary(len(self.files), len(self.left_out)), *(f"  {note}" for note in self.site.notes)]
        if self.licence_found is not None:
            lines.append(f"licence {self.licence_found[1]}, recognised in {self.licence_found[0]}")
        return lines


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
    licence_file, licence_text = _licence_file(source)
    recognised = None
    if licence_file is not None and config.book.license is None:
        recognised = licence_match.identify(licence_text)
        if recognised is None:
            diagnostics.warn(
                licence_file,
                "its text is not a licence packager recognises word for word, so the book names no licence; "
                'set [book] license to its SPDX id (e.g. "CC-BY-4.0") in packager.toml',
                kind="licence files not recognised",
            )
        else:
            config = dataclasses.replace(config, book=dataclasses.replace(config.book, license=recognised))
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
        licence_text=licence_text,
        licence_found=(licence_file, recognised) if recognised else None,
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


def _licence_file(source: Path) -> tuple[str | None, str | None]:
    """The source's own licence file and its text, when it has one."""
    for name in LICENCE_FILES:
        path = source / name
        if path.is_file() and path.resolve().is_relative_to(source.resolve()):
            return name, path.read_text(encoding="utf-8", errors="replace")
    return None, None
