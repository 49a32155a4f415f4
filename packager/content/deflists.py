"""Definitions continued at their content column, as Hugo, Pandoc and markdown-it read them, made Python-Markdown's.

``: Configure the module.`` followed by blocks indented by two spaces (the
column where the definition's text starts) continues the definition in those
dialects. Python-Markdown's def_list wants four, so without this the blocks
fall out of the ``<dd>`` after the list. Lines of such a definition are
shifted to Python-Markdown's indentation; fenced code at the top level is left
alone, and a definition already written with four spaces is unchanged.
"""

from __future__ import annotations

import re

_DEFINITION = re.compile(r"(?P<marker>:[ \t]+)\S")
_FENCE = re.compile(r" {0,3}(`{3,}|~{3,})")
PYTHON_MARKDOWN_INDENT = 4


def _indent(line: str) -> int:
    return len(line.expandtabs(4)) - len(line.expandtabs(4).lstrip(" "))


def reindent(text: str) -> str:
    """Shift the blocks that continue a definition to four spaces when they are written at its content column."""
    if "\n:" not in text and not text.startswith(":"):
        return text
    out: list[str] = []
    fence: str | None = None  # the fence that opened a code block at the top level
    inner: str | None = None  # the fence that opened a code block inside the open definition
    column = 0  # the open definition's content column; 0: none open
    blank = False  # a blank line since the definition's last line
    term = False  # the last non-blank line could be a term (or a definition) that a ': ' line follows
    for line in text.split("\n"):
        if fence is not None:
            out.append(line)
            if line.strip().startswith(fence):
                fence = None
            continue
        if column:
            if inner is not None:  # code inside the definition moves with it, whatever its indentation
                out.append(" " * (PYTHON_MARKDOWN_INDENT - column) + line)
                if line.strip().startswith(inner):
                    inner = None
                continue
            if not line.strip():
                blank = True
                out.append(line)
                continue
            if _indent(line) >= column:  # inside the definition
                opened = _FENCE.match(line[column:])
                inner = opened.group(1)[0] * 3 if opened else None
                out.append(" " * (PYTHON_MARKDOWN_INDENT - column) + line)
                blank = False
                continue
            if not blank:  # a lazy continuation of the definition's paragraph: as written
                out.append(line)
                continue
            column = 0  # less indented after a blank line: the definition has ended
        opened = _FENCE.match(line)
        if opened:
            fence, term = opened.group(1)[0] * 3, False
            out.append(line)
            continue
        definition = _DEFINITION.match(line) if term else None
        if definition:
            width = len(definition.group("marker").expandtabs(4))
            column = width if width < PYTHON_MARKDOWN_INDENT else 0
            blank = False
        if line.strip():
            term = not line[0].isspace()
        out.append(line)
    return "\n".join(out)
