"""Every script without tofu: one short article each in seven scripts (and one of emoji), built once to EPUB and PDF.

The PDF's text round-trips through pdftotext, no glyph drawn is .notdef (glyph 0, counted in the fonts'
glyph use), Arabic and Hebrew are laid out right to left, only the theme's and the fallback fonts are
embedded, the EPUB passes EPUBCheck and Ace, and a book whose CJK text has no font says so once.
"""

from __future__ import annotations

import json
import re
import unicodedata
import zipfile
from pathlib import Path

import pytest

from packager.build import BuildRequest, check
from packager.project import glyphs
from packager.project.themes import load as load_theme
from packager.render import fonts

from conftest import book_file, build_into, write_tree
from validators import ace, epubcheck_problems, pdf_glyph_use, pdffonts, pdftotext_pages, pdftotext_words

#: (file, lang, title, sentence): our own short sentences.
ARTICLES = (
    ("01-arabic.md", "ar", "مرحبا بالقراء", "نكتب هذا الكتاب الصغير لنجرب الحروف العربية في الصفحة."),
    ("02-hebrew.md", "he", "שלום לקוראים", "אנחנו כותבים את הספר הקטן הזה כדי לבדוק אותיות עבריות."),
    ("03-greek.md", "el", "Καλημέρα", "Γράφουμε αυτό το μικρό βιβλίο για να δοκιμάσουμε τα ελληνικά γράμματα."),
    ("04-russian.md", "ru", "Привет", "Мы пишем эту маленькую книгу, чтобы проверить русские буквы."),
    ("05-hindi.md", "hi", "नमस्ते", "हम यह छोटी किताब हिंदी अक्षरों को जाँचने के लिए लिखते हैं।"),
    ("06-japanese.md", "ja", "こんにちは", "この小さな本は日本語の文字を試すために書きました。"),
    ("07-chinese.md", "zh", "你好", "我们写这本小书是为了测试中文字符。"),
    ("08-emoji.md", None, "Emoji", "A smile 😀, a heart ❤️ and a rocket 🚀 on one line."),
)
#: The families each script's text must be drawn in (pdffonts' names, spaces as hyphens): Japanese in the
#: Japanese face of fonts-noto-cjk, Chinese in the Simplified Chinese one (their Han glyphs differ).
SCRIPT_FONTS = (
    *("Noto-Sans-Arabic", "Noto-Sans-Hebrew", "Noto-Sans-Devanagari"),
    *("Noto-Sans-CJK-JP", "Noto-Sans-CJK-SC", "Noto-Emoji"),
)
#: Bidi controls pdftotext writes around right-to-left runs (it gives the text in logical order).
BIDI_CONTROLS = dict.fromkeys([0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)])


def _project(folder: Path) -> Path:
    files = {
        "packager.toml": (
            '[book]\ntitle = "Seven scripts"\nauthors = ["Test Writer"]\nlicense = "CC-BY-4.0"\n'
            'language = "en"\nbase_url = "https://example.org/scripts/"\n'
        )
    }
    for name, lang, title, sentence in ARTICLES:
        front = f"title: {title}\n" + (f"lang: {lang}\n" if lang else "")
        files[name] = f"---\n{front}---\n\n{sentence}\n"
    return write_tree(folder, files)


@pytest.fixture(scope="session")
def scripts_source(tmp_path_factory) -> Path:
    return _project(tmp_path_factory.mktemp("scripts") / "src")


@pytest.fixture(scope="session")
def scripts_build(scripts_source, tmp_path_factory):
    if not glyphs.cjk_files():
        pytest.fail("fonts-noto-cjk is not installed: run `bash tests/install.sh` (apt-get install fonts-noto-cjk)")
    return build_into(scripts_source, tmp_path_factory.mktemp("scripts") / "dist")


def _flat(text: str) -> str:
    """Text as compared: bidi controls, line-end hyphens and all white space out, NFC."""
    text = unicodedata.normalize("NFC", text.translate(BIDI_CONTROLS))
    return re.sub(r"\s+", "", re.sub(r"[-\u2010\u00ad]\n", "", text))


def _page_of(pages: list[str], title: str) -> int:
    """The 0-based index of the page an article starts on (its title twice: running head and heading)."""
    return next(i for i, page in enumerate(pages) if _flat(page).count(_flat(title)) >= 2)


def test_the_build_warns_about_nothing(scripts_build):
    assert [str(w) for w in scripts_build.diagnostics.warnings] == []


