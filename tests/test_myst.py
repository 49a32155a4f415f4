"""MyST (Jupyter Book): targets, cross-references, glossaries, maths, tabs and dropdowns, as Jupyter Book shows them.

tests/cases/myst/cross-references/ is a small book of three articles (a
_toc.yml makes it a MyST project) that uses every reference role across
articles, a glossary, labelled maths, tabs, a dropdown, a comment, a block
break, substitutions, a role shown in inline code and one dangling reference.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from lxml import etree

from packager.content import labels
from packager.content.assemble import assemble
from packager.diagnostics import Diagnostics
from packager.project import config, dialect, sources

from conftest import book_file, build_into
from validators import epubcheck_problems

CASE = Path(__file__).parent / "cases" / "myst" / "cross-references"
XHTML = "{http://www.w3.org/1999/xhtml}"
MATHML = "{http://www.w3.org/1998/Math/MathML}"


def build(source: Path):
    diagnostics = Diagnostics()
    cfg = config.load(source)
    book = assemble(source, cfg, sources.discover(source, cfg, None, diagnostics), diagnostics, 0)
    return book, diagnostics


@pytest.fixture(scope="module")
def book():
    return build(CASE)


def tree(book, source: str):
    html = next(a.html for a in book[0].articles if a.source == source)
    return etree.fromstring(f'<div xmlns="http://www.w3.org/1999/xhtml">{html}</div>'.encode())


def links(root) -> list[tuple[str, str]]:
    return [(" ".join("".join(a.itertext()).split()), a.get("href")) for a in root.iter(XHTML + "a") if a.get("href")]


def test_every_reference_lands_on_an_id_of_the_book(book):
    all_ids = {a.slug for a in book[0].articles}.union(*(a.ids for a in book[0].articles))
    internal = [href for a in book[0].articles for _, href in links(tree(book, a.source)) if href.startswith("#")]
    assert len(internal) == 20  # 9 in the introduction, 3 in hexagons, 8 in words
    assert [href for href in internal if href[1:] not in all_ids] == []
    assert [w for w in book[1].warnings if w.kind == "links to anchors not in the book"] == []


def test_references_show_what_jupyter_book_shows(book):
    assert links(tree(book, "intro.md")) == [
        ("tessellations", "#words--term-tessellation"),
        ("Hexagons tile the plane", "#shapes-hexagons--hexagons-heading"),
        ("Fig. 1", "#shapes-hexagons--fig-hexagon"),
        ("the tiling in figure 1", "#shapes-hexagons--fig-hexagon"),
        ("Words", "#words"),
        ("the word list", "#words"),
        ("(1)", "#shapes-hexagons--eq-area"),
        ("the hexagon section", "#shapes-hexagons--hexagons-heading"),
        ("Six sides and no gaps.", "#shapes-hexagons--fig-hexagon"),
    ]
    assert links(tree(book, "words.md")) == [
        ("tessellation", "#words--term-tessellation"),
        ("Tile", "#words--term-tile"),
        ("a piece", "#words--term-tiling-piece"),
        ("Fig. 1", "#shapes-hexagons--fig-hexagon"),
        ("Hexagons", "#shapes-hexagons"),
        ("Fig. 2", "#words--fig-square"),
        ("Fig. 1", "#shapes-hexagons--fig-hexagon"),
        ("Figure 1: Six sides and no gaps.", "#shapes-hexagons--fig-hexagon"),
    ]


def test_targets_are_anchors_where_they_stand(book):
    root = tree(book, "shapes/hexagons.md")
    anchors = [el for el in root.iter(XHTML + "div") if el.get("class") == "myst-target"]
    assert [el.get("id") for el in anchors] == ["shapes-hexagons--hexagons-heading", "shapes-hexagons--fig-hexagon"]
    assert [el.getnext().tag for el in anchors] == [XHTML + "h2", XHTML + "figure"]
    assert root.findtext(f".//{XHTML}figcaption") == "Fig. 1 Six sides and no gaps."
    named_by_a_target = tree(book, "words.md").findtext(f".//{XHTML}figcaption")
    assert named_by_a_target == "Fig. 2 A square cell, named by the target above it."


def test_a_dangling_reference_keeps_its_text_with_one_warning(book):
    root = tree(book, "intro.md")
    assert "A reference to nothing: a-label-nobody-wrote." in "".join(root.itertext())
    dangling = [w for w in book[1].warnings if w.kind == "references to labels not in the book"]
    assert [(w.path, w.line) for w in dangling] == [("intro.md", 13)]
    assert "'a-label-nobody-wrote'" in dangling[0].message


def test_a_role_in_inline_code_stays_code_and_code_defines_no_label(book):
    root = tree(book, "intro.md")
    assert [c.text for c in root.iter(XHTML + "code")][0] == "{ref}`hexagons-heading`"
    index = labels.build(
        (f.rel, f.body, f.meta) for f in sources.discover(CASE, config.load(CASE), None, Diagnostics())
    )
    assert index.find("only-an-example") is None
    assert index.find("hexagons-heading").title == "Hexagons tile the plane"


def test_glossary_terms_carry_the_ids_term_links_reach(book):
    root = tree(book, "words.md")
    terms = root.findall(f".//{XHTML}dt")
    assert ["".join(dt.itertext()) for dt in terms] == ["Tessellation", "TileTiling piece"]
    anchors = [a.get("id") for dt in terms for a in dt.iter(XHTML + "a")]
    assert anchors == ["words--term-tessellation", "words--term-tile", "words--term-tiling-piece"]
    assert root.findtext(f".//{XHTML}dd").startswith("A covering of the plane")


def formulas(root) -> list[str]:
    """The TeX of each formula: as the content stage writes it (\\(…\\), \\[…\\]), or MathML's alttext after maths."""
    found = []
    for el in root.iter():
        if el.tag == MATHML + "math":
            found.append(el.get("alttext"))
        elif (
            el.tag in (XHTML + "span", XHTML + "div") and el.get("class") == "math" and el.find(MATHML + "math") is None
        ):
            found.append("".join(el.xpath("text()")).strip()[2:-2])
    return found


