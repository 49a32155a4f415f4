"""What a MkDocs site's own Markdown hooks write in its pages, which a book cannot run: ``{* file *}`` includes.

Some projects (FastAPI's docs, and the sites that copy its hooks) include
code from their sources with ``{* ../src/app.py hl[3] *}``, which a hook of
the project's own turns into a code block. packager runs no site code: each
such call is kept visible, as inline code so that no ``*`` in it is read as
emphasis, and is reported once per page at its first use. Code (fences,
inline code) is left as it is. mkdocs-macros' ``{{ … }}`` and ``{% … %}`` are
the template preprocessor's (``liquid``), which names them for a MkDocs site.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from packager.content.preprocess.emit import code_span
from packager.content.preprocess.lexer import Lexer

if TYPE_CHECKING:
    from packager.content.context import ArticleContext

_HOOK_CALL = re.compile(r"\{\*(?!\*)[^\n]*?\*\}")


def hook_calls(ctx: ArticleContext, text: str) -> str:
    """The page with each ``{* … *}`` call as inline code, and one warning when it has any."""
    if "{*" not in text:
        return text
    out, uses, first = [], 0, None
    for token in Lexer(text).tokens(0, len(text)):
        piece = text[token.start : token.end]
        if token.kind == "text":
            found = list(_HOOK_CALL.finditer(piece))
            if found and first is None:
                first = text.count("\n", 0, token.start + found[0].start())
            uses += len(found)
            piece = _HOOK_CALL.sub(lambda m: code_span(m.group(0)), piece)
        out.append(piece)
    if uses:
        ctx.warn_at(
            f"a MkDocs hook's {{* \u2026 *}} include cannot run in a book: left as text"
            f"{f' ({uses} uses)' if uses > 1 else ''}; write what it includes in the page if the book needs it",
            first,
        )
    return "".join(out)
