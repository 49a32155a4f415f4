"""Rewrite one article's tokens as Markdown: pair shortcode tags, dispatch to the handlers, sum up what cannot run."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from packager.content.preprocess.emit import code_span, fence_language
from packager.content.preprocess.hugo import SHORTCODES
from packager.content.preprocess.lexer import Lexer
from packager.content.preprocess.liquid import liquid
from packager.content.preprocess.model import Call, Page, Token, unescape_code
from packager.content.preprocess.myst import directive, inline_math, role
from packager.content.preprocess.myst_refs import REFERENCE_ROLES, reference

_BACKSLASH_BREAK = re.compile(r"(?<!\\)\\\n(?=[ \t>]*\S)")
_LINK_DESTINATION = re.compile(r"(?:\]\(\s*<?|\]:[ \t]*<?)$")

CANNOT_RUN = "write what it stands for in Markdown if the book needs it"


@dataclass
class _Uses:
    line: int
    what: str
    hint: str
    modes: dict[str, int] = field(default_factory=dict)


class Renderer:
    """The rewriter for one article (see model.Rewriter for what its handlers may use)."""

    def __init__(self, text: str, page: Page):
        self.text = text
        self.page = page
        self.uses: dict[str, _Uses] = {}
        self.targets: dict[int, str] = {}  # where each (label)= target written so far ends -> its label

    def line(self, offset: int) -> int:
        return self.text.count("\n", 0, offset)

    def note(self, key: str, what: str, offset: int, mode: str, hint: str = "") -> None:
        """Remember one use of something that cannot run; report() sums them up per file."""
        if not hint:
            what, hint = f"{what} cannot run in a book", CANNOT_RUN
        uses = self.uses.setdefault(key, _Uses(self.line(offset), what, hint))
        uses.modes[mode] = uses.modes.get(mode, 0) + 1

    def report(self) -> None:
        """One warning per thing that could not run, at its first use, saying what became of every use."""
        for uses in sorted(self.uses.values(), key=lambda u: u.line):
            done = ", ".join(mode + (f" ({n} uses)" if n > 1 else "") for mode, n in uses.modes.items())
            self.page.warn(f"{uses.what}: {done}; {uses.hint}", uses.line)

    def render(self, tokens: list[Token]) -> str:
        pairs = _pair(tokens)
        out: list[str] = []
        i = 0
        while i < len(tokens):
            token = tokens[i]
            if token.kind == "shortcode":
                close = pairs.get(i)
                out.append(self.shortcode(tokens, i, close))
                i = (close if close is not None else i) + 1
                continue
            out.append(self.token(token))
            i += 1
        return "".join(out)

    def token(self, token: Token) -> str:
        source = self.text[token.start : token.end]
        if token.kind == "text":
            return _BACKSLASH_BREAK.sub("  \n", source)  # CommonMark's hard break, in Python-Markdown's words
        if token.kind == "code":
            return unescape_code(self.fence_line(token, source))
        if token.kind == "drop":
            return ""
        if token.kind == "comment":  # MyST's % comment: the reader's MyST plugin leaves it out
            return source
        if token.kind == "target":  # MyST's (label)=: the reader's MyST plugin makes it an anchor
            self.targets[token.end] = token.data["label"]
            return source if self.page.myst else ""
        if token.kind == "literal":
            return token.data["text"]
        if token.kind == "role":
            if self.page.myst and token.data["name"].lower() in REFERENCE_ROLES:
                return reference(self, token)
            if self.page.myst and token.data["name"].lower() == "math":
                return inline_math(token.data["content"])
            return role(token.data["name"], token.data["content"])
        if token.kind == "directive":
            return directive(self, token)
        return liquid(self, token, source)

    def fence_line(self, token: Token, source: str) -> str:
        """Fence attributes Python-Markdown does not read (```go {file="x"}) are dropped; the language stays."""
        info = token.data.get("info", "").strip()
        if not info:
            return source
        first, newline, rest = source.partition("\n")
        language = fence_language(info)
        if language == info:
            return source
        return token.data["prefix"] + token.data["fence"] + language + newline + rest

    def sub(self, start: int, end: int) -> str:
        return self.render(Lexer(self.text, self.page.myst).tokens(start, end))

    def label_before(self, token: Token) -> str:
        """Name the MyST (label)= target that stands just before token, or ''."""
        end = token.start
        while end > 0 and self.text[end - 1] in " \t\n":
            end -= 1
        return self.targets.get(end, "") or self.targets.get(end + 1, "")

    def other(self, text: str, page: Page) -> str:
        """Handle the template syntax of another text (a MyST substitution's value), reporting to page."""
        renderer = Renderer(text, page)
        out = renderer.render(Lexer(text, page.myst).tokens(0, len(text)))
        renderer.report()
        return out

    def context(self, token: Token) -> tuple[str, bool, bool]:
        """(prefix, alone, in_url) for a token: where on its line it stands."""
        line_start = self.text.rfind("\n", 0, token.start) + 1
        before = self.text[line_start : token.start]
        after_end = self.text.find("\n", token.end)
        after = self.text[token.end : len(self.text) if after_end < 0 else after_end]
        alone = before.strip(" \t>") == "" and after.strip() == ""
        in_url = bool(_LINK_DESTINATION.search(before))
        return (before if alone else ""), alone, in_url

    def shortcode(self, tokens: list[Token], i: int, close: int | None) -> str:
        opening = tokens[i]
        data = opening.data
        if data["kind"] == "close":
            what = f"the closing shortcode tag {{{{< /{data['name']} >}}}} has no opening tag"
            self.note("/" + data["name"], what, opening.start, "dropped", "remove it")
            return ""
        end = tokens[close].end if close is not None else opening.end
        prefix, alone, in_url = self.context(Token("shortcode", opening.start, end))
        call = Call(
            name=data["name"],
            args=data["args"],
            kwargs=data["kwargs"],
            raw=self.text[opening.start : end],
            offset=opening.start,
            prefix=prefix,
            alone=alone,
            in_url=in_url,
        )
        if close is not None:
            call.body = self.text[opening.end : tokens[close].start]
            call.render_body = lambda: self.render(tokens[i + 1 : close])
        handler = SHORTCODES.get(call.name.lower())
        result = handler(call, self) if handler else None
        if result is not None:
            return result
        return self.cannot_run(call)

    def cannot_run(self, call: Call, mode: str = "") -> str:
        """The fallback for a shortcode packager cannot run: keep what a reader can use."""
        if call.in_url:
            result, mode = "", mode or "link removed, its text kept"
        elif call.inner is not None:
            result, mode = call.inner, mode or "tags removed, content kept"
        elif call.alone:
            result, mode = "", mode or "left out"
        else:
            result, mode = code_span(" ".join(unescape_code(call.raw).split())), mode or "shown as code"
        self.note("sc:" + call.name, f"Hugo shortcode {call.name!r}", call.offset, mode)
        return result


def _pair(tokens: list[Token]) -> dict[int, int]:
    """Index of the closing tag of each opening shortcode tag that has one (same name, nesting counted)."""
    pairs: dict[int, int] = {}
    for i, token in enumerate(tokens):
        if token.kind != "shortcode" or token.data["kind"] != "open":
            continue
        depth = 0
        for j in range(i + 1, len(tokens)):
            other = tokens[j]
            if other.kind != "shortcode" or other.data["name"] != token.data["name"]:
                continue
            if other.data["kind"] == "open":
                depth += 1
            elif other.data["kind"] == "close":
                if depth == 0:
                    pairs[i] = j
                    break
                depth -= 1
    return pairs
