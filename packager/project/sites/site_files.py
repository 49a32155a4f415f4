"""A site's own files as the profiles read them: its config file, its pages and their front matter, its people.

A config file is TOML, YAML (the safe loader only: nothing in it runs) or
JSON, chosen by its name; one that cannot be read is one line naming the file
and the line (``hugo.toml:3: invalid TOML (…)``), exit 1. Pages are the files
a build may read (``project.files``), listed below the site's pages folder.
"""

from __future__ import annotations

import fnmatch
import json
import re
import tomllib
from pathlib import Path

import yaml

from packager.book.model import Person
from packager.diagnostics import Diagnostics
from packager.errors import ConfigError
from packager.project.files import readable_files
from packager.project.front_matter import read_text, split_front_matter, yaml_problem


def read_config(source: Path, rel: str, lists: bool = False) -> dict | list:
    """The mapping (or with lists, the list) a site's config file holds, TOML, YAML or JSON by its suffix.

    A ConfigError, one line naming the file and the line, where it cannot be read or holds something else.
    """
    text = read_text(source / rel, rel)
    kind = rel.rsplit(".", 1)[-1].lower()
    try:
        if kind == "toml":
            data = tomllib.loads(text)
        elif kind == "json":
            data = json.loads(text)
        else:
            data = yaml.safe_load(text)
    except tomllib.TOMLDecodeError as exc:
        found = re.search(r"\(at line (\d+)", str(exc))
        problem = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc))
        raise ConfigError(_unreadable("TOML", problem), path=rel, line=int(found.group(1)) if found else None) from exc
    except json.JSONDecodeError as exc:
        raise ConfigError(_unreadable("JSON", exc.msg), path=rel, line=exc.lineno) from exc
    except yaml.YAMLError as exc:
        problem, line = yaml_problem(exc)
        raise ConfigError(_unreadable("YAML", problem), path=rel, line=line) from exc
    if data is None:
        return {}
    if not isinstance(data, dict) and not (lists and isinstance(data, list)):
        raise ConfigError(f"must hold a mapping of settings, not a {type(data).__name__}", path=rel, line=1)
    return data


def _unreadable(language: str, problem: str) -> str:
    return f"invalid {language} ({problem}); the site's own tool cannot read it either: fix it and build again"


def pages(source: Path, folder: str, suffixes: tuple[str, ...]) -> list[str]:
    """The pages below folder (relative to SOURCE, '' for SOURCE itself) that a build may read, sorted."""
    source = source.resolve()
    found = readable_files(source, None, None, suffixes, folder.strip("/"))
    return [path.relative_to(source).as_posix() for path in found]


def front_matter(source: Path, rel: str) -> dict:
    """A page's front matter (its keys as written); a ContentError where it cannot be read."""
    meta, _, _ = split_front_matter(read_text(source / rel, rel), rel)
    return meta


def body(source: Path, rel: str) -> tuple[str, int]:
    """A page's text after its front matter, and the line that text starts on."""
    _, text, line = split_front_matter(read_text(source / rel, rel), rel)
    return text, line


def people(value) -> tuple[Person, ...]:
    """The people a config names: a name, a list of names, or {name, url}/{name: …} mappings."""
    items = value if isinstance(value, list) else [value]
    found = []
    for item in items:
        if isinstance(item, str) and item.strip():
            found.append(Person(" ".join(item.split())))
        elif isinstance(item, dict):
            name = item.get("name")
            url = next((item[k] for k in ("url", "link", "website") if isinstance(item.get(k), str)), None)
            if isinstance(name, str) and name.strip():
                found.append(Person(" ".join(name.split()), url))
    return tuple(found)


def string(value) -> str | None:
    """A config's text value, its white space folded; None for anything else."""
    return " ".join(value.split()) if isinstance(value, str) and value.strip() else None


def matches(rel: str, patterns: tuple[str, ...]) -> bool:
    """Whether rel matches one of [content]'s include or exclude globs, as the article files are matched."""
    return any(fnmatch.fnmatch(rel, p) or fnmatch.fnmatch(rel, p.rstrip("/") + "/*") for p in patterns)


def inside(source: Path, folder: str) -> bool:
    """Whether a folder a config names lies inside SOURCE (files outside it are never read)."""
    return (source / folder).resolve().is_relative_to(source.resolve())


class LeftOut:
    """The pages a profile leaves out, each with why and one warning; never one that [content] include keeps."""

    def __init__(self, diagnostics: Diagnostics, include: tuple[str, ...] = ()):
        self.diagnostics, self.include = diagnostics, include
        self.pages: list[tuple[str, str]] = []

    def add(self, rel: str, why: str, kind: str, line: int | None = None) -> None:
        """Leave rel out of the book for why, with a warning of kind (unless [content] include names it)."""
        if matches(rel, self.include) or any(rel == done for done, _ in self.pages):
            return
        self.pages.append((rel, why))
        self.diagnostics.warn(rel, f"{why}: left out of the book (add it to [content] include to keep it)", line, kind)
