"""Smart typography on the rendered tree: quotation marks by language, dashes and ellipses, never inside code.

Python-Markdown's smarty extension does the same on the Markdown text but
costs about two thirds of all Markdown time; walking the text nodes once
after rendering is much cheaper and leaves code, URLs and attributes alone.

Straight quotes become the marks of the article's language (its front matter's ``lang``, else the
book's): “ ” and ‘ ’ in English, « » with narrow no-break spaces in French, „ “ and ‚ ‘ in German,
« » and „ “ in Russian, 「」 and 『』 in Japanese. French also gets a narrow no-break space before
; : ! and ?. An apostrophe is ’ in every language.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_SKIP = {"code", "pre", "kbd", "samp", "var", "script", "style", "math", "{http://www.w3.org/1998/Math/MathML}math"}
_DASHES = [(re.compile(r"(?<!-)---(?!-)"), "\u2014"), (re.compile(r"(?<!-)--(?!-)"), "\u2013")]
_ELLIPSIS = re.compile(r"(?<!\.)\.\.\.(?!\.)")
_DECADE = re.compile(r"'(?=\d\ds\b)")
_URL_TEXT = re.compile(r"\s*(?:https?://|www\.|mailto:)\S*\s*$", re.I)

NNBSP = "\u202f"  # narrow no-break space: French puts it inside « » and before ; : ! ?
APOSTROPHE = "\u2019"


@dataclass(frozen=True)
class Marks:
    """A language's quotation marks: primary (double) and nested (single), and French spacing."""

    open2: str
    close2: str
    open1: str
    close1: str
    french: bool = False
    alternate: bool = False  # no spaces to tell an opening quote by (Japanese): quotes open and close by turns


ENGLISH = Marks("\u201c", "\u201d", "\u2018", "\u2019")
#: By primary language subtag (a region in a few cases); a language not here keeps the English marks.
MARKS = {
    "en": ENGLISH,
    "fr": Marks("\u00ab" + NNBSP, NNBSP + "\u00bb", "\u201c", "\u201d", french=True),
    "de": Marks("\u201e", "\u201c", "\u201a", "\u2018"),
    "de-ch": Marks("\u00ab", "\u00bb", "\u2039", "\u203a"),
    "ru": Marks("\u00ab", "\u00bb", "\u201e", "\u201c"),
    "ja": Marks("\u300c", "\u300d", "\u300e", "\u300f", alternate=True),
}


def marks_for(language: str) -> Marks:
    """The quotation marks of a BCP 47 language tag (``fr-CA`` -> French); English for one not known."""
    tag = (language or "").lower().replace("_", "-")
    region = "-".join(tag.split("-")[:2])
    return MARKS.get(region) or MARKS.get(tag.split("-")[0]) or ENGLISH


_OPENERS = "\\s(\\[{\u2014\u2013/\u201c\u2018\u201e\u201a\u00ab\u2039\u300c\u300e\\-"
_OPEN_DOUBLE = re.compile(f'(?<=[{_OPENERS}])"')
_OPEN_SINGLE = re.compile(f"(?<=[{_OPENERS}\"])'")
_INSIDE_WORD = re.compile(r"(?<=\w)'(?=\w)")
# French: the spaces an author typed inside « » and before ; : ! ? become narrow no-break ones, and a
# ; ! ? straight after a word (or : before a space) gets one; "3:2", "http:" and "?!" are left alone.
_FRENCH_SPACES = [
    (re.compile("\u00ab[ \u00a0\u202f]*"), "\u00ab" + NNBSP),
    (re.compile("[ \u00a0\u202f]*\u00bb"), NNBSP + "\u00bb"),
    (re.compile("[ \u00a0]+(?=[;:!?])"), NNBSP),
    (re.compile("(?<=[^\\W\\d_\u00bb)])(?=[;!?](?:\\s|$|[\u00bb)\\]]))"), NNBSP),
    (re.compile("(?<=[^\\W\\d_\u00bb)])(?=:(?:\\s|$))"), NNBSP),
]


