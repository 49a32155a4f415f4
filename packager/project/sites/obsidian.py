"""An Obsidian vault (``.obsidian/``), in the order its file explorer shows, or in the order of a map of content.

The file explorer's default order ("File name (A to Z)"): in each folder,
its folders first, then its notes, each group by name (a note's without
``.md``), compared as ``Intl.Collator`` compares them with sensitivity "base"
and numeric collation: case and accents do not decide, ``2`` comes before
``10`` (``collation``). That is how the Custom File Explorer Sorting plugin
(SebastianMC/obsidian-custom-sort, ``src/custom-sort/custom-sort.ts``:
``StandardPlainObsidianComparator``, ``CollatorCompare``) reproduces the
explorer it replaces; Obsidian's own code is not published. An order by
modified or created time (``fileSortOrder`` in older vaults' app.json) is
not followed: a checkout's file times are not the author's, so it is named in
one note and the names decide.

A folder is a part of the book, titled with its name, and holds its folders
and notes; a folder that holds a note of its own name (``Docker/Docker.md``,
the folder note of the Folder Notes plugin, which opens when the folder is
clicked) is a section with that note as its page. The vault's root
``index.md`` (or ``README.md``) opens the book, as packager's root index does.

With ``[content] order_from = "Home.md"`` (any note, by its path or its name)
the order is that note's: the note first, then every note it links to
(``[[wikilinks]]`` and Markdown links, resolved as the reader resolves them:
``project.vault_names``), in the order of the links; where the links are in a
list, a link nested under another's item is nested under its note, and an
item without a link that holds linked items is a part titled with its text.
A note linked twice keeps its first place. The notes it does not link to are
left out, one warning each, unless ``[content] include`` names them. The
book's title is the vault's name (its folder's), unless packager.toml says.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote

from packager.diagnostics import Diagnostics
from packager.errors import ConfigError
from packager.project import obsidian
from packager.project.sites import Entry, Site, SiteMetadata, outline_pages
from packager.project.sites.collation import sort_key
from packager.project.sites.site_files import LeftOut, body, front_matter, pages
from packager.project.vault_names import VaultIndex

if TYPE_CHECKING:
    from packager.project.config import Config

SUFFIXES = (".md",)
HOME_NOTES = ("index.md", "readme.md")
NOT_IN_MAP = "notes not in the map of content"
#: The explorer's orders a book follows; the time orders depend on file times a checkout does not keep.
BY_NAME = ("alphabetical",)


def detect(source: Path) -> bool:
    """Whether SOURCE is a vault: Obsidian keeps its settings in .obsidian/."""
    return (source / obsidian.SETTINGS_FOLDER).is_dir()


def read(source: Path, config: Config, diagnostics: Diagnostics) -> Site:
    """The vault's notes in the explorer's order (folders as parts), or in the order of its map of content."""
    notes = pages(source, "", SUFFIXES)
    home = next((rel for name in HOME_NOTES for rel in notes if rel.lower() == name), None)
    left_out = LeftOut(diagnostics, config.content.include)
    remarks: list[str] = []
    if config.content.order_from:
        index = _index(source, notes, diagnostics)
        moc = _map_note(config.content.order_from, notes, index)
        outline = _map_of_content(source, moc, notes, index)
        linked = set(outline_pages(outline))
        for rel in notes:
            if rel not in linked:
                left_out.add(rel, f"not linked from {moc}, the map of content", NOT_IN_MAP)
        order_name = f"in the order of {moc}'s links"
    else:
        outline = ((Entry(home),) if home else ()) + _explorer(_Folder.of(notes, home))
        order_name = "in the file explorer's order"
        chosen = obsidian.file_sort_order(source)
        if chosen and chosen not in BY_NAME:
            remarks.append(
                f"{obsidian.SETTINGS_FILE} sorts the explorer by {chosen!r}: file times are not kept by a copy "
                "of the vault, so the notes are in file-name order (A to Z), the explorer's default"
            )
    return Site(
        profile="obsidian",
        label="an Obsidian vault",
        config_file=obsidian.SETTINGS_FOLDER + "/",
        outline=outline,
        metadata=SiteMetadata(title=source.resolve().name or None),
        left_out=tuple(left_out.pages),
        suffixes=SUFFIXES,
        notes=tuple(remarks),
        order_name=order_name,
    )


# --- the file explorer ---------------------------------------------------------------------------------------------


@dataclass
class _Folder:
    """A folder of the vault: its folders and its notes, by name."""

    path: str
    folders: dict[str, _Folder] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, notes: list[str], home: str | None) -> _Folder:
        root = cls("")
        for rel in notes:
            if rel == home:
                continue
            folder = root
            for name in rel.split("/")[:-1]:
                folder = folder.folders.setdefault(name, cls(posixpath.join(folder.path, name)))
            folder.notes.append(rel)
        return root


def _explorer(folder: _Folder) -> tuple[Entry, ...]:
    """A folder's folders (by name), then its notes (by name without .md), as the explorer lists them."""
    entries = []
    for name in sorted(folder.folders, key=lambda n: sort_key(n, numeric=True)):
        sub = folder.folders[name]
        own = f"{sub.path}/{name}.md"
        if own in sub.notes:
            sub.notes.remove(own)
        else:
            own = None
        children = _explorer(sub)
        if own or children:
            entries.append(Entry(own, None if own else name, children))
    for rel in sorted(folder.notes, key=lambda r: sort_key(posixpath.basename(r)[: -len(".md")], numeric=True)):
        entries.append(Entry(rel))
    return tuple(entries)


