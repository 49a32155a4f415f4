"""Raw HTML that parses but breaks HTML's content models is repaired: no input makes an invalid EPUB.

The strategies below write the HTML an HTML5 parser accepts and EPUBCheck's
schemas (RelaxNG and Schematron of EPUB 3.3 XHTML) reject: table parts out of
order, repeated or outside tables; text and blocks directly in tables, rows
and lists; items, terms and definitions outside their lists; captions and
summaries in the wrong place; blocks inside phrasing elements, paragraphs,
headings, captions and summaries; links in links and interactive content in
them; attribute values that are not what the attribute takes. They come
between Markdown blocks, with and without the blank lines that end a
CommonMark HTML block, and around Markdown. 500 of them go into one EPUB, and
EPUBCheck runs once on it.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from lxml import etree
from test_xhtml_property import XHTML, check_fragment, check_rendered, render, with_link_targets

from packager.content import xhtml

from conftest import book_file, build_into
from validators import epubcheck_problems

pytestmark = pytest.mark.filterwarnings("ignore:The recursion limit will not be reset")

# --------------------------------------------------------------------------- strategies

BLOCKS = [
    "div", "p", "ul", "ol", "dl", "table", "blockquote", "pre", "h2", "h3", "figure", "details", "section", "aside",
]  # fmt: skip
PARTS = ["li", "dt", "dd", "tr", "td", "th", "thead", "tbody", "tfoot", "caption", "colgroup", "figcaption", "summary"]
INLINE = [
    "a", "em", "span", "code", "sup", "sub", "abbr", "label", "q", "small", "time", "dfn", "b", "i", "strong", "mark",
    "kbd", "cite", "ins", "del", "s", "u", "var", "samp",
]  # fmt: skip
CONTROLS = ["button", "select", "option", "textarea", "form", "fieldset", "legend"]
DROPPED = [  # not on the allow-list: the tags go, what they held stays
    "ruby", "rt", "rp", "bdi", "bdo", "nav", "header", "footer", "main", "address", "data", "center", "font", "picture",
    "meter", "progress", "output", "big", "article", "hgroup", "menu", "dialog", "noscript",
]  # fmt: skip
TAGS = BLOCKS + PARTS + INLINE + CONTROLS + DROPPED
VOIDS = [
    "<br>", "<br/>", "<hr>", "<wbr>", "<col>", '<col span="2">', '<img src="pic.png">', '<img src="pic.png" alt="pic">',
    '<img src="missing.png" alt="gone">', "<img>", '<input type="checkbox" checked>', "<input>",
]  # fmt: skip

VALUES = {
    "id": ["dup", "dup", "a b", "a:b", "1x", "-x", "x\u00b2", "\u65e5\u672c", "", " "],
    "class": ["admonition note", "footnote", "task-list", "x", "admonition-title"],
    "dir": ["rtl", "ltr", "auto", "sideways", ""],
    "lang": ["en", "en-GB", "x-klingon", "not a lang", "xx-123456789", ""],
    "title": ["a title", ""],
    "colspan": ["0", "-1", "1", "2", "1001", "x", "65535"],
    "rowspan": ["0", "-1", "1", "2", "1001", "x", "65535"],
    "scope": ["row", "col", "foo"],
    "start": ["x", "-3", "1.5", "2"],
    "reversed": ["", "reversed"],
    "type": ["a", "Z", "1", "checkbox", "text"],
    "value": ["1", "1.5", "x", "-2"],
    "datetime": ["garbage", "2024-01-01", "2024-02-30", "10:00", ""],
    "open": ["", "open"],
    "href": ["https://example.org/", "#dup", "#nowhere", "other.md", "", "javascript:x", "#a:b"],
    "src": ["pic.png", "missing.png", "https://example.org/x.png", ""],
    "alt": ["", "alt text"],
    "width": ["10", "-1", "50%"],
    "height": ["10", "0", "x"],
    "checked": [""],
    "selected": [""],
    "style": ["text-align: center", "color: red"],
    "span": ["2", "0"],
    "for": ["dup"],
}
GLOBAL_ATTRIBUTES = ["id", "id", "class", "dir", "lang", "title", "style"]
TAG_ATTRIBUTES = {
    "td": ["colspan", "rowspan", "scope"],
    "th": ["colspan", "rowspan", "scope"],
    "ol": ["start", "reversed", "type"],
    "ul": ["start", "type"],
    "li": ["value"],
    "time": ["datetime", "datetime"],
    "details": ["open"],
    "a": ["href", "href"],
    "abbr": ["title"],
    "colgroup": ["span"],
    "label": ["for"],
    "option": ["selected"],
    "input": ["type", "checked", "value"],
}


def _attribute_strategy(tag: str) -> st.SearchStrategy[str]:
    names = GLOBAL_ATTRIBUTES + TAG_ATTRIBUTES.get(tag, []) * 3
    pairs = [f' {name}="{value}"' for name in names for value in VALUES[name]]
    return st.lists(st.sampled_from(pairs), max_size=3).map("".join)


#: Attributes for each tag: the ones it takes, with good and bad values, and the global ones.
ATTRIBUTES = {tag: _attribute_strategy(tag) for tag in TAGS}
end_tag_written = st.sampled_from([True, True, True, False])


def element(tags: list[str], children: st.SearchStrategy[list[str]]) -> st.SearchStrategy[str]:
    """One of tags around children, its end tag now and then left for the parser to imply."""
    names = st.sampled_from(tags)

    @st.composite
    def one(draw) -> str:
        tag = draw(names)
        start, kids = f"<{tag}{draw(ATTRIBUTES[tag])}>", "".join(draw(children))
        return f"{start}{kids}</{tag}>" if draw(end_tag_written) else start + kids

    return one()


text = st.sampled_from(["word", " two words ", " ", "\n", "x\u00b2", "&amp;", "\u65e5\u672c", "2024-01-01", "*em*"])
leaf = st.one_of(text, st.sampled_from(VOIDS))


def misnested(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """Elements around inner that a parser keeps and the content models forbid."""
    kids = st.lists(inner, max_size=4)

    def holding(parts: list[str]) -> st.SearchStrategy[list[str]]:
        return st.lists(st.one_of(element(parts, kids), inner), max_size=5)

    return st.one_of(
        element(TAGS, kids),  # anything in anything
        element(["table"], holding(["caption", "colgroup", "thead", "tbody", "tfoot", "tr", "td", "th", "div"])),
        element(["tr", "thead", "tbody", "tfoot", "td", "th", "caption", "colgroup"], holding(["tr", "td", "th"])),
        element(["ul", "ol", "dl"], holding(["li", "dt", "dd", "div", "p", "ul"])),
        element(["li", "dt", "dd"], kids),  # outside their lists
        element(["figure"], holding(["figcaption", "p", "figure"])),
        element(["details"], holding(["summary", "p", "details"])),
        element(INLINE + ["p", "h2", "dt", "caption", "summary", "th", "label", "button"], holding(BLOCKS)),
        element(["a", "button", "label", "dfn", "time", "caption"], holding(["a", "details", "label", "dfn", "table"])),
    )


raw_html = st.recursive(leaf, misnested, max_leaves=16)

MARKDOWN = [
    "Some *Markdown* text", "- item\n- item", "1. one\n2. two", "> a quote", "## A heading {#dup}",
    "| a | b |\n|---|---|\n| c | d |", "Term\n: definition", "!!! note\n    An admonition", "```\ncode\n```",
    "text[^1]\n\n[^1]: a note", "---", "> [!NOTE]\n> an alert", "> [!DETAILS]- folded\n> body", "    indented code",
    "[a link](#dup)", "<!-- comment -->", "![a picture](pic.png \"A caption\")", "- [x] done\n- [ ] to do",
]  # fmt: skip
markdown = st.sampled_from(MARKDOWN)
BREAKS = ["\n\n", "\n", "", " "]
tag_names = st.sampled_from(TAGS)


@st.composite
def start_tag(draw) -> tuple[str, str]:
    """A start tag with attributes, and its end tag."""
    tag = draw(tag_names)
    return f"<{tag}{draw(ATTRIBUTES[tag])}>", f"</{tag}>"


def around_markdown(tags: list[tuple[str, str]], inner: str, before: str, after: str, closed: bool) -> str:
    """Start tags, Markdown, then the end tags: CommonMark reads the Markdown when a blank line comes first."""
    ends = "".join(end for _, end in reversed(tags)) if closed else ""
    return "".join(start for start, _ in tags) + before + inner + after + ends


wrapped_markdown = st.builds(
    around_markdown,
    st.lists(start_tag(), max_size=3),
    markdown,
    st.sampled_from(BREAKS),
    st.sampled_from(BREAKS),
    st.booleans(),
)
piece = st.one_of(raw_html, raw_html, markdown, wrapped_markdown)
raw_html_documents = st.lists(st.tuples(piece, st.sampled_from(BREAKS)), min_size=1, max_size=5).map(
    lambda pieces: "".join(p + b for p, b in pieces)
)

# --------------------------------------------------------------------------- the repairs, one by one

REPAIRED = {
    "a caption after the rows moves first": (
        "<table><tbody><tr><td>x</td></tr></tbody><caption>c</caption></table>",
        "<table><caption>c</caption><tbody><tr><td>x</td></tr></tbody></table>",
    ),
    "a second caption and head become a block and a body": (
        "<table><caption>a</caption><thead><tr><th>h</th></tr></thead><caption>b</caption>"
        "<thead><tr><td>x</td></tr></thead></table>",
        '<div>b</div><table><caption>a</caption><thead><tr><th scope="col">h</th></tr></thead>'
        "<tbody><tr><td>x</td></tr></tbody></table>",
    ),
    "column groups come before the rows, the foot after them": (
        "<table><tfoot><tr><td>f</td></tr></tfoot><tbody><tr><td>b</td></tr></tbody><colgroup><col></colgroup></table>",
        "<table><colgroup><col/></colgroup><tbody><tr><td>b</td></tr></tbody><tfoot><tr><td>f</td></tr></tfoot></table>",
    ),
    "a table in a caption keeps its cells as blocks": (
        "<table><caption>c <table><tr><td>x</td></tr></table></caption></table>",
        "<table><caption>c <div><div><div><div>x</div></div></div></div></caption></table>",
    ),
    "text before a summary goes after it": (
        "<details>text<summary>s</summary>more</details>",
        "<details><summary>s</summary>text more</details>",
    ),
    "a second summary is a block": (
        "<details><summary>s</summary><summary>t</summary></details>",
        "<details><summary>s</summary><div>t</div></details>",
    ),
    "a link in a summary keeps its text, not its link (axe: nested-interactive)": (
        '<details><summary>See <a href="https://example.org/">the guide</a></summary>x</details>',
        "<details><summary>See the guide</summary>x</details>",
    ),
    "a caption between text is a block": (
        "<figure>a<figcaption>c</figcaption>b</figure>",
        "<figure>a<div>c</div>b</figure>",
    ),
    "an item's number only in an ol": (
        '<ul><li value="2">x</li></ul><ol><li value="2">y</li></ol>',
        '<ul><li>x</li></ul><ol><li value="2">y</li></ol>',
    ),
    "an item outside a list is a block, without its number": (
        '<div><li value="2" id="c">x</li></div>',
        '<div><div id="c">x</div></div>',
    ),
    "a no-break space in a list is text, in an item": (
        "<ol><li>a</li>\u00a0</ol>",
        "<ol><li>a</li><li>\u00a0</li></ol>",
    ),
    "a term in a term goes": ("<p><dfn>a <dfn>b</dfn></dfn></p>", "<p><dfn>a b</dfn></p>"),
    "a date with markup gets its datetime": (
        "<p><time><em>2024-01-01</em></time></p>",
        '<p><time datetime="2024-01-01"><em>2024-01-01</em></time></p>',
    ),
    "a heading deep in a header cell goes": (
        "<table><tr><th><div><h3>x</h3></div></th></tr></table>",
        '<table><tbody><tr><th scope="col"><div> x</div></th></tr></tbody></table>',
    ),
}


@pytest.mark.parametrize("html, expected", REPAIRED.values(), ids=REPAIRED.keys())
def test_content_model_repairs(html, expected):
    """Each repair on its own, as sanitise and serialise write it."""
    assert xhtml.serialise(xhtml.sanitise(html)) == expected


@pytest.fixture(scope="module")
def article_folder(tmp_path_factory):
    """A source folder with the picture and the other article the documents name."""
    return with_link_targets(tmp_path_factory.mktemp("raw-html"))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(text=raw_html_documents)
def test_raw_html_renders_to_safe_wellformed_xhtml(article_folder, text):
    """Each document alone, shrunk to its smallest form when it fails: well-formed, safe, its headings there."""
    check_rendered(article_folder, text)


# --------------------------------------------------------------------------- one EPUB of 500 documents

DOCUMENTS = 500


def generated_documents(count: int) -> list[str]:
    """count different documents, the same ones on every run (derandomized: CI sees what a laptop saw)."""
    found: dict[str, None] = {}

    @settings(
        max_examples=count + count // 5,  # a few come out the same
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(text=raw_html_documents)
    def collect(text):
        found[text] = None

    collect()
    assert len(found) >= count, f"only {len(found)} different documents"
    return list(found)[:count]


def located(problems: list[dict], documents: list[str]) -> list[str]:
    """Each EPUBCheck problem with the Markdown of (at most three of) the documents it is in, to reproduce it."""
    lines = []
    for problem in problems:
        where = " ".join(problem["locations"])
        lines.append(f"{problem['severity']} {problem['id']} {problem['message']} at {where}")
        for number in sorted({int(n) for n in re.findall(r"doc-(\d+)\.xhtml", where)})[:3]:
            lines.append(f"    doc-{number:03}.md: {documents[number]!r}")
    return lines


def test_raw_html_documents_make_an_epub_that_epubcheck_accepts(tmp_path):
    """500 generated documents in one book, EPUBCheck once: no error and no warning."""
    documents = generated_documents(DOCUMENTS)
    source = tmp_path / "src"
    source.mkdir()
    (source / "packager.toml").write_text('[book]\ntitle = "Raw HTML"\n\n[output]\nformats = ["epub"]\n')
    with_link_targets(source)
    for number, text in enumerate(documents):
        (source / f"doc-{number:03}.md").write_text(f"# Doc {number}\n\n{text}\n", encoding="utf-8")
    result = build_into(source, tmp_path / "dist")
    articles = [a for a in result.book.articles if a.slug.startswith("doc-")]
    assert len(articles) == DOCUMENTS
    for article in articles:
        check_fragment(article.html)
    problems = epubcheck_problems(book_file(result, ".epub"))
    assert problems == [], "\n".join(located(problems, documents))


def test_a_folded_alert_in_a_link_is_no_details_in_a_link(article_folder):
    """EPUBCheck: "The details element must not appear inside a elements" (interactive content in a link)."""
    html = render(article_folder, '<a href="https://example.org/">\n\n> [!DETAILS]- folded\n> body\n\n</a>\n').html
    root = etree.fromstring(f'<div xmlns="{XHTML}">{html}</div>')
    assert root.xpath("//h:a//h:details", namespaces={"h": XHTML}) == []
