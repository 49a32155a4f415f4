"""The library page of a site of several books, the bundles' folders and files, and the download page's new parts.

One build of tests/cases/bundles/library (4 bundles) serves the whole module; the one-book tests build
examples/handbook and compare it with the SHA256SUMS of the build made before bundles existed.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from lxml import html as lxml_html

from conftest import EXAMPLE, REPO, build_into
from expect import squash, title_of
from validators import ace_serious, axe, epubcheck_problems, pdftotext_pages, serve_dir, vnu

LIBRARY = REPO / "tests" / "cases" / "bundles" / "library"
ONE_BOOK_SUMS = REPO / "tests" / "cases" / "bundles" / "one-book.SHA256SUMS"
ONE_BOOK_MANIFEST = REPO / "tests" / "cases" / "bundles" / "one-book.manifest.json"
# The golden files are the one-book site as built after issue 19 (its themes changed every file of it; before, they
# were a524f48's, from before issue 17). A later change that appends rules to landing.css may keep these first
# bytes (this many) unchanged; manifest.json and SHA256SUMS then differ only in that file's line.
OLD_LANDING_CSS_SIZE = 3132
LANDING_CSS = "assets/landing.css"

# Each bundle's articles in [content] order, read off the fixture's packager.toml and front matter by hand (not
# from packager): electrical and first-evening by tag, organisers by the section running/, workbench by fixing/*.md.
BUNDLES = {
    "electrical": ["fixing/toasters.md", "fixing/lamps.md", "fixing/laptops.md", "running/safety-checks.md"],
    "first-evening": [
        "fixing/toasters.md",
        "fixing/lamps.md",
        "fixing/bicycles.md",
        "fixing/zips.md",
        "running/volunteers.md",
    ],
    "organisers": [f"running/{n}.md" for n in ("venue", "volunteers", "safety-checks", "recording-repairs", "funding")],
    "workbench": [
        f"fixing/{n}.md" for n in ("toasters", "lamps", "bicycles", "zips", "knitwear", "laptops", "phones-batteries")
    ],
}
SPOTLIGHT = ("The Right to Repair Reading List", "https://example.net/repair-reading", "Mira Okafor")
CAUSE = ("The Open Tool Library", "https://example.com/tool-library")


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> Path:
    result = build_into(LIBRARY, tmp_path_factory.mktemp("library") / "dist")
    return result.output


def _page(path: Path):
    return lxml_html.fromstring(path.read_text(encoding="utf-8"))


def _sizes_as_shown(size: int) -> str:
    """How the page writes a size (the README's promise: bytes, then KB, then MB with one decimal)."""
    if size < 1000:
        return f"{size} bytes"
    return f"{size / 1000:.0f} KB" if size < 1_000_000 else f"{size / 1_000_000:.1f} MB"


# --------------------------------------------------------------------------- the library page


def test_library_page_links_every_bundle_and_every_file_with_its_size(dist):
    tree = _page(dist / "index.html")
    assert squash(tree.findtext(".//h1")) == "The Repair Café Handbook"
    assert "Free to download. No sign-up" in tree.text_content()
    cards = tree.find_class("book-card")
    assert [c.findtext(".//h3/a") for c in cards] == [
        "Electrical Repairs",
        "Your First Repair Evening",
        "Running a Repair Café",
        "The Workbench",
    ]
    for card, (slug, sources) in zip(cards, BUNDLES.items(), strict=True):
        hrefs = [a.get("href") for a in card.iter("a")]
        assert f"{slug}/index.html" in hrefs and f"read/{slug}.html" in hrefs
        files = {a.get("href"): a for a in card.iter("a") if a.get("download") is not None}
        assert set(files) == {f"{slug}/{slug}{ext}" for ext in (".epub", ".pdf", ".zip")}
        for href, link in files.items():
            shown = link.getparent().find_class("meta")[0].text_content()
            assert shown == _sizes_as_shown((dist / href).stat().st_size), href
        assert f"{len(sources)} articles" in card.text_content()
        image = card.find(".//img")
        assert image.get("src") == f"{slug}/assets/cover.png" and (dist / image.get("src")).is_file()
    feed = tree.find(".//link[@type='application/atom+xml']")
    assert feed.get("rel") == "alternate" and feed.get("href") == "feed.xml"


def test_every_local_link_of_the_site_pages_is_a_file_of_the_site(dist):
    """The web edition's pages too (read/<bundle>.html, read/<article>/): this fails until the web edition writes them."""
    missing = []
    for page in ("index.html", *(f"{slug}/index.html" for slug in BUNDLES)):
        tree = _page(dist / page)
        every = {a.get("href") for a in tree.iter("a")} | {
            e.get("src") or e.get("href") for e in tree.iter("img", "link")
        }
        local = {h.split("#")[0] for h in every if h and "://" not in h and not h.startswith(("#", "mailto:"))}
        if page == "index.html":
            assert {"feed.xml", "SHA256SUMS", *(f"read/{slug}.html" for slug in BUNDLES)} <= local
        missing += [f"{page} -> {h}" for h in sorted(local) if not (dist / page).parent.joinpath(h).resolve().is_file()]
    assert missing == []


def test_library_page_metadata_and_page_rules(dist):
    page = (dist / "index.html").read_text(encoding="utf-8")
    tree = lxml_html.fromstring(page)
    head = {m.get("property") or m.get("name"): m.get("content") for m in tree.iter("meta")}
    assert head["og:type"] == "website" and head["og:title"] == "The Repair Café Handbook"
    assert head["description"].startswith("Notes from a volunteer repair café")
    assert "default-src 'none'" in tree.find(".//meta[@http-equiv='Content-Security-Policy']").get("content")
    assert tree.find(".//link[@rel='canonical']").get("href") == "https://books.example.org/repair/"
    (script,) = tree.findall(".//script")
    assert script.get("type") == "application/ld+json"
    data = json.loads(script.text)
    assert data["@type"] == "CollectionPage"
    urls = [e["item"]["url"] for e in data["mainEntity"]["itemListElement"]]
    assert urls == [f"https://books.example.org/repair/{slug}/" for slug in BUNDLES]
    assert tree.findall(".//form") == [] and not re.search(r"\son[a-z]+=", page)
    for el in tree.iter("img", "link"):
        if el.tag == "img" or "stylesheet" in (el.get("rel") or ""):
            assert "://" not in (el.get("src") or el.get("href")), el.attrib
    for css in ("landing.css", "library.css"):
        text = (dist / "assets" / css).read_text()
        assert "url(" not in text and "@import" not in text


def test_library_page_shows_the_spotlight_and_the_cause_with_their_links(dist):
    tree = _page(dist / "index.html")
    (spotlight,) = tree.find_class("recommended")
    assert spotlight.findtext(".//h2") == "Recommended by the authors"
    title, url, author = SPOTLIGHT
    link = spotlight.find(".//li/a")
    assert (link.text, link.get("href")) == (title, url)
    assert f"by {author}" in spotlight.text_content()
    (causes,) = tree.find_class("causes")
    assert "These books are free. If they helped you, consider supporting" in squash(causes.text_content())
    name, url = CAUSE
    link = causes.find(".//li/a")
    assert (link.text, link.get("href")) == (name, url)


# --------------------------------------------------------------------------- the bundles' folders and files


def test_sha256sum_checks_every_file_of_the_site(dist):
    run = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=dist, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
    checked = [line.rsplit(": ", 1)[0] for line in run.stdout.splitlines()]
    assert "index.html" in checked and all(f"{slug}/{slug}.epub" in checked for slug in BUNDLES)


@pytest.mark.parametrize("slug", BUNDLES)
def test_each_bundle_folder_holds_its_books_page_and_credits(dist, slug):
    for name in (f"{slug}.epub", f"{slug}.pdf", f"{slug}.zip", "index.html", "credits.json", "CITATION.cff"):
        assert (dist / slug / name).is_file(), name
    page = _page(dist / slug / "index.html")
    hrefs = {a.get("href") for a in page.iter("a")}
    assert "../index.html" in hrefs and "../SHA256SUMS" in hrefs and f"../read/{slug}.html" in hrefs
    assert page.find(".//link[@type='application/atom+xml']").get("href") == "../feed.xml"
    listed = [squash(a.text_content()) for a in page.xpath("//span[@class='article-title']/a")]
    assert listed == [title_of(LIBRARY / s) for s in BUNDLES[slug]]
    assert SPOTLIGHT[1] in page.xpath("//section[@class='recommended']//a/@href")
    assert page.xpath("//section[@class='causes']//li/a/@href") == [CAUSE[1]]


@pytest.mark.parametrize("slug", BUNDLES)
def test_each_zip_holds_its_books_credits_and_licence(dist, slug):
    with zipfile.ZipFile(dist / slug / f"{slug}.zip") as archive:
        names = archive.namelist()
        beside = (f"{slug}.epub", f"{slug}.pdf", "credits.json", "CITATION.cff")
        assert sorted(names) == sorted(f"{slug}/{n}" for n in (*beside, "LICENSE.txt"))
        for name in beside:
            assert archive.read(f"{slug}/{name}") == (dist / slug / name).read_bytes(), name
        assert "CC-BY-4.0" in archive.read(f"{slug}/LICENSE.txt").decode()


def test_each_epub_passes_epubcheck_and_ace(dist):
    books = [dist / slug / f"{slug}.epub" for slug in BUNDLES]
    with ThreadPoolExecutor(max_workers=2) as pool:
        checked = list(pool.map(epubcheck_problems, books))
        accessible = list(pool.map(ace_serious, books))
    assert dict(zip(BUNDLES, checked, strict=True)) == dict.fromkeys(BUNDLES, [])
    assert dict(zip(BUNDLES, accessible, strict=True)) == dict.fromkeys(BUNDLES, [])


@pytest.mark.parametrize("slug", BUNDLES)
def test_each_pdf_is_tagged_and_its_contents_list_its_own_articles(dist, slug):
    import pikepdf

    path = dist / slug / f"{slug}.pdf"
    with pikepdf.open(path) as pdf:
        assert bool(pdf.Root.MarkInfo.Marked) is True
        assert "/StructTreeRoot" in pdf.Root
    pages = pdftotext_pages(path)
    opening = next(i for i, text in enumerate(pages) if text.lstrip().startswith("Contents"))
    contents = squash(" ".join(pages[opening : opening + 2]).split("Credits")[0])
    pool = {s: title_of(LIBRARY / s) for s in (p.relative_to(LIBRARY).as_posix() for p in LIBRARY.rglob("*.md"))}
    listed = {s for s, title in pool.items() if title in contents and s != "index.md"}
    assert listed == set(BUNDLES[slug])


# --------------------------------------------------------------------------- in the browser


def test_library_page_and_download_pages_are_valid_html(dist):
    assert vnu([dist / "index.html", *(dist / slug / "index.html" for slug in BUNDLES)]) == []


@pytest.mark.parametrize("width", [360, 1280])
def test_axe_finds_nothing_and_nothing_leaves_the_server(dist, width):
    with serve_dir(dist) as base:
        for page in ("index.html", "electrical/index.html"):
            violations, requests = axe(f"{base}{page}", width)
            assert violations == [], page
            assert requests and all(r.startswith(base) for r in requests), requests


def test_no_horizontal_scroll_at_360px(dist):
    from playwright.sync_api import sync_playwright

    from validators import CHROMIUM, CHROMIUM_ARGS

    with serve_dir(dist) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 360, "height": 800})
            for path in ("index.html", "electrical/index.html"):
                page.goto(f"{base}{path}")
                assert page.evaluate("document.documentElement.scrollWidth") <= 360, path
        finally:
            browser.close()


