"""The CommonMark 0.31.2 examples and GFM 0.29's extension examples, through the default Markdown reader.

The examples are vendored in tests/spec/ (CC-BY-SA 4.0; README.md there says where from and how). Each runs
through what makes an article's content in a book: the CommonMark reader with the default dialect's plugins,
then the sanitiser (``xhtml.sanitise`` and ``xhtml.serialise``). What comes out is compared with the spec's
HTML after both are brought to one canonical form, in the spirit of the CommonMark project's own test
normaliser (test/normalize.py), and nothing more:

- Both are parsed as HTML fragments by lxml.html, so entity and character references are resolved, tag names
  are lower case, ``<br />`` and ``<br>`` are one element, and an end tag the HTML leaves out is implied.
  A declaration (``<!DOCTYPE html>``), which the parser drops in a fragment, is kept as a comment.
- ``<tbody>`` is unwrapped on both sides: the sanitiser's HTML5 parser puts the rows of a raw ``<table>`` in
  one, as browsers do, and ``<table><tr>`` and ``<table><tbody><tr>`` are the same table.
- A header cell's ``scope`` is dropped on packager's side: it is added to every ``th`` for screen readers (and the PDF's /Scope).
- Whitespace as normalize.py treats it: outside ``<pre>``, runs of HTML whitespace (spaces, tabs, line
  breaks; a no-break space is text) become one space, whitespace next to the start or end of a block-level
  element goes, and a line break just after ``<br>`` goes. Inside ``<pre>`` every character counts.
- Attributes are compared sorted by name, with their values (entities resolved); boolean attributes
  (``checked``, ``disabled`` and the rest) by presence, so ``disabled=""`` and ``disabled="disabled"`` agree.
- ``class`` attributes are ignored on both sides: packager adds classes for its stylesheets (task-list,
  footnote, highlight), and the spec's ``language-x`` class on a fenced block's ``<code>`` is dropped with them.
- Pygments highlighting is undone: ``<div class="highlight"><pre><span></span><code>`` with spans inside is
  compared as ``<pre><code>`` holding the code's text, which must be exactly the spec's.
- A task-list mark, which the sanitiser writes as ``<span class="task-mark">◻ </span>`` (``☑`` when ticked)
  because a book cannot hold a form control, is compared as GFM's ``<input type="checkbox" disabled>``
  (``checked`` when ticked); whitespace after a checkbox is ignored.
- A table cell's ``style="text-align: x"`` (EPUB's XHTML has no ``align`` attribute) is compared as GFM's
  ``align="x"``.

Anything else that differs is a difference. Every difference is listed below with its reason: the sanitiser
changing something on purpose (SANITISED: raw HTML it does not allow, comments, empty links, unsafe URLs), a
plugin packager enables on purpose reading the text otherwise (PLUGINS), or a known reader bug, reported and
not yet fixed (READER_BUGS); GFM_DIFFERENCES likewise for the GFM examples. The tests assert that exactly the
listed examples differ, so a new difference fails them, and so does one that went away. Of the CommonMark
examples the sanitiser and the plugins leave alone, at least 98% must come out as the spec has them.
``pytest -s`` prints the figures per section.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest
from lxml import etree
from lxml import html as lxml_html

from packager.content import xhtml
from packager.content.readers import reader_for
from packager.project.dialect import MarkdownDialect

SPEC = Path(__file__).parent / "spec"

COMMENT = "a raw HTML comment: the sanitiser strips comments"
SCRIPT = "<script> removed with its content"
STYLE = "<style> removed with its content"
BOGUS_COMMENT = "HTML reads it as a bogus comment, which the sanitiser strips"
EMPTY_LINK = "a raw <a href> with nothing in it before the paragraph ends: the sanitiser drops empty links"
EMPTY_HREF = 'href="": the sanitiser drops empty attribute values, so the <a> keeps its text but no target'
SCHEME = "a URL scheme not on the allow-list (http, https, mailto): the sanitiser removes the href"
UNTERMINATED = "the HTML ends inside a tag: the sanitiser's HTML5 parser drops it; lxml's keeps a mangled <div>"


def unknown(*tags: str) -> str:
    return f"{', '.join(tags)} not on the allow-list: the tag goes, its text stays"


#: (a) The sanitiser changes these on purpose: a book holds only safe, valid XHTML.
SANITISED: dict[int, str] = {
    21: EMPTY_LINK,
    31: EMPTY_LINK,
    148: "a raw <pre> holding a paragraph: the HTML5 parser drops the newline after <pre>, the repair unwraps the <p>",
    150: unknown("<foo>") + "; the empty <a> in it is dropped",
    156: UNTERMINATED,
    157: UNTERMINATED,
    158: UNTERMINATED,
    163: unknown("<Warning>"),
    169: "the attribute language is not on the allow-list",
    170: SCRIPT,
    171: "<textarea> removed with its content: a book holds no form controls",
    172: STYLE,
    173: STYLE,
    174: "a raw <div> left open in a block quote: the HTML5 parser closes it with the quote, as browsers do",
    175: "a raw <div> left open in a list item: the HTML5 parser closes it with the item, as browsers do",
    176: STYLE,
    177: COMMENT,
    178: SCRIPT,
    179: COMMENT,
    180: "a processing instruction: " + BOGUS_COMMENT + " (up to its first >, as in the spec's HTML)",
    181: "a <!DOCTYPE> declaration: removed",
    182: "a CDATA section: " + BOGUS_COMMENT,
    183: COMMENT,
    191: "a <pre> in a raw <tr>: the HTML5 parser moves it out of the table (foster parenting), as browsers do",
    200: EMPTY_HREF,
    201: unknown("<bar>"),
    308: COMMENT,
    309: COMMENT,
    476: EMPTY_LINK,
    477: EMPTY_LINK,
    484: "a link with no text: the sanitiser drops empty links",
    485: EMPTY_HREF,
    486: EMPTY_HREF,
    487: "a link with no text and no target: dropped",
    491: unknown("<foo>"),
    494: "a raw <b> left open: the HTML5 parser reopens it after the paragraph, as browsers do (a <b> of whitespace)",
    524: unknown("<bar>"),
    536: unknown("<bar>"),
    567: EMPTY_HREF,
    596: SCHEME,
    598: SCHEME,
    599: SCHEME,
    601: SCHEME,
    613: unknown("<bab>", "<c2c>") + "; the empty <a> is dropped",
    614: unknown("<b2>") + "; the empty <a> is dropped",
    615: unknown("<b2>") + "; the empty <a> is dropped",
    616: "attributes not on the allow-list (foo, bam, _boolean, zoop:33) go, then the empty <a>",
    617: unknown("<responsive-image>"),
    623: "stray end tags </a></foo>: nothing is left, and the empty paragraph is dropped",
    625: COMMENT,
    626: COMMENT,
    627: "a processing instruction: " + BOGUS_COMMENT,
    628: "a declaration (<!ELEMENT …>): removed",
    629: "a CDATA section: " + BOGUS_COMMENT + " (up to its first >, as in the spec's HTML)",
    630: EMPTY_LINK,
    631: EMPTY_LINK,
    642: EMPTY_LINK,
    643: EMPTY_LINK,
}

#: (b) A plugin the default dialect enables reads these otherwise than plain CommonMark does.
PLUGINS: dict[int, str] = {
    608: "GFM autolinks: https://foo.bar between spaces is a link",
    611: "GFM autolinks: a bare https:// URL is a link",
    612: "GFM autolinks: a bare e-mail address is a link",
}


#: (c) Reader bugs: reported, not yet fixed. Fixing one fails this test until it is taken off the list.
READER_BUGS: dict[int, str] = {}

#: The GFM extension examples that differ: on purpose, or a bug.
GFM_DIFFERENCES: dict[int, str] = {
    628: "on purpose: ftp://foo.bar.baz is no link; the plugin links no ftp:// URL, and the sanitiser allows none",
}

PASS_RATE = 0.98

# normalize.py's block-level tags: whitespace next to them does not count.
BLOCK = {
    *("article", "header", "aside", "hgroup", "blockquote", "hr", "iframe", "body", "li", "map", "button"),
    *("object", "canvas", "ol", "caption", "output", "col", "p", "colgroup", "pre", "dd", "progress", "div"),
    *("section", "dl", "table", "td", "dt", "tbody", "embed", "textarea", "fieldset", "tfoot", "figcaption"),
    *("th", "figure", "thead", "footer", "tr", "form", "ul", "h1", "h2", "h3", "h4", "h5", "h6", "video"),
    *("script", "style"),
}
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"}
BOOLEAN = {"checked", "disabled", "selected", "open", "reversed", "hidden", "multiple", "readonly", "required"}
_DECLARATION = re.compile(r"<!([A-Za-z][^>]*)>")
WHITESPACE = " \t\n\r\f"  # HTML's: a no-break space is text
_WHITESPACE = re.compile(f"[{WHITESPACE}]+")
_ALIGNMENT = re.compile(r"\s*text-align:\s*(left|right|center)\s*;?\s*")
_MARKS = {"\u25fb": False, "\u2611": True}


def load(name: str) -> list[dict]:
    return json.loads((SPEC / name).read_text(encoding="utf-8"))["examples"]


def book_html(reader, markdown: str) -> str:
    """What the book holds for this Markdown: read, sanitised, serialised."""
    return xhtml.serialise(xhtml.sanitise(reader.to_html(markdown)))


def differences(reader, examples: list[dict]) -> dict[int, tuple[str, str]]:
    """The examples whose book HTML differs from the spec's: number -> (packager's, the spec's), canonical."""
    found = {}
    for example in examples:
        got, expected = canonical(book_html(reader, example["markdown"])), canonical(example["html"])
        if got != expected:
            found[example["example"]] = (got, expected)
    return found


