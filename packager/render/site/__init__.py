"""The site, written after the books from their files: credits files, the ZIP, the download page, host files.

Everything here works from the books' outputs (``Output``) and the files in the
destination, never from another renderer's code; hashes and media types come
from ``packager/filefacts.py``.
"""

from __future__ import annotations

from packager.render.context import Output, RenderContext
from packager.render.site import bundle, credits_files, host_files, landing


def render(ctx: RenderContext, books: list[Output]) -> list[Output]:
    """Write the site around the books already in the destination; return every file written, books first."""
    credit_files = credits_files.render(ctx)
    bundled = bundle.render(ctx, books + credit_files)
    page = landing.render(ctx, books + bundled)
    outputs = books + bundled + credit_files + page
    return outputs + host_files.render(ctx, outputs)
