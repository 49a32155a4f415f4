"""packager.toml's ``[[bundles]]``, ``[[spotlight]]`` and ``[[causes]]``: several books from one pool, and the
work and causes they point readers to. Problems go to config's checker, reported with the rest of the file."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from packager.book.model import Cause, Recommendation

SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$")
#: Names a bundle's folder may not take: the site's own folders and files at the root of dist/.
RESERVED_SLUGS = ("read", "assets")


@dataclass(frozen=True)
class BundleConfig:
    """One ``[[bundles]]`` table: a book made of the pool's articles that match every criterion given."""

    slug: str
    title: str | None = None
    """The book's title; default: [book] title."""
    subtitle: str | None = None
    description: str | None = None
    include: tuple[str, ...] = ()
    """Glob patterns of article paths (relative to SOURCE) the book takes."""
    tags: tuple[str, ...] = ()
    """Articles with any of these tags (``tags = ["a", "b"]`` or ``tags = {any = [...]}``)."""
    all_tags: tuple[str, ...] = ()
    """Articles with all of these tags (``tags = {all = [...]}``)."""
    sections: tuple[str, ...] = ()
    """Folders (``guides``) or the site's sections (a nav section's title) whose articles the book takes."""
    exclude: tuple[str, ...] = ()
    """Glob patterns of article paths the book leaves out, whatever else matches."""
    order: tuple[str, ...] = ()
    """Article paths that come first, in this order; the rest keep the project's order."""
    cover: str | None = None
    license: str | None = None
    version: str | None = None


BUNDLE_KEYS = tuple(f for f in BundleConfig.__dataclass_fields__ if f != "all_tags")
SPOTLIGHT_KEYS = ("title", "author", "url", "why")
CAUSE_KEYS = ("name", "url", "why")


def _tables(check, key: str, value: Any) -> list[dict]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        check.problem(key, f"an array of tables ([[{key}]])", value)
        return []
    return value


def _unknown(check, key: str, raw: dict, allowed: tuple[str, ...]) -> None:
    for name in sorted(set(raw) - set(allowed)):
        check.problems.append(f"'{key}' has unknown key '{name}' (allowed: {', '.join(allowed)})")


def bundles(check, value: Any, spdx: re.Pattern) -> tuple[BundleConfig, ...]:
    """Each [[bundles]] table checked: a unique slug, strings and lists where they belong."""
    result: list[BundleConfig] = []
    seen: dict[str, int] = {}
    for i, raw in enumerate(_tables(check, "bundles", value)):
        key = f"bundles[{i}]"
        _unknown(check, key, raw, BUNDLE_KEYS)
        slug = check.string(f"{key}.slug", raw.get("slug"), SLUG, "lower-case letters, digits and hyphens")
        if raw.get("slug") is None:
            check.problems.append(f"'{key}' needs a 'slug' (the bundle's folder and file names)")
        if slug in RESERVED_SLUGS:
            check.problem(f"{key}.slug", f"a name other than {', '.join(RESERVED_SLUGS)} (folders of the site)", slug)
        elif slug in seen:
            check.problems.append(f"'{key}.slug' {slug!r} is taken by bundles[{seen[slug]}]; give each bundle its own")
        elif slug:
            seen[slug] = i
        any_tags, all_tags = _tags(check, f"{key}.tags", raw.get("tags"))
        version = raw.get("version")
        result.append(
            BundleConfig(
                slug=slug or f"bundle-{i + 1}",
                title=check.string(f"{key}.title", raw.get("title")),
                subtitle=check.string(f"{key}.subtitle", raw.get("subtitle")),
                description=check.string(f"{key}.description", raw.get("description")),
                include=check.strings(f"{key}.include", raw.get("include")),
                tags=any_tags,
                all_tags=all_tags,
                sections=check.strings(f"{key}.sections", raw.get("sections")),
                exclude=check.strings(f"{key}.exclude", raw.get("exclude")),
                order=check.strings(f"{key}.order", raw.get("order")),
                cover=check.string(f"{key}.cover", raw.get("cover")),
                license=check.string(f"{key}.license", raw.get("license"), spdx, "an SPDX licence id like 'CC-BY-4.0'"),
                version=str(version)
                if isinstance(version, (int, float)) and not isinstance(version, bool)
                else check.string(f"{key}.version", version),
            )
        )
    return tuple(result)


def _tags(check, key: str, value: Any) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """``["a", "b"]`` or ``{any = [...]}``: any of them; ``{all = [...]}``: all of them."""
    if value is None or isinstance(value, list):
        return check.strings(key, value), ()
    if isinstance(value, dict) and value and set(value) <= {"any", "all"}:
        return check.strings(f"{key}.any", value.get("any")), check.strings(f"{key}.all", value.get("all"))
    check.problem(key, "a list of tags, or {any = [...]} / {all = [...]}", value)
    return (), ()


def _links(check, table: str, value: Any, allowed: tuple[str, ...], name: str):
    """Each table of [[table]] checked as a link: its name key and an http(s) url required, the rest optional text.

    Yields (name, url, {optional key: value}) for the tables whose name and url are good.
    """
    for i, raw in enumerate(_tables(check, table, value)):
        key = f"{table}[{i}]"
        _unknown(check, key, raw, allowed)
        label = check.string(f"{key}.{name}", raw.get(name))
        url = check.string(f"{key}.url", raw.get("url"), URL, "an http(s) URL")
        for required in (name, "url"):
            if raw.get(required) is None:
                check.problems.append(f"'{key}' needs a '{required}'")
        optional = {k: check.string(f"{key}.{k}", raw.get(k)) for k in allowed if k not in (name, "url")}
        if label and url:
            yield label, url, optional


def spotlight(check, value: Any) -> tuple[Recommendation, ...]:
    """The [[spotlight]] tables: other people's work, each with a title and an http(s) url."""
    return tuple(
        Recommendation(title=title, url=url, **rest)
        for title, url, rest in _links(check, "spotlight", value, SPOTLIGHT_KEYS, "title")
    )


def causes(check, value: Any) -> tuple[Cause, ...]:
    """The [[causes]] tables: a name, an http(s) url and one line of why."""
    return tuple(
        Cause(name=name, url=url, **rest) for name, url, rest in _links(check, "causes", value, CAUSE_KEYS, "name")
    )
