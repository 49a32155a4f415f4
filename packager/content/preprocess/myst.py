"""Handle MyST / Jupyter Book syntax: directives become admonitions, figures and code; roles become their text."""

from __future__ import annotations

import html
import re

from packager.content.preprocess.emit import alert, block, code_span, dedent, fence, img, md_text
from packager.content.preprocess.model import Rewriter, Token, unescape_code

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


def _directive_options(text: str, start: int, end: int) -> tuple[dict[str, str], int]:
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
        options[match.group(1)] = match.group(2).strip()
        pos = match.end()
    return options, pos


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
    data = token.data
    prefix, name, arg = data["prefix"], data["name"].lower(), data["arg"]
    start, end = data["body"]
    options, body_start = _directive_options(r.text, start, end)
    source = r.text[start:end]
    body = dedent(r.text[body_start:end], prefix)
    if name in ADMONITIONS or name in VERSION_NOTES:
        kind, title = _admonition_kind(name, arg)
        kind = options.get("class", "") if options.get("class", "") in ADMONITIONS.values() else kind
        return block(alert(kind, title, dedent(r.sub(body_start, end), prefix)), prefix)
    if name in ("figure", "image"):
        caption = " ".join(body.split()) if name == "figure" else ""
        return block([img(arg, options.get("alt", caption), caption)], prefix)
    if name in ("code", "code-block", "sourcecode", "code-cell"):
        return block(fence(arg.split(" ")[0], unescape_code(body)), prefix)
    if name in ("math", "mermaid"):
        return block(fence(name, body), prefix)
    what = f"MyST directive {{{name}}}"
    if name in ("toctree", "tableofcontents", "contents"):
        r.note("myst:" + name, what, token.start, "left out (the book has its own table of contents)")
        return block([], prefix)
    if data["fence"][0] == ":":
        r.note("myst:" + name, what, token.start, "content kept as text")
        return block(dedent(r.sub(body_start, end), prefix).split("\n"), prefix)
    r.note("myst:" + name, what, token.start, "content shown as code")
    return block(fence("", unescape_code(dedent(source, prefix))), prefix)
