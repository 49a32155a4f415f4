"""An mdBook chapter as mdBook hands it to its HTML renderer: its links helpers run, then what that renderer hides.

mdBook's ``links`` preprocessor (mdbook-driver's ``links.rs``) runs over the
whole text, code blocks included, left to right:

- ``{{#include file}}``, ``file:2``, ``file:2:10``, ``file:2:``, ``file::10``
  (lines, from 1) and ``file:name`` (the lines between ``ANCHOR: name`` and
  ``ANCHOR_END: name``, other markers' lines removed);
- ``{{#rustdoc_include file:…}}``: the whole file, the lines outside the range
  or anchor made rustdoc's hidden ``# `` lines;
- ``{{#playground file attrs}}``: the file in a ``rust`` code block;
- ``{{#title …}}``: removed (it sets only the HTML page's <title>; the
  chapter's title stays SUMMARY.md's, in mdBook's sidebar as in a book);
- ``\\{{#…}}``: the example shown without its backslash.

Included text is expanded in turn, paths from the included file's folder, up
to 10 deep as in mdBook; each line after the first gets the text before the
helper on its line (its indent). A file outside the book's folder, or one the
build may not read, is refused: one warning with the line, and the helper
stays as written, as mdBook leaves a helper it cannot expand.

Then what mdBook's HTML hides by default is left out: in ``rust`` code blocks
rustdoc's hidden lines (``# `` or a lone ``#``; ``##`` shows ``#``), in other
languages the lines starting with book.toml's ``[output.html.code.hidelines]``
prefix or the block's ``hidelines=`` one; a block's info string keeps only its
language (``rust,editable`` -> ``rust``). Last, ``{{ … }}`` left in prose, an
example or another preprocessor's marker (``{{ mdbook-version }}``), is kept
visible as written, its first brace written ``&#123;``, which Markdown and
raw HTML both show as ``{`` and no later template step reads; a marker that
is not mdBook's own is reported once per file.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from markdown_it import MarkdownIt

from packager.content.preprocess.lexer import Lexer
from packager.project.sites.mdbook import LINK, BookSettings, book_settings
from packager.project.snippets import readable

if TYPE_CHECKING:
    from packager.content.context import ArticleContext

MAX_DEPTH = 10  # mdBook's MAX_LINK_NESTED_DEPTH
#: What warnings about helpers whose file is not read are counted as.
NOT_READ = "mdBook includes not read"
#: What the warning about other preprocessors' markers is counted as: template syntax, as Hugo's and Liquid's.
CANNOT_RUN = "template calls that cannot run"
#: The helpers of mdBook's links preprocessor ({{#playpen}} is {{#playground}}'s old name).
HELPERS = ("include", "rustdoc_include", "playground", "playpen", "title")
_ANCHOR_START = re.compile(r"ANCHOR:\s*([\w_-]+)")
_ANCHOR_END = re.compile(r"ANCHOR_END:\s*([\w_-]+)")
_RUST_HIDDEN = re.compile(r"^(\s*)#(.?)(.*)$")
_NUMBER = re.compile(r"\+?[0-9]+")
_COMMONMARK = MarkdownIt("commonmark")  # finds the code blocks as mdBook's CommonMark reader does
#: MathJax's delimiters in an mdBook with mathjax-support, as Markdown writes them (their backslash escaped),
#: each pair in one paragraph: \\( … \\) inline, \\[ … \\] a display.
_IN_PARAGRAPH = r"((?:(?!\n[ \t>]*\n).)+?)"
_MATHJAX = re.compile(rf"\\\\\({_IN_PARAGRAPH}\\\\\)|\\\\\[{_IN_PARAGRAPH}\\\\\]", re.S)
_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")


def run(ctx: ArticleContext, text: str) -> str:
    """The chapter's text after mdBook's links preprocessor, without the code lines its HTML hides."""
    settings = book_settings(ctx.source_dir)
    if settings.links:
        text = _Links(ctx).expand(text, (ctx.source_dir.resolve() / ctx.rel).parent, 0, None)
    text = _code_blocks(text, settings.hidelines)
    return _keep_visible(ctx, text, settings)


class _Refused(Exception):
    """A helper's file cannot be read: why."""


@dataclass(frozen=True)
class _Helper:
    kind: str  # escaped, include, rustdoc_include, playground, title
    path: str = ""
    spec: str | None = None  # what follows the path's first ':' (lines or an anchor)
    attrs: tuple[str, ...] = ()


