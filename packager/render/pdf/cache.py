"""Keep laid-out PDF parts between builds, so that an edit re-lays out only the part it touches.

An entry is addressed by a hash of everything that shapes a part: its whole
HTML (stylesheet included), the PDF identifier, the versions of packager,
WeasyPrint, pydyf, pikepdf and Python, the source of the modules that write a
part, and (in the stylesheet) a digest of the fonts the theme lets it see (``render.fonts``). The images a part loaded are
recorded with their hashes and checked again on every use. An entry is written
whole and then renamed into place, and carries a checksum of its contents: a
damaged, truncated or unreadable entry is a miss (and is removed), never an
error. Reading is skipped with ``--no-cache``; writing is not, so the next
build can reuse what a cold build laid out.

The folder is ``$PACKAGER_CACHE_DIR``, else ``$XDG_CACHE_HOME/packager``, else
``~/.cache/packager``; it is trimmed to MAX_BYTES, least recently used first.
Being content-addressed, it can be shared between CI runs (``actions/cache``)
and a sharded build's part stores are caches of the same kind: the fonts count
by their names in the themes and their sizes, which are the same on every
runner of the same checkout. A stale entry is
never used, only kept until trimmed.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import marshal
import os
import stat
import sys
import tempfile
from pathlib import Path

from packager import __version__
from packager.filefacts import sha256
from packager.render.context import cache_folder as default_folder

log = logging.getLogger("packager")

FORMAT = b"packager-part 1\n"
MAX_BYTES = 512 * 2**20


def _environment() -> bytes:
    """What besides a part's HTML decides its bytes: library versions, the code that writes parts, the fonts."""
    from importlib.metadata import PackageNotFoundError, version

    from packager.render import page_blocks
    from packager.render.pdf import parts as part_data
    from packager.render.pdf import portable, starts, table_scope, worker

    parts = [f"packager {__version__}", sys.version, sys.platform]
    for name in ("weasyprint", "pydyf", "pikepdf", "fonttools"):
        try:
            parts.append(f"{name} {version(name)}")
        except PackageNotFoundError:
            parts.append(f"{name} -")
    for module in (
        worker,
        portable,
        table_scope,
        part_data,
        starts,
        page_blocks,
    ):  # a change to how parts are written must not meet parts written before it
        try:
            parts.append(hashlib.sha256(Path(module.__file__).read_bytes()).hexdigest())
        except (OSError, TypeError):  # no source file (a frozen or zipped install): the version stands for it
            parts.append(f"{module.__name__} -")
    return "\0".join(parts).encode()


def stores(folders) -> tuple[PartCache, ...]:
    """The part stores of a sharded build's shards, read as caches; the environment found once for all."""
    environment = _environment() if folders else None
    return tuple(PartCache(folder, environment=environment) for folder in folders)


def environment_digest() -> str:
    """A short fingerprint of the environment: shards and assemble must agree on it."""
    return hashlib.sha256(_environment()).hexdigest()


def part_cache(read: bool = True) -> PartCache | None:
    """The cache of laid-out parts: read unless read is False (--no-cache), written always; None when off."""
    folder = default_folder()
    return PartCache(folder, read=read) if folder is not None else None


class PartCache:
    """A content-addressed store of laid-out parts, in one folder."""

    def __init__(self, folder: Path, *, read: bool = True, environment: bytes | None = None):
        self.folder = folder / "pdf-parts"
        self.read = read
        self._environment = environment  # found on the first key: a build without a PDF never needs it
        self._digests: dict[str, str | None] = {}
        self._written = False

    def key(self, kind: str, *pieces: str | bytes) -> str:
        """The address of what a render of these pieces gives."""
        if self._environment is None:
            self._environment = _environment()
        digest = hashlib.sha256(FORMAT + self._environment + b"\0" + kind.encode())
        for piece in pieces:
            data = piece.encode("utf-8") if isinstance(piece, str) else piece
            digest.update(b"\0%d\0" % len(data) + data)
        return digest.hexdigest()

    def file_digest(self, path: str) -> str | None:
        """The SHA-256 of a file this build may load (None when it cannot be read), computed once."""
        if path not in self._digests:
            try:
                self._digests[path] = sha256(Path(path))
            except OSError:
                self._digests[path] = None
        return self._digests[path]

    def get(self, key: str):
        """The value stored under key, or None when there is none that can be trusted."""
        if not self.read:
            return None
        path = self.folder / key[:2] / key
        try:
            data = path.read_bytes()
        except OSError:
            return None
        head = len(FORMAT) + 32
        if data[: len(FORMAT)] != FORMAT or hashlib.sha256(data[head:]).digest() != data[len(FORMAT) : head]:
            log.debug("ignoring a damaged cache entry %s", path)
            _remove(path)
            return None
        try:
            value = marshal.loads(data[head:])
        except (EOFError, ValueError, TypeError):
            _remove(path)
            return None
        with contextlib.suppress(OSError):
            os.utime(path)  # recently used: trimmed last
        return value

    def put(self, key: str, value) -> None:
        """Store value (plain data: bytes, str, numbers, tuples, dicts) under key; never fails the build."""
        payload = marshal.dumps(value, 4)
        path = self.folder / key[:2] / key
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=path.parent, prefix=".tmp-", delete=False) as handle:
                handle.write(FORMAT + hashlib.sha256(payload).digest() + payload)
            os.replace(handle.name, path)
            self._written = True
        except OSError as error:
            log.debug("could not write the cache entry %s: %s", path, error)

    def trim(self, max_bytes: int = MAX_BYTES) -> None:
        """Remove the least recently used entries until the folder holds at most max_bytes.

        Only after this build wrote something: otherwise the folder cannot have grown.
        """
        if not self._written:
            return
        try:
            stats = [(p.stat(), p) for p in self.folder.glob("*/*")]
        except OSError:
            return
        entries = [(st.st_mtime_ns, st.st_size, p) for st, p in stats if stat.S_ISREG(st.st_mode)]
        total = sum(size for _, size, _ in entries)
        for _, size, path in sorted(entries, key=lambda entry: (entry[0], entry[2].name)):
            if total <= max_bytes:
                break
            _remove(path)
            total -= size


def _remove(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink()
