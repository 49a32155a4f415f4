"""A Hugo site, or a bare Hugo content folder, read in the order Hugo lists its pages.

The site's config is ``hugo.toml`` (``.yaml``, ``.yml``, ``.json``), the older
``config.toml`` (``.yaml``, ``.json``: only beside the content folder it
names), or the same names in ``config/_default/`` (with its ``params.*``). It
gives ``title``, ``params.author`` (a name, a list, or {name, …} mappings;
the old top-level ``author`` too), ``params.description``, ``languageCode``,
``contentDir`` (default ``content``), ``baseURL`` and ``copyright``. A bare
content folder, such as a copy of a site's ``content/``, has no config: it is
Hugo's when its root has ``_index.md`` (Hugo's name for a list page) and one of
the ``_index.md`` files in its first levels uses front matter only Hugo reads
(``linkTitle``, ``aliases``, ``cascade``, …), so a plain folder of articles
that merely names its index ``_index.md`` stays packager's.

The order is Hugo's (``resources/page/pages_sort.go``, ``DefaultPageSort``):
by ``weight``, pages without one last; then by date, newest first (a section
without one takes its newest page's, as Hugo's assembler does); then by link
title (``linkTitle``, else ``title``) as the language's collator compares
them; then by path. Every folder at the top of the content is a section, and
a deeper one only with an ``_index.md``; the pages of a folder that is not a
section belong to the section above it, listed among its own. A folder with an
``index.md`` is a leaf bundle: one page, whose other Markdown files are its
resources and never pages. A section without ``_index.md`` is a part title:
its folder's name, as words (``content-management``: "Content management";
Hugo itself would write "Content-Managements", pluralised and capitalised for
its list pages, which the site is expected to title in ``_index.md``).
Headless pages and those with ``build.render = "never"`` are left out, as Hugo
renders none of them. ``static/`` and ``assets/`` hold the files site-absolute
URLs name.
"""

from __future__ import annotations

import datetime as dt
import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from packager.diagnostics import Diagnostics
from packager.errors import ConfigError, ContentError
from packager.project.sites import Entry, Site, SiteMetadata
from packager.project.sites.collation import sort_key
from packager.project.sites.site_files import LeftOut, front_matter, inside, pages, people, read_config, string

if TYPE_CHECKING:
    from packager.project.config import Config

#: Config files that only Hugo writes, then the older names other tools write too, first first.
HUGO_CONFIGS = ("hugo.toml", "hugo.yaml", "hugo.yml", "hugo.json")
SHARED_CONFIGS = ("config.toml", "config.yaml", "config.yml", "config.json")
CONFIG_DIR = "config/_default"
SUFFIXES = (".md", ".markdown")
#: Front matter keys Hugo reads and the generators packager knows otherwise do not (keys compared in lower case).
HUGO_KEYS = frozenset({"linktitle", "aliases", "cascade", "expirydate", "publishdate", "headless", "outputs", "build"})
NOT_RENDERED = "pages Hugo does not render"
#: Go's zero time, the date of a page that has none, in Unix seconds.
ZERO_DATE = -62135596800


def detect(source: Path) -> bool:
    """Whether SOURCE is a Hugo site (a config file Hugo reads) or a bare Hugo content folder."""
    return _config_name(source) is not None or _is_content_folder(source)


def read(source: Path, config: Config, diagnostics: Diagnostics) -> Site:
    """The site's pages in Hugo's order, its sections as parts, its config's metadata."""
    name = _config_name(source)
    settings = _settings(source, name) if name else {}
    content_dir = _content_dir(source, settings, name) if name else ""
    left_out = LeftOut(diagnostics, config.content.include)
    tree = _Tree(source, content_dir, left_out)
    label = "a Hugo site" if name else "a Hugo content folder"
    return Site(
        profile="hugo",
        label=label,
        config_file=name or "_index.md",
        content_dir=content_dir,
        outline=tree.outline(),
        metadata=_metadata(settings),
        left_out=tuple(left_out.pages),
        suffixes=SUFFIXES,
        asset_dirs=_asset_dirs(settings),
        ignored=tuple(tree.resources),
        order_name="in Hugo's order (weight, date, title)",
    )


def _config_name(source: Path) -> str | None:
    for name in HUGO_CONFIGS + tuple(f"{CONFIG_DIR}/{n}" for n in HUGO_CONFIGS + SHARED_CONFIGS):
        if (source / name).is_file():
            return name
    for name in SHARED_CONFIGS:
        if (source / name).is_file() and (source / _shared_content_dir(source, name)).is_dir():
            return name
    return None


