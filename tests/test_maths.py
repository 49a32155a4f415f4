"""Maths from the Markdown to the books: MathML in the EPUB, vector drawings tagged /Formula in the PDF.

The fixture book (tests/cases/maths/book) has inline and display maths in the
four notations, an amsmath align, a labelled equation, TeX that tries to link
and to script, and one broken formula. It is built once for the session; the
reading rule and the conversion are tested on their own below it.
"""

from __future__ import annotations

import re
import zipfile

import pikepdf
import pytest
from lxml import etree

from packager.content import markdown, maths
from packager.content.readers.commonmark import CommonMarkReader
from packager.project.dialect import COMMONMARK_PLUGINS, PYTHON_MARKDOWN, MarkdownDialect, flavour
from packager.render.pdf import merge as pdf_merge
from packager.render.pdf import plan

from conftest import TESTS, article_context, book_file, build_into
from validators import ace_serious, epubcheck_problems, pdftoppm_page, pdftotext_pages, pdftotext_words

CASE = TESTS / "cases" / "maths" / "book"
MATH = maths.MATH
XHTML = "{http://www.w3.org/1999/xhtml}"
BROKEN = r"\frac{1}{2"
#: Every formula the fixture holds that can be read, in book order: (document, TeX, displayed).
FORMULAS = [
    ("01-sums.xhtml", "n", False),
    ("01-sums.xhtml", r"\frac{n(n+1)}{2}", False),
    ("01-sums.xhtml", r"\sum_{k=1}^{n} k = \frac{n(n+1)}{2}", True),
    ("01-sums.xhtml", r"\int_0^1 x^2 \, dx = \frac{1}{3}", True),
    (
        "02-aligned.xhtml",
        "\\begin{align}\n(a+b)^2 &= a^2 + 2ab + b^2 \\\\\n(a-b)^2 &= a^2 - 2ab + b^2\n\\end{align}",
        True,
    ),
    ("02-aligned.xhtml", r"e^{i\pi} + 1 = 0", True),
    ("02-aligned.xhtml", r"\mathop{\sum\sum}_{i<j} a_i a_j", True),  # latex2mathml puts an mrow in an <mo>
    ("02-aligned.xhtml", "\\begin{align*}\ns = t + 1\n\\end{align*}", True),  # and columnspacing=""
    ("03-trouble.xhtml", r"\href{javascript:alert(1)}{click}", False),
    ("03-trouble.xhtml", r"\text{<script>alert(2)</script>}", False),
]
WARNING_KIND = "formulas that could not be read"


@pytest.fixture(scope="session")
def maths_build(tmp_path_factory):
    """The fixture book as EPUB and PDF, laid out in one go."""
    return build_into(CASE, tmp_path_factory.mktemp("maths") / "dist", formats=("epub", "pdf"), use_cache=False)


@pytest.fixture(scope="session")
def epub_documents(maths_build) -> dict[str, etree._Element]:
    with zipfile.ZipFile(book_file(maths_build, ".epub")) as z:
        return {
            name.rsplit("/", 1)[-1]: etree.fromstring(z.read(name)) for name in z.namelist() if name.endswith(".xhtml")
        }


@pytest.fixture(scope="session")
def manifest(maths_build) -> dict[str, set[str]]:
    """The package's manifest: each document's file name and its properties."""
    with zipfile.ZipFile(book_file(maths_build, ".epub")) as z:
        opf = etree.fromstring(z.read(next(n for n in z.namelist() if n.endswith(".opf"))))
    items = opf.iter("{http://www.idpf.org/2007/opf}item")
    return {i.get("href"): set((i.get("properties") or "").split()) for i in items if i.get("href").endswith(".xhtml")}


def test_the_epub_passes_epubcheck(maths_build):
    assert epubcheck_problems(book_file(maths_build, ".epub")) == []


def test_ace_finds_no_serious_issue(maths_build):
    assert ace_serious(book_file(maths_build, ".epub")) == []


def test_every_formula_is_mathml_with_its_tex_as_alttext(epub_documents):
    found = [
        (name, m.get("alttext"), m.get("display") == "block")
        for name, doc in sorted(epub_documents.items())
        for m in doc.iter(MATH)
    ]
    assert found == FORMULAS
    for _, doc in epub_documents.items():
        for m in doc.iter(MATH):
            assert len(m) and "".join(m.itertext()).strip(), "a formula without content"


def test_the_mathml_property_is_on_exactly_the_documents_with_maths(manifest, epub_documents):
    with_maths = {name for name, doc in epub_documents.items() if next(doc.iter(MATH), None) is not None}
    assert with_maths == {"01-sums.xhtml", "02-aligned.xhtml", "03-trouble.xhtml"}
    assert {name for name, props in manifest.items() if "mathml" in props} == with_maths


