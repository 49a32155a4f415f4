"""SOURCE's mkdocs.yml read as MkDocs reads it, without running anything: its tags as markers, INHERIT followed.

Only SOURCE's own mkdocs.yml is read: files outside the source folder are
never read, so one above it is only pointed at (``config_above``). Its YAML
tags become markers, and nothing is imported, run or looked up while reading:
``!ENV`` is its default (the book depends on its files, not on the
environment: the same files make the same book on every machine, and a
secret such as an analytics key never reaches a book), ``!relative`` a path,
and ``!!python/...`` the dotted name it gives.

``INHERIT: base.yml`` is followed as MkDocs follows it, from the folder of
the file that names it, when the parent lies inside SOURCE: mappings are
merged key by key, any other value of the child replaces the parent's (as
mergedeep's default strategy does for MkDocs). Each top-level setting keeps
the file and line it was written at, so that what is wrong in it is said
there.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import yaml

from packager.diagnostics import Diagnostics
from packager.errors import ConfigError
from packager.project.front_matter import yaml_problem

CONFIG_NAMES = ("mkdocs.yml", "mkdocs.yaml")
#: The kind of the warnings that say what of a mkdocs.yml a book does not apply.
NOT_APPLIED = "MkDocs settings not applied"


@dataclass(frozen=True)
class PythonTag:
    """A ``!!python/<kind>:<target>`` tag as written: what it would import or call, never done while reading."""

    kind: str  # name, module, object, object/new, object/apply
    target: str
    args: tuple = ()
    kwds: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Relative:
    """A ``!relative`` path: from the config's folder ($config_dir), docs_dir ($docs_dir) or the page (None)."""

    base: str | None


@dataclass(frozen=True)
class UnknownTag:
    """A tag packager gives no meaning: the value is not used."""

    tag: str


@dataclass(frozen=True)
class Setting:
    """Where a top-level setting is written: its file (relative to SOURCE), the line of its key, its value's node."""

    file: str
    line: int
    node: yaml.Node


@dataclass(frozen=True)
class MkDocsConfig:
    """SOURCE's mkdocs.yml with what it inherits: the merged settings and where each is written."""

    file: str  # SOURCE's own mkdocs.yml, relative to SOURCE
    data: dict
    settings: dict[str, Setting]  # by top-level key; the child's, where a parent gives the key too

    def where(self, key: str) -> tuple[str, int | None]:
        """The file and line of a top-level setting: the mkdocs.yml without a line when no file gives it."""
        setting = self.settings.get(key)
        return (setting.file, setting.line) if setting else (self.file, None)


class MkDocsLoader(yaml.SafeLoader):
    """YAML as MkDocs writes it, its tags read as markers."""


def _env(loader: MkDocsLoader, node: yaml.Node):
    """``!ENV NAME`` or ``!ENV [NAME, ..., default]``: the default, so the book never depends on the environment."""
    if isinstance(node, yaml.SequenceNode):
        items = loader.construct_sequence(node, deep=True)
        return items[-1] if len(items) > 1 else None
    return None


def _relative(loader: MkDocsLoader, node: yaml.Node) -> Relative:
    value = loader.construct_scalar(node) if isinstance(node, yaml.ScalarNode) else None
    return Relative(value or None)


def _python(loader: MkDocsLoader, suffix: str, node: yaml.Node) -> PythonTag:
    kind, _, target = suffix.partition(":")
    if isinstance(node, yaml.SequenceNode):
        return PythonTag(kind, target, tuple(loader.construct_sequence(node, deep=True)))
    if isinstance(node, yaml.MappingNode):
        value = loader.construct_mapping(node, deep=True)
        return PythonTag(kind, target, tuple(value.get("args") or ()), dict(value.get("kwds") or {}))
    return PythonTag(kind, target)


def _unknown(loader: MkDocsLoader, suffix_or_node, node: yaml.Node | None = None) -> UnknownTag:
    return UnknownTag((node or suffix_or_node).tag)


MkDocsLoader.add_constructor("!ENV", _env)
MkDocsLoader.add_constructor("!relative", _relative)
MkDocsLoader.add_multi_constructor("tag:yaml.org,2002:python/", _python)
MkDocsLoader.add_multi_constructor("!", _unknown)
MkDocsLoader.add_constructor(None, _unknown)


