"""What the shards of a sharded build made, as assemble takes it: their files, checked by hash, and part stores.

A shard's folder holds ``packager-shard.json`` (its manifest), ``files/`` (what
it wrote, at the paths dist/ will hold them) and ``parts/`` (the PDF parts it
laid out, a part cache of their own). The manifest's checks are in
``packager/shards/manifest.py``; here, only the taking.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

from packager.errors import UsageError
from packager.filefacts import sha256


@dataclass(frozen=True)
class Made:
    """A file one shard wrote: where it is now, its hash when written, its kind and pages."""

    file: Path
    sha256: str
    kind: str
    pages: int | None = None
    page_starts: tuple[tuple, ...] = ()  # a PDF's: (folio, article, block) of each page, for the EPUB's page list


@dataclass(frozen=True)
class Assembly:
    """Everything the shards made: files by their path in dist/, the folders of laid-out parts, the web pages."""

    files: dict[str, Made] = field(default_factory=dict)
    parts: tuple[Path, ...] = ()
    web: tuple[str, ...] = ()  # the paths of the web edition's files (pages, stylesheet, images), sorted

    def take(self, path: str, target: Path) -> Made:
        """Copy the file a shard made for path to target, refusing one that changed since its shard wrote it."""
        made = self.files[path]
        try:
            found = sha256(made.file)
        except OSError as error:
            raise UsageError(f"cannot read a shard's file: {error.strerror}", path=made.file) from None
        if found != made.sha256:
            raise UsageError(
                "this file changed after its shard was built (its hash is not the manifest's); build the shard again",
                path=made.file,
            )
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(made.file, target)
        return made


def read_web(assembly: Assembly, staging: Path) -> list[tuple[str, str]]:
    """Copy the web edition's files into staging; their paths and kinds, sorted by path."""
    taken = []
    for path in assembly.web:
        made = assembly.take(path, staging / path)
        taken.append((path, made.kind))
    return taken
