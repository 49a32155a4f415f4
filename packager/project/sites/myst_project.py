"""A MyST project (Jupyter Book 2, mystmd): ``myst.yml``'s ``project.toc`` and metadata, read as mystmd reads them.

``project.toc`` lists ``file`` entries (named with or without their suffix),
each with an optional ``title`` and ``children``; a ``title`` with
``children`` and no file is a part of the book. A ``pattern`` entry is a glob,
expanded as mystmd expands it: the pages no other entry names, each folder's
index first, then its files, then its folders (each a part titled from its
name), in number-aware name order (``chapter9`` before ``chapter10``). A
``url`` entry is left out with a note. Without a toc the whole folder is
ordered that way. Pages that are not Markdown (notebooks, LaTeX) are left out,
one warning each; ``project.exclude`` globs and ``_build/`` are never pages.

The metadata is ``project.title`` (else ``site.title``), ``subtitle``,
``description``, ``authors`` (names, or mappings with a ``name``),
``license`` (an SPDX id, or ``{content: …}`` for the text's),
``copyright`` and ``github``. ``extends:`` (more config files) is not
followed, and a note says so.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path

from packager.book import licences
from packager.book.model import Person
from packager.diagnostics import Diagnostics
from packager.errors import ConfigError
from packager.project.sites import Entry, Site, SiteMetadata
from packager.project.sites.files import MISSING, Located, below, load_yaml, mapping, matches, text, web_url

CONFIG = "myst.yml"
#: What mystmd reads as pages; a toc's file: may leave the suffix out.
PAGE_SUFFIXES = (".md", ".ipynb", ".tex")
#: A folder's index, first of its pages, in the order mystmd looks for one.
INDEX_FILES = tuple(f"{name}{suffix}" for suffix in (".md", ".ipynb") for name in ("index", "readme", "main"))
#: The kind of the warnings about pages that are not Markdown (notebooks, reStructuredText, LaTeX).
NOT_MARKDOWN = "non-Markdown pages left out"
#: The kind of the warnings about toc globs that match no page.
NO_MATCH = "toc globs that match no page"
LABEL = "a MyST project"


def settings(source: Path) -> Located | None:
    """SOURCE's myst.yml, or None when there is none."""
    found = load_yaml(source, CONFIG)
    if found is not None and not isinstance(found, Located):
        raise ConfigError("must be a mapping (version: 1, project: …)", path=CONFIG, line=1)
    return found


def has_toc(found: Located) -> bool:
    """Whether myst.yml orders the pages itself (project.toc)."""
    return "toc" in mapping(found, "project")


def read(source: Path, found: Located, diagnostics: Diagnostics) -> Site:
    """The project as mystmd reads it: project.toc, else the folder's own order."""
    project = mapping(found, "project")
    excluded = _excluded(project.get("exclude"))
    pages = frozenset(rel for rel in below(source, "", PAGE_SUFFIXES) if not excluded(rel))
    toc = TocReader(pages, diagnostics)
    if "toc" in project:
        outline, order = toc.read(project["toc"], getattr(project, "line", 1)), "in toc order"
    else:
        outline, order = tuple(toc.folders(sorted(pages), None)), "in MyST's folder order"
    notes = list(toc.notes)
    if "extends" in found:
        notes.append(f"{CONFIG}: extends: is not followed; the book has only what {CONFIG} itself says")
    return Site(
        profile="jupyter-book",
        label=LABEL,
        config_file=CONFIG,
        outline=outline,
        metadata=metadata(found),
        left_out=tuple(toc.left_out),
        suffixes=(".md",),
        notes=tuple(notes),
        order_name=order,
        ignored=tuple(rel for rel in below(source, "", (".md",)) if excluded(rel)),
    )


def _excluded(patterns: object):
    """Whether mystmd never reads a file: in _build/, or it or a folder it is in matches project.exclude."""
    given = [patterns] if isinstance(patterns, str) else [p for p in patterns or () if isinstance(p, str)]
    given = ["_build", *given]

    def excluded(rel: str) -> bool:
        parts = rel.split("/")
        return any(matches(p, "/".join(parts[: i + 1])) for p in given for i in range(len(parts)))

    return excluded


def markdown_page(
    rel: str | None, name: str, where: tuple[str, int | None], diagnostics: Diagnostics, left_out: list
) -> str | None:
    """rel when it is a Markdown page; else None, with a warning at where (file, line), and a page noted as left out."""
    if rel is None:
        message = f"'{name}' names no page here (no such file, or one that is excluded); left out of the book"
        diagnostics.warn(where[0], message, where[1], kind=MISSING)
        return None
    if rel.endswith(".md"):
        return rel
    left_out.append((rel, f"not Markdown ({posixpath.splitext(rel)[1]}): packager reads Markdown pages only"))
    message = f"'{name}' is {rel}, not Markdown: packager reads Markdown pages only; left out of the book"
    diagnostics.warn(where[0], message, where[1], kind=NOT_MARKDOWN)
    return None