def test_a_labelled_equation_keeps_its_id_and_its_link(epub_documents):
    doc = epub_documents["02-aligned.xhtml"]
    target = doc.find(f".//{XHTML}div[@id='02-aligned--euler']")
    assert target is not None and target.find(MATH).get("alttext") == r"e^{i\pi} + 1 = 0"
    assert [a.get("href") for a in doc.iter(f"{XHTML}a")] == ["#02-aligned--euler"]


def test_hostile_tex_gives_no_script_and_no_link(epub_documents):
    doc = epub_documents["03-trouble.xhtml"]
    assert not [el for el in doc.iter() if isinstance(el.tag, str) and etree.QName(el).localname == "script"]
    for m in doc.iter(MATH):
        for el in m.iter():
            assert etree.QName(el).namespace == maths.MATHML_NS
            assert set(el.attrib) <= maths.ATTRIBUTES | {"display", "alttext", "id"}
    texts = ["".join(m.itertext()) for m in doc.iter(MATH)]
    assert texts == ["click", "<script>alert(2)</script>"]


def test_the_broken_formula_is_one_warning_at_its_line_and_shown_as_code(maths_build, epub_documents):
    warnings = [w for w in maths_build.diagnostics.warnings if w.kind == WARNING_KIND]
    source = (CASE / "03-trouble.md").read_text(encoding="utf-8").splitlines()
    line = next(n for n, text in enumerate(source, start=1) if BROKEN in text)
    assert [(w.path, w.line) for w in warnings] == [("03-trouble.md", line)]
    assert BROKEN in warnings[0].message and "{ left unclosed" in warnings[0].message
    shown = epub_documents["03-trouble.xhtml"].findall(f".//{XHTML}pre[@class='math-error']")
    assert [el.text for el in shown] == [BROKEN]
    assert {o.kind for o in maths_build.outputs} >= {"epub", "pdf"}


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_the_pdf_text_holds_no_tex(maths_build):
    text = _squash("".join(pdftotext_pages(book_file(maths_build, ".pdf"))))
    for _, tex, _ in FORMULAS:
        assert len(tex) < 4 or _squash(tex) not in text
    for command in (r"\sum", r"\int", r"\begin", r"\href", r"\text", r"\pi"):
        assert command not in text
    assert _squash(BROKEN) in text  # the broken one is shown as its TeX
    assert "pebbles" in text and "$x$" in text  # the page's words, and code as written


def _page_with(pdf, word: str) -> int:
    return next(n for n, text in enumerate(pdftotext_pages(pdf), start=1) if word in text)


def _ink(image, box) -> int:
    """How many pixels of box (x0, y0, x1, y1, in points) are dark."""
    x0, y0, x1, y1 = (round(v) for v in box)
    return sum(image.crop((x0, y0, x1, y1)).histogram()[:128])


def test_the_formulas_are_drawn_on_the_page(maths_build, tmp_path):
    pdf = book_file(maths_build, ".pdf")
    page = _page_with(pdf, "Gauss")
    words = pdftotext_words(pdf, page)
    image = pdftoppm_page(pdf, page, tmp_path)

    def word(text: str, after: float = 0):
        return next(w for w in words if w[0] == text and w[2] >= after)

    pile, of, pebbles = word("pile"), word("of"), word("pebbles")
    # Between 'of' and 'pebbles' stands $n$; between 'pile' and 'of', a space only: the measure can see nothing.
    assert _ink(image, (of[3] + 1, of[2], pebbles[1] - 1, of[4])) > 5
    assert _ink(image, (pile[3] + 1, pile[2], of[1] - 1, pile[4])) == 0
    own, and_once = word("own:"), word("once")
    # The display sum stands between its introduction and the next paragraph, across the text's width.
    gap = (0, own[4] + 1, image.width, and_once[2] - 1)
    assert gap[3] - gap[1] > 20, "no room was made for the display formula"
    assert _ink(image, gap) > 100


def _structure(pdf_path) -> list[tuple[str, str]]:
    """(type, alt) of every /Formula and /Figure in the PDF's structure tree, in its order."""
    found = []
    with pikepdf.open(pdf_path) as pdf:

        def walk(node) -> None:
            if not isinstance(node, pikepdf.Dictionary):
                return
            kind = node.get("/S")
            if kind is not None and str(kind) in ("/Formula", "/Figure"):
                found.append((str(kind), str(node.get("/Alt"))))
            kids = node.get("/K")
            for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
                walk(kid)

        walk(pdf.Root.StructTreeRoot)
    return found


