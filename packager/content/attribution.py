"""Who made what, read from one article's front matter: contributors, the original source, third-party items."""

from __future__ import annotations

from packager.book.model import CreditItem, OriginalSource, Person
from packager.book.roles import role_code
from packager.diagnostics import Diagnostics


def read_article(meta: dict, rel: str, diagnostics: Diagnostics):
    """Contributors, original source and third-party items named in one article's front matter."""
    return _contributors(meta, rel, diagnostics), _original(meta, rel, diagnostics), _items(meta, rel, diagnostics)


def _contributors(meta: dict, rel: str, diagnostics: Diagnostics) -> tuple[Person, ...]:
    raw = meta.get("contributors") or []
    if not isinstance(raw, list):
        raw = [raw]
    people = []
    for entry in raw:
        if isinstance(entry, str) and entry.strip():
            people.append(Person(entry.strip(), role="ctb"))
            continue
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
            diagnostics.warn(
                rel,
                f"front matter: contributor {entry!r} needs at least a name; ignored",
                kind="front matter entries ignored",
            )
            continue
        role = entry.get("role", "contributor")
        code = role_code(str(role))
        if code is None:
            diagnostics.warn(
                rel,
                f"front matter: contributor role {role!r} is not a known role or MARC relator code; credited as contributor",
                kind="unknown contributor roles",
            )
            code = "ctb"
        url = entry.get("url") if isinstance(entry.get("url"), str) else None
        people.append(Person(entry["name"].strip(), url, code))
    return tuple(people)


def _original(meta: dict, rel: str, diagnostics: Diagnostics) -> OriginalSource | None:
    raw = meta.get("source")
    if raw is None:
        return None
    if isinstance(raw, str) and raw.strip():
        return OriginalSource(url=raw.strip())
    if isinstance(raw, dict):
        values = {k: (str(raw[k]) if raw.get(k) is not None else None) for k in ("url", "title", "publisher", "date")}
        return OriginalSource(**values)
    diagnostics.warn(
        rel,
        "front matter: 'source' must be a URL or {url, title, publisher, date}; ignored",
        kind="front matter entries ignored",
    )
    return None


def _items(meta: dict, rel: str, diagnostics: Diagnostics) -> tuple[CreditItem, ...]:
    raw = meta.get("credits") or []
    if not isinstance(raw, list):
        raw = [raw]
    items = []
    for entry in raw:
        if not isinstance(entry, dict):
            diagnostics.warn(
                rel,
                f"front matter: credit {entry!r} must be a mapping like {{file, title, author, source, license}}; ignored",
                kind="front matter entries ignored",
            )
            continue
        values = {
            k: (str(entry[k]) if entry.get(k) not in (None, "") else None)
            for k in ("title", "author", "source", "license", "file")
        }
        modified = entry.get("modified")
        modified = (
            ("modified" if modified else None) if isinstance(modified, bool) else (str(modified) if modified else None)
        )
        items.append(CreditItem(modified=modified, article=rel, **values))
    return tuple(items)
