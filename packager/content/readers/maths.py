"""Maths as plugins of the CommonMark reader: $…$ and $$…$$, \\(…\\) and \\[…\\], amsmath environments.

Each writes the TeX whole, in the shapes ``content.maths`` turns into MathML:
``<span class="math">\\(TeX\\)</span>`` inline, ``<div class="math">\\[TeX\\]</div>``
for a display. The rules are markdown-it rules, so code spans and code blocks
are never read as maths.

Backslash brackets are escapes people write in prose (``\\[sic\\]``), so they
are maths only where prose does not put them: ``\\(…\\)`` inline with both
delimiters in one paragraph around some TeX (a letter, a digit or a command),
and ``\\[…\\]`` as a block of its own, the ``\\[`` opening its first line and
the ``\\]`` closing its last, with the ``\\[`` alone on its line or TeX (a
backslash, ^, _, =, {) inside.
"""

from __future__ import annotations

import html

from markdown_it import MarkdownIt


def _inline(self, tokens, idx, options, env) -> str:
    return f'<span class="math">\\({html.escape(tokens[idx].content)}\\)</span>'


def _inline_display(self, tokens, idx, options, env) -> str:
    return f'<span class="math display">\\[{html.escape(tokens[idx].content)}\\]</span>'


def _block(self, tokens, idx, options, env) -> str:
    token = tokens[idx]
    label = f' id="{html.escape(token.info, quote=True)}"' if token.type == "math_block_label" and token.info else ""
    return f'<div class="math"{label}>\\[{html.escape(token.content.strip())}\\]</div>\n'


def _render_rules(md: MarkdownIt) -> None:
    md.add_render_rule("math_inline", _inline)
    md.add_render_rule("math_inline_double", _inline_display)
    md.add_render_rule("math_block", _block)
    md.add_render_rule("math_block_label", _block)
    md.add_render_rule("amsmath", _block)


def dollar_math(md: MarkdownIt) -> None:
    """$…$ and $$…$$ kept whole as TeX (\\(…\\), \\[…\\]): no emphasis or escapes are read inside them."""
    from mdit_py_plugins.dollarmath import dollarmath_plugin

    md.use(dollarmath_plugin, allow_blank_lines=False, double_inline=True)
    _render_rules(md)


def amsmath(md: MarkdownIt) -> None:
    """A block that is an amsmath environment (\\begin{align} … \\end{align}, align*, gather, equation, …)."""
    from mdit_py_plugins.amsmath import amsmath_block, amsmath_plugin

    def quick(state, start_line: int, end_line: int, silent: bool) -> bool:
        # Asked at every line a block may start on: most do not start with \begin{, which costs a look, not a regex.
        if not state.src.startswith("\\begin{", state.bMarks[start_line] + state.tShift[start_line]):
            return False
        return amsmath_block(state, start_line, end_line, silent)

    md.use(amsmath_plugin)
    md.block.ruler.at("amsmath", quick, {"alt": ["paragraph", "reference", "blockquote", "list", "footnote_def"]})
    _render_rules(md)


def bracket_math(md: MarkdownIt) -> None:
    """\\(…\\) inline and \\[…\\] as a block, where prose does not write escaped brackets (see the module)."""
    md.inline.ruler.before("escape", "packager_bracket_math", _bracket_inline)
    md.block.ruler.before(
        "fence", "packager_bracket_math", _bracket_block, {"alt": ["paragraph", "reference", "blockquote", "list"]}
    )
    _render_rules(md)


def _bracket_inline(state, silent: bool) -> bool:
    src, start = state.src, state.pos
    if not src.startswith("\\(", start):
        return False
    end = src.find("\\)", start + 2, state.posMax)
    if end < 0 or not any(c.isalnum() for c in src[start + 2 : end]):
        return False  # no letter, digit or command: punctuation between escapes ("'\\(', '\\)'"), not maths
    if not silent:
        token = state.push("math_inline", "math", 0)
        token.content = src[start + 2 : end]
        token.markup = "\\("
    state.pos = end + 2
    return True


_TEX_SIGNS = ("\\", "^", "_", "=", "{")


def _bracket_block(state, start_line: int, end_line: int, silent: bool) -> bool:
    start = state.bMarks[start_line] + state.tShift[start_line]
    if not state.src.startswith("\\[", start) or state.sCount[start_line] - state.blkIndent >= 4:
        return False  # not a \[, or an indented code block
    first = state.src[start : state.eMarks[start_line]]
    alone = not first[2:].strip()
    line, pieces = start_line, [first[2:]]
    while True:
        text = pieces[-1].rstrip()
        if text.endswith("\\]") and (line > start_line or not alone):
            pieces[-1] = text[:-2]
            break
        line += 1
        if line >= end_line or state.isEmpty(line) or state.sCount[line] < state.blkIndent:
            return False
        pieces.append(state.src[state.bMarks[line] + state.tShift[line] : state.eMarks[line]])
    content = "\n".join(pieces)
    if "\\]" in content or not content.strip() or not (alone or any(sign in content for sign in _TEX_SIGNS)):
        return False
    if not silent:
        token = state.push("math_block", "math", 0)
        token.block = True
        token.content = content
        token.markup = "\\["
        token.map = [start_line, line + 1]
    state.line = line + 1
    return True
