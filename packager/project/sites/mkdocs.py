"""A MkDocs site read as MkDocs reads it: mkdocs.yml's docs_dir, its nav (sections, titles) and the site's metadata.

mkdocs.yml, and what it inherits, is read by ``project.mkdocs_config``:
nothing in it is run. Its ``nav`` is the outline: ``- page.md`` or
``- Title: page.md`` is a page (the nav's title wins over the page's own),
``- Title: [...]`` a section. With Material's ``navigation.indexes`` a
section's first index page (``index.md`` or ``README.md``) is the section's
own page, as Material shows it; otherwise a section is a part title. A link
to another site is dropped with a note; an entry naming no page of docs_dir is
one warning at its line, and the rest builds. Without a ``nav``, the pages
are in MkDocs' own order: in each folder its index, its other files by name,
then its folders, each a section titled from its name.

The pages the site keeps out of its nav on purpose are left out without a
warning (``not_in_nav``), and so are those MkDocs does not build at all
(``exclude_docs``, ``draft_docs``, a ``templates/`` folder): ``[content]
include`` takes any of them back. Every other page the nav does not name is
left out with a warning (``sources.select``).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import yaml

from packager.book.model import Person
from packager.diagnostics import Diagnostics
from packager.errors import ConfigError
from packager.project import gitignore, mkdocs_config
from packager.project.mkdocs_config import NOT_APPLIED, MkDocsConfig
from packager.project.sites import Entry, Site, SiteMetadata, outline_pages

if TYPE_CHECKING:
    from packager.project.config import Config

LABEL = "a MkDocs site"
#: What warnings about nav entries that name no page are counted as.
MISSING_PAGES = "nav entries naming missing pages"
#: The files MkDocs reads as pages (mkdocs.utils.markdown_extensions).
SUFFIXES = (".md", ".markdown", ".mdown", ".mkdn", ".mkd")
#: What MkDocs never builds, whatever exclude_docs says (mkdocs/structure/files.py, _default_exclude; hidden
#: files, which no build reads, are not pages at all here).
DEFAULT_EXCLUDE = gitignore.compile_lines("/templates/")
#: The theme feature that makes a section's index page the section's own (Material for MkDocs).
INDEXES = "navigation.indexes"
_URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$")
_LANGUAGE = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")


def detect(source: Path) -> bool:
    """Whether SOURCE is a MkDocs site: it has a mkdocs.yml."""
    return mkdocs_config.config_file(source) is not None


def read(source: Path, config: Config, diagnostics: Diagnostics) -> Site:
    """The site as MkDocs reads it: its pages folder, its nav's outline, what it leaves out, its metadata."""
    source = source.resolve()
    loaded = mkdocs_config.load(source, diagnostics)
    if loaded is None:
        raise ConfigError(
            "no mkdocs.yml here to read as a MkDocs site; add one, or set [content] site to the tool the folder is for",
            path=source,
        )
    data = loaded.data
    docs = _docs_dir(source, loaded)
    theme = data.get("theme") if isinstance(data.get("theme"), dict) else {}
    features = theme.get("features") if isinstance(theme.get("features"), list) else []
    pages = _pages(source / docs if docs else source)
    inclusion = _Inclusion(loaded)
    built = [page for page in pages if inclusion.why_not_built(page) is None]
    nav = loaded.settings.get("nav") if data.get("nav") is not None else None
    if nav is not None:
        unbuilt = set(pages) - set(built)
        reader = _NavReader(loaded, docs, set(built), unbuilt, INDEXES in features, diagnostics)
        outline = reader.entries(nav.node)
        links = reader.links
    else:
        outline = _files_outline(docs, [p for p in built if not inclusion.not_in_nav(p)], INDEXES in features)
        links = []
    named = set(outline_pages(outline))
    left_out = [(_rel(docs, p), why) for p in pages if (why := inclusion.why_not_built(p))]
    quiet = [p for p in built if inclusion.not_in_nav(p) and _rel(docs, p) not in named]
    left_out += [(_rel(docs, p), inclusion.kept_out) for p in quiet]
    return Site(
        profile="mkdocs",
        label=LABEL,
        config_file=loaded.file,
        content_dir=docs,
        outline=outline,
        metadata=_metadata(loaded, diagnostics),
        left_out=tuple(left_out),
        suffixes=SUFFIXES,
        asset_dirs=(docs,) if docs else (),
        notes=_notes(loaded, links),
        order_name="in nav order" if nav is not None else "in MkDocs' file order (mkdocs.yml has no nav)",
    )


