"""The real-world corpora build cleanly: EPUBCheck finds nothing, and every warning printed is one we chose.

../shared/corpora/hugo-docs (Hugo shortcodes, GitHub alerts, links to pages
left out, missing images), ../shared/corpora/opensource-guide (raw HTML,
forms, remote avatars) and ../shared/corpora/mkdocs-site (Material for MkDocs:
Python-Markdown with its mkdocs.yml's extensions); their *.SOURCE.md files list
what a tool meets there. Each is built once per session; the Hugo one takes a while.
"""

from __future__ import annotations

import re
import zipfile
from collections import Counter

import pytest
from lxml import etree

from packager.diagnostics import Diagnostics
from packager.project import config as config_module
from packager.project import dialect, mkdocs, mkdocs_config

from conftest import book_file, corpus
from validators import ace_serious, epubcheck_problems, pdfinfo, qpdf_check

XHTML = "http://www.w3.org/1999/xhtml"

#: Every kind of warning a corpus may print, with the pattern of its message.
CHOSEN = {
    "remote image not fetched": r"remote image \S+ is not fetched",
    "missing image": r"image \S+ not found \(looked for ",
    "image type differs from its name": r"image \S+ is really image/\w+",
    "link to a page not in the book": r"link \S+ does not point at an article in this book",
    "link to an anchor not in the book": r"link to #\S+: no such heading or anchor",
    "shortcode that cannot run": r"Hugo shortcode '[\w./-]+' cannot run in a book: ",
    "image without alt text": r"image\(s\) have no alt text",
    "articles without author": r"article\(s\) name no author",
    "no base_url for share links": r"no \[book\] base_url",
    "link to an anchor a site's script makes": r"link to #__.+ has no target",
    "formula the converter cannot read": r'maths ".+" could not be read: ',  # hugo-docs: mhchem's \ce
    "page not in the site's navigation": r"not in \S+'s navigation, left out of the book",  # mkdocs-site: 2 blog posts
}


def kind_of(message: str) -> str | None:
    return next((kind for kind, pattern in CHOSEN.items() if re.search(pattern, message)), None)


@pytest.fixture(params=["hugo_build", "guide_build", "mkdocs_build"])
def corpus_build(request):
    return request.getfixturevalue(request.param)


def text_outside_code(html: str) -> str:
    root = etree.fromstring(f'<div xmlns="{XHTML}">{html}</div>'.encode())
    return "".join(root.xpath('//text()[not(ancestor::*[local-name()="pre" or local-name()="code"])]'))


def test_epubcheck_finds_nothing(corpus_build):
    assert epubcheck_problems(book_file(corpus_build, ".epub")) == []


def test_every_warning_is_one_we_chose(corpus_build):
    unchosen = [str(w) for w in corpus_build.diagnostics.warnings if kind_of(w.message) is None]
    assert unchosen == []


def test_hugo_warnings_by_kind(hugo_build):
    kinds = Counter(kind_of(w.message) for w in hugo_build.diagnostics.warnings)
    assert {
        "missing image",
        "link to a page not in the book",
        "link to an anchor not in the book",
        "shortcode that cannot run",
    } <= set(kinds)
    # 14 references to the 12 images removed from the corpus; the 2 anchors live in snippets left out of it.
    assert kinds["missing image"] == 14
    assert kinds["link to an anchor not in the book"] == 2
    assert kinds["formula the converter cannot read"] == 2  # \ce{…} (mhchem), shown as code
    assert "remote image not fetched" not in kinds  # youtube and qr are links and text, never fetched


def test_each_shortcode_is_reported_once_per_file_with_its_line(hugo_build):
    seen = Counter()
    for warning in hugo_build.diagnostics.warnings:
        match = re.match(r"Hugo shortcode '([\w./-]+)'", warning.message)
        if match:
            assert warning.line, warning
            seen[(warning.path, match.group(1))] += 1
    assert seen and max(seen.values()) == 1
    handled = {"figure", "img", "highlight", "details", "new-in", "deprecated-in", "youtube", "qr"}
    assert not handled & {name for _, name in seen}
    # code-toggle is reported only where it reads the site's configuration (config=…), never when it has a body.
    for warning in hugo_build.diagnostics.warnings:
        if "'code-toggle'" in warning.message:
            assert "it shows the site's own settings" in warning.message


