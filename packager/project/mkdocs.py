"""A MkDocs project's Markdown: its mkdocs.yml read without running it, its extensions made fit for a book.

MkDocs reads Markdown with Python-Markdown, its own ``toc``, ``tables`` and
``fenced_code`` and then the ``markdown_extensions`` of ``mkdocs.yml``; a book
of the project reads it the same way. What a book cannot use is left out and
named in one warning: an extension that is not installed or that reads what a
build must not (files outside SOURCE, the network), an unknown option, an
option naming Python that is not on the allow-list. What a book does
differently on purpose is said at info level: no permalinks, tabs in their
classic style (each title before its content), emoji as Unicode
characters rather than images from a CDN (Material's index read as
pymdownx's twemoji, whether or not Material is installed, so that the book
does not depend on it).

mkdocs.yml is read by ``mkdocs_config`` (its tags are markers, INHERIT is
followed inside SOURCE). A name a tag gives is imported only from pymdownx and
markdown.extensions, and only a factory on ``FACTORIES`` is called.
"""

from __future__ import annotations

import importlib
import importlib.util
import logging
from dataclasses import dataclass
from importlib.metadata import entry_points
from pathlib import Path

from packager.diagnostics import Diagnostics
from packager.errors import ConfigError
from packager.project import mkdocs_config
from packager.project.mkdocs_config import NOT_APPLIED, PythonTag, Relative, UnknownTag

log = logging.getLogger("packager")

#: The extensions MkDocs puts before every project's own (mkdocs/config/defaults.py, markdown_extensions).
MKDOCS_BUILTINS = ("toc", "tables", "fenced_code")
#: Modules a ``!!python/name`` may be imported from: Python-Markdown's extensions and pymdown-extensions,
#: but not the two that read files.
IMPORTABLE = ("markdown.extensions.", "pymdownx.")
NOT_IMPORTABLE = ("pymdownx.b64.", "pymdownx.snippets.")
#: Callables a ``!!python/object/apply`` may call: factories of plain functions, nothing else.
FACTORIES = frozenset({"pymdownx.slugs.slugify"})
#: Python names read as another: Material's emoji indexes, which hold its icons, as pymdownx's twemoji.
READ_AS = {
    "material.extensions.emoji.twemoji": "pymdownx.emoji.twemoji",
    "materialx.emoji.twemoji": "pymdownx.emoji.twemoji",
}
#: Extensions left out because packager does their work itself.
DONE_BY_PACKAGER = {
    "meta": "packager reads the front matter itself",
    "pymdownx.b64": "packager embeds the images itself",
    "pymdownx.pathconverter": "packager resolves the links itself",
}
#: Extensions left out because they read what a build must not.
UNFIT = {
    "markdown_include.include": "reads files outside the source folder; pymdownx.snippets reads inside it",
    "mdx_include": "reads files and URLs outside the source folder; pymdownx.snippets reads inside it",
    "plantuml_markdown": "sends the diagrams to a server",
}
#: Options a book goes without: links to a web page's own headings and code lines.
WEB_ONLY = {"toc": ("permalink", "anchorlink"), "pymdownx.highlight": ("anchor_linenums",)}
#: Options a book sets, whatever the project's: each tab's title just before its content, as a book is read
#: (the alternate style puts every title of a set first, for a stylesheet to lay out as tabs).
BOOK_OPTIONS = {"pymdownx.tabbed": {"alternate_style": False}}
#: pymdownx.snippets is given as packager's, which reads only the files a build may read.
SNIPPETS = "pymdownx.snippets"
SAFE_SNIPPETS = "packager.project.snippets"


@dataclass(frozen=True)
class SiteMarkdown:
    """The Markdown extensions of SOURCE's mkdocs.yml, with their options, as a book applies them."""

    config: str  # the mkdocs.yml's name in SOURCE
    extensions: tuple[tuple[str, dict], ...]


def read_markdown(source: Path, diagnostics: Diagnostics) -> SiteMarkdown | None:
    """The Markdown extensions of SOURCE's mkdocs.yml (and what it inherits) made fit for a book, or None without one."""
    source = source.resolve()
    config = mkdocs_config.load(source, diagnostics)
    if config is None:
        return None
    data = config.data
    rel, line = config.where("markdown_extensions")
    entries = _entries(data.get("markdown_extensions"), rel, line)
    fitting = _Fitting(source, str(data.get("docs_dir") or "docs"))
    extensions = tuple(kept for name, options in entries if (kept := fitting.fit(name, options)) is not None)
    if fitting.left_out:
        diagnostics.warn(
            rel,
            f"{len(fitting.left_out)} Markdown extension setting(s) left out, the book reads the Markdown "
            f"without them: {'; '.join(fitting.left_out)}; install what is missing, or remove it from {rel}",
            line,
            kind=NOT_APPLIED,
        )
    if fitting.changed:
        log.info("%s: for a book: %s", rel, "; ".join(fitting.changed))
    return SiteMarkdown(config.file, extensions)


