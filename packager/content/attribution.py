"""Who made what, read from one article's front matter: contributors, the original source, third-party items,
and the other people's work it recommends."""

from __future__ import annotations

from packager.book.model import CreditItem, OriginalSource, Person, Recommendation
from packager.book.roles import role_code
from packager.content.urls import safe_url
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


def recommendations(meta: dict, rel: str, diagnostics: Diagnostics) -> tuple[Recommendation, ...]:
    """The ``recommends:`` entries of one article's front matter: each needs a title and an http(s) url."""
    raw = meta.get("recommends") or []
    if not isinstance(raw, list):
        raw = [raw]
    found = []
    for entry in raw:
        recommendation = _recommendation(entry, rel)
        if recommendation is None:
            diagnostics.warn(
                rel,
                f"front matter: recommendation {entry!r} must be a mapping like {{title, url, author, why}} "
                "with a title and an http(s) url; ignored",
                kind="front matter entries ignored",
            )
            continue
        found.append(recommendation)
    return tuple(found)


def _recommendation(entry, rel: str) -> Recommendation | None:
    """One entry as a Recommendation, or None when it lacks a title or an http(s) url, or a value is not text."""
    if not isinstance(entry, dict):
        return None
    values = {}
    for key in ("title", "url", "author", "why"):
        value = entry.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            values[key] = None
        elif isinstance(value, str):
            values[key] = " ".join(value.split())
        else:
            return None
    url = values["url"]
    if not values["title"] or not url or not url.lower().startswith(("http://", "https://")) or not safe_url(url):
        return None
    return Recommendation(
        title=values["title"], url=safe_url(url), author=values["author"], why=values["why"], article=rel
    )
