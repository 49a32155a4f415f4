"""An Obsidian vault's names: notes and attachments found the way Obsidian finds them.

A wikilink names a note or a file, not a path: ``[[Kernel]]`` is any
``Kernel.md`` in the vault, ``![[diagram.png]]`` any ``diagram.png``. A name
may carry folders (``[[Linux/Kernel]]``), and may be written relative to the
note. Case does not matter, and names are compared in Unicode's composed form
(a name typed on one system matches a file written on another). When several
files share a name, the shortest path wins (the one nearest the vault's root),
as Obsidian's "shortest" link format assumes; for a bare attachment name the
vault's attachment folder is looked in first.

The reader resolves an article's links with it (``content.vault``), and the
Obsidian profile the links of a map of content (``sites.obsidian``).
"""

from __future__ import annotations

import posixpath
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

NOTE_SUFFIXES = (".md", ".markdown")


def _key(name: str) -> str:
    return unicodedata.normalize("NFC", name).strip().casefold()


def _shortest_first(rel: str) -> tuple:
    return (rel.count("/"), len(rel), rel)


@dataclass
class VaultIndex:
    """Every note of the book and every file of the vault, by the names a wikilink may use."""

    notes: dict[str, tuple[str, str]]  # rel -> (title, Markdown body) of each note in the book
    attachments: str = ""  # the attachment folder (app.json), looked in first for a bare file name
    _names: dict[str, list[str]] = field(default_factory=dict, repr=False)  # key of a name -> rels, shortest first
    _paths: dict[str, str] = field(default_factory=dict, repr=False)  # key of a path -> rel

    @classmethod
    def build(
        cls,
        notes: dict[str, tuple[str, str]],
        files: Iterable[str],
        attachments: str = "",
        aliases: dict[str, list[str]] | None = None,
    ) -> VaultIndex:
        """Index the book's notes (with their front matter aliases) and the vault's other files ('/'-separated)."""
        index = cls(notes, attachments.strip("/"))
        for rel, names in sorted((aliases or {}).items(), key=lambda item: _shortest_first(item[0])):
            for name in names:
                index._names.setdefault(_key(name), []).append(rel)
        for rel in sorted(set(notes) | set(files), key=_shortest_first):
            index._paths.setdefault(_key(rel), rel)
            name = posixpath.basename(rel)
            index._names.setdefault(_key(name), []).append(rel)
            stem, dot, suffix = name.rpartition(".")
            if dot and "." + suffix.lower() in NOTE_SUFFIXES:
                index._paths.setdefault(_key(rel[: -len(suffix) - 1]), rel)
                index._names.setdefault(_key(stem), []).append(rel)
        return index

    def find(self, name: str, from_rel: str, note: bool) -> str | None:
        """The vault path a link's name stands for, seen from the note from_rel; None when nothing has that name."""
        name = unicodedata.normalize("NFC", name).strip().lstrip("/")
        if not name:
            return None
        here = posixpath.dirname(from_rel)
        if name.startswith(("./", "../")):
            return self._paths.get(_key(posixpath.normpath(posixpath.join(here, name))))
        if "/" in name:
            exact = self._paths.get(_key(name))
            if exact is not None:
                return exact
            tail = "/" + _key(name)
            suffixed = [rel for key, rel in self._paths.items() if key.endswith(tail)]
            return min(suffixed, key=_shortest_first) if suffixed else None
        candidates = self._names.get(_key(name), [])
        if note:
            candidates = [rel for rel in candidates if rel in self.notes] or candidates
        if not candidates:
            return None
        beside = [rel for rel in candidates if posixpath.dirname(rel) == here]
        in_attachments = [rel for rel in candidates if self.attachments and rel.startswith(self.attachments + "/")]
        return (beside or in_attachments or candidates)[0]
