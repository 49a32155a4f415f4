"""Docusaurus pages made Markdown: what would run as JavaScript is taken out, what it holds is kept.

Docusaurus reads its pages as MDX: Markdown with ``import``/``export`` lines
(each block ending at a blank line), JSX components (``<Tabs>``,
``<TabItem label="…">``, ``<Highlight>…</Highlight>``, ``<Foo />``) and
``{expressions}``. A book runs none of it. Imports and exports are left out.
A component's tags are left out and what it holds is kept, dedented (MDX has no
indented code, so its authors indent freely inside components); a TabItem's
label is kept on a line of its own before its content, so the tabs read one
after the other; a ``<CodeBlock>`` becomes the code block it shows.
Expressions are left out, only in ``.mdx`` pages (a ``.md`` page's braces
stay text), and ``{/* comments */}`` quietly, in both; a heading's ``{#id}`` stays, as
Docusaurus reads it. Each of these is reported once per kind and file, at the
line of its first use. Docusaurus admonitions (``:::tip Title`` … ``:::``, or
``:::tip[Title]``, nested with more colons) become admonitions. Code (fences,
inline code) is never changed, and every line stays on its line, so later
warnings name the right one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from packager.content.preprocess.emit import fence

if TYPE_CHECKING:
    from packager.content.context import ArticleContext

#: Docusaurus' admonition keywords, each as the admonition it becomes.
ADMONITIONS = {
    **{name: name for name in ("note", "tip", "info", "warning", "danger", "caution", "important", "success")},
    "secondary": "note",
}
IMPORTS = "MDX imports and exports left out"
COMPONENTS = "JSX components that cannot run"
EXPRESSIONS = "JSX expressions that cannot run"

_ESM = re.compile(
    r"import\s+(?:[\w$*{}\s,]+?\s+from\s+)?['\"]|import\s*\{"
    r"|export\s+(?:const|let|var|function|class|default|async)\b|export\s*[{*]"
)
_FENCE = re.compile(r"\s*(`{3,}|~{3,})")
_ADMONITION = re.compile(r"(\s*)(:{3,})[ \t]*([A-Za-z]+)(?:\[([^\]]*)\])?(?:\{[^}]*\})?[ \t]*(.*?)\s*")
_CLOSING = re.compile(r"\s*(:{3,})\s*")
_TAG_START = re.compile(r"<(/?)([A-Za-z][\w.:-]*)")
_HEADING_ID = re.compile(r"\{#[\w.:-]+\}\s*$")
_CODE_SPAN = re.compile(r"(`+)(?!`).+?(?<!`)\1(?!`)")
#: An attribute given as a string: name="x", name='x' or name={'x'}.
_ATTRIBUTE = r"""(?<![\w-]){name}\s*=\s*(?:"([^"]*)"|'([^']*)'|\{{\s*["'`]([^"'`]*)["'`]\s*\}})"""


def docusaurus_page(ctx: ArticleContext, text: str) -> str:
    """The page's text with its MDX made Markdown (the Docusaurus profile's site pass)."""
    page = _Page(text.split("\n"), mdx=ctx.rel.lower().endswith(".mdx"))
    out = page.rewrite()
    for kind, (line, names) in page.found.items():
        ctx.warn_at(_MESSAGES[kind].format(names=", ".join(sorted(names))), line, kind=kind)
    return "\n".join(out)


_MESSAGES = {
    IMPORTS: "MDX import/export lines cannot run in a book: left out ({names}); what they bring in is not in the book",
    COMPONENTS: "JSX components cannot run in a book: {names} left out, what they hold kept; "
    "write what they show in Markdown if the book needs it",
    EXPRESSIONS: "JSX expressions cannot run in a book: {names} left out; "
    "write what they show in Markdown if the book needs it",
}


@dataclass
class _Component:
    name: str
    cut: int | None = None  # the indentation its content is written at, taken off each line
    labels: dict[str, str] = field(default_factory=dict)  # a <Tabs values={[…]}>'s label for each tab's value


@dataclass
class _Page:
    lines: list[str]
    mdx: bool
    found: dict[str, tuple[int, set[str]]] = field(default_factory=dict)  # kind -> (first line, what)
    open: list[_Component] = field(default_factory=list)
    admonitions: list[tuple[str, int]] = field(default_factory=list)  # (indentation, colons) of each one open
    in_fence: str = ""  # the fence of the code block the line is in

    def rewrite(self) -> list[str]:
        out: list[str] = []
        i = 0
        while i < len(self.lines):
            taken, lines = self._line(i)
            out.extend(lines)
            i += taken
        return out

    def _note(self, kind: str, line: int, what: str) -> None:
        self.found.setdefault(kind, (line, set()))[1].add(what)

    def _line(self, i: int) -> tuple[int, list[str]]:
        """Rewrite the line at i (and the lines a block starting there takes): (lines read, lines written)."""
        line = self._dedent(self.lines[i])
        if self.in_fence:
            if re.fullmatch(rf"\s*{re.escape(self.in_fence[0])}{{{len(self.in_fence)},}}\s*", line):
                self.in_fence = ""
            return 1, [self._quoted(line)]
        opened = _FENCE.match(line)
        if opened:
            self.in_fence = opened.group(1)
            return 1, [self._quoted(line)]
        if not self.open and not self.admonitions and _ESM.match(self.lines[i]):
            end = next((j for j in range(i, len(self.lines)) if not self.lines[j].strip()), len(self.lines))
            self._note(IMPORTS, i, "import" if self.lines[i].startswith("import") else "export")
            return end - i, [""] * (end - i)
        if line.lstrip().startswith("{/*") and "*/}" not in line:  # a comment over lines: nothing to lose
            end = next((j for j in range(i, len(self.lines)) if "*/}" in self.lines[j]), None)
            if end is not None and not self.lines[end].split("*/}", 1)[1].strip():
                return end + 1 - i, [""] * (end + 1 - i)
        written = self._admonition(line)
        if written is not None:
            return 1, [written]
        tag = _whole_tag(line.strip()) or self._tag_over_lines(i)
        if tag is not None and _is_component(tag.name):
            return self._component(i, tag)
        return 1, [self._quoted(self._inline(line, i))]

    def _admonition(self, line: str) -> str | None:
        """The line that opens or closes a Docusaurus admonition, as an alert's; None for any other line."""
        closing = _CLOSING.fullmatch(line)
        if closing and self.admonitions and len(closing.group(1)) >= self.admonitions[-1][1]:
            self.admonitions.pop()
            return self._quoted("")
        opening = _ADMONITION.fullmatch(line)
        if not opening or opening.group(3).lower() not in ADMONITIONS:
            return None
        indent, colons, keyword, bracketed, rest = opening.groups()
        title = (bracketed if bracketed is not None else rest).strip()
        head = self._quoted(f"> [!{ADMONITIONS[keyword.lower()].upper()}]" + (f" {title}" if title else ""))
        self.admonitions.append((indent, len(colons)))
        return head

    def _quoted(self, line: str) -> str:
        """A line inside the open admonitions: each one's quote marker before it."""
        if not self.admonitions:
            return line
        indent = self.admonitions[0][0]
        rest = line[len(indent) :] if line.startswith(indent) else line.lstrip()
        prefix = indent + "> " * len(self.admonitions)
        return prefix + rest if rest.strip() else prefix.rstrip()

    def _dedent(self, line: str) -> str:
        """A line inside a component, without the indentation its content is written at."""
        if not self.open or not line.strip():
            return line
        top = self.open[-1]
        width = len(line) - len(line.lstrip(" \t"))
        if top.cut is None and not _whole_tag(line.strip()):
            top.cut = width
        return line[min(width, top.cut or 0) :]

    def _component(self, i: int, tag: _Tag) -> tuple[int, list[str]]:
        """A line that is one JSX tag: its component's tags left out, a TabItem's label and a CodeBlock's code kept."""
        taken = tag.lines
        if tag.name == "CodeBlock" and not tag.closing and not tag.self_closing:
            return self._code_block(i, tag)
        if tag.closing:
            if self.open and self.open[-1].name == tag.name:
                self.open.pop()
            return taken, [""] * taken
        self._note(COMPONENTS, i, f"<{tag.name}>")
        if tag.self_closing:
            return taken, [""] * taken
        value = _attribute(tag.attributes, "value")
        tabs = next((c.labels for c in reversed(self.open) if c.name == "Tabs"), {})
        label = _attribute(tag.attributes, "label") or tabs.get(value) or value
        self.open.append(_Component(tag.name, labels=_tab_labels(tag.attributes) if tag.name == "Tabs" else {}))
        if tag.name == "TabItem" and label:  # its own line: a break before text that follows, nothing before a block
            return taken, [self._quoted(f"**{label}**  "), *[""] * (taken - 1)]
        return taken, [""] * taken

    def _code_block(self, i: int, tag: _Tag) -> tuple[int, list[str]]:
        """A <CodeBlock> as the fenced code block it shows (its code written out, or a template literal)."""
        end = next((j for j in range(i, len(self.lines)) if "</CodeBlock>" in self.lines[j]), None)
        if end is None:
            return tag.lines, [""] * tag.lines
        inner = "\n".join(self.lines[i : end + 1])
        inner = inner[inner.index(tag.text) + len(tag.text) : inner.rindex("</CodeBlock>")].strip()
        literal = re.fullmatch(r"\{\s*`(.*)`\s*\}", inner, re.S)
        if literal and "${" not in literal.group(1):
            code = re.sub(r"\\([`\\$])", r"\1", literal.group(1))
        elif inner.startswith("{"):
            self._note(EXPRESSIONS, i, "<CodeBlock>{…}</CodeBlock>")
            return end + 1 - i, [""] * (end + 1 - i)
        else:
            code = inner
        language = _attribute(tag.attributes, "language") or _attribute(tag.attributes, "className").removeprefix(
            "language-"
        )
        written = [self._quoted(line) for line in fence(language, _dedented(code))]
        return end + 1 - i, written + [""] * max(0, end + 1 - i - len(written))

    def _tag_over_lines(self, i: int) -> _Tag | None:
        """A JSX tag that starts a line and goes on over the next ones (one attribute a line)."""
        first = self.lines[i].strip()
        if not _TAG_START.match(first) or _tag_at(first, 0) is not None:
            return None
        for j in range(i + 1, min(i + 30, len(self.lines))):
            joined = " ".join(line.strip() for line in self.lines[i : j + 1])
            tag = _whole_tag(joined)
            if tag is not None:
                tag.lines = j + 1 - i
                return tag
        return None

    def _inline(self, line: str, i: int) -> str:
        """A line of prose: tags of components left out, expressions too (in MDX), inline code untouched."""
        pieces, last = [], 0
        for code in _CODE_SPAN.finditer(line):
            pieces.append(self._prose(line[last : code.start()], i))
            pieces.append(code.group(0))
            last = code.end()
        pieces.append(self._prose(line[last:], i))
        return "".join(pieces)

    def _prose(self, text: str, i: int) -> str:
        out, j, inline = [], 0, []
        while j < len(text):
            char = text[j]
            tag = _tag_at(text, j) if char == "<" else None
            if tag is not None:
                if _is_component(tag.name):
                    self._note(COMPONENTS, i, f"<{tag.name}>")
                    if not tag.closing and not tag.self_closing:
                        inline.append(tag.name)
                    elif tag.closing and tag.name in inline:
                        inline.remove(tag.name)
                    elif tag.closing and self.open and self.open[-1].name == tag.name:
                        self.open.pop()  # a block component closed at the end of its last line
                else:
                    out.append(self._html_tag(tag, i))
                j += len(tag.text)
                continue
            if text.startswith("{/*", j) and "*/}" in text[j:]:  # a comment, in .md pages too
                j = text.index("*/}", j) + 3
                continue
            if char == "{" and self.mdx and not (j and text[j - 1] == "\\") and not _HEADING_ID.match(text, j):
                end = _closing_brace(text, j)
                if end is not None:
                    expression = text[j : end + 1]
                    self._note(EXPRESSIONS, i, expression if len(expression) <= 40 else expression[:37] + "…}")
                    j = end + 1
                    continue
            out.append(char)
            j += 1
        return "".join(out)

    def _html_tag(self, tag: _Tag, i: int) -> str:
        """An HTML tag as HTML: JSX's className as class, attributes set from {expressions} left out."""
        attributes = tag.attributes
        pieces, j = [], 0
        for match in re.finditer(r"\s+[\w:-]+\s*=\s*\{", attributes):
            end = _closing_brace(attributes, match.end() - 1)
            if end is None:
                return tag.text
            pieces.append(attributes[j : match.start()])
            self._note(EXPRESSIONS, i, f"{match.group(0).strip()}…}}")
            j = end + 1
        kept = "".join(pieces) + attributes[j:]
        kept = re.sub(r"\bclassName=", "class=", kept)
        return f"<{'/' if tag.closing else ''}{tag.name}{kept}>"


