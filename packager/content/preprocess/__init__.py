"""Template syntax a book cannot run, turned into plain Markdown before Python-Markdown sees it.

Static-site generators let authors call templates from Markdown: Hugo
shortcodes (``{{< figure … >}}``, ``{{% include … %}}``), Jekyll's Liquid
(``{% include … %}``, ``{{ page.title }}``), MyST / Jupyter Book directives
and roles (```` ```{note} ````, ``{ref}`target` ``). The common ones become the
Markdown they stand for; the rest stay visible (inline ones as code, so no
template delimiter is ever mistaken for prose) or are left out, and each is
reported once per file with the line of its first use.

Code (fences, inline code, ``<pre>``) is never changed, except that the
escapes documentation uses to show a shortcode (``{{</* x */>}}``) and
Liquid's ``{% raw %}`` markers are undone, as Hugo and Jekyll do.

The work is done in two steps: a small lexer (``lexer``) cuts the text into
tokens (prose, code, shortcode tags, Liquid tags, MyST directives and roles),
then a rewriter (``rewrite``) pairs opening and closing shortcodes and writes
each token back as Markdown, handing template calls to ``hugo``, ``liquid``
and ``myst``. What they share is in ``model``; the Markdown they write is
built with ``emit``.
"""

from __future__ import annotations

from packager.content.preprocess.emit import QUOTE_BREAK, md_text
from packager.content.preprocess.lexer import Lexer
from packager.content.preprocess.model import Page, unescape_code
from packager.content.preprocess.rewrite import Renderer

__all__ = ["QUOTE_BREAK", "Page", "md_text", "preprocess", "unescape_code"]


def preprocess(text: str, page: Page) -> str:
    """Return text with the template syntax handled; warnings go to page.warn."""
    renderer = Renderer(text, page)
    out = renderer.render(Lexer(text, page.myst).tokens(0, len(text)))
    renderer.report()
    return out
