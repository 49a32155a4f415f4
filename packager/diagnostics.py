"""Collect the warnings of one build so they can be printed, counted and made fatal."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field

log = logging.getLogger("packager")

#: Kinds for the warnings recorded without one (the Markdown reader's, the template preprocessor's):
#: the first pattern found in the message names its kind.
MESSAGE_KINDS = (
    (re.compile(r"^link .* is not a valid URL"), "links with an invalid URL"),
    (re.compile(r"^link .* uses an unsupported scheme"), "links with an unsupported scheme"),
    (re.compile(r"^link .* does not point at an article in this book"), "links to pages not in the book"),
    (re.compile(r"cannot run in a book"), "template calls that cannot run"),
    (re.compile(r"^MyST reference \{\w+\}`.*`: no [\w ]+ '.*' in this book"), "references to labels not in the book"),
    (re.compile(r"^maths .* could not be read"), "formulas that could not be read"),
    (re.compile(r"^the closing shortcode tag .* has no opening tag"), "closing shortcode tags without an opening tag"),
    (
        re.compile(r"^INHERIT: |Markdown extension setting\(s\) left out|^MkDocs project above"),
        "MkDocs settings not applied",
    ),
)


def kind_of(message: str) -> str | None:
    """Name the kind of warning a message is, or None when no pattern knows it."""
    return next((kind for pattern, kind in MESSAGE_KINDS if pattern.search(message)), None)


@dataclass(frozen=True, order=True)
class BuildWarning:
    """One warning about the input: where it is, and what to do about it."""

    path: str
    line: int | None
    message: str
    kind: str | None = field(default=None, compare=False)  # a plural noun phrase ("missing images"); None: unknown

    def __str__(self) -> str:
        if self.line:
            return f"{self.path}:{self.line}: {self.message}"
        return f"{self.path}: {self.message}" if self.path else self.message

    def data(self) -> dict:
        """Give the warning as the JSON reports and the build record hold it."""
        return {"file": self.path or None, "line": self.line, "message": self.message, "kind": self.kind}


@dataclass(frozen=True)
class WarningGroup:
    """The warnings of one kind in one file (of one message, when their kind is unknown)."""

    path: str
    kind: str | None
    warnings: tuple[BuildWarning, ...]

    @property
    def lines(self) -> list[int]:
        """List the lines the warnings are at, in order, each once."""
        return sorted({w.line for w in self.warnings if w.line})


@dataclass
class Diagnostics:
    """The warnings of one build, each kept once, in the order they were found."""

    warnings: list[BuildWarning] = field(default_factory=list)
    echo: bool = False  # also log each warning as it is recorded (the command prints them, grouped, at the end)
    _seen: set[BuildWarning] = field(default_factory=set, repr=False)

    def warn(self, path: str, message: str, line: int | None = None, kind: str | None = None) -> None:
        """Record a warning of kind (by default the one its message names) unless it was already recorded."""
        item = BuildWarning(str(path), line, message, kind or kind_of(message))
        if item in self._seen:
            return
        self._seen.add(item)
        self.warnings.append(item)
        if self.echo:
            log.warning("%s", item)

    def extend(self, warnings) -> None:
        """Record each of these warnings (BuildWarning items) in turn."""
        for item in warnings:
            self.warn(item.path, item.message, item.line, item.kind)

    def groups(self) -> list[WarningGroup]:
        """Group the warnings by file in the order first seen, then by kind in the order first seen."""
        files: dict[str, dict[tuple[str, str], list[BuildWarning]]] = {}
        for item in self.warnings:
            key = ("kind", item.kind) if item.kind else ("message", item.message)
            files.setdefault(item.path, {}).setdefault(key, []).append(item)
        return [
            WarningGroup(path, items[0].kind, tuple(items)) for path, kinds in files.items() for items in kinds.values()
        ]

    def counts(self) -> dict[str | None, int]:
        """Count the warnings of each kind, the most frequent first (None, those of no known kind, last)."""
        counts: dict[str | None, int] = {}
        for item in self.warnings:
            counts[item.kind] = counts.get(item.kind, 0) + 1
        return dict(sorted(counts.items(), key=lambda pair: (pair[0] is None, -pair[1])))
