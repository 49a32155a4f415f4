"""Obsidian Flavored Markdown as plugins of the CommonMark reader: wikilinks, embeds, block ids, comments, tags.

The syntax is read as markdown-it reads the rest, so nothing in code is ever
touched. What a name stands for (which note, which attachment) is asked of the
vault the article's ``env["obsidian"]`` holds (``content.vault``): the reader
only knows Markdown. A note embedded in another is read by this same reader,
its section cut out by the structure markdown-it finds (headings, blocks), one
level deeper each time, never into a note already being embedded.
"""

from __future__ import annotations

import html
import re
from typing import Protocol

from markdown_it import MarkdownIt
from markdown_it.token import Token

from packager.book.slugs import heading_slug

#: Embeds that become images; other files (PDF, audio, video) become links; anything else is a note.
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif", ".svg", ".bmp")
FILE_SUFFIXES = (".pdf", ".mp3", ".wav", ".m4a", ".ogg", ".flac", ".3gp", ".webm", ".mp4", ".mkv", ".mov", ".ogv")
#: How many notes deep an embed may go (Obsidian stops too); deeper ones become links.
MAX_EMBED_DEPTH = 4

_SIZE = re.compile(r"^\s*(\d+)(?:\s*x\s*(\d+))?\s*$")
_BLOCK_ID = re.compile(r"(?:^|[ \t])\^([A-Za-z0-9-]+)[ \t]*$")
_TAG = re.compile(r"#([\w/-]*[^\W\d][\w/-]*)")
_EMBED_LINE = re.compile(r"[ \t]*!\[\[([^\[\]\n]+)\]\][ \t]*$")


class Vault(Protocol):
    """What the plugins ask of the vault about the article being read (content.vault.ArticleVault)."""

    def link(self, target: str, fragment: str) -> str | None:
        """The href of a link to a note (fragment: a heading slug or ^block id), or None (warned)."""

    def file(self, target: str) -> str | None:
        """The href of an attachment, relative to the article, or None."""

    def missing_file(self, target: str) -> str:
        """The href a missing attachment would have: where it was looked for."""

    def note(self, target: str) -> tuple[str, str, str] | None:
        """(identity, title, Markdown body) of the note target names, or None (warned)."""

    def tag(self, name: str) -> None:
        """Remember an inline #tag of the article."""

    def name_of(self, identity: str) -> str:
        """The name a note goes by (for messages)."""

    def warn(self, message: str, needle: str) -> None:
        """Warn about the article, at the line where needle is."""


def obsidian_plugin(md: MarkdownIt) -> None:
    """Read [[links]], ![[embeds]], ^block-ids, %%comments%% and #tags."""
    md.block.ruler.before("paragraph", "obsidian_comment_block", _comment_block, {"alt": ["paragraph"]})
    md.block.ruler.before(
        "paragraph", "obsidian_embed_block", _embed_block, {"alt": ["paragraph", "blockquote", "list"]}
    )
    md.inline.ruler.before("link", "obsidian_comment", _comment)
    md.inline.ruler.before("image", "obsidian_embed", _bracket_rule("obsidian_embed", bang=True))
    md.inline.ruler.before("link", "obsidian_wikilink", _bracket_rule("obsidian_link", bang=False))
    md.inline.ruler.push("obsidian_tag", _tag)
    md.core.ruler.push("obsidian_block_ids", _block_ids)
    md.core.ruler.push("obsidian_lift_embeds", _lift_embeds)
    md.add_render_rule("obsidian_link", _render_link)
    md.add_render_rule("obsidian_embed", lambda self, tokens, idx, options, env: _render_embed(md, tokens[idx], env))
    md.add_render_rule("obsidian_tag", _render_tag)


# --- comments --------------------------------------------------------------------------------------------------


def _comment_block(state, start_line: int, end_line: int, silent: bool) -> bool:
    """%% at the start of a line opens a comment that runs to the next %% ending a line (or the note's end)."""
    pos = state.bMarks[start_line] + state.tShift[start_line]
    if state.sCount[start_line] - state.blkIndent >= 4 or not state.src.startswith("%%", pos):
        return False
    close = state.src.find("%%", pos + 2)
    line = start_line
    if close >= 0:
        while line < end_line and state.eMarks[line] < close:
            line += 1
        if line >= end_line or state.src[close + 2 : state.eMarks[line]].strip():
            return False  # text after the closing %%: an inline comment, read with the paragraph
    else:
        line = end_line - 1
    if not silent:
        state.line = line + 1
    return True


