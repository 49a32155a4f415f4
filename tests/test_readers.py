"""The two Markdown readers: which one reads a project, and the same book from both where the dialects agree.

tests/cases/readers/agree/ is Markdown both dialects read alike (lists
nested by four spaces, fences, tables, footnotes, alerts, admonitions,
definition lists, task lists, attributes). expected/ holds the XHTML the
default reader (CommonMark) gives; Python-Markdown must give the same
document: the same elements, attributes and text, where only the whitespace
between block elements and the order of attributes may differ.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from lxml import etree
from test_preprocess import build_book, normalised, updating_golden

from packager.content.readers import reader_for
from packager.diagnostics import Diagnostics
from packager.project import config
from packager.project.dialect import (
    COMMONMARK,
    PYTHON_MARKDOWN,
    PYTHON_MARKDOWN_DEFAULT,
    MarkdownDialect,
    resolve,
)

AGREE = Path(__file__).parent / "cases" / "readers" / "agree"
XHTML = "http://www.w3.org/1999/xhtml"
PYTHON = MarkdownDialect(PYTHON_MARKDOWN, (), PYTHON_MARKDOWN_DEFAULT)


BLOCKS = {
    "p",
    "ul",
    "ol",
    "li",
    "dl",
    "dt",
    "dd",
    "div",
    "pre",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "blockquote",
    "figure",
    "figcaption",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "details",
    "summary",
}


def canonical(html: str) -> str:
    """The fragment with attributes sorted and the whitespace around block elements (outside <pre>) dropped."""
    root = etree.fromstring(f'<div xmlns="{XHTML}">{html}</div>'.encode())
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        items = sorted(el.attrib.items())
        el.attrib.clear()
        el.attrib.update(items)
        if etree.QName(el).localname not in BLOCKS or el.xpath("ancestor-or-self::*[local-name()='pre']"):
            continue
        previous, parent = el.getprevious(), el.getparent()
        if previous is not None:
            previous.tail = (previous.tail or "").rstrip() or None
        elif parent is not None:
            parent.text = (parent.text or "").rstrip() or None
        el.tail = (el.tail or "").lstrip() or None
        if etree.QName(el).localname != "pre":
            el.text = (el.text or "").lstrip() or None
            if len(el):
                el[-1].tail = (el[-1].tail or "").rstrip() or None
            else:
                el.text = (el.text or "").rstrip() or None
    return etree.tostring(root, encoding="unicode")


def test_the_default_reader_gives_the_golden_xhtml():
    book, diagnostics = build_book(AGREE / "input")
    actual = {f"{a.slug}.xhtml": normalised(a.html) for a in book.articles}
    expected_dir = AGREE / "expected"
    if updating_golden():
        expected_dir.mkdir(exist_ok=True)
        for name, text in actual.items():
            (expected_dir / name).write_text(text, encoding="utf-8")
    assert diagnostics.warnings == []
    assert actual == {p.name: p.read_text(encoding="utf-8") for p in expected_dir.iterdir()}


def test_python_markdown_gives_the_same_book_where_the_dialects_agree():
    book, diagnostics = build_book(AGREE / "input", PYTHON)
    assert diagnostics.warnings == []
    for article in book.articles:
        expected = (AGREE / "expected" / f"{article.slug}.xhtml").read_text(encoding="utf-8")
        assert canonical(article.html) == canonical(expected), article.source
    # and the comparison can fail: the dialects part at two-space nesting
    two_spaces = "- a\n  - b\n"
    assert canonical(reader_for(MarkdownDialect()).to_html(two_spaces)) != canonical(
        reader_for(PYTHON).to_html(two_spaces)
    )


EVERYDAY = {
    "nested by two spaces": ("- a\n  - b\n", "<ul><li>a<ul><li>b</li></ul></li></ul>"),
    "bullets under a number, by three": (
        "1. one\n   - sub\n2. two\n",
        "<ol><li>one<ul><li>sub</li></ul></li><li>two</li></ol>",
    ),
    "a list right after a paragraph line": ("need:\n- a\n- b\n", "<p>need:</p><ul><li>a</li><li>b</li></ul>"),
    "a fence inside a numbered item": (
        "1. one\n\n   ```\n   code\n   ```\n2. two\n",
        "<ol><li><p>one</p><pre><code>code\n</code></pre></li><li><p>two</p></li></ol>",
    ),
    "bare www and https links": (
        "see www.example.com and https://example.org/x.\n",
        '<p>see <a href="http://www.example.com">www.example.com</a> and '
        '<a href="https://example.org/x">https://example.org/x</a>.</p>',
    ),
    "an escaped pipe in table code": (
        "| a |\n|---|\n| `x \\| y` |\n",
        '<table><thead><tr><th scope="col">a</th></tr></thead><tbody><tr><td><code>x | y</code></td></tr></tbody></table>',
    ),
    "a #tag line is not a heading": ("#tag and text\n", "<p>#tag and text</p>"),
    "Markdown inside <details>": (
        "<details>\n<summary>More</summary>\n\n*read* me\n\n</details>\n",
        "<details><summary>More</summary><p><em>read</em> me</p></details>",
    ),
    "a single tilde is not subscript": ("~x~ and ~~y~~\n", "<p><del>x</del> and <del>y</del></p>"),
    "==marked== text, not == between spaces": ("a ==b== c == d\n", "<p>a <mark>b</mark> c == d</p>"),
}


def _plain(html: str) -> str:
    """The fragment without classes and code highlighting: the structure a reader gave."""
    from packager.content import xhtml

    root = xhtml.sanitise(html)
    for el in root.iter():
        if isinstance(el.tag, str):
            el.attrib.pop("class", None)
    for div in list(root.iter("div")):
        if div.getparent() is not None and len(div) and div[0].tag == "pre":
            xhtml.drop_tag(div)
    for span in list(root.iter("span")):
        xhtml.drop_tag(span)
    plain = canonical(xhtml.serialise(root)).replace(f' xmlns="{XHTML}"', "")[5:-6]
    return re.sub(r"\s+(?=</?(?:ul|ol|li|p|pre|table)\b)", "", plain)


@pytest.mark.parametrize("name", sorted(EVERYDAY))
def test_everyday_markdown_comes_out_as_its_authors_wrote_it(name):
    source, expected = EVERYDAY[name]
    assert _plain(reader_for(MarkdownDialect()).to_html(source)) == expected


def _config(tmp_path: Path, text: str):
    (tmp_path / "packager.toml").write_text(text, encoding="utf-8")
    return config.load(tmp_path)


def test_the_reader_is_commonmark_unless_the_project_says_otherwise(tmp_path):
    assert resolve(tmp_path, config.load(tmp_path), Diagnostics()).reader == COMMONMARK
    chosen = resolve(tmp_path, _config(tmp_path, '[content]\nmarkdown = "python-markdown"\n'), Diagnostics())
    assert (chosen.reader, chosen.origin) == (PYTHON_MARKDOWN, "packager.toml")
    with pytest.raises(Exception, match=r"content\.markdown.*commonmark.*python-markdown.*'markdwn'"):
        _config(tmp_path, '[content]\nmarkdown = "markdwn"\n')


@pytest.mark.parametrize("tag", ["title", "textarea", "xmp", "iframe", "noembed", "noframes", "plaintext", "style"])
@pytest.mark.parametrize("dialect", [MarkdownDialect(), PYTHON], ids=["commonmark", "python-markdown"])
def test_a_raw_text_tag_left_open_swallows_nothing(tag, dialect):
    """HTML reads what follows <title> or <textarea> as text up to its end tag: the rest of the article was lost."""
    from packager.content import xhtml

    html = reader_for(dialect).to_html(f"Intro <{tag}> here.\n\n## Chapter\n\n*Some* text.\n")
    out = xhtml.serialise(xhtml.sanitise(html))
    assert f"&lt;{tag}&gt;" in out and "<h2>Chapter</h2>" in out and "<em>Some</em>" in out, out


def test_lists_nested_deeper_than_twenty_levels_lose_nothing():
    """markdown-it's commonmark preset stops reading a document at 20 levels and drops the rest, silently."""
    nested = "".join("  " * depth + f"- level {depth}\n" for depth in range(40))
    html = reader_for(MarkdownDialect()).to_html(nested + "\nThe paragraph after the list.\n")
    assert html.count("<ul>") == 40
    assert "level 39" in html and "The paragraph after the list." in html
