"""Render an article's Markdown body to a sanitised, well-formed XHTML fragment.

The pipeline is: preprocess (template syntax a book cannot run) -> the
dialect's reader (``readers``: CommonMark + GFM, or Python-Markdown) -> xhtml.sanitise (nh3 drops anything
unsafe, lxml and our repairs make it valid) -> the article's own transforms
(alerts, ids, images, links, notes) -> xhtml.serialise. The result is valid
inside an EPUB content document and inside the single HTML document the PDF is
made from.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from contextlib import suppress
from pathlib import PurePosixPath
from urllib.parse import unquote, urlsplit

from lxml import etree

from packager.book.model import Heading
from packager.book.slugs import heading_slug, unique
from packager.content import deflists, images, maths, site_passes, typography, url_breaks, xhtml
from packager.content.context import ArticleContext, Rendered
from packager.content.preprocess import Page, preprocess
from packager.content.readers import reader_for
from packager.content.urls import safe_url
from packager.content.vault import ArticleVault
from packager.project.dialect import MYST, OBSIDIAN, PYTHON_MARKDOWN, MarkdownDialect

_FENCE_LANGUAGE = re.compile(r"^[ \t>]*(?:`{3,}|~{3,})[ \t]*\{?[ \t]*\.?([\w+#.-]+)", re.M)


def warm_up(bodies: Iterable[str] = (), dialect: MarkdownDialect | None = None) -> None:
    """Make this thread's reader and the lexers the bodies' code fences name: worker processes inherit them."""
    from pygments.lexers import get_lexer_by_name
    from pygments.util import ClassNotFound

    reader_for(dialect or MarkdownDialect())
    for language in sorted({m.group(1).lower() for body in bodies for m in _FENCE_LANGUAGE.finditer(body)}):
        with suppress(ClassNotFound):
            get_lexer_by_name(language)  # the first instance compiles the lexer's patterns


def render(ctx: ArticleContext, text: str) -> Rendered:
    """Turn Markdown text into a sanitised XHTML fragment for one article."""
    labels = ctx.labels
    page = Page(
        warn=ctx.warn_at,
        locate_image=lambda src: images.locate_resource(src, ctx),
        remember=lambda needle, line: ctx.known_lines.setdefault(needle, line),
        myst=ctx.dialect.name == MYST,
        resolve=(lambda space, name: labels.target(ctx.rel, space, name)) if labels else (lambda space, name: None),
        substitutions=_substitutions(ctx),
        kernel_language=_kernel_language(ctx.meta),
        site=ctx.site,
    )
    obsidian = ctx.dialect.name == OBSIDIAN
    text = site_passes.run(ctx, xhtml.clean_text(text))
    if not obsidian:  # a vault has no site generator's templates: {{ }} there is maths or prose
        text = preprocess(text, page)
    if ctx.dialect.reader == PYTHON_MARKDOWN:
        text = deflists.reindent(text)
    vault = ArticleVault(ctx.vault, ctx) if obsidian and ctx.vault is not None else None
    env = {"resolve": page.resolve} | (vault.env() if vault else {})
    raw_html = reader_for(ctx.dialect).to_html(text, env)
    root = xhtml.sanitise(raw_html)
    if "math" in raw_html or "arithmatex" in raw_html:  # most articles have no formula, and many spans
        maths.convert(root, ctx)
    typography.smarten(root, ctx.language)
    _alerts(root, any_kind=obsidian)
    if obsidian:  # a note's title is its name; a first heading that says the same is not shown twice
        name = PurePosixPath(ctx.rel).stem
        _take_leading_title(root, only=name)
        title = name
    else:
        title = _take_leading_title(root)
    _demote_headings(root)
    _wrap_block_images(root)
    _make_figures(root)
    images.resolve_images(root, ctx)
    _add_ids(root)
    ids, local_ids = _prefix_ids(root, ctx.slug)
    _resolve_links(root, ctx, local_ids)
    _mark_notes(root, ctx.slug)
    headings = [
        Heading(int(el.tag[1]), el.get("id"), _text(el))
        for el in root.iter("h2", "h3", "h4", "h5", "h6")
        if el.get("id") and _embed_of(el) is None  # an embedded note's headings are not this article's
    ]
    if "://" in raw_html or "www." in raw_html or "mailto:" in raw_html:  # most paragraphs show no address
        url_breaks.insert(root)
    tags = vault.tags if vault else []
    return Rendered(html=xhtml.serialise(root), headings=headings, ids=ids, title_from_body=title, tags=tags)


def _text(el) -> str:
    return " ".join("".join(el.itertext()).split())


def _kernel_language(meta: dict) -> str:
    """Read the language of a MyST notebook's kernel from its jupytext front matter."""
    kernel = meta.get("kernelspec")
    language = kernel.get("language") if isinstance(kernel, dict) else None
    return language if isinstance(language, str) else ""


