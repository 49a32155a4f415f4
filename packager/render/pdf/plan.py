"""Which books are laid out in parts, and where the cuts fall: decided by the book alone, never by the jobs."""

from __future__ import annotations

import hashlib
import re

from packager.book.model import Article
from packager.project.themes import Theme
from packager.render.pdf.html import front_css, print_css

#: Estimated pages per part. Measured on 663- and 2,623-page books: a worker peaks at
#: 125–155 MB RSS whatever the book's length (one render of the 663 pages: ~590 MB); a
#: part takes ~5 s on one core, short enough to keep two cores busy to the end. Smaller parts save little memory but add font subsets (each
#: part embeds its own: the file grows ~15% at this size) and per-part costs.
CHUNK_PAGES = 60
#: A book shorter than this many (estimated) pages is laid out in one go: cutting it
#: would gain less than the parts' fixed costs (probe, front matter, merge).
MIN_SPLIT_PAGES = 2 * CHUNK_PAGES
#: On average one article in this many may end a part (see plan_parts).
CUT_EVERY = 3
#: Estimated characters of article HTML per page of the default A5 layout (measured:
#: ~1,850 on generated prose with tables and code, ~1,750 on opensource.guide); it only sizes the parts.
HTML_CHARS_PER_PAGE = 1900
#: The template declares that it can render parts of the book (see themes/base/pdf/book.html).
PARTS_MARKER = "packager: parts"


def estimated_pages(article: Article) -> float:
    """A rough page count for sizing the parts: one page for the title, then the HTML's length."""
    return pages_for(len(article.html))


def pages_for(chars: int) -> float:
    return 1 + chars / HTML_CHARS_PER_PAGE


def estimated_run_pages(book, run: range) -> float:
    return sum(estimated_pages(book.articles[i]) for i in run)


def plan_parts(articles, chunk_pages: float | None = None, min_split_pages: float | None = None) -> list[range]:
    """Cut the articles into runs of about chunk_pages estimated pages; one run when the book is short.

    A run ends after an article whose anchor hashes to a cut point once it holds
    half of chunk_pages, or at one and a half chunk_pages in any case. Cutting by
    content keeps the other runs, and so their cached layout, when one article
    grows or shrinks. Depends on the articles only (never on the number of jobs),
    so the output does not either.
    """
    chunk_pages = CHUNK_PAGES if chunk_pages is None else chunk_pages
    min_split_pages = MIN_SPLIT_PAGES if min_split_pages is None else min_split_pages
    sizes = [estimated_pages(a) for a in articles]
    if sum(sizes) < min_split_pages or len(articles) < 2:
        return [range(len(articles))]
    parts: list[range] = []
    start, filled = 0, 0.0
    for i, size in enumerate(sizes):
        if i > start and filled + size > chunk_pages * 1.5:
            parts.append(range(start, i))
            start, filled = i, 0.0
        filled += size
        if filled >= chunk_pages / 2 and _cut_point(articles[i].anchor):
            parts.append(range(start, i + 1))
            start, filled = i + 1, 0.0
    if start < len(articles):
        parts.append(range(start, len(articles)))
    if len(parts) > 1 and sum(sizes[i] for i in parts[-1]) < chunk_pages / 4:
        parts[-2:] = [range(parts[-2].start, parts[-1].stop)]  # no tiny last part
    return parts


def _cut_point(anchor: str) -> bool:
    """One article in CUT_EVERY may end a run: chosen by its anchor, so the choice never moves."""
    return int.from_bytes(hashlib.sha256(anchor.encode("utf-8")).digest()[:4], "big") % CUT_EVERY == 0


_UNSUPPORTED_CSS = [
    (
        re.compile(r"@page[^{]*:(left|right|first|nth|recto|verso)", re.I),
        "page selectors that depend on where a page falls",
    ),
    (re.compile(r"counter\(\s*pages\s*\)", re.I), "the total page count (counter(pages))"),
    (re.compile(r"break-(before|after)\s*:\s*(left|right|recto|verso)", re.I), "breaks to a left or right page"),
    (re.compile(r"\[\s*href\s*[\^|$*~]?=\s*[\"']?#", re.I), "selectors on internal link targets"),
]


_NAMED_PAGE = re.compile(r"@page\s+([A-Za-z_][\w-]*)\s*\{((?:[^{}]|\{[^{}]*\})*)\}")
_NO_HEAD = re.compile(r"@top-(left|center|right)\s*\{\s*content\s*:\s*none\s*;?\s*\}")


def _heads_only(css: str) -> set[str]:
    """The named pages whose rules only take the running heads away (a part's opening page): safe in parts.

    Their size, margins and footer are every page's, so the merge numbers them as it numbers the rest.
    """
    bodies: dict[str, list[str]] = {}
    for name, body in _NAMED_PAGE.findall(css):
        bodies.setdefault(name, []).append(body)
    return {name for name, found in bodies.items() if all(not _NO_HEAD.sub("", b).strip() for b in found)}


def parts_unsupported(theme: Theme) -> str | None:
    """Why this theme's book cannot be laid out in parts, or None when it can."""
    template = theme.read_text("pdf/book.html")
    if PARTS_MARKER not in template:
        return "the theme's pdf/book.html does not render parts (it lacks the 'packager: parts' comment)"
    css = print_css(theme)
    for pattern, what in _UNSUPPORTED_CSS:
        if pattern.search(css):
            return f"the theme's print.css uses {what}"
    if re.search(r"target-(counter|counters|text)\(", front_css(css), re.I):
        return "the theme's print.css refers to targets other than by target-counter(attr(href), page)"
    named = set(re.findall(r"@page\s+([A-Za-z_][\w-]*)", css)) - {"cover", "front"} - _heads_only(css)
    if named:
        return f"the theme's print.css has named pages ({', '.join(sorted(named))}) besides cover and front"
    return None
