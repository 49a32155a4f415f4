"""Jupyter Book, read as it reads itself: version 1's ``_toc.yml`` and ``_config.yml``; version 2's ``myst.yml``.

Jupyter Book 1 (Sphinx with sphinx-external-toc) takes its order from
``_toc.yml``: ``format: jb-book`` has a ``root`` page, then ``chapters``, or
``parts`` that each have a ``caption`` and ``chapters``; every entry may have
``sections``, nested as deep as the book likes (``jb-article`` has only
``sections``). An entry is a ``file`` (named without its suffix), a ``glob``
(every page it matches, in name order, that no entry names) or an external
``url``. A part's caption becomes a part title of the book; a ``title`` on an
entry is its title in the book. Notebooks and other pages that are not
Markdown (reStructuredText, and the formats ``sphinx.config.nb_custom_formats``
adds, such as jupytext's ``.Rmd``) are left out, one warning each naming the
toc's line; external links are left out with a note. ``_config.yml`` gives the title, author, copyright,
description, language (``sphinx.config.language``), ``html.baseurl`` and
``repository.url``; its ``exclude_patterns`` (and the ones Jupyter Book always
adds, such as ``_build``) name files that are never pages.

Jupyter Book 2 is mystmd: a ``myst.yml`` with a ``project.toc`` (or without
one, the folder's own order) is read by ``myst_project``. When ``myst.yml`` has
no toc but a ``_toc.yml`` is there, mystmd orders by ``_toc.yml``, and so does
the book, with myst.yml's metadata.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from packager.book.model import Person
from packager.diagnostics import Diagnostics
from packager.errors import ConfigError
from packager.project.sites import Entry, Site, SiteMetadata, myst_project, outline_pages
from packager.project.sites.files import Located, below, load_yaml, mapping, matches, stem, text, web_url
from packager.project.sites.myst_project import NO_MATCH, markdown_page

if TYPE_CHECKING:
    from packager.project.config import Config

TOC = "_toc.yml"
CONFIG = "_config.yml"
#: The files Jupyter Book 1 reads as pages (MyST, MyST-NB, Sphinx), in the order it tries a name without suffix;
#: sphinx.config.nb_custom_formats adds more (jupytext's .Rmd, .py).
PAGE_SUFFIXES = (".md", ".ipynb", ".rst")
#: Patterns Jupyter Book 1 always excludes, besides the config's exclude_patterns.
ALWAYS_EXCLUDED = ("_build", "Thumbs.db", ".DS_Store", "**.ipynb_checkpoints")
#: Each format's keys for a list of entries (by depth: the root's, then every deeper one's) and for a list of lists.
ITEMS_KEYS = {"jb-book": ("chapters", "sections"), "jb-article": ("sections", "sections"), None: ("entries", "entries")}
SUBTREES_KEYS = ("parts", "subtrees")
LABEL = "a Jupyter Book"


def detect(source: Path) -> bool:
    """A Jupyter Book 1 (``_toc.yml``) or 2 (``myst.yml``) is in SOURCE."""
    return (source / TOC).is_file() or (source / myst_project.CONFIG).is_file()


def read(source: Path, config: Config, diagnostics: Diagnostics) -> Site:
    """The book as Jupyter Book reads it: myst.yml's toc, else _toc.yml, else myst.yml's folder order."""
    settings = myst_project.settings(source)
    if settings is not None and (myst_project.has_toc(settings) or not (source / TOC).is_file()):
        return myst_project.read(source, settings, diagnostics)
    book = _config(source)
    excluded = _excluded(book)
    custom = mapping(book, "sphinx", "config").get("nb_custom_formats")
    suffixes = (*PAGE_SUFFIXES, *(s for s in custom or () if isinstance(s, str) and s.startswith(".")))
    pages = [rel for rel in below(source, "", suffixes) if not excluded(rel)]
    toc = TocReader(frozenset(pages), diagnostics, _docnames(pages, suffixes))
    outline = toc.read(load_yaml(source, TOC))
    named = set(outline_pages(outline))
    quiet = {rel for rel in below(source, "", (".md",)) if excluded(rel)}
    if book.get("only_build_toc_files") is True:  # the rest is not built: not part of the book, and not news
        quiet |= {rel for rel in pages if rel.endswith(".md") and rel not in named}
    metadata = myst_project.metadata(settings) if settings is not None else _metadata(book)
    return Site(
        profile="jupyter-book",
        label=LABEL,
        config_file=TOC,
        outline=outline,
        metadata=metadata,
        left_out=tuple(toc.left_out),
        suffixes=(".md",),
        notes=tuple(toc.notes),
        order_name="in toc order",
        ignored=tuple(sorted(quiet)),
    )


def _config(source: Path) -> dict:
    book = load_yaml(source, CONFIG)
    if book is not None and not isinstance(book, dict):
        raise ConfigError("must be a mapping of settings (title: …, author: …)", path=CONFIG, line=1)
    return book or {}


def _excluded(book: dict):
    """Whether Sphinx leaves a file out: it, or a folder it is in, matches an exclude pattern."""
    patterns = [p for p in book.get("exclude_patterns") or () if isinstance(p, str)]
    patterns = [*ALWAYS_EXCLUDED, *patterns]

    def excluded(rel: str) -> bool:
        parts = rel.split("/")
        return any(matches(p, "/".join(parts[: i + 1])) for p in patterns for i in range(len(parts)))

    return excluded


def _docnames(pages: list[str], suffixes: tuple[str, ...]) -> dict[str, str]:
    """Each page by its name without suffix; of two files with one name, the suffix Sphinx tries first."""
    found: dict[str, str] = {}
    for suffix in suffixes:
        for rel in pages:
            if rel.endswith(suffix):
                found.setdefault(stem(rel), rel)
    return found


@dataclass
class TocReader:
    """One _toc.yml read into an outline; what it leaves out is noted on the way."""

    pages: frozenset[str]  # every page of the book's folder, relative to it
    diagnostics: Diagnostics
    docs: dict[str, str] = field(default_factory=dict)  # docname -> the page's path
    left_out: list[tuple[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    named: set[str] = field(default_factory=set)  # docnames a file: entry names: a glob leaves them where they are
    globbed: set[str] = field(default_factory=set)
    format: str | None = "jb-book"

    def read(self, toc: object) -> tuple[Entry, ...]:
        """The outline of a toc: its root page, then its chapters or parts."""
        if toc is None:
            raise ConfigError(
                "not found: a Jupyter Book 1 has its order there (a Jupyter Book 2 in myst.yml)", path=TOC
            )
        if not isinstance(toc, Located) or "root" not in toc:
            raise ConfigError("must be a mapping with 'root:' (the first page) and its chapters or parts", path=TOC)
        self.format = toc.get("format")
        if self.format not in ITEMS_KEYS:
            raise ConfigError(f"format must be jb-book or jb-article, got {self.format!r}", path=TOC, line=toc.line)
        self.named = {_docname(str(name)) for name in _files(toc)}
        root = Located(file=toc["root"])
        root.line = toc.line
        return (*self._file(root, subtrees=False), *self._subtrees(toc, 0, _docname(str(toc["root"]))))

    def _subtrees(self, data: Located, depth: int, parent: str) -> list[Entry]:
        """The entries below one page: its lists of entries, each list with a caption a part of its own."""
        key = ITEMS_KEYS[self.format][min(depth, 1)]
        if key in data:
            trees = [Located(data.get("options") or {}, **{key: data[key]})]
            trees[0].line = data.line
        else:
            given = next((data[k] for k in SUBTREES_KEYS if k in data), None)
            if given is None:
                return []
            if not isinstance(given, list) or not all(isinstance(t, Located) and key in t for t in given):
                raise ConfigError(
                    f"each part must be a mapping with '{key}:' (a list of entries)", path=TOC, line=data.line
                )
            trees = given
        entries: list[Entry] = []
        for tree in trees:
            children = self._items(tree[key], key, tree.line, depth, parent)
            caption = tree.get("caption")
            if isinstance(caption, str) and caption.strip():
                entries.append(Entry(None, caption.strip(), tuple(children)))
            else:
                entries.extend(children)
        return entries

    def _items(self, items: object, key: str, line: int, depth: int, parent: str) -> list[Entry]:
        if not isinstance(items, list) or not items:
            raise ConfigError(f"'{key}:' must be a list of entries (file:, glob: or url:)", path=TOC, line=line)
        entries: list[Entry] = []
        for item in items:
            if not isinstance(item, Located) or not {"file", "glob", "url"} & item.keys():
                raise ConfigError(f"each of '{key}:' must be a mapping with file:, glob: or url:", path=TOC, line=line)
            if "file" in item:
                entries.extend(self._file(item, depth=depth + 1))
            elif "glob" in item:
                entries.extend(self._glob(item, parent))
            else:
                self._url(item)
        return entries

    def _file(self, item: Located, depth: int = 0, subtrees: bool = True) -> list[Entry]:
        """A file entry, with what its sections hold; a page the book cannot have leaves its sections in its place."""
        name = str(item["file"])
        docname = _docname(name)
        children = tuple(self._subtrees(item, depth, docname)) if subtrees else ()
        rel = self._page(docname, name, item.line)
        if rel is None:
            return list(children)
        title = item.get("title")
        return [Entry(rel, title.strip() if isinstance(title, str) and title.strip() else None, children)]

    def _page(self, docname: str, name: str, line: int) -> str | None:
        """The Markdown page a toc name stands for, or None (with a warning) when there is none."""
        rel = docname if docname in self.pages else self.docs.get(docname)
        return markdown_page(rel, name, (TOC, line), self.diagnostics, self.left_out)

    def _glob(self, item: Located, parent: str) -> list[Entry]:
        """Every page the glob matches, in name order, except the page it is under and the pages entries name."""
        pattern = str(item["glob"])
        taken = self.named | self.globbed | {parent}
        found = [name for name in sorted(self.docs) if name not in taken and matches(pattern, name)]
        if not found:
            self.diagnostics.warn(TOC, f"glob '{pattern}' matches no page", item.line, kind=NO_MATCH)
        self.globbed.update(found)
        return [Entry(rel) for rel in (self._page(name, name, item.line) for name in found) if rel]

    def _url(self, item: Located) -> None:
        url, title = str(item["url"]), item.get("title")
        label = f"{title} ({url})" if isinstance(title, str) and title.strip() else url
        self.left_out.append((url, f"an external link in {TOC}"))
        self.notes.append(f"{TOC}:{item.line}: external link left out of the book: {label}")


def _files(data: object):
    """Every file: an entry of the toc names, root first, at any depth."""
    if isinstance(data, dict):
        if "root" in data:
            yield data["root"]
        if "file" in data:
            yield data["file"]
        for value in data.values():
            yield from _files(value)
    elif isinstance(data, list):
        for value in data:
            yield from _files(value)


def _docname(name: str) -> str:
    """A toc's name for a page, as a path relative to SOURCE (Sphinx docnames have no leading ./ or /)."""
    return posixpath.normpath(name.strip().lstrip("/")) if name.strip() else ""


def _metadata(book: dict) -> SiteMetadata:
    """What _config.yml says about the book."""
    author = text(book.get("author"))
    return SiteMetadata(
        title=text(book.get("title")),
        authors=(Person(author),) if author else (),
        description=text(book.get("description")),
        language=text(mapping(book, "sphinx", "config").get("language")),
        copyright=text(book.get("copyright")),
        repo_url=web_url(mapping(book, "repository").get("url")),
        base_url=web_url(mapping(book, "html").get("baseurl")),
    )