class _Quotes:
    """Straight quotes to a language's marks, with the nested quote that is open carried across text nodes."""

    def __init__(self, marks: Marks) -> None:
        self.marks = marks
        self.single_open = False
        self.double_open = False

    def __call__(self, text: str, before: str) -> str:
        m = self.marks
        if m.alternate:
            return self._by_turns(text)
        if '"' in text:
            padded = (before[-1:] or " ") + text
            padded = _OPEN_DOUBLE.sub(m.open2, padded).replace('"', m.close2)
            text = padded[1:]
        if "'" in text:
            if m.close1 == APOSTROPHE:  # English: every single quote that does not open one is an apostrophe
                padded = _OPEN_SINGLE.sub(m.open1, (before[-1:] or " ") + text)
                text = padded[1:].replace("'", APOSTROPHE)
            else:
                text = self._singles(text, before)
        if m.french and any(c in text for c in ";:!?\u00ab\u00bb"):
            for pattern, space in _FRENCH_SPACES:
                text = pattern.sub(space, text)
        return text

    def _by_turns(self, text: str) -> str:
        out = []
        for c in text:
            if c == '"':
                out.append(self.marks.close2 if self.double_open else self.marks.open2)
                self.double_open = not self.double_open
            elif c == "'":
                out.append(self.marks.close1 if self.single_open else self.marks.open1)
                self.single_open = not self.single_open
            else:
                out.append(c)
        return "".join(out)

    def _singles(self, text: str, before: str) -> str:
        """Opening nested quotes by what precedes them; an apostrophe between letters; else the open one's close."""
        padded = (before[-1:] or " ") + text
        out = []
        for i, c in enumerate(padded[1:], 1):
            if c != "'":
                out.append(c)
            elif _INSIDE_WORD.match(padded, i) or (padded[i - 1].isalnum() and not self.single_open):
                out.append(APOSTROPHE)
            elif _OPEN_SINGLE.match(padded, i):
                out.append(self.marks.open1)
                self.single_open = True
            elif self.single_open:
                out.append(self.marks.close1)
                self.single_open = False
            else:
                out.append(APOSTROPHE)
        return "".join(out)


_SPACE_BEFORE_BREAK = re.compile(r"[ \t]+\n")


def _smarten(text: str, before: str, quotes: _Quotes) -> str:
    # A test for the characters first: most text has none of them, and a search costs more.
    if " \n" in text or "\t\n" in text:  # left where a comment was removed; WeasyPrint can fail on it in a footnote
        text = _SPACE_BEFORE_BREAK.sub("\n", text)
    if "--" in text:
        for pattern, dash in _DASHES:
            text = pattern.sub(dash, text)
    if "..." in text:
        text = _ELLIPSIS.sub("\u2026", text)
    if "'" in text:
        text = _DECADE.sub(APOSTROPHE, text)
    if '"' not in text and "'" not in text and not quotes.marks.french:
        return text
    return quotes(text, before)


def _shows_address(el) -> bool:
    """A link whose text is an address: left as written."""
    return len(el) == 0 and bool(el.text) and _URL_TEXT.match(el.text) is not None


def smarten(root, language: str = "en") -> None:
    """Replace straight quotes (by language), -- / --- and ... in the text of root, outside code and URLs."""
    last = ""
    quotes = _Quotes(marks_for(language))

    def walk(el, skipping: bool) -> None:
        nonlocal last
        tag = el.tag
        skip_here = skipping or tag in _SKIP or (tag == "a" and _shows_address(el))
        text = el.text
        if text:
            if not skip_here:
                smart = _smarten(text, last, quotes)
                if smart != text:  # setting text costs lxml a copy: only when it changed
                    el.text = text = smart
            last = text[-1]
        for child in el:
            if isinstance(child.tag, str):
                walk(child, skip_here)
            tail = child.tail
            if tail:
                if not skip_here:
                    smart = _smarten(tail, last, quotes)
                    if smart != tail:
                        child.tail = tail = smart
                last = tail[-1]

    walk(root, False)
