"""Names put in the order people read them: Unicode's collation, as far as a site's tool uses it.

Obsidian's file explorer compares names with JavaScript's
``Intl.Collator(undefined, {sensitivity: "base", numeric: true})``; Hugo
compares link titles with its language's collator (golang.org/x/text/collate).
Both follow the Unicode Collation Algorithm's root order: case and accents do
not decide (``cascade`` before ``Emojis``, ``Moiré`` beside ``Moire``), spaces
come before punctuation, punctuation before symbols, symbols before digits and
digits before letters, and with ``numeric`` a run of digits counts as its
number (``2 Notes`` before ``10 Notes``). This is that order for the characters
names are made of, without a collation table: letters of one script by code
point (Latin before Greek before Cyrillic, as the table puts them), and where
the order leaves two names equal, the lower-case one first, then the code
points, so that the order is always the same.
"""

from __future__ import annotations

import unicodedata

#: The ASCII punctuation and symbols in the root collation's order (DUCET): punctuation, then symbols,
#: then currency; anything else of their kind follows those of its group by code point.
_PUNCTUATION = "_-,;:!?.'\"()[]{}@*/\\&#%"
_SYMBOLS = "`^+<=>|~$"
_SPACE, _PUNCT, _SYMBOL, _DIGIT, _LETTER = range(5)


def sort_key(name: str, numeric: bool = False) -> tuple:
    """The key that puts name in the root collation's order (numbers by value when numeric)."""
    primary: list[tuple[int, int]] = []
    digits = ""
    for char in _base_letters(name):
        if char.isdecimal():
            if numeric:
                digits += str(unicodedata.decimal(char))
                continue
            primary.append((_DIGIT, unicodedata.decimal(char)))
            continue
        if digits:
            primary.append((_DIGIT, int(digits)))
            digits = ""
        primary.append(_weight(char))
    if digits:
        primary.append((_DIGIT, int(digits)))
    return (tuple(primary), name.swapcase(), name)


def _base_letters(name: str) -> str:
    """The name without what a base-level comparison ignores: accents, case, variation selectors."""
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(c for c in decomposed if unicodedata.category(c) not in ("Mn", "Me", "Cf")).casefold()


def _weight(char: str) -> tuple[int, int]:
    if char.isspace():
        return (_SPACE, ord(char))
    if char in _PUNCTUATION:
        return (_PUNCT, _PUNCTUATION.index(char))
    if char in _SYMBOLS:
        return (_SYMBOL, _SYMBOLS.index(char))
    kind = unicodedata.category(char)[0]
    if kind == "P":
        return (_PUNCT, 0x100 + ord(char))
    if kind in ("S", "C", "Z"):
        return (_SYMBOL, 0x100 + ord(char))
    return (_LETTER, ord(char))
