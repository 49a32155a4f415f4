"""Editions of the book, read from CHANGELOG.md: one entry per released version, for the Atom feed."""

from __future__ import annotations

import re
from pathlib import Path

from packager.book.model import Edition
from packager.diagnostics import Diagnostics

CHANGELOG_NAMES = ("CHANGELOG.md", "CHANGELOG.markdown", "CHANGES.md")
# "## [1.2.0] - 2026-05-01", "## 1.2.0 (2026-05-01)", "## v1.2.0 — 2026-05-01"
_HEADING = re.compile(
    r"^##\s+\[?v?(?P<version>[0-9][^\]\s]*)\]?(?:\s*(?:[-–—(:]\s*)?(?P<date>\d{4}-\d{2}-\d{2})\)?)?\s*$"
)


def read(source: Path, diagnostics: Diagnostics) -> tuple[Edition, ...]:
    """The editions listed in SOURCE's changelog, newest first as written; none without a changelog."""
    path = next((source / n for n in CHANGELOG_NAMES if (source / n).is_file()), None)
    if path is None:
        return ()
    import markdown
    import nh3

    text = path.read_text(encoding="utf-8-sig", errors="replace").replace("\r\n", "\n")
    editions = []
    current: dict | None = None
    for line in text.splitlines():
        match = _HEADING.match(line.strip())
        if match:
            if current:
                editions.append(current)
            current = {"version": match["version"], "date": match["date"], "lines": []}
        elif current is not None:
            current["lines"].append(line)
    if current:
        editions.append(current)
    if not editions and text.strip():
        diagnostics.warn(
            path.name,
            "no '## 1.0.0 - 2026-01-31' style headings found; the feed lists only the current edition",
            kind="changelogs without edition headings",
        )
    return tuple(
        Edition(
            e["version"],
            e["date"],
            nh3.clean(markdown.markdown("\n".join(e["lines"]).strip()), url_schemes={"http", "https", "mailto"}),
        )
        for e in editions
    )
