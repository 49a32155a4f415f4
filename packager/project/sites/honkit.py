"""A HonKit (or GitBook 2/3) book: book.json's settings, SUMMARY.md's order and parts, README.md as the introduction.

``book.json`` gives ``title``, ``author`` (several joined by ``&``),
``description``, ``language``, ``root`` (the folder of the pages and of
SUMMARY.md, SOURCE by default) and ``structure`` (other names for README.md
and SUMMARY.md). A ``book.js`` is JavaScript and is never run. SUMMARY.md is
read as HonKit reads it (``summary.read_honkit``): its top-level lists, each
under the ``##``-``####`` heading before it as a part title; a ``# Summary``
heading is no part. README.md is the introduction: first, titled
"Introduction", when SUMMARY.md does not name it (as HonKit does).
GLOSSARY.md and LANGS.md are HonKit's own files, never chapters.
"""

from __future__ import annotations

import json
import posixpath
from pathlib import Path
from typing import TYPE_CHECKING

from packager.book.model import Person
from packager.diagnostics import Diagnostics
from packager.errors import ConfigError
from packager.project.sites import Entry, Site, SiteMetadata, outline_pages
from packager.project.sites import summary as summary_module

if TYPE_CHECKING:
    from packager.project.config import Config

CONFIG = "book.json"
SCRIPT_CONFIG = "book.js"
#: HonKit's files that are no chapters, with what each is.
OWN_FILES = {"GLOSSARY.md": "HonKit's glossary", "LANGS.md": "HonKit's list of language editions"}


def detect(source: Path) -> bool:
    """Whether SOURCE is a HonKit or GitBook book: book.json, book.js, or SUMMARY.md beside README.md."""
    return any((source / name).is_file() for name in (CONFIG, SCRIPT_CONFIG)) or (
        (source / "SUMMARY.md").is_file() and (source / "README.md").is_file()
    )


def read(source: Path, config: Config, diagnostics: Diagnostics) -> Site:
    """Read book.json and SUMMARY.md as HonKit does."""
    source = source.resolve()
    settings = _load(source)
    notes = []
    if not (source / CONFIG).is_file() and (source / SCRIPT_CONFIG).is_file():
        notes.append(f"{SCRIPT_CONFIG} is JavaScript, never run: set the title and authors in packager.toml")
    root = _folder(source, _text(settings, "root") or "")
    structure = settings.get("structure") if isinstance(settings.get("structure"), dict) else {}
    readme = _text(structure, "readme") or "README.md"
    summary_name = _text(structure, "summary") or "SUMMARY.md"
    summary_rel = posixpath.join(root, summary_name) if root else summary_name
    readme_rel = posixpath.join(root, readme) if root else readme
    outline = None
    left_out: list[tuple[str, str]] = []
    if (source / summary_rel).is_file():
        items = summary_module.read_honkit((source / summary_rel).read_text(encoding="utf-8-sig"))
        found = summary_module.outline(items, source, root, summary_rel, diagnostics, drafts=False)
        outline, left_out, notes = found.entries, found.left_out, notes + found.notes
        if readme_rel not in outline_pages(outline) and (source / readme_rel).is_file():
            outline = (Entry(readme_rel, "Introduction"), *outline)
    else:
        notes.append(f"{summary_rel} not found: packager's folder rules order the pages")
    for name, what in OWN_FILES.items():
        rel = posixpath.join(root, name) if root else name
        if (source / rel).is_file():
            left_out.append((rel, f"{what}, not a chapter"))
    authors = [name.strip() for name in (_text(settings, "author") or "").split("&") if name.strip()]
    return Site(
        profile="honkit",
        label="a HonKit book",
        config_file=CONFIG if (source / CONFIG).is_file() else summary_rel,
        content_dir=root,
        outline=outline,
        metadata=SiteMetadata(
            title=_text(settings, "title"),
            authors=tuple(Person(name) for name in authors),
            description=_text(settings, "description"),
            language=_text(settings, "language"),
        ),
        left_out=tuple(left_out),
        asset_dirs=(root,) if root else (),
        notes=tuple(notes),
        order_name="in SUMMARY.md order",
        nav_file=summary_rel if outline is not None else None,
    )


def _load(source: Path) -> dict:
    path = source / CONFIG
    if not path.is_file():
        return {}
    if not path.resolve().is_relative_to(source):
        raise ConfigError("is a symbolic link to a file outside the book's folder, not read", path=CONFIG)
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise ConfigError("is not UTF-8 text; save it as UTF-8", path=CONFIG) from exc
    except json.JSONDecodeError as exc:
        raise ConfigError(
            f"invalid JSON ({exc.msg}); fix the syntax and build again", path=CONFIG, line=exc.lineno
        ) from exc
    if not isinstance(data, dict):
        raise ConfigError(f"must be an object of settings, got {type(data).__name__}", path=CONFIG, line=1)
    return data


def _text(settings: dict, key: str) -> str | None:
    value = settings.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise ConfigError(f"{key!r} must be a string, got {type(value).__name__}", path=CONFIG)
    return value.strip() or None


def _folder(source: Path, root: str) -> str:
    """book.json's root as a folder relative to SOURCE ("" for SOURCE), which it must not leave."""
    folder = posixpath.normpath(root.replace("\\", "/")).strip("/")
    if folder == ".":
        return ""
    if folder.startswith("..") or not (source / folder).resolve().is_relative_to(source):
        raise ConfigError(f"'root': {root!r} is outside the book's folder", path=CONFIG)
    if not (source / folder).is_dir():
        raise ConfigError(f"'root': {root!r} is not a folder of the book", path=CONFIG)
    return folder