def _comment(state, silent: bool) -> bool:
    src, pos = state.src, state.pos
    if not src.startswith("%%", pos):
        return False
    close = src.find("%%", pos + 2, state.posMax)
    if close < 0:
        return False
    state.pos = close + 2
    return True


# --- links and embeds ------------------------------------------------------------------------------------------


def _bracketed(src: str, pos: int, limit: int) -> tuple[str, int] | None:
    """The inside of [[…]] starting at pos, and where it ends; None when it is not one."""
    if not src.startswith("[[", pos):
        return None
    close = src.find("]]", pos + 2, limit)
    if close < 0:
        return None
    inner = src[pos + 2 : close]
    if not inner.strip() or "[" in inner or "\n" in inner:
        return None
    return inner, close + 2


def _split(inner: str) -> tuple[str, str, str | None]:
    """(name, fragment, shown text) of 'Name#Heading|shown'; of 'Name#A#B', the fragment is B (\\| in a table)."""
    target, bar, shown = inner.replace("\\|", "|").partition("|")
    name, _, fragment = target.partition("#")
    return name.strip(), fragment.split("#")[-1].strip(), (shown.strip() if bar else None)


def _kind(name: str) -> str:
    """What an embed of name shows: an "image", a "file" (a link to it) or a "note" (its text)."""
    lowered = name.lower()
    return "image" if lowered.endswith(IMAGE_SUFFIXES) else "file" if lowered.endswith(FILE_SUFFIXES) else "note"


def _bracket_rule(kind: str, bang: bool):
    """The inline rule for [[…]] (a link) or, with bang, ![[…]] (an embed)."""

    def rule(state, silent: bool) -> bool:
        if bang and state.src[state.pos] != "!":
            return False
        found = _bracketed(state.src, state.pos + bang, state.posMax)
        if found is None:
            return False
        inner, end = found
        if not silent:
            name, fragment, shown = _split(inner)
            raw = ("!" if bang else "") + f"[[{inner}]]"
            state.push(kind, "", 0).meta = {"name": name, "fragment": fragment, "shown": shown, "raw": raw}
        state.pos = end
        return True

    return rule


def _embed_block(state, start_line: int, end_line: int, silent: bool) -> bool:
    """A note embedded on a line of its own is a block of its own, as Obsidian shows it (not inside a <p>)."""
    if state.sCount[start_line] - state.blkIndent >= 4:
        return False
    start, end = state.bMarks[start_line] + state.tShift[start_line], state.eMarks[start_line]
    match = _EMBED_LINE.match(state.src, start, end)
    if match is None or match.end() != end:
        return False
    name, fragment, shown = _split(match.group(1))
    if _kind(name) != "note":
        return False  # an image or a file link stays inline, in its paragraph
    if not silent:
        token = state.push("obsidian_embed", "", 0)
        token.block = True
        token.map = [start_line, start_line + 1]
        token.meta = {"name": name, "fragment": fragment, "shown": shown, "raw": f"![[{match.group(1)}]]"}
        state.line = start_line + 1
    return True


def _is_note_embed(token: Token) -> bool:
    return token.type == "obsidian_embed" and _kind(token.meta["name"]) == "note"


def _lift_embeds(state) -> None:
    """A note embedded inside a paragraph cuts it in two, with the embed as a block between (Obsidian's view)."""
    tokens, out = state.tokens, []
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token.type != "paragraph_open" or not any(_is_note_embed(c) for c in tokens[i + 1].children or []):
            out.append(token)
            i += 1
            continue
        inline, closing = tokens[i + 1], tokens[i + 2]
        run: list[Token] = []
        for child in [*inline.children, None]:
            if child is not None and not _is_note_embed(child):
                run.append(child)
                continue
            run = _trimmed(run)
            if run:
                part = Token("inline", "", 0, children=run, content="".join(c.content for c in run), level=inline.level)
                out.extend((_copy(token), part, _copy(closing)))
            run = []
            if child is not None:
                child.block, child.level = True, token.level
                out.append(child)
        i += 3
    state.tokens[:] = out


