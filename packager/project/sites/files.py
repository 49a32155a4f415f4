"""A site's own files as a profile reads them: inside SOURCE only, YAML with its lines, globs as the tools match them.

A profile looks at a site's config files, its folders and its pages'
front matter before the build reads the pages themselves, and by the same
rules: nothing hidden, nothing in ``node_modules`` or the output folder,
no link followed out of SOURCE. YAML is read with PyYAML's safe loader only;
each mapping keeps the line it starts on, for warnings that name it. A YAML
error is one ``file:line: …`` error, and the build stops.
"""

from __future__ import annotations

import os
import re
from functools import cache
from pathlib import Path, PurePosixPath

import yaml

from packager.errors import ConfigError
from packager.project.front_matter import yaml_problem

#: Folders no profile looks into, besides hidden ones (sources.SKIPPED_DIRS); and SOURCE's default output folder.
SKIPPED = frozenset({"node_modules", "__pycache__"})
OUTPUT = "dist"
#: The kind of the warnings about navigation entries that name no file.
MISSING = "navigation entries to missing pages"
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)?---[ \t]*(?:\n|\Z)", re.S)


class Located(dict):
    """A YAML mapping, with the line of the file it starts on."""

    line: int = 0


class _LineLoader(yaml.SafeLoader):
    """The safe loader, with each mapping a Located one."""


def _mapping(loader: _LineLoader, node: yaml.MappingNode):
    data = Located()
    data.line = node.start_mark.line + 1
    yield data
    data.update(loader.construct_mapping(node))


_LineLoader.add_constructor("tag:yaml.org,2002:map", _mapping)


def load_yaml(source: Path, rel: str) -> object:
    """A YAML file of the site, its mappings Located; None when it is not there. A YAML error stops the build."""
    path = inside(source, rel)
    if path is None:
        return None
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ConfigError("is not UTF-8 text; save it as UTF-8", path=rel) from exc
    try:
        return yaml.load(text, Loader=_LineLoader)  # noqa: S506 - a SafeLoader
    except yaml.YAMLError as exc:
        problem, line = yaml_problem(exc)
        raise ConfigError(f"invalid YAML ({problem}); fix it and build again", path=rel, line=line) from exc


def inside(source: Path, rel: str) -> Path | None:
    """SOURCE/rel when it is a file there that a build may read (nothing hidden, no link out), else None."""
    if (
        not rel
        or rel.startswith("/")
        or any(part in ("", ".", "..") or part.startswith(".") for part in rel.split("/"))
    ):
        return None
    folders = rel.split("/")[:-1]
    path = source / rel
    if any(part in SKIPPED for part in folders) or folders[:1] == [OUTPUT] or not path.is_file():
        return None
    return path if path.resolve().is_relative_to(source.resolve()) else None


def below(source: Path, folder: str, suffixes: tuple[str, ...]) -> list[str]:
    """The files below SOURCE/folder whose names end with one of suffixes, relative to SOURCE, in sorted order."""
    top = source / folder if folder else source
    if not top.is_dir() or not top.resolve().is_relative_to(source.resolve()):
        return []
    found = []
    for dirpath, dirnames, filenames in os.walk(top, followlinks=False):
        here = Path(dirpath)
        dirnames[:] = sorted(
            d
            for d in dirnames
            if not (d.startswith(".") or d in SKIPPED or (here / d).is_symlink() or here / d == source / OUTPUT)
        )
        for name in sorted(filenames):
            if not name.startswith(".") and name.endswith(suffixes):
                rel = (here / name).relative_to(source).as_posix()
                if inside(source, rel) is not None:
                    found.append(rel)
    return sorted(found)


def front_matter(path: Path) -> dict:
    """A page's YAML front matter; {} when it has none, or none that can be read (the build says so later)."""
    try:
        match = _FRONT_MATTER.match(path.read_text(encoding="utf-8-sig").replace("\r\n", "\n"))
        meta = yaml.load(match.group(1) or "", Loader=yaml.SafeLoader) if match else None  # noqa: S506
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return {}
    return meta if isinstance(meta, dict) else {}


@cache
def glob_pattern(pattern: str) -> re.Pattern:
    """A glob as Sphinx and node's glob match it: ``*`` and ``?`` inside one folder, ``**`` across folders."""
    out, i = [], 0
    while i < len(pattern):
        char = pattern[i]
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
            continue
        if pattern.startswith("**", i):
            out.append(".*")
            i += 2
            continue
        closing = pattern.find("]", i + 2) if char == "[" else -1
        if char == "*":
            out.append("[^/]*")
        elif char == "?":
            out.append("[^/]")
        elif closing > 0:
            inner = pattern[i + 1 : closing]
            out.append("[" + ("^" + inner[1:] if inner.startswith("!") else inner).replace("\\", "\\\\") + "]")
            i = closing
        elif char == "{" and "}" in pattern[i:]:
            end = pattern.index("}", i)
            out.append("(?:" + "|".join(re.escape(choice) for choice in pattern[i + 1 : end].split(",")) + ")")
            i = end
        else:
            out.append(re.escape(char))
        i += 1
    return re.compile("".join(out) + r"\Z")


def matches(pattern: str, path: str) -> bool:
    """Whether path (POSIX, relative) matches the glob pattern."""
    return glob_pattern(pattern.strip("/")).match(path) is not None


def stem(rel: str) -> str:
    """The path without its suffix: what Sphinx calls a docname."""
    pure = PurePosixPath(rel)
    return str(pure.with_suffix("")) if pure.suffix else rel


def text(value: object) -> str | None:
    """A setting's text, stripped; None for an empty or missing one, or one that is not text or a number."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        return None
    return str(value).strip() or None


def mapping(settings: object, *keys: str) -> dict:
    """The mapping at keys in settings; {} where there is none."""
    for key in keys:
        settings = settings.get(key) if isinstance(settings, dict) else None
    return settings if isinstance(settings, dict) else {}


def web_url(value: object) -> str | None:
    """An http(s) URL a setting gives, or None."""
    url = text(value)
    return url if url and url.lower().startswith(("https://", "http://")) else None