def _substitutions(ctx: ArticleContext) -> dict[str, str]:
    """Gather MyST's {{ key }} values: the project's, then the article's front matter's."""
    if ctx.dialect.name != MYST:
        return {}
    values = dict(ctx.dialect.option("substitutions", {}) or {})
    nested = ctx.meta.get("myst")
    own = nested.get("substitutions") if isinstance(nested, dict) else ctx.meta.get("substitutions")
    if isinstance(own, dict):
        values.update((str(k), v) for k, v in own.items() if isinstance(v, (str, int, float)))
    return {k: str(v) for k, v in values.items()}


def _take_leading_title(root, only: str | None = None) -> str | None:
    """Remove a leading '# Title' heading (when only is given, only one that reads only): the renderers print the title."""
    first = next((c for c in root if isinstance(c.tag, str) and c.get("class") != "myst-target"), None)
    if first is None or first.tag != "h1" or (root.text and root.text.strip()):
        return None
    title = _text(first)
    if only is not None and title.casefold() != " ".join(only.split()).casefold():
        return None
    xhtml.drop_tree(first)
    return title


def _demote_headings(root) -> None:
    """Shift body headings down when the body uses h1: only the article title is h1 (in an embedded note, likewise)."""
    for scope in [root, *(div for div in root.iter("div") if _is_embed(div))]:
        own = [
            el for el in scope.iter("h1", "h2", "h3", "h4", "h5") if _embed_of(el) is (None if scope is root else scope)
        ]
        if any(el.tag == "h1" for el in own):
            for el in own:
                el.tag = f"h{int(el.tag[1]) + 1}"


def _is_embed(el) -> bool:
    return el.tag == "div" and "embed" in (el.get("class") or "").split()


def _embed_of(el):
    """The embedded note el is part of (the nearest div.embed around it), or None."""
    return next((a for a in el.iterancestors("div") if _is_embed(a)), None)


_FLOW = {"div", "li", "blockquote", "dd", "details", "section", "aside"}


def _wrap_block_images(root) -> None:
    """An <img> standing as a block of its own (raw HTML, or a template call's) gets the <p> Markdown gives one."""
    for img in list(root.iter("img")):
        parent = img.getparent()
        if parent is None or parent.tag not in _FLOW or (img.tail or "").strip():
            continue
        previous = img.getprevious()
        before = previous.tail if previous is not None else parent.text
        if (before or "").strip():
            continue
        p = etree.Element("p")
        p.tail, img.tail = img.tail, None
        img.addprevious(p)
        p.append(img)


def _make_figures(root) -> None:
    """An image alone in a paragraph (or alone in a link there), with a title, becomes a captioned figure."""
    for p in list(root.iter("p")):
        holder = _only_child(p)
        img = _only_child(holder) if holder is not None and holder.tag == "a" else holder
        if img is None or img.tag != "img":
            continue
        caption = (img.get("title") or "").strip()
        if not caption:
            continue
        del img.attrib["title"]
        figure = etree.Element("figure")
        holder.tail = None
        figure.append(holder)
        figcaption = etree.SubElement(figure, "figcaption")
        figcaption.text = caption
        figure.tail = p.tail
        p.getparent().replace(p, figure)


def _only_child(el):
    """The one child element of el when el holds nothing else, else None."""
    children = [c for c in el if isinstance(c.tag, str)]
    if len(children) != 1 or (el.text or "").strip() or (children[0].tail or "").strip():
        return None
    return children[0]


_ALERT = re.compile(r"\s*\[!([\w-]+)\]([+-]?)[ \t]*")
#: GitHub's alert kinds, and Obsidian's callout types with their aliases (a vault may use any word).
ALERTS = {"note", "tip", "important", "warning", "caution", "danger", "details"}
CALLOUTS = {
    "abstract": "abstract", "summary": "abstract", "tldr": "abstract", "info": "info", "todo": "todo",
    "hint": "tip", "success": "success", "check": "success", "done": "success", "question": "question",
    "help": "question", "faq": "question", "attention": "warning", "failure": "failure", "fail": "failure",
    "missing": "failure", "error": "danger", "bug": "bug", "example": "example", "quote": "quote", "cite": "quote",
}  # fmt: skip


