"""A page's front matter: the YAML (``---``) or TOML (``+++``) block at its top, read safely.

The article files (``sources``) and the site profiles (``sites``), which read a
page's ``weight`` or ``nav_order`` before the book is put in order, read it the
same way. YAML is read with the safe loader only: nothing in it is executed.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import yaml

from packager.errors import ContentError

_FRONT_MATTER = re.compile(r"\A(---|\+\+\+)[ \t]*\n(.*?\n)?\1[ \t]*(?:\n|\Z)", re.S)


def read_text(path: Path, rel: str) -> str:
    """A page's text: UTF-8 (a byte order mark dropped), its line ends made \\n; a ContentError if not UTF-8."""
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ContentError(
            f"is not UTF-8 (byte 0x{raw[exc.start]:02x}; probably Windows-1252 or Latin-1); "
            "re-save it as UTF-8, e.g. iconv -f cp1252 -t utf-8",
            path=rel,
            line=line,
        ) from exc
    return text.replace("\r\n", "\n").replace("\r", "\n")


#: libyaml's safe loader when PyYAML was built with it: the same values, six times faster (62 vs 10 ms
#: for 100 front matters); the pure-Python one otherwise.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def yaml_problem(exc: yaml.YAMLError) -> tuple[str, int | None]:
    """What a YAML error says is wrong, and the line (from 1) where it found it, when it knows."""
    mark = getattr(exc, "problem_mark", None)
    return getattr(exc, "problem", None) or "cannot be parsed", mark.line + 1 if mark is not None else None


def split_front_matter(text: str, rel: str) -> tuple[dict, str, int]:
    """Return (front matter, body, line number where the body starts)."""
    match = _FRONT_MATTER.match(text)
    if not match:
        return {}, text, 1
    fence, block = match.group(1), match.group(2) or ""
    body_line = text[: match.end()].count("\n") + 1
    if fence == "---":
        try:
            meta = yaml.load(block, Loader=_YAML_LOADER) or {}
        except yaml.YAMLError as exc:
            problem, line = yaml_problem(exc)
            raise ContentError(
                f"front matter: invalid YAML ({problem}); fix the block between the '---' lines",
                path=rel,
                line=line + 1 if line is not None else 1,  # the block starts on the file's second line
            ) from exc
    else:
        try:
            meta = tomllib.loads(block)
        except tomllib.TOMLDecodeError as exc:
            found = re.search(r"line (\d+)", str(exc))
            raise ContentError(
                f"front matter: invalid TOML ({exc}); fix the block between the '+++' lines",
                path=rel,
                line=int(found.group(1)) + 1 if found else 1,
            ) from exc
    if not isinstance(meta, dict):
        raise ContentError(
            f"front matter must be a mapping of keys to values, got {type(meta).__name__}", path=rel, line=2
        )
    return meta, text[match.end() :], body_line