def _blank(token: Token) -> bool:
    """A line break, or text that is only white space."""
    return token.type in ("softbreak", "hardbreak") or (token.type == "text" and not token.content.strip())


def _trimmed(run: list[Token]) -> list[Token]:
    """Inline tokens without the breaks and white space at either end."""
    start, end = 0, len(run)
    while start < end and _blank(run[start]):
        start += 1
    while end > start and _blank(run[end - 1]):
        end -= 1
    run = run[start:end]
    if run and run[0].type == "text":
        run[0].content = run[0].content.lstrip()
    if run and run[-1].type == "text":
        run[-1].content = run[-1].content.rstrip()
    return run


def _copy(token: Token) -> Token:
    return Token(token.type, token.tag, token.nesting, attrs=dict(token.attrs), map=token.map, level=token.level,
                 markup=token.markup, block=True, hidden=token.hidden)  # fmt: skip


def _vault(env) -> Vault | None:
    return env.get("obsidian") if isinstance(env, dict) else None


def _shown(meta: dict) -> str:
    """The text Obsidian shows for a link: its alias, else 'Note > Heading', else the name."""
    if meta["shown"]:
        return meta["shown"]
    name, fragment = meta["name"].removesuffix(".md"), meta["fragment"]
    if not fragment:
        return name
    return f"{name} > {fragment}" if name else fragment


def _fragment(fragment: str) -> str:
    """The id a link's #fragment lands on: a block's ^id as it is, a heading's as its slug."""
    return fragment if fragment.startswith("^") else heading_slug(fragment)


def _render_link(self, tokens, idx, options, env) -> str:
    return _link(tokens[idx].meta, env)


def _link(meta: dict, env) -> str:
    """The link [[…]] stands for, or its text alone when the vault has no such note."""
    shown = html.escape(_shown(meta))
    vault = _vault(env)
    if vault is None:
        return shown
    href = vault.link(meta["name"], _fragment(meta["fragment"]) if meta["fragment"] else "")
    if href is None:
        return shown
    return f'<a class="wikilink" href="{html.escape(href, quote=True)}">{shown}</a>'


def _render_embed(md: MarkdownIt, token: Token, env) -> str:
    meta = token.meta
    vault = _vault(env)
    name, shown = meta["name"], meta["shown"]
    if vault is None:
        return html.escape(meta["raw"])
    kind = _kind(name)
    if kind == "image":
        return _image(vault, meta)
    if kind == "file":
        href = vault.file(name)
        text = html.escape(shown or name)
        return f'<a class="embed-file" href="{html.escape(href or name, quote=True)}">{text}</a>'
    return _note_embed(md, token, env, vault)


def _image(vault: Vault, meta: dict) -> str:
    """![[image.png]], ![[image.png|300]] (width), ![[image.png|300x200]], ![[image.png|alt text]]."""
    name, shown = meta["name"], meta["shown"]
    src = vault.file(name) or vault.missing_file(name)  # the image check says it is missing, and keeps the alt text
    size = _SIZE.match(shown or "")
    alt = name.rsplit("/", 1)[-1].rsplit(".", 1)[0] if shown is None or size else shown
    attributes = f'src="{html.escape(src, quote=True)}" alt="{html.escape(alt, quote=True)}"'
    if size:
        attributes += f' width="{size.group(1)}"' + (f' height="{size.group(2)}"' if size.group(2) else "")
    return f"<img {attributes} />"


