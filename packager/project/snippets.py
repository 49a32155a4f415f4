"""pymdownx.snippets that reads only the files a build may read: inside SOURCE, never hidden, never an output.

A MkDocs project's ``pymdownx.snippets`` is given as this extension, with
``source`` (the source folder) added to its options. Its base paths are kept
inside SOURCE, nothing is downloaded, and each snippet is read only when
``readable`` agrees, which follows the rules of ``sources.readable_files``
path by path (a symbolic link out of SOURCE, a hidden file such as ``.env``
and SOURCE/dist are never read). A missing snippet is left out, as in MkDocs,
unless ``check_paths`` asks for the build to stop.
"""

from __future__ import annotations

import os
from pathlib import Path

from pymdownx import snippets

from packager.errors import ContentError
from packager.project.sources import DEFAULT_OUTPUT, SKIPPED_DIRS


def readable(source: Path, path: Path) -> bool:
    """Whether a build may read path: a file that ``sources.readable_files(source, None)`` would yield."""
    try:
        parts = path.relative_to(source).parts
    except ValueError:
        return False
    if not parts or any(part.startswith(".") for part in parts) or any(p in SKIPPED_DIRS for p in parts[:-1]):
        return False
    if len(parts) > 1 and parts[0] == DEFAULT_OUTPUT:
        return False
    folder = source
    for part in parts[:-1]:
        folder = folder / part
        if folder.is_symlink():  # readable_files never follows a link to a folder
            return False
    if path.is_symlink() and not path.resolve().is_relative_to(source):
        return False
    return path.is_file()


class SnippetPreprocessor(snippets.SnippetPreprocessor):
    """The snippet lines replaced by files a build may read, and by nothing else."""

    def __init__(self, config: dict, md, source: Path):
        super().__init__(config, md)
        self.source = source
        self.must_exist = config["check_paths"]
        self.check_paths = False  # a missing snippet is reported below, as a user's error rather than a crash

    def get_snippet_path(self, path: str) -> str | None:
        found = super().get_snippet_path(path)
        if found is not None and readable(self.source, Path(os.path.abspath(found))):
            return found
        if self.must_exist:
            raise ContentError(
                f"pymdownx.snippets: {path!r} is not a file the build may read inside the source folder "
                "(check_paths is on in mkdocs.yml); fix the snippet's path or turn check_paths off"
            )
        return None


class SnippetExtension(snippets.SnippetExtension):
    """pymdownx.snippets bound to the source folder."""

    def __init__(self, *args, source: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.source = Path(source).resolve()

    def extendMarkdown(self, md) -> None:  # noqa: N802 (Python-Markdown's name)
        self.md = md
        md.registerExtension(self)
        config = self.getConfigs()
        given = config["base_path"]
        bases = [Path(self.source, base).resolve() for base in ([given] if isinstance(given, str) else given)]
        config["base_path"] = [str(b) for b in bases if b.is_relative_to(self.source)] or [str(self.source)]
        config.update(restrict_base_path=True, url_download=False)
        md.preprocessors.register(SnippetPreprocessor(config, md, self.source), "snippet", 32)


def makeExtension(*args, **kwargs) -> SnippetExtension:  # noqa: N802 (Python-Markdown's name)
    """Make the extension, as Python-Markdown does by the module's name."""
    return SnippetExtension(*args, **kwargs)