def _shared_content_dir(source: Path, name: str) -> str:
    """The content folder an older config.* names (contentDir), without failing on one Hugo could not read."""
    try:
        settings = read_config(source, name)
    except ConfigError:
        return "content"
    folder = _lower(settings).get("contentdir")
    return folder.strip("/") if isinstance(folder, str) and folder.strip("/") else "content"


def _is_content_folder(source: Path) -> bool:
    if not (source / "_index.md").is_file():
        return False
    candidates = [source / "_index.md", *sorted(source.glob("*/_index.md")), *sorted(source.glob("*/*/_index.md"))]
    for path in candidates:
        rel = path.relative_to(source).as_posix()
        try:
            meta = front_matter(source, rel)
        except (ContentError, OSError):  # the build reports an unreadable page; detection only looks
            continue
        if HUGO_KEYS & {str(key).lower() for key in meta}:
            return True
    return False


def _settings(source: Path, name: str) -> dict:
    settings = _lower(read_config(source, name))
    if name.startswith(CONFIG_DIR + "/"):
        for params in (f"{CONFIG_DIR}/params.{ext}" for ext in ("toml", "yaml", "yml", "json")):
            if (source / params).is_file():
                settings["params"] = {**_lower(read_config(source, params)), **_lower(settings.get("params"))}
                break
    return settings


def _content_dir(source: Path, settings: dict, name: str) -> str:
    folder = settings.get("contentdir")
    language = settings.get("defaultcontentlanguage")
    languages = _lower(settings.get("languages"))
    if folder is None and isinstance(language, str) and isinstance(languages.get(language.lower()), dict):
        folder = _lower(languages[language.lower()]).get("contentdir")
    if folder is None:
        return "content"
    if not isinstance(folder, str) or not folder.strip("/ "):
        raise ConfigError(f"contentDir must name a folder, got {folder!r}", path=name)
    folder = posixpath.normpath(folder.strip().strip("/"))
    if Path(folder).is_absolute() or not inside(source, folder):
        raise ConfigError(
            f"contentDir {folder!r} is outside the site's folder, whose files are the only ones read", path=name
        )
    return folder


def _metadata(settings: dict) -> SiteMetadata:
    params = _lower(settings.get("params"))
    author = params.get("author", settings.get("author"))
    return SiteMetadata(
        title=string(settings.get("title")),
        authors=people(author) if author is not None else (),
        description=string(params.get("description")),
        language=string(settings.get("languagecode")) or string(settings.get("defaultcontentlanguage")),
        copyright=string(settings.get("copyright")),
        base_url=string(settings.get("baseurl")),
    )


def _asset_dirs(settings: dict) -> tuple[str, ...]:
    static = settings.get("staticdir", "static")
    folders = static if isinstance(static, list) else [static]
    named = [f.strip("/") for f in folders if isinstance(f, str) and f.strip("/")]
    return tuple(dict.fromkeys([*named, "static", "assets"]))


def _lower(value) -> dict:
    """A mapping with its keys in lower case, as Hugo reads config and front matter keys."""
    return {str(k).lower(): v for k, v in value.items()} if isinstance(value, dict) else {}


@dataclass
class _Section:
    """A Hugo section: a top-level folder, or a deeper one with an _index.md."""

    folder: str
    index: str | None = None
    pages: list[str] = field(default_factory=list)
    sections: list[_Section] = field(default_factory=list)