# --------------------------------------------------------------------------- one book: today's site, byte for byte


def _sums(path: Path) -> dict[str, str]:
    return {p: h for h, p in (line.split("  ", 1) for line in path.read_text().splitlines())}


def _handbook(tmp_path: Path, web: bool | None) -> Path:
    """examples/handbook copied outside the repository (no git facts), with [output] web set when asked."""
    source = tmp_path / "handbook"
    shutil.copytree(EXAMPLE, source)
    if web is not None:
        toml = source / "packager.toml"
        assert "[output]" not in toml.read_text()
        toml.write_text(toml.read_text() + f"\n[output]\nweb = {str(web).lower()}\n")
    return build_into(source, tmp_path / "dist").output


def _only_rules_appended(css: bytes, golden_sha256: str) -> bool:
    return hashlib.sha256(css[:OLD_LANDING_CSS_SIZE]).hexdigest() == golden_sha256


def test_one_book_without_the_web_edition_is_the_site_made_before_bundles(tmp_path):
    """The golden SHA256SUMS and manifest.json are examples/handbook's built outside git after issue 19."""
    dist = _handbook(tmp_path, web=False)
    golden, built = _sums(ONE_BOOK_SUMS), _sums(dist / "SHA256SUMS")
    assert set(built) == set(golden)
    differ = {p for p in golden if built[p] != golden[p]}
    assert differ <= {LANDING_CSS, "manifest.json"}, differ
    assert _only_rules_appended((dist / LANDING_CSS).read_bytes(), golden[LANDING_CSS])
    old, new = json.loads(ONE_BOOK_MANIFEST.read_text()), json.loads((dist / "manifest.json").read_text())
    assert hashlib.sha256(ONE_BOOK_MANIFEST.read_bytes()).hexdigest() == golden["manifest.json"]
    assert [f for f in new.pop("files") if f["path"] != LANDING_CSS] == [
        f for f in old.pop("files") if f["path"] != LANDING_CSS
    ]
    assert new == old
    if LANDING_CSS not in differ:  # before the Mastodon rule: every byte the same
        assert (dist / "SHA256SUMS").read_bytes() == ONE_BOOK_SUMS.read_bytes()


