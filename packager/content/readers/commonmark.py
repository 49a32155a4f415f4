"""Read CommonMark + GFM with markdown-it-py; each feature beyond CommonMark is a named plugin.

The plugins write the HTML shapes Python-Markdown writes for the same
constructs (footnotes, task lists, highlighted code, table alignment), so the
rest of the stage treats both readers alike.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable

from markdown_it import MarkdownIt
from markdown_it.token import Token

from packager.content.readers import highlight, maths

Plugin = Callable[[MarkdownIt], None]


def _gfm(md: MarkdownIt) -> None:
    """GFM: tables, strikethrough (~~x~~ and ~x~), task lists and autolinks (www., https://, e-mail)."""
    from mdit_py_plugins.gfm_autolink import gfm_autolink_plugin

    md.enable(["table", "strikethrough"])
    md.options["tasklists"] = True
    md.options["strikethrough_single_tilde"] = True
    md.use(gfm_autolink_plugin)
    md.add_render_rule("s_open", lambda *_: "<del>")
    md.add_render_rule("s_close", lambda *_: "</del>")
    md.add_render_rule("list_item_open", _list_item_open)
    md.core.ruler.push("packager_gfm_shapes", _gfm_shapes)
    md.core.ruler.push("packager_whole_addresses", _whole_addresses)


def _list_item_open(self, tokens, idx, options, env) -> str:
    token = tokens[idx]
    result = self.renderToken(tokens, idx, options, env)
    if token.meta and "checked" in token.meta:
        checked = ' checked="checked"' if token.meta["checked"] else ""
        result += f'<input type="checkbox" disabled="disabled"{checked}/> '
    return result


_ALIGN = re.compile(r"^text-align:(\w+)$")


def _gfm_shapes(state) -> None:
    """Task lists classed as Python-Markdown classes them; table alignment written as it writes it."""
    for token in state.tokens:
        cls = token.attrGet("class")
        if token.type == "bullet_list_open" or token.type == "ordered_list_open":
            if cls and "contains-task-list" in cls:
                token.attrSet("class", cls.replace("contains-task-list", "task-list"))
        elif token.type in ("th_open", "td_open"):
            match = _ALIGN.match(token.attrGet("style") or "")
            if match:
                token.attrSet("style", f"text-align: {match.group(1)};")


_LOCAL_PART = re.compile(r"[A-Za-z0-9._+-]+$")


def _whole_addresses(state) -> None:
    """a.b-c_d@a.b is one address: mdit-py-plugins' autolink starts it after the last '_' (GFM example 631)."""
    for block in state.tokens:
        children = block.children or []
        for i in range(1, len(children) - 1):
            before, link, text = children[i - 1], children[i], children[i + 1]
            href = link.attrGet("href") or ""
            if link.type != "link_open" or before.type != "text" or not href.startswith("mailto:"):
                continue
            match = _LOCAL_PART.search(before.content)
            if match is None or text.content != href[7:] or match.group(0) + text.content not in block.content:
                continue  # not split, or <written@like.this> after a word
            before.content = before.content[: match.start()]
            text.content = match.group(0) + text.content
            link.attrSet("href", "mailto:" + text.content)


def _footnotes(md: MarkdownIt) -> None:
    """Footnotes ([^label]) as Python-Markdown writes them: div.footnote, a.footnote-ref, a.footnote-backref."""
    from mdit_py_plugins.footnote import footnote_plugin

    md.use(footnote_plugin, inline=False)
    md.add_render_rule("footnote_ref", _footnote_ref)
    md.add_render_rule("footnote_block_open", lambda *_: '<div class="footnote">\n<hr />\n<ol>\n')
    md.add_render_rule("footnote_block_close", lambda *_: "</ol>\n</div>\n")
    md.add_render_rule("footnote_open", lambda self, t, i, o, e: f'<li id="fn-{_note_name(t[i])}">')
    md.add_render_rule("footnote_close", lambda *_: "</li>\n")
    md.add_render_rule("footnote_anchor", _footnote_anchor)


def _note_name(token: Token) -> str:
    label = token.meta.get("label")
    return html.escape(label if label else str(token.meta["id"] + 1), quote=True)


def _footnote_ref(self, tokens, idx, options, env) -> str:
    token = tokens[idx]
    name, sub = _note_name(token), token.meta.get("subId", 0)
    ref = f"fnref-{name}" if sub <= 0 else f"fnref{sub + 1}-{name}"
    return f'<sup id="{ref}"><a class="footnote-ref" href="#fn-{name}">{token.meta["id"] + 1}</a></sup>'


def _footnote_anchor(self, tokens, idx, options, env) -> str:
    token = tokens[idx]
    name, sub = _note_name(token), token.meta.get("subId", 0)
    ref = f"fnref-{name}" if sub <= 0 else f"fnref{sub + 1}-{name}"
    return f'&#160;<a class="footnote-backref" href="#{ref}">\u21a9\ufe0e</a>'


def _definition_lists(md: MarkdownIt) -> None:
    """Definition lists (Term, then ': definition' lines), as Pandoc, PHP Markdown Extra and MyST write them."""
    from mdit_py_plugins.deflist import deflist_plugin

    md.use(deflist_plugin)


def _admonitions(md: MarkdownIt) -> None:
    """MkDocs-style admonitions (!!! note "Title", ??? collapsible)."""
    from mdit_py_plugins.admon import admon_plugin
    from mdit_py_plugins.admon.index import admonition

    def guarded(state, start_line: int, end_line: int, silent: bool) -> bool:
        # mdit-py-plugins 0.7 indexes past the end on a last line of only a quote marker ('> - \n>\n> ')
        if state.bMarks[start_line] + state.tShift[start_line] >= len(state.src):
            return False
        return admonition(state, start_line, end_line, silent)

    md.use(admon_plugin)
    md.block.ruler.at("admonition", guarded, {"alt": ["paragraph", "reference", "blockquote", "list"]})


def _attributes(md: MarkdownIt) -> None:
    """Attributes in braces, {#id .class key=value}, after images, links and code, and after headings."""
    md.inline.ruler.push("packager_attributes", _inline_attributes)
    md.core.ruler.push("packager_heading_attributes", _heading_attributes)


#: Braces that hold only attributes (an optional ':' first, as Python-Markdown's attr_list writes them): a
#: template's {% … %} or a prose {word} is never taken for attributes.
_ATTRIBUTES = re.compile(r"""\{:?[ \t]*((?:(?:[#.][\w:-]+|[\w:-]+=(?:"[^"\n]*"|'[^'\n]*'|[^\s"'{}]+))[ \t]*)+)\}""")
_ATTRIBUTE = re.compile(r"""([#.])([\w:-]+)|([\w:-]+)=(?:"([^"]*)"|'([^']*)'|([^\s"'{}]+))""")


def _attribute_pairs(text: str) -> list[tuple[str, str]]:
    pairs = []
    for m in _ATTRIBUTE.finditer(text):
        if m.group(1):
            pairs.append(("id" if m.group(1) == "#" else "class", m.group(2)))
        else:
            pairs.append((m.group(3), next(g for g in m.groups()[3:] if g is not None)))
    return pairs


def _apply(token: Token, pairs: list[tuple[str, str]]) -> None:
    for name, value in pairs:
        if name == "class":
            token.attrJoin("class", value)
        else:
            token.attrSet(name, value)


def _inline_attributes(state, silent: bool) -> bool:
    if state.src[state.pos] != "{" or state.pending or not state.tokens:
        return False
    last = state.tokens[-1]
    if last.type not in ("image", "code_inline", "link_close"):
        return False
    match = _ATTRIBUTES.match(state.src, state.pos)
    if match is None:
        return False
    if not silent:
        target = last
        if last.type == "link_close":
            target = next(t for t in reversed(state.tokens) if t.type == "link_open" and t.level == last.level)
        _apply(target, _attribute_pairs(match.group(1)))
    state.pos = match.end()
    return True


_TRAILING_ATTRIBUTES = re.compile(_ATTRIBUTES.pattern.replace("\\{", "[ \\t]+\\{", 1) + "[ \\t]*$")


def _heading_attributes(state) -> None:
    """'## Title {#id .class}': the braces Hugo, kramdown and Python-Markdown's attr_list read after a heading."""
    for i, token in enumerate(state.tokens):
        if token.type != "heading_open":
            continue
        inline = state.tokens[i + 1]
        last = inline.children[-1] if inline.children else None
        match = _TRAILING_ATTRIBUTES.search(last.content) if last is not None and last.type == "text" else None
        if match is None:
            continue
        last.content = last.content[: match.start()]
        inline.content = inline.content[: len(inline.content) - len(match.group(0))]
        _apply(token, _attribute_pairs(match.group(1)))


def _marks(md: MarkdownIt) -> None:
    """==highlighted== text as <mark>, as pymdownx.mark, Obsidian and many editors write it."""
    md.inline.ruler.before("emphasis", "packager_mark", _mark)


def _mark(state, silent: bool) -> bool:
    src, start = state.src, state.pos
    if not src.startswith("==", start) or src.startswith("===", start) or (start and src[start - 1] == "="):
        return False
    inner = start + 2
    if inner >= state.posMax or src[inner].isspace():
        return False
    end = src.find("==", inner)
    while end != -1 and end < state.posMax and (src[end - 1].isspace() or src.startswith("===", end)):
        end = src.find("==", end + 2)
    if end == -1 or end >= state.posMax or end == inner:
        return False
    if not silent:
        old_max = state.posMax
        state.push("mark_open", "mark", 1).markup = "=="
        state.pos, state.posMax = inner, end
        state.md.inline.tokenize(state)
        state.push("mark_close", "mark", -1).markup = "=="
        state.posMax = old_max
    state.pos = end + 2
    return True


def _myst(md: MarkdownIt) -> None:
    """Read MyST's block syntax: (label)= targets, % comments, +++ breaks, amsmath environments; {role}`text` roles."""
    from mdit_py_plugins.amsmath import amsmath_plugin
    from mdit_py_plugins.myst_blocks import myst_block_plugin
    from mdit_py_plugins.myst_role import myst_role_plugin

    md.use(myst_block_plugin)
    md.use(myst_role_plugin)
    if "amsmath" not in md.block.ruler.get_all_rules():  # a reader with maths has it already
        md.use(amsmath_plugin)
        md.add_render_rule(
            "amsmath", lambda self, t, i, o, e: f'<div class="math">\\[{html.escape(t[i].content.strip())}\\]</div>\n'
        )
    md.add_render_rule("myst_target", _myst_target)
    md.add_render_rule("myst_block_break", lambda *_: "")  # +++ only splits a notebook into cells
    md.add_render_rule("math_block_label", _numbered_math)
    md.core.ruler.push("packager_myst_link_titles", _link_titles)


def _link_titles(state) -> None:
    """Give [](label), a link to a MyST label with no text, the label's title (env's resolve knows it)."""
    resolve = (state.env or {}).get("resolve")
    if resolve is None:
        return
    for block in state.tokens:
        children = block.children or []
        for i in range(len(children) - 1, 0, -1):
            opening, closing = children[i - 1], children[i]
            if opening.type != "link_open" or closing.type != "link_close":
                continue
            target = resolve("label", opening.attrGet("href") or "")
            if target is not None:
                text = Token("text", "", 0)
                text.content = target.title
                children.insert(i, text)


def _myst_target(self, tokens, idx, options, env) -> str:
    """Write a (label)= target as an empty anchor where it stands, which {ref} and [text](label) links reach."""
    return f'<div class="myst-target" id="{html.escape(tokens[idx].content, quote=True)}"></div>\n'


def _numbered_math(self, tokens, idx, options, env) -> str:
    """Write $$ … $$ (label) as display maths with its label as id and its number in the book (env's resolve)."""
    token, resolve = tokens[idx], (env or {}).get("resolve")
    target = resolve("label", token.info) if resolve else None
    number = f'<span class="eqno">({target.number})</span>' if target is not None and target.number else ""
    label = html.escape(token.info, quote=True)
    return f'<div class="math" id="{label}">{number}\\[{html.escape(token.content.strip())}\\]</div>\n'


def _obsidian(md: MarkdownIt) -> None:
    """Obsidian Flavored Markdown: wikilinks, embeds, block ids, %%comments%%, #tags (readers.obsidian)."""
    from packager.content.readers.obsidian import obsidian_plugin

    obsidian_plugin(md)


#: Every plugin a dialect can name, by name.
PLUGINS: dict[str, Plugin] = {
    "gfm": _gfm,
    "footnotes": _footnotes,
    "definition-lists": _definition_lists,
    "admonitions": _admonitions,
    "attributes": _attributes,
    "dollar-math": maths.dollar_math,
    "bracket-math": maths.bracket_math,
    "amsmath": maths.amsmath,
    "marks": _marks,
    "myst": _myst,
    "obsidian": _obsidian,
}


class CommonMarkReader:
    """markdown-it-py in CommonMark mode, raw HTML allowed (the sanitiser comes next), with the named plugins."""

    def __init__(self, plugins: tuple[str, ...], breaks: bool = False):
        # maxNesting: the commonmark preset's 20 silently drops the rest of a note whose lists nest deeper (outliners
        # and vaults do); markdown-it's own default is 100.
        md = MarkdownIt("commonmark", {"html": True, "xhtmlOut": True, "breaks": breaks, "maxNesting": 100})
        # Every link is structure, as the spec reads it: the sanitiser and the link and image checks after it judge
        # the URL (markdown-it would leave a javascript: or file: link as literal text, its URL in plain sight).
        md.validateLink = lambda url: True
        for name in plugins:
            PLUGINS[name](md)
        md.add_render_rule("fence", _fence)
        md.add_render_rule("code_block", _fence)
        self.md = md

    def to_html(self, text: str, env: dict | None = None) -> str:
        """The HTML of text; env carries what plugins may ask of the article (see readers.Reader)."""
        return self.md.render(text, {} if env is None else env)


def _fence(self, tokens, idx, options, env) -> str:
    """Code blocks highlighted by Pygments, as pymdownx.highlight does it for Python-Markdown."""
    token = tokens[idx]
    return highlight.code_block(token.content, token.info)
