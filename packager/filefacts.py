"""The facts of a written file that the page, the manifest, the build report and output reuse all need."""

from __future__ import annotations

import hashlib
import mimetypes
from pathlib import Path

from packager.formats import FORMATS

MEDIA_TYPES = {
    **{f.suffix: f.media_type for f in FORMATS},
    ".zip": "application/zip",
    ".html": "text/html",
    ".css": "text/css",
    ".json": "application/json",
    ".xml": "application/xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".svg": "image/svg+xml",
    ".cff": "application/x-yaml",
    ".txt": "text/plain",
}


def sha256(path: Path) -> str:
    """The file's SHA-256, hex, read a megabyte at a time."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def media_type(path: str) -> str:
    """The media type a host should serve the file with."""
    suffix = Path(path).suffix.lower()
    return MEDIA_TYPES.get(suffix) or mimetypes.guess_type(path)[0] or "application/octet-stream"
