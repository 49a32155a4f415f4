"""The book's MyST labels, read from every article before any is rendered: what {ref} and its kin point at.

Labels are ``(label)=`` targets (naming the heading, figure, table or code
that follows), ``:name:`` options, ``{math}`` ``:label:`` options and
``$$ … $$ (label)`` equations; glossary terms are labels of their own.
Figures, tables, code listings and equations that have a label are numbered
in book order, one count per kind, as Sphinx numbers them. Everything is read
through the preprocessing lexer, so code is never taken for a label.
"""

from __future__ import annotations

import posixpath
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from packager.content.preprocess.lexer import Lexer
from packager.content.preprocess.model import Target, Token
from packager.content.preprocess.myst import directive_options, renders_markdown
from packager.content.preprocess.myst_refs import glossary_entries, term_id, term_text

_HEADING = re.compile(r"[ \t>]*(#{1,6})[ \t]+(?P<title>.*?)(?:[ \t]+#+)?[ \t]*$")
_HEADING_ATTRIBUTES = re.compile(r"[ \t]+\{[^{}]*\}$")
_LABELLED_MATHS = re.compile(r"[ \t>]*\$\$[ \t]*\((?P<label>[^()\s]+)\)[ \t]*$")
_KINDS = {
    "figure": "figure",
    "figure-md": "figure",
    "table": "table",
    "list-table": "table",
    "csv-table": "table",
    "code": "code",
    "code-block": "code",
    "literalinclude": "code",
    "math": "equation",
    "glue:math": "equation",
}


@dataclass(frozen=True)
class Label:
    """One label: the article it is in, the id it has there, what it names."""

    rel: str
    anchor: str
    kind: str  # section | figure | table | code | equation | term | target
    title: str
    number: int | None = None


@dataclass
class LabelIndex:
    """Every label, glossary term and article title of a book (plain data: workers inherit it)."""

    labels: dict[str, Label] = field(default_factory=dict)  # by label, lower-cased (Sphinx's labels ignore case)
    terms: dict[str, Label] = field(default_factory=dict)  # by term, lower-cased
    titles: dict[str, str] = field(default_factory=dict)  # article path -> its title
    duplicates: list[tuple[str, int, str, str]] = field(default_factory=list)  # (path, body line, label, first path)

    def find(self, name: str) -> Label | None:
        """Find the label of that name, if the book has it."""
        return self.labels.get(name.strip().lower())

    def target(self, from_rel: str, space: str, name: str) -> Target | None:
        """Say where a reference from the article from_rel lands: space is 'label', 'term' or 'doc'."""
        if space == "doc":
            rel = self._document(from_rel, name)
            return None if rel is None else Target(_href(from_rel, rel, ""), self.titles[rel], "document")
        label = (self.terms if space == "term" else self.labels).get(" ".join(name.split()).lower())
        if label is None:
            return None
        return Target(_href(from_rel, label.rel, label.anchor), label.title, label.kind, label.number)

    def _document(self, from_rel: str, path: str) -> str | None:
        path = path.strip()
        base = "" if path.startswith("/") else posixpath.dirname(from_rel)
        stem = posixpath.normpath(posixpath.join(base, path.lstrip("/")))
        for candidate in (stem, stem + ".md", stem + ".markdown", stem + "/index.md"):
            if candidate in self.titles:
                return candidate
        return None


def _href(from_rel: str, rel: str, anchor: str) -> str:
    fragment = f"#{anchor}" if anchor else ""
    if rel == from_rel:
        return fragment or posixpath.basename(rel)
    return posixpath.relpath(rel, posixpath.dirname(from_rel) or ".") + fragment


def build(articles: Iterable[tuple[str, str, dict]]) -> LabelIndex:
    """Index the labels of (path, body, front matter) articles, in book order."""
    index, counters = LabelIndex(), Counter()
    for rel, body, meta in articles:
        lexer = Lexer(body, myst=True)
        tokens = lexer.tokens(0, len(body))
        title = meta.get("title")
        index.titles[rel] = title.strip() if isinstance(title, str) and title.strip() else _first_heading(body, tokens)
        _Scan(index, counters, rel, body).tokens(tokens)
    return index