def test_each_formula_is_a_formula_element_with_its_tex(maths_build):
    found = _structure(book_file(maths_build, ".pdf"))
    assert [alt for kind, alt in found if kind == "/Formula"] == [tex for _, tex, _ in FORMULAS]
    assert [kind for kind, _ in found if kind == "/Figure"] == ["/Figure"]  # the cover


def test_the_pdf_in_parts_tags_the_formulas_too(tmp_path, monkeypatch):
    merges = []
    real_merge = pdf_merge.merge

    def merge(*args, **kwargs):
        merges.append(args)
        return real_merge(*args, **kwargs)

    monkeypatch.setattr(pdf_merge, "merge", merge)
    monkeypatch.setattr(plan, "CUT_EVERY", 1)
    monkeypatch.setattr(plan, "CHUNK_PAGES", 1)
    monkeypatch.setattr(plan, "MIN_SPLIT_PAGES", 0)
    result = build_into(CASE, tmp_path / "dist", formats=("pdf",), jobs=1, use_cache=False)
    assert merges, "the book was not laid out in parts"
    found = _structure(book_file(result, ".pdf"))
    assert [alt for kind, alt in found if kind == "/Formula"] == [tex for _, tex, _ in FORMULAS]


# --------------------------------------------------------------------------- reading


@pytest.fixture(scope="module")
def reader():
    return CommonMarkReader(COMMONMARK_PLUGINS)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (r"Say \(x^2\) here.", r'<p>Say <span class="math">\(x^2\)</span> here.</p>'),
        (r"An \(x\) alone.", r'<p>An <span class="math">\(x\)</span> alone.</p>'),
        ("\\[\nx = 1\n\\]", '<div class="math">\\[x = 1\\]</div>'),
        (r"\[ a^2 + b^2 \]", r'<div class="math">\[a^2 + b^2\]</div>'),
        (
            "\\begin{gather*}\na \\\\ b\n\\end{gather*}",
            '<div class="math">\\[\\begin{gather*}\na \\\\ b\n\\end{gather*}\\]</div>',
        ),
        ("$$ y $$ (eq-y)", '<div class="math" id="eq-y">\\[y\\]</div>'),
    ],
)
def test_maths_is_read(reader, source, expected):
    assert reader.to_html(source).strip() == expected


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (r"\[an aside\] in prose", "<p>[an aside] in prose</p>"),
        (r"\[an aside\]", "<p>[an aside]</p>"),  # a bracket pair alone, with no TeX in it
        (r"A ==\[marked aside\]== here", "<p>A <mark>[marked aside]</mark> here</p>"),
        (r"\[one\] and \[two\]", "<p>[one] and [two]</p>"),
        (r"[text]\(not a link)", "<p>[text](not a link)</p>"),
        (r"An empty \(\) pair", "<p>An empty () pair</p>"),
        (r"Delimiters [['\(', '\)']] in prose", "<p>Delimiters [['(', ')']] in prose</p>"),
        (r"Doubled \\(x\\) escapes", r"<p>Doubled \(x\) escapes</p>"),
        (r"Code `\(x\)` and `$y$`", r"<p>Code <code>\(x\)</code> and <code>$y$</code></p>"),
    ],
)
def test_escaped_brackets_and_code_stay_as_they_are(reader, source, expected):
    assert reader.to_html(source).strip() == expected


@pytest.mark.parametrize(
    "source",
    [
        "```\n\\[\nx^2\n\\]\n```",
        "```\n$$\nx\n$$\n```",
        "    \\[\n    x^2\n    \\]",
        "~~~\n\\begin{align}\na &= b\n\\end{align}\n~~~",
        "    \\begin{align}\n    a &= b\n    \\end{align}",
    ],
)
def test_code_blocks_never_become_maths(reader, source):
    out = reader.to_html(source)
    assert 'class="math' not in out and "<code>" in out


# --------------------------------------------------------------------------- converting


def _render(text: str, dialect: MarkdownDialect | None = None):
    ctx = article_context(CASE, text, dialect=dialect)
    rendered = markdown.render(ctx, text)
    return etree.fromstring(f"<div>{rendered.html}</div>"), ctx.diagnostics