def test_one_book_with_the_web_edition_changes_only_the_pages_that_point_to_it(tmp_path):
    golden = _sums(ONE_BOOK_SUMS)
    dist = _handbook(tmp_path, web=None)
    built = _sums(dist / "SHA256SUMS")
    changed = {p for p in golden if built.get(p) != golden[p]}
    assert changed <= {"index.html", "sitemap.xml", "manifest.json", "SHA256SUMS", LANDING_CSS}, changed
    assert "index.html" in changed
    assert _only_rules_appended((dist / LANDING_CSS).read_bytes(), golden[LANDING_CSS])
    assert set(golden) <= set(built)
    assert all(p.startswith("read/") for p in set(built) - set(golden))
    page = _page(dist / "index.html")
    assert page.xpath("//p[@class='read-online']/a/@href") == ["read/index.html"]
    titles = page.xpath("//span[@class='article-title']/a/@href")
    assert titles and all(re.fullmatch(r"read/[a-z0-9-]+/index\.html", h) for h in titles)


# --------------------------------------------------------------------------- the download page, from a Book made by hand


def _download_page(tmp_path: Path, **fields) -> lxml_html.HtmlElement:
    from packager.book.model import Article, Book
    from packager.diagnostics import Diagnostics
    from packager.project.themes import load
    from packager.render.context import RenderContext
    from packager.render.site import landing

    def chapter(slug: str, depth: int = 0) -> Article:
        return Article(source=f"{slug}.md", slug=slug, title=slug.title(), html="<p>x</p>", depth=depth)

    def part(slug: str, depth: int = 0) -> Article:
        return Article(source=f"{slug}/", slug=slug, title=f"Part {slug}", html="", kind="part", depth=depth)

    articles = (
        chapter("opening"),
        part("one"),
        chapter("alpha", 1),
        part("inner", 1),
        chapter("beta", 2),
        chapter("gamma", 1),
        part("two"),
        chapter("delta", 1),
        Article(source="", slug="credits", title="Credits", html="", kind="credits"),
    )
    book = Book(title="Hand Made", slug="hand-made", language="en", articles=articles, modified="2026-01-01", **fields)
    destination = tmp_path / "page"
    destination.mkdir()
    ctx = RenderContext(book, load("default", tmp_path), destination, Diagnostics(), 1767225600)
    landing.render(ctx, [])
    return _page(destination / "index.html")


