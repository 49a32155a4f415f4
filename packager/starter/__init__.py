"""``packager init``: a new project that builds at once, written from the files beside this module.

``files/`` holds the project as it is written: ``packager.toml`` naming every
setting, two short articles (an image, a footnote, credits and an original
source), ``CHANGELOG.md`` and the release workflow of ``examples/ci``. A name
that starts with ``dot-`` is written with a ``.`` instead (``.gitignore``,
``.github/``): package data keeps no hidden files. ``@NAME@`` in the text files
is the project's title, author, slug and date, and packager's own facts (its
themes, formats and site profiles), so the comments stay true as packager grows.
"""

from __future__ import annotations

import datetime
import json
import re
from pathlib import Path

from packager.errors import UsageError

FILES = Path(__file__).resolve().parent / "files"
TEXT_SUFFIXES = (".md", ".toml", ".yml")
DEFAULT_AUTHOR = "Your Name"


def write(folder: Path, title: str | None = None, author: str | None = None) -> list[Path]:
    """Write the starter project into folder (made when missing); refuse, writing nothing, when it holds anything."""
    if folder.exists() and not folder.is_dir():
        raise UsageError("is a file, not a folder; give packager init a new or empty folder", path=folder)
    if folder.is_dir() and any(folder.iterdir()):
        raise UsageError("is not empty; packager init writes only into a new or empty folder", path=folder)
    values = _values(folder, title, author)
    pattern = re.compile("@(" + "|".join(values) + ")@")
    written = []
    for source in sorted(p for p in FILES.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        rel = Path(*(("." + part[4:]) if part.startswith("dot-") else part for part in source.relative_to(FILES).parts))
        target = folder / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.suffix in TEXT_SUFFIXES or source.name.startswith("dot-"):
            text = source.read_text(encoding="utf-8")
            target.write_text(pattern.sub(lambda m: values[m.group(1)], text), encoding="utf-8")
        else:
            target.write_bytes(source.read_bytes())
        written.append(target)
    return written


def _values(folder: Path, title: str | None, author: str | None) -> dict[str, str]:
    """What the @NAME@ placeholders stand for, escaped for TOML and YAML's double-quoted strings."""
    from packager.book.slugs import slugify
    from packager.formats import NAMES as FORMATS
    from packager.project.config import OutputConfig
    from packager.project.sites import NAMES as SITES
    from packager.project.themes import available

    name = folder.resolve().name
    title = (title or re.sub(r"[-_]+", " ", name).strip().title() or "My Book").strip()
    today = datetime.datetime.now(datetime.UTC).date()

    def quoted(text: str) -> str:
        return json.dumps(text, ensure_ascii=False)[1:-1]

    return {
        "TITLE": quoted(title),
        "AUTHOR": quoted((author or DEFAULT_AUTHOR).strip()),
        "SLUG": slugify(title),
        "DATE": today.isoformat(),
        "YEAR": str(today.year),
        "THEME": OutputConfig().theme,
        "THEMES": "one of " + ", ".join(f'"{t}"' for t in available()),
        "FORMATS": json.dumps(list(FORMATS)),
        "SITES": "read as this tool's site: " + ", ".join(f'"{s}"' for s in SITES),
    }