def _entries(value, rel: str, line: int | None) -> list[tuple[str, dict]]:
    """MkDocs' extensions and then the project's, each once, with its options: the last given wins, as in MkDocs."""
    if value is None:
        value = []
    if isinstance(value, dict):  # the form of old configs: {name: options}
        value = [{name: options} for name, options in value.items()]
    if not isinstance(value, list):
        raise ConfigError(
            f"markdown_extensions must be a list of extension names, got {type(value).__name__}", path=rel, line=line
        )
    problems, names, options = [], list(MKDOCS_BUILTINS), {}
    for number, item in enumerate(value, 1):
        if isinstance(item, dict) and len(item) == 1:
            name, given = next(iter(item.items()))
        else:
            name, given = item, None
        if not isinstance(name, str) or not name.strip():
            problems.append(f"item {number} must be a name or a 'name: options' mapping, got {item!r}")
            continue
        if given is not None and not isinstance(given, dict):
            problems.append(f"{name}: options must be a mapping, got {type(given).__name__}")
            continue
        name = _short(name.strip())
        names.append(name)
        if given is not None:
            options[name] = given
    if problems:
        raise ConfigError(
            f"markdown_extensions: {len(problems)} problem(s): {'; '.join(problems)}. Fix the file and build again.",
            path=rel,
            line=line,
        )
    return [(name, options.get(name, {})) for name in dict.fromkeys(names)]


def _short(name: str) -> str:
    """One name per extension: 'markdown.extensions.toc' and 'toc' are the same, as is 'module:Class'."""
    name = name.partition(":")[0]
    return name.removeprefix("markdown.extensions.") if name.count(".") == 2 else name


class _NotApplied(Exception):
    """An option's value names what packager does not import or call."""