def test_parts_are_headings_and_only_chapters_are_numbered(tmp_path):
    page = _download_page(tmp_path)
    (section,) = page.xpath("//section[@aria-labelledby='contents-title']")
    assert section.xpath(".//li[contains(@class, 'part')]") == []
    headings = [(h.tag, h.text) for h in section.xpath("./h3 | ./h4")]
    assert headings == [("h3", "Part one"), ("h4", "Part inner"), ("h3", "Part two")]
    lists = [
        (ol.get("start"), [squash(t.text_content()) for t in ol.find_class("article-title")])
        for ol in section.iter("ol")
    ]
    # Numbering runs on across the parts: Opening 1, Alpha 2, Beta 3, Gamma 4 (back in part one), Delta 5.
    assert lists == [(None, ["Opening"]), ("2", ["Alpha"]), ("3", ["Beta"]), ("4", ["Gamma"]), ("5", ["Delta"])]
    assert section.xpath(".//a") == []  # no web edition: no links to it
    assert page.find_class("read-online") == [] and page.find_class("library-link") == []


def test_a_bundle_page_links_the_web_edition_the_library_and_shows_spotlight_and_causes(tmp_path):
    from packager.book.model import Cause, Recommendation

    page = _download_page(
        tmp_path,
        folder="hand-made/",
        web_root="../read/",
        recommended=(
            Recommendation("Other Work", "https://example.net/other", author="Someone Else", why="It is good."),
            Recommendation("Deep Dive", "https://example.net/deep", author="A. Writer", article="alpha.md"),
        ),
        causes=(Cause("The Cause", "https://example.com/cause", why="It helps."),),
    )
    links = page.xpath("//span[@class='article-title']/a/@href")
    assert links == [f"../read/{s}/index.html" for s in ("opening", "alpha", "beta", "gamma", "delta")]
    assert page.xpath("//p[@class='read-online']/a/@href") == ["../read/hand-made.html"]
    assert page.xpath("//p[@class='library-link']/a/@href") == ["../index.html"]
    (spotlight,) = page.find_class("recommended")
    assert spotlight.findtext("h2") == "Recommended by the authors"
    items = [squash(li.text_content()) for li in spotlight.iter("li")]
    assert items == ["Other Work by Someone Else: It is good.", 'Deep Dive by A. Writer (from "Alpha")']
    assert spotlight.xpath(".//a/@href") == ["https://example.net/other", "https://example.net/deep"]
    (causes,) = page.find_class("causes")
    assert "This book is free. If it helped you, consider supporting" in squash(causes.text_content())
    assert causes.xpath(".//li/a/@href") == ["https://example.com/cause"]