def _note_embed(md: MarkdownIt, token: Token, env: dict, vault: Vault) -> str:
    """![[Note]], ![[Note#Heading]], ![[Note#^block]]: that note's text read in place, cycle-safe and depth-limited.

    env["obsidian_stack"] holds the (note, fragment) pairs being embedded, the article itself first.
    """
    meta = token.meta
    stack: tuple[tuple[str, str], ...] = env.get("obsidian_stack", ())
    found = vault.note(meta["name"])
    if found is None:
        return html.escape(_shown(meta))
    identity, title, body = found
    fragment = meta["fragment"]
    link = _link(meta, env)
    at = env.get("obsidian_at", meta["raw"])  # the embed in the article itself, where a warning belongs
    wrap = (lambda inner: f'<p class="embed-link">{inner}</p>\n') if token.block else (lambda inner: inner)
    if (identity, fragment) in stack or (identity, "") in stack[1:] or (not fragment and (identity, "") in stack):
        chain = " -> ".join(vault.name_of(rel) for rel, _ in (*stack, (identity, fragment)))
        vault.warn(f"embed {meta['raw']} closes a cycle of embeds ({chain}); shown as a link to the note", at)
        return wrap(link)
    if len(stack) > MAX_EMBED_DEPTH:
        vault.warn(f"embed {meta['raw']} is more than {MAX_EMBED_DEPTH} notes deep; shown as a link", at)
        return wrap(link)
    text = _section(md, body, fragment)
    if text is None:
        vault.warn(f"embed {meta['raw']}: {title} has no such heading or block; shown as a link", at)
        return wrap(link)
    inner = md.render(text, {"obsidian": vault, "obsidian_stack": (*stack, (identity, fragment)), "obsidian_at": at})
    tag = "div" if token.block else "span"
    return f'<{tag} class="embed"><span class="embed-title">{link}</span>\n{inner}</{tag}>\n'


def _section(md: MarkdownIt, body: str, fragment: str) -> str | None:
    """The part of a note an embed names: all of it, a heading's section, or one block (^id); None if not there."""
    if not fragment:
        return body
    lines = body.split("\n")
    tokens = md.parse(body, {})
    if fragment.startswith("^"):
        block = next((t for t in tokens if t.attrGet("id") == fragment and t.map), None)
        return None if block is None else "\n".join(lines[block.map[0] : block.map[1]])
    wanted = heading_slug(fragment)
    for i, token in enumerate(tokens):
        if token.type != "heading_open" or heading_slug(tokens[i + 1].content) != wanted:
            continue
        end = next(
            (
                later.map[0]
                for later in tokens[i + 1 :]
                if later.type == "heading_open" and later.level == token.level and later.tag <= token.tag
            ),
            len(lines),
        )
        return "\n".join(lines[token.map[0] : end])
    return None


# --- block ids and tags ----------------------------------------------------------------------------------------


def _block_ids(state) -> None:
    """'text ^id' at a block's end gives the block that id; '^id' on a line of its own gives it to the block before."""
    tokens = state.tokens
    drop: list[int] = []
    for i, token in enumerate(tokens):
        if token.type != "inline" or not token.children:
            continue
        last = token.children[-1]
        match = _BLOCK_ID.search(last.content) if last.type == "text" else None
        if match is None:
            continue
        block_id = "^" + match.group(1)
        last.content = last.content[: match.start()].rstrip()
        while token.children and _blank(token.children[-1]):
            token.children.pop()
        opening = tokens[i - 1]
        alone = not token.children
        if alone and opening.type == "paragraph_open":
            target = _previous_block(tokens, i - 1)
            if target is not None:
                target.attrSet("id", block_id)
                drop.extend((i - 1, i, i + 1))
            continue
        if opening.type == "paragraph_open" and opening.hidden:
            item = next((t for t in reversed(tokens[: i - 1]) if t.type == "list_item_open"), None)
            opening = item or opening
        opening.attrSet("id", block_id)
    for i in reversed(drop):
        del tokens[i]


def _previous_block(tokens: list[Token], index: int) -> Token | None:
    """The opening token of the block just before tokens[index], at the same level."""
    level = tokens[index].level
    for j in range(index - 1, -1, -1):
        token = tokens[j]
        if token.level != level:
            continue
        if token.nesting == -1:
            depth = 0
            for k in range(j, -1, -1):
                depth += tokens[k].nesting
                if depth == 0:
                    return tokens[k]
            return None
        return token if token.nesting == 0 and token.type != "inline" else None
    return None


def _tag(state, silent: bool) -> bool:
    src, pos = state.src, state.pos
    if src[pos] != "#" or (pos > 0 and not src[pos - 1].isspace()):
        return False
    match = _TAG.match(src, pos, state.posMax)
    if match is None:
        return False
    if not silent:
        state.push("obsidian_tag", "span", 0).meta = {"name": match.group(1)}
    state.pos = match.end()
    return True


def _render_tag(self, tokens, idx, options, env) -> str:
    name = tokens[idx].meta["name"]
    vault = _vault(env)
    if vault is not None and len(env.get("obsidian_stack", ())) <= 1:
        vault.tag(name)
    return f'<span class="tag">#{html.escape(name)}</span>'
