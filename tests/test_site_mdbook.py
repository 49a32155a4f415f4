"""mdBook books read as mdBook reads them: book.toml, SUMMARY.md's order and parts, the links helpers, hidden lines.

Unit tests read SUMMARY.md texts and run the chapter pass without a build; the
fixture book tests/cases/sites/mdbook/includes (every helper form, a draft, a
missing chapter, an include out of the book) is built once as EPUB; the
mdbook-guide corpus (mdBook's own user guide) once as EPUB and PDF, its order
checked against the hand-made tests/cases/sites/mdbook-guide.order.
"""

from __future__ import annotations

import dataclasses
import subprocess
import sys
import zipfile
from collections import Counter
from pathlib import Path

import pytest
from lxml import etree
from site_outline import book_order, read_order

from packager.content.preprocess import mdbook as mdbook_pass
from packager.diagnostics import Diagnostics
from packager.errors import ConfigError
from packager.project import config as config_module
from packager.project import sites
from packager.project.sites import Entry
from packager.project.sites.summary import Item, read_mdbook

from conftest import TESTS, article_context, book_file, build_into, corpus
from validators import epubcheck_problems, pdf_outline, pdfinfo

CASES = TESTS / "cases" / "sites"
FIXTURE = CASES / "mdbook" / "includes"
XHTML = {"x": "http://www.w3.org/1999/xhtml"}


def read_site(source: Path):
    diagnostics = Diagnostics()
    return sites.read(source, config_module.load(source), diagnostics), diagnostics


def expected_order(name: str) -> list[str]:
    return read_order(CASES / f"{name}.order")


def article(book, source: str):
    return next(a for a in book.articles if a.source == source)


def code_blocks(html: str) -> list[str]:
    root = etree.fromstring(f'<div xmlns="{XHTML["x"]}">{html}</div>'.encode())
    return ["".join(pre.itertext()) for pre in root.iterfind(".//x:pre", XHTML)]


def prose(html: str) -> str:
    root = etree.fromstring(f'<div xmlns="{XHTML["x"]}">{html}</div>'.encode())
    return "".join(root.xpath('//text()[not(ancestor::*[local-name()="pre" or local-name()="code"])]'))


# --- SUMMARY.md ---------------------------------------------------------------------------------------------------

SUMMARY = """\
# Summary

[Foreword](foreword.md)

# First part

Chapters of the first part.

- [One](one.md)
    - [One, a](one/a.md)
        - [One, a, i](one/a/i.md)
    - [Not yet]()
* [Two](two.md)

---

# Second part

1. [Three](three.md)

-----------

[Afterword](afterword.md)
[Thanks](thanks.md)
"""


def test_summary_gives_prefix_parts_nested_chapters_and_suffix():
    items = read_mdbook(SUMMARY, "src/SUMMARY.md")
    assert [(i.title, i.target, i.part) for i in items] == [
        ("Foreword", "foreword.md", False),
        ("First part", None, True),
        ("Second part", None, True),
        ("Afterword", "afterword.md", False),
        ("Thanks", "thanks.md", False),
    ]
    first = items[1]
    assert [c.title for c in first.children] == ["One", "Two"]  # the paragraph after the part title is ignored
    one = first.children[0]
    assert [(c.title, c.target) for c in one.children] == [("One, a", "one/a.md"), ("Not yet", None)]
    assert one.children[0].children == (Item("One, a, i", "one/a/i.md", 11),)
    assert [c.target for c in items[2].children] == ["three.md"]
    assert (items[0].line, one.line, items[-1].line) == (3, 9, 24)


def test_summary_titles_keep_text_and_code_and_paths_their_spaces():
    items = read_mdbook("- [The `init` *command*](cli/my%20init.md)\n", "SUMMARY.md")
    assert items == [Item("The init command", "cli/my init.md", 1)]


@pytest.mark.parametrize(
    ("text", "line", "needle"),
    [
        ("- [One](one.md)\n- Two, with no link\n", 2, "must hold only a link"),
        ("- [One](one.md)\n\n[Suffix](s.md)\n\n- [Late](late.md)\n", 5, "suffix chapters cannot be followed"),
    ],
)
def test_a_summary_mdbook_refuses_is_one_error_with_its_line(text, line, needle):
    with pytest.raises(ConfigError) as caught:
        read_mdbook(text, "src/SUMMARY.md")
    assert str(caught.value).startswith(f"src/SUMMARY.md:{line}: ") and needle in str(caught.value)


