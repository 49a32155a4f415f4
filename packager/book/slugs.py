"""Slugs: the short, safe names used for files and ids."""

from __future__ import annotations

import re
import unicodedata


def slugify(text: str, fallback: str = "book") -> str:
    """Lower-case ASCII letters, digits and hyphens: safe in file names and URLs."""
    normal = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", normal.lower()).strip("-")
    return slug or fallback


def heading_slug(text: str) -> str:
    """The id GitHub (and so packager) gives a heading of this text: what links to the heading must name."""
    from pymdownx.slugs import slugify as github

    return github(case="lower")(text, "-")


def unique(candidate: str, taken: set[str] | dict) -> str:
    """Return candidate, or candidate-2, -3 … whichever is not taken yet."""
    if candidate not in taken:
        return candidate
    n = 2
    while f"{candidate}-{n}" in taken:
        n += 1
    return f"{candidate}-{n}"
