"""The download page and the files around it, checked in a real browser and with real validators."""

from __future__ import annotations

import hashlib
import json
import subprocess
import zipfile
from pathlib import Path

import pytest
from lxml import etree
from lxml import html as lxml_html

from conftest import book_file, build_into
from validators import axe, epubcheck_problems, serve_dir, vnu

ATOM = "{http://www.w3.org/2005/Atom}"


def html_pages(result) -> list[Path]:
    return sorted(result.output.glob("*.html"))


def test_every_page_is_valid_html(any_build):
    assert vnu(html_pages(any_build)) == []


@pytest.mark.parametrize("width", [360, 1280])
def test_axe_finds_nothing_and_nothing_leaves_the_server(example_build, width):
    with serve_dir(example_build.output) as base:
        for page in html_pages(example_build):
            violations, requests = axe(f"{base}/{page.name}", width)
            assert violations == [], page.name
            assert all(r.startswith(base) for r in requests), requests


def test_no_horizontal_scroll_at_360px(example_build):
    from playwright.sync_api import sync_playwright

    from validators import CHROMIUM, CHROMIUM_ARGS

    with serve_dir(example_build.output) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 360, "height": 800})
            page.goto(f"{base}/index.html")
            assert page.evaluate("document.documentElement.scrollWidth") <= 360
        finally:
            browser.close()


def test_clicked_downloads_match_sha256sums(example_build, tmp_path):
    from playwright.sync_api import sync_playwright

    from validators import CHROMIUM, CHROMIUM_ARGS

    sums = dict(
        reversed(line.split("  ", 1)) for line in (example_build.output / "SHA256SUMS").read_text().splitlines()
    )
    with serve_dir(example_build.output) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(accept_downloads=True)
            page.goto(f"{base}/index.html")
            links = page.locator("a[download]")
            count = links.count()
            assert count == 3
            for i in range(count):
                with page.expect_download() as info:
                    links.nth(i).click()
                download = info.value
                target = tmp_path / download.suggested_filename
                download.save_as(target)
                assert hashlib.sha256(target.read_bytes()).hexdigest() == sums[download.suggested_filename]
        finally:
            browser.close()


def test_json_ld_describes_a_free_book(example_build):
    tree = lxml_html.fromstring((example_build.output / "index.html").read_bytes())
    [script] = tree.xpath("//script[@type='application/ld+json']")
    data = json.loads(script.text)
    assert data["@type"] == "Book" and data["isAccessibleForFree"] is True
    assert data["offers"]["price"] == "0"
    formats = {w["encodingFormat"] for w in data["workExample"]}
    assert formats == {"application/epub+zip", "application/pdf"}
    assert data["license"] == "https://creativecommons.org/licenses/by/4.0/"
    og = {m.get("property"): m.get("content") for m in tree.iter("meta") if m.get("property")}
    assert og["og:type"] == "book" and og["og:url"] == "https://example.org/give-it-away/"
    assert og["og:image"].endswith("assets/og-image.png")
    assert tree.xpath("//link[@rel='canonical']/@href") == ["https://example.org/give-it-away/"]


def test_feed_is_atom_with_one_entry_per_edition(example_build):
    feed = etree.parse(str(example_build.output / "feed.xml")).getroot()
    assert feed.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated", "author"):
        assert feed.find(f"{ATOM}{required}") is not None
    entries = feed.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}title") for e in entries] == ["Give It Away 1.0.0", "Give It Away 0.9.0"]
    assert entries[1].findtext(f"{ATOM}updated") == "2026-04-12T00:00:00Z"


def test_checksums_verify_and_manifest_matches(example_build):
    dist = example_build.output
    check = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=dist, capture_output=True, text=True, timeout=60)
    assert check.returncode == 0, check.stdout + check.stderr
    manifest = json.loads((dist / "manifest.json").read_text())
    listed = {f["path"]: f for f in manifest["files"]}
    on_disk = {
        p.relative_to(dist).as_posix()
        for p in dist.rglob("*")
        if p.is_file() and p.name not in ("manifest.json", "SHA256SUMS")
    }
    assert set(listed) == on_disk
    for path, entry in listed.items():
        data = (dist / path).read_bytes()
        assert entry["size"] == len(data) and entry["sha256"] == hashlib.sha256(data).hexdigest()
    assert listed[book_file(example_build, ".pdf").name]["pages"] > 10
    assert listed[book_file(example_build, ".epub").name]["media_type"] == "application/epub+zip"


def test_zip_holds_the_books_byte_for_byte(example_build):
    dist = example_build.output
    slug = example_build.book.slug
    with zipfile.ZipFile(dist / f"{slug}.zip") as bundle:
        names = bundle.namelist()
        for name in (f"{slug}.epub", f"{slug}.pdf"):
            assert bundle.read(f"{slug}/{name}") == (dist / name).read_bytes()
        assert f"{slug}/LICENSE.txt" in names and f"{slug}/credits.json" in names


def test_book_without_cover_gets_one_everywhere(tmp_path):
    (tmp_path / "packager.toml").write_text(
        '[book]\ntitle = "Plain"\nauthors = ["Ada"]\nbase_url = "https://x.example/"\n'
    )
    (tmp_path / "a.md").write_text("# A\n\nText.\n")
    result = build_into(tmp_path, tmp_path / "dist")
    dist = result.output
    epub = book_file(result, ".epub")
    with zipfile.ZipFile(epub) as book:
        opf = book.read("EPUB/content.opf").decode()
        assert 'properties="cover-image"' in opf and "EPUB/cover.png" in book.namelist()
        cover_bytes = book.read("EPUB/cover.png")
    assert epubcheck_problems(epub) == []
    assert (dist / "assets" / "cover.png").read_bytes() == cover_bytes
    from PIL import Image

    with Image.open(dist / "assets" / "og-image.png") as og:
        assert og.size == (1200, 630)
    from pypdf import PdfReader

    first = PdfReader(book_file(result, ".pdf")).pages[0]
    assert "/XObject" in first["/Resources"], "the PDF's first page shows no image"