def _helper(match: re.Match) -> _Helper | None:
    """The helper a match of LINK is, or None for a {{#name …}} mdBook does not know (left as written)."""
    kind, rest = match.group(1), match.group(2)
    if kind is None:
        return _Helper("escaped")
    if kind == "title":
        return _Helper("title")
    words = rest.split()
    if not words or kind not in HELPERS:
        return None
    if kind in ("playground", "playpen"):
        return _Helper("playground", words[0], None, tuple(words[1:]))
    path, colon, spec = words[0].partition(":")
    return _Helper(kind, path, spec if colon else None)


class _Links:
    """mdBook's replace_all for one chapter: its warnings go to ctx, at the line of the chapter's own helper."""

    def __init__(self, ctx: ArticleContext):
        self.ctx = ctx
        self.source = ctx.source_dir.resolve()

    def expand(self, text: str, folder: Path, depth: int, line: int | None) -> str:
        out: list[str] = []
        done = 0
        for match in LINK.finditer(text):
            helper = _helper(match)
            if helper is None:
                continue
            out.append(text[done : match.start()])
            here = line if line is not None else text.count("\n", 0, match.start())
            try:
                new, inner = self.render(helper, match.group(0), folder)
            except _Refused as why:
                where = "" if depth == 0 else f" (in a file included here, {self._name(folder)}/)"
                self.ctx.warn_at(f"{match.group(0)}{where}: {why}; the helper is left as written", here, kind=NOT_READ)
                done = match.start()
                continue
            done = match.end()
            if depth >= MAX_DEPTH:
                self.ctx.warn_at(
                    f"{match.group(0)}: includes nested more than {MAX_DEPTH} deep (does a file include itself?), "
                    "left out as mdBook does",
                    here,
                    kind=NOT_READ,
                )
                continue
            if inner is not None:
                new = self.expand(new, inner, depth + 1, here)
            prefix = "".join(out).split("\n")[-1]
            out.append(("\n" + prefix).join(_lines(new)))
        out.append(text[done:])
        return "".join(out)

    def render(self, helper: _Helper, written: str, folder: Path) -> tuple[str, Path | None]:
        """The helper's text, and the folder its own helpers are read from (None: they are not expanded)."""
        if helper.kind == "escaped":
            return written[1:], None
        if helper.kind == "title":
            return "", None
        target = Path(os.path.abspath(folder / helper.path))
        content = self.read(target)
        if helper.kind == "playground":
            attrs = ",".join(helper.attrs)
            body = content if content.endswith("\n") else content + "\n"
            return f"```rust{',' if attrs else ''}{attrs}\n{body}```\n", target.parent
        lines, spec = _lines(content), _spec(helper.spec)
        if helper.kind == "rustdoc_include":
            return "\n".join(_rustdoc(lines, spec)), target.parent
        kept = _anchored(lines, spec[1]) if spec[0] == "anchor" else lines[spec[1] : spec[2]]
        return "\n".join(kept), target.parent

    def read(self, target: Path) -> str:
        name = self._name(target)
        if not target.is_relative_to(self.source):
            raise _Refused(f"{name} is outside the book's folder, not read")
        if not target.exists():
            raise _Refused(f"{name} does not exist")
        if not readable(self.source, target):
            raise _Refused(f"{name} is not a file the build may read (hidden, a link out of the folder, or output)")
        try:
            return target.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            raise _Refused(f"{name} is not UTF-8 text") from None
        except OSError as exc:
            raise _Refused(f"{name} cannot be read ({exc.strerror})") from None

    def _name(self, path: Path) -> str:
        return Path(os.path.relpath(path, self.source)).as_posix()


def _lines(text: str) -> list[str]:
    """Rust's str::lines: split at \\n, a \\r before it dropped, no empty last line."""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [line.removesuffix("\r") for line in lines]


def _spec(spec: str | None) -> tuple:
    """mdBook's parse_range_or_anchor: ("anchor", name) or ("lines", start, end), 0-based, end excluded or None."""
    parts = (spec or "").split(":", 2)
    first = parts[0]
    if _NUMBER.fullmatch(first):
        start = max(int(first) - 1, 0)
    elif first == "":
        start = None
    else:
        return ("anchor", first)
    end = parts[1] if len(parts) > 1 else None
    if start is not None and end is None:
        return ("lines", start, start + 1)
    stop = int(end) if end is not None and _NUMBER.fullmatch(end) else None
    return ("lines", start or 0, stop)


