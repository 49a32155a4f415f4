"""Handle MyST / Jupyter Book directives: admonitions, figures, code, maths, tabs, dropdowns; roles become text.

Cross-references (targets, {ref} and its kin, glossaries) are in ``myst_refs``.
"""

from __future__ import annotations

import html
import re

from packager.content.preprocess.emit import alert, block, code_span, dedent, fence, img, md_text
from packager.content.preprocess.model import Rewriter, Token, unescape_code
from packager.content.preprocess.myst_refs import glossary

ADMONITIONS = {
    "note": "note",
    "tip": "tip",
    "hint": "tip",
    "important": "important",
    "warning": "warning",
    "caution": "caution",
    "attention": "caution",
    "danger": "danger",
    "error": "danger",
    "seealso": "note",
    "admonition": "note",
}
VERSION_NOTES = {
    "versionadded": "New in version",
    "versionchanged": "Changed in version",
    "deprecated": "Deprecated since version",
}


def _admonition_kind(name: str, arg: str) -> tuple[str, str]:
    if name in VERSION_NOTES:
        return ("warning" if name == "deprecated" else "note"), f"{VERSION_NOTES[name]} {arg}".strip()
    title = arg if name == "admonition" else arg or ("See also" if name == "seealso" else "")
    return ADMONITIONS[name], md_text(title) if title else ""


def directive_options(text: str, start: int, end: int) -> tuple[dict[str, str], int]:
    """The ':key: value' lines (or a '---' YAML block) that open a directive's body."""
    options: dict[str, str] = {}
    pos = start
    yaml = re.compile(r"[ \t>]*---[ \t]*\n(.*?)\n[ \t>]*---[ \t]*(?:\n|$)", re.S).match(text, pos, end)
    if yaml:
        for line in yaml.group(1).split("\n"):
            key, sep, value = line.strip(" \t>").partition(":")
            if sep:
                options[key.strip()] = value.strip().strip("'\"")
        return options, yaml.end()
    option = re.compile(r"[ \t>]*:([\w-]+):[ \t]*([^\n]*)(?:\n|$)")
    while (match := option.match(text, pos, end)) is not None:
        value = match.group(2).strip()
        quoted = len(value) > 1 and value[0] == value[-1] and value[0] in "'\""
        options[match.group(1)] = value[1:-1] if quoted else value  # MyST reads option values as YAML
        pos = match.end()
    return options, pos


#: Directives whose body is Markdown the book shows (unknown colon-fence directives' bodies are too).
MARKDOWN_BODIES = (
    set(ADMONITIONS) | set(VERSION_NOTES) | {"dropdown", "tab-set", "tab-item", "tab", "example", "figure-md"}
)
#: Directives whose body is code or TeX, kept as it is.
CODE_BODIES = {"code", "code-block", "sourcecode", "code-cell", "math", "mermaid"}
#: The languages of Jupyter kernels, as the highlighter knows them.
#: Cell tags with which Jupyter Book shows no code (only the outputs, which a book without execution has not).
_REMOVED = {"remove-input", "remove-cell"}
KERNEL_LANGUAGES = {"ipython3": "python", "ipython": "python", "python3": "python", "ir": "r"}


def renders_markdown(name: str, fence: str) -> bool:
    """Tell whether the book shows a directive's body as Markdown (so its targets and references count)."""
    name = name.lower()
    if name in MARKDOWN_BODIES:
        return True
    known = name in CODE_BODIES or name in ("figure", "image", "glossary", "toctree", "tableofcontents", "contents")
    return fence[0] == ":" and not known


_CODE_ROLES = {"code", "samp", "file", "command", "envvar", "literal", "math", "program", "option", "regexp"}


def role(name: str, content: str) -> str:
    """A MyST/Sphinx role becomes its text: {ref}`Title <target>` -> Title, {code}`x` -> `x`."""
    short = name.split(":")[-1].lower()
    if short in _CODE_ROLES:
        return code_span(content)
    if short in ("sub", "sup", "kbd"):
        return f"<{short}>{html.escape(content, quote=False)}</{short}>"
    if short == "abbr":
        match = re.fullmatch(r"\s*(.*?)\s*\((.*)\)\s*", content, re.S)
        if match:
            title = html.escape(match.group(2), quote=True)
            return f'<abbr title="{title}">{html.escape(match.group(1), quote=False)}</abbr>'
    titled = re.fullmatch(r"\s*(.*?)\s*<([^<>]*)>\s*", content, re.S)
    text = titled.group(1) or titled.group(2) if titled else content
    if text.startswith("~"):
        text = text[1:].rsplit(".", 1)[-1]
    return md_text(text.lstrip("!"))