def _first_heading(body: str, tokens: list[Token]) -> str:
    for token in tokens:
        if token.kind == "text":
            for line in body[token.start : token.end].split("\n"):
                match = _HEADING.match(line)
                if match and len(match.group(1)) == 1:
                    return _plain(match.group("title"))
    return ""


def _plain(title: str) -> str:
    """Turn a heading's Markdown into the plain text a reference shows."""
    title = _HEADING_ATTRIBUTES.sub("", title)
    return " ".join(term_text(title).replace("*", "").split())


class _Scan:
    """One article's labels, found token by token."""

    def __init__(self, index: LabelIndex, counters: Counter, rel: str, body: str):
        self.index, self.counters, self.rel, self.body = index, counters, rel, body
        self.pending: list[tuple[str, int]] = []  # targets waiting for what they name, with where they are

    def tokens(self, tokens: list[Token]) -> None:
        for token in tokens:
            if token.kind == "target":
                self.pending.append((token.data["label"], token.start))
            elif token.kind == "text":
                self._text(token)
            elif token.kind == "directive":
                self._directive(token)
            else:
                self._name("target", "")
        self._name("target", "")

    def _add(self, label: str, offset: int, kind: str, title: str, number: int | None) -> None:
        first = self.index.labels.setdefault(label.lower(), Label(self.rel, label, kind, title or label, number))
        if first.rel != self.rel or first.anchor != label or first.kind != kind or first.number != number:
            self.index.duplicates.append((self.rel, self.body.count("\n", 0, offset), label, first.rel))

    def _name(self, kind: str, title: str, labels: Iterable[tuple[str, int]] = ()) -> None:
        """Give the pending targets (and labels) what follows them; labelled figures and the like get a number."""
        labels = [*self.pending, *labels]
        self.pending = []
        if not labels:
            return
        number = None
        if kind in ("figure", "table", "code", "equation"):
            self.counters[kind] += 1
            number = self.counters[kind]
        for label, offset in labels:
            self._add(label, offset, kind, title, number)

    def _text(self, token: Token) -> None:
        offset = token.start
        for line in self.body[token.start : token.end].split("\n"):
            if self.pending and line.strip():
                heading = _HEADING.match(line)
                self._name("section" if heading else "target", _plain(heading.group("title")) if heading else "")
            maths = _LABELLED_MATHS.match(line)
            if maths:
                self._name("equation", "", [(maths.group("label"), offset)])
            offset += len(line) + 1

    def _directive(self, token: Token) -> None:
        data = token.data
        name, (start, end) = data["name"].lower(), data["body"]
        options, body_start = directive_options(self.body, start, end)
        kind = _KINDS.get(name, "target")
        labels = [(options[key], token.start) for key in ("name", "label") if options.get(key)]
        if name == "figure-md" and data["arg"]:
            labels.append((data["arg"], token.start))
        if kind == "code" and not options.get("caption"):
            kind = "target"  # Sphinx numbers captioned code only
        if kind == "equation" and not (labels or self.pending):
            kind = "target"
        caption = options.get("caption", "") or data["arg"]
        if kind == "figure":
            paragraphs = self.body[body_start:end].strip().split("\n\n")
            caption = " ".join(paragraphs[-1 if name == "figure-md" else 0].split())
        self._name(kind, caption, labels)
        if name == "glossary":
            self._glossary(body_start, end)
        elif renders_markdown(name, data["fence"]):
            self.tokens(Lexer(self.body, myst=True).tokens(body_start, end))

    def _glossary(self, start: int, end: int) -> None:
        for terms, _ in glossary_entries(self.body[start:end]):
            for term_start, term_end in terms:
                term = term_text(self.body[start + term_start : start + term_end].strip(" \t>"))
                self.index.terms.setdefault(term.lower(), Label(self.rel, term_id(term), "term", term))