def write_book(root: Path, toml: str, summary: str = "- [One](one.md)\n", pages=("one.md",)) -> Path:
    (root / "src").mkdir(parents=True, exist_ok=True)
    (root / "book.toml").write_text(toml, encoding="utf-8")
    (root / "src" / "SUMMARY.md").write_text(summary, encoding="utf-8")
    for page in pages:
        (root / "src" / page).parent.mkdir(parents=True, exist_ok=True)
        (root / "src" / page).write_text(f"# {page}\n\nText.\n", encoding="utf-8")
    return root


def test_book_toml_and_summary_outline(tmp_path):
    source = write_book(
        tmp_path,
        '[book]\ntitle = "Knots"\nauthors = ["A. Reef"]\n[output.html]\nsite-url = "https://knots.example.org/"\n',
        "[Intro](README.md)\n\n# Part\n\n- [One](one.md)\n    - [Draft]()\n    - [Gone](gone.md)\n",
        pages=("README.md", "one.md", "extra.md", "404.md"),
    )
    site, diagnostics = read_site(source)
    assert site.profile == "mdbook" and site.content_dir == "src" and site.nav_file == "src/SUMMARY.md"
    assert site.outline == (
        Entry("src/README.md", "Intro"),
        Entry(None, "Part", (Entry("src/one.md", "One"),)),
    )
    assert site.metadata.title == "Knots" and site.metadata.base_url == "https://knots.example.org/"
    assert [(w.kind, w.line) for w in diagnostics.warnings] == [
        ("drafts left out", 6),
        ("navigation entries to missing pages", 7),
    ]
    assert site.left_out == (("Draft", "draft chapter in src/SUMMARY.md (a link to no file)"),)


def test_a_toml_error_in_book_toml_is_one_line_exit_1(tmp_path):
    write_book(tmp_path, '[book]\ntitle = "Knots"\nauthors = ["A. Reef"\nlanguage = "en"\n')
    with pytest.raises(ConfigError) as caught:
        read_site(tmp_path)
    assert str(caught.value).startswith("book.toml:4: invalid TOML")
    run = subprocess.run(
        [sys.executable, "-m", "packager", "check", str(tmp_path)], capture_output=True, text=True, timeout=120
    )
    lines = [line for line in run.stderr.splitlines() if line.strip()]
    assert run.returncode == 1 and len(lines) == 1 and "book.toml:4: invalid TOML" in lines[0], run.stderr
    assert "Traceback" not in run.stderr


def test_nothing_outside_the_book_is_a_chapter(tmp_path):
    source = write_book(tmp_path / "book", "[book]\n", "- [Up](../../notes.md)\n- [One](one.md)\n")
    (tmp_path / "notes.md").write_text("# Notes\n", encoding="utf-8")
    site, diagnostics = read_site(source)
    assert site.outline == (Entry("src/one.md", "One"),)
    assert ["points outside src/" in w.message for w in diagnostics.warnings] == [True]


# --- the chapter pass: mdBook's links helpers, hidden lines ------------------------------------------------------


def run_pass(text: str, rel: str = "pages/charts.md", source: Path = FIXTURE):
    ctx = dataclasses.replace(article_context(source, text), rel=rel, site="mdbook")
    return mdbook_pass.run(ctx, text), ctx.diagnostics.warnings


HARBOUR = (FIXTURE / "pages" / "code" / "harbour.rs").read_text(encoding="utf-8").splitlines()


@pytest.mark.parametrize(
    ("helper", "numbers"),
    [
        ("code/harbour.rs:2", [2]),
        ("code/harbour.rs:2:3", [2, 3]),
        ("code/harbour.rs:6:", [6, 7]),
        ("code/harbour.rs::1", [1]),
        ("code/harbour.rs:0", [1]),
        ("code/harbour.rs:3:2", []),
        ("code/harbour.rs:mooring", [4]),
        ("code/harbour.rs:all", [2, 4, 6]),  # the other anchor's marker lines removed
        ("code/harbour.rs:all:ignored", [2, 4, 6]),
        ("code/harbour.rs:nowhere", []),
    ],
)
def test_include_takes_lines_and_anchors_as_mdbook_does(helper, numbers):
    text, warnings = run_pass(f"```text\n{{{{#include {helper}}}}}\n```\n")
    assert text.split("\n")[1:-2] == [HARBOUR[n - 1] for n in numbers] or (numbers == [] and text.count("\n") == 3)
    assert warnings == []