def test_labelled_maths_is_numbered_in_the_shape_the_maths_stage_reads(book):
    root = tree(book, "shapes/hexagons.md")
    blocks = [el for el in root.iter(XHTML + "div") if el.get("class") == "math"]
    assert [(el.get("id"), el.findtext(XHTML + "span")) for el in blocks] == [
        ("shapes-hexagons--eq-area", "(1)"),
        ("shapes-hexagons--eq-perimeter", "(2)"),
    ]
    assert formulas(root) == ["A = \\frac{3\\sqrt{3}}{2} s^2", "p = 6 s"]
    assert formulas(tree(book, "words.md")) == ["s \\cdot 6"]  # the {math} role


def test_tabs_are_titled_sections_and_a_dropdown_is_an_open_admonition(book):
    root = tree(book, "shapes/hexagons.md")
    titles = [p.text for p in root.iter(XHTML + "p") if p.get("class") == "tabbed-title"]
    assert titles == ["Squares", "Triangles"]
    box = next(el for el in root.iter(XHTML + "div") if el.get("class") == "admonition note")
    assert box.findtext(XHTML + "p") == "Why do bees build hexagons?"
    assert "least wax" in "".join(box.itertext())


def test_code_cells_are_code_in_their_kernels_language_unless_removed(book):
    root = tree(book, "shapes/hexagons.md")
    named, unnamed = root.findall(f".//{XHTML}pre/{XHTML}code")
    assert "".join(named.itertext()).strip() == 'print("six sides")'
    assert named.find(XHTML + "span").get("class") == "nb"  # ipython3: Pygments' Python lexer read it
    assert "".join(unnamed.itertext()).strip() == "sides = 6"
    assert unnamed.find(XHTML + "span").get("class") == "n"  # the kernelspec's language, python
    assert "only its output would show" not in "".join(root.itertext())  # remove-input: nothing to show


def test_comments_breaks_and_substitutions_in_myst(book):
    intro = "".join(tree(book, "intro.md").itertext())
    assert "an author's note" not in intro
    assert tree(book, "intro.md").find(f".//{XHTML}hr") is None
    assert tree(book, "intro.md").findtext(f".//{XHTML}em") == "rainy"
    assert "The mood here is calm." in "".join(tree(book, "shapes/hexagons.md").itertext())
    assert [w for w in book[1].warnings if "Liquid" in w.message] == []


def test_myst_syntax_is_left_alone_outside_the_myst_dialect(tmp_path):
    source = tmp_path / "plain"
    source.mkdir()
    (source / "page.md").write_text("# Page\n\n% not a comment here\n\nSee {ref}`x` and {{ weather }}.\n")
    built, diagnostics = build(source)
    text = "".join(etree.fromstring(f"<div>{built.articles[0].html}</div>").itertext())
    assert "% not a comment here" in text
    assert "See x and {{ weather }}." in text
    assert [w.kind for w in diagnostics.warnings if "weather" in w.message or "Liquid" in w.message]


def test_macros_and_substitutions_come_from_the_project(tmp_path):
    chosen = dialect.resolve(CASE, config.load(CASE), Diagnostics())
    assert chosen.name == dialect.MYST
    assert chosen.option("macros") == {"R": "\\mathbb{R}", "norm": ["\\lVert#1\\rVert", 1]}
    assert chosen.option("substitutions") == {"weather": "*rainy*"}
    source = tmp_path / "broken"
    shutil.copytree(CASE, source)
    (source / "_config.yml").write_text("parse:\n  myst_substitutions: [unclosed\n")
    diagnostics = Diagnostics()
    chosen = dialect.resolve(source, config.load(source), diagnostics)
    assert chosen.option("macros") == {}
    assert [(w.path, w.line, w.kind) for w in diagnostics.warnings] == [("_config.yml", 3, "MyST settings not read")]


def test_a_label_defined_twice_is_reported_where_it_is_defined_again(tmp_path):
    (tmp_path / "_toc.yml").write_text("format: jb-book\nroot: a\n")
    (tmp_path / "a.md").write_text("# A\n\n(twice)=\n## First\n\nSee {ref}`twice`.\n")
    (tmp_path / "b.md").write_text("# B\n\n```{math}\n:label: twice\nx\n```\n")
    built, diagnostics = build(tmp_path)
    assert [(w.path, w.line, w.kind) for w in diagnostics.warnings] == [("b.md", 3, "duplicate MyST labels")]
    assert 'href="#a--twice">First</a>' in built.articles[0].html


def test_the_fixture_book_is_a_valid_epub(tmp_path):
    result = build_into(CASE, tmp_path / "dist", formats=("epub",))
    assert epubcheck_problems(book_file(result, ".epub")) == []