def canonical(fragment: str) -> str:
    """One HTML fragment in the canonical form the module docstring describes."""
    root = lxml_html.fragment_fromstring(_DECLARATION.sub(r"<!--!\1-->", fragment), create_parent="div")
    _undo_highlighting(root)
    for tbody in list(root.iter("tbody")):
        tbody.drop_tag()
    for th in root.iter("th"):  # packager adds scope to every header cell (screen readers, PDF /Scope)
        th.attrib.pop("scope", None)
    _checkboxes(root)
    _alignment(root)
    writer = _Writer()
    writer.children(root)
    return writer.output.strip(WHITESPACE)


def _undo_highlighting(root) -> None:
    for div in list(root.iter("div")):
        pre = div.find("pre")
        if "highlight" not in (div.get("class") or "").split() or pre is None or pre.find("code") is None:
            continue
        code = pre.find("code")
        code.text = "".join(code.itertext())
        for child in list(code):
            code.remove(child)
        for child in list(pre):
            if child is not code:
                pre.remove(child)  # the empty <span></span> Pygments writes before the code
        pre.text, pre.tail = None, div.tail
        div.getparent().replace(div, pre)


def _checkboxes(root) -> None:
    for span in list(root.iter("span")):
        text = (span.text or "").strip()
        if "task-mark" in (span.get("class") or "").split() and text in _MARKS and not len(span):
            checkbox = etree.Element("input", {"type": "checkbox", "disabled": ""})
            if _MARKS[text]:
                checkbox.set("checked", "")
            checkbox.tail = span.tail
            span.getparent().replace(span, checkbox)


