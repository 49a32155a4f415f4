"""Template syntax a book cannot run, turned into plain Markdown before Python-Markdown sees it.

Static-site generators let authors call templates from Markdown: Hugo
shortcodes (``{{< figure … >}}``, ``{{% include … %}}``), Jekyll's Liquid
(``{% include … %}``, ``{{ page.title }}``), MyST / Jupyter Book directives
and roles (```` ```{note} ````, ``{ref}`target` ``). The common ones become the
Markdown they stand for; the rest stay visible (inline ones as code, so no
template delimiter is ever mistaken for prose) or are left out, and each is
reported once per file with the line of its first use.

Code (fences, inline code, ``<pre>``) is never changed, except that the
escapes documentation uses to show a shortcode (``{{</* x */>}}``) and
Liquid's ``{% raw %}`` markers are undone, as Hugo and Jekyll do.

The work is done in two steps: a small lexer cuts the text into tokens (prose,
code, shortcode tags, Liquid tags, MyST directives and roles), then a renderer
pairs opening and closing shortcodes and writes each token back as Markdown.
"""

from __future__ import annotations

import html
import re
import textwrap
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

ESCAPED_SHORTCODE = re.compile(r"\{\{([<%])\s*/\*(.*?)\*/\s*([>%])\}\}", re.S)
LIQUID_RAW_MARKER = re.compile(r"\{%-?\s*(?:raw|endraw)\s*-?%\}")

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
_MYST_TARGET = re.compile(r"[ \t]*\([\w.:-]+\)=[ \t]*(?:\n|$)")
_QUOTE = re.compile(r"([ \t]*)>")
QUOTE_BREAK = "<!-- -->"  # an empty block between two quotes keeps them apart; the sanitiser drops it
_BACKSLASH_BREAK = re.compile(r"(?<!\\)\\\n(?=[ \t>]*\S)")
_LINK_DESTINATION = re.compile(r"(?:\]\(\s*<?|\]:[ \t]*<?)$")


@dataclass
class Page:
    """What preprocessing needs from the rest of packager for one article."""

    warn: Callable[[str, int], None]  # (message, line within the text, 0-based)
    locate_image: Callable[[str], str] = lambda src: src  # a Hugo resource name -> a path packager resolves
    remember: Callable[[str, int], None] = lambda needle, line: None  # where later warnings about needle belong


@dataclass
class Token:
    """One piece of the source: kind says how to write it back."""

    kind: str  # text | code | drop | literal | shortcode | liquid | directive | role
    start: int
    end: int
    data: dict = field(default_factory=dict)


@dataclass
class Call:
    """One use of a Hugo shortcode, as the handlers see it."""

    name: str
    args: list[str]
    kwargs: dict[str, str]
    raw: str  # the call as written, closing tag included
    offset: int  # where it starts in the article's text
    prefix: str  # indentation / quote markers before the call on its line
    alone: bool  # the call has its line(s) to itself: it stands for a block
    in_url: bool  # the call is the destination of a Markdown link
    body: str | None = None  # source between the tags of a paired call
    render_body: Callable[[], str] | None = field(default=None, repr=False)

    @cached_property
    def inner(self) -> str | None:
        """The body with its own template syntax handled; rendered only when asked (code bodies never are)."""
        return None if self.render_body is None else self.render_body()

    def get(self, name: str, position: int | None = None, default: str = "") -> str:
        if name in self.kwargs:
            return self.kwargs[name]
        if position is not None and position < len(self.args):
            return self.args[position]
        return default


def preprocess(text: str, page: Page) -> str:
    """Return text with the template syntax handled; warnings go to page.warn."""
    renderer = _Renderer(text, page)
    out = renderer.render(_Lexer(text).tokens(0, len(text)))
    renderer.report()
    return out


def unescape_code(code: str) -> str:
    """Code shows an escaped shortcode as the shortcode itself; Liquid raw markers disappear."""
    code = ESCAPED_SHORTCODE.sub(lambda m: "{{" + m.group(1) + m.group(2) + m.group(3) + "}}", code)
    return LIQUID_RAW_MARKER.sub("", code)


# --------------------------------------------------------------------------- lexer


class _Lexer:
    def __init__(self, text: str):
        self.text = text
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
        target = _MYST_TARGET.match(self.text, i, end)
        if target:
            return Token("drop", i, target.end())
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


# --------------------------------------------------------------------------- renderer


@dataclass
class _Uses:
    line: int
    what: str
    hint: str
    modes: dict[str, int] = field(default_factory=dict)


