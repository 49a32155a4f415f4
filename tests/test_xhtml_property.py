"""Whatever Markdown and HTML come in, every article is well-formed, safe XHTML that EPUBCheck accepts.

The strategies below write documents over the whole range of Markdown syntax
(nested lists and quotes, reference definitions, autolinks, hard breaks, tabs,
HTML blocks and inline HTML with hostile tags and attributes, entities,
Unicode of every kind, very long lines) plus the template syntax packager
handles before Markdown (Hugo shortcodes, Liquid, MyST).
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from lxml import etree

from packager.content import markdown
from packager.content.context import Rendered
from packager.content.linkmap import LinkMap

from conftest import article_context, book_file, build_into
from expect import remote_fetches, remote_resources
from validators import epubcheck_problems

# Pygments looks unknown fence languages up among installed plugins; where IPython is installed that imports
# jedi, which raises the recursion limit, and Hypothesis warns that it changed. Nothing of ours.
pytestmark = pytest.mark.filterwarnings("ignore:The recursion limit will not be reset")

XHTML = "http://www.w3.org/1999/xhtml"
CASES = Path(__file__).parent / "cases" / "markdown"  # the golden inputs go into the EPUB too
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000100e221bc330000000049454e44ae426082"
)

# --------------------------------------------------------------------------- strategies

UNICODE = [
    "\u05e9\u05dc\u05d5\u05dd",  # Hebrew (RTL)
    "\u0645\u0631\u062d\u0628\u0627",  # Arabic (RTL)
    "\u202eevil\u202c",  # RTL override
    "\u4e2d\u6587\u5b57",  # CJK
    "\u3053\u3093\u306b\u3061\u306f",
    "\U0001f600\U0001f468\u200d\U0001f469\u200d\U0001f467",  # emoji, ZWJ sequence
    "e\u0301\u0302\u0303",  # combining marks
    "\u0000\u0001\u0008\u000b\u000c\u001f\u007f\u0085\u009f",  # control characters
    "\ufeff\ufffe\uffff\ufdd0",  # BOM and noncharacters
    "\u00a0\u2028\u2029\u200b",  # odd spaces and separators
    "\t",
]
ENTITIES = [
    "&nbsp;",
    "&amp;",
    "&lt;",
    "&copy;",
    "&bogus;",
    "&#0;",
    "&#1;",
    "&#x1F600;",
    "&#xD800;",
    "&#128;",
    "&#x110000;",
    "&",
]
URLS = [
    "https://example.org/a b",
    "http://[::1]/x",
    "http://[broken",
    "https://ex\u00e4mple.org/\u00fc",
    "https://a..b/",
    "javascript:alert(1)",
    " JaVaScRiPt:alert(1)",
    "jav&#x61;script:alert(1)",
    "vbscript:x",
    "data:text/html,<script>alert(1)</script>",
    "//evil.example/x",
    "mailto:someone@example.org",
    "mailto:",
    "#frag ment",
    "#%zz",
    "other.md#part",
    "../other/",
    "/etc/hostname",
    "g",
    "pic.png",
    "https://example.org/%zz",
    "",
]
TAGS = [
    "p", "div", "span", "a", "img", "script", "style", "iframe", "object", "embed", "form", "input",
    "button", "select", "option", "textarea", "label", "svg", "math", "template", "video", "audio",
    "source", "link", "meta", "base", "table", "tr", "td", "th", "li", "ul", "ol", "dl", "dt", "dd",
    "figure", "figcaption", "details", "summary", "h1", "h2", "h3", "pre", "code", "em", "strong",
    "blockquote", "section", "aside", "time", "abbr", "br", "hr", "wbr", "col", "caption", "x-custom",
    "noscript", "plaintext", "xmp", "title", "frameset", "sub", "sup", "q", "ins", "del",
]  # fmt: skip
ATTRIBUTES = [
    "id", "class", "title", "lang", "dir", "style", "href", "src", "alt", "width", "height", "colspan",
    "rowspan", "scope", "start", "reversed", "type", "value", "datetime", "open", "checked", "onclick",
    "onerror", "onload", "srcset", "xmlns", "xml:lang", "data-x", "markdown", "bad\"name", "<",
]  # fmt: skip
VALUES = ["", "x", "0", "-1", "3", "99999999999", "rtl", "foo", "en-GB", "not a lang!", "2024-01-01", "yesterday",
          "text-align: center", "color: red; background: url(https://evil.example/x.png)", "row", "auto",
          "\"quoted'", "a\u0001b", "dup", *URLS]  # fmt: skip

words = st.sampled_from(
    ["word", "Text", "a", "*", "_", "**", "~~", "==", "^^", "`", "\\", "[", "]", "(", ")", "<", ">", "{", "}", "|",
     "#", "!", "-", "+", ":", "&", '"', "'", "...", "--", ":wave:", "http://example.org/x", "$$", "\\(", "%", *UNICODE,
     *ENTITIES]
)  # fmt: skip


attribute = st.builds(
    lambda name, value, quoted: f' {name}="{value}"' if quoted else f" {name}={value}",
    st.sampled_from(ATTRIBUTES),
    st.sampled_from(VALUES),
    st.booleans(),
)
ENDINGS = ["</{}>", "", "</{}>", "/>", "</p>", "</div></span>"]


def tag_around(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """A random start tag with random attributes, some content, and a random (often wrong) ending."""
    return st.builds(
        lambda name, attrs, content, ending: f"<{name}{''.join(attrs)}>{content}{ending.format(name)}",
        st.sampled_from(TAGS),
        st.lists(attribute, max_size=3),
        inner,
        st.sampled_from(ENDINGS),
    )


html = st.one_of(tag_around(words), tag_around(st.lists(tag_around(words), max_size=3).map(" ".join)))
TEMPLATE_BITS = [
    "{{< new-in 1.2 />}}", "{{% param x %}}", "{{ page.title }}", "{% include x.html %}", "{ref}`a <b>`",
    "{{</* x */>}}", "[a](<{{% eturl x %}}>)", "[t](g)", '{{< img src="pic.png" >}}', "{{<", "{{% broken",
    "<!--more-->", "{{< /x >}}", "{% raw %}{{ x }}{% endraw %}", "{sub}`2`", "{{ site.baseurl }}/pic.png",
]  # fmt: skip
urls = st.sampled_from(URLS)
inline_piece = st.one_of(
    words,
    words.map(lambda w: f"*{w}*"),
    st.tuples(words, words).map(lambda t: f"**{t[0]} __{t[1]}__**"),
    words.map(lambda w: f"`{w}`"),
    st.tuples(words, urls).map(lambda t: f"[{t[0]}]({t[1]})"),
    st.tuples(words, urls, words).map(lambda t: f'![{t[0]}]({t[1]} "{t[2]}")'),
    st.sampled_from(["<https://example.org/a>", "<mailto:a@b.org>", "<x@y.org>"]),
    html,
    st.sampled_from(["  \n", "\\\n", "\n", "\t"]),
    st.integers(0, 2).map(lambda n: f"[ref{n}] [x][ref{n}] [^{n}]"),
    st.sampled_from(TEMPLATE_BITS),
    st.integers(0, 5000).map(lambda n: "x" * n),
    st.text(max_size=20),
)
inline = st.lists(inline_piece, max_size=6).map(" ".join)


def indent(text: str, prefix: str) -> str:
    return text.replace("\n", "\n" + prefix)


leaf_block = st.one_of(
    inline,
    st.tuples(st.integers(1, 6), inline, st.sampled_from(["", " {#dup}", " {#x .c}", " #"])).map(
        lambda t: "#" * t[0] + " " + t[1] + t[2]
    ),
    st.tuples(inline, st.sampled_from(["===", "---"])).map("\n".join),
    st.tuples(
        st.sampled_from(["```", "~~~", "````"]),
        st.sampled_from(["", "python", 'go {file="x"}', "{.js}", "{note}", "{code-block} c", "nope"]),
        st.text(max_size=80),
    ).map(lambda t: f"{t[0]}{t[1]}\n{t[2]}\n{t[0]}"),
    inline.map(lambda t: "    " + indent(t, "    ")),
    html,
    st.tuples(st.integers(0, 2), urls, words).map(lambda t: f'[ref{t[0]}]: {t[1] or "<>"} "{t[2]}"'),
    st.tuples(inline, words).map(lambda t: f"| a | b |\n|---|:-:|\n| {t[0].replace(chr(10), ' ')} | {t[1]} |"),
    st.sampled_from(["---", "***", "<!-- comment -->", "<!--more-->", "&nbsp;", ""]),
    st.tuples(st.integers(0, 2), inline).map(lambda t: f"[^{t[0]}]: {t[1]}"),
)


def container(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """Blocks that hold blocks: lists, quotes, alerts, admonitions, definitions, shortcodes, directives."""
    body = st.lists(inner, min_size=1, max_size=3).map("\n\n".join)
    return st.one_of(
        st.tuples(
            st.sampled_from(["- ", "* ", "1. ", "3) ", "- [ ] ", "- [x] "]), st.sampled_from(["  ", "    ", "\t"]), body
        ).map(lambda t: t[0] + indent(t[2], t[1])),
        body.map(lambda b: "> " + indent(b, "> ")),
        st.tuples(
            st.sampled_from(["NOTE", "TIP", "WARNING", "CAUTION", "IMPORTANT", "DETAILS]-", "FOO"]), words, body
        ).map(lambda t: f"> [!{t[0]}] {t[1]}\n> " + indent(t[2], "> ")),
        st.tuples(words, body).map(lambda t: f'!!! note "{t[0]}"\n    ' + indent(t[1], "    ")),
        st.tuples(words, body).map(lambda t: f"{t[0]}\n:   " + indent(t[1], "    ")),
        st.tuples(st.sampled_from(["details", "new-in", "code-toggle", "highlight", "unknown", "qr"]), words, body).map(
            lambda t: f'{{{{< {t[0]} "x" summary="{t[1]}" >}}}}\n{t[2]}\n{{{{< /{t[0]} >}}}}'
        ),
        st.tuples(st.sampled_from(["note", "admonition", "figure", "toctree", "weird"]), words, body).map(
            lambda t: f"```{{{t[0]}}} {t[1]}\n:alt: {t[1]}\n\n{t[2]}\n```"
        ),
        body.map(lambda b: f'<div markdown="1">\n\n{b}\n\n</div>'),
    )


block = st.one_of(leaf_block, container(st.one_of(leaf_block, container(leaf_block))))
documents = st.lists(block, max_size=5).map("\n\n".join)

# --------------------------------------------------------------------------- checks

FORBIDDEN_TAGS = {"script", "iframe", "object", "embed", "style", "form", "input", "button", "select", "textarea"}


def check_fragment(html: str) -> None:
    """Well-formed XML in the XHTML namespace, unique ids, nothing active, nothing remote."""
    root = etree.fromstring(f'<div xmlns="{XHTML}">{html}</div>'.encode())
    ids = [el.get("id") for el in root.iter() if el.get("id") is not None]
    assert len(ids) == len(set(ids)), f"duplicate ids: {sorted(i for i in ids if ids.count(i) > 1)}"
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        local = etree.QName(el).localname
        assert local not in FORBIDDEN_TAGS, local
        for name, value in el.attrib.items():
            assert not name.lower().startswith("on"), name
            if name in ("href", "src"):
                assert not re.match(r"\s*(javascript|vbscript|data):", value, re.I), (name, value)
        if local == "img":
            assert el.get("src", "").startswith("assets/"), el.get("src")
    # Not only img@src: srcset, poster, data, style url(), link@href, svg image@xlink:href... Only a link may go out.
    assert remote_fetches(root) == [], "loads from another host"
    assert "<p/>" not in html and "<span/>" not in html and "<a/>" not in html


def with_link_targets(folder: Path) -> Path:
    """Give folder the picture and the other article the generated documents name."""
    (folder / "pic.png").write_bytes(PNG)
    (folder / "other.md").write_text("# Other\n\n## Part\n", encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def source_dir():
    with tempfile.TemporaryDirectory(prefix="xhtml-property-") as tmp:
        yield with_link_targets(Path(tmp))


def render(source: Path, text: str) -> Rendered:
    links = LinkMap([("doc.md", "doc", {}), ("other.md", "other", {})])
    return markdown.render(article_context(source, text, links), text)


def check_rendered(source: Path, text: str) -> None:
    """Render text as doc.md: well-formed, safe XHTML, every heading of the outline there."""
    rendered = render(source, text)
    check_fragment(rendered.html)
    assert {h.id for h in rendered.headings} <= rendered.ids


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(text=documents)
def test_any_markdown_renders_to_safe_wellformed_xhtml(source_dir, text):
    check_rendered(source_dir, text)


NASTY = [
    "<p><div>block in p</div><span><ul><li>list in span</li></ul></span></p>\n\n<li>stray item</li>\n\n"
    "<dd>stray definition</dd> <figcaption>stray caption</figcaption> <summary>stray summary</summary>\n\n"
    "<ul>text in list<p>para in list</p><li>ok</li>tail</ul>\n\n<dl><p>x</p><dt>t</dt></dl>",
    "<h2><div>div in heading</div></h2>\n\n<a href='https://example.org'><a href='https://example.org/2'>nested</a>"
    "</a>\n\n<table><tr><th><h3>heading in th</h3></th></tr><tr><td colspan=0 rowspan=x>c</td></tr></table>",
    '<ol start=abc type=Z reversed><li value=1.5>x</li></ol> <time>not a date</time> <time datetime="2024-02-30'
    'T10:00Z">t</time>\n\n<span dir=sideways lang="not a lang!" style="position: fixed">x</span>\n\n'
    '<img src="pic.png" width="100%" height=-3 alt="a"> <details open><summary>s</summary>d</details>',
    "&nbsp; &bogus; &#0; &#1; &#x1F600; &#xD800; &#128; \u0001\u0008\u000b\u007f\u0085\ufffe \u202eRTL\u202c "
    "\u05e9\u05dc\u05d5\u05dd e\u0301 \U0001f468\u200d\U0001f469\n\n" + "long" * 3000,
    "[a](https://example.org/a b) [b](http://[::1]/x) [c](https://ex\u00e4mple.org/\u00fc) [d](https://a..b/) "
    "[e](https://example.org/%zz) [f](#frag ment) [g](mailto:) <x@y.org>",
    "> [!NOTE]\n> > [!WARNING] inner\n> > - list\n\n- item\n\n  > [!TIP]\n  > in a list\n\n"
    '{{< details summary="S" >}}\n{{< code-toggle file=hugo >}}\n[a]\nb = 1\n{{< /code-toggle >}}\n{{< /details >}}',
    "## Same\n\n## Same\n\nTerm\n: def\n\nTerm\n: again\n\n<span id=dup>a</span><span id=dup>b</span> "
    '<h2 id="Same">explicit</h2> {#bad id}\n\n<p id="">empty id</p>',
    "<svg><script>alert(1)</script><a href=javascript:alert(1)>x</a></svg><math><mi>x</mi></math>"
    "<iframe src=https://evil.example></iframe><object data=x></object><embed src=x>"
    '<img src="https://evil.example/x.png" onerror=alert(1)><img src="//evil.example/x.png">'
    '<a href=" javascript:alert(1)">j</a><a href="vbscript:x">v</a><a href="data:text/html,x">d</a>',
    "<object>word\n\n&#1;",  # found by hypothesis: a control character in the text before any element
]


@pytest.mark.parametrize("text", NASTY)
def test_known_nasty_documents(source_dir, text):
    check_fragment(render(source_dir, text).html)


REMOTE_FETCHES = [
    '<img src="assets/a.png" alt="" srcset="assets/a.png 1x, https://evil.example/a.png 2x"/>',
    '<picture><source srcset="//evil.example/a.webp"/><img src="assets/a.png" alt=""/></picture>',
    '<video poster="https://evil.example/p.png"></video>',
    '<audio><source src="https://evil.example/a.mp3"/></audio>',
    "<p style=\"background: url( 'https://evil.example/bg.png' )\">x</p>",
    "<p style=\"background-image: image-set('https://evil.example/a.png' 1x)\">x</p>",
    '<link rel="stylesheet" href="https://evil.example/s.css"/>',
    '<svg xmlns:xlink="http://www.w3.org/1999/xlink"><image xlink:href="https://evil.example/i.png"/></svg>',
    '<svg><use href="//evil.example/sprite.svg#x"/></svg>',
    '<table background="http://evil.example/t.png"><tr><td>x</td></tr></table>',
    '<a href="https://example.org/" ping="https://evil.example/ping">x</a>',
    '<img src="assets/a.png" alt="" data-x="1" srcset="HTTPS://evil.example/o.png 2x"/>',
    '<video><track src="ht&#9;tps://evil.example/t.vtt"/></video>',  # a URL parser drops the tab
]


@pytest.mark.parametrize("html", REMOTE_FETCHES)
def test_check_fragment_catches_every_remote_fetch(html):
    """The check above can fail: each of these makes a reader fetch from another host."""
    with pytest.raises(AssertionError, match="another host"):
        check_fragment(html)


def test_check_fragment_lets_links_go_anywhere():
    """Following a link is the reader's choice: a@href, also inside SVG, may point at any host."""
    check_fragment(
        '<a href="https://example.org/x">x</a> <a href="//example.org/y">y</a>'
        '<svg xmlns:xlink="http://www.w3.org/1999/xlink"><a xlink:href="https://example.org/z"><text>z</text></a></svg>'
    )