def test_a_one_book_page_reads_online_at_read_index(tmp_path):
    page = _download_page(tmp_path, web_root="read/")
    assert page.xpath("//p[@class='read-online']/a/@href") == ["read/index.html"]
    assert page.xpath("//span[@class='article-title']/a/@href")[0] == "read/opening/index.html"
    assert page.find_class("library-link") == []
    assert page.find(".//link[@type='application/atom+xml']").get("href") == "feed.xml"


def test_library_page_from_a_library_made_by_hand_without_the_web_edition(tmp_path):
    from PIL import Image

    from packager.book.model import Article, Book, Library
    from packager.diagnostics import Diagnostics
    from packager.project.themes import load
    from packager.render.context import Output, SiteContext
    from packager.render.site import library_page

    def book(slug: str, **fields) -> Book:
        chapter = Article(source=f"{slug}.md", slug=slug, title=slug.title(), html="<p>x</p>")
        return Book(title=f"Book {slug}", slug=slug, language="en", articles=(chapter,), folder=f"{slug}/", **fields)

    books = (book("one", subtitle="Its subtitle", description="Not shown"), book("two", description="Its line"))
    sizes = {"one/one.pdf": 1500, "one/one.epub": 999, "one/one.zip": 2_500_000, "two/two.epub": 10}
    outputs = [Output(path, {"pdf": "pdf", "epub": "epub", "zip": "bundle"}[path.rsplit(".", 1)[1]]) for path in sizes]
    for path, size in sizes.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_bytes(b"x" * size)
    (tmp_path / "one/assets").mkdir()
    Image.new("RGB", (300, 450)).save(tmp_path / "one/assets/cover.png")
    outputs.append(Output("one/assets/cover.png", "asset"))
    library = Library(title="Shelf", language="en", books=books, articles=(), web=False)
    ctx = SiteContext(library, load("default", tmp_path), tmp_path, Diagnostics(), 1767225600)
    written = library_page.render(ctx, outputs)
    assert {o.path for o in written} == {"index.html", "assets/landing.css", "assets/library.css"}
    assert all((tmp_path / o.path).is_file() for o in written)
    tree = _page(tmp_path / "index.html")
    first, second = tree.find_class("book-card")
    files = [(squash(li.text_content())) for li in first.find_class("book-files")[0].iter("li")]
    assert files == ["EPUB of Book one 999 bytes", "PDF of Book one 2 KB", "ZIP of Book one 2.5 MB"]
    assert first.find_class("book-line")[0].text == "Its subtitle"
    assert second.find_class("book-line")[0].text == "Its line"
    assert first.find(".//img").get("height") == "180" and second.find(".//img") is None
    assert not any("read/" in (a.get("href") or "") for a in tree.iter("a"))
    assert tree.find_class("recommended") == [] and tree.find_class("causes") == []