CANNOT_RUN = "write what it stands for in Markdown if the book needs it"


class _Renderer:
    def __init__(self, text: str, page: Page):
        self.text = text
        self.page = page
        self.uses: dict[str, _Uses] = {}

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
        if token.kind == "literal":
            return token.data["text"]
        if token.kind == "role":
            return _role(token.data["name"], token.data["content"])
        if token.kind == "directive":
            return self.directive(token)
        return self.liquid(token, source)

    def fence_line(self, token: Token, source: str) -> str:
        """Fence attributes Python-Markdown does not read (```go {file="x"}) are dropped; the language stays."""
        info = token.data.get("info", "").strip()
        if not info:
            return source
        first, newline, rest = source.partition("\n")
        language = _fence_language(info)
        if language == info:
            return source
        return token.data["prefix"] + token.data["fence"] + language + newline + rest

    def sub(self, start: int, end: int) -> str:
        return self.render(_Lexer(self.text).tokens(start, end))

    def context(self, token: Token) -> tuple[str, bool, bool]:
        """(prefix, alone, in_url) for a token: where on its line it stands."""
        line_start = self.text.rfind("\n", 0, token.start) + 1
        before = self.text[line_start : token.start]
        after_end = self.text.find("\n", token.end)
        after = self.text[token.end : len(self.text) if after_end < 0 else after_end]
        alone = before.strip(" \t>") == "" and after.strip() == ""
        in_url = bool(_LINK_DESTINATION.search(before))
        return (before if alone else ""), alone, in_url

    # ----------------------------------------------------------- Hugo shortcodes

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
            result, mode = _code_span(" ".join(unescape_code(call.raw).split())), mode or "shown as code"
        self.note("sc:" + call.name, f"Hugo shortcode {call.name!r}", call.offset, mode)
        return result

    # ----------------------------------------------------------- Liquid

    def liquid(self, token: Token, source: str) -> str:
        data = token.data
        name = data.get("name")
        if name is None:
            return self.liquid_output(token, source)
        if name == "raw" and "body" in data:
            return self.text[slice(*data["body"])]
        if name == "comment" and "body" in data:
            return ""
        if name == "highlight" and "body" in data:
            prefix, _, _ = self.context(token)
            code = unescape_code(self.text[slice(*data["body"])])
            return _block(_fence(data["arg"].split(" ")[0], _dedent(code, prefix)), prefix)
        if name in ("link", "post_url") and data["arg"]:
            path = data["arg"].split()[0].strip("'\"")
            return "/" + path.lstrip("/") if name == "link" else f"/_posts/{path}.md"
        base = name[3:] if name.startswith("end") and len(name) > 3 else name
        self.note("liquid", "Liquid (Jekyll) template syntax", token.start, f"{{% {base} %}} left as text")
        return source

    def liquid_output(self, token: Token, source: str) -> str:
        expr = token.data["expr"]
        if re.fullmatch(r"(site\.(baseurl|url)|base_path|site\.github\.url)", expr):
            return ""  # the site's own address: links after it are site-root paths
        url = re.fullmatch(r"""(['"])(.*?)\1\s*\|\s*(relative_url|absolute_url)""", expr)
        if url:
            return url.group(2)
        self.note("liquid", "Liquid (Jekyll) template syntax", token.start, "{{ \u2026 }} left as text")
        return source

    # ----------------------------------------------------------- MyST

    def directive(self, token: Token) -> str:
        data = token.data
        prefix, name, arg = data["prefix"], data["name"].lower(), data["arg"]
        start, end = data["body"]
        options, body_start = _directive_options(self.text, start, end)
        source = self.text[start:end]
        body = _dedent(self.text[body_start:end], prefix)
        if name in ADMONITIONS or name in VERSION_NOTES:
            kind, title = _admonition_kind(name, arg)
            kind = options.get("class", "") if options.get("class", "") in ADMONITIONS.values() else kind
            return _block(_alert(kind, title, _dedent(self.sub(body_start, end), prefix)), prefix)
        if name in ("figure", "image"):
            caption = " ".join(body.split()) if name == "figure" else ""
            return _block([_img(arg, options.get("alt", caption), caption)], prefix)
        if name in ("code", "code-block", "sourcecode", "code-cell"):
            return _block(_fence(arg.split(" ")[0], unescape_code(body)), prefix)
        if name in ("math", "mermaid"):
            return _block(_fence(name, body), prefix)
        what = f"MyST directive {{{name}}}"
        if name in ("toctree", "tableofcontents", "contents"):
            self.note("myst:" + name, what, token.start, "left out (the book has its own table of contents)")
            return _block([], prefix)
        if data["fence"][0] == ":":
            self.note("myst:" + name, what, token.start, "content kept as text")
            return _block(_dedent(self.sub(body_start, end), prefix).split("\n"), prefix)
        self.note("myst:" + name, what, token.start, "content shown as code")
        return _block(_fence("", unescape_code(_dedent(source, prefix))), prefix)


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