def _docs_dir(source: Path, loaded: MkDocsConfig) -> str:
    """docs_dir relative to SOURCE ("" for SOURCE itself): a folder inside it, or a ConfigError."""
    given = loaded.data.get("docs_dir", "docs")
    rel, line = loaded.where("docs_dir")
    if not isinstance(given, str) or not given.strip():
        raise ConfigError(f"docs_dir must name a folder, got {given!r}", path=rel, line=line)
    folder = (source / given).resolve()
    if not folder.is_relative_to(source):
        raise ConfigError(
            f"docs_dir {given!r} is outside the source folder, whose files are the only ones a build reads; "
            "build the folder that holds both",
            path=rel,
            line=line,
        )
    if not folder.is_dir():
        raise ConfigError(
            f"docs_dir {given!r} is not a folder: MkDocs reads the pages from it; create it or set docs_dir",
            path=rel,
            line=line,
        )
    docs = folder.relative_to(source).as_posix()
    return "" if docs == "." else docs


def _pages(docs: Path) -> list[str]:
    """The Markdown files below docs, relative to it, in MkDocs' order (by folder; index first, then by name)."""
    found = []
    for path in docs.rglob("*"):
        rel = path.relative_to(docs)
        if any(part.startswith(".") for part in rel.parts) or _in_linked_folder(docs, rel):
            continue
        if path.name.lower().endswith(SUFFIXES) and path.is_file():
            found.append(rel.as_posix())
    return sorted(found, key=_mkdocs_order)


def _in_linked_folder(docs: Path, rel: PurePosixPath) -> bool:
    folder = docs
    for part in rel.parts[:-1]:
        folder = folder / part
        if folder.is_symlink():  # sources.readable_files never follows a link to a folder
            return True
    return False


def _mkdocs_order(page: str) -> tuple:
    """MkDocs' file_sort_key: folder by folder, the index first in each, then by name (the folders after the files)."""
    parts = PurePosixPath(page).parts
    return (parts[:-1], not _is_index(page), parts[-1])


def _is_index(page: str) -> bool:
    """A page MkDocs counts as its folder's index (File.name == 'index')."""
    stem = PurePosixPath(page).stem
    return stem in ("index", "README")


def _rel(docs: str, page: str) -> str:
    return f"{docs}/{page}" if docs else page


class _Inclusion:
    """What mkdocs.yml says of each page: not built (exclude_docs, draft_docs), not meant for the nav (not_in_nav)."""

    def __init__(self, loaded: MkDocsConfig):
        self.file = loaded.file
        self.kept_out = f"not_in_nav in {loaded.file}: kept out of the site's navigation on purpose"
        self.exclude = gitignore.compile_lines(self._lines(loaded, "exclude_docs"))
        self.drafts = gitignore.compile_lines(self._lines(loaded, "draft_docs"))
        self.nav_exclude = gitignore.compile_lines(self._lines(loaded, "not_in_nav"))

    @staticmethod
    def _lines(loaded: MkDocsConfig, key: str) -> str:
        value = loaded.data.get(key)
        if value is None:
            return ""
        if not isinstance(value, str):
            rel, line = loaded.where(key)
            raise ConfigError(f"{key} must be a text of gitignore-style lines, got {type(value).__name__}", rel, line)
        return value

    def why_not_built(self, page: str) -> str | None:
        if gitignore.matches(DEFAULT_EXCLUDE, page):
            return "in templates/, which MkDocs does not build"
        if gitignore.matches(self.exclude, page):
            return f"exclude_docs in {self.file}: MkDocs does not build it"
        if gitignore.matches(self.drafts, page):
            return f"draft_docs in {self.file}: a draft, which MkDocs does not build"
        return None

    def not_in_nav(self, page: str) -> bool:
        return gitignore.matches(self.nav_exclude, page)