def test_macros_of_the_project_are_expanded():
    macros = {"N": "\\mathbb{N}", "floor": ["\\lfloor#1\\rfloor", 1]}
    root, diagnostics = _render(
        r"Count $n \in \N$ and $\floor{x}$.", flavour("commonmark", "test", (("macros", macros),))
    )
    assert diagnostics.warnings == []
    assert ["".join(m.itertext()) for m in root.iter(MATH)] == ["n\u2208\u2115", "\u230ax\u230b"]
    assert [m.get("alttext") for m in root.iter(MATH)] == [r"n \in \N", r"\floor{x}"]
    _, without = _render(r"Count $n \in \N$.")
    assert [w.kind for w in without.warnings] == [WARNING_KIND]  # the same TeX without the macro


def test_macros_that_are_not_macros_are_left_out():
    macros = {"broken": "\\frac{", 3: "x", "two": ["#1#2", 2], "ok": "y"}
    assert maths.macro_preamble(macros) == "\\newcommand{\\ok}{y}\\newcommand{\\two}[2]{#1#2}"
    del macros[3]  # the dialect's key (JSON, sorted) takes names only
    root, diagnostics = _render(r"Then $\ok + 1$.", flavour("commonmark", "test", (("macros", macros),)))
    assert diagnostics.warnings == [] and [m.get("alttext") for m in root.iter(MATH)] == [r"\ok + 1"]


def test_an_unknown_command_is_a_warning_and_shown_as_code():
    root, diagnostics = _render("One line.\n\nThen $\\nosuchcommand{x} + 1$ here.")
    assert [(w.line, w.kind) for w in diagnostics.warnings] == [(3, WARNING_KIND)]
    assert "\\nosuchcommand" in diagnostics.warnings[0].message and "macros" in diagnostics.warnings[0].message
    assert root.find(MATH) is None
    assert [c.text for c in root.iter("code")] == ["\\nosuchcommand{x} + 1"]


@pytest.mark.parametrize(
    "tex, expected",
    [
        (r"\ce{LiPF6}", "LiPF6"),
        (r"\ce{Li_{3+x}Si_xP_{1-x}S_4}", "Li3+xSixP1−xS4"),
        (r"\ce{SO4^2-}", "SO42−"),
        (r"\ce{2 H2 + O2 -> 2 H2O}", "2H2+O2→2H2O"),
    ],
)
def test_mhchem_formulas_and_reactions_are_read(tex, expected):
    root, diagnostics = _render(f"Made of ${tex}$.")
    assert diagnostics.warnings == []
    (math,) = root.iter(MATH)
    assert "".join("".join(math.itertext()).split()) == expected and math.get("alttext") == tex
    subscripts = [el for el in math.iter() if etree.QName(el).localname in ("msub", "msubsup")]
    assert subscripts  # the counts are subscripts, not text beside the symbols


def test_mhchem_that_is_not_read_is_one_warning():
    _, diagnostics = _render(r"An isotope $\ce{^{227}_{90}Th+}$.")
    assert [w.kind for w in diagnostics.warnings] == [WARNING_KIND] and "\\ce" in diagnostics.warnings[0].message


def test_a_numbered_equation_keeps_its_number_and_id():
    html = '<div class="math" id="eq-area"><span class="eqno">(3)</span>\\[A = \\pi r^2\\]</div>'
    root, diagnostics = _render(html)
    assert diagnostics.warnings == []
    div = root.find("div")
    assert div.get("id") == "doc--eq-area"
    assert [div[0].tag, div[0].text] == ["span", "(3)"]
    assert div[1].tag == MATH and div[1].get("alttext") == "A = \\pi r^2" and div[1].get("display") == "block"


def test_arithmatex_formulas_of_python_markdown_become_mathml():
    dialect = MarkdownDialect(PYTHON_MARKDOWN, (), (("pymdownx.arithmatex", {}),), "test", PYTHON_MARKDOWN)
    root, diagnostics = _render("Inline $x^2$ here.\n\n$$\ny = 1\n$$\n", dialect)
    assert diagnostics.warnings == []
    assert [(m.get("alttext"), m.get("display")) for m in root.iter(MATH)] == [("x^2", "inline"), ("y = 1", "block")]


@pytest.mark.parametrize(
    "tex",
    [
        r"\frac",
        r"}{",
        r"x^",
        r"\begin{align} a",
        r"\end{align}",
        "\\sqrt{" * 200 + "x" + "}" * 200,
        r"\\\\",
        r"\left(",
        "&&&",
    ],
)
def test_any_tex_gives_maths_or_a_warning_never_an_exception(tex):
    root, diagnostics = _render(f"Try ${tex}$ now.")
    formulas, errors = list(root.iter(MATH)), root.findall(".//code[@class='math-error']")
    assert len(formulas) + len(errors) == 1
    assert len(diagnostics.warnings) == len(errors)