@dataclass
class _Tag:
    text: str  # the tag as written
    name: str
    attributes: str  # everything between the name and the closing >, the / of a self-closing tag included
    closing: bool
    self_closing: bool
    lines: int = 1  # how many lines it is written over


def _tag_at(text: str, start: int) -> _Tag | None:
    """The HTML or JSX tag that starts at text[start], attributes with quotes and {braces} read whole; or None."""
    match = _TAG_START.match(text, start)
    if not match:
        return None
    depth, quote, j = 0, "", match.end()
    while j < len(text):
        char = text[j]
        if quote:
            quote = "" if char == quote and text[j - 1] != "\\" else quote
        elif char in "\"'" or (char == "`" and depth):
            quote = char
        elif char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        elif char == "<" and not depth:
            return None
        elif char == ">" and not depth:
            attributes = text[match.end() : j]
            if attributes and not attributes[0].isspace() and attributes[0] != "/":
                return None
            return _Tag(text[start : j + 1], match.group(2), attributes, bool(match.group(1)), attributes.endswith("/"))
        j += 1
    return None


def _whole_tag(text: str) -> _Tag | None:
    """The tag that text is, and nothing else."""
    tag = _tag_at(text, 0) if text.startswith("<") else None
    return tag if tag is not None and len(tag.text) == len(text) else None


