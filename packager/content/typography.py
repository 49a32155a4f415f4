"""Smart typography on the rendered tree: curly quotes, dashes and ellipses, never inside code.

Python-Markdown's smarty extension does the same on the Markdown text but
costs about two thirds of all Markdown time; walking the text nodes once
after rendering is much cheaper and leaves code, URLs and attributes alone.
"""

from __future__ import annotations

import re

_SKIP = {"code", "pre", "kbd", "samp", "var", "script", "style", "math", "{http://www.w3.org/1998/Math/MathML}math"}
_DASHES = [(re.compile(r"(?<!-)---(?!-)"), "\u2014"), (re.compile(r"(?<!-)--(?!-)"), "\u2013")]
_ELLIPSIS = re.compile(r"(?<!\.)\.\.\.(?!\.)")
_DECADE = re.compile(r"'(?=\d\ds\b)")


_OPEN_DOUBLE = re.compile(r'(?<=[\s(\[{\u2014\u2013/\u201c\u2018-])"')
_OPEN_SINGLE = re.compile(r"(?<=[\s(\[{\u2014\u2013/\u201c\u2018\"-])'")


def _quotes(text: str, before: str) -> str:
    """Opening quotes after space, brackets or dashes (or at the start), closing quotes elsewhere."""
    if '"' not in text and "'" not in text:
        return text
    padded = (before[-1:] or " ") + text
    padded = _OPEN_DOUBLE.sub("\u201c", padded).replace('"', "\u201d")
    padded = _OPEN_SINGLE.sub("\u2018", padded).replace("'", "\u2019")
    return padded[1:]


_SPACE_BEFORE_BREAK = re.compile(r"[ \t]+\n")


def _smarten(text: str, before: str) -> str:
    # A test for the characters first: most text has none of them, and a search costs more.
    if " \n" in text or "\t\n" in text:  # left where a comment was removed; WeasyPrint can fail on it in a footnote
        text = _SPACE_BEFORE_BREAK.sub("\n", text)
    if "--" in text:
        for pattern, dash in _DASHES:
            text = pattern.sub(dash, text)
    if "..." in text:
        text = _ELLIPSIS.sub("\u2026", text)
    if "'" in text:
        text = _DECADE.sub("\u2019", text)
    return _quotes(text, before)


def smarten(root) -> None:
    """Replace straight quotes, -- / --- and ... in the text of root, outside code."""
    last = ""

    def walk(el, skipping: bool) -> None:
        nonlocal last
        skip_here = skipping or (isinstance(el.tag, str) and el.tag in _SKIP)
        text = el.text
        if text:
            if not skip_here:
                smart = _smarten(text, last)
                if smart != text:  # setting text costs lxml a copy: only when it changed
                    el.text = text = smart
            last = text[-1]
        for child in el:
            if isinstance(child.tag, str):
                walk(child, skip_here)
            tail = child.tail
            if tail:
                if not skip_here:
                    smart = _smarten(tail, last)
                    if smart != tail:
                        child.tail = tail = smart
                last = tail[-1]

    walk(root, False)