@settings(
    max_examples=2,
    deadline=None,
    derandomize=True,
    phases=[Phase.explicit, Phase.generate],  # a build and an EPUBCheck run per example: no shrinking
    suppress_health_check=list(HealthCheck),
)
@given(generated=st.lists(documents, min_size=6, max_size=6))
def test_nasty_documents_make_an_epub_that_epubcheck_accepts(generated):
    """The slow one: a real book of hostile articles, checked by EPUBCheck itself."""
    with tempfile.TemporaryDirectory(prefix="xhtml-epub-") as tmp:
        source = Path(tmp) / "src"
        source.mkdir()
        (source / "packager.toml").write_text('[book]\ntitle = "Nasty"\n\n[output]\nformats = ["epub"]\n')
        (source / "pic.png").write_bytes(PNG)
        golden = [p.read_text(encoding="utf-8") for p in sorted(CASES.glob("*/input/**/*.md"))]
        for i, text in enumerate([*NASTY, *golden, *generated]):
            (source / f"doc-{i:02}.md").write_text(f"# Doc {i}\n\n{text}\n", encoding="utf-8", errors="replace")
        result = build_into(source, Path(tmp) / "dist")
        assert epubcheck_problems(book_file(result, ".epub")) == []
        assert remote_resources(book_file(result, ".epub")) == []  # the whole book, style sheet and OPF too
