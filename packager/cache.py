"""Skip a build whose inputs have not changed since the output folder was made.

The key is a hash of everything that shapes the output: packager's version,
every file in the source folder (articles, images, packager.toml, theme
overrides), the named theme's files, the requested version label, and the
build time when it is pinned (SOURCE_DATE_EPOCH or the last git commit).
A hit is trusted only when every file in SHA256SUMS still has its hash, so a
damaged or hand-edited output folder is rebuilt, never reused.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from pathlib import Path

from packager import __version__
from packager.outputdir import MARKER

log = logging.getLogger("packager")
SKIPPED = {".git", ".hg", ".svn", "node_modules", "__pycache__"}


def _hash_tree(digest, root: Path, skip: Path | None) -> None:
    for dirpath, dirnames, filenames in os.walk(root):
        here = Path(dirpath)
        dirnames[:] = sorted(
            d for d in dirnames if d not in SKIPPED and not d.startswith(".packager") and (here / d) != skip
        )
        for name in sorted(filenames):
            path = here / name
            if name.startswith(".packager") or "packager-lock" in name:
                continue
            digest.update(path.relative_to(root).as_posix().encode() + b"\0")
            try:
                digest.update(hashlib.sha256(path.read_bytes()).digest())
            except OSError:
                digest.update(b"unreadable")


def input_key(source: Path, output: Path, theme_folders: tuple[Path, ...], extra: dict) -> str:
    """A hash of everything the build reads."""
    digest = hashlib.sha256(f"packager {__version__}\0".encode())
    digest.update(json.dumps(extra, sort_keys=True).encode())
    _hash_tree(digest, source, output)
    for folder in theme_folders:
        if not folder.resolve().is_relative_to(source):
            _hash_tree(digest, folder, None)
    return digest.hexdigest()


def _verified(output: Path) -> bool:
    sums = output / "SHA256SUMS"
    try:
        lines = sums.read_text(encoding="utf-8").splitlines()
    except OSError:
        return False
    for line in lines:
        expected, _, rel = line.partition("  ")
        path = output / rel
        try:
            if hashlib.sha256(path.read_bytes()).hexdigest() != expected:
                log.debug("cache: %s changed since the last build; rebuilding", rel)
                return False
        except OSError:
            log.debug("cache: %s is missing; rebuilding", rel)
            return False
    return bool(lines)


def lookup(output: Path, key: str) -> dict | None:
    """The previous build's record when its key matches and its files are intact, else None."""
    try:
        record = json.loads((output / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(record, dict) or record.get("inputs") != key:
        return None
    if not _verified(output):
        return None
    return record
