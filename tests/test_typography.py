"""Typography by language: quotation marks, hyphenation, addresses that break where a reader expects.

Golden cases live in tests/cases/typography/<case>/{input/,expected/} (the CommonMark reader's XHTML and
the warnings); ``UPDATE_GOLDEN=1 pytest tests/test_typography.py`` rewrites them (read the diff). The PDF
tests lay long words and long addresses out in a narrow column and read the lines back with pdftotext.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from test_preprocess import build_book, compare_golden, normalised

from packager.content import url_breaks
from packager.content.typography import marks_for

from conftest import book_file, build_into, write_tree
from validators import epubcheck_problems, pdftotext_pages

CASES = Path(__file__).parent / "cases" / "typography"
HYPHENS = "\u2010-\u00ad"  # WeasyPrint writes U+2010 at a hyphenated line end


@pytest.mark.parametrize("case", sorted(p.name for p in CASES.iterdir() if p.is_dir()))
def test_golden_case(case):
    book, diagnostics = build_book(CASES / case / "input")
    actual = {f"{a.slug}.xhtml": normalised(a.html) for a in book.articles}
    actual["warnings.txt"] = "".join(f"{w}\n" for w in diagnostics.warnings)
    compare_golden(actual, CASES / case / "expected", case)


def test_an_article_keeps_its_own_lang_and_a_bad_one_falls_back_to_the_books():
    book, _ = build_book(CASES / "french-book" / "input")
    assert book.language == "fr"
    assert {a.source: a.language for a in book.articles} == {
        "01-chapitre.md": None,
        "02-english.md": "en",
        "03-bad-lang.md": None,
    }


@pytest.mark.parametrize(
    ("tag", "opening"),
    [("en", "\u201c"), ("en-GB", "\u201c"), ("fr-CA", "\u00ab\u202f"), ("de", "\u201e"), ("de-CH", "\u00ab"),
     ("ru", "\u00ab"), ("ja", "\u300c"), ("xx", "\u201c"), ("", "\u201c")],
)  # fmt: skip
def test_marks_follow_the_language_tag(tag, opening):
    assert marks_for(tag).open2 == opening


URLS = [
    "https://wiki.example.org/wiki/Recommended_practices_for_attribution?lang=en&page=2#top",
    "https://www.example.com/handbook/chapter/",
    "http://x",
    "mailto:someone@example.org",
    "https://a.b//c",
]


@pytest.mark.parametrize("url", URLS)
def test_url_pieces_give_the_address_back_and_cut_only_at_allowed_points(url):
    pieces = url_breaks.pieces(url)
    assert "".join(pieces) == url
    scheme_end = url.index("://") + 3 if "://" in url else len("mailto:")
    assert len(pieces[0]) > scheme_end, f"a break inside or right after the scheme: {pieces}"
    for left, right in zip(pieces, pieces[1:], strict=False):
        assert left.endswith("/") or right[0] in ".?&#=_-~%", (left, right)


# --------------------------------------------------------------------------- the PDF, in a narrow column

NARROW = """/* A narrow column: 42 mm of text, so long words and addresses must break. */
@page { size: 74mm 210mm; margin: 15mm 16mm; }
html { font-family: "Noto Sans", sans-serif; }
"""
ENGLISH = """# Long words

{words}

{code}

```
telecommunications representatives
```

Addresses: <https://wiki.example.org/wiki/Recommended_practices_for_attribution?lang=en&page=2#top>,
<https://www.example.com/handbook/chapter/section/paragraph/>, <https://downloads.example.net/releases/2026/book.epub>.
"""
ENGLISH_WORDS = (
    "Characteristically, internationalization and telecommunications departments misunderstand "
    "incomprehensibilities; responsibilities, accountabilities and representatives multiply "
    "uncharacteristically. "
)
GERMAN = """# Lange Wörter

{words}

