"""An mdBook book: book.toml's [book] and [output.html] settings, SUMMARY.md's order, parts and drafts.

``book.toml`` gives the title, authors, description, language and ``src``
(the folder of the chapters, ``src`` by default); ``[output.html]`` gives
``git-repository-url`` (the book's source) and ``site-url`` (its address,
when it is an absolute http(s) URL). ``src/SUMMARY.md`` gives the order
(``summary.read_mdbook``): prefix chapters, ``# Part`` titles with their
numbered chapters nested as written, suffix chapters; its titles are the
chapters' titles. Draft chapters (``[Title]()``) are left out with a
warning each; files that chapters only ``{{#include}}`` are left out
quietly, as they are no chapters. Preprocessors that book.toml names beyond
mdBook's own (``links``, ``index``) are programs, never run: one warning
names them. Nothing in book.toml is executed.
"""

from __future__ import annotations

import posixpath
import re
import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from packager.book.model import Person
from packager.diagnostics import Diagnostics
from packager.errors import ConfigError
from packager.project.sites import Site, SiteMetadata, outline_pages
from packager.project.sites import summary as summary_module

if TYPE_CHECKING:
    from packager.project.config import Config

CONFIG = "book.toml"
#: The preprocessors mdBook runs itself; any other is a program of the book's own.
BUILT_IN = ("links", "index")
#: What the warning about a book's own preprocessors is counted as.
NOT_RUN = "mdBook preprocessors not run"
#: mdBook's helpers, as its links preprocessor finds them (mdbook-driver's find_links): an escaped one first.
LINK = re.compile(r"\\\{\{\#.*\}\}|\{\{\s*\#([a-zA-Z0-9_]+)\s+([^}]+)\}\}")
#: The helpers that read a file.
FILE_HELPERS = ("include", "rustdoc_include", "playground", "playpen")


@dataclass(frozen=True)
class BookSettings:
    """What the pages' processing needs of book.toml: whether the links preprocessor runs, hidden-line prefixes."""

    links: bool = True  # {{#include}} and the rest are expanded
    hidelines: dict[str, str] = field(default_factory=dict)  # [output.html.code.hidelines]: language -> prefix
    preprocessors: tuple[str, ...] = ()  # the book's own, which packager does not run
    mathjax: bool = False  # [output.html] mathjax-support: \\( … \\) and \\[ … \\] are maths


def detect(source: Path) -> bool:
    """Whether SOURCE is an mdBook book: it has a book.toml."""
    return (source / CONFIG).is_file()


def read(source: Path, config: Config, diagnostics: Diagnostics) -> Site:
    """Read book.toml and SUMMARY.md as mdBook does."""
    source = source.resolve()
    text, data = _load(source)
    book = _table(data, "book", text)
    src = _string(book, "src", text, "book") or "src"
    src = posixpath.normpath(src.replace("\\", "/")).strip("/")
    if src == ".":
        src = ""
    if src.startswith("..") or not (source / src).resolve().is_relative_to(source):
        raise ConfigError(f"[book] src = {src!r} is outside the book's folder", path=CONFIG, line=_line(text, "src"))
    settings = _settings(data, text)
    if settings.preprocessors:
        names = ", ".join(settings.preprocessors)
        diagnostics.warn(
            CONFIG,
            f"preprocessor(s) {names}: programs of the book's own, which packager does not run (nothing in "
            f"{CONFIG} is run): what they would add is missing, and their markers stay as written",
            _line(text, f"preprocessor.{settings.preprocessors[0]}", table=True),
            kind=NOT_RUN,
        )
    summary_rel = f"{src}/SUMMARY.md" if src else "SUMMARY.md"
    summary_path = source / summary_rel
    notes: list[str] = []
    outline = None
    left_out: list[tuple[str, str]] = []
    if summary_path.is_file():
        items = summary_module.read_mdbook(summary_path.read_text(encoding="utf-8-sig"), summary_rel)
        found = summary_module.outline(items, source, src, summary_rel, diagnostics, drafts=True)
        outline, left_out, notes = found.entries, found.left_out, found.notes
        left_out += _included_only(source, src, outline_pages(outline), summary_rel)
    else:
        notes.append(f"{summary_rel} not found: packager's folder rules order the pages")
    html = _table(_table(data, "output", text), "html", text, "output")
    return Site(
        profile="mdbook",
        label="an mdBook book",
        config_file=CONFIG,
        content_dir=src,
        outline=outline,
        metadata=SiteMetadata(
            title=_string(book, "title", text, "book"),
            authors=tuple(Person(name) for name in _strings(book, "authors", text)),
            description=_string(book, "description", text, "book"),
            language=_string(book, "language", text, "book"),
            repo_url=_string(html, "git-repository-url", text, "output.html"),
            base_url=_absolute(_string(html, "site-url", text, "output.html")),
        ),
        left_out=tuple(left_out),
        asset_dirs=(src,) if src else (),
        notes=tuple(notes),
        order_name="in SUMMARY.md order",
        nav_file=summary_rel if outline is not None else None,
    )


