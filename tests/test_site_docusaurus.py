"""Docusaurus sites: docs/ in the order of the sidebar Docusaurus generates, MDX made Markdown, nothing run.

The fixture site tests/cases/sites/docusaurus/window-box has categories (with
and without an index page, _category_.json and .yml), positions, number
prefixes, labels, a slug, a draft, a partial, an .mdx page with imports, Tabs,
an expression and admonitions, and a sidebars.js; it is built once, EPUB only,
and must come out in the order of the hand-checked window-box.order. The
sidebar rules, the config reading and the MDX pass are tested on their own.
"""

from __future__ import annotations

import dataclasses
import json
import zipfile
from collections import Counter

import pytest
from lxml import etree
from site_outline import book_nesting, book_order, nav_nesting
from site_outline import outline_lines as outline_order
from site_outline import read_order as expected_order

from packager.content.linkmap import LinkMap
from packager.content.preprocess.mdx import COMPONENTS, EXPRESSIONS, IMPORTS, docusaurus_page
from packager.diagnostics import Diagnostics
from packager.project import config as config_module
from packager.project import sites
from packager.project.sites import docusaurus
from packager.project.sites.js_config import string_settings

from conftest import TESTS, article_context, book_file, build_into
from validators import epubcheck_problems

CASES = TESTS / "cases" / "sites" / "docusaurus"
SITE = CASES / "window-box"
XHTML = "{http://www.w3.org/1999/xhtml}"


@pytest.fixture(scope="module")
def site_build(tmp_path_factory):
    """The window-box site, built once (EPUB only)."""
    return build_into(SITE, tmp_path_factory.mktemp("docusaurus") / "dist", formats=("epub",))


def _page(result, name: str):
    with zipfile.ZipFile(book_file(result, ".epub")) as epub:
        return etree.fromstring(epub.read(f"EPUB/{name}.xhtml"))


def test_the_site_is_in_sidebar_order_nested_as_its_categories(site_build):
    assert book_order(site_build.book) == expected_order(CASES / "window-box.order")
    assert nav_nesting(book_file(site_build, ".epub")) == book_nesting(site_build.book)
    titles = {a.source or f"# {a.title}": a.title for a in site_build.book.articles}
    assert titles["docs/watering.md"] == "Watering"  # sidebar_label, over the page's heading
    assert titles["docs/soil/index.md"] == "Soil"  # the category's label, over its index page's heading
    assert titles["docs/intro.md"] == "Start here"  # front matter title


def test_the_build_says_what_it_read_and_warns_once_per_kind(site_build):
    assert site_build.summary["read_as"] == [
        "read as a Docusaurus site (docusaurus.config.js): 10 pages in sidebar order, 1 left out",
        "  sidebars.js cannot be run: the order is the sidebar Docusaurus generates "
        "(sidebar_position, _category_ files, file names)",
        "  docusaurus.config.js cannot be run: read its plain string settings only "
        "(title, tagline, url, baseUrl, organizationName, projectName)",
    ]
    assert Counter(w.kind for w in site_build.diagnostics.warnings) == {
        "drafts left out": 1,  # seasons/winter-plans.md; the partial _shared-tip.mdx is no page, and no news
        IMPORTS: 1,
        COMPONENTS: 1,
        EXPRESSIONS: 1,
        "articles without an author": 1,
    }
    compost = [w for w in site_build.diagnostics.warnings if w.path == "docs/soil/02-compost.mdx"]
    assert [(w.kind, w.line) for w in compost] == [(IMPORTS, 5), (COMPONENTS, 15), (EXPRESSIONS, 16)]
    assert "<Highlight>, <SharedTip>, <TabItem>, <Tabs>" in compost[1].message


def test_the_books_metadata_comes_from_the_configs_plain_strings(site_build):
    book = site_build.book
    assert (book.title, book.subtitle) == ("Window Box Gardening", "Growing food on a sill")
    assert (book.base_url, book.repository) == (
        "https://example.org/window-box/",
        "https://github.com/example/window-box",
    )


def test_links_slugs_and_static_images_resolve(site_build):
    intro = _page(site_build, "intro")
    hrefs = [a.get("href") for a in intro.iter(f"{XHTML}a")]
    assert hrefs == ["soil-01-mixes.xhtml", "soil-02-compost.xhtml", "seasons-autumn.xhtml"]  # /docs/fall: a slug
    assert [img.get("src") for img in intro.iter(f"{XHTML}img")] == ["assets/static/img/trowel.png"]