@dataclass
class _NavReader:
    """mkdocs.yml's nav as an outline, read from its YAML nodes so that each entry keeps its line."""

    loaded: MkDocsConfig
    docs: str
    pages: set[str]  # the pages MkDocs builds, relative to docs
    unbuilt: set[str]  # the pages it does not (exclude_docs, draft_docs): left out, and listed so
    indexes: bool  # navigation.indexes: a section's first index page is the section's own
    diagnostics: Diagnostics
    links: list[tuple[str, str]] = field(default_factory=list)  # (title, url) of the links to other sites

    @property
    def file(self) -> str:
        return self.loaded.settings["nav"].file

    def entries(self, node: yaml.Node) -> tuple[Entry, ...]:
        return tuple(entry for entry, _ in self._items(node))

    def _items(self, node: yaml.Node) -> list[tuple[Entry, bool]]:
        """Each entry of a nav list, and whether it is a page (not a section)."""
        if isinstance(node, yaml.MappingNode):
            return self._item(node)
        if not isinstance(node, yaml.SequenceNode):
            raise ConfigError("nav must be a list of pages and sections", path=self.file, line=_line(node))
        return [made for child in node.value for made in self._item(child)]

    def _item(self, node: yaml.Node) -> list[tuple[Entry, bool]]:
        if isinstance(node, yaml.ScalarNode):
            return self._page(None, node)
        if not isinstance(node, yaml.MappingNode):
            raise ConfigError(
                "a nav entry must be 'page.md', 'Title: page.md' or 'Title:' with a list below it",
                path=self.file,
                line=_line(node),
            )
        made = []
        for key, value in node.value:
            title = key.value if isinstance(key, yaml.ScalarNode) and key.value else None
            if isinstance(value, yaml.ScalarNode) and value.tag.endswith(":null"):
                continue  # a section with nothing in it
            made += self._page(title, value) if isinstance(value, yaml.ScalarNode) else self._section(title, value)
        return made

    def _page(self, title: str | None, node: yaml.ScalarNode) -> list[tuple[Entry, bool]]:
        path = node.value.strip()
        parts = urlsplit(path)
        if parts.scheme or parts.netloc or (path.startswith("/") and not self._absolute_in_docs()):
            self.links.append((title or path, path))
            return []
        page = PurePosixPath(path.lstrip("/")).as_posix()
        if page in self.pages:
            return [(Entry(_rel(self.docs, page), title), True)]
        if page in self.unbuilt:
            return []
        where = f"{self.docs}/" if self.docs else "the source folder"
        self.diagnostics.warn(
            self.file,
            f"nav: {path!r} is not a page in {where}, left out of the book; fix the entry or add the page",
            _line(node),
            kind=MISSING_PAGES,
        )
        return []

    def _absolute_in_docs(self) -> bool:
        """validation.nav.absolute_links: relative_to_docs reads '/page.md' from docs; by default it is a link."""
        validation = self.loaded.data.get("validation")
        nav = validation.get("nav") if isinstance(validation, dict) else None
        given = nav.get("absolute_links") if isinstance(nav, dict) else None
        given = given or (validation.get("absolute_links") if isinstance(validation, dict) else None)
        return given == "relative_to_docs"

    def _section(self, title: str | None, node: yaml.Node) -> list[tuple[Entry, bool]]:
        return [(_section(title, self._items(node), self.indexes), False)]


def _section(title: str | None, items: list[tuple[Entry, bool]], indexes: bool) -> Entry:
    """A section: with navigation.indexes its first index page is its own (as Material shows it), else a part title."""
    index = (
        next((entry for entry, is_page in items if is_page and _is_index(entry.rel or "")), None) if indexes else None
    )
    children = tuple(entry for entry, _ in items if entry is not index)
    if index is None:
        return Entry(None, title, children)
    return Entry(index.rel, title or index.title, children)