{code}
"""
GERMAN_WORDS = (
    "Die Bundesausbildungsförderungsgesetze, Straßenbahnhaltestellen und Rechtsschutzversicherungsgesellschaften "
    "verwalten Arbeitsunfähigkeitsbescheinigungen und Geschwindigkeitsbegrenzungen unermüdlich. "
)
#: Words short enough to fit the column in monospace, long enough to be hyphenated were they prose.
CODE_WORDS = {
    "en": ["internationalization", "uncharacteristically", "telecommunications", "representatives"],
    "de": ["Dampfschifffahrt", "Straßenbahnhalte", "Rechtsschutz"],
}
CODE = {
    "en": "Code is never hyphenated: `internationalization` and `uncharacteristically` stay whole. ",
    "de": "Code wird nie getrennt: `Dampfschifffahrt`, `Straßenbahnhalte` und `Rechtsschutz` bleiben ganz. ",
}


@pytest.fixture(scope="module")
def narrow_books(tmp_path_factory) -> dict[str, Path]:
    """An English book, and one whose article is German by its front matter, in a narrow column: {language: result}."""
    built = {}
    for language, text, words in (("en", ENGLISH, ENGLISH_WORDS), ("de", GERMAN, GERMAN_WORDS)):
        root = tmp_path_factory.mktemp(f"narrow-{language}")
        front = "" if language == "en" else f"---\nlang: {language}\n---\n"  # in an English book: its own lang
        source = write_tree(
            root / "source",
            {
                "packager.toml": '[book]\ntitle = "Narrow"\nlanguage = "en"\nlicense = "CC0-1.0"\n',
                "01-words.md": front + text.format(words=words * 4, code=CODE[language] * 4),
                "theme/pdf/theme.css": NARROW,
            },
        )
        built[language] = build_into(source, root / "dist", formats=("epub", "pdf"))
    return built


def _pages_lines(result) -> list[list[str]]:
    """The lines of each of the article's pages (its title's page on), folios left out, as pdftotext reads them."""
    pages = pdftotext_pages(book_file(result, ".pdf"))
    first = next(i for i, page in enumerate(pages) if "Long words" in page or "Lange Wörter" in page)
    return [[line.strip() for line in page.splitlines() if line.strip() and not line.strip().isdigit()]
            for page in pages[first:]]  # fmt: skip


_LETTERS_START = re.compile(r"[^\W\d_]+")
_LETTERS_END = re.compile(r"[^\W\d_]+$")


def _hyphenated_words(lines: list[str]) -> list[tuple[str, list[int]]]:
    """Each word hyphenated at line ends, put back together: (the word, where it was split)."""
    found = []
    pending: tuple[str, list[int]] | None = None  # the letters before a line-end hyphen, and earlier cuts
    for line in lines:
        words = line.split()
        joined: list[int] | None = None
        if pending is not None and _LETTERS_START.match(words[0]):
            letters, cuts = pending
            joined = [*cuts, len(letters)]
            words[0] = letters + words[0]
        last = words[-1]
        end = _LETTERS_END.search(last[:-1]) if last[-1] in HYPHENS else None
        if end is not None:
            pending = (end.group(0), joined if joined is not None and len(words) == 1 else [])
            if len(words) == 1:
                continue  # the word goes on over the next line
        else:
            pending = None
        if joined is not None:
            found.append((_LETTERS_START.match(words[0]).group(0), joined))
    return found


@pytest.mark.parametrize("language", ["en", "de"])
def test_prose_is_hyphenated_by_its_language_and_code_never(narrow_books, language):
    import pyphen

    pages = _pages_lines(narrow_books[language])
    lines = [line for page in pages for line in page]
    split = [found for page in pages for found in _hyphenated_words(page)]
    assert len(split) >= 5, f"{language}: expected hyphenated words in a 42 mm column, got {split}: {lines}"
    dictionary = pyphen.Pyphen(lang=language)
    for word, cuts in split:
        wrong = set(cuts) - set(dictionary.positions(word.lower()))
        assert not wrong, f"{language}: {word!r} split at {sorted(wrong)}, not {language} hyphenation points"
    for word in CODE_WORDS[language]:
        assert any(word in line for line in lines), f"code {word!r} was broken: {lines}"


def test_addresses_break_only_at_their_break_points(narrow_books):
    lines = [line for page in _pages_lines(narrow_books["en"]) for line in page]
    text = "\n".join(lines)
    breaks = 0
    for url in re.findall(r"<(https://[^>]+)>", ENGLISH):
        allowed = set()
        at = 0
        for piece in url_breaks.pieces(url)[:-1]:
            at += len(piece)
            allowed.add(at)
        laid_out = re.search("\n?".join(map(re.escape, url)), text)
        assert laid_out, f"{url} is not in the PDF's text (hyphen added?): {lines}"
        cuts = [i - n for n, i in enumerate(m.start() for m in re.finditer("\n", laid_out[0]))]
        assert set(cuts) <= allowed, f"{url} broken at {sorted(set(cuts) - allowed)}: {laid_out[0]!r}"
        breaks += len(cuts)
    assert breaks >= 4, f"the addresses should need breaking in a 42 mm column: {lines}"
    assert not [line for line in lines if re.search(r"(?:^|\s)(?:ht|htt|http|https|https:|https:/)$", line)]
    assert not [line for line in lines if line.endswith("://")]


def test_the_epub_with_break_points_passes_epubcheck(narrow_books):
    assert epubcheck_problems(book_file(narrow_books["en"], ".epub")) == []