def test_mdx_becomes_markdown_and_code_stays_as_written(site_build):
    compost = _page(site_build, "soil-02-compost")
    text = "".join(compost.itertext())
    assert "import" not in text and "Highlight" not in text.replace("<Tabs>", "")
    assert [p.text for p in compost.iter(f"{XHTML}p") if p.get("class") == "admonition-title"] == ["Turn it weekly"]
    assert [s.text for s in compost.iter(f"{XHTML}strong")] == ["Hot bin", "Worm bin"]
    code = "".join(compost.find(f".//{XHTML}pre").itertext())
    assert code.startswith('<Tabs>\n  <TabItem value="kept">')
    hose = _page(site_build, "tools-hose")
    assert [p.text for p in hose.iter(f"{XHTML}p") if p.get("class") == "admonition-title"] == ["Which to choose"]


def test_the_site_passes_epubcheck(site_build):
    assert epubcheck_problems(book_file(site_build, ".epub")) == []


# --- the sidebar, read without building ----------------------------------------------------------------------------


def _site(tmp_path, docs: dict[str, str], **extra: str) -> sites.Site:
    (tmp_path / "docusaurus.config.js").write_text(extra.pop("config", "module.exports = {};\n"))
    for rel, text in {**docs, **extra}.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    return docusaurus.read(tmp_path, config_module.load(tmp_path), Diagnostics())


def test_positions_first_then_names_and_number_prefixes_as_positions(tmp_path):
    site = _site(
        tmp_path,
        {
            "docs/b.md": "# B\n",
            "docs/a.md": "# A\n",
            "docs/10-ten.md": "# Ten\n",
            "docs/2-two.md": "# Two\n",
            "docs/2021-01-01-diary.md": "# A date is not a position\n",
            "docs/z.md": "---\nsidebar_position: 0.5\n---\n# Z\n",
            "docs/guide/guide.md": "---\nsidebar_label: The guide\nsidebar_position: 3\n---\n# Guide\n",
            "docs/guide/step.md": "# Step\n",
        },
    )
    assert outline_order(site.outline) == [
        "docs/z.md",
        "docs/2-two.md",
        "docs/guide/guide.md",  # a folder-named doc is its category's page, its position the category's
        "  docs/guide/step.md",
        "docs/10-ten.md",
        "docs/2021-01-01-diary.md",
        "docs/a.md",
        "docs/b.md",
    ]
    assert site.outline[2].title == "The guide"


def test_category_links_and_labels(tmp_path):
    site = _site(
        tmp_path,
        {
            "docs/02-basics/index.md": "# Basics\n",
            "docs/02-basics/one.md": "# One\n",
            "docs/01-api/_category_.json": json.dumps({"link": {"type": "generated-index"}}),
            "docs/01-api/index.md": "# Not the category's page: its link is a generated index\n",
            "docs/extra/_category_.yml": "label: Extras\nlink:\n  type: doc\n  id: start\n",
            "docs/extra/01-start.md": "# Start\n",
            "docs/extra/more.md": "# More\n",
        },
    )
    # Positions: api 1 (its folder's number), extra 1 (its page's number), basics 2; then by folder name.
    assert outline_order(site.outline) == [
        "# api",
        "  docs/01-api/index.md",
        "docs/extra/01-start.md",
        "  docs/extra/more.md",
        "docs/02-basics/index.md",
        "  docs/02-basics/one.md",
    ]
    assert [entry.title for entry in site.outline] == ["api", "Extras", None]


def test_drafts_unlisted_docs_and_partials(tmp_path):
    diagnostics = Diagnostics()
    (tmp_path / "docusaurus.config.js").write_text("module.exports = {};\n")
    for rel, text in {
        "docs/a.md": "# A\n",
        "docs/b.md": "---\ndraft: true\n---\n# B\n",
        "docs/c.mdx": "---\nunlisted: true\n---\n# C\n",
        "docs/_d.mdx": "A partial.\n",
        "docs/_parts/e.md": "In a partials folder.\n",
    }.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    site = docusaurus.read(tmp_path, config_module.load(tmp_path), diagnostics)
    assert outline_order(site.outline) == ["docs/a.md"]
    assert site.left_out == (("docs/b.md", "draft: true"), ("docs/c.mdx", "unlisted: true"))
    assert set(site.ignored) == {"docs/_d.mdx", "docs/_parts/e.md", "docs/b.md", "docs/c.mdx"}
    assert [(w.path, w.kind) for w in diagnostics.warnings] == [
        ("docs/b.md", "drafts left out"),
        ("docs/c.mdx", "pages not in the site's navigation"),
    ]