def _marked(lines: list[str], anchor: str):
    """Each line that is no anchor marker, with whether it lies inside anchor; (None, False) where anchor ends."""
    within = False
    for line in lines:
        end, start = _ANCHOR_END.search(line), _ANCHOR_START.search(line)
        if within and end:
            if end.group(1) == anchor:
                within = False
                yield None, False
        elif start:
            within = within or start.group(1) == anchor
        elif not end:
            yield line, within


def _anchored(lines: list[str], anchor: str) -> list[str]:
    """take_anchored_lines: the lines after ANCHOR: anchor, up to its ANCHOR_END, without other anchors' lines."""
    kept: list[str] = []
    for line, within in _marked(lines, anchor):
        if line is None:
            break
        if within:
            kept.append(line)
    return kept


def _rustdoc(lines: list[str], spec: tuple) -> list[str]:
    """take_rustdoc_include_lines / _anchored_lines: every line, those outside the range or anchor behind '# '."""
    if spec[0] == "lines":
        _, start, stop = spec
        return [line if start <= i and (stop is None or i < stop) else "# " + line for i, line in enumerate(lines)]
    return [line if within else "# " + line for line, within in _marked(lines, spec[1]) if line is not None]


def _code_blocks(text: str, hidelines: dict[str, str]) -> str:
    """Each fenced block's info string cut to its language, and the lines mdBook's HTML hides left out."""
    lines = text.split("\n")
    fences = [t for t in _COMMONMARK.parse(text) if t.type == "fence" and t.map]
    for token in reversed(fences):  # from the end, so that the lines of the blocks before stay where they are
        words = [w for w in re.split(r"[ \t,]", token.info) if w]
        language = words[0] if words else ""
        start = token.map[0]
        at = lines[start].find(token.markup)
        if at >= 0 and len(words) > 1:
            lines[start] = lines[start][: at + len(token.markup)] + language
        own = next((w.removeprefix("hidelines=") for w in words[1:] if w.startswith("hidelines=")), None)
        prefix = own or hidelines.get(language)
        if language != "rust" and not prefix:
            continue
        hidden = []
        for i, code in enumerate(token.content.split("\n")[:-1]):
            number = start + 1 + i
            if number >= len(lines) or not lines[number].endswith(code):
                continue  # a line whose container marks do not end where markdown-it says: left as it is
            shown = _rust_line(code) if language == "rust" else (None if code.lstrip().startswith(prefix) else code)
            if shown is None:
                hidden.append(number)
            elif shown != code:
                lines[number] = lines[number][: len(lines[number]) - len(code)] + shown
        for number in reversed(hidden):
            del lines[number]
    return "\n".join(lines)


def _rust_line(code: str) -> str | None:
    """A line of Rust as mdBook shows it: None for rustdoc's hidden lines, '##' as '#'."""
    match = _RUST_HIDDEN.match(code)
    if match is None:
        return code
    if match.group(2) == "#":
        return match.group(1) + "#" + match.group(3)
    return None if match.group(2) in ("", " ") else code


def _maths(match: re.Match) -> str:
    """MathJax's maths as the reader's: the TeX MathJax is given, Markdown's escapes undone (a doubled backslash one)."""
    inline, display = match.groups()
    tex = _ESCAPED.sub(r"\1", inline if inline is not None else display)
    return f"\\({tex}\\)" if inline is not None else f"\\[{tex}\\]"


def _keep_visible(ctx: ArticleContext, text: str, settings: BookSettings) -> str:
    """Every {{ … }} left in prose shown as written, those mdBook does not know reported once; MathJax's maths read."""
    out: list[str] = []
    markers: dict[str, int] = {}
    for token in Lexer(text).tokens(0, len(text)):
        written = text[token.start : token.end]
        if token.kind == "text" and settings.mathjax:
            written = _MATHJAX.sub(_maths, written)
        elif token.kind == "liquid" and "name" not in token.data:
            expr = token.data["expr"]
            if not re.match(rf"#\s*({'|'.join(HELPERS)})\b", expr):
                markers[written] = markers.get(written, 0) + 1
            written = "&#123;" + written[1:]  # a character reference: prose and raw HTML both show "{"
        out.append(written)
    if markers:
        own = settings.preprocessors
        whose = f"the book's own preprocessor ({', '.join(own)})" if own else "another tool"
        uses = ", ".join(f"{marker}" + (f" ({n} uses)" if n > 1 else "") for marker, n in markers.items())
        ctx.warn(
            f"{uses}: not mdBook's own syntax, and {whose} cannot run in a book: shown as written",
            next(iter(markers)),
            kind=CANNOT_RUN,
        )
    return "".join(out)
