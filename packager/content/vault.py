"""An Obsidian vault as one article's reader sees it: its links' hrefs, relative to the article.

The names are found as Obsidian finds them (``project.vault_names``); this
module turns what they name into links from the article being read, and warns
where a name is in no note of the book.
"""

from __future__ import annotations

import posixpath
from urllib.parse import quote

from packager.content.context import ArticleContext
from packager.project.vault_names import VaultIndex

__all__ = ["ArticleVault", "VaultIndex"]

NOT_IN_BOOK = "links to notes not in the book"


class ArticleVault:
    """The vault as one article's reader sees it (readers.obsidian.Vault): hrefs relative to the article."""

    def __init__(self, index: VaultIndex, ctx: ArticleContext):
        self.index, self.ctx = index, ctx
        self.tags: list[str] = []

    def _href(self, rel: str, written: str = "") -> str:
        """The href of rel from this article; later warnings about it belong on the line where written is."""
        href = quote(posixpath.relpath(rel, posixpath.dirname(self.ctx.rel) or "."), safe="/")
        at = self.ctx.body.find(written) if written else -1
        if at >= 0:
            self.ctx.known_lines.setdefault(href, self.ctx.body.count("\n", 0, at))
        return href

    def link(self, target: str, fragment: str) -> str | None:
        if not target:
            return "#" + quote(fragment, safe="^")
        rel = self.index.find(target, self.ctx.rel, note=True)
        if rel is None or rel not in self.index.notes:
            shown = f"[[{target}]]"
            self.ctx.warn(f"link {shown} names no note in this book; its text is kept", target, kind=NOT_IN_BOOK)
            return None
        return self._href(rel) + ("#" + quote(fragment, safe="^") if fragment else "")

    def file(self, target: str) -> str | None:
        rel = self.index.find(target, self.ctx.rel, note=False)
        return None if rel is None else self._href(rel, target)

    def missing_file(self, target: str) -> str:
        """Where Obsidian would put a file of that name that is not there: the attachment folder (or beside the note)."""
        folder = self.index.attachments or posixpath.dirname(self.ctx.rel)
        return self._href(posixpath.join(folder, target), target)

    def note(self, target: str) -> tuple[str, str, str] | None:
        if not target:
            title, body = self.index.notes.get(self.ctx.rel, ("", self.ctx.body))
            return self.ctx.rel, title, body
        rel = self.index.find(target, self.ctx.rel, note=True)
        if rel is None or rel not in self.index.notes:
            self.ctx.warn(f"embed ![[{target}]] names no note in this book; its text is kept", target, kind=NOT_IN_BOOK)
            return None
        title, body = self.index.notes[rel]
        return rel, title, body

    def tag(self, name: str) -> None:
        if name not in self.tags:
            self.tags.append(name)

    def name_of(self, identity: str) -> str:
        return self.index.notes.get(identity, (posixpath.basename(identity),))[0]

    def warn(self, message: str, needle: str) -> None:
        self.ctx.warn(message, needle, kind="embeds shown as links")

    def env(self) -> dict:
        """The markdown-it env of the article: this vault, and the article as the first note being embedded."""
        return {"obsidian": self, "obsidian_stack": ((self.ctx.rel, ""),)}
