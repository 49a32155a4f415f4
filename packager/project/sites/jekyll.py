"""A Jekyll site (``_config.yml``), in the order its navigation gives: ``_data/navigation.yml``, or Just the Docs'.

``_config.yml`` gives ``title``, ``author`` (a name or {name, url}),
``description``, ``lang``, ``url`` + ``baseurl`` (the book's ``base_url``),
``collections`` (their ``_<name>/`` folders hold pages when ``output: true``;
``_posts/`` always does), ``collections_dir``, ``exclude`` and ``include``. The pages are
the Markdown files Jekyll renders: never in a folder whose name starts with
``_`` (``_layouts/``, ``_includes/``, ``_drafts/``, ``_site/``) other than an
output collection's, nor in what ``exclude`` (or Jekyll's own list: Gemfile,
``vendor/``, …) names; those are not read at all.

The order: ``_data/navigation.yml`` when the site has one (a list of
{title, url, children}, or lists under keys such as ``main`` and ``docs``,
read in turn; each url is matched to the page published there, by its
``permalink`` or its path); else Just the Docs' rules, when the theme is
Just the Docs or a page uses its keys (``just_the_docs``); else packager's
folder rules. The site's home page (``index.md`` or ``README.md`` at the
root) opens the book. ``assets/`` is found where site-absolute URLs put it:
in the site's root. A folder with ``_toc.yml`` is a Jupyter Book, never taken
for Jekyll's, though both name their config ``_config.yml``.
"""

from __future__ import annotations

import posixpath
import re
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from packager.diagnostics import Diagnostics
from packager.errors import ContentError
from packager.project.sites import Entry, Site, SiteMetadata, just_the_docs
from packager.project.sites.site_files import LeftOut, front_matter, pages, people, read_config, string

if TYPE_CHECKING:
    from packager.project.config import Config

CONFIG_NAMES = ("_config.yml", "_config.yaml")
NAVIGATION_FILES = ("_data/navigation.yml", "_data/navigation.yaml")
#: Files whose presence makes a folder with a _config.yml a Jupyter Book (1) or MyST project, not a Jekyll site.
NOT_JEKYLL = ("_toc.yml", "myst.yml")
#: Top-level keys only Jupyter Book 1 writes in its _config.yml.
JUPYTER_BOOK_KEYS = frozenset({"execute", "sphinx", "launch_buttons", "parse", "latex", "bibtex_bibfiles"})
SUFFIXES = (".md", ".markdown")
#: What Jekyll 4 leaves out of every site, besides what _config.yml's exclude adds (add_default_excludes).
DEFAULT_EXCLUDE = ("Gemfile", "Gemfile.lock", "node_modules", "vendor/bundle/", "vendor/cache/", "vendor/gems/")
HOME_PAGES = ("index.md", "index.markdown", "README.md", "readme.md")
MISSING = "navigation entries naming no page"


def detect(source: Path) -> bool:
    """Whether SOURCE is a Jekyll site: a _config.yml that is not a Jupyter Book's."""
    name = next((n for n in CONFIG_NAMES if (source / n).is_file()), None)
    if name is None or any((source / marker).is_file() for marker in NOT_JEKYLL):
        return False
    try:
        settings = read_config(source, name)
    except (ContentError, OSError):
        return True  # read() says what is wrong with it
    return not (JUPYTER_BOOK_KEYS & set(settings))


def read(source: Path, config: Config, diagnostics: Diagnostics) -> Site:
    """The site's pages in its navigation's order, with the metadata of its _config.yml."""
    name = next((n for n in CONFIG_NAMES if (source / n).is_file()), CONFIG_NAMES[0])
    settings = read_config(source, name) if (source / name).is_file() else {}
    rendered, ignored = _pages(source, settings)
    home = next((rel for rel in HOME_PAGES if rel in rendered), None)
    metas = {rel: front_matter(source, rel) for rel in rendered}
    navigation = next((n for n in NAVIGATION_FILES if (source / n).is_file()), None)
    left_out = LeftOut(diagnostics, config.content.include)
    notes: list[str] = []
    if navigation is not None:
        config_file, order_name = navigation, "in navigation.yml's order"
        outline = _from_navigation(source, navigation, settings, metas, diagnostics, notes)
    elif just_the_docs.used(settings, metas):
        config_file, order_name = name, "in Just the Docs' nav order"
        outline = just_the_docs.outline(settings, metas, _collections(settings), left_out, home)
    else:
        config_file, order_name, outline = name, "", None
    if outline is not None and home is not None and (not outline or outline[0].rel != home):
        outline = (Entry(home, _title_of(outline, home)), *_without(outline, home))
    return Site(
        profile="jekyll",
        label="a Jekyll site",
        config_file=config_file,
        outline=outline,
        metadata=_metadata(settings),
        left_out=tuple(left_out.pages),
        suffixes=SUFFIXES,
        notes=tuple(notes),
        ignored=tuple(ignored),
        order_name=order_name,
    )


def _metadata(settings: dict) -> SiteMetadata:
    url, baseurl = string(settings.get("url")), string(settings.get("baseurl"))
    base_url = (url.rstrip("/") + "/" + (baseurl or "").strip("/")).rstrip("/") + "/" if url else None
    author = settings.get("author")
    return SiteMetadata(
        title=string(settings.get("title")),
        authors=people(author) if author is not None else (),
        description=string(settings.get("description")),
        language=string(settings.get("lang")) or string(settings.get("locale")),
        base_url=base_url,
    )