@pytest.mark.parametrize("slug", list(BUNDLES))
def test_each_book_recommends_the_spotlight_and_ends_with_the_cause(dist, slug):
    """Issue 17's fifth proof, in every bundle: the spotlight and the cause in the EPUB and the PDF, linked."""
    import pikepdf

    with zipfile.ZipFile(dist / slug / f"{slug}.epub") as epub:
        text = "".join(epub.read(n).decode() for n in sorted(epub.namelist()) if n.endswith(".xhtml"))
    title, url, author = SPOTLIGHT
    assert re.search(rf'<a href="{re.escape(url)}"><cite>{re.escape(title)}</cite></a> by {author}', text)
    assert f'<a href="{CAUSE[1]}">{CAUSE[0]}</a>' in text and "This book is free" in text
    lamps = "https://example.org/lighting-explained"  # lamps.md's own recommendation goes where lamps.md goes
    assert (f'href="{lamps}"' in text) == ("fixing/lamps.md" in BUNDLES[slug])
    pages = [squash(p) for p in pdftotext_pages(dist / slug / f"{slug}.pdf")]
    assert "This book is free" in pages[-1] and CAUSE[0] in pages[-1]
    # The recommendations open the back matter: after the last article, before the credits and share pages.
    rec = next(i for i, p in enumerate(pages) if i > 3 and "Recommended by the authors" in p)
    assert title in pages[rec] and author in pages[rec]
    assert rec >= len(pages) - 6 and "Credits" in " ".join(pages[rec + 1 :])
    with pikepdf.open(dist / slug / f"{slug}.pdf") as pdf:
        uris = {
            str(annot.A.URI)
            for page in pdf.pages
            for annot in page.get("/Annots", [])
            if "/A" in annot and "/URI" in annot.A
        }
    assert {url, CAUSE[1]} <= uris
    assert (lamps in uris) == ("fixing/lamps.md" in BUNDLES[slug])
