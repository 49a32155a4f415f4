"""The myst-book corpus (Jupyter Book 1's own documentation) builds as Jupyter Book shows it.

../shared/corpora/myst-book.SOURCE.md lists what is there. The uses are
counted from the corpus itself, through the preprocessing lexer, so that
syntax shown inside code is never counted. Built once per session, EPUB and PDF.
"""

from __future__ import annotations

import re
import zipfile
from collections import Counter

import pytest
import test_corpora as corpora
from lxml import etree
from site_outline import book_nesting, book_order, nav_nesting
from site_outline import read_order as expected_order

from packager.book.model import Person
from packager.content.markdown import _id_safe
from packager.content.preprocess.lexer import Lexer
from packager.content.preprocess.myst import directive_options, renders_markdown
from packager.content.preprocess.myst_refs import split_titled
from packager.diagnostics import Diagnostics
from packager.project import config, sources

from conftest import TESTS, book_file, build_into, corpus
from validators import ace_serious, epubcheck_problems, pdf_outline, pdfinfo

XHTML = "http://www.w3.org/1999/xhtml"
MATHML = "http://www.w3.org/1998/Math/MathML"

#: Every kind of warning the corpus may print, with the pattern of its message: the other corpora's where they agree.
SHARED = ("link to a page not in the book", "remote image not fetched", "missing image", "image without alt text")
CHOSEN = {kind: corpora.CHOSEN[kind] for kind in SHARED} | {
    "directive that cannot run": r"^MyST directive \{[\w:.-]+\} cannot run in a book: ",
    "Jinja expression in a substitution": r"^MyST substitution cannot run in a book: \{\{ .+ \}\} left as text",
    "reference to a label not in the book": r"^MyST reference \{\w+\}`.*`: no [\w ]+ '.*' in this book",
    "articles without author": corpora.CHOSEN["articles without author"],
    "no base_url for share links": corpora.CHOSEN["no base_url for share links"],
    # _toc.yml names 3 notebooks and an R Markdown file: not articles, one warning each (the Jupyter Book profile).
    "non-Markdown pages left out": r"^'[\w/.-]+' is [\w/.-]+, not Markdown: packager reads Markdown pages only",
}
#: The book's order, derived by hand from the corpus's _toc.yml.
ORDER = TESTS / "cases" / "sites" / "myst-book.order"
_LABELLED_MATHS = re.compile(r"\s*\$\$\s*\((?P<label>[^()\s]+)\)\s*$")
_LEFT_OVER = re.compile(r"\$\$|\{ref\}|\{numref\}|\{eq\}|\{term\}|^\s*\([\w/:.-]+\)=", re.M)


def kind_of(message: str) -> str | None:
    return next((kind for kind, pattern in CHOSEN.items() if re.search(pattern, message)), None)


@pytest.fixture(scope="session")
def myst_build(tmp_path_factory):
    """The myst-book corpus, both books built once for the session."""
    return build_into(corpus("myst-book"), tmp_path_factory.mktemp("myst") / "dist", formats=("epub", "pdf"))


def _uses(text: str, tokens, labels: dict, roles: list) -> None:
    """The labels a page defines and the reference roles it uses, outside code."""
    for token in tokens:
        if token.kind == "target":
            labels.setdefault(token.data["label"].lower(), token.data["label"])
        elif token.kind == "role":
            roles.append((token.data["name"].lower(), token.data["content"]))
        elif token.kind == "text":
            for line in text[token.start : token.end].split("\n"):
                match = _LABELLED_MATHS.match(line)
                if match:
                    labels.setdefault(match.group("label").lower(), match.group("label"))
        elif token.kind == "directive":
            options, body = directive_options(text, *token.data["body"])
            named = [options.get("name"), options.get("label")]
            if token.data["name"] == "figure-md":
                named.append(token.data["arg"])
            for label in filter(None, named):
                labels.setdefault(label.lower(), label)
            if renders_markdown(token.data["name"], token.data["fence"]):
                _uses(text, Lexer(text, myst=True).tokens(body, token.data["body"][1]), labels, roles)