REEF = (
    "keel\nANCHOR: reef\nmast\nANCHOR: reef\nsail\nANCHOR_END: reef\nhull\nANCHOR: reef\nboom\nANCHOR_END: reef\nrope"
)


@pytest.mark.parametrize(
    ("text", "anchor", "include", "rustdoc"),
    [
        ("keel\nmast", "reef", "", "# keel\n# mast"),
        ("keel\nANCHOR_END: reef\nmast", "reef", "", "# keel\n# mast"),
        ("keel\nANCHOR: reef\nmast\nsail", "reef", "mast\nsail", "# keel\nmast\nsail"),
        ("keel\nANCHOR: reef\nmast\nsail", "other", "", "# keel\n# mast\n# sail"),
        # include stops at the first end; rustdoc_include opens again at the next start
        (REEF, "reef", "mast\nsail", "# keel\nmast\nsail\n# hull\nboom\n# rope"),
        (
            "ANCHOR:  outer\nkeel\nANCHOR: reef\nmast\nANCHOR_END: reef\nsail\nANCHOR_END:outer\nhull",
            "outer",
            "keel\nmast\nsail",
            "keel\nmast\nsail\n# hull",
        ),
    ],
)
def test_anchor_rules_are_mdbooks(text, anchor, include, rustdoc):
    lines = text.split("\n")
    assert "\n".join(mdbook_pass._anchored(lines, anchor)) == include
    assert "\n".join(mdbook_pass._rustdoc(lines, ("anchor", anchor))) == rustdoc


def test_anchored_include_drops_every_marker_line():
    text, _ = run_pass("{{#include code/harbour.rs:all}}")
    assert "ANCHOR" not in text and text.count("\n") == 2


def test_rustdoc_include_hides_the_rest_and_the_book_leaves_it_out():
    source = "```rust\n{{#rustdoc_include code/harbour.rs:mooring}}\n```"
    expanded = mdbook_pass._Links(article_context(FIXTURE, source)).expand(
        source, FIXTURE / "pages", 0, None
    )  # what mdBook hands its renderer: every line, the others behind '# '
    assert "# fn tide() -> u32 { 2 }" in expanded and "\nfn moor(" in expanded
    text, _ = run_pass(source)
    assert text == "```rust\nfn moor(rope: u32) -> u32 { rope * tide() }\n```"


def test_playground_is_a_rust_block_and_title_is_removed():
    text, warnings = run_pass("{{#title A page title}}\n# Charts\n\n{{#playground code/anchor.rs editable}}\n")
    assert text == '\n# Charts\n\n```rust\nfn main() {\n    println!("anchor down");\n}\n```\n'
    assert warnings == []


def test_includes_nest_keep_their_indent_and_escapes_stay_literal():
    text, warnings = run_pass(
        "- Item:\n\n  {{#include snippets/buoys.md}}\n\n`\\{{#include x.rs}}` and \\{{#title T}}\n"
    )
    assert text.split("\n")[2:4] == ["  Red buoys to port,", "  green buoys to starboard: fn tide() -> u32 { 2 }"]
    # mdBook's escape runs to the line's last }}: the second backslash stays, and Markdown shows '{' for '\{'
    assert "`{{#include x.rs}}` and \\{{#title T}}" in text
    text, _ = run_pass("Write \\{{#title T}} near the top.")
    assert text == "Write &#123;{#title T}} near the top."  # '&#123;' in prose: no later template step reads it
    assert warnings == []


def test_escapes_are_literal_even_in_code_and_helpers_run_there():
    text, _ = run_pass("```md\n\\{{#include code/anchor.rs}}\n{{#include code/anchor.rs:1}}\n```\n")
    assert text == "```md\n{{#include code/anchor.rs}}\nfn main() {\n```\n"