def test_no_shortcode_or_alert_marker_is_left_in_the_text(hugo_build):
    for article in hugo_build.book.articles:
        text = text_outside_code(article.html)
        for marker in ("{{<", "{{%", ">}}", "%}}", "[!NOTE]", "[!TIP]", "[!IMPORTANT]", "[!WARNING]", "[!CAUTION]"):
            assert marker not in text, (article.source, marker)


def test_alerts_became_admonitions(hugo_build):
    html = "".join(a.html for a in hugo_build.book.articles)
    counts = Counter(re.findall(r'class="admonition (\w+)"', html))
    # 63 alerts in the corpus (57 NOTE, 2 IMPORTANT, 2 CAUTION, 1 WARNING, 1 TIP) and 2 paired new-in/deprecated-in.
    assert counts["note"] >= 57 and counts["important"] == 2 and counts["caution"] == 2 and counts["tip"] == 1
    assert counts["warning"] == 1 + 1


def test_hugo_pdf_is_tagged(hugo_build):
    assert pdfinfo(book_file(hugo_build, ".pdf"))["Tagged"] == "yes"


# --- mkdocs-site: Python-Markdown with the mkdocs.yml's extensions ----------------------------------------------

_FENCE = re.compile(r"^(\s*)(`{3,}|~{3,})")
#: A block's first line outside code, in the sources; a definition (":   ") may hold one.
MKDOCS_BLOCKS = {
    "admonition": re.compile(r"^\s*(?::\s+)?!!!\s"),
    "collapsible": re.compile(r"^\s*(?::\s+)?\?\?\?\+?\s"),
    "content tab": re.compile(r'^\s*(?::\s+)?===[+!]?\s+"'),
    "definition": re.compile(r"^\s*:\s+\S"),
}
#: The element each block becomes (admonitions are div or aside, collapsibles details).
MKDOCS_ELEMENTS = {
    "admonition": '//*[contains(concat(" ", @class, " "), " admonition ") and not(self::h:details)]',
    "collapsible": "//h:details",
    "content tab": '//h:div[contains(concat(" ", @class, " "), " tabbed-content ")]',
    "definition": "//h:dl/h:dd",
}
_HEADING_ID = re.compile(r"^#{1,6} .*\{[^}]*?#([\w.:-]+)[^}]*\}\s*$")
_ATTRIBUTE_LIST = re.compile(r"\{:?\s*(?:[.#][\w-]+|[\w-]+=)[^{}]*\}")
_ICON = re.compile(r":[\w-]+:$")


def live_lines(text: str):
    """The lines of Markdown outside fenced code: what the reader turns into structure."""
    fence = None  # (indent, marker) of the open fence
    for line in text.splitlines():
        match = _FENCE.match(line)
        if fence is None:
            if match:
                fence = (len(match.group(1)), match.group(2))
            else:
                yield line
        elif (
            match
            and match.group(2)[0] == fence[1][0]
            and len(match.group(2)) >= len(fence[1])
            and len(match.group(1)) <= fence[0] + 3
            and not line[match.end() :].strip()
        ):
            fence = None


def article_root(html: str):
    return etree.fromstring(f'<div xmlns="{XHTML}">{html}</div>'.encode())


def mkdocs_pages(result):
    """The articles read from the corpus's Markdown files, each with its source text."""
    source = corpus("mkdocs-site")
    for article in result.book.articles:
        if article.source.endswith(".md"):
            yield article, (source / article.source).read_text(encoding="utf-8")


def test_mkdocs_site_reads_with_its_mkdocs_yml_extensions():
    source = corpus("mkdocs-site").resolve()
    diagnostics = Diagnostics()
    found = dialect.resolve(source, config_module.load(source), diagnostics)
    data, _ = mkdocs_config.load_file(source / "mkdocs.yml", "mkdocs.yml")
    listed = [next(iter(e)) if isinstance(e, dict) else e for e in data["markdown_extensions"]]
    expected = [mkdocs.SAFE_SNIPPETS if name == mkdocs.SNIPPETS else name for name in listed]
    assert (found.reader, found.origin) == (dialect.PYTHON_MARKDOWN, "mkdocs.yml")
    assert [name for name, _ in found.extensions] == list(dict.fromkeys([*mkdocs.MKDOCS_BUILTINS, *expected]))
    assert diagnostics.warnings == []  # every extension it names is installed and fit for a book