def _files_outline(docs: str, pages: list[str], indexes: bool) -> tuple[Entry, ...]:
    """MkDocs' nav when mkdocs.yml has none (mkdocs.utils.nest_paths): pages in file order, folders as sections."""
    root: list = []  # pages (str) and sections ([title, items]), as MkDocs nests them
    for page in pages:
        branch = root
        for part in PurePosixPath(page).parent.parts:
            title = _folder_title(part)
            found = next((item for item in branch if isinstance(item, list) and item[0] == title), None)
            if found is None:
                found = [title, []]
                branch.append(found)
            branch = found[1]
        branch.append(page)

    def made(items: list) -> list[tuple[Entry, bool]]:
        return [
            (Entry(_rel(docs, item)), True)
            if isinstance(item, str)
            else (_section(item[0], made(item[1]), indexes), False)
            for item in items
        ]

    return tuple(entry for entry, _ in made(root))


def _folder_title(name: str) -> str:
    """A section's title from its folder's name, as MkDocs makes it (dirname_to_title)."""
    title = name.replace("-", " ").replace("_", " ")
    return title.capitalize() if title.lower() == title else title


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def _metadata(loaded: MkDocsConfig, diagnostics: Diagnostics) -> SiteMetadata:
    """What mkdocs.yml says about the book: site_name, site_author, site_description, copyright, the URLs, language."""
    data = loaded.data
    author = _text(data.get("site_author"))
    theme = data.get("theme") if isinstance(data.get("theme"), dict) else {}
    language = _text(theme.get("language"))
    return SiteMetadata(
        title=_text(data.get("site_name")),
        authors=(Person(author),) if author else (),
        description=_text(data.get("site_description")),
        language=language if language and _LANGUAGE.match(language) else None,
        copyright=_plain(data.get("copyright")),
        repo_url=_url(loaded, "repo_url", diagnostics),
        base_url=_url(loaded, "site_url", diagnostics),
    )


def _text(value) -> str | None:
    return " ".join(value.split()) or None if isinstance(value, str) else None


def _plain(value) -> str | None:
    """The copyright line as text: MkDocs writes it into the page as HTML (``&copy;``, links)."""
    text = _text(value)
    return _text(html.unescape(re.sub(r"<[^>]*>", "", text))) if text else None


def _url(loaded: MkDocsConfig, key: str, diagnostics: Diagnostics) -> str | None:
    value = _text(loaded.data.get(key))
    if value is None or _URL.match(value):
        return value
    rel, line = loaded.where(key)
    diagnostics.warn(rel, f"{key} {value!r} is not an http(s) URL, not used for the book", line, kind=NOT_APPLIED)
    return None


def _notes(loaded: MkDocsConfig, links: list[tuple[str, str]]) -> tuple[str, ...]:
    """What else the build says it read: the nav's links to other sites, the plugins and hooks that do not run."""
    notes = []
    if links:
        shown = "; ".join(f"{title}: {url}" if title != url else url for title, url in links)
        notes.append(f"{len(links)} nav link{'s' if len(links) != 1 else ''} to other sites left out ({shown})")
    plugins = loaded.data.get("plugins")
    names = list(plugins) if isinstance(plugins, dict) else plugins if isinstance(plugins, list) else []
    names = [next(iter(p)) if isinstance(p, dict) and p else p for p in names]
    names = [str(name) for name in names if isinstance(name, str)]
    hooks = loaded.data.get("hooks") if isinstance(loaded.data.get("hooks"), list) else []
    code = ([f"plugins ({', '.join(names)})"] if names else []) + ([f"hooks ({len(hooks)})"] if hooks else [])
    if code:
        notes.append(f"not run: {loaded.file}'s {' and '.join(code)}; packager runs no site code")
    return tuple(notes)
