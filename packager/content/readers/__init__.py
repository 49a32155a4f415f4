"""The Markdown readers: each turns one article's Markdown into HTML, and both feed the same stage.

``commonmark`` (markdown-it-py with mdit-py-plugins) reads CommonMark + GFM,
the default. ``python_markdown`` reads Python-Markdown's dialect, the one
MkDocs writes. Each writes the HTML shapes the rest of ``content`` expects
(footnotes, admonitions, task lists, highlighted code), so that where the two
dialects agree the same source gives the same book. A reader is made once per
process and dialect: making one costs more than reading a short article.
"""

from __future__ import annotations

import threading
from typing import Protocol

from packager.project.dialect import COMMONMARK, MarkdownDialect


class Reader(Protocol):
    """Markdown in, HTML out (not yet sanitised).

    env is handed to the CommonMark reader's plugins: what they may ask of the
    article being read (an Obsidian vault's note names, say); the other reader
    ignores it.
    """

    def to_html(self, text: str, env: dict | None = None) -> str: ...


_LOCAL = threading.local()


def reader_for(dialect: MarkdownDialect) -> Reader:
    """This thread's reader for the dialect, made on first use."""
    readers = getattr(_LOCAL, "readers", None)
    if readers is None:
        readers = _LOCAL.readers = {}
    reader = readers.get(dialect.key)
    if reader is None:
        if dialect.reader == COMMONMARK:
            from packager.content.readers.commonmark import CommonMarkReader

            reader = CommonMarkReader(dialect.plugins, breaks=bool(dialect.option("breaks", False)))
        else:
            from packager.content.readers.python_markdown import PythonMarkdownReader

            reader = PythonMarkdownReader(dialect.extensions)
        readers[dialect.key] = reader
    return reader
