"""A MyST project's settings the book needs: maths macros and substitutions, from _config.yml or myst.yml.

Jupyter Book 1 keeps them in ``_config.yml`` (``sphinx.config.mathjax3_config.tex.macros``,
MathJax 2's ``sphinx.config.mathjax_config.TeX.Macros``, ``parse.myst_substitutions``);
Jupyter Book 2 and mystmd in ``myst.yml`` (``project.math``). Only these files in
SOURCE itself are read, with yaml.safe_load; a file that cannot be read is a
warning, and the book is built without its settings.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from packager.diagnostics import Diagnostics

CONFIG_FILES = ("_config.yml", "myst.yml")
NOT_READ = "MyST settings not read"


def project_options(source: Path, diagnostics: Diagnostics) -> tuple[tuple[str, object], ...]:
    """Read the dialect options a MyST project sets: ("macros", {name: replacement | [replacement, nargs]}), ("substitutions", {…})."""
    macros: dict[str, object] = {}
    substitutions: dict[str, str] = {}
    for name in CONFIG_FILES:
        settings = _read(source, name, diagnostics)
        sphinx = _get(settings, "sphinx", "config")
        for found in (
            _get(sphinx, "mathjax3_config", "tex", "macros"),
            _get(sphinx, "mathjax_config", "TeX", "Macros"),
            _get(settings, "project", "math"),
        ):
            macros.update(_macros(found))
        for key, value in _get(settings, "parse", "myst_substitutions").items():
            if isinstance(value, (str, int, float)):
                substitutions[str(key)] = str(value)
    return (("macros", macros), ("substitutions", substitutions))


def _read(source: Path, name: str, diagnostics: Diagnostics) -> dict:
    path = source / name
    if not path.is_file() or not path.resolve().is_relative_to(source.resolve()):
        return {}
    try:
        loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(exc, "problem", None) or exc
        diagnostics.warn(name, f"not read ({problem}); the book is built without its maths macros", line, kind=NOT_READ)
        return {}
    return loaded if isinstance(loaded, dict) else {}


def _get(settings, *keys) -> dict:
    for key in keys:
        settings = settings.get(key) if isinstance(settings, dict) else None
    return settings if isinstance(settings, dict) else {}


def _macros(found: dict) -> dict[str, object]:
    """Read MathJax's and mystmd's macro forms as name -> replacement or [replacement, nargs]."""
    macros: dict[str, object] = {}
    for name, value in found.items():
        name = str(name).lstrip("\\")
        if isinstance(value, dict):  # mystmd: {macro: …, title: …}
            value = value.get("macro")
        if isinstance(value, list) and value and isinstance(value[0], str):
            nargs = value[1] if len(value) > 1 and isinstance(value[1], int) else 0
            value = [value[0], nargs] if nargs else value[0]
        if name and isinstance(value, (str, list)):
            macros[name] = value
    return macros