def test_a_file_outside_the_book_or_missing_is_refused_with_one_warning():
    text, warnings = run_pass("Out: {{#include ../../outside.txt}}\n\nGone: {{#include code/none.rs}}\n")
    assert "MOONRAKER" not in text
    assert text == "Out: &#123;{#include ../../outside.txt}}\n\nGone: &#123;{#include code/none.rs}}\n"  # as written
    assert [(w.kind, w.line) for w in warnings] == [("mdBook includes not read", 1), ("mdBook includes not read", 3)]
    assert "../outside.txt is outside the book's folder, not read" in warnings[0].message
    assert "pages/code/none.rs does not exist" in warnings[1].message


def test_an_include_of_itself_stops_at_mdbooks_depth(tmp_path):
    (tmp_path / "book.toml").write_text("[book]\n", encoding="utf-8")
    (tmp_path / "loop.md").write_text("again {{#include loop.md}}\n", encoding="utf-8")
    text, warnings = run_pass("{{#include loop.md}}", rel="page.md", source=tmp_path)
    assert text.count("again") == mdbook_pass.MAX_DEPTH
    assert len(warnings) == 1 and "nested more than 10 deep" in warnings[0].message


@pytest.mark.parametrize(
    ("build", "expanded"),
    [
        ("", True),
        ("[build]\nuse-default-preprocessors = false\n", False),
        ("[build]\nuse-default-preprocessors = false\n[preprocessor.links]\n", True),
    ],
)
def test_the_links_helpers_run_when_book_toml_runs_them(tmp_path, build, expanded):
    (tmp_path / "book.toml").write_text("[book]\n" + build, encoding="utf-8")
    (tmp_path / "part.md").write_text("included\n", encoding="utf-8")
    text, _ = run_pass("Here: {{#include part.md}}", rel="page.md", source=tmp_path)
    assert text == ("Here: included" if expanded else "Here: &#123;{#include part.md}}")


def test_hidden_lines_rust_and_configured_prefixes():
    text, _ = run_pass(
        "```rust,ignore\n# fn main() {\n    #[derive(Debug)]\n## not hidden\n#\n# }\n```\n\n"
        "> ```python\n> ~import tide\n> print(1)\n> ```\n\n"
        "```python,hidelines=!!\n!!hidden\nshown\n```\n\n"
        "```bash\n# a comment\n```\n"
    )
    assert text == (
        "```rust\n    #[derive(Debug)]\n# not hidden\n```\n\n"
        "> ```python\n> print(1)\n> ```\n\n"
        "```python\nshown\n```\n\n"
        "```bash\n# a comment\n```\n"
    )


def test_other_preprocessors_markers_stay_visible_with_one_warning():
    text, warnings = run_pass("Now {{ harbour-time }}, later {{ harbour-time }}.\n\n<div>\n{{ tide }}\n</div>\n")
    assert text == "Now &#123;{ harbour-time }}, later &#123;{ harbour-time }}.\n\n<div>\n&#123;{ tide }}\n</div>\n"
    assert len(warnings) == 1 and warnings[0].kind == "template calls that cannot run"
    assert "{{ harbour-time }} (2 uses), {{ tide }}" in warnings[0].message and warnings[0].line == 1
    assert "harbour-clock" in warnings[0].message


def test_mathjax_delimiters_become_the_readers_maths():
    text, _ = run_pass("Rise \\\\( h = a \\\\sin t \\\\) today.\n\n\\\\[ x \\\\\\\\ y \\\\]\n\n`\\\\( code \\\\)`\n")
    assert text == "Rise \\( h = a \\sin t \\) today.\n\n\\[ x \\\\ y \\]\n\n`\\\\( code \\\\)`\n"


# --- the fixture book, built once ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def fixture_build(tmp_path_factory):
    return build_into(FIXTURE, tmp_path_factory.mktemp("mdbook-includes") / "dist", formats=("epub",))