# --- a map of content ----------------------------------------------------------------------------------------------

_FENCE = re.compile(r"^\s*(`{3,}|~{3,})")
_CODE_SPAN = re.compile(r"(`+).+?\1")
_ITEM = re.compile(r"^(\s*)(?:[-*+]|\d+[.)])\s+(?:\[[ xX]\]\s+)?(.*)$")
_LINK = re.compile(
    r"(?<!!)\[\[(?P<wiki>[^\[\]|#^]*)(?:[#^][^\[\]|]*)?(?:\|[^\[\]]*)?\]\]"
    r"|(?<!!)\[(?P<text>[^\[\]]*)\]\((?P<url><[^>]*>|[^)\s]+)(?:\s+\"[^\"]*\")?\)"
)
_EXTERNAL = re.compile(r"^([a-z][a-z0-9+.-]*:|//|#)", re.I)


def _index(source: Path, notes: list[str], diagnostics: Diagnostics) -> VaultIndex:
    """The vault's names, as the reader finds them: notes (with their aliases) and the other files."""
    aliases = {}
    for rel in notes:
        value = front_matter(source, rel).get("aliases")
        values = [value] if isinstance(value, str) else value if isinstance(value, list) else []
        aliases[rel] = [v.strip() for v in values if isinstance(v, str) and v.strip()]
    attachments = str(dict(obsidian.vault_options(source, diagnostics)).get("attachments", ""))
    return VaultIndex.build({rel: (rel, "") for rel in notes}, (), attachments, aliases)


def _map_note(chosen: str, notes: list[str], index: VaultIndex) -> str:
    """The note [content] order_from names, by its path in the vault or as a link would name it."""
    path = posixpath.normpath(chosen.strip().lstrip("/"))
    found = path if path in notes else index.find(chosen.removesuffix(".md"), "", note=True)
    if found is None or found not in notes:
        raise ConfigError(
            f"[content] order_from names no note of the vault: {chosen!r}; give a note's path from the vault's "
            'root (order_from = "Home.md") or its name',
            path="packager.toml",
        )
    return found


@dataclass
class _Item:
    """A line of the map that links somewhere, or a list item: its links, its text, the items nested in it."""

    indent: int
    targets: list[str]
    text: str
    children: list[_Item] = field(default_factory=list)


def _map_of_content(source: Path, moc: str, notes: list[str], index: VaultIndex) -> tuple[Entry, ...]:
    """The map note, then the notes it links to in link order, nested as its lists nest them."""
    text, _ = body(source, moc)
    root = _Item(-1, [], "")
    stack = [root]
    fence = None
    for line in text.split("\n"):
        opened = _FENCE.match(line)
        if fence is not None:
            fence = None if opened and opened.group(1)[0] == fence[0] and len(opened.group(1)) >= len(fence) else fence
            continue
        if opened:
            fence = opened.group(1)
            continue
        line = _CODE_SPAN.sub("", line)
        item = _ITEM.match(line)
        indent = len(item.group(1).expandtabs(4)) if item else -1
        content = item.group(2) if item else line
        targets = [t for t in (_target(m, moc, index) for m in _LINK.finditer(content)) if t in notes]
        if item is None:
            if targets:
                stack = [root]
                root.children.append(_Item(0, targets, ""))
            continue
        while stack[-1] is not root and stack[-1].indent >= indent:
            stack.pop()
        node = _Item(indent, targets, _plain(content))
        stack[-1].children.append(node)
        stack.append(node)
    placed = {moc}
    return (Entry(moc), *_entries(root.children, placed))


def _target(match: re.Match, moc: str, index: VaultIndex) -> str | None:
    if match.group("wiki") is not None:
        name = match.group("wiki").strip()
        return index.find(name, moc, note=True) if name else None
    url = match.group("url").strip("<>")
    if _EXTERNAL.match(url):
        return None
    name = unquote(url.split("#", 1)[0])
    return index.find(name.removesuffix(".md"), moc, note=True) or index.find(name, moc, note=True)


def _entries(items: list[_Item], placed: set[str]) -> list[Entry]:
    entries: list[Entry] = []
    for item in items:
        fresh = [t for t in dict.fromkeys(item.targets) if t not in placed]
        placed.update(fresh)
        children = _entries(item.children, placed)
        if fresh:
            entries.append(Entry(fresh[0], None, tuple(children)))
            entries.extend(Entry(t) for t in fresh[1:])
        elif children and item.text and not item.targets:
            entries.append(Entry(None, item.text, tuple(children)))
        else:
            entries.extend(children)
    return entries


def _plain(text: str) -> str:
    """An item's text as a part title: its links' and emphasis' marks taken away."""
    text = re.sub(r"\[\[([^\]|]*\|)?([^\]]*)\]\]", r"\2", text)
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    return " ".join(re.sub(r"[*_`=~]+|#(?=\w)", "", text).split()).rstrip(":")