# --------------------------------------------------------------------------- output helpers


def _block(lines: list[str], prefix: str) -> str:
    """Lines that stand as a block where a call stood alone: blank lines around, its indentation kept."""
    return "\n".join([prefix.rstrip(" ")] + [(prefix + line).rstrip() for line in lines] + [prefix.rstrip(" ")])


def _dedent(text: str, prefix: str) -> str:
    lines = text.strip("\n").split("\n")
    if prefix:
        width = len(prefix)
        lines = [
            line[width:] if line.startswith(prefix) else line[:width].lstrip(" \t>") + line[width:] for line in lines
        ]
    return textwrap.dedent("\n".join(lines)).strip("\n")


def _fence(language: str, code: str) -> list[str]:
    code = code.strip("\n")
    longest = max((len(run) for run in re.findall(r"`+", code)), default=0)
    fence = "`" * max(3, longest + 1)
    return [fence + _fence_language(language) if language else fence, *code.split("\n"), fence]


def _fence_language(info: str) -> str:
    """The language of a fence's info string, in any of its dialects: 'go {file=x}', '{.go}', 'go title="x"'."""
    if info.startswith("{"):
        match = re.search(r"\.([\w+#-]+)", info)
        return match.group(1) if match else ""
    return re.sub(r"[^\w+#.-]", "", info.split()[0].split("{")[0])


def _code_span(code: str) -> str:
    longest = max((len(run) for run in re.findall(r"`+", code)), default=0)
    ticks = "`" * (longest + 1)
    pad = " " if code.startswith("`") or code.endswith("`") else ""
    return f"{ticks}{pad}{code}{pad}{ticks}"


def md_text(text: str) -> str:
    """Plain text made safe to drop into Markdown: nothing in it is read as markup."""
    return html.escape(re.sub(r"([\\`*_\[\]{}!>#|~^=])", r"\\\1", text), quote=False)


def _img(src: str, alt: str, caption: str = "") -> str:
    attrs = {"src": src, "alt": alt}
    if caption:
        attrs["title"] = caption
    return "<img " + " ".join(f'{k}="{html.escape(v, quote=True)}"' for k, v in attrs.items()) + " />"


def _alert(kind: str, title: str, body: str) -> list[str]:
    """A GitHub-style alert; markdown.py turns it into an admonition whatever its indentation."""
    head = f"> [!{kind.upper()}]" + (f" {title}" if title else "")
    quoted = [f"> {line}".rstrip() for line in body.split("\n")] if body else []
    return [QUOTE_BREAK, "", head, *quoted, "", QUOTE_BREAK]


def _version(value: str) -> str:
    value = value.strip()
    return value if not value or value[0] in "vV" or not value[0].isdigit() else "v" + value


# --------------------------------------------------------------------------- Hugo handlers


def _figure(call: Call, r: _Renderer) -> str | None:
    src = call.get("src", 0)
    if not src:
        return None
    caption = call.get("caption") or call.get("title")
    src = r.page.locate_image(src)
    r.page.remember(src, r.line(call.offset))
    image = _img(src, call.get("alt", 1), caption)
    link = call.get("link")
    if link:
        image = f'<a href="{html.escape(link, quote=True)}">{image}</a>'
    return _block([image], call.prefix) if call.alone else image


def _highlight(call: Call, r: _Renderer) -> str | None:
    if call.body is None:
        return None
    code = unescape_code(call.body)
    if not call.alone or "hl_inline=true" in call.get("options", 1).replace(" ", ""):
        return _code_span(" ".join(code.split()))
    return _block(_fence(call.get("lang", 0), _dedent(code, call.prefix)), call.prefix)


def _code_toggle(call: Call, r: _Renderer) -> str | None:
    if call.body is None:
        return r.cannot_run(call, "left out (it shows the site's own settings)")
    code = _dedent(unescape_code(call.body), call.prefix)
    is_yaml = bool(re.search(r"^\s*[\w-]+:(\s|$)", code, re.M)) and not re.search(r"^\s*[\w.'\"-]+\s*=", code, re.M)
    language = "yaml" if is_yaml else "toml"
    if call.get("fm").lower() == "true":
        marker = "---" if is_yaml else "+++"
        code = f"{marker}\n{code}\n{marker}"
    return _block(_fence(language, code), call.prefix)