def test_fixture_book_order_metadata_and_warnings(fixture_build):
    book = fixture_build.book
    assert book_order(book) == [
        "pages/preface.md",
        "# Harbours",
        "  pages/charts.md",
        "    pages/charts/depths.md",
        "# Voyages",
        "  pages/voyages/coastal.md",
        "pages/glossary.md",
    ]
    assert article(book, "pages/charts.md").title == "Charts"  # SUMMARY's title; {{#title}} sets only <title>
    assert (book.title, [p.name for p in book.authors]) == ("Tide Tables", ["Rowan Marsh", "Ila Fenwick"])
    assert (book.language, book.repository) == ("en-GB", "https://example.org/tides/source")
    assert (
        fixture_build.summary["read_as"][0]
        == "read as an mdBook book (book.toml): 5 pages in SUMMARY.md order, 3 left out"
    )
    assert Counter(w.kind for w in fixture_build.diagnostics.warnings) == {
        "mdBook preprocessors not run": 1,
        "drafts left out": 1,
        "navigation entries to missing pages": 1,
        "pages not in the site's navigation": 1,  # orphan.md; snippets/buoys.md is only included: quiet
        "template calls that cannot run": 1,
        "mdBook includes not read": 2,
    }


def test_fixture_book_content(fixture_build):
    book = fixture_build.book
    html = "".join(a.html for a in book.articles)
    assert "MOONRAKER" not in html
    charts = article(book, "pages/charts.md")
    assert "fn moor(rope: u32)" in "".join(code_blocks(charts.html))
    assert "Red buoys to port" in charts.html and "Charts and soundings" not in html
    depths = "".join(code_blocks(article(book, "pages/charts/depths.md").html))
    assert "import soundings" not in depths and "fn main" not in depths and "# a line that starts" in depths
    preface = prose(article(book, "pages/preface.md").html)
    assert "{{ harbour-time }} at noon" in preface and "{{#include code/harbour.rs}}" in preface
    assert "<math" in article(book, "pages/preface.md").html
    coastal = article(book, "pages/voyages/coastal.md").html
    assert 'href="#charts"' in coastal and 'href="#charts-depths"' in coastal  # ../charts.html is charts.md
    assert epubcheck_problems(book_file(fixture_build, ".epub")) == []


# --- the mdbook-guide corpus: mdBook's own user guide, built once as EPUB and PDF --------------------------------


@pytest.fixture(scope="session")
def mdbook_build(tmp_path_factory):
    """The mdbook-guide corpus, both books built once for the session."""
    return build_into(corpus("mdbook-guide"), tmp_path_factory.mktemp("mdbook") / "dist", formats=("epub", "pdf"))


def test_guide_order_is_summary_order(mdbook_build):
    assert book_order(mdbook_build.book) == expected_order("mdbook-guide")


def test_guide_says_what_it_read(mdbook_build):
    assert mdbook_build.summary["read_as"][0] == (
        "read as an mdBook book (book.toml): 31 pages in SUMMARY.md order, 3 left out"
    )
    book = mdbook_build.book
    assert book.title == "mdBook Documentation" and book.language == "en"
    assert [p.name for p in book.authors] == ["Mathieu David", "Michael-F-Bryan"]
    assert book.description.startswith("Create book from markdown files")
    assert book.repository == "https://github.com/rust-lang/mdBook/tree/master/guide"
    assert book.base_url is None  # site-url = "/mdBook/" says only where on its host the site sits


EXPECTED_WARNINGS = {
    "mdBook preprocessors not run": 1,  # book.toml's guide-helper
    "drafts left out": 1,  # [Draft chapter]()
    "pages not in the site's navigation": 1,  # guide/README.md, an orphan
    "template calls that cannot run": 1,  # README.md's {{ mdbook-version }}, in prose
    "mdBook includes not read": 2,  # the two includes of ../../../examples/, outside guide/
    "share links left out": 1,  # no [book] base_url
}


def test_guide_warnings_are_the_ones_chosen(mdbook_build):
    warnings = mdbook_build.diagnostics.warnings
    assert Counter(w.kind for w in warnings) == EXPECTED_WARNINGS, [str(w) for w in warnings]
    by_kind = {w.kind: w for w in warnings}
    assert (by_kind["drafts left out"].path, by_kind["drafts left out"].line) == ("src/SUMMARY.md", 23)
    assert by_kind["pages not in the site's navigation"].path == "src/guide/README.md"
    assert (by_kind["mdBook preprocessors not run"].path, by_kind["mdBook preprocessors not run"].line) == (
        "book.toml",
        36,
    )
    refused = [(w.path, w.line) for w in warnings if w.kind == "mdBook includes not read"]
    assert refused == [("src/for_developers/preprocessors.md", 42), ("src/for_developers/preprocessors.md", 69)]
    assert all("outside the book's folder" in w.message for w in warnings if w.kind == "mdBook includes not read")
    assert not any(w.path in ("src/404.md", "src/cli/arg-watcher.md") for w in warnings)


