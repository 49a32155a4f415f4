"""Gitignore-style path patterns, matched as git matches them: MkDocs' ``exclude_docs``, ``not_in_nav``, ``draft_docs``.

One pattern a line; blank lines and ``#`` comments are skipped, ``!`` makes a
pattern take paths back, and the last pattern that matches a path decides.
A pattern with a slash at its start or in its middle is anchored at the
root; one without matches at any depth. ``*`` and ``?`` never match a slash,
``**`` matches any number of folders, and a trailing slash matches folders
only (so every file below them). A pattern that matches a folder matches
every path below it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePosixPath


@dataclass(frozen=True)
class Pattern:
    """One line of a spec: what it matches, whether it takes paths back, whether it matches only folders."""

    regex: re.Pattern
    negated: bool
    folders_only: bool


def compile_lines(text: str) -> tuple[Pattern, ...]:
    """The patterns of a gitignore-style text."""
    patterns = []
    for raw in text.splitlines():
        line = raw if raw.endswith("\\ ") else raw.rstrip()
        if not line or line.startswith("#"):
            continue
        negated = line.startswith("!")
        line = line[1:] if negated else line.removeprefix("\\")
        folders_only = line.endswith("/")
        line = line.rstrip("/")
        if not line:
            continue
        anchored = "/" in line
        regex = _translate(line.lstrip("/"))
        patterns.append(Pattern(re.compile(regex if anchored else f"(?:.*/)?{regex}"), negated, folders_only))
    return tuple(patterns)


def matches(patterns: tuple[Pattern, ...], path: str) -> bool:
    """Whether the patterns take path (a file's, relative to the root, with '/'): the last that matches decides."""
    parents = [p.as_posix() for p in reversed(PurePosixPath(path).parents) if p.as_posix() != "."]
    taken = False
    for pattern in patterns:
        candidates = parents if pattern.folders_only else [*parents, path]
        if any(pattern.regex.fullmatch(candidate) for candidate in candidates):
            taken = not pattern.negated
    return taken


def _translate(pattern: str) -> str:
    parts = pattern.split("/")
    regex = ""
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        if part == "**":
            if last:
                regex += ".*" if i == 0 else "/.*"
            else:
                regex += "(?:.*/)?" if i == 0 else "(?:/.*)?/"
            continue
        if i > 0 and parts[i - 1] != "**":
            regex += "/"
        regex += _glob(part)
    return regex


def _glob(part: str) -> str:
    """One path segment's wildcards as a regex: *, ?, [...] (with ! for not), a backslash escaping the next one."""
    out, i = [], 0
    while i < len(part):
        char = part[i]
        if char == "\\" and i + 1 < len(part):
            out.append(re.escape(part[i + 1]))
            i += 2
            continue
        if char == "*":
            out.append("[^/]*")
        elif char == "?":
            out.append("[^/]")
        elif char == "[" and (close := part.find("]", i + 2)) > 0:
            inner = part[i + 1 : close]
            inner = "^" + inner[1:] if inner.startswith("!") else inner
            out.append("[" + inner.replace("\\", "\\\\") + "]")
            i = close + 1
            continue
        else:
            out.append(re.escape(char))
        i += 1
    return "".join(out)
