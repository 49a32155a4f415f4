"""The web edition: one page per article under read/ (helper to fill in)."""

from __future__ import annotations

from packager.render.context import Output, SiteContext


def render(ctx: SiteContext) -> list[Output]:
    """Write read/<article>/index.html for every article in the library; return what was written."""
    return []