def test_guide_left_out(mdbook_build, tmp_path):
    sources = {a.source for a in mdbook_build.book.articles}
    assert not sources & {"src/404.md", "src/guide/README.md", "src/cli/arg-watcher.md", "src/SUMMARY.md"}
    site, _ = read_site(corpus("mdbook-guide"))
    assert dict(site.left_out) == {
        "Draft chapter": "draft chapter in src/SUMMARY.md (a link to no file)",
        "src/cli/arg-watcher.md": "included by src/cli/watch.md, not a chapter of its own",
    }


def test_guide_includes_are_expanded_and_escapes_literal(mdbook_build):
    book = mdbook_build.book
    for page in ("src/cli/watch.md", "src/cli/serve.md"):
        html = article(book, page).html
        assert "There are different backends used to determine when a file has changed" in html
        assert "{{#include" not in html
    summary_code = "".join(code_blocks(article(book, "src/format/summary.md").html))
    assert "[Introduction](README.md)" in summary_code and "- [Draft chapter]()" in summary_code
    features = article(book, "src/format/mdbook.md").html
    for example in ("{{#include file.rs:2:10}}", "{{#include file.rs:component}}", "{{#title My Title}}"):
        assert example in "".join(code_blocks(features))
    assert "{{#playground example.rs editable}}" in features and "\\{{#" not in features
    assert 'fn main() {\n    println!("Hello World!");\n}' in "".join(code_blocks(features))  # {{#playground}}
    developers = "".join(code_blocks(article(book, "src/for_developers/preprocessors.md").html))
    assert "{{#include ../../../examples/nop-preprocessor.rs}}" in developers  # refused, left as written
    intro = prose(article(book, "src/README.md").html)
    assert "Version: {{ mdbook-version }}" in intro


def test_guide_hides_what_mdbook_hides(mdbook_build):
    blocks = code_blocks(article(mdbook_build.book, "src/format/mdbook.md").html)
    shown_rust = blocks[blocks.index(next(b for b in blocks if b.startswith("# fn main() {"))) + 1]
    assert shown_rust.startswith("    let x = 5;") and "# }" not in shown_rust  # the bash copy keeps its '#'
    assert "nothidden():\n    nothidden()\n" in blocks  # book.toml's python = "~"
    maths = article(mdbook_build.book, "src/format/mathjax.md").html
    assert maths.count("<math") == 2  # \\( … \\) and \\[ … \\]; the ones in code stay code


def test_guide_nav_and_outline_follow_summary(mdbook_build):
    order = expected_order("mdbook-guide")
    titles = {a.source: a.title for a in mdbook_build.book.articles}
    levels = []  # (nav level, title): two spaces of indent per level, a part as "# Title"
    for line in order:
        entry = line.strip()
        level = (len(line) - len(line.lstrip())) // 2 + 1
        levels.append((level, entry[2:] if entry.startswith("# ") else titles[entry]))
    with zipfile.ZipFile(book_file(mdbook_build, ".epub")) as epub:
        nav = etree.fromstring(epub.read("EPUB/nav.xhtml"))
    toc = nav.xpath('//x:nav[@*[local-name()="type"]="toc"]/x:ol', namespaces=XHTML)[0]
    found = []

    def walk(ol, level):
        for li in ol.iterfind("x:li", XHTML):
            label = li.find("x:a", XHTML) if li.find("x:a", XHTML) is not None else li.find("x:span", XHTML)
            found.append((level, "".join(label.itertext()).strip()))
            for sub in li.iterfind("x:ol", XHTML):
                walk(sub, level + 1)

    walk(toc, 1)
    assert [entry for entry in found if entry[1] != "Credits"] == levels
    outline = pdf_outline(book_file(mdbook_build, ".pdf"))
    entries = iter(outline)
    for level, title in levels:  # in order, each at its level (the chapters' own headings between them)
        assert any((lvl, t) == (level, title) for lvl, t, _ in entries), (level, title)
    assert pdfinfo(book_file(mdbook_build, ".pdf"))["Tagged"] == "yes"


def test_guide_epubcheck_finds_nothing(mdbook_build):
    assert epubcheck_problems(book_file(mdbook_build, ".epub")) == []