def test_each_sentence_round_trips_through_pdftotext(scripts_build):
    pages = pdftotext_pages(book_file(scripts_build, ".pdf"))
    for _, lang, title, sentence in ARTICLES:
        text = _flat(pages[_page_of(pages, title)])
        # Arabic and Hebrew come out in logical order, the full stop last, once the bidi controls
        # pdftotext puts around right-to-left runs are taken out (laid out left to right, the stop came first).
        if lang == "hi":
            # A PDF maps each glyph to its text once per font (ToUnicode), which cannot say that the vowel
            # sign drawn before its consonant (ि) belongs after it, nor tell apart the clusters that share
            # a glyph: pdftotext reads हंदी for हिंदी and किो for को. What holds is every letter in
            # order, the vowel signs aside, and most words whole (9 of these 12).
            assert _skeleton(sentence) in _skeleton(text), (sentence, text)
            page = set(pages[_page_of(pages, title)].split())
            assert len([w for w in sentence.split() if w in page]) >= 9, (sentence, text)
            continue
        assert _flat(sentence.replace("\ufe0f", "")) in text.replace("\ufe0f", ""), (lang, sentence, text)


def _skeleton(text: str) -> str:
    """Text without its combining marks (Devanagari's vowel signs, virama, anusvara) and white space."""
    return "".join(c for c in _flat(text) if unicodedata.category(c) not in ("Mn", "Mc"))


def test_no_glyph_drawn_is_notdef(scripts_build):
    use = pdf_glyph_use(book_file(scripts_build, ".pdf"))
    assert {name: counts for name, counts in use.items() if counts[1]} == {}
    families = [name.split("+", 1)[-1] for name, (drawn, _) in use.items() if drawn]
    for family in SCRIPT_FONTS:
        assert any(f.startswith(family) for f in families), (family, families)


def test_a_missing_font_is_caught_by_the_glyph_count_and_a_warning(tmp_path):
    """Prove the check: without Noto Sans Hebrew (a project theme's fallback list leaves it out) tofu is seen."""
    base = (Path(__file__).resolve().parent.parent / "themes" / "base" / "fonts" / "fonts.toml").read_text()
    kept = "".join("[[fonts]]" + block for block in base.split("[[fonts]]")[1:] if "Hebrew" not in block)
    name, lang, title, sentence = ARTICLES[1]
    source = write_tree(
        tmp_path / "src",
        {
            "packager.toml": '[book]\ntitle = "No Hebrew font"\nauthors = ["T"]\nlicense = "CC-BY-4.0"\n',
            "theme/fonts/fonts.toml": kept,
            name: f"---\ntitle: {title}\nlang: {lang}\n---\n\n{sentence}\n",
        },
    )
    result = build_into(source, tmp_path / "dist", formats=("pdf",))
    use = pdf_glyph_use(book_file(result, ".pdf"))
    assert sum(notdef for _, notdef in use.values()) > 0, use
    missing = [w for w in result.diagnostics.warnings if w.kind == "characters no font draws"]
    assert len(missing) == 1 and "Hebrew" in missing[0].message and name in missing[0].message, missing


def _lines(words):
    """Words grouped into lines by their baseline (y_max, to the tenth of a point)."""
    lines: dict[float, list] = {}
    for word in words:
        lines.setdefault(round(word[4], 1), []).append(word)
    return [sorted(ws, key=lambda w: w[1]) for _, ws in sorted(lines.items())]


def test_arabic_and_hebrew_are_laid_out_right_to_left(scripts_build):
    pdf = book_file(scripts_build, ".pdf")
    pages = pdftotext_pages(pdf)
    placed = {}
    for _, lang, title, sentence in ARTICLES[:3]:  # Arabic, Hebrew, and Greek to compare with
        words = pdftotext_words(pdf, _page_of(pages, title) + 1)
        left = min(w[1] for w in words)
        right = max(w[3] for w in words)
        first = sentence.split()[0]
        # pdftotext -bbox gives right-to-left words with their letters in visual order: compare either way
        line = next(ln for ln in _lines(words) if any(first in (w[0], w[0][::-1]) for w in ln))
        placed[lang] = (line, left, right, first)
    for lang in ("ar", "he"):
        line, left, right, first = placed[lang]
        assert line[-1][0] in (first, first[::-1]), (lang, "the first word is the rightmost", line[-1][0])
        assert abs(line[-1][3] - right) < 1, (lang, "the line ends at the right edge", line[-1][3], right)
        assert line[0][1] - left > 20, (lang, "ragged on the left", line[0][1], left)
    line, left, _, first = placed["el"]
    assert line[0][0] == first and abs(line[0][1] - left) < 1, ("el starts on the left", line[0])


