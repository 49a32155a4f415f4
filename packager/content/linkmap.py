"""Resolve links between articles, in the forms real sites use.

Writers link to other articles as files (``other.md#part``, ``other.mdx``) or as
the pretty URLs that Jekyll, Hugo and Docusaurus publish (``../other/``,
``/section/other/``, a page's ``slug``, ``/docs/other`` for a site whose pages
are in ``docs/``); all must land on the right article. Site URLs are matched
case-insensitively, as Hugo's own lookup does.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable
from pathlib import PurePosixPath

INDEX_STEMS = ("index", "_index", "readme")
SUFFIXES = (".md", ".markdown", ".mdx")


def _key(path: str) -> str:
    return path.strip("/").lower()


def page_path(rel: str) -> str:
    """The published path of an article: ``a/b.md`` -> ``a/b``, ``a/index.md`` -> ``a``."""
    pure = PurePosixPath(rel)
    if pure.stem.lower() in INDEX_STEMS:
        parent = str(pure.parent)
        return "" if parent == "." else parent
    return str(pure.with_suffix(""))


class LinkMap:
    """Map every way of naming an article to that article's slug."""

    def __init__(self, articles: Iterable[tuple[str, str, dict]], root: str = ""):
        """Take (path relative to SOURCE, slug, front matter) for each article; root is the site's pages folder."""
        self._by_key: dict[str, str] = {}
        self._pages: dict[str, str] = {}
        self._root = root.strip("/")
        for rel, slug, meta in articles:
            self._by_key[_key(rel)] = slug
            self._pages[_key(page_path(self._in_root(rel)))] = slug
            for name in ("url", "permalink"):
                if isinstance(meta.get(name), str):
                    self._pages.setdefault(_key(meta[name]), slug)
            if isinstance(meta.get("slug"), str) and meta["slug"].strip():
                self._pages.setdefault(_key(self._slug_path(rel, meta["slug"].strip())), slug)
            aliases = meta.get("aliases")
            if isinstance(aliases, list):
                for alias in aliases:
                    if isinstance(alias, str):
                        self._pages.setdefault(_key(alias), slug)

    def resolve(self, from_rel: str, target: str) -> str | None:
        """Return the slug of the article that target (seen from from_rel) names, or None."""
        target = target.split("?", 1)[0]
        if not target:
            return None
        file_dir = posixpath.dirname(from_rel)
        if target.lower().endswith(SUFFIXES):
            base = self._root if target.startswith("/") else file_dir
            return self._by_key.get(_key(posixpath.normpath(posixpath.join(base, target.lstrip("/")))))
        if target.startswith("/"):
            return self._page(target) or self._below_root(target) or self._by_suffix(target)
        file_dir = posixpath.dirname(self._in_root(from_rel))
        page_dir = page_path(self._in_root(from_rel))
        for base in (page_dir, file_dir, ""):
            found = self._page(posixpath.normpath(posixpath.join(base, target)))
            if found:
                return found
        return self._by_suffix(target)

    def _in_root(self, rel: str) -> str:
        """The path as the site publishes it: relative to its pages folder."""
        return rel[len(self._root) + 1 :] if self._root and rel.startswith(self._root + "/") else rel

    def _slug_path(self, rel: str, slug: str) -> str:
        """Where a page's slug puts it: from the site's root when it starts with /, else beside the page's file."""
        return slug if slug.startswith("/") else posixpath.join(posixpath.dirname(self._in_root(rel)), slug)

    def _below_root(self, target: str) -> str | None:
        """A site URL that names the pages' folder first (Docusaurus' /docs/x for docs/x.md): the page below it."""
        prefix = "/" + self._root.lower() + "/"
        return self._page(target[len(prefix) - 1 :]) if self._root and target.lower().startswith(prefix) else None

    def _page(self, path: str) -> str | None:
        key = _key(path)
        if key.endswith(".html"):
            key = key[: -len(".html")]
            if key == "index" or key.endswith("/index"):  # a folder's index.html is the folder's page
                key = key[: -len("index")].rstrip("/")
        if key in (".", ".."):
            key = ""
        if key.startswith("../"):
            return None
        return self._pages.get(key)

    def _by_suffix(self, target: str) -> str | None:
        """Last resort: the one article whose published path ends with the target's."""
        tail = _key(target.replace("../", "").replace("./", ""))
        if not tail:
            return None
        matches = {slug for page, slug in self._pages.items() if page == tail or page.endswith("/" + tail)}
        return matches.pop() if len(matches) == 1 else None

    def glossary(self, term: str) -> str | None:
        """Hugo's glossary links, ``[term](g)``: the article of that term in a glossary folder, if the book has it."""
        words = "-".join(term.lower().split())
        if not words:
            return None
        for key in dict.fromkeys((words, words.removesuffix("s"), words.removesuffix("es"))):
            found = self._by_suffix("glossary/" + key)
            if found:
                return found
        return None