@pytest.fixture(scope="session")
def corpus_uses():
    """Per article: the labels it defines and the roles it uses; found with the lexer in the corpus's own text."""
    source = corpus("myst-book")
    files = sources.discover(source, config.load(source), None, Diagnostics())
    found = {}
    for f in files:
        labels, roles = {}, []
        _uses(f.body, Lexer(f.body, myst=True).tokens(0, len(f.body)), labels, roles)
        found[f.rel] = (labels, roles)
    return found


def text_outside_code(root) -> str:
    return "".join(root.xpath('//text()[not(ancestor::*[local-name()="pre" or local-name()="code"])]'))


def epub_pages(result):
    with zipfile.ZipFile(book_file(result, ".epub")) as epub:
        for name in sorted(n for n in epub.namelist() if n.endswith(".xhtml")):
            yield name, etree.fromstring(epub.read(name))


def test_every_reference_to_a_label_of_the_book_resolves(myst_build, corpus_uses):
    owner = {label: (rel, anchor) for rel, (labels, _) in corpus_uses.items() for label, anchor in labels.items()}
    slugs = {a.source: a.slug for a in myst_build.book.articles}
    all_ids = set(slugs.values()).union(*(a.ids for a in myst_build.book.articles))
    counts = Counter()
    for article in (a for a in myst_build.book.articles if a.source in corpus_uses):  # not the Credits
        root = etree.fromstring(f'<div xmlns="{XHTML}">{article.html}</div>'.encode())
        hrefs = {a.get("href") for a in root.iter(f"{{{XHTML}}}a")}
        for role, content in corpus_uses[article.source][1]:
            label = split_titled(content)[1].lower()
            if role not in ("ref", "numref", "eq"):
                continue
            counts[role, "used"] += 1
            if label not in owner:
                continue
            counts[role, "defined"] += 1
            rel, anchor = owner[label]
            href = f"#{slugs[rel]}--{_id_safe(anchor)}"
            assert href in hrefs and href[1:] in all_ids, (article.source, role, content)
            counts[role, "resolved"] += 1
    # What the book shows (outside code, % comments and the directives shown as code, such as list-table): 20 {ref},
    # of which only genindex (Sphinx's generated index page) names no label here; 10 {numref}; 3 {eq}.
    # (myst-book.SOURCE.md counts 31, 18 and 6, with the uses inside directives the book shows as code.)
    assert (counts["ref", "used"], counts["ref", "resolved"]) == (20, 19)
    assert counts["numref", "resolved"] == counts["numref", "used"] == 10
    assert counts["eq", "resolved"] == counts["eq", "used"] == 3


def test_no_myst_syntax_is_left_in_the_text(myst_build):
    for name, root in epub_pages(myst_build):
        assert _LEFT_OVER.findall(text_outside_code(root)) == [], name


def test_myst_book_epubcheck_finds_nothing(myst_build):
    assert epubcheck_problems(book_file(myst_build, ".epub")) == []


def test_myst_book_ace_finds_no_serious_issue(myst_build):
    assert ace_serious(book_file(myst_build, ".epub")) == []


def test_every_myst_book_warning_is_one_we_chose(myst_build):
    unchosen = [str(w) for w in myst_build.diagnostics.warnings if kind_of(w.message) is None]
    assert unchosen == []
    kinds = Counter(kind_of(w.message) for w in myst_build.diagnostics.warnings)
    # sd:index (an intersphinx page) and genindex (Sphinx's index page) are not in any book.
    assert kinds["reference to a label not in the book"] == 2
    assert kinds["non-Markdown pages left out"] == 4
    assert {w.line for w in myst_build.diagnostics.warnings if w.path == "_toc.yml"} == {25, 27, 50, 66}


# --- Read as a Jupyter Book: the order, the parts and the metadata of _toc.yml and _config.yml ----------------------