def test_rtl_articles_carry_lang_and_dir_in_the_epub_and_on_the_web(scripts_build):
    with zipfile.ZipFile(book_file(scripts_build, ".epub")) as epub:
        arabic = epub.read("EPUB/01-arabic.xhtml").decode()
        greek = epub.read("EPUB/03-greek.xhtml").decode()
    assert re.search(r'<section id="01-arabic"[^>]* lang="ar" xml:lang="ar" dir="rtl"', arabic), arabic[:800]
    assert re.search(r'<section id="03-greek"[^>]* lang="el" xml:lang="el" ', greek) and 'dir="' not in greek
    page = (scripts_build.output / "read" / "02-hebrew" / "index.html").read_text()
    assert re.search(r'<article id="02-hebrew"[^>]* lang="he" dir="rtl">', page), page


def test_pdffonts_lists_only_the_theme_and_fallback_fonts(scripts_build):
    allowed = {
        fonts.face(path).family.replace(" ", "-") for path in glyphs.files(load_theme("handbook", scripts_build.output))
    }
    names = [row["name"].split("+", 1)[-1] for row in pdffonts(book_file(scripts_build, ".pdf"))]
    assert names and all(row["emb"] for row in pdffonts(book_file(scripts_build, ".pdf")))
    assert [n for n in names if not any(n.startswith(family) for family in allowed)] == []
    assert not any("DejaVu" in n for n in names)


def test_the_credits_name_each_fallback_font_the_text_needed(scripts_build):
    credited = {i["title"]: i for i in json.loads((scripts_build.output / "credits.json").read_text())["third_party"]}
    for family in ("Noto Sans Arabic", "Noto Sans Hebrew", "Noto Sans Devanagari", "Noto Emoji", "Noto Sans CJK"):
        assert credited[family]["license"] == "OFL-1.1", family
    assert credited["Noto Sans CJK"]["author"] == "Google and Adobe"


def test_epubcheck_and_ace_pass(scripts_build):
    epub = book_file(scripts_build, ".epub")
    assert epubcheck_problems(epub) == []
    assert ace(epub) == []


def test_cjk_text_without_its_fonts_is_one_warning(scripts_source, monkeypatch):
    monkeypatch.setattr(glyphs, "CJK_FILES", ("/nonexistent/NotoSansCJK-Regular.ttc",))
    result = check(BuildRequest(source=scripts_source))
    warnings = [w for w in result.diagnostics.warnings if w.kind == "scripts that need fonts-noto-cjk"]
    assert len(warnings) == 1, result.diagnostics.warnings
    message = warnings[0].message
    assert "Han" in message and "Hiragana" in message and "fonts-noto-cjk" in message
    assert "06-japanese.md" in message and "07-chinese.md" in message and "03-greek.md" not in message
    assert [w for w in result.diagnostics.warnings if w.kind == "characters no font draws"] == []


def test_mkdocs_emoji_shortcodes_become_characters_the_emoji_font_draws(tmp_path):
    source = write_tree(
        tmp_path,
        {
            "mkdocs.yml": (
                "site_name: Emoji site\nmarkdown_extensions:\n  - pymdownx.emoji:\n"
                "      emoji_index: !!python/name:material.extensions.emoji.twemoji\n"
                "      emoji_generator: !!python/name:material.extensions.emoji.to_svg\n"
            ),
            "docs/index.md": "# Home\n\nA smile :smile:, a rocket :rocket: and an icon :material-home:.\n",
        },
    )
    result = check(BuildRequest(source=source))
    html = result.library.books[0].articles[0].html
    assert "A smile \U0001f604, a rocket \U0001f680 and an icon :material-home:." in html  # icons as they were
    assert "<img" not in html and "<svg" not in html  # nothing drawn from a CDN
    theme = load_theme("handbook", source)
    emoji_font = [f for f in theme.fallback_fonts() if f.name == "Noto Emoji"][0]
    assert {0x1F604, 0x1F680} <= glyphs.coverage(emoji_font.files[0])
    assert glyphs.uncovered(glyphs.files(theme), {0x1F604, 0x1F680}) == set()


