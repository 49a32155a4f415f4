"""Handle Jekyll's Liquid: raw, comment and highlight blocks, link tags, site addresses; the rest stays as text."""

from __future__ import annotations

import re
from dataclasses import replace

from packager.content.preprocess.emit import block, dedent, fence
from packager.content.preprocess.model import Rewriter, Token, unescape_code

#: What {{ }} and {% %} are on each site profile's pages that is not Jekyll's: the plugin that runs them there.
TEMPLATE_LANGUAGES = {"mkdocs": "mkdocs-macros (Jinja) template syntax"}
LIQUID = "Liquid (Jekyll) template syntax"


def liquid(r: Rewriter, token: Token, source: str) -> str:
    """A Liquid tag ({% … %}) or output ({{ … }}) as Markdown; source is the token as written."""
    data = token.data
    name = data.get("name")
    if name is None:
        return _output(r, token, source)
    if name == "raw" and "body" in data:
        return r.text[slice(*data["body"])]
    if name == "comment" and "body" in data:
        return ""
    if name == "highlight" and "body" in data:
        prefix, _, _ = r.context(token)
        code = unescape_code(r.text[slice(*data["body"])])
        return block(fence(data["arg"].split(" ")[0], dedent(code, prefix)), prefix)
    if name in ("link", "post_url") and data["arg"]:
        path = data["arg"].split()[0].strip("'\"")
        return "/" + path.lstrip("/") if name == "link" else f"/_posts/{path}.md"
    base = name[3:] if name.startswith("end") and len(name) > 3 else name
    r.note("liquid", _language(r), token.start, f"{{% {base} %}} left as text")
    return source


def _output(r: Rewriter, token: Token, source: str) -> str:
    expr = token.data["expr"]
    if r.page.myst and expr in r.page.substitutions:  # MyST's {{ key }}: the value is Markdown
        return _substitute(r, token, expr)
    if re.fullmatch(r"(site\.(baseurl|url)|base_path|site\.github\.url)", expr):
        return ""  # the site's own address: links after it are site-root paths
    url = re.fullmatch(r"""(['"])(.*?)\1\s*\|\s*(relative_url|absolute_url)""", expr)
    if url:
        return url.group(2)
    if r.page.myst:
        r.note("myst-substitution", "MyST substitution", token.start, "{{ " + expr + " }} left as text")
        return source
    r.note("liquid", _language(r), token.start, "{{ \u2026 }} left as text")
    return source


def _language(r: Rewriter) -> str:
    return TEMPLATE_LANGUAGES.get(r.page.site or "", LIQUID)


def _substitute(r: Rewriter, token: Token, key: str) -> str:
    """Write a MyST substitution's value, its own syntax handled (never itself again), its warnings at the use."""
    value = r.page.substitutions[key]
    line = r.line(token.start)
    others = {k: v for k, v in r.page.substitutions.items() if k != key}
    page = replace(r.page, warn=lambda message, _: r.page.warn(message, line), substitutions=others)
    out = r.other(value, page)
    return out.strip("\n") if "\n" not in value.strip("\n") else out
