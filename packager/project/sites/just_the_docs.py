"""Just the Docs' navigation (a Jekyll theme): pages by ``nav_order``, nested by ``parent`` and ``grand_parent``.

As the theme builds its sidebar: a page is in it when it has a ``title`` and
no ``nav_exclude: true``; a page without ``parent`` is at the top; a page's
children are those whose ``parent`` is its title and whose ``grand_parent``,
where they give one, is its own parent's title. Siblings are ordered by
``nav_order``: numbers first, by value, then strings, with a page that gives
none ordered by its title among them; as Liquid sorts, capitals before small
letters unless ``nav_sort: case_insensitive``. The collections named under
``just_the_docs.collections`` follow the site's pages, each a part with the
name given there. A page whose ``parent`` names no page in the navigation, a
page without a title and one with ``nav_exclude`` are left out, each with a
warning.
"""

from __future__ import annotations

from dataclasses import dataclass

from packager.project.sites import Entry
from packager.project.sites.site_files import LeftOut, string

#: Front matter keys only Just the Docs gives a meaning.
KEYS = ("nav_order", "parent", "grand_parent", "nav_exclude", "has_children")
HIDDEN = "pages the site's navigation hides"
ORPHANS = "pages whose parent is not in the navigation"


def used(settings: dict, metas: dict[str, dict]) -> bool:
    """Whether the site's navigation is Just the Docs': its theme, or a page that uses the theme's keys."""
    theme = f"{settings.get('theme') or ''} {settings.get('remote_theme') or ''}".lower()
    return "just-the-docs" in theme or any(key in meta for meta in metas.values() for key in KEYS)


@dataclass(frozen=True)
class _Page:
    rel: str
    title: str
    parent: str | None
    grand_parent: str | None
    order: tuple


def outline(
    settings: dict,
    metas: dict[str, dict],
    collections: dict[str, str],
    left_out: LeftOut,
    home: str | None = None,
) -> tuple[Entry, ...]:
    """The site's pages as the sidebar lists them, then each of the theme's collections as a part."""
    folded = settings.get("nav_sort") == "case_insensitive"
    in_collection = {
        name: [rel for rel in metas if rel.startswith(folder + "/")] for name, folder in collections.items()
    }
    of_collections = {rel for rels in in_collection.values() for rel in rels}
    site_pages = [rel for rel in metas if rel not in of_collections]
    entries = list(_tree({rel: metas[rel] for rel in site_pages}, folded, left_out, home))
    shown = settings.get("just_the_docs")
    shown = shown.get("collections") if isinstance(shown, dict) else None
    for name, options in (shown or {}).items() if isinstance(shown, dict) else ():
        options = options if isinstance(options, dict) else {}
        if options.get("nav_exclude") is True or name not in in_collection:
            continue
        children = _tree({rel: metas[rel] for rel in in_collection[name]}, folded, left_out, home)
        if children:
            entries.append(Entry(None, string(options.get("name")) or name, children))
    return tuple(entries)


def _tree(metas: dict[str, dict], folded: bool, left_out: LeftOut, home: str | None) -> tuple[Entry, ...]:
    candidates: list[_Page] = []
    for rel, meta in metas.items():
        title = string(meta.get("title"))
        if meta.get("nav_exclude") is True:
            _leave_out(rel, "nav_exclude: true", HIDDEN, left_out, home)
        elif title is None:
            why = "no title (Just the Docs lists no page without one)"
            _leave_out(rel, why, HIDDEN, left_out, home)
        else:
            parent, grand = string(meta.get("parent")), string(meta.get("grand_parent"))
            candidates.append(_Page(rel, title, parent, grand, _order(meta.get("nav_order"), title, folded)))
    candidates.sort(key=lambda page: page.order)
    placed: set[str] = set()

    def children(title: str | None, parent: str | None) -> tuple[Entry, ...]:
        found = []
        for page in candidates:
            if page.rel in placed or page.parent != title:
                continue
            if title is not None and page.grand_parent is not None and page.grand_parent != parent:
                continue
            placed.add(page.rel)
            found.append(page)
        return tuple(Entry(page.rel, None, children(page.title, page.parent)) for page in found)

    top = children(None, None)
    for page in candidates:
        if page.rel not in placed:
            why = f"parent {page.parent!r} is not a page in the navigation"
            _leave_out(page.rel, why, ORPHANS, left_out, home)
    return top


def _order(value, title: str, folded: bool) -> tuple:
    """Where nav_order puts a page among its siblings: numbers first, then strings (a title when it gives none)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return (0, float(value), "")
    text = str(value) if isinstance(value, str) and value.strip() else title
    return (1, 0.0, text.lower() if folded else text)


def _leave_out(rel: str, why: str, kind: str, left_out: LeftOut, home: str | None) -> None:
    if rel != home:  # the home page opens the book, whatever the sidebar shows
        left_out.add(rel, why, kind)
