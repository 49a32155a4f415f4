"""Cut Markdown into tokens: prose, code, Hugo shortcode tags, Liquid tags, MyST directives, targets and roles."""

from __future__ import annotations

import re

from packager.content.preprocess.emit import QUOTE_BREAK
from packager.content.preprocess.model import Token

_SPECIAL = re.compile(r"[\\`{<\n]")
_FENCE = re.compile(r"(?P<prefix>[ \t>]*)(?P<fence>`{3,}|~{3,}|:{3,})[ \t]*(?P<info>[^\n]*)")
_DIRECTIVE_INFO = re.compile(r"\{(?P<name>[A-Za-z][\w:.-]*)\}[ \t]*(?P<arg>[^\n]*)")
_ROLE = re.compile(r"\{([A-Za-z][\w:+.-]*)\}(`+)")
_BACKTICKS = re.compile(r"`+")
_PARAGRAPH_END = re.compile(r"\n[ \t>]*\n")
_SHORTCODE_INNER = re.compile(r"\s*(?P<close>/)?\s*(?P<name>[\w./-]+)(?P<args>.*)", re.S)
_ARG = re.compile(r'\s*(?:([\w-]+)=)?("(?:[^"\\]|\\.)*"|`[^`]*`|[^\s"`]+)', re.S)
_LIQUID_TAG = re.compile(r"\{%-?\s*(\w+)(.*?)-?%\}", re.S)
_LIQUID_OUTPUT = re.compile(r"\{\{-?(.*?)-?\}\}")
_HTML_VERBATIM = re.compile(r"<(pre|code|script|style)(?=[\s>])[^>]*>", re.I)
_MYST_TARGET = re.compile(r"[ \t]*\((?P<label>[^\s()]+)\)=[ \t]*(?:\n|$)")
_QUOTE = re.compile(r"([ \t]*)>")
_MYST_COMMENT = re.compile(r"[ \t>]*%[^\n]*")


