"""Which files of SOURCE a build may read, and which of them may be articles.

Never hidden files or folders, packages and caches, the output folder, links to
folders or to files outside SOURCE. The article files (``sources``), the site
profiles (``sites``) and the input key of a build (``output.reuse``) all list
files by these rules.
"""

from __future__ import annotations

import os
from pathlib import Path

from packager.diagnostics import Diagnostics

# Repository boilerplate at the root is not part of the book.
BOILERPLATE = ("license", "licence", "contributing", "code_of_conduct", "code-of-conduct", "security", "changelog")
#: The output folder a build writes when given no other: never read, even by a build that writes elsewhere.
DEFAULT_OUTPUT = "dist"
#: Folders the build never reads, besides hidden ones and output folders: packages and caches.
SKIPPED_DIRS = {"node_modules", "__pycache__"}
#: The manifest a shard of a sharded build writes in its folder: such a folder is an output, never read.
SHARD_MANIFEST = "packager-shard.json"
#: The build record packager writes beside an output folder (``output/folder.py``): that folder is never read.
RECORD_NAME = ".{}.packager.json"
#: Folders at SOURCE's root that hold no articles, though the build reads them (the project's theme); deeper
#: down, a folder of that name is a section like any other (an mdBook guide's format/theme/ chapters).
NOT_ARTICLES = {"theme"}


def readable_files(
    source: Path,
    output: Path | None,
    diagnostics: Diagnostics | None = None,
    articles: tuple[str, ...] = (),
    root: str = "",
):
    """Yield the files below source that a build may read, sorted; never hidden, outside source or in an output.

    Skipped: hidden files and folders, SKIPPED_DIRS, the output folder and SOURCE/dist,
    other folders packager made (a build record beside them, or a shard's manifest in them),
    symbolic links to folders and to files outside the source. With ``articles`` (the
    suffixes of article files), only those files below ``root``, never in SOURCE's
    NOT_ARTICLES folders nor the repository's BOILERPLATE at SOURCE's root (a site's
    pages folder may well hold a license.md page), and a skipped link is warned about.
    """
    outputs = {source / DEFAULT_OUTPUT} | ({output} if output else set())
    top = source / root if root else source
    if not top.is_dir() or not top.resolve().is_relative_to(source):
        return
    for dirpath, dirnames, filenames in os.walk(top, followlinks=False):
        here = Path(dirpath)
        kept = []
        for name in sorted(dirnames):
            full = here / name
            not_articles = bool(articles) and here == source and name in NOT_ARTICLES
            if name.startswith(".") or name in SKIPPED_DIRS or not_articles or full in outputs:
                continue
            if RECORD_NAME.format(name) in filenames or (full / SHARD_MANIFEST).is_file():
                continue  # an output of packager's (another -o, a shard): never an input
            if full.is_symlink():
                if diagnostics is not None:
                    diagnostics.warn(
                        full.relative_to(source).as_posix(),
                        "symbolic link to a folder, not followed",
                        kind="symbolic links skipped",
                    )
                continue
            kept.append(name)
        dirnames[:] = kept
        for name in sorted(filenames):
            if name.startswith("."):
                continue
            full = here / name
            if articles and not name.lower().endswith(articles):
                continue
            if articles and here == source and name.rsplit(".", 1)[0].lower() in BOILERPLATE:
                continue
            if full.is_symlink() and not full.resolve().is_relative_to(source):
                if diagnostics is not None:
                    diagnostics.warn(
                        full.relative_to(source).as_posix(),
                        "symbolic link to a file outside the source folder, skipped",
                        kind="symbolic links skipped",
                    )
                continue
            yield full
