"""Skip a build whose inputs have not changed since the output folder was made.

The key is a hash of everything that shapes the output: packager's version,
every file the build may read in the source folder (articles, images,
packager.toml, the project's theme: what ``project.sources.readable_files``
yields, so never an output folder, a hidden file or folder, or a file outside
the source), the named theme's files, the requested version label and formats,
and the build time when it is pinned (SOURCE_DATE_EPOCH or the last git commit).
A hit is trusted only when every file in SHA256SUMS still has its hash, so a
damaged or hand-edited output folder is rebuilt, never reused.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import shutil
from pathlib import Path

from packager import __version__
from packager.filefacts import sha256
from packager.output.folder import read_record
from packager.project.obsidian import SETTINGS_FILE as OBSIDIAN_SETTINGS
from packager.project.sources import readable_files

#: Files in hidden folders that a build reads all the same.
HIDDEN_SETTINGS = (OBSIDIAN_SETTINGS,)

log = logging.getLogger("packager")


def _hash_files(digest, root: Path, paths) -> None:
    for path in paths:
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        try:
            digest.update(bytes.fromhex(sha256(path)))
        except OSError:
            digest.update(b"unreadable")


def input_key(source: Path, output: Path, theme_folders: tuple[Path, ...], extra: dict) -> str:
    """A hash of everything the build reads."""
    digest = hashlib.sha256(f"packager {__version__}\0".encode())
    digest.update(json.dumps(extra, sort_keys=True).encode())
    _hash_files(digest, source, readable_files(source, output))
    settings = [source / name for name in HIDDEN_SETTINGS if (source / name).is_file()]
    _hash_files(digest, source, settings)  # read although hidden (readable_files skips hidden folders)
    for folder in theme_folders:
        if not folder.resolve().is_relative_to(source):
            _hash_files(digest, folder, readable_files(folder, None))
    return digest.hexdigest()


def _verified(output: Path) -> bool:
    sums = output / "SHA256SUMS"
    try:
        lines = sums.read_text(encoding="utf-8").splitlines()
    except OSError:
        return False
    for line in lines:
        expected, _, rel = line.partition("  ")
        try:
            if sha256(output / rel) != expected:
                log.debug("cache: %s changed since the last build; rebuilding", rel)
                return False
        except OSError:
            log.debug("cache: %s is missing; rebuilding", rel)
            return False
    return bool(lines)


def lookup(output: Path, key: str) -> dict | None:
    """The previous build's record when its key matches and its files are intact, else None."""
    record = read_record(output)
    if record is None or record.get("inputs") != key:
        return None
    if not _verified(output):
        return None
    return record


def _plain(value):
    """Any part of a Book as JSON data that is the same in every process (sets sorted, files by their hash)."""
    if dataclasses.is_dataclass(value):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value) if f.name != "modified"}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return sorted(_plain(v) for v in value)
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))}
    if isinstance(value, Path):
        return sha256(value) if value.is_file() else value.as_posix()
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


def book_key(book, theme_folders: tuple[Path, ...], extra: dict) -> str:
    """A hash of everything one book's files are made from: the Book itself, its files, the theme, extra."""
    digest = hashlib.sha256(f"packager {__version__}\0".encode())
    digest.update(json.dumps({"book": _plain(book), "extra": extra}, sort_keys=True, default=str).encode())
    for folder in theme_folders:
        _hash_files(digest, folder, sorted(p for p in folder.rglob("*") if p.is_file()))
    return digest.hexdigest()


def reuse_books(previous: Path, destination: Path, record: dict | None, key: str) -> list[dict] | None:
    """Copy a book's files from the previous output when its key matches and they are intact; their records."""
    if not record or record.get("key") != key:
        return None
    files = record.get("outputs", [])
    for entry in files:
        path = previous / entry["path"]
        try:
            if sha256(path) != entry.get("sha256"):
                return None
        except OSError:
            return None
    destination.mkdir(parents=True, exist_ok=True)
    for entry in files:
        shutil.copyfile(previous / entry["path"], destination / entry["path"])
    return files