class Lexer:
    """Cuts an article into tokens: prose, code, shortcode tags, Liquid tags, MyST directives and roles."""

    def __init__(self, text: str, myst: bool = False):
        self.text = text
        self.myst = myst  # MyST's % comment lines are tokens of their own: nothing in them is read
        self.separated: set[int] = set()

    def tokens(self, start: int, end: int) -> list[Token]:
        text, out = self.text, []
        pending = i = start
        while i < end:
            token = self._block(i, end) if i == start or text[i - 1] == "\n" else None
            if token is None and text[i] == "\\":
                i += 1 if text[i + 1 : i + 2] == "\n" else 2  # an escaped character starts nothing
                continue
            if token is None:
                token = self._inline(i, end)
            if token is None:
                found = _SPECIAL.search(text, i + 1, end) if text[i] != "\n" else None
                i = i + 1 if text[i] == "\n" else end if found is None else found.start()
                continue
            if pending < token.start:
                out.append(Token("text", pending, token.start))
            out.append(token)
            pending = i = token.end
        if pending < end:
            out.append(Token("text", pending, end))
        return out

    def _block(self, i: int, end: int) -> Token | None:
        """What a line can start: a fenced code block, a MyST directive or target, a new block quote."""
        comment = _MYST_COMMENT.match(self.text, i, end) if self.myst else None
        if comment:
            return Token("comment", i, comment.end())
        target = _MYST_TARGET.match(self.text, i, end)
        if target:
            return Token("target", i, target.end(), {"label": target.group("label")})
        match = _FENCE.match(self.text, i, end)
        if not match:
            return self._new_quote(i, end)
        fence, info = match.group("fence"), match.group("info")
        directive = _DIRECTIVE_INFO.match(info)
        if fence[0] == ":" and not directive:
            return None
        if fence[0] == "`" and "`" in info:
            return None
        body_start = min(match.end() + 1, end)
        close_start, close_end = self._closing_fence(body_start, end, fence)
        data = {"prefix": match.group("prefix"), "fence": fence, "info": info, "body": (body_start, close_start)}
        if directive:
            data |= {"name": directive.group("name"), "arg": directive.group("arg").strip()}
            return Token("directive", i, close_end, data)
        return Token("code", i, close_end, data)

    def _new_quote(self, i: int, end: int) -> Token | None:
        """A block quote after a blank line is a new quote (CommonMark); Python-Markdown would merge the two."""
        quote = _QUOTE.match(self.text, i, end)
        if not quote or i in self.separated:
            return None
        previous, blanks = i - 1, 0
        while previous > 0:
            line_start = self.text.rfind("\n", 0, previous) + 1
            line = self.text[line_start:previous]
            if line.strip():
                break
            blanks, previous = blanks + 1, line_start - 1
        if not blanks or not _QUOTE.match(line):
            return None
        self.separated.add(i)
        return Token("literal", i, i, {"text": quote.group(1) + QUOTE_BREAK + "\n\n"})

    def _closing_fence(self, start: int, end: int, fence: str) -> tuple[int, int]:
        closing = re.compile(rf"[ \t>]*{re.escape(fence[0])}{{{len(fence)},}}[ \t]*(?:\n|$)")
        pos = start
        while pos < end:
            match = closing.match(self.text, pos, end)
            if match:
                return pos, match.end() - (1 if match.group().endswith("\n") else 0)
            newline = self.text.find("\n", pos, end)
            if newline < 0:
                break
            pos = newline + 1
        return end, end  # an unclosed fence runs to the end, as in CommonMark

    def _inline(self, i: int, end: int) -> Token | None:
        text = self.text
        if text.startswith("{{<", i) or text.startswith("{{%", i):
            return self._shortcode(i, end)
        if text.startswith("{%", i):
            return self._liquid_tag(i, end)
        if text.startswith("{{", i):
            match = _LIQUID_OUTPUT.match(text, i, min(end, self._line_end(i)))
            return Token("liquid", i, match.end(), {"expr": match.group(1).strip()}) if match else None
        if text[i] == "{":
            return self._role(i, end)
        if text[i] == "`":
            return self._code_span(i, end)
        if text.startswith("<!--", i):
            close = text.find("-->", i + 4, end)
            stop = end if close < 0 else close + 3
            kind = "drop" if text[i + 4 : close].strip().lower() == "more" else "code"
            return Token(kind, i, stop)
        if text[i] == "<":
            match = _HTML_VERBATIM.match(text, i, end)
            if match:
                close = re.compile(rf"</{match.group(1)}\s*>", re.I).search(text, match.end(), end)
                return Token("code", i, close.end() if close else end)
        return None

    def _line_end(self, i: int) -> int:
        newline = self.text.find("\n", i)
        return len(self.text) if newline < 0 else newline

    def _paragraph_end(self, i: int, end: int) -> int:
        match = _PARAGRAPH_END.search(self.text, i, end)
        return match.start() if match else end

    def _code_span(self, i: int, end: int) -> Token:
        run = len(_BACKTICKS.match(self.text, i, end).group())
        closing = re.compile(rf"(?<!`)`{{{run}}}(?!`)")
        match = closing.search(self.text, i + run, self._paragraph_end(i, end))
        if not match:
            return Token("text", i, i + run)
        return Token("code", i, match.end())

    def _role(self, i: int, end: int) -> Token | None:
        match = _ROLE.match(self.text, i, end)
        if not match:
            return None
        ticks = match.group(2)
        closing = re.compile(rf"(?<!`){ticks}(?!`)")
        close = closing.search(self.text, match.end(), self._paragraph_end(i, end))
        if not close:
            return None
        content = self.text[match.end() : close.start()]
        return Token("role", i, close.end(), {"name": match.group(1), "content": content})

    def _shortcode(self, i: int, end: int) -> Token:
        text, delim = self.text, self.text[i + 2]
        closer = ">}}" if delim == "<" else "%}}"
        limit = self._paragraph_end(i, end)
        escaped = re.compile(r"\s*/\*").match(text, i + 3, limit)
        if escaped:
            stop = text.find("*/" + closer, escaped.end(), limit)
            if stop >= 0:
                inner = text[escaped.end() : stop]
                return Token("literal", i, stop + 5, {"text": "{{" + delim + inner + closer[0] + "}}"})
        stop = self._shortcode_end(i + 3, limit, closer)
        if stop is None:
            return Token("text", i, i + 3)
        inner = text[i + 3 : stop]
        parsed = _SHORTCODE_INNER.match(inner)
        if not parsed:
            return Token("text", i, i + 3)
        args_text = parsed.group("args").rstrip()
        self_closing = args_text.endswith("/") and (args_text[:-1] == "" or args_text[-2] in ' \t\n"`')
        if self_closing:
            args_text = args_text[:-1]
        args, kwargs = _parse_args(args_text)
        kind = "close" if parsed.group("close") else "self" if self_closing else "open"
        data = {"name": parsed.group("name"), "kind": kind, "args": args, "kwargs": kwargs, "markdown": delim == "%"}
        return Token("shortcode", i, stop + 3, data)

    def _shortcode_end(self, i: int, limit: int, closer: str) -> int | None:
        """Where the closing delimiter starts, skipping quoted arguments."""
        text = self.text
        while i < limit:
            if text.startswith(closer, i):
                return i
            if text[i] in '"`':
                quote = text[i]
                i += 1
                while i < limit and text[i] != quote:
                    i += 2 if text[i] == "\\" and quote == '"' else 1
            i += 1
        return None

    def _liquid_tag(self, i: int, end: int) -> Token | None:
        match = _LIQUID_TAG.match(self.text, i, self._paragraph_end(i, end))
        if not match:
            return None
        name, arg = match.group(1), match.group(2).strip()
        if name in ("raw", "comment", "highlight"):  # block tags: their body is taken with them
            closing = re.compile(rf"\{{%-?\s*end{name}\s*-?%\}}")
            close = closing.search(self.text, match.end(), end)
            if close:
                data = {"name": name, "arg": arg, "body": (match.end(), close.start())}
                return Token("liquid", i, close.end(), data)
        return Token("liquid", i, match.end(), {"name": name, "arg": arg})


def _parse_args(text: str) -> tuple[list[str], dict[str, str]]:
    args: list[str] = []
    kwargs: dict[str, str] = {}
    for match in _ARG.finditer(text):
        value = match.group(2)
        if value[0] == '"':
            value = re.sub(r"\\(.)", r"\1", value[1:-1])
        elif value[0] == "`":
            value = value[1:-1]
        if match.group(1):
            kwargs[match.group(1)] = value
        else:
            args.append(value)
    return args, kwargs
