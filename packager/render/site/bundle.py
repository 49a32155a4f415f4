"""Write <slug>.zip: the books, the credits and the licence together, as one deterministic download."""

from __future__ import annotations

import zipfile

from packager.book import licences
from packager.render.context import Output, RenderContext

FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest time a zip can hold; the same on every build


def licence_text(ctx: RenderContext) -> str:
    """The source's own licence file when it has one, else a notice that names and links the licence."""
    book = ctx.book
    if book.licence_text is not None:
        return book.licence_text
    if not book.license:
        return f"{book.title}\n\nNo licence was declared for this book.\n"
    licence = licences.lookup(book.license)
    lines = [f"{book.title}", "", f"Licensed under {licence.name} ({licence.id})."]
    if licence.url:
        lines.append(f"The full licence: {licence.url}")
    if book.credits.exceptions:
        lines += ["", "Some articles and items are under their own licences; see credits.json."]
    return "\n".join(lines) + "\n"


def render(ctx: RenderContext, files: list[Output]) -> list[Output]:
    """Zip the given files (and the licence text) under a folder named after the book."""
    name = f"{ctx.book.slug}.zip"
    entries = {f.path: (ctx.destination / f.path).read_bytes() for f in files}
    entries["LICENSE.txt"] = licence_text(ctx).encode("utf-8")
    with zipfile.ZipFile(ctx.destination / name, "w") as archive:
        for path in sorted(entries):
            info = zipfile.ZipInfo(f"{ctx.book.slug}/{path}", date_time=FIXED_TIME)
            info.external_attr = 0o644 << 16
            info.create_system = 3
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, entries[path], compresslevel=9)
    return [Output(name, "bundle")]