def test_emoji_no_font_draws_are_written_as_their_names(tmp_path, monkeypatch):
    from packager.book.model import Article, Book
    from packager.diagnostics import Diagnostics
    from packager.transforms import emoji

    theme = load_theme("handbook", tmp_path)
    without_emoji = [p for p in glyphs.files(theme) if "Emoji" not in p.name]
    monkeypatch.setattr(glyphs, "files", lambda _theme: without_emoji)
    article = Article(source="a.md", slug="a", title="Faces \U0001f600", html="<p>A smile \U0001f600 and é.</p>")
    book = Book(title="B", slug="b", language="en", articles=(article,))
    diagnostics = Diagnostics()
    changed = emoji.apply(book, theme, diagnostics)
    assert changed.articles[0].html == "<p>A smile [grinning face] and é.</p>"
    assert changed.articles[0].title == "Faces [grinning face]"
    assert [w.kind for w in diagnostics.warnings] == ["emoji written as their names"]
    assert "U+1F600" in diagnostics.warnings[0].message and "a.md" in diagnostics.warnings[0].message
    assert emoji.apply(book, theme, Diagnostics()) is not book  # the monkeypatched fonts still lack it
    monkeypatch.undo()
    assert emoji.apply(book, theme, Diagnostics()) is book  # Noto Emoji draws it: nothing changes


def test_front_matter_lang_and_dir_in_a_right_to_left_book(tmp_path):
    source = write_tree(
        tmp_path,
        {
            "packager.toml": '[book]\ntitle = "ספר"\nauthors = ["T"]\nlanguage = "he"\n',
            "a.md": "---\ntitle: In English\nlang: en\n---\n\nText.\n",
            "b.md": "---\ntitle: שלום\n---\n\nטקסט.\n",
            "c.md": "---\ntitle: Odd\nlang: 42\ndir: sideways\nlayout: kept\n---\n\nText.\n",
            "d.md": "---\ntitle: Persian\nlang: fa-IR\n---\n\nمتن.\n",
        },
    )
    result = check(BuildRequest(source=source))
    book = result.library.books[0]
    by_source = {a.source: a for a in book.articles}
    assert book.direction == "rtl"
    assert book.article_language(by_source["a.md"]) == ("en", "ltr")
    assert book.article_language(by_source["b.md"]) == (None, None)
    assert book.article_language(by_source["d.md"]) == ("fa-IR", None)  # right to left, as the book
    odd = by_source["c.md"]
    assert (odd.language, odd.direction, odd.front_matter["layout"]) == (None, None, "kept")
    messages = [w.message for w in result.diagnostics.warnings if w.path == "c.md"]
    assert any("'lang' must be a language tag" in m for m in messages)
    assert any("'dir' must be 'rtl' or 'ltr'" in m for m in messages)
    page = load_theme("handbook", source).render(
        "epub/titlepage.xhtml", book=book, title=book.title, body_type="frontmatter"
    )
    assert '<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops" lang="he"' in page
    assert 'xml:lang="he" dir="rtl">' in page


def test_a_latin_only_theme_sets_greek_and_cyrillic_in_the_fallback_text_face(tmp_path):
    """Large print's Atkinson Hyperlegible has no Greek: Noto Sans draws it, never the code font Noto Sans Mono."""
    files = {"packager.toml": '[book]\ntitle = "Two scripts"\nauthors = ["T"]\nlicense = "CC-BY-4.0"\n'}
    files["packager.toml"] += '[output]\ntheme = "large-print"\n'
    for name, lang, title, sentence in ARTICLES[2:4]:
        files[name] = f"---\ntitle: {title}\nlang: {lang}\n---\n\n{sentence}\n"
    result = build_into(write_tree(tmp_path / "src", files), tmp_path / "dist")
    drawn = {name.split("+", 1)[-1]: counts for name, counts in pdf_glyph_use(book_file(result, ".pdf")).items()}
    assert sum(notdef for _, notdef in drawn.values()) == 0
    assert drawn["Noto-Sans"][0] > 50 and not any(name.startswith("Noto-Sans-Mono") for name in drawn), drawn
    with zipfile.ZipFile(book_file(result, ".epub")) as epub:
        css = epub.read("EPUB/style/book.css").decode()
    assert 'html, h1, h2, h3, h4, h5, h6 { font-family: "Atkinson Hyperlegible", "Noto Sans", sans-serif; }' in css
    credited = [i["title"] for i in json.loads((result.output / "credits.json").read_text())["third_party"]]
    assert credited[:3] == ["Atkinson Hyperlegible", "Noto Sans Mono", "Noto Sans"]