@dataclass
class TocReader:
    """One project.toc read into an outline; what it leaves out is noted on the way."""

    pages: frozenset[str]  # every page of the project, relative to SOURCE
    diagnostics: Diagnostics
    left_out: list[tuple[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    taken: set[str] = field(default_factory=set)  # pages an entry names, or a pattern gave already

    def read(self, toc: object, line: int) -> tuple[Entry, ...]:
        """The outline of project.toc."""
        self.taken = {rel for rel in map(self._resolve, _files(toc)) if rel}
        return tuple(self._entries(toc, line))

    def _entries(self, items: object, line: int) -> list[Entry]:
        if not isinstance(items, list):
            raise ConfigError("project.toc and each children: must be a list of entries", path=CONFIG, line=line)
        entries: list[Entry] = []
        for item in items:
            if not isinstance(item, Located) or not {"file", "pattern", "url", "children"} & item.keys():
                raise ConfigError(
                    "each toc entry needs file:, pattern:, url:, or a title: with children:", path=CONFIG, line=line
                )
            children = tuple(self._entries(item["children"], item.line)) if "children" in item else ()
            title = text(item.get("title"))
            if "file" in item:
                name = str(item["file"])
                rel = markdown_page(self._resolve(name), name, (CONFIG, item.line), self.diagnostics, self.left_out)
                entries.extend([Entry(rel, title, children)] if rel else children)
            elif "pattern" in item:
                entries.extend(self._pattern(str(item["pattern"]), item.line))
            elif "url" in item:
                self.left_out.append((str(item["url"]), f"an external link in {CONFIG}"))
                label = f"{title} ({item['url']})" if title else str(item["url"])
                self.notes.append(f"{CONFIG}:{item.line}: external link left out of the book: {label}")
                entries.extend(children)
            else:
                entries.append(Entry(None, title or "Part", children))
        return entries

    def _resolve(self, name: str) -> str | None:
        """The page a toc's file: names, as mystmd finds it: the file itself, else with one of the page suffixes."""
        rel = posixpath.normpath(name.strip())
        return rel if rel in self.pages else next((rel + s for s in PAGE_SUFFIXES if rel + s in self.pages), None)

    def _pattern(self, pattern: str, line: int) -> list[Entry]:
        found = [rel for rel in sorted(self.pages) if rel not in self.taken and matches(pattern, rel)]
        if not found:
            self.diagnostics.warn(CONFIG, f"pattern '{pattern}' matches no page", line, kind=NO_MATCH)
        self.taken.update(found)
        return self.folders(found, line)

    def folders(self, rels: list[str], line: int | None) -> list[Entry]:
        """Pages in mystmd's folder order: each folder's index, its files, then its folders as parts."""
        tree: dict = {}
        for rel in rels:
            *folders, name = rel.split("/")
            level = tree
            for folder in folders:
                level = level.setdefault(folder, {})
            level[name] = None
        return self._level(tree, "", line)

    def _level(self, tree: dict, folder: str, line: int | None) -> list[Entry]:
        names = sorted(tree, key=_number_order)
        index = next((n for want in INDEX_FILES for n in names if tree[n] is None and n.lower() == want), None)
        if index is not None:
            names = [index, *(n for n in names if n != index)]
        entries = []
        for name in (n for n in names if tree[n] is None):
            rel = posixpath.join(folder, name)
            page = markdown_page(rel, rel, (CONFIG, line), self.diagnostics, self.left_out)
            entries.extend([Entry(page)] if page else [])
        for name in (n for n in names if tree[n] is not None):
            children = self._level(tree[name], posixpath.join(folder, name), line)
            entries.extend([Entry(None, folder_title(name), tuple(children))] if children else [])
        return entries


def _files(toc: object):
    """Every file: a toc's entries name, at any depth."""
    if isinstance(toc, dict):
        if "file" in toc:
            yield str(toc["file"])
        yield from _files(toc.get("children"))
    elif isinstance(toc, list):
        for item in toc:
            yield from _files(item)


def _number_order(name: str) -> tuple[str, str]:
    """mystmd's sortByNumber: numbers compared as numbers (chapter9 before chapter10), then as text."""
    padded = re.sub(r"\d+", lambda m: m.group(0).rjust(10, "0"), name)
    return padded.casefold(), padded.swapcase()


def folder_title(name: str) -> str:
    """The title mystmd gives a folder: its leading numbering taken off, words split at -, _ and capitals."""
    if not re.match(r"[12]\d{3}(\D|$)|\d{5}", name):
        name = re.sub(r"^[\d_.-]+", "", name) or name
    words = " ".join(w for w in re.split(r"([A-Z][a-z0-9]+)|_|-", name) if w).strip()
    return re.sub(r"\w\S*", lambda m: m.group(0)[0].upper() + m.group(0)[1:], words)


def metadata(found: Located) -> SiteMetadata:
    """What myst.yml says about the book."""
    project, site = mapping(found, "project"), mapping(found, "site")
    return SiteMetadata(
        title=text(project.get("title")) or text(site.get("title")),
        subtitle=text(project.get("subtitle")),
        authors=_authors(project.get("authors", project.get("author"))),
        description=text(project.get("description")),
        license=_licence(project.get("license")),
        copyright=text(project.get("copyright")),
        repo_url=_github(project.get("github")),
    )


def _authors(given: object) -> tuple[Person, ...]:
    people = []
    for author in given if isinstance(given, list) else [given]:
        if isinstance(author, dict):
            name = author.get("name")
            if isinstance(name, dict):  # {literal: …} or {given: …, family: …}
                name = text(name.get("literal")) or " ".join(
                    filter(None, map(text, (name.get("given"), name.get("family"))))
                )
            if text(name):
                people.append(Person(text(name), url=web_url(author.get("url"))))
        elif text(author):
            people.append(Person(text(author)))
    return tuple(people)


def _licence(given: object) -> str | None:
    """The SPDX id of the text's licence (``license: CC-BY-4.0``, or ``content:`` of ``{content: …, code: …}``)."""
    if isinstance(given, dict):
        given = given.get("content")
    found = licences.lookup(text(given)) if text(given) else None
    return found.id if found is not None and found.known else None


def _github(given: object) -> str | None:
    """The repository myst.yml's github: names: a URL, or owner/name."""
    value = text(given)
    if value and re.fullmatch(r"[\w.-]+/[\w.-]+", value):
        return f"https://github.com/{value}"
    return web_url(value)