def directive(r: Rewriter, token: Token) -> str:
    """A MyST directive (```{name} … ```) as the Markdown it stands for, or kept visible and noted."""
    result = _directive(r, token)
    name = token.data["name"].lower()
    if not r.page.myst or name in ("math", "glossary"):
        return result
    options, _ = directive_options(r.text, *token.data["body"])
    label = options.get("name") or options.get("label") or (token.data["arg"] if name == "figure-md" else "")
    if not label or not result.strip():
        return result
    first, newline, rest = result.partition("\n")  # block() opens with the blank line before the block
    return first + newline + token.data["prefix"] + f"({label})=\n" + rest


def _directive(r: Rewriter, token: Token) -> str:
    data = token.data
    prefix, name, arg = data["prefix"], data["name"].lower(), data["arg"]
    start, end = data["body"]
    options, body_start = directive_options(r.text, start, end)
    source = r.text[start:end]
    body = dedent(r.text[body_start:end], prefix)
    if name in ADMONITIONS or name in VERSION_NOTES:
        kind, title = _admonition_kind(name, arg)
        kind = options.get("class", "") if options.get("class", "") in ADMONITIONS.values() else kind
        return block(alert(kind, title, dedent(r.sub(body_start, end), prefix)), prefix)
    if name in ("figure", "image"):
        caption = " ".join(body.split()) if name == "figure" else ""
        label = options.get("name") or r.label_before(token)
        numbered = r.page.resolve("label", label) if r.page.myst and label else None
        shown = f"Fig. {numbered.number} {caption}" if numbered is not None and numbered.number else caption
        return block([img(arg, options.get("alt", caption), shown)], prefix)
    tags = {tag.strip(" '\"") for tag in options.get("tags", "").strip("[]").split(",")}
    if name == "code-cell" and r.page.myst and _REMOVED & tags:
        return block([], prefix)  # Jupyter Book shows only the outputs of these cells, and there are none
    if name in ("code", "code-block", "sourcecode", "code-cell"):
        language = arg.split(" ")[0] or (r.page.kernel_language if name == "code-cell" else "")
        return block(fence(KERNEL_LANGUAGES.get(language.lower(), language), unescape_code(body)), prefix)
    if name == "math" and r.page.myst:
        return block(display_math(r, body, options.get("label", "")), prefix)
    if name in ("math", "mermaid"):
        return block(fence(name, body), prefix)
    if r.page.myst and name == "example":  # sphinx_examples: the source, then what it makes
        shown = fence("md", unescape_code(dedent(r.text[body_start:end], prefix)))
        return block([*shown, "", *dedent(r.sub(body_start, end), prefix).split("\n")], prefix)
    if r.page.myst and name == "figure-md":  # the figure written in Markdown: its image and caption
        return block(dedent(r.sub(body_start, end), prefix).split("\n"), prefix)
    if r.page.myst and name in ("tab-set", "tab-item", "tab", "dropdown"):
        return _layout(r, name, arg, prefix, body_start, end)
    if r.page.myst and name == "glossary":
        return block(glossary(r, body_start, end, prefix), prefix)
    what = f"MyST directive {{{name}}}"
    if name in ("toctree", "tableofcontents", "contents"):
        r.note("myst:" + name, what, token.start, "left out (the book has its own table of contents)")
        return block([], prefix)
    if data["fence"][0] == ":":
        r.note("myst:" + name, what, token.start, "content kept as text")
        return block(dedent(r.sub(body_start, end), prefix).split("\n"), prefix)
    r.note("myst:" + name, what, token.start, "content shown as code")
    return block(fence("", unescape_code(dedent(source, prefix))), prefix)


def inline_math(tex: str) -> str:
    """Write MyST's {math}`TeX` role as $TeX$, which the reader's dollar maths keeps whole (a '$' inside: code)."""
    tex = " ".join(tex.split())
    return f"${tex}$" if tex and "$" not in tex else code_span(tex)


def display_math(r: Rewriter, tex: str, label: str) -> list[str]:
    """Write display maths in the shape the maths stage reads: numbered, its label as id, when labelled."""
    lines = [line for line in tex.strip("\n").split("\n") if line.strip()]  # a blank line would end the HTML block
    tex = html.escape("\n".join(lines), quote=False)
    if not label:
        return [f'<div class="math">\\[{tex}\\]</div>', ""]
    target = r.page.resolve("label", label)
    number = f'<span class="eqno">({target.number})</span>' if target is not None and target.number else ""
    return [f'<div class="math" id="{html.escape(label, quote=True)}">{number}\\[{tex}\\]</div>', ""]


def _layout(r: Rewriter, name: str, arg: str, prefix: str, start: int, end: int) -> str:
    """Make tabs titled sections (as pymdownx.tabbed's are in a book) and a dropdown an open admonition."""
    inner = dedent(r.sub(start, end), prefix)
    if name == "dropdown":
        return block(alert("note", md_text(arg) if arg else "", inner), prefix)
    if name == "tab-set":
        return block(["", inner, ""], prefix)
    title = f'<p class="tabbed-title">{html.escape(arg, quote=False)}</p>'
    return block([title, "", inner, ""], prefix)
