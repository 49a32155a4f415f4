"""Collect the warnings of one build so they can be printed, counted and made fatal."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

log = logging.getLogger("packager")


@dataclass(frozen=True, order=True)
class BuildWarning:
    """One warning about the input: where it is, and what to do about it."""

    path: str
    line: int | None
    message: str

    def __str__(self) -> str:
        if self.line:
            return f"{self.path}:{self.line}: {self.message}"
        return f"{self.path}: {self.message}" if self.path else self.message


@dataclass
class Diagnostics:
    """The warnings of one build, each kept once, in the order they were found."""

    warnings: list[BuildWarning] = field(default_factory=list)
    echo: bool = True  # log each warning as it is recorded (False: only keep it, to be reported later)
    _seen: set[BuildWarning] = field(default_factory=set, repr=False)

    def warn(self, path: str, message: str, line: int | None = None) -> None:
        """Record a warning unless the very same one was already recorded."""
        item = BuildWarning(str(path), line, message)
        if item in self._seen:
            return
        self._seen.add(item)
        self.warnings.append(item)
        if self.echo:
            log.warning("%s", item)

    def extend(self, warnings) -> None:
        """Record each of these warnings (BuildWarning items) in turn."""
        for item in warnings:
            self.warn(item.path, item.message, item.line)