def _alerts(root, any_kind: bool = False) -> None:
    """GitHub alerts and Obsidian callouts (> [!NOTE] Title) become admonitions; a folded one is shown open."""
    for quote in list(root.iter("blockquote")):
        first = next((c for c in quote if isinstance(c.tag, str)), None)
        match = _ALERT.match(first.text or "") if first is not None and first.tag == "p" else None
        if not match or (quote.text or "").strip():
            continue
        written = match.group(1).lower()
        if written not in ALERTS and written not in CALLOUTS and not any_kind:
            continue
        family = CALLOUTS.get(written, written)
        first.text = first.text[match.end() :]
        title = _first_line(first)
        if written == "details" and not any(True for _ in quote.iterancestors("a")):
            box = etree.Element("details")
            head = etree.SubElement(box, "summary")
        else:
            classes = dict.fromkeys(("admonition", family, written))
            box = etree.Element("div", {"class": " ".join(classes)})
            head = etree.SubElement(box, "p", {"class": "admonition-title"})
        head.text = (title.text or "").lstrip()
        head.extend(list(title))
        if not _text(head):
            head.text = written.capitalize()
        if not (first.text or "").strip() and len(first) == 0:
            quote.remove(first)
        box.extend(list(quote))
        box.tail = quote.tail
        quote.getparent().replace(quote, box)


def _first_line(p):
    """Take the first line of a paragraph out of it, into a <span> (its text and inline elements)."""
    holder = etree.Element("span")
    head, newline, rest = (p.text or "").partition("\n")
    holder.text, p.text = head, rest if newline else None
    if newline:
        return holder
    for child in list(p):
        if child.tag == "br":
            p.text = (child.tail or "").lstrip("\n")
            p.remove(child)
            return holder
        head, newline, rest = (child.tail or "").partition("\n")
        child.tail = head
        holder.append(child)
        if newline:
            p.text = rest
            return holder
    return holder


def _add_ids(root) -> None:
    """Ids for headings and definition terms, as GitHub and Hugo make them: links written for those sites work."""
    taken = {el.get("id") for el in root.iter() if isinstance(el.tag, str) and el.get("id")}
    for el in root.iter("h1", "h2", "h3", "h4", "h5", "h6", "dt"):
        if el.get("id"):
            continue
        base = heading_slug(_text(el)) or ("term" if el.tag == "dt" else "section")
        new, n = base, 0
        while new in taken:
            n += 1
            new = f"{base}-{n}"
        taken.add(new)
        el.set("id", new)


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
    """Letters, digits and -_.: only: every id and #fragment stays a plain, valid URL fragment."""
    return re.sub(r"[^\w.:-]+", "-", value.strip()).strip("-") or "id"


def _resolve_links(root, ctx: ArticleContext, local_ids: dict[str, str]) -> None:
    """Point links between articles at book-internal ids; keep external links; unwrap the rest."""
    for a in list(root.iter("a")):
        href = (a.get("href") or "").strip()
        if not href:
            a.attrib.pop("href", None)
            if not a.get("id"):
                xhtml.drop_tag(a)  # nowhere to go (e.g. a template call that could not run): its text stays
            continue
        try:
            parts = urlsplit(href)
        except ValueError:
            parts = None
        if parts is not None and parts.scheme in ("http", "https", "mailto"):
            url = safe_url(href)
            if url is None:
                ctx.warn(f"link {href} is not a valid URL; the link was removed, its text kept", href)
                xhtml.drop_tag(a)
            else:
                a.set("href", url)
            continue
        if parts is None or parts.scheme or parts.netloc:
            ctx.warn(f"link {href} uses an unsupported scheme; the link was removed, its text kept", href)
            xhtml.drop_tag(a)
            continue
        if not parts.path:
            fragment = unquote(parts.fragment)
            target = local_ids.get(fragment) or (f"{ctx.slug}--{_id_safe(fragment)}" if fragment else ctx.slug)
            a.set("href", "#" + target)
            continue
        if href == "g":  # Hugo's glossary link: [term](g)
            target_slug = ctx.links.glossary(_text(a))
            if target_slug is None:
                xhtml.drop_tag(a)
            else:
                a.set("href", "#" + target_slug)
            continue
        target_slug = ctx.links.resolve(ctx.rel, unquote(parts.path))
        if target_slug is None and ctx.labels is not None and not parts.fragment:
            label = ctx.labels.find(unquote(parts.path))  # MyST's [text](label)
            target_slug = label and ctx.links.resolve("", "/" + label.rel)
            if target_slug is not None:
                if not _text(a):
                    a.text = label.title
                a.set("href", "#" + f"{target_slug}--{_id_safe(label.anchor)}")
                continue
        if target_slug is None:
            ctx.warn(
                f"link {href} does not point at an article in this book; the link was removed, its text kept", href
            )
            xhtml.drop_tag(a)
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