def test_mkdocs_site_pdf_is_laid_out_tagged_and_whole(mkdocs_build):
    """WeasyPrint 70 asserted on a footnote where a removed comment left ' \n' at a line break (f674ad1 crashed)."""
    pdf = book_file(mkdocs_build, ".pdf")
    info = pdfinfo(pdf)
    assert info["Tagged"] == "yes"
    assert int(info["Pages"]) > len(mkdocs_build.book.articles)
    code, output = qpdf_check(pdf)
    assert code == 0, output


def test_mkdocs_syntax_is_never_left_literal(mkdocs_build):
    with zipfile.ZipFile(book_file(mkdocs_build, ".epub")) as epub:
        for name in (n for n in epub.namelist() if n.endswith(".xhtml")):
            text = text_outside_code(etree.tostring(etree.fromstring(epub.read(name))).decode())
            for marker in ("!!!", "???", "==="):
                assert marker not in text, (name, marker)


def test_mkdocs_blocks_come_out_as_elements(mkdocs_build):
    seen = Counter()
    for article, text in mkdocs_pages(mkdocs_build):
        lines = list(live_lines(text))
        root = article_root(article.html)
        for kind, pattern in MKDOCS_BLOCKS.items():
            written = sum(1 for line in lines if pattern.match(line))
            assert len(root.xpath(MKDOCS_ELEMENTS[kind], namespaces={"h": XHTML})) == written, (article.source, kind)
            seen[kind] += written
    # mkdocs-site.SOURCE.md counts 98 admonitions, 19 collapsibles, 302 tabs and 66 definitions; 12 more
    # admonitions open a definition (":   !!! note"), and one more starts a line by this count of fences.
    # The blog post mkdocs-2.0.md, which the nav does not name and the book leaves out, holds one of each.
    assert seen == {"admonition": 110, "collapsible": 18, "content tab": 302, "definition": 66}


def test_mkdocs_attribute_lists_are_applied(mkdocs_build):
    ids = 0
    for article, text in mkdocs_pages(mkdocs_build):
        root = article_root(article.html)
        have = {el.get("id").removeprefix(f"{article.slug}--") for el in root.xpath("//*[@id]")}
        for line in live_lines(text):
            match = _HEADING_ID.match(line)
            if match:
                ids += 1
                assert match.group(1) in have or f"{match.group(1)}-2" in have, (article.source, line)
        prose = "".join(
            root.xpath(
                '//text()[not(ancestor::*[local-name()="pre" or local-name()="code"])]'
                '[not(ancestor::*[contains(concat(" ", @class, " "), " arithmatex ")])]'
            )
        )
        for match in _ATTRIBUTE_LIST.finditer(prose):
            # Only after an icon shortcode: Material's icons are not installed, so there is no element to attach to.
            assert _ICON.search(prose[: match.start()].rstrip()), (article.source, match.group(0))
    assert ids == 18
    buttons = "".join(a.html for a in mkdocs_build.book.articles).count('class="md-button md-button--primary"')
    assert buttons == 2  # the two buttons whose link is not javascript: (removed, as every such link is)


def test_mkdocs_snippets_auto_append_resolves_the_site_wide_links(mkdocs_build):
    [page] = [a for a in mkdocs_build.book.articles if a.source == "docs/plugins/blog.md"]
    assert "https://www.mkdocs.org/user-guide/configuration/#docs_dir" in page.html
    for article in mkdocs_build.book.articles:
        assert "][mkdocs" not in text_outside_code(article.html), article.source


def test_mkdocs_site_epub_has_no_serious_accessibility_issue(mkdocs_build):
    """Links in ??? summaries were controls inside a control (axe: nested-interactive) until the repair unwrapped them."""
    assert ace_serious(book_file(mkdocs_build, ".epub")) == []
