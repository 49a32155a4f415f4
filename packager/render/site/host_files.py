"""Write what a host and a verifier need: SHA256SUMS, manifest.json, feed.xml, sitemap.xml, robots.txt."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from html import escape as _html_escape
from pathlib import Path

from packager import __version__
from packager.book.model import Edition
from packager.filefacts import media_type, sha256
from packager.formats import NAMES
from packager.render.context import Output, RenderContext, SiteContext


def escape(text: str) -> str:
    """&, < and > as XML text needs them (what xml.sax.saxutils.escape does, without importing urllib)."""
    return _html_escape(text, quote=False)


def render(ctx: RenderContext, outputs: list[Output]) -> list[Output]:
    """Write the feed, sitemap and robots.txt, then checksums and the manifest over every file."""
    written: list[Output] = [Output("feed.xml", "publish")]
    (ctx.destination / "feed.xml").write_text(atom_feed(ctx, outputs), encoding="utf-8")
    if ctx.book.base_url:
        (ctx.destination / "sitemap.xml").write_text(sitemap(ctx, outputs), encoding="utf-8")
        (ctx.destination / "robots.txt").write_text(
            f"User-agent: *\nAllow: /\nSitemap: {ctx.book.base_url}sitemap.xml\n", encoding="utf-8"
        )
        written += [Output("sitemap.xml", "publish"), Output("robots.txt", "publish")]
    about = {"book": ctx.book.title, "slug": ctx.book.slug, "version": ctx.book.version}
    return written + _checksums(ctx.destination, [*outputs, *written], {**about, "built": ctx.book.modified})


def _checksums(destination: Path, outputs: list[Output], about: dict) -> list[Output]:
    """manifest.json (every file's size, hash and type) and SHA256SUMS over every file, the manifest too."""
    everything = sorted({o.path: o for o in outputs}.values(), key=lambda o: o.path)
    files = [
        {
            "path": o.path,
            "size": (destination / o.path).stat().st_size,
            "sha256": sha256(destination / o.path),
            "media_type": media_type(o.path),
            **({"pages": o.pages} if o.pages is not None else {}),
        }
        for o in everything
    ]
    manifest = {"generator": f"packager {__version__}", **about, "files": files}
    (destination / "manifest.json").write_text(
        json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    sums = [(f["sha256"], f["path"]) for f in files] + [(sha256(destination / "manifest.json"), "manifest.json")]
    (destination / "SHA256SUMS").write_text(
        "".join(f"{h}  {p}\n" for h, p in sorted(sums, key=lambda x: x[1])), encoding="utf-8"
    )
    return [Output("manifest.json", "publish"), Output("SHA256SUMS", "publish")]


def render_site(ctx: SiteContext, outputs: list[Output]) -> list[Output]:
    """The host files of a site of several books: one feed of them all, the sitemap, checksums over everything."""
    library = ctx.library
    base = library.base_url or ""
    written: list[Output] = [Output("feed.xml", "publish")]
    (ctx.destination / "feed.xml").write_text(library_feed(ctx, outputs), encoding="utf-8")
    if library.base_url:
        pages = sorted(o.path for o in outputs if o.path.endswith(".html"))
        (ctx.destination / "sitemap.xml").write_text(_sitemap(base, pages, ctx.epoch), encoding="utf-8")
        (ctx.destination / "robots.txt").write_text(
            f"User-agent: *\nAllow: /\nSitemap: {base}sitemap.xml\n", encoding="utf-8"
        )
        written += [Output("sitemap.xml", "publish"), Output("robots.txt", "publish")]
    about = {
        "library": library.title,
        "books": [{"slug": b.slug, "title": b.title, "version": b.version, "folder": b.folder} for b in library.books],
        "built": library.modified,
    }
    return written + _checksums(ctx.destination, [*outputs, *written], about)


def library_feed(ctx: SiteContext, outputs: list[Output]) -> str:
    """Atom 1.0 for a library: one entry per book, its current edition, with its files as enclosures."""
    library = ctx.library
    base = library.base_url or ""
    entries = []
    for book in library.books:
        edition = book.editions[0] if book.editions else None
        updated = f"{edition.date}T00:00:00Z" if edition and edition.date else book.modified
        notes = edition.notes_html if edition else (f"<p>{escape(book.description)}</p>" if book.description else "")
        version = book.version or (edition.version if edition else "current")
        links = "".join(
            f'    <link rel="enclosure" type="{media_type(o.path)}" href="{escape(base + o.path)}"/>\n'
            for o in outputs
            if o.path.startswith(book.folder) and o.kind in (*NAMES, "bundle")
        )
        entries.append(
            "  <entry>\n"
            f"    <id>{escape(book.identifier)}:edition:{escape(version)}</id>\n"
            f"    <title>{escape(book.title)} {escape(version)}</title>\n"
            f"    <updated>{updated}</updated>\n"
            f'    <link rel="alternate" type="text/html" href="{escape(base + book.folder + "index.html")}"/>\n'
            f"{links}"
            f'    <content type="html">{escape(notes)}</content>\n'
            "  </entry>\n"
        )
    authors = sorted({p.name for b in library.books for p in b.authors})
    people = "".join(f"  <author><name>{escape(n)}</name></author>\n" for n in authors) or (
        f"  <author><name>{escape(library.title)}</name></author>\n"
    )
    newest = max([e.split("<updated>")[1].split("</updated>")[0] for e in entries], default=library.modified)
    self_link = f'  <link rel="self" href="{escape(base + "feed.xml")}"/>\n' if library.base_url else ""
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<feed xmlns="http://www.w3.org/2005/Atom">\n'
        f"  <id>{escape(library.identifier)}</id>\n"
        f"  <title>{escape(library.title)}: new books and editions</title>\n"
        f"  <updated>{newest}</updated>\n"
        f"{self_link}{people}"
        f'  <generator version="{__version__}">packager</generator>\n' + "".join(entries) + "</feed>\n"
    )


def _url(ctx: RenderContext, path: str = "") -> str:
    return (ctx.book.base_url or "") + path


def atom_feed(ctx: RenderContext, outputs: list[Output]) -> str:
    """Atom 1.0: one entry per edition from CHANGELOG.md, else one for the current edition."""
    book = ctx.book
    built = book.modified
    downloads = [o for o in outputs if o.kind in (*NAMES, "bundle")]
    entries = []
    editions = book.editions or ()
    if not editions:
        notes = f"<p>{escape(book.description)}</p>" if book.description else ""
        editions = (Edition(book.version or "current", built[:10], notes),)
    for edition in editions:
        updated = f"{edition.date}T00:00:00Z" if edition.date else built
        links = (
            "".join(
                f'    <link rel="enclosure" type="{media_type(o.path)}" href="{escape(_url(ctx, o.path))}"/>\n'
                for o in downloads
            )
            if edition is editions[0]
            else ""
        )
        entries.append(
            "  <entry>\n"
            f"    <id>{escape(book.identifier)}:edition:{escape(edition.version)}</id>\n"
            f"    <title>{escape(book.title)} {escape(edition.version)}</title>\n"
            f"    <updated>{updated}</updated>\n"
            f'    <link rel="alternate" type="text/html" href="{escape(_url(ctx, "index.html") if book.base_url else "index.html")}"/>\n'
            f"{links}"
            f'    <content type="html">{escape(edition.notes_html)}</content>\n'
            "  </entry>\n"
        )
    authors = "".join(f"  <author><name>{escape(p.name)}</name></author>\n" for p in book.authors) or (
        f"  <author><name>{escape(book.title)}</name></author>\n"
    )
    newest = max([e.split("<updated>")[1].split("</updated>")[0] for e in entries], default=built)
    self_link = f'  <link rel="self" href="{escape(_url(ctx, "feed.xml"))}"/>\n' if book.base_url else ""
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<feed xmlns="http://www.w3.org/2005/Atom">\n'
        f"  <id>{escape(book.identifier)}</id>\n"
        f"  <title>{escape(book.title)}: editions</title>\n"
        f"  <updated>{newest}</updated>\n"
        f"{self_link}{authors}"
        f'  <generator version="{__version__}">packager</generator>\n' + "".join(entries) + "</feed>\n"
    )


def sitemap(ctx: RenderContext, outputs: list[Output]) -> str:
    return _sitemap(ctx.book.base_url or "", sorted(o.path for o in outputs if o.path.endswith(".html")), ctx.epoch)


def _sitemap(base: str, pages: list[str], epoch: int) -> str:
    day = datetime.fromtimestamp(epoch, tz=UTC).strftime("%Y-%m-%d")
    urls = "".join(
        f"  <url><loc>{escape(base + p.removesuffix('index.html'))}</loc><lastmod>{day}</lastmod></url>\n"
        for p in pages
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n' + urls + "</urlset>\n"
    )
