"""The library page: the root index.html of a site of several books."""

from __future__ import annotations

from packager.render.context import Output, SiteContext


def render(ctx: SiteContext, outputs: list[Output]) -> list[Output]:
    """Write index.html presenting every book (cover, one line, formats with sizes) and return what was written."""
    return []
