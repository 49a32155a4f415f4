"""Write Markdown back: blocks, fences, code spans, escaped text, images, alerts."""

from __future__ import annotations

import html
import re
import textwrap

QUOTE_BREAK = "<!-- -->"  # an empty block between two quotes keeps them apart; the sanitiser drops it


def block(lines: list[str], prefix: str) -> str:
    """Lines that stand as a block where a call stood alone: blank lines around, its indentation kept."""
    return "\n".join([prefix.rstrip(" ")] + [(prefix + line).rstrip() for line in lines] + [prefix.rstrip(" ")])


def dedent(text: str, prefix: str) -> str:
    lines = text.strip("\n").split("\n")
    if prefix:
        width = len(prefix)
        lines = [
            line[width:] if line.startswith(prefix) else line[:width].lstrip(" \t>") + line[width:] for line in lines
        ]
    return textwrap.dedent("\n".join(lines)).strip("\n")


def fence(language: str, code: str) -> list[str]:
    code = code.strip("\n")
    longest = max((len(run) for run in re.findall(r"`+", code)), default=0)
    ticks = "`" * max(3, longest + 1)
    return [ticks + fence_language(language) if language else ticks, *code.split("\n"), ticks]


def fence_language(info: str) -> str:
    """The language of a fence's info string, in any of its dialects: 'go {file=x}', '{.go}', 'go title="x"'."""
    if info.startswith("{"):
        match = re.search(r"\.([\w+#-]+)", info)
        return match.group(1) if match else ""
    return re.sub(r"[^\w+#.-]", "", info.split()[0].split("{")[0])


def code_span(code: str) -> str:
    longest = max((len(run) for run in re.findall(r"`+", code)), default=0)
    ticks = "`" * (longest + 1)
    pad = " " if code.startswith("`") or code.endswith("`") else ""
    return f"{ticks}{pad}{code}{pad}{ticks}"


def md_text(text: str) -> str:
    """Plain text made safe to drop into Markdown: nothing in it is read as markup."""
    return html.escape(re.sub(r"([\\`*_\[\]{}!>#|~^=])", r"\\\1", text), quote=False)


def img(src: str, alt: str, caption: str = "") -> str:
    attrs = {"src": src, "alt": alt}
    if caption:
        attrs["title"] = caption
    return "<img " + " ".join(f'{k}="{html.escape(v, quote=True)}"' for k, v in attrs.items()) + " />"


def alert(kind: str, title: str, body: str) -> list[str]:
    """A GitHub-style alert; markdown.py turns it into an admonition whatever its indentation."""
    head = f"> [!{kind.upper()}]" + (f" {title}" if title else "")
    quoted = [f"> {line}".rstrip() for line in body.split("\n")] if body else []
    return [QUOTE_BREAK, "", head, *quoted, "", QUOTE_BREAK]


def version(value: str) -> str:
    value = value.strip()
    return value if not value or value[0] in "vV" or not value[0].isdigit() else "v" + value
