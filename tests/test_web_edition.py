"""The web edition: a page per article under read/, checked in a real browser and with real validators.

One build of the Repair Café fixture (4 bundles) serves every browser test, and one Chromium loads all its pages.
"""

from __future__ import annotations

import json
import posixpath
from dataclasses import replace
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
from lxml import html as lxml_html

from packager.book.model import Article, Asset, Book, Cause, Library, Person, Recommendation
from packager.diagnostics import Diagnostics
from packager.project import themes
from packager.render.context import SiteContext
from packager.render.site import addresses, web
from packager.render.site.web import html as web_html

from conftest import TESTS, build_into
from validators import AXE_JS, AXE_TAGS, CHROMIUM, CHROMIUM_ARGS, require_tool, serve_dir, vnu

FIXTURE = TESTS / "cases" / "bundles" / "library"
SAMPLE = ["fixing-toasters", "fixing-lamps", "fixing-bicycles"]  # maths and a footnote, an image, a table


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The fixture's four bundles, built once for this module."""
    return build_into(FIXTURE, tmp_path_factory.mktemp("web") / "dist")


@pytest.fixture(scope="module")
def served(site):
    """dist/ on 127.0.0.1, and one Chromium for every page of the module."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        sync_playwright = None
    require_tool("playwright", sync_playwright is not None, "pip install playwright")
    require_tool("chromium", Path(CHROMIUM).is_file(), "apt-get install chromium")
    with serve_dir(site.output) as base, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield base, browser
        finally:
            browser.close()


def web_pages(site) -> list[str]:
    """Every page of the web edition, as paths from the root of dist/."""
    return sorted(p.relative_to(site.output).as_posix() for p in (site.output / "read").rglob("*.html"))


def test_every_article_a_bundle_holds_has_exactly_one_page(site):
    library = site.library
    held = {a.slug for a in library.articles if not a.is_generated and library.books_with(a.source)}
    pages = {p.parent.name for p in (site.output / "read").glob("*/index.html")}
    assert len(held) == 12 and pages == held
    assert "introduction" not in pages  # index.md is in no bundle
    assert {f"read/{b.slug}.html" for b in library.books} <= set(web_pages(site))
    toasters = (site.output / "read/fixing-toasters/index.html").read_text(encoding="utf-8")
    assert toasters.count('<h1 id="fixing-toasters-title">') == 1
    assert (site.output / "read/assets/images/holder.png").read_bytes() == (FIXTURE / "images/holder.png").read_bytes()


def test_every_page_is_valid_html(site):
    assert vnu([site.output / p for p in web_pages(site)]) == []


def test_pages_keep_maths_footnotes_and_images(site):
    toasters = lxml_html.parse(str(site.output / "read/fixing-toasters/index.html")).getroot()
    assert toasters.xpath("//div[@class='math']/math[@display='block']//mfrac")
    [noteref] = toasters.xpath("//a[@class='noteref']")
    assert toasters.get_element_by_id(noteref.get("href")[1:]) is not None
    [link] = toasters.xpath("//a[normalize-space()='safety checks']")
    assert link.get("href") == "../running-safety-checks/index.html"
    lamps = lxml_html.parse(str(site.output / "read/fixing-lamps/index.html")).getroot()
    assert [img.get("src") for img in lamps.iter("img")] == ["../assets/images/holder.png"]
    bicycles = lxml_html.parse(str(site.output / "read/fixing-bicycles/index.html")).getroot()
    assert bicycles.xpath("//div[@class='table-scroll']/table")


def _relative_targets(site, page: str) -> list[tuple[str, str]]:
    """(href, the path it names from the root of dist/) for each relative link and source on page."""
    tree = lxml_html.parse(str(site.output / page)).getroot()
    found = []
    for element in tree.iter():
        for name in ("href", "src"):
            value = element.get(name)
            if value and not urlsplit(value).scheme and not value.startswith("#"):
                path = value.split("#", 1)[0]
                found.append((value, posixpath.normpath(posixpath.join(posixpath.dirname(page), path))))
    return found


def test_every_relative_link_names_a_file_and_its_anchor_exists(site):
    for page in web_pages(site):
        for href, path in _relative_targets(site, page):
            assert not href.endswith("/"), (page, href)  # file:// opens no folder's index.html
            assert (site.output / path).is_file(), (page, href)
            if "#" in href and path.endswith(".html"):
                anchor = href.split("#", 1)[1]
                assert lxml_html.parse(str(site.output / path)).getroot().get_element_by_id(anchor, None) is not None


def test_share_links_carry_the_page_own_url_and_title(site):
    library = site.library
    for slug in {p.parent.name for p in (site.output / "read").glob("*/index.html")}:
        page = addresses.article_page(slug)
        url = f"https://books.example.org/repair/read/{slug}/"
        tree = lxml_html.parse(str(site.output / page)).getroot()
        title = tree.findtext(".//h1")
        assert tree.xpath("//link[@rel='canonical']/@href") == [url]
        links = tree.xpath("//ul[@class='share-links']//a/@href")
        assert len(links) == len(library.share_providers)
        for href in links:
            if href == "#web-mastodon":  # no server named: the page itself says how to share
                [instructions] = tree.xpath("//div[@id='web-mastodon']")
                assert url in instructions.text_content() and quote(url, safe="") in instructions.text_content()
            else:
                assert quote(url, safe="") in href, href
        assert any(quote(title, safe="") in href for href in links)
        data = json.loads(tree.xpath("//script[@type='application/ld+json']/text()")[0])
        assert data["@type"] == "Article" and data["url"] == url and data["isAccessibleForFree"] is True
        holders = library.books_with(next(a.source for a in library.articles if a.slug == slug))
        assert [b["name"] for b in data["isPartOf"]] == [b.title for b in holders]


def test_downloads_and_causes_on_every_page(site):
    for page in web_pages(site):
        text = (site.output / page).read_text(encoding="utf-8")
        assert 'href="https://example.com/tool-library">The Open Tool Library</a>' in text, page
        assert "<script" not in text.replace('<script type="application/ld+json">', ""), page
        assert "<form" not in text and "Content-Security-Policy" in text, page
    toasters = lxml_html.parse(str(site.output / "read/fixing-toasters/index.html")).getroot()
    files = toasters.xpath("//section[@class='downloads']//a/@href")
    for bundle in ("electrical", "first-evening", "workbench"):
        assert {f"../../{bundle}/index.html", f"../../{bundle}/{bundle}.epub", f"../../{bundle}/{bundle}.pdf"} <= set(
            files
        )
    assert len(toasters.xpath("//div[@class='in-book']")) == 3


def test_axe_finds_nothing_at_360_and_1280_and_nothing_leaves_the_server(site, served):
    """Every page of the edition (12 articles, 4 contents pages), at both widths."""
    require_tool("axe-core", AXE_JS.is_file(), "run tests/install.sh")
    base, browser = served
    axe_js = AXE_JS.read_text(encoding="utf-8")
    sample = web_pages(site)
    assert {addresses.article_page(s) for s in SAMPLE} | {"read/organisers.html"} <= set(sample)
    requests: list[str] = []
    for width in (360, 1280):
        page = browser.new_page(viewport={"width": width, "height": 800})
        page.on("request", lambda r: requests.append(r.url))
        for path in sample:
            page.goto(base + path, wait_until="load")
            page.evaluate(axe_js)
            result = page.evaluate(
                "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
            )
            assert [(v["id"], [n["target"] for n in v["nodes"]]) for v in result["violations"]] == [], (path, width)
        page.close()
    assert requests and all(r.startswith(base) for r in requests), requests


def test_no_page_scrolls_sideways_at_360(site, served):
    base, browser = served
    page = browser.new_page(viewport={"width": 360, "height": 800})
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    wide = []
    for path in web_pages(site):
        page.goto(base + path, wait_until="load")
        if page.evaluate("document.documentElement.scrollWidth") > 360:
            wide.append(path)
    page.close()
    assert wide == []
    assert all(r.startswith(base) for r in requests), [r for r in requests if not r.startswith(base)]


def test_next_links_lead_through_one_bundle_in_its_order(site, served):
    base, browser = served
    organisers = next(b for b in site.library.books if b.slug == "organisers")
    order = [a.title for a in organisers.articles if not a.is_generated]
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    page.goto(base + addresses.article_page(organisers.articles[0].slug))
    seen = [page.inner_text("h1")]
    nexts = page.locator('[data-book="organisers"] a[rel="next"]')
    while nexts.count():
        nexts.click()
        page.wait_for_load_state()
        seen.append(page.inner_text("h1"))
        assert len(seen) <= len(order)
    assert seen == order
    assert page.locator('[data-book="organisers"] a[rel="prev"]').count() == 1
    page.close()


def test_a_page_opened_from_file_loads_its_stylesheet_and_links(site, served):
    _, browser = served
    page = browser.new_page(viewport={"width": 360, "height": 800})
    page.goto((site.output / "read/fixing-lamps/index.html").as_uri(), wait_until="load")
    assert '"Noto Sans"' in page.evaluate("getComputedStyle(document.body).fontFamily")
    assert page.evaluate("getComputedStyle(document.querySelector('.in-book')).borderTopLeftRadius") != "0px"
    target = page.evaluate("document.querySelector('[data-book=\"workbench\"] a[rel=next]').href")
    assert target.startswith("file://") and Path(urlsplit(target).path).is_file()
    assert page.evaluate("document.querySelector('img').naturalWidth") > 0
    page.close()


# ---------------------------------------------------------------- a hand-made library, no browser


def _library(tmp_path: Path, **changes) -> Library:
    image = tmp_path / "dot.png"
    image.write_bytes((FIXTURE / "images/holder.png").read_bytes())
    first = Article(
        source="a.md",
        slug="a",
        title="First <one>",
        html='<p>x<span/>y<a id="a--here"/></p><table><tr><td/><td style="text-align: right">2</td></tr></table>'
        '<p><img src="assets/dot.png" alt="dot"/> <a href="#b--there">on</a> <a href="#a--here">here</a>'
        ' <a href="#nowhere">gone</a></p>',
        ids=frozenset({"a", "a--here"}),
        authors=(Person("Ann", "https://example.org/ann"),),
        license="CC0-1.0",
        recommends=(Recommendation("Their Book", "https://example.net/theirs", "Bo", "Because.", "a.md"),),
    )
    part = Article(source="", slug="part-1", title="Part One", html="", kind="part", ids=frozenset({"part-1"}))
    second = Article(
        source="b.md",
        slug="b",
        title="Second",
        html='<p id="b--there">z</p>',
        depth=1,
        ids=frozenset({"b", "b--there"}),
    )
    credits = Article(source="", slug="credits", title="Credits", html="", kind="credits")
    book = Book(
        title="Tiny",
        slug="tiny",
        language="en",
        articles=(first, part, second, credits),
        license="CC-BY-4.0",
        recommended=(Recommendation("Spot", "https://example.net/spot", "Cy", "Worth it."),),
    )
    library = Library(
        title="Tiny",
        language="en",
        books=(book,),
        articles=(first, part, second),
        assets=(Asset("assets/dot.png", image, "image/png"),),
        causes=(Cause("Good Cause", "https://example.com/cause", "Helps."),),
        share_providers=("x", "mastodon"),
    )
    return replace(library, **changes)


def _render(library: Library, out: Path) -> dict[str, bytes]:
    theme = themes.load("default", out)
    outputs = web.render(SiteContext(library, theme, out, Diagnostics(), 0))
    return {o.path: (out / o.path).read_bytes() for o in outputs}


def test_a_one_book_site_without_base_url(tmp_path):
    written = _render(_library(tmp_path), tmp_path / "one")
    assert set(written) == {
        "read/assets/web.css",
        "read/assets/dot.png",
        "read/a/index.html",
        "read/b/index.html",
        "read/index.html",
    }
    page = written["read/a/index.html"].decode()
    assert "<span></span>" in page and "<td></td>" in page and '<a id="a--here"></a>' in page
    assert 'class="align-right"' in page and "style=" not in page
    assert '<img src="../assets/dot.png" alt="dot">' in page
    assert '<a href="../b/index.html#b--there">on</a> <a href="#a--here">here</a> <a>gone</a>' in page
    assert "First &lt;one&gt;" in page and "share-links" not in page and "no base_url" in page
    assert '<a href="https://example.net/theirs">Their Book</a> by Bo: Because.' in page
    assert 'href="https://creativecommons.org/publicdomain/zero/1.0/"' in page
    assert '<a href="../../index.html">Tiny</a>' in page and '<a href="../index.html">Contents</a>' in page
    assert '<a href="https://example.com/cause">Good Cause</a>: Helps.' in page
    assert '<li class="next"><a rel="next" href="../b/index.html">' in page and 'rel="prev"' not in page
    assert "\\u003cone>" in page  # no '<' in the JSON-LD
    contents = written["read/index.html"].decode()
    assert (
        '<span class="part-title">Part One</span>' in contents and 'class="depth-1"><a href="b/index.html">' in contents
    )
    assert ">Credits<" not in contents  # back matter has no page
    assert '<a href="https://example.net/spot">Spot</a> by Cy: Worth it.' in contents
    assert _render(_library(tmp_path), tmp_path / "two") == written  # the same inputs, the same bytes


def test_mastodon_without_a_server_is_explained_on_the_page(tmp_path):
    written = _render(_library(tmp_path, base_url="https://example.org/tiny/"), tmp_path / "out")
    page = written["read/a/index.html"].decode()
    assert '<a href="#web-mastodon">' in page and '<div class="mastodon-share" id="web-mastodon">' in page
    assert (
        "https://x.com/intent/tweet?text=First%20%3Cone%3E%20%E2%80%94%20Tiny&amp;url=https%3A%2F%2Fexample.org%2Ftiny%2Fread%2Fa%2F"
        in page
    )
    mastodon = page.split('id="web-mastodon">', 1)[1]
    assert "https://example.org/tiny/read/a/" in mastodon and "/share?text=" in mastodon
    assert not any(name.endswith("share-mastodon.html") for name in written)


def test_xhtml_void_and_empty_elements_become_html5():
    fragment = '<p>a<br/>b<wbr/>c<span class="x"/></p><div/><math xmlns="http://www.w3.org/1998/Math/MathML"><mi>x</mi><mspace width="1em"/></math>'
    result = web_html.article_html(fragment, "read/a/index.html", {}, frozenset())
    assert (
        result
        == '<p>a<br>b<wbr>c<span class="x"></span></p><div></div><math><mi>x</mi><mspace width="1em"></mspace></math>'
    )


def test_formulas_wider_than_a_phone_scroll_in_a_focusable_box():
    mrow = "".join(f"<msub><mi>a</mi><mn>{n}</mn></msub><mo>+</mo>" for n in range(1, 13))
    wide = f'<math xmlns="http://www.w3.org/1998/Math/MathML"><mrow>{mrow}</mrow></math>'
    short = '<math xmlns="http://www.w3.org/1998/Math/MathML"><mi>x</mi></math>'
    inline = web_html.article_html(f"<p>See {wide} and {short}.</p>", "read/a/index.html", {}, frozenset())
    assert inline.startswith('<p>See <span class="math-scroll" tabindex="0"><math>') and " and <math><mi>x" in inline
    block = web_html.article_html(f'<div class="math">{wide}</div>', "read/a/index.html", {}, frozenset())
    assert block.startswith('<div class="math" tabindex="0"><math>')


WIDE_ARTICLE = (
    "<p>See https://example.org/a/very/long/address/that/never/ends/and/keeps/going/on/and/on/index.html here.</p>"
    "<p><code>inline_code_that_is_extremely_long_and_has_no_spaces_in_it_whatsoever</code></p>"
    '<div class="highlight"><pre><span/><code>x = "a code line much wider than a phone screen could ever show in one go"'
    "</code></pre></div>"
    "<table><thead><tr>" + "<th>Supercalifragilistic</th>" * 8 + "</tr></thead></table>"
    '<div class="math"><math xmlns="http://www.w3.org/1998/Math/MathML" display="block"><mrow>'
    + "<msub><mi>a</mi><mn>1</mn></msub><mo>+</mo>" * 30
    + "</mrow></math></div>"
)


def test_long_words_code_tables_and_maths_never_widen_the_page(tmp_path, served):
    _, browser = served
    base = _library(tmp_path)
    wide = replace(base.articles[0], html=WIDE_ARTICLE, title="Anextraordinarilylongunbreakabletitlewordthatgoeson")
    library = replace(base, articles=(wide, *base.articles[1:]), books=(replace(base.books[0], articles=(wide,)),))
    out = tmp_path / "wide"
    _render(library, out)
    page = browser.new_page(viewport={"width": 360, "height": 800})
    page.goto((out / "read/a/index.html").as_uri(), wait_until="load")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert page.evaluate("document.querySelector('.table-scroll').scrollWidth") > 360  # it scrolls in its box
    page.evaluate(AXE_JS.read_text(encoding="utf-8"))
    result = page.evaluate("async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS)
    assert [v["id"] for v in result["violations"]] == []
    page.close()


def test_the_fixture_spotlight_is_on_the_pages_that_carry_it(site):
    lamps_article = next(a for a in site.library.articles if a.source == "fixing/lamps.md")
    lamps = (site.output / "read/fixing-lamps/index.html").read_text(encoding="utf-8")
    assert lamps_article.recommends, "the fixture's lamps.md recommends one work"
    assert "Recommended by the authors" in lamps
    assert '<a href="https://example.org/lighting-explained">Lighting at Home, Explained</a> by Jun Harlow' in lamps
    toasters = (site.output / "read/fixing-toasters/index.html").read_text(encoding="utf-8")
    assert "Recommended by the authors" not in toasters  # it recommends nothing of its own
    for book in site.library.books:
        contents = (site.output / addresses.contents_page(site.library, book)).read_text(encoding="utf-8")
        spots = [r for r in book.recommended if r.article is None]
        assert [s.title for s in spots] == ["The Right to Repair Reading List"], book.slug
        for spot in spots:
            assert f'<a href="{spot.url}">{spot.title}</a>' in contents, book.slug