def _details(call: Call, r: _Renderer) -> str | None:
    if call.inner is None:
        return None
    summary = " ".join(call.get("summary", 0, "Details").split())  # Markdown, as Hugo renders it
    lines = _alert("details", summary, _dedent(call.inner, call.prefix))
    lines[2] = lines[2].replace("]", "]+" if call.get("open").lower() == "true" else "]-", 1)
    return _block(lines, call.prefix)


def _version_note(call: Call, r: _Renderer) -> str | None:
    word = "New in" if call.name.lower() == "new-in" else "Deprecated in"
    text = f"{word} {_version(call.get('version', 0))}".strip()
    if call.inner is not None and call.inner.strip():
        kind = "note" if word == "New in" else "warning"
        return _block(_alert(kind, text, _dedent(call.inner, call.prefix)), call.prefix)
    return _block([f"*{text}*"], call.prefix) if call.alone else f"*{text}*"


def _embed(call: Call, r: _Renderer) -> str | None:
    name = call.name.lower()
    ident = call.get("id", 0)
    if not ident:
        return None
    url, label = {
        "youtube": (f"https://www.youtube.com/watch?v={ident}", "YouTube video"),
        "vimeo": (f"https://vimeo.com/{ident}", "Vimeo video"),
        "instagram": (f"https://www.instagram.com/p/{ident}/", "Instagram post"),
        "gist": (f"https://gist.github.com/{call.get('user', 0)}/{call.get('id', 1)}", "Gist"),
        "x": (f"https://x.com/{call.get('user')}/status/{ident}", "Post on X"),
        "twitter": (f"https://x.com/{call.get('user')}/status/{ident}", "Post on X"),
    }[name]
    title = call.get("title")
    text = f"[{md_text(f'{label}: {title}' if title else label)}](<{url}>)"
    return _block([text], call.prefix) if call.alone else text


def _qr(call: Call, r: _Renderer) -> str | None:
    content = (call.body if call.body is not None else call.get("text", 0)).strip()
    if not content:
        return None
    label = md_text(call.get("alt") or "QR code")
    if "\n" in content:
        lines = [f"{label}:", "", *_fence("text", _dedent(content, call.prefix))]
    elif re.match(r"https?://\S+$", content):
        lines = [f"{label}: <{content}>"]
    else:
        lines = [f"{label}: {_code_span(content)}"]
    return _block(lines, call.prefix) if call.alone else " ".join(line for line in lines if line)


def _ref(call: Call, r: _Renderer) -> str | None:
    target = call.get("path", 0)
    return target.replace(" ", "%20") if target else None


SHORTCODES: dict[str, Callable[[Call, _Renderer], str | None]] = {
    "figure": _figure,
    "img": _figure,
    "highlight": _highlight,
    "code-toggle": _code_toggle,
    "details": _details,
    "new-in": _version_note,
    "deprecated-in": _version_note,
    "youtube": _embed,
    "vimeo": _embed,
    "instagram": _embed,
    "gist": _embed,
    "x": _embed,
    "twitter": _embed,
    "qr": _qr,
    "ref": _ref,
    "relref": _ref,
}


# --------------------------------------------------------------------------- MyST helpers

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
    block = re.compile(r"[ \t>]*---[ \t]*\n(.*?)\n[ \t>]*---[ \t]*(?:\n|$)", re.S).match(text, pos, end)
    if block:
        for line in block.group(1).split("\n"):
            key, sep, value = line.strip(" \t>").partition(":")
            if sep:
                options[key.strip()] = value.strip().strip("'\"")
        return options, block.end()
    option = re.compile(r"[ \t>]*:([\w-]+):[ \t]*([^\n]*)(?:\n|$)")
    while (match := option.match(text, pos, end)) is not None:
        options[match.group(1)] = match.group(2).strip()
        pos = match.end()
    return options, pos


_CODE_ROLES = {"code", "samp", "file", "command", "envvar", "literal", "math", "program", "option", "regexp"}


def _role(name: str, content: str) -> str:
    """A MyST/Sphinx role becomes its text: {ref}`Title <target>` -> Title, {code}`x` -> `x`."""
    short = name.split(":")[-1].lower()
    if short in _CODE_ROLES:
        return _code_span(content)
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
