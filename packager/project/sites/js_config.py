"""A JavaScript config file's plain string settings, read as text: nothing in it is ever run.

Docusaurus' ``docusaurus.config.js`` is a program, and only running it tells
for sure what it sets. Without running it, one thing can be read safely: a key
of the config object whose value is a string literal written out in full
(``title: 'Garden notes'``), not a variable, a call, a concatenation or a
template with ``${…}``. The config object is the one object literal that sets
``baseUrl`` (every Docusaurus site must); an object that spreads another into
it (``...shared``) or sets a key twice may be overridden, so nothing of it is
read. Anything the scan does not understand (an unbalanced brace, an
unterminated string) means nothing is read at all.
"""

from __future__ import annotations

import re

_WORD = re.compile(r"[A-Za-z_$][\w$]*")
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "0": "\0", "\\": "\\", "'": "'", '"': '"', "`": "`"}


def string_settings(text: str, marker: str) -> dict[str, str]:
    """The plain string values of the one object literal that gives marker a string; {} when that is not clear."""
    objects = [found for found in _objects(text) if found is not None and found.get(marker) is not None]
    return {key: value for key, value in objects[0].items() if value is not None} if len(objects) == 1 else {}


def _objects(text: str):
    """Each object literal's keys and plain string values (else None), innermost first; None for a spreading one."""
    tokens = _tokens(text)
    if tokens is None:
        return
    stack: list[dict | None] = []
    for i, (kind, value) in enumerate(tokens):
        if kind == "punct" and value == "{":
            stack.append({})
        elif kind == "punct" and value == "}":
            if not stack:
                return
            yield stack.pop()
        elif stack and stack[-1] is not None and kind == "punct" and value == "...":
            stack[-1] = None
        elif stack and stack[-1] is not None and kind in ("word", "str") and _is_setting(tokens, i):
            if value in stack[-1]:
                stack[-1] = None
            else:
                stack[-1][value] = tokens[i + 2][1] if tokens[i + 2][0] == "str" else None


def _is_setting(tokens: list, i: int) -> bool:
    """Whether tokens[i] is a key (``key: value``) of the object it is in, its value a plain string and nothing more."""
    before = tokens[i - 1] if i else ("punct", "")
    if before != ("punct", "{") and before != ("punct", ","):
        return False
    after = tokens[i + 1 : i + 4]
    return len(after) == 3 and after[0] == ("punct", ":") and after[2][0] == "punct" and after[2][1] in ",}"


def _tokens(text: str) -> list[tuple[str, str | None]] | None:
    """The text cut into words, strings (None for a template with ${…}) and punctuation; None if it cannot be."""
    tokens: list[tuple[str, str | None]] = []
    i, end = 0, len(text)
    while i < end:
        char = text[i]
        if char.isspace():
            i += 1
        elif text.startswith("//", i):
            i = text.find("\n", i) if "\n" in text[i:] else end
        elif text.startswith("/*", i):
            close = text.find("*/", i + 2)
            if close < 0:
                return None
            i = close + 2
        elif char in "'\"`":
            value, i = _string(text, i)
            if i < 0:
                return None
            tokens.append(("str", value))
        elif text.startswith("...", i):
            tokens.append(("punct", "..."))
            i += 3
        elif match := _WORD.match(text, i):
            tokens.append(("word", match.group(0)))
            i = match.end()
        else:
            tokens.append(("punct", char))
            i += 1
    return tokens


def _string(text: str, start: int) -> tuple[str | None, int]:
    """The string literal at start and its end; its value None for a template with ${…}; its end -1 if unclosed."""
    quote, out, i = text[start], [], start + 1
    plain = True
    while i < len(text):
        char = text[i]
        if char == "\\" and i + 1 < len(text):
            out.append(_ESCAPES.get(text[i + 1], text[i + 1]))
            i += 2
            continue
        if char == quote:
            return ("".join(out) if plain else None), i + 1
        if char == "\n" and quote != "`":
            return None, -1
        if quote == "`" and text.startswith("${", i):
            plain, depth, i = False, 1, i + 2
            while i < len(text) and depth:
                depth += {"{": 1, "}": -1}.get(text[i], 0)
                i += 1
            continue
        out.append(char)
        i += 1
    return None, -1