def _is_component(name: str) -> bool:
    """A JSX component (capitalised, or a member like Foo.Bar), not an HTML element."""
    return name[0].isupper() or "." in name


def _closing_brace(text: str, start: int) -> int | None:
    """Where the brace that opens at text[start] closes, strings inside read whole; None if it does not."""
    depth, quote = 0, ""
    for j in range(start, len(text)):
        char = text[j]
        if quote:
            quote = "" if char == quote and text[j - 1] != "\\" else quote
        elif char in "\"'`":
            quote = char
        elif char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if not depth:
                return j
    return None


def _attribute(attributes: str, name: str) -> str:
    """A tag's attribute given as a string (name="x", name='x' or name={'x'}); "" if it has none."""
    match = re.search(_ATTRIBUTE.format(name=re.escape(name)), attributes)
    return next((group for group in match.groups() if group is not None), "") if match else ""


def _tab_labels(attributes: str) -> dict[str, str]:
    """The label of each tab a <Tabs values={[{label: 'Linux', value: 'lin'}, …]}> names, by its value."""
    labels = {}
    for item in re.findall(r"\{([^{}]*)\}", attributes):
        found = dict(re.findall(r"""\b(label|value)\s*:\s*["'`]([^"'`]*)["'`]""", item))
        if "label" in found and "value" in found:
            labels[found["value"]] = found["label"]
    return labels


def _dedented(code: str) -> str:
    lines = code.strip("\n").split("\n")
    width = min((len(line) - len(line.lstrip()) for line in lines if line.strip()), default=0)
    return "\n".join(line[width:] for line in lines)
