"""Which licence a site's LICENSE file holds, by its text: an SPDX id, or None when unknown or modified.

Two libraries share the work. licenseclassifier (a port of Google's licensecheck)
names the licence and vouches that the text holds all of it; its patterns forgive
variants on purpose (MIT without "sell" is still MIT to it), so the text must
also be a stretch of that licence's published text as choosealicense.com keeps
it (pychoosealicense), word for word. Only the presentation may differ: case,
punctuation, line breaks, Markdown markers, list labels ("1.", "(a)", "ii."),
a title naming the licence, copyright notices.
"""

from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import cache

from packager.book.licences import lookup

# Words a title may hold besides the licence's own name and id ("The MIT License (MIT)").
_TITLE_WORDS = frozenset({"the", "license", "licence", "legal", "code"})
_ROMAN_NUMERALS = frozenset({"i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x"})
_DASHES = "-\u2010\u2011\u2012\u2013\u2014\u2015"
# Markers that may open a line without being words: Markdown headings, quotes, bullets, emphasis.
_LINE_MARKERS = "#>*+_\u2022\u00b7" + _DASHES


@dataclass(frozen=True)
class _Words:
    """A text's words as the comparison sees them, and which of them come from list labels."""

    words: tuple[str, ...]
    labels: frozenset[int]


def identify(text: str) -> str | None:
    """Return the SPDX id of a licence file's text, or None when it is unknown or modified."""
    if not text.strip():
        return None
    from licenseclassifier import identify_license

    found = {match.id for match in identify_license(text)}
    if len(found) != 1:
        return None
    (spdx_id,) = found
    published = _published_words(spdx_id)
    if published is None:
        return None
    words = _without_title(_words(text), _title_words(spdx_id))
    return spdx_id if words.words and _is_stretch_of(words, published) else None


@cache
def _published_words(spdx_id: str) -> _Words | None:
    import pychoosealicense

    try:
        published = pychoosealicense.get_license(spdx_id)
    except ValueError:
        return None
    # get_license also answers 'GPL-3.0-only' with the GPL-3.0 text; the id must be the text's own.
    if published.spdx_id != spdx_id:
        return None
    return _words(published.content)


def _title_words(spdx_id: str) -> frozenset[str]:
    return _TITLE_WORDS | set(_tokens(spdx_id)) | set(_tokens(lookup(spdx_id).name))


def _without_title(text: _Words, title_words: frozenset[str]) -> _Words:
    start = 0
    while start < len(text.words) and text.words[start] in title_words:
        start += 1
    return _Words(text.words[start:], frozenset(index - start for index in text.labels if index >= start))


def _is_stretch_of(text: _Words, published: _Words) -> bool:
    """Tell whether text is published from some word to some later word, but for list labels."""
    if f" {' '.join(text.words)} " in f" {' '.join(published.words)} ":
        return True
    blocks = SequenceMatcher(None, published.words, text.words, autojunk=False).get_opcodes()
    # The text may start late and stop early: a licence's notices and appendix may be left out.
    if blocks and blocks[0][0] == "delete":
        blocks = blocks[1:]
    if blocks and blocks[-1][0] == "delete":
        blocks = blocks[:-1]
    for kind, published_start, published_end, text_start, text_end in blocks:
        if kind == "equal":
            continue
        # A label may be there or not (Markdown bullets for "1.", a list run together), never another word.
        if kind == "replace":
            return False
        if not set(range(published_start, published_end)) <= published.labels:
            return False
        if not set(range(text_start, text_end)) <= text.labels:
            return False
    return True


def _words(text: str) -> _Words:
    words: list[str] = []
    labels: set[int] = set()
    in_notice = False
    for line in _joined_lines(text):
        line = line.strip().lstrip(_LINE_MARKERS).strip()
        # "All rights reserved." belongs to the copyright notice above it.
        if _is_copyright_notice(line) or (in_notice and _tokens(line) == ["all", "rights", "reserved"]):
            in_notice = True
            continue
        in_notice = in_notice and not line
        for piece in line.split():
            piece_words = _tokens(piece)
            if _is_list_label(piece):
                labels.update(range(len(words), len(words) + len(piece_words)))
            words.extend(piece_words)
    return _Words(tuple(words), frozenset(labels))


def _joined_lines(text: str) -> list[str]:
    """Return the lines with a word hyphenated across a line break made whole again."""
    lines: list[str] = []
    for line in text.splitlines():
        if lines and lines[-1].rstrip().endswith(tuple(_DASHES)) and line.strip():
            lines[-1] = lines[-1].rstrip()[:-1] + line.lstrip()
        else:
            lines.append(line)
    return lines


def _is_copyright_notice(line: str) -> bool:
    folded = line.casefold()
    if folded.startswith("\u00a9"):
        return True
    if folded.startswith("(c)"):
        # "(c) 2024 Jane Doe" is a notice; "(c) You must retain …" is item (c) of a list.
        return folded[3:].lstrip()[:1].isdigit()
    if not folded.startswith("copyright"):
        return False
    rest = folded[len("copyright") :].lstrip()
    # "Copyright (c) 2024 …", "Copyright [yyyy] …", "Copyright {year} …": a notice, not a sentence
    # that wrapped onto a new line ("copyright notice that is included in …").
    return rest[:1] in ("(", "\u00a9", "[", "{", "<") or rest[:1].isdigit()


def _is_list_label(piece: str) -> bool:
    """Tell whether piece looks like a list item's label: '1.', '1.1.', 'a.', 'ii.', '(a)', '3)'."""
    if piece.startswith("(") and piece.endswith(")"):
        core = piece[1:-1]
    elif piece.endswith((".", ")")):
        core = piece[:-1]
    else:
        return False
    letter = len(core) == 1 and core.isalpha()
    number = not piece.startswith("(") and core.replace(".", "").isdigit()
    return letter or number or core.casefold() in _ROMAN_NUMERALS


def _tokens(text: str) -> list[str]:
    """Return the words of text: letters and digits, case folded, dashes joining rather than splitting."""
    folded = text.casefold()
    for dash in _DASHES:
        folded = folded.replace(dash, "")
    words = "".join(char if char.isalnum() else " " for char in folded).split()
    return ["http" if word == "https" else word for word in words]