class _Tree:
    """The content's sections and pages, as Hugo assembles them."""

    def __init__(self, source: Path, content_dir: str, left_out: LeftOut):
        self.source, self.content_dir = source, content_dir
        self.resources: list[str] = []
        self.meta: dict[str, dict] = {}
        found = pages(source, content_dir, SUFFIXES)
        self.indexes = {posixpath.dirname(rel) for rel in found if posixpath.basename(rel) == "_index.md"}
        bundles = {posixpath.dirname(rel) for rel in found if posixpath.basename(rel).lower() == "index.md"}
        self.root = _Section(content_dir)
        self.sections = {content_dir: self.root}
        for rel in found:
            if self._in_bundle(rel, bundles):
                self.resources.append(rel)
                continue
            meta = _lower(front_matter(source, rel))
            self.meta[rel] = meta
            why = _not_rendered(meta)
            if why:
                left_out.add(rel, why, NOT_RENDERED)
            elif posixpath.basename(rel) == "_index.md":
                self._section(posixpath.dirname(rel)).index = rel
            else:
                folder = posixpath.dirname(rel)
                if posixpath.basename(rel).lower() == "index.md" and folder != content_dir:
                    folder = posixpath.dirname(folder)  # a leaf bundle is a page of the folder above
                self._section(self._owner(folder)).pages.append(rel)

    def _in_bundle(self, rel: str, bundles: set[str]) -> bool:
        """Whether rel is a resource of a leaf bundle: a page in or below a folder with an index.md, not that index."""
        folder = posixpath.dirname(rel)
        if posixpath.basename(rel).lower() == "index.md":
            folder = posixpath.dirname(folder) if folder != self.content_dir else self.content_dir
        while folder != self.content_dir and folder:
            if folder in bundles:
                return True
            folder = posixpath.dirname(folder)
        return False

    def _owner(self, folder: str) -> str:
        """The nearest folder from folder up that is a section: one at the top of the content, or with an _index.md."""
        while folder != self.content_dir and posixpath.dirname(folder) != self.content_dir:
            if folder in self.indexes:
                return folder
            folder = posixpath.dirname(folder)
        return folder

    def _section(self, folder: str) -> _Section:
        if folder not in self.sections:
            section = self.sections[folder] = _Section(folder)
            self._section(self._owner(posixpath.dirname(folder))).sections.append(section)
        return self.sections[folder]

    def outline(self) -> tuple[Entry, ...]:
        """The root's _index.md (the book's introduction), then the root's pages and sections in Hugo's order."""
        entries = (Entry(self.root.index),) if self.root.index else ()
        return entries + self._entries(self.root)

    def _entries(self, section: _Section) -> tuple[Entry, ...]:
        items: list[tuple[tuple, Entry]] = []
        for rel in section.pages:
            items.append((self._key(self.meta[rel], rel, self._date(self.meta[rel])), Entry(rel)))
        for sub in section.sections:
            children = self._entries(sub)
            if sub.index is None and not children:
                continue
            meta = self.meta.get(sub.index, {}) if sub.index else {}
            title = None if sub.index else _folder_title(posixpath.basename(sub.folder))
            date = self._date(meta) or self._newest(sub)
            key = self._key(meta, sub.index or sub.folder + "/", date, title)
            items.append((key, Entry(sub.index, title, children)))
        return tuple(entry for _, entry in sorted(items, key=lambda item: item[0]))

    def _newest(self, section: _Section) -> float | None:
        dates = [self._date(self.meta[rel]) for rel in section.pages]
        dates += [self._date(self.meta.get(s.index, {})) or self._newest(s) for s in section.sections]
        return max((d for d in dates if d is not None), default=None)

    @staticmethod
    def _date(meta: dict) -> float | None:
        for key in ("date", "publishdate", "pubdate", "published"):
            when = _timestamp(meta.get(key))
            if when is not None:
                return when
        return None

    @staticmethod
    def _key(meta: dict, rel: str, date: float | None, title: str | None = None) -> tuple:
        weight = _weight(meta.get("weight"))
        link_title = string(meta.get("linktitle")) or string(meta.get("title")) or title or ""
        return (weight == 0, weight, -(date if date is not None else ZERO_DATE), sort_key(link_title), rel.lower())


def _not_rendered(meta: dict) -> str | None:
    """Why Hugo renders no page of this file, if it does not: headless, or build.render never."""
    if meta.get("headless") is True:
        return "headless: true"
    build = _lower(meta.get("build") or meta.get("_build"))
    if build.get("render") in ("never", False):
        return "build.render: never"
    return None


def _weight(value) -> int:
    if isinstance(value, bool):
        return 0
    try:
        return int(float(value)) if value is not None else 0
    except (TypeError, ValueError):
        return 0


def _timestamp(value) -> float | None:
    if isinstance(value, dt.datetime):
        return (value if value.tzinfo else value.replace(tzinfo=dt.UTC)).timestamp()
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day, tzinfo=dt.UTC).timestamp()
    if isinstance(value, str):
        try:
            return _timestamp(dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00")))
        except ValueError:
            return None
    return None


def _folder_title(name: str) -> str:
    words = re.sub(r"[-_]+", " ", name).strip() or name
    return words[0].upper() + words[1:]