def book_settings(source: Path) -> BookSettings:
    """book.toml's settings for the pages' processing (read() has reported what is wrong with it)."""
    source = source.resolve()
    try:
        stat = (source / CONFIG).stat()
    except OSError:
        return BookSettings()
    return _settings_of(source, stat.st_mtime_ns, stat.st_size)


@cache
def _settings_of(source: Path, mtime_ns: int, size: int) -> BookSettings:
    """Read once per version of book.toml (a served book is rebuilt in the same process when it changes)."""
    try:
        text, data = _load(source)
        return _settings(data, text)
    except ConfigError:
        return BookSettings()


def _settings(data: dict, text: str) -> BookSettings:
    build = _table(data, "build", text)
    preprocessors = _table(data, "preprocessor", text)
    defaults = build.get("use-default-preprocessors", True) is not False
    output = _table(data, "output", text)
    code = _table(_table(output, "html", text, "output"), "code", text, "output.html")
    hidelines = _table(code, "hidelines", text, "output.html.code")
    return BookSettings(
        mathjax=_table(output, "html", text, "output").get("mathjax-support") is True,
        links=defaults or "links" in preprocessors,
        hidelines={str(k): v for k, v in hidelines.items() if isinstance(v, str) and v},
        preprocessors=tuple(name for name in preprocessors if name not in BUILT_IN),
    )


def _load(source: Path) -> tuple[str, dict]:
    path = source / CONFIG
    if not path.resolve().is_relative_to(source):
        raise ConfigError("is a symbolic link to a file outside the book's folder, not read", path=CONFIG)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ConfigError("is not UTF-8 text; save it as UTF-8", path=CONFIG) from exc
    try:
        return text, tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        found = re.search(r"\s*\(at (?:line (\d+), column \d+|end of document)\)$", message)
        line = int(found.group(1)) if found and found.group(1) else text.count("\n") + 1
        problem = message[: found.start()] if found else message
        raise ConfigError(f"invalid TOML ({problem}); fix the syntax and build again", path=CONFIG, line=line) from exc


def _line(text: str, key: str, table: bool = False) -> int | None:
    """The line a key (or, with table, a [table] header) is written on, if it can be found."""
    pattern = rf"^\s*\[\s*{re.escape(key)}\s*\]" if table else rf"^\s*[\"']?{re.escape(key)}[\"']?\s*="
    found = re.search(pattern, text, re.M)
    return text.count("\n", 0, found.start()) + 1 if found else None


def _table(data: dict, key: str, text: str, where: str = "") -> dict:
    value = data.get(key, {})
    if not isinstance(value, dict):
        name = f"{where}.{key}" if where else key
        raise ConfigError(f"[{name}] must be a table of settings", path=CONFIG, line=_line(text, key))
    return value


def _string(table: dict, key: str, text: str, where: str) -> str | None:
    value = table.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise ConfigError(
            f"[{where}] {key} must be a string, got {type(value).__name__}", path=CONFIG, line=_line(text, key)
        )
    return value.strip() or None


def _strings(table: dict, key: str, text: str) -> list[str]:
    value = table.get(key)
    if isinstance(value, str):
        value = [value]
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"[book] {key} must be a list of names", path=CONFIG, line=_line(text, key))
    return [v.strip() for v in value if v.strip()]


def _absolute(url: str | None) -> str | None:
    """site-url as the book's address only when it is one: '/mdBook/' says only where the site sits on its host."""
    return url if url and re.match(r"https?://[^/\s]+", url) else None


def _included_only(source: Path, src: str, chapters: list[str], summary_rel: str) -> list[tuple[str, str]]:
    """Pages under src that chapters {{#include}} and SUMMARY.md does not name: fragments, not chapters."""
    named = {*chapters, summary_rel}
    found: dict[str, str] = {}
    for chapter in chapters:
        try:
            text = (source / chapter).read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError):
            continue
        for match in LINK.finditer(text):
            if match.group(1) not in FILE_HELPERS:
                continue
            target = match.group(2).split()[0].split(":")[0]
            rel = posixpath.normpath(posixpath.join(posixpath.dirname(chapter), target))
            inside = not src or rel.startswith(src + "/")
            if inside and rel.endswith((".md", ".markdown")) and rel not in named and (source / rel).is_file():
                found.setdefault(rel, chapter)
    return [(rel, f"included by {chapter}, not a chapter of its own") for rel, chapter in sorted(found.items())]