def _collections(settings: dict) -> dict[str, str]:
    """The folder (relative to SOURCE) of each collection whose documents are pages; posts always among them."""
    found = settings.get("collections")
    if isinstance(found, list):
        found = {str(name): {"output": False} for name in found}
    found = found if isinstance(found, dict) else {}
    outputs = {str(k): v for k, v in found.items() if isinstance(v, dict) and v.get("output") is True}
    outputs.setdefault("posts", {})
    folder = (string(settings.get("collections_dir")) or "").strip("/")
    return {name: posixpath.join(folder, "_" + name) for name in outputs}


def _pages(source: Path, settings: dict) -> tuple[list[str], list[str]]:
    """The Markdown files Jekyll makes pages of, and those it does not (which are not read)."""
    outputs = tuple(folder + "/" for folder in _collections(settings).values())
    excluded = [e for e in (*DEFAULT_EXCLUDE, *(settings.get("exclude") or ())) if isinstance(e, str)]
    included = [e for e in settings.get("include") or () if isinstance(e, str)]
    rendered, ignored = [], []
    for rel in pages(source, "", SUFFIXES):
        in_output = rel.startswith(outputs)
        underscored = any(part.startswith("_") for part in PurePosixPath(rel).parts[:-1])
        if (underscored and not in_output) or (_excluded(rel, excluded) and not _excluded(rel, included)):
            ignored.append(rel)
        else:
            rendered.append(rel)
    return rendered, ignored


def _excluded(rel: str, patterns: list[str]) -> bool:
    """Whether rel is named by one of _config.yml's exclude (or include) entries: a path, a folder, or a glob."""
    for pattern in patterns:
        pattern = pattern.strip().lstrip("/")
        if rel == pattern.rstrip("/") or rel.startswith(pattern.rstrip("/") + "/"):
            return True
        if PurePosixPath(rel).match(pattern) or PurePosixPath(rel).name == pattern:
            return True
    return False


def _title_of(outline: tuple[Entry, ...], rel: str) -> str | None:
    """The title the outline gives rel, if it names it with one."""
    for entry in outline:
        if entry.rel == rel:
            return entry.title
        found = _title_of(entry.children, rel)
        if found:
            return found
    return None


def _without(outline: tuple[Entry, ...], rel: str) -> tuple[Entry, ...]:
    """The outline without the entry for rel (its children taken up in its place)."""
    kept: list[Entry] = []
    for entry in outline:
        children = _without(entry.children, rel)
        if entry.rel == rel:
            kept.extend(children)
        else:
            kept.append(Entry(entry.rel, entry.title, children))
    return tuple(kept)


# --- _data/navigation.yml ----------------------------------------------------------------------------------------

_TITLE_KEYS = ("title", "name", "text", "label")
_URL_KEYS = ("url", "link", "href")
_CHILD_KEYS = ("children", "subfolderitems", "items", "links")


def _from_navigation(
    source: Path, rel: str, settings: dict, metas: dict[str, dict], diagnostics: Diagnostics, notes: list[str]
) -> tuple[Entry, ...]:
    data = read_config(source, rel, lists=True)
    lines = (source / rel).read_text(encoding="utf-8").split("\n")
    urls = _published(metas, _collections(settings))
    placed: set[str] = set()
    external: list[str] = []

    def walk(items) -> tuple[Entry, ...]:
        entries: list[Entry] = []
        for item in items if isinstance(items, list) else ():
            if not isinstance(item, dict):
                continue
            title = next((string(item[k]) for k in _TITLE_KEYS if string(item.get(k))), None)
            url = next((item[k] for k in _URL_KEYS if isinstance(item.get(k), str)), None)
            children = walk(next((item[k] for k in _CHILD_KEYS if isinstance(item.get(k), list)), []))
            page = None
            if url is not None and re.match(r"^([a-z][a-z0-9+.-]*:|//)", url, re.I):
                external.append(title or url)
            elif url is not None:
                page = urls.get(_url_key(url, string(settings.get("baseurl")) or ""))
                if page is None:
                    line = next((n for n, text in enumerate(lines, 1) if url in text), None)
                    diagnostics.warn(rel, f"url {url!r} names no page of the site; left out", line, kind=MISSING)
                elif page in placed:
                    page = None
            if page is not None:
                placed.add(page)
                entries.append(Entry(page, title, children))
            elif children and title:
                entries.append(Entry(None, title, children))
            else:
                entries.extend(children)  # a group without a title adds no level
        return tuple(entries)

    lists = [data] if isinstance(data, list) else [v for v in data.values() if isinstance(v, list)]
    outline = tuple(entry for found in lists for entry in walk(found))
    if external:
        notes.append(f"{rel}: {len(external)} link(s) to other sites left out ({', '.join(external[:3])})")
    return outline


def _url_key(url: str, baseurl: str) -> str:
    path = re.split(r"[?#]", url, maxsplit=1)[0].strip()
    baseurl = "/" + baseurl.strip("/") if baseurl.strip("/") else ""
    if baseurl and (path == baseurl or path.startswith(baseurl + "/")):
        path = path[len(baseurl) :]
    key = path.strip("/").lower()
    for suffix in (".html", "/index"):
        key = key.removesuffix(suffix)
    return "" if key == "index" else key


def _published(metas: dict[str, dict], collections: dict[str, str]) -> dict[str, str]:
    """Each page by the URLs it is published at: its permalink, its path (a collection's under the collection's name)."""
    urls: dict[str, str] = {}
    for rel, meta in metas.items():
        permalink = meta.get("permalink")
        if isinstance(permalink, str):
            urls.setdefault(_url_key(permalink, ""), rel)
        path = rel.rsplit(".", 1)[0]
        for name, folder in collections.items():
            if path.startswith(folder + "/"):
                path = name + path[len(folder) :]
        urls.setdefault(_url_key(path, ""), rel)
    return urls
