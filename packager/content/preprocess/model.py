"""Hold what the lexer, the rewriter and the handlers share: the page, tokens, calls, code unescaping."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Protocol

ESCAPED_SHORTCODE = re.compile(r"\{\{([<%])\s*/\*(.*?)\*/\s*([>%])\}\}", re.S)
LIQUID_RAW_MARKER = re.compile(r"\{%-?\s*(?:raw|endraw)\s*-?%\}")


@dataclass(frozen=True)
class Target:
    """Where a MyST reference lands, seen from the article that makes it."""

    href: str  # a link the stage resolves: '#label', '../other.md#label', '../other.md'
    title: str  # what {ref} shows: a heading's title, a figure's caption, a term, an article's title
    kind: str = "section"  # section | figure | table | code | equation | term | document | target
    number: int | None = None  # figures, tables, listings and labelled equations, in book order per kind


@dataclass
class Page:
    """What preprocessing needs from the rest of packager for one article."""

    warn: Callable[[str, int], None]  # (message, line within the text, 0-based)
    locate_image: Callable[[str], str] = lambda src: src  # a Hugo resource name -> a path packager resolves
    remember: Callable[[str, int], None] = lambda needle, line: None  # where later warnings about needle belong
    myst: bool = False  # the article is MyST: targets, references, % comments and substitutions are read
    resolve: Callable[[str, str], Target | None] = lambda space, name: None  # space: label | doc | term
    substitutions: dict[str, str] = field(default_factory=dict)  # MyST {{ key }} values
    kernel_language: str = ""  # a MyST notebook's language (its kernelspec's), for code cells that name none
    site: str | None = None  # the site profile SOURCE was read with: it names what {{ }} and {% %} are


@dataclass
class Token:
    """One piece of the source: kind says how to write it back."""

    kind: str  # text | code | drop | literal | shortcode | liquid | directive | role | target | comment
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


class Rewriter(Protocol):
    """What the Hugo, Liquid and MyST handlers may ask of the rewriter working on one article."""

    text: str  # the whole article
    page: Page

    def line(self, offset: int) -> int:
        """The 0-based line of an offset in text."""
        ...

    def note(self, key: str, what: str, offset: int, mode: str, hint: str = "") -> None:
        """Remember one use of something that cannot run; report() sums them up per file."""
        ...

    def sub(self, start: int, end: int) -> str:
        """text[start:end] with its own template syntax handled."""
        ...

    def context(self, token: Token) -> tuple[str, bool, bool]:
        """(prefix, alone, in_url) for a token: where on its line it stands."""
        ...

    def label_before(self, token: Token) -> str:
        """Name the MyST (label)= target that stands just before token, or ''."""
        ...

    def other(self, text: str, page: Page) -> str:
        """Handle the template syntax of another text (a MyST substitution's value), reporting to page."""
        ...

    def cannot_run(self, call: Call, mode: str = "") -> str:
        """The fallback for a shortcode packager cannot run: keep what a reader can use."""
        ...


def unescape_code(code: str) -> str:
    """Code shows an escaped shortcode as the shortcode itself; Liquid raw markers disappear."""
    code = ESCAPED_SHORTCODE.sub(lambda m: "{{" + m.group(1) + m.group(2) + m.group(3) + "}}", code)
    return LIQUID_RAW_MARKER.sub("", code)