class _Fitting:
    """Each extension and option checked and made fit for a book, what was left out and changed kept to be said."""

    def __init__(self, source: Path, docs_dir: str):
        self.source = source
        self.docs_dir = docs_dir
        self.left_out: list[str] = []  # warned: the book is poorer without them
        self.changed: list[str] = []  # said at info level: what a book does otherwise

    def fit(self, name: str, options: dict) -> tuple[str, dict] | None:
        """The extension's name and options as the reader loads them, or None when it is left out."""
        if name in DONE_BY_PACKAGER:
            self.changed.append(f"{name} left out ({DONE_BY_PACKAGER[name]})")
            return None
        if name in UNFIT:
            self.left_out.append(f"{name} ({UNFIT[name]})")
            return None
        module, problem = _extension_module(name)
        if module is None:
            self.left_out.append(f"{name} ({problem})")
            return None
        extra = {"source": str(self.source)} if name == SNIPPETS else {}
        loaded = SAFE_SNIPPETS if name == SNIPPETS else name
        if loaded == SAFE_SNIPPETS:
            module = importlib.import_module(SAFE_SNIPPETS)
        known = set(module.makeExtension(**extra).getConfigs())
        for key in sorted(set(options) - known):
            self.left_out.append(f"{name} option {key!r} (not one of its options)")
        options = self._options(name, {k: v for k, v in options.items() if k in known})
        import markdown

        try:
            markdown.Markdown(extensions=[module.makeExtension(**options, **extra)]).convert("x")
        except Exception as exc:  # the extension's own code judging the project's options: say what it said
            self.left_out.append(f"{name} (its options are refused: {type(exc).__name__}: {exc})")
            return None
        return loaded, {**options, **extra}

    def _options(self, name: str, options: dict) -> dict:
        """The options with their tags made values, those that cannot be left out, and the book's own set."""
        for key in WEB_ONLY.get(name, ()):
            if options.pop(key, None):
                self.changed.append(f"{name} without {key} (a book links to no web page of its own)")
        for key, value in BOOK_OPTIONS.get(name, {}).items():
            if options.get(key, value) != value:
                self.changed.append(f"{name} with {key}: {value} (each tab's title before its content)")
            options[key] = value
        if name == "pymdownx.emoji":
            options = self._emoji(options)
        if name == SNIPPETS:
            options = self._snippets(options)
        kept = {}
        for key, value in options.items():
            if isinstance(value, list):
                made = [self._value_or_none(name, key, item, i) for i, item in enumerate(value)]
                kept[key] = [item for item in made if item is not None]
            elif (made := self._value_or_none(name, key, value)) is not None or value is None:
                kept[key] = made
        return kept

    def _value_or_none(self, name: str, key: str, value, index: int | None = None):
        try:
            return self._value(value)
        except _NotApplied as why:
            where = f"{key}[{index}]" if index is not None else key
            self.left_out.append(f"{name} option {where} ({why})")
            return None

    def _value(self, value):
        """The value with its tags made Python values, _NotApplied when a tag may not be."""
        if isinstance(value, PythonTag):
            return _python_value(value, self._value)
        if isinstance(value, Relative):
            return str(self._relative(value))
        if isinstance(value, UnknownTag):
            raise _NotApplied(f"the tag {value.tag} means nothing to packager")
        if isinstance(value, list):
            return [self._value(v) for v in value]
        if isinstance(value, dict):
            return {k: self._value(v) for k, v in value.items()}
        return value

    def _relative(self, value: Relative) -> Path:
        if value.base == "$config_dir":
            return self.source
        if value.base == "$docs_dir":
            return self.source / self.docs_dir
        raise _NotApplied(f"!relative {value.base or ''} is a path from each page, which a book does not have")

    def _emoji(self, options: dict) -> dict:
        """Emoji as Unicode characters: every generator but to_alt draws images from a CDN, or Material's icons."""
        given = options.pop("emoji_generator", None)
        if not (isinstance(given, PythonTag) and given.target == "pymdownx.emoji.to_alt"):
            self.changed.append("pymdownx.emoji writes emoji as Unicode characters, not images")
        index = options.get("emoji_index")
        if isinstance(index, PythonTag) and index.target in READ_AS:
            self.changed.append(f"pymdownx.emoji reads {index.target} as {READ_AS[index.target]}")
        if options.pop("strict", None):
            self.changed.append("pymdownx.emoji without strict (an icon set not installed would stop the build)")
        return {**options, "emoji_generator": PythonTag("name", "pymdownx.emoji.to_alt")}

    def _snippets(self, options: dict) -> dict:
        """Snippets from inside SOURCE only: base paths outside it left out, nothing downloaded."""
        if options.pop("url_download", None):
            self.left_out.append(f"{SNIPPETS} option url_download (a build downloads nothing)")
        given = options.pop("base_path", None)
        if given is None:
            return options
        bases = []
        for base in given if isinstance(given, list) else [given]:
            try:
                path = self._relative(base) if isinstance(base, Relative) else Path(self.source, str(base))
            except _NotApplied as why:
                self.left_out.append(f"{SNIPPETS} base_path {base} ({why})")
                continue
            if path.resolve().is_relative_to(self.source):
                bases.append(str(path.resolve()))
            else:
                self.left_out.append(f"{SNIPPETS} base_path {base!r} (outside the source folder)")
        return {**options, "base_path": bases or [str(self.source)]}


def _python_value(tag: PythonTag, value):
    """The Python a tag names, imported from an allowed module, or a factory's result; _NotApplied otherwise."""
    target = READ_AS.get(tag.target, tag.target)
    if tag.kind == "name" and target.startswith(IMPORTABLE) and not target.startswith(NOT_IMPORTABLE):
        return _import(target)
    if tag.kind == "object/apply" and target in FACTORIES:
        return _import(target)(*value(list(tag.args)), **value(tag.kwds))
    raise _NotApplied(
        f"!!python/{tag.kind}:{tag.target} is not imported: packager imports only from pymdownx and markdown.extensions"
    )


def _import(dotted: str):
    module, _, attribute = dotted.rpartition(".")
    try:
        return getattr(importlib.import_module(module), attribute)
    except (ImportError, AttributeError) as exc:
        raise _NotApplied(f"{dotted} cannot be imported: {exc}") from exc


def _extension_module(name: str):
    """The module of an extension the reader may load, or None and why not."""
    if "." not in name:
        module = f"markdown.extensions.{name}"
        if importlib.util.find_spec(module) is None:
            return None, "not one of Python-Markdown's own extensions; name it by its module"
    elif name.startswith(("markdown.", "pymdownx.")) or name in _registered():
        module = name
    elif importlib.util.find_spec(name.split(".")[0]) is None:  # looks for the package, imports nothing
        return None, "not installed"
    else:
        return None, "not an extension its package registers with Python-Markdown"
    try:
        loaded = importlib.import_module(module)
    except ModuleNotFoundError:
        return None, "not installed"
    except ImportError as exc:
        return None, f"cannot be imported: {exc}"
    if not callable(getattr(loaded, "makeExtension", None)):
        return None, "not a Python-Markdown extension"
    return loaded, None


def _registered() -> set[str]:
    """The modules installed packages register as Python-Markdown extensions."""
    return {ep.value.partition(":")[0] for ep in entry_points(group="markdown.extensions")}