def config_file(source: Path) -> Path | None:
    """SOURCE's own mkdocs.yml (or mkdocs.yaml), when it has one."""
    return next((source / name for name in CONFIG_NAMES if (source / name).is_file()), None)


def config_above(source: Path, levels: int = 3) -> Path | None:
    """A mkdocs.yml in a folder above SOURCE, up to the repository's root: looked at, never read."""
    if (source / ".git").exists():
        return None
    for folder in source.parents[:levels]:
        found = config_file(folder)
        if found is not None or (folder / ".git").exists():
            return found
    return None


def load(source: Path, diagnostics: Diagnostics) -> MkDocsConfig | None:
    """SOURCE's mkdocs.yml with the files it inherits merged in, or None without one (or one linked from outside)."""
    source = source.resolve()
    path = config_file(source)
    if path is None:
        return None
    rel = path.name
    if not path.resolve().is_relative_to(source):
        diagnostics.warn(rel, "symbolic link to a file outside the source folder, not read", kind=NOT_APPLIED)
        return None
    data, settings = _with_parents(source, path, rel, diagnostics, ())
    return MkDocsConfig(rel, data, settings)


def _with_parents(
    source: Path, path: Path, rel: str, diagnostics: Diagnostics, below: tuple[str, ...]
) -> tuple[dict, dict[str, Setting]]:
    """One file's settings merged over those of the file it inherits, if it may be read."""
    data, nodes = load_file(path, rel)
    settings = {key: Setting(rel, line, node) for key, (line, node) in nodes.items()}
    if "INHERIT" not in data:
        return data, settings
    parent = data.pop("INHERIT")
    line = settings.pop("INHERIT").line
    if not isinstance(parent, str) or not parent.strip():
        raise ConfigError(f"INHERIT must name a YAML file, got {parent!r}", path=rel, line=line)
    target = Path(os.path.normpath(path.parent / parent))
    inside = target.resolve().is_relative_to(source) and target.is_relative_to(source)
    if not inside or any(part.startswith(".") for part in target.relative_to(source).parts):
        diagnostics.warn(
            rel,
            f"INHERIT: {parent!r} is outside the source folder (or hidden) and is not read: its settings are not "
            "applied; build the folder that holds both files",
            line,
            kind=NOT_APPLIED,
        )
        return data, settings
    target_rel = PurePosixPath(target.relative_to(source)).as_posix()
    if not target.is_file():
        raise ConfigError(
            f"INHERIT: {parent!r} is not a file; fix the path (it is read from {rel}'s folder)", rel, line
        )
    if target_rel in (*below, rel):
        raise ConfigError(
            f"INHERIT: {parent!r} inherits {rel} again, a loop; remove one of the INHERIT lines", rel, line
        )
    base, base_settings = _with_parents(source, target, target_rel, diagnostics, (*below, rel))
    return merge(base, data), {**base_settings, **settings}


def merge(base: dict, child: dict) -> dict:
    """The child's settings over the parent's: mappings merged key by key, anything else replaced (MkDocs' rule)."""
    merged = dict(base)
    for key, value in child.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def load_file(path: Path, rel: str) -> tuple[dict, dict[str, tuple[int, yaml.Node]]]:
    """One parsed mkdocs.yml (no INHERIT followed), and the line and value node of each top-level key."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ConfigError("is not UTF-8 text; save it as UTF-8", path=rel) from exc
    loader = MkDocsLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else {}
    except yaml.YAMLError as exc:
        problem, line = yaml_problem(exc)
        raise ConfigError(f"invalid YAML ({problem}); fix the syntax and build again", path=rel, line=line) from exc
    finally:
        loader.dispose()
    if data is None:
        return {}, {}
    if not isinstance(data, dict):
        raise ConfigError(f"must be a mapping of settings, got {type(data).__name__}", path=rel, line=1)
    nodes = {
        key.value: (key.start_mark.line + 1, value) for key, value in node.value if isinstance(key, yaml.ScalarNode)
    }
    return data, nodes
