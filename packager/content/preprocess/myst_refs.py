"""Handle MyST cross-references: {ref}, {numref}, {doc}, {eq} and {term} become links; {glossary} a definition list.

What a reference points at comes from the book's label index through
``Page.resolve``; a reference to nothing in the book keeps its text and is
reported. The glossary's terms carry the ids {term} links reach (``term_id``).
"""

from __future__ import annotations

import html
import re

from packager.content.preprocess.emit import dedent, md_text
from packager.content.preprocess.model import Rewriter, Target, Token

#: The roles that point somewhere in the book.
REFERENCE_ROLES = {"ref", "numref", "doc", "eq", "term"}
#: How {numref} shows each kind of target (Sphinx's numfig_format); %s is the number.
NUMREF_FORMATS = {"figure": "Fig. %s", "table": "Table %s", "code": "Listing %s", "section": "Section %s"}
_TITLED = re.compile(r"\s*(.*?)\s*<([^<>]*)>\s*", re.S)
_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")


def split_titled(content: str) -> tuple[str, str]:
    """Split a role's 'text <target>' into (text, target); a bare 'target' into ('', target)."""
    titled = _TITLED.fullmatch(content)
    return (titled.group(1), titled.group(2).strip()) if titled else ("", content.strip())


def term_text(line: str) -> str:
    """Read a glossary term line as plain text: '[MyST](https://…)' -> 'MyST'."""
    return " ".join(_LINK.sub(r"\1", line).replace("`", "").split())


def term_id(term: str) -> str:
    """Make the id of a glossary term as Sphinx does: 'term-' and the term in lower case, dashed."""
    return "term-" + (re.sub(r"[^\w]+", "-", term.lower()).strip("-") or "x")


def reference(r: Rewriter, token: Token) -> str:
    """Write a {ref}, {numref}, {doc}, {eq} or {term} as a Markdown link, or its text when its target is not in the book."""
    name, content = token.data["name"].lower(), token.data["content"]
    text, wanted = split_titled(content)
    space = name if name in ("doc", "term") else "label"
    target = r.page.resolve(space, wanted)
    if target is None:
        what = {"doc": "document", "term": "glossary term"}.get(name, "label")
        r.page.warn(
            f"MyST reference {{{name}}}`{content}`: no {what} {wanted!r} in this book; its text was kept",
            r.line(token.start),
        )
        return md_text(text or wanted)
    return f"[{md_text(_shown(name, text or (wanted if name == 'term' else ''), target))}](<{target.href}>)"


def _shown(name: str, text: str, target: Target) -> str:
    """Choose what a reference shows, as Jupyter Book shows it."""
    number = "" if target.number is None else str(target.number)
    if name == "numref":  # a section has no number in a book whose chapters are not numbered: its title stands in
        shown = text or (NUMREF_FORMATS.get(target.kind, "%s") if number else "%s")
        return shown.replace("%s", number or target.title).replace("{number}", number).replace("{name}", target.title)
    if name == "eq":
        return text or (f"({number})" if number else target.title)
    return text or target.title


def glossary_entries(body: str) -> list[tuple[list[tuple[int, int]], list[tuple[int, int]]]]:
    """Cut a glossary body into entries: (term lines, definition lines), each line as (start, end) in body."""
    entries: list[tuple[list[tuple[int, int]], list[tuple[int, int]]]] = []
    pos, base = 0, None
    for line in body.split("\n"):
        start, end = pos, pos + len(line)
        pos = end + 1
        if not line.strip():
            if entries and entries[-1][1]:
                entries[-1][1].append((start, end))
            continue
        indent = len(line) - len(line.lstrip())
        base = indent if base is None else base
        if indent <= base:
            if not entries or entries[-1][1]:
                entries.append(([], []))
            entries[-1][0].append((start, end))
        elif entries:
            entries[-1][1].append((start, end))
    return entries


def glossary(r: Rewriter, start: int, end: int, prefix: str) -> list[str]:
    """Write a {glossary} as a definition list whose terms carry the ids {term} links reach."""
    lines: list[str] = []
    for terms, definition in glossary_entries(r.text[start:end]):
        shown = []
        for term_start, term_end in terms:
            source = r.text[start + term_start : start + term_end].strip(" \t>")
            anchor = f'<a id="{html.escape(term_id(term_text(source)), quote=True)}"></a>'
            shown.append(anchor + r.sub(start + term_start, start + term_end).strip(" \t>"))
        while definition and not r.text[start + definition[-1][0] : start + definition[-1][1]].strip():
            definition.pop()
        inner = dedent(r.sub(start + definition[0][0], start + definition[-1][1]), prefix) if definition else ""
        if not definition:  # a term without its definition: its anchors stay, in a paragraph of its own
            lines += ["<br />".join(shown), ""]
            continue
        lines += ["<br />".join(shown), *(("  " if i else ": ") + line for i, line in enumerate(inner.split("\n"))), ""]
    return [line.rstrip() for line in lines]