def _alignment(root) -> None:
    for cell in root.iter("th", "td"):
        match = _ALIGNMENT.fullmatch(cell.get("style") or "")
        if match:
            del cell.attrib["style"]
            cell.set("align", match.group(1))


class _Writer:
    """normalize.py's whitespace rules, walking a tree instead of a stream of tags."""

    def __init__(self):
        self.output, self.last, self.last_tag, self.in_pre = "", "starttag", "", False

    def children(self, el) -> None:
        if el.text:
            self.data(el.text)
        for child in el:
            if child.tag is etree.Comment:
                self.output += f"<!--{child.text or ''}-->"
                self.last = "comment"
            elif child.tag is etree.ProcessingInstruction:
                self.output += f"<?{child.target} {child.text or ''}?>"
                self.last = "pi"
            else:
                self.element(child)
            if child.tail:
                self.data(child.tail)

    def element(self, el) -> None:
        tag = el.tag
        if tag == "pre":
            self.in_pre = True
        if tag in BLOCK:
            self.output = self.output.rstrip(WHITESPACE)
        self.output += f"<{tag}{_attributes(el)}>"
        self.last_tag, self.last = tag, "starttag"
        if tag in VOID:
            self.last = "endtag"
            return
        self.children(el)
        if tag == "pre":
            self.in_pre = False
        elif tag in BLOCK:
            self.output = self.output.rstrip(WHITESPACE)
        self.output += f"</{tag}>"
        self.last_tag, self.last = tag, "endtag"

    def data(self, text: str) -> None:
        after_tag = self.last in ("starttag", "endtag")
        if after_tag and self.last_tag == "br":
            text = text.lstrip("\n")
        if not self.in_pre:
            text = _WHITESPACE.sub(" ", text)
            if after_tag and self.last_tag in BLOCK:
                text = text.lstrip(WHITESPACE) if self.last == "starttag" else text.strip(WHITESPACE)
            elif after_tag and self.last_tag == "input":
                text = text.lstrip(WHITESPACE)  # after a task-list checkbox
        self.output += xhtml.escape(text)
        self.last = "data"


def _attributes(el) -> str:
    pairs = sorted((name, "" if name in BOOLEAN else value) for name, value in el.attrib.items() if name != "class")
    return "".join(f' {name}="{xhtml.escape(value).replace(chr(34), "&quot;")}"' for name, value in pairs)


