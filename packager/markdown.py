"""Render an article's Markdown body to a sanitised, well-formed XHTML fragment.

The pipeline is: Python-Markdown (+ pymdown-extensions) -> nh3 (drops anything
unsafe) -> lxml (repairs the tree, resolves images and links, makes every id
unique in the book) -> XML serialisation. The result is valid inside an EPUB
content document and inside the single HTML document the PDF is made from.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

import markdown as md
import nh3
from lxml import etree
from lxml import html as lxml_html

from packager.book import Asset, Heading
from packager.diagnostics import Diagnostics
from packager.linkmap import LinkMap
from packager.slugs import unique

EXTENSIONS = [
    "abbr",
    "attr_list",
    "def_list",
    "footnotes",
    "md_in_html",
    "tables",
    "toc",
    "smarty",
    "admonition",
    "pymdownx.superfences",
    "pymdownx.highlight",
    "pymdownx.inlinehilite",
    "pymdownx.tasklist",
    "pymdownx.tilde",
    "pymdownx.caret",
    "pymdownx.mark",
    "pymdownx.betterem",
]
EXTENSION_CONFIGS = {
    "footnotes": {"SEPARATOR": "-", "BACKLINK_TEXT": "\u21a9\ufe0e"},
    "toc": {"permalink": False},
    "smarty": {"smart_angled_quotes": False},
    "pymdownx.highlight": {"use_pygments": True, "css_class": "highlight", "guess_lang": False},
    "pymdownx.tasklist": {"custom_checkbox": False},
}

_SAFE_TAGS = {
    "a",
    "abbr",
    "aside",
    "b",
    "blockquote",
    "br",
    "caption",
    "cite",
    "code",
    "col",
    "colgroup",
    "dd",
    "del",
    "details",
    "dfn",
    "div",
    "dl",
    "dt",
    "em",
    "figcaption",
    "figure",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "img",
    "ins",
    "kbd",
    "li",
    "mark",
    "ol",
    "p",
    "pre",
    "q",
    "s",
    "samp",
    "section",
    "small",
    "span",
    "strong",
    "sub",
    "summary",
    "sup",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "time",
    "tr",
    "u",
    "ul",
    "var",
    "wbr",
    # Form controls are kept only long enough to be turned into static text.
    "input",
    "label",
    "select",
    "option",
    "button",
    "textarea",
}
_SAFE_ATTRIBUTES = {
    "*": {"id", "class", "title", "lang", "dir", "style"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "ol": {"start", "reversed", "type"},
    "li": {"value"},
    "abbr": {"title"},
    "time": {"datetime"},
    "input": {"type", "checked", "value"},
    "option": {"selected"},
    "details": {"open"},
}
_FORM_CONTROLS = {"input", "select", "option", "button", "textarea", "label"}
IMAGE_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".svg": "image/svg+xml",
    ".webp": "image/webp",
}


@dataclass
class Rendered:
    """The result of rendering one article body."""

    html: str
    headings: list[Heading] = field(default_factory=list)
    ids: set[str] = field(default_factory=set)
    title_from_body: str | None = None


@dataclass
class ArticleContext:
    """What rendering one article needs to know about the rest of the book."""

    source_dir: Path
    rel: str  # the article's path relative to source_dir
    slug: str
    body_line: int
    body: str
    links: LinkMap
    assets: dict[Path, Asset]  # shared across the book: source file -> embedded asset
    diagnostics: Diagnostics

    def line_of(self, needle: str) -> int | None:
        """Best-effort line number of the first occurrence of needle in the file."""
        index = self.body.find(needle) if needle else -1
        if index < 0:
            return None
        return self.body_line + self.body.count("\n", 0, index)

    def warn(self, message: str, needle: str = "") -> None:
        self.diagnostics.warn(self.rel, message, self.line_of(needle))


def _converter() -> md.Markdown:
    return md.Markdown(extensions=EXTENSIONS, extension_configs=EXTENSION_CONFIGS, output_format="xhtml")


def render(ctx: ArticleContext, text: str) -> Rendered:
    """Turn Markdown text into a sanitised XHTML fragment for one article."""
    raw_html = _converter().convert(text)
    clean = nh3.clean(
        raw_html,
        tags=_SAFE_TAGS,
        attributes=_SAFE_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel=None,
        strip_comments=True,
        filter_style_properties={"text-align"},
    )
    root = lxml_html.fragment_fromstring(clean, create_parent="div")
    _replace_form_controls(root)
    _drop_invalid_attributes(root)
    title = _take_leading_title(root)
    _demote_headings(root)
    _resolve_images(root, ctx)
    _make_figures(root)
    ids, local_ids = _prefix_ids(root, ctx.slug)
    _resolve_links(root, ctx, local_ids)
    _mark_notes(root, ctx.slug)
    headings = [
        Heading(int(el.tag[1]), el.get("id"), _text(el))
        for el in root.iter("h2", "h3", "h4", "h5", "h6")
        if el.get("id")
    ]
    body = "".join(_serialise(child) for child in root)
    if root.text and root.text.strip():
        body = _escape(root.text) + body
    return Rendered(html=body, headings=headings, ids=ids, title_from_body=title)


def _serialise(el) -> str:
    return etree.tostring(el, method="xml", encoding="unicode", with_tail=True)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _text(el) -> str:
    return " ".join("".join(el.itertext()).split())


def _unwrap(el) -> None:
    """Remove el but keep its text and children in place."""
    parent = el.getparent()
    if parent is None:
        return
    el.drop_tag()


def _replace_form_controls(root) -> None:
    """Turn checkboxes into ☐/☑ and unwrap or drop other controls: a book cannot submit a form."""
    for el in list(root.iter(*_FORM_CONTROLS)):
        if el.getparent() is None:
            continue
        if el.tag == "input" and el.get("type", "").lower() in ("checkbox", "radio"):
            checked = el.get("checked") is not None
            mark = etree.Element("span", {"class": "task-mark"})
            mark.text = ("\u2611" if checked else "\u2610") + " "
            mark.tail = el.tail
            el.getparent().replace(el, mark)
        elif el.tag in ("input", "textarea", "select"):
            el.drop_tree()
        else:  # label, button, option
            el.drop_tag()


def _drop_invalid_attributes(root) -> None:
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        style = el.get("style")
        if style is not None:
            match = re.fullmatch(r"\s*text-align:\s*(left|right|center|justify)\s*;?\s*", style)
            if match:
                el.set("style", f"text-align: {match.group(1)}")
            else:
                del el.attrib["style"]
        for name in list(el.attrib):
            if not el.get(name):
                if name in ("alt",):
                    continue
                del el.attrib[name]


def _take_leading_title(root) -> str | None:
    """Remove a leading '# Title' heading: the renderers print the title themselves."""
    first = next((c for c in root if isinstance(c.tag, str)), None)
    if first is None or first.tag != "h1" or (root.text and root.text.strip()):
        return None
    title = _text(first)
    first.drop_tree()
    return title


def _demote_headings(root) -> None:
    """Shift body headings down when the body uses h1: only the article title is h1."""
    if not any(True for _ in root.iter("h1")):
        return
    for el in list(root.iter("h1", "h2", "h3", "h4", "h5")):
        el.tag = f"h{int(el.tag[1]) + 1}"


def _resolve_images(root, ctx: ArticleContext) -> None:
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
    span = etree.Element("span", {"class": "image-omitted"})
    span.text = f"[{alt}]" if alt else ""
    span.tail = img.tail
    img.getparent().replace(img, span)


def _asset_for(src: str, ctx: ArticleContext) -> Asset | None:
    """Find the local file an image points at, or warn and return None."""
    if not src:
        ctx.warn("image without a source, left out")
        return None
    parts = urlsplit(src)
    if parts.scheme or parts.netloc:
        ctx.warn(f"remote image {src} is not fetched (books must be self-contained); its alt text is kept", src)
        return None
    path_part = unquote(parts.path)
    if path_part.startswith("/"):
        candidate = ctx.source_dir / path_part.lstrip("/")
    else:
        candidate = ctx.source_dir / posixpath.dirname(ctx.rel) / path_part
    source_root = ctx.source_dir.resolve()
    try:
        resolved = candidate.resolve()
    except (OSError, RuntimeError):
        resolved = None
    if resolved is None or not resolved.is_relative_to(source_root):
        ctx.warn(f"image {src} is outside the source folder and is not read; its alt text is kept", src)
        return None
    if not resolved.is_file():
        ctx.warn(
            f"image {src} not found (looked for {resolved.relative_to(source_root).as_posix()}); its alt text is kept",
            src,
        )
        return None
    if resolved in ctx.assets:
        return ctx.assets[resolved]
    declared = IMAGE_TYPES.get(resolved.suffix.lower())
    media_type = sniff_image_type(resolved) or declared
    if media_type is None:
        ctx.warn(f"image {src} has an unsupported type (use PNG, JPEG, GIF, SVG or WebP); its alt text is kept", src)
        return None
    rel = resolved.relative_to(source_root).as_posix()
    name = asset_name(rel)
    if media_type != declared:
        suffix = next(ext for ext, kind in IMAGE_TYPES.items() if kind == media_type)
        ctx.warn(f"image {src} is really {media_type}, not what its name says; packaged as {suffix}", src)
        name = name.rsplit(".", 1)[0] + suffix
    taken = {a.href for a in ctx.assets.values()}
    href = "assets/" + name.removeprefix("assets/")
    stem, _, suffix = href.rpartition(".")
    n = 2
    while href in taken:
        href, n = f"{stem}-{n}.{suffix}", n + 1
    ctx.assets[resolved] = Asset(href=href, path=resolved, media_type=media_type)
    return ctx.assets[resolved]


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


def _make_figures(root) -> None:
    """An image alone in a paragraph, with a title, becomes a figure with that caption."""
    for p in list(root.iter("p")):
        children = [c for c in p if isinstance(c.tag, str)]
        if len(children) != 1 or children[0].tag != "img" or (p.text or "").strip() or (children[0].tail or "").strip():
            continue
        img = children[0]
        caption = (img.get("title") or "").strip()
        if not caption:
            continue
        del img.attrib["title"]
        figure = etree.Element("figure")
        img.tail = None
        figure.append(img)
        figcaption = etree.SubElement(figure, "figcaption")
        figcaption.text = caption
        figure.tail = p.tail
        p.getparent().replace(p, figure)


def _prefix_ids(root, slug: str) -> tuple[set[str], dict[str, str]]:
    """Make every id unique in the book by prefixing the article's slug.

    Returns the new ids and the map from each original id to its new one.
    """
    seen: set[str] = {slug}
    mapping: dict[str, str] = {}
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        old = el.get("id")
        if old is None:
            continue
        new = unique(f"{slug}--{_id_safe(old)}", seen)
        seen.add(new)
        mapping.setdefault(old, new)
        el.set("id", new)
    return seen, mapping


def _id_safe(value: str) -> str:
    return re.sub(r"\s+", "-", value.strip()) or "id"


def _resolve_links(root, ctx: ArticleContext, local_ids: dict[str, str]) -> None:
    """Point links between articles at book-internal ids; keep external links; unwrap the rest."""
    for a in list(root.iter("a")):
        href = (a.get("href") or "").strip()
        if not href:
            if a.get("href") is not None:
                del a.attrib["href"]
            continue
        parts = urlsplit(href)
        if parts.scheme in ("http", "https", "mailto"):
            continue
        if parts.scheme or parts.netloc:
            ctx.warn(f"link {href} uses an unsupported scheme; the link was removed, its text kept", href)
            a.drop_tag()
            continue
        if not parts.path:
            fragment = unquote(parts.fragment)
            target = local_ids.get(fragment) or (f"{ctx.slug}--{_id_safe(fragment)}" if fragment else ctx.slug)
            a.set("href", "#" + target)
            continue
        target_slug = ctx.links.resolve(ctx.rel, unquote(parts.path))
        if target_slug is None:
            ctx.warn(
                f"link {href} does not point at an article in this book; the link was removed, its text kept", href
            )
            a.drop_tag()
            continue
        fragment = unquote(parts.fragment)
        a.set("href", "#" + (f"{target_slug}--{_id_safe(fragment)}" if fragment else target_slug))


def _mark_notes(root, slug: str) -> None:
    """Give footnotes the classes the renderers style and tag (noteref / footnote)."""
    for div in root.iter("div"):
        if "footnote" in (div.get("class") or "").split():
            div.set("class", "footnotes")
            for hr in div.findall("hr"):
                div.remove(hr)
    for a in root.iter("a"):
        cls = (a.get("class") or "").split()
        if "footnote-ref" in cls:
            a.set("class", "noteref")
        elif "footnote-backref" in cls:
            a.set("class", "backlink")
            if a.get("title"):
                del a.attrib["title"]
            a.set("aria-label", "Back to the text")