def test_a_bad_category_file_is_one_error(tmp_path):
    from packager.errors import ConfigError

    with pytest.raises(ConfigError) as caught:
        _site(tmp_path, {"docs/x/a.md": "# A\n", "docs/x/_category_.json": '{\n  "label": "X",\n}\n'})
    assert (caught.value.path, caught.value.line) == ("docs/x/_category_.json", 3)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("01-intro", ("intro", 1)),
        ("003 - notes", ("notes", 3)),
        ("1.0-release", ("1.0-release", None)),
        ("x", ("x", None)),
    ],
)
def test_number_prefixes(name, expected):
    assert docusaurus.number_prefix(name) == expected


# --- docusaurus.config.js, read as text -----------------------------------------------------------------------------


def test_only_plain_strings_of_the_config_object_are_read():
    text = """
    // title: 'a comment'
    const nav = {title: 'Navbar title', baseUrl: 1};
    export default {
      title: "Field notes",
      tagline: `Written ${"live"}`,
      url: 'https://example.org',
      baseUrl: '/notes/',
      themeConfig: {navbar: {title: 'Not this'}},
      organizationName: someVariable,
    };
    """
    assert string_settings(text, "baseUrl") == {
        "title": "Field notes",
        "url": "https://example.org",
        "baseUrl": "/notes/",
    }


@pytest.mark.parametrize(
    "text",
    [
        "module.exports = {...base, title: 'Maybe overridden', baseUrl: '/'};",  # a spread may set anything
        "module.exports = {title: 'One', title: 'Two', baseUrl: '/'};",  # a key set twice
        "module.exports = {title: 'Unclosed, baseUrl: '/'};",  # a scan that fails reads nothing
        "const a = {baseUrl: '/a/'}; const b = {baseUrl: '/b/'};",  # two candidates: neither
    ],
)
def test_what_cannot_be_read_for_sure_is_not_read(text):
    assert string_settings(text, "baseUrl") == {}


def test_the_templates_placeholders_are_not_metadata(tmp_path):
    config = "module.exports = {title: 'My Site', tagline: 'Dinosaurs are cool', baseUrl: '/',\n"
    config += (
        "  url: 'https://your-docusaurus-site.example.com', organizationName: 'facebook', projectName: 'docusaurus'};\n"
    )
    site = _site(tmp_path, {"docs/a.md": "# A\n"}, config=config)
    assert site.metadata == sites.SiteMetadata()
    assert "gives no plain string title" in site.notes[-1]


def test_a_docusaurus_site_is_found_by_its_config(tmp_path):
    assert sites.detect(SITE) == "docusaurus"
    (tmp_path / "docusaurus.config.ts").write_text("export default {};\n")
    assert sites.detect(tmp_path) == "docusaurus"


# --- the MDX pass, without building --------------------------------------------------------------------------------


def _pass(tmp_path, text: str, rel: str = "docs/page.mdx"):
    ctx = dataclasses.replace(article_context(tmp_path, text), rel=rel, site="docusaurus")
    out = docusaurus_page(ctx, text)
    assert out.count("\n") == text.count("\n")  # every line stays on its line
    return out, ctx.diagnostics.warnings


def test_imports_and_exports_end_at_a_blank_line(tmp_path):
    out, warnings = _pass(
        tmp_path, "import A from './a';\nimport {\n  B,\n} from 'b';\n\nexport const x = {\n  y: 1,\n};\n\nText.\n"
    )
    assert out.split("\n")[-2] == "Text." and not out.replace("Text.", "").strip()
    assert [(w.kind, w.line) for w in warnings] == [(IMPORTS, 1)]


