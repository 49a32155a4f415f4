"""Embed the images an article points at: local files inside SOURCE only, named safely, typed by their bytes."""

from __future__ import annotations

import posixpath
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

from lxml import etree

from packager.book.model import Asset
from packager.content.context import ArticleContext

IMAGE_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".svg": "image/svg+xml",
    ".webp": "image/webp",
}


def resolve_images(root, ctx: ArticleContext) -> None:
    for img in list(root.iter("img")):
        src = (img.get("src") or "").strip()
        alt = img.get("alt") or ""
        asset = _asset_for(src, ctx)
        if asset is None:
            _replace_with_alt(img, alt)
            continue
        img.set("src", asset.href)
        if img.get("alt") is None:
            img.set("alt", "")


def _replace_with_alt(img, alt: str) -> None:
    link = next(img.iterancestors("a"), None)
    if not alt.strip() and link is not None and not "".join(link.itertext()).strip():
        # a link would be left with nothing to read: the image's file name names it instead
        alt = posixpath.basename(urlsplit(img.get("src") or "").path).rsplit(".", 1)[0] or "image"
    span = etree.Element("span", {"class": "image-omitted"})
    span.text = f"[{alt}]" if alt else ""
    span.tail = img.tail
    img.getparent().replace(img, span)


def _asset_for(src: str, ctx: ArticleContext) -> Asset | None:
    """Find the local file an image points at, or warn and return None."""
    if not src:
        ctx.warn("image without a source, left out", kind="images without a source")
        return None
    parts = urlsplit(src)
    if parts.scheme or parts.netloc:
        ctx.warn(
            f"remote image {src} is not fetched (books must be self-contained); its alt text is kept",
            src,
            kind="remote images not fetched",
        )
        return None
    path_part = unquote(parts.path)
    if path_part.startswith("/"):
        candidate = _site_absolute(path_part.lstrip("/"), ctx)
    else:
        candidate = ctx.source_dir / posixpath.dirname(ctx.rel) / path_part
    source_root = ctx.source_dir.resolve()
    try:
        resolved = candidate.resolve()
    except (OSError, RuntimeError):
        resolved = None
    if resolved is None or not resolved.is_relative_to(source_root):
        ctx.warn(
            f"image {src} is outside the source folder and is not read; its alt text is kept",
            src,
            kind="images outside the source folder",
        )
        return None
    if not resolved.is_file():
        ctx.warn(
            f"image {src} not found (looked for {resolved.relative_to(source_root).as_posix()}); its alt text is kept",
            src,
            kind="missing images",
        )
        return None
    if resolved in ctx.assets:
        return ctx.assets[resolved]
    media_type = sniff_image_type(resolved) or IMAGE_TYPES.get(resolved.suffix.lower())
    if media_type is None:
        ctx.warn(
            f"image {src} has an unsupported type (use PNG, JPEG, GIF, SVG or WebP); its alt text is kept",
            src,
            kind="images of an unsupported type",
        )
        return None
    if mislabelled(resolved, media_type):
        suffix = next(ext for ext, kind in IMAGE_TYPES.items() if kind == media_type)
        ctx.warn(
            f"image {src} is really {media_type}, not what its name says; packaged as {suffix}",
            src,
            kind="images named for another type",
        )
    ctx.assets[resolved] = place_asset(resolved, source_root, media_type, {a.href for a in ctx.assets.values()})
    return ctx.assets[resolved]


def _site_absolute(path: str, ctx: ArticleContext) -> Path:
    """A "/x.png" URL: the first of the site's asset folders (its docs or static folder) that holds it, else SOURCE's."""
    for folder in ctx.asset_dirs:
        candidate = ctx.source_dir / folder / path
        if candidate.is_file():
            return candidate
    return ctx.source_dir / path


def mislabelled(path: Path, media_type: str) -> bool:
    """Tell whether the file's name promises another type than its bytes have."""
    return IMAGE_TYPES.get(path.suffix.lower()) != media_type


def place_asset(resolved: Path, source_root: Path, media_type: str, taken: set[str]) -> Asset:
    """Name an image file's asset: a safe name under assets/, the right suffix, no href in taken."""
    name = asset_name(resolved.relative_to(source_root).as_posix())
    if mislabelled(resolved, media_type):
        suffix = next(ext for ext, kind in IMAGE_TYPES.items() if kind == media_type)
        name = name.rsplit(".", 1)[0] + suffix
    href = "assets/" + name.removeprefix("assets/")
    stem, _, suffix = href.rpartition(".")
    n = 2
    while href in taken:
        href, n = f"{stem}-{n}.{suffix}", n + 1
    return Asset(href=href, path=resolved, media_type=media_type)


def sniff_image_type(path: Path) -> str | None:
    """The media type the file's first bytes show, whatever its name says."""
    with path.open("rb") as handle:
        head = handle.read(512)
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if b"<svg" in head.lower():
        return "image/svg+xml"
    return None


def asset_name(rel: str) -> str:
    """A file name safe in a zip, a URL and on every reading system."""
    stem, dot, suffix = rel.rpartition(".")
    safe = re.sub(r"[^A-Za-z0-9_/-]+", "-", stem).strip("-/") or "file"
    return f"{safe}.{suffix.lower()}" if dot else safe


def locate_resource(src: str, ctx: ArticleContext) -> str:
    """Hugo looks a shortcode's image up beside the page, then among the site's global resources."""
    path = unquote(src.split("?", 1)[0].split("#", 1)[0])
    if not path or path.startswith("/") or re.match(r"[A-Za-z][\w+.-]*:", path):
        return src
    beside = (ctx.source_dir / posixpath.dirname(ctx.rel) / path).resolve()
    if beside.is_relative_to(ctx.source_dir.resolve()) and beside.is_file():
        return src
    return "/" + src.removeprefix("./") if "/" in path.strip("./") else src