# The harness: built once.


@pytest.fixture(scope="module")
def reader():
    return reader_for(MarkdownDialect())


@pytest.fixture(scope="module")
def commonmark_examples() -> list[dict]:
    return load("commonmark-0.31.2.json")


@pytest.fixture(scope="module")
def gfm_examples() -> list[dict]:
    return load("gfm-0.29-extensions.json")


@pytest.fixture(scope="module")
def commonmark_differences(reader, commonmark_examples):
    return differences(reader, commonmark_examples)


@pytest.fixture(scope="module")
def gfm_differences(reader, gfm_examples):
    return differences(reader, gfm_examples)


def figures(examples: list[dict], found: dict[int, tuple[str, str]]) -> str:
    """Per section, in the spec's order, then overall: passed/total, and what the rest are."""
    rows: dict[str, Counter] = {}
    for example in examples:
        row = rows.setdefault(example["section"], Counter())
        row["total"] += 1
        row[_kind(example["example"]) if example["example"] in found else "passed"] += 1
    rows["overall"] = sum(rows.values(), Counter())
    lines = ["passed/total  sanitised plugin bug  section"]
    for section, row in rows.items():
        kinds = f"{row['sanitised'] or '':>9} {row['plugin'] or '':>6} {row['bug'] or '':>3}"
        lines.append(f"{row['passed']:6}/{row['total']:<5} {kinds}  {section}")
    return "\n".join(lines)


def _kind(number: int) -> str:
    return "sanitised" if number in SANITISED else "plugin" if number in PLUGINS else "bug"


def _report(found: dict[int, tuple[str, str]], numbers) -> str:
    return "\n".join(f"example {n}:\n  packager: {found[n][0]!r}\n  spec:     {found[n][1]!r}" for n in sorted(numbers))


# The tests.


def test_the_vendored_examples_are_the_specs(commonmark_examples, gfm_examples):
    assert [e["example"] for e in commonmark_examples] == list(range(1, 653))
    assert Counter(e["extension"] for e in gfm_examples) == {
        "table": 8,
        "tasklist": 2,
        "strikethrough": 2,
        "autolink": 11,
        "tagfilter": 1,
    }
    for name in ("commonmark-0.31.2.json", "gfm-0.29-extensions.json"):
        assert json.loads((SPEC / name).read_text(encoding="utf-8"))["licence"] == "CC-BY-SA-4.0"


def test_the_lists_do_not_overlap():
    assert not SANITISED.keys() & PLUGINS.keys()
    assert not (SANITISED.keys() | PLUGINS.keys()) & READER_BUGS.keys()


def test_commonmark_examples_differ_exactly_where_listed(commonmark_differences):
    listed = SANITISED.keys() | PLUGINS.keys() | READER_BUGS.keys()
    new = commonmark_differences.keys() - listed
    gone = listed - commonmark_differences.keys()
    assert not new and not gone, (
        f"differences no list names: {sorted(new)}\n{_report(commonmark_differences, new)}\n"
        f"listed, but now as the spec has them (take them off the list): {sorted(gone)}"
    )


def test_commonmark_pass_rate(commonmark_examples, commonmark_differences):
    """At least 98% of the examples the sanitiser and the plugins leave alone pass: the reader's own share."""
    table = figures(commonmark_examples, commonmark_differences)
    print(f"\nCommonMark 0.31.2 through the default reader and the sanitiser:\n{table}")
    on_purpose = SANITISED.keys() | PLUGINS.keys()
    judged = [e for e in commonmark_examples if e["example"] not in on_purpose]
    passed = [e for e in judged if e["example"] not in commonmark_differences]
    assert len(passed) / len(judged) >= PASS_RATE, table


def _gfm_passed(gfm_examples, gfm_differences) -> Counter:
    return Counter(e["extension"] for e in gfm_examples if e["example"] not in gfm_differences)


def test_gfm_extension_examples(gfm_examples, gfm_differences):
    totals, passed = Counter(e["extension"] for e in gfm_examples), _gfm_passed(gfm_examples, gfm_differences)
    print("\nGFM 0.29 extensions:\n" + "\n".join(f"{passed[x]:4}/{totals[x]:<4} {x}" for x in totals))
    assert gfm_differences.keys() == GFM_DIFFERENCES.keys(), _report(gfm_differences, gfm_differences)
    assert (passed["table"], passed["tasklist"], passed["strikethrough"]) == (8, 2, 2)


def test_gfm_autolinks_pass_but_one(gfm_examples, gfm_differences):
    assert _gfm_passed(gfm_examples, gfm_differences)["autolink"] >= 10