def test_components_go_their_content_stays_dedented(tmp_path):
    text = '<Tabs>\n  <TabItem value="a" label="Apple">\n    Crisp.\n\n        code? no: dedented\n  </TabItem>\n'
    text += '  <TabItem\n    value="p"\n    label="Pear">\n    Soft.\n  </TabItem>\n</Tabs>\n<Spacer height={2} />\n'
    out, warnings = _pass(tmp_path, text)
    lines = [line for line in out.split("\n") if line.strip()]
    assert lines == ["**Apple**  ", "Crisp.", "    code? no: dedented", "**Pear**  ", "Soft."]
    assert [w.kind for w in warnings] == [COMPONENTS]
    assert "<Spacer>, <TabItem>, <Tabs>" in warnings[0].message


def test_tabs_labels_given_on_the_tabs_as_docusaurus_2_writes_them(tmp_path):
    text = "<Tabs\n  values={[\n    {label: 'Linux', value: 'lin'},\n    {value: 'win', label: 'Windows'},\n  ]\n}>\n"
    text += (
        '<TabItem value="lin">\n\nRun it.\n\n</TabItem>\n<TabItem value="win">\n\nClick it.\n\n</TabItem>\n</Tabs>\n'
    )
    out, _ = _pass(tmp_path, text)
    assert [line for line in out.split("\n") if line.strip()] == [
        "**Linux**  ",
        "Run it.",
        "**Windows**  ",
        "Click it.",
    ]


def test_admonitions_become_alerts_nested_and_titled(tmp_path):
    text = "::::warning[Careful]\nOuter.\n\n:::tip\nInner.\n:::\n::::\n:::note Plain title\nBody.\n:::\n:::unknown\nkept\n:::\n"
    out, _ = _pass(tmp_path, text, rel="docs/page.md")
    assert out.split("\n") == [
        "> [!WARNING] Careful",
        "> Outer.",
        ">",
        "> > [!TIP]",
        "> > Inner.",
        ">",
        "",
        "> [!NOTE] Plain title",
        "> Body.",
        "",
        ":::unknown",
        "kept",
        ":::",
        "",
    ]


def test_code_is_never_changed(tmp_path):
    text = "Use `<Tabs>` and `{x}` here.\n\n```jsx\nimport X from 'x';\n<Tabs>{value}</Tabs>\n:::tip\n```\n"
    out, warnings = _pass(tmp_path, text)
    assert out == text and warnings == []


def test_expressions_are_mdxs_alone(tmp_path):
    text = "## Heading {#kept-id}\n\nSet {a, b} and {/* quiet */} and \\{escaped}.\n"
    out, warnings = _pass(tmp_path, text)
    assert out == "## Heading {#kept-id}\n\nSet  and  and \\{escaped}.\n"
    assert [w.kind for w in warnings] == [EXPRESSIONS]
    same, none = _pass(tmp_path, text, rel="docs/page.md")
    assert same == text.replace("{/* quiet */}", "") and none == []
    out, warnings = _pass(tmp_path, "{/* A comment\n  over lines */}\nText.\n", rel="docs/page.md")
    assert (out, warnings) == ("\n\nText.\n", [])


def test_a_code_block_component_is_a_fenced_code_block(tmp_path):
    text = '<CodeBlock language="python" title="x.py">\n  {`print("hi")\nif a:\n    b()`}\n</CodeBlock>\n'
    out, warnings = _pass(tmp_path, text)
    assert out == '```python\nprint("hi")\nif a:\n    b()\n```\n'
    assert warnings == []


def test_html_keeps_its_tags_without_jsx_expressions(tmp_path):
    out, warnings = _pass(tmp_path, '<div className="box" style={{color: "red"}}>Boxed</div>\n')
    assert out == '<div class="box">Boxed</div>\n'
    assert [w.kind for w in warnings] == [EXPRESSIONS]


# --- links: .mdx files, slugs, /docs/ URLs (content.linkmap) -------------------------------------------------------


def test_links_to_mdx_files_slugs_and_docs_urls():
    links = LinkMap(
        [
            ("docs/a.md", "a", {}),
            ("docs/guide/b.mdx", "b", {"slug": "bee"}),
            ("docs/guide/c.md", "c", {"slug": "/sea"}),
        ],
        root="docs",
    )
    assert links.resolve("docs/a.md", "guide/b.mdx") == "b"
    assert links.resolve("docs/a.md", "/docs/guide/bee") == "b"  # a relative slug: beside its file
    assert links.resolve("docs/a.md", "/sea") == links.resolve("docs/guide/b.mdx", "/docs/sea") == "c"
    assert links.resolve("docs/a.md", "/docs/a") == "a"