def test_myst_book_is_read_as_a_jupyter_book_in_its_toc_order(myst_build):
    assert myst_build.summary["read_as"] == [
        "read as a Jupyter Book (_toc.yml): 64 pages in toc order, 5 left out",
        "  _toc.yml:95: external link left out of the book: Gallery of Jupyter Books "
        "(https://executablebooks.org/en/latest/gallery)",
        "licence BSD-3-Clause, recognised in LICENSE",
    ]
    assert book_order(myst_build.book) == expected_order(ORDER)
    titles = {a.source: a.title for a in myst_build.book.articles}
    assert titles["reference/_changelog.md"] == "Change log"  # the toc's title override


def test_myst_book_nav_and_pdf_outline_nest_as_its_toc(myst_build):
    book = myst_build.book
    assert nav_nesting(book_file(myst_build, ".epub")) == book_nesting(book)
    # Each part and article is a bookmark at its depth (levels from 1), in book order; its headings nest below it.
    outline = iter(pdf_outline(book_file(myst_build, ".pdf")))
    wanted = [(a.depth + 1, a.title) for a in book.articles if a.kind != "share"]
    assert [entry for entry in wanted if entry not in (bookmark[:2] for bookmark in outline)] == []


def test_myst_book_metadata_comes_from_its_config(myst_build):
    book = myst_build.book
    # _config.yml's title is "", and it states no copyright: the book's own rules give the title.
    assert (book.authors, book.copyright, book.language) == ((Person("The Jupyter Book Community"),), None, "en")
    assert book.description == "This is an example book built with Jupyter Books."
    assert (book.repository, book.base_url) == (
        "https://github.com/executablebooks/jupyter-book",
        "https://jupyterbook.org/",
    )


def test_myst_book_pdf_is_tagged(myst_build):
    assert pdfinfo(book_file(myst_build, ".pdf"))["Tagged"] == "yes"


# --- Maths: these fail until the maths branch (MathML in the EPUB, SVG in the PDF) is merged into main. ----------


#: How many formulas the book shows (outside code and the directives shown as code): 3 {math} and $$ (label)
#: displays, 2 amsmath environments, $$ blocks and $…$ spans, some twice (an {example}'s source, then its result).
FORMULAS = 11


def _epub_formulas(result) -> list[str]:
    """The alttext of every MathML formula in the EPUB, in book order."""
    return [m.get("alttext") or "" for _, root in epub_pages(result) for m in root.iter(f"{{{MATHML}}}math")]


def test_every_maths_span_and_block_is_mathml_in_the_epub(myst_build):
    """MATHS BRANCH: every formula is <math> with its TeX as alttext; no TeX is left as text, none failed."""
    formulas = _epub_formulas(myst_build)
    assert len(formulas) >= FORMULAS and all(alt.strip() for alt in formulas)
    for name, root in epub_pages(myst_build):
        text = text_outside_code(root)
        assert "\\(" not in text and "\\[" not in text and "\\begin{" not in text, name
        assert root.xpath('//*[contains(@class, "math-error")]') == [], name


def test_every_maths_span_and_block_is_an_image_with_alt_text_in_the_pdf(myst_build):
    """MATHS BRANCH: in the tagged PDF each formula is drawn (SVG) as a /Formula or /Figure whose /Alt is its TeX."""
    import pikepdf

    alts = []
    with pikepdf.open(book_file(myst_build, ".pdf")) as pdf:
        todo = [pdf.Root.StructTreeRoot]
        while todo:
            node = todo.pop()
            if isinstance(node, pikepdf.Array):
                todo.extend(node)
                continue
            if not isinstance(node, pikepdf.Dictionary):
                continue
            if str(node.get("/S")) in ("/Formula", "/Figure") and "/Alt" in node:
                alts.append(" ".join(str(node.Alt).split()))
            if "/K" in node:
                todo.append(node.K)
    formulas = [" ".join(tex.split()) for tex in _epub_formulas(myst_build)]
    assert len(formulas) >= FORMULAS
    assert [tex for tex in formulas if tex not in alts] == []
