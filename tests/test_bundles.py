"""[[bundles]]: several books from one pool of articles, each article read once, a book rebuilt only when its
articles change, links out of a book sent to the web edition, config mistakes named per bundle."""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import pytest
from test_library_page import BUNDLES  # each bundle's articles, read off the fixture by hand
from test_release import _same_bytes_elsewhere, packager

from packager.content import markdown

from conftest import build_into, write_tree

LIBRARY = Path(__file__).parent / "cases" / "bundles" / "library"


def _epub_text(path: Path) -> str:
    with zipfile.ZipFile(path) as epub:
        return "".join(epub.read(n).decode() for n in sorted(epub.namelist()) if n.endswith(".xhtml"))


@pytest.fixture(scope="module")
def epub_library(tmp_path_factory):
    """The Repair Café fixture built once as EPUBs, read once per article (the reader's calls counted)."""
    folder = tmp_path_factory.mktemp("bundles")
    source = folder / "library"
    shutil.copytree(LIBRARY, source)
    calls: list[str] = []
    original = markdown.render

    def counting(ctx, text):
        calls.append(ctx.rel)
        return original(ctx, text)

    markdown.render = counting
    try:
        result = build_into(source, folder / "dist", formats=("epub",), jobs=1)
    finally:
        markdown.render = original
    return source, folder / "dist", result, calls


def test_each_bundle_takes_the_articles_its_table_selects(epub_library):
    _, _, result, _ = epub_library
    books = {b.slug: [a.source for a in b.articles if not a.is_generated] for b in result.library.books}
    assert books == BUNDLES
    assert [b["slug"] for b in result.summary["bundles"]] == list(BUNDLES)


def test_an_article_in_three_bundles_is_read_from_markdown_once(epub_library):
    _, dist, result, calls = epub_library
    holding = [b.slug for b in result.library.books_with("fixing/toasters.md")]
    assert holding == ["electrical", "first-evening", "workbench"]
    assert sorted(calls) == sorted(set(calls)), "an article was rendered more than once"
    assert calls.count("fixing/toasters.md") == 1
    assert len(calls) == 13  # every article of the pool, the root index included
    for slug in holding:  # and yet it is in each of the three books
        assert "Ohm" in _epub_text(dist / slug / f"{slug}.epub")


def test_a_link_out_of_a_bundle_goes_to_the_articles_web_page(epub_library):
    _, dist, result, _ = epub_library
    text = _epub_text(dist / "organisers" / "organisers.epub")
    target = "https://books.example.org/repair/read/fixing-toasters/#fixing-toasters--the-element"
    assert f'href="{target}"' in text
    warned = [w for w in result.diagnostics.warnings if w.kind == "links out of a bundle"]
    assert any(w.path == "running/safety-checks.md" and "'organisers'" in w.message for w in warned)
    # Inside a bundle that holds the target, the link stays inside the book.
    assert target not in _epub_text(dist / "electrical" / "electrical.epub")


def test_editing_one_article_rebuilds_only_the_bundles_that_hold_it(epub_library):
    source, dist, _, _ = epub_library
    before = {slug: (dist / slug / f"{slug}.epub").read_bytes() for slug in BUNDLES}
    again = build_into(source, dist, formats=("epub",))
    assert again.cached  # nothing changed: the whole output is reused
    funding = source / "running" / "funding.md"
    funding.write_text(funding.read_text() + "\nThe jar paid for a new soldering station in 2025.\n")
    try:
        edited = build_into(source, dist, formats=("epub",))
    finally:
        funding.write_text(funding.read_text().replace("\nThe jar paid for a new soldering station in 2025.\n", ""))
    assert sorted(edited.reused) == ["electrical", "first-evening", "workbench"]
    after = {slug: (dist / slug / f"{slug}.epub").read_bytes() for slug in BUNDLES}
    assert [s for s in BUNDLES if after[s] != before[s]] == ["organisers"]
    assert "soldering station" in _epub_text(dist / "organisers" / "organisers.epub")


def test_the_site_holds_one_folder_per_bundle_and_checksums_over_all(epub_library):
    _, dist, _, _ = epub_library
    for slug in BUNDLES:
        for name in (f"{slug}.epub", f"{slug}.zip", "index.html", "credits.json", "CITATION.cff"):
            assert (dist / slug / name).is_file(), f"{slug}/{name}"
    listed = {line.split("  ", 1)[1] for line in (dist / "SHA256SUMS").read_text().splitlines()}
    on_disk = {p.relative_to(dist).as_posix() for p in dist.rglob("*") if p.is_file()} - {"SHA256SUMS"}
    assert listed == on_disk
    feed = (dist / "feed.xml").read_text()
    assert feed.count("<entry>") == 4 and "organisers/organisers.epub" in feed


def _project(tmp_path: Path, toml: str) -> Path:
    articles = {
        f"a{i}.md": f"---\ntitle: Article {i}\ntags: [{'red' if i % 2 else 'blue'}]\n---\n\nText {i}.\n"
        for i in range(4)
    }
    return write_tree(tmp_path / "src", {"packager.toml": toml, **articles})


def test_bundle_mistakes_are_one_line_naming_each_bundle(tmp_path):
    source = _project(
        tmp_path,
        '[book]\ntitle = "T"\n\n[[bundles]]\nslug = "none"\ntags = ["green"]\n\n'
        '[[bundles]]\nslug = "also-none"\ninclude = ["missing/*.md"]\n\n[[bundles]]\nslug = "red"\ntags = ["red"]\n',
    )
    done = packager("build", str(source), "-o", str(tmp_path / "out"))
    assert done.returncode == 1, done.stderr
    lines = [line for line in done.stderr.splitlines() if line.startswith("error")]
    assert len(lines) == 1, done.stderr
    assert "packager.toml" in lines[0] and "2 problem(s)" in lines[0]
    assert "bundles[0] ('none') selects no article" in lines[0] and "bundles[1] ('also-none')" in lines[0]
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "out").exists()
    assert "asks for tag 'green', which no article has" in done.stderr


def test_two_bundles_with_one_slug_and_other_mistakes_are_reported_at_once(tmp_path):
    source = _project(
        tmp_path,
        '[book]\ntitle = "T"\n\n[[bundles]]\nslug = "red"\ntags = ["red"]\n\n'
        '[[bundles]]\nslug = "red"\ntags = {every = ["blue"]}\ncolour = "x"\n\n[[causes]]\nname = "C"\n',
    )
    done = packager("build", str(source), "-o", str(tmp_path / "out"))
    assert done.returncode == 1
    [line] = [line for line in done.stderr.splitlines() if line.startswith("error")]
    for expected in (
        "'bundles[1].slug' 'red' is taken by bundles[0]",
        "'bundles[1]' has unknown key 'colour'",
        "'bundles[1].tags' must be a list of tags",
        "'causes[0]' needs a 'url'",
    ):
        assert expected in line, line


def test_tags_all_of_sections_order_and_exclude(tmp_path):
    source = write_tree(
        tmp_path / "src",
        {
            "packager.toml": '[book]\ntitle = "T"\n\n[[bundles]]\nslug = "both"\ntags = {all = ["x", "y"]}\n\n'
            '[[bundles]]\nslug = "guides"\nsections = ["guides"]\nexclude = ["guides/old.md"]\n'
            'order = ["guides/b.md"]\ntitle = "Guides"\nversion = "2"\n',
            "one.md": "---\ntitle: One\ntags: [x, y]\n---\n\nOne.\n",
            "two.md": "---\ntitle: Two\ntags: [x]\n---\n\nTwo.\n",
            "guides/a.md": "---\ntitle: A\n---\n\nA.\n",
            "guides/b.md": "---\ntitle: B\n---\n\nB.\n",
            "guides/old.md": "---\ntitle: Old\n---\n\nOld.\n",
        },
    )
    result = build_into(source, tmp_path / "out", formats=("epub",))
    books = {b.slug: b for b in result.library.books}
    assert [a.source for a in books["both"].articles if not a.is_generated] == ["one.md"]
    assert [a.source for a in books["guides"].articles if not a.is_generated] == ["guides/b.md", "guides/a.md"]
    assert books["guides"].title == "Guides" and books["guides"].version == "2"
    assert (tmp_path / "out" / "guides" / "guides.epub").is_file()


def test_no_bundles_table_keeps_todays_layout(example_build):
    dist = example_build.output
    assert example_build.library.single
    assert (dist / "index.html").is_file() and list(dist.glob("*.epub"))


def test_a_site_of_bundles_is_byte_identical_across_paths_and_clocks(tmp_path):
    """Four books (EPUB and PDF), the library, the web edition and the host files."""
    different, _ = _same_bytes_elsewhere(LIBRARY, tmp_path, "-q")
    assert different == []


def test_check_prints_each_bundle(tmp_path):
    done = packager("check", str(LIBRARY))
    assert done.returncode == 0, done.stderr
    out = done.stdout + done.stderr
    assert re.search(r"4 books from 13 articles", out), out


def test_the_sitemap_lists_every_page_at_its_canonical_address(epub_library):
    _, dist, _, _ = epub_library
    base = "https://books.example.org/repair/"
    locs = re.findall(r"<loc>([^<]+)</loc>", (dist / "sitemap.xml").read_text())
    pages = sorted(p.relative_to(dist).as_posix() for p in dist.rglob("*.html"))
    assert sorted(locs) == sorted(base + p.removesuffix("index.html") for p in pages)
    assert len(pages) > 12 + 4 + 5  # the article pages, the contents pages, the library and the download pages
    for page in pages:
        canonical = re.search(r'<link rel="canonical" href="([^"]+)"', (dist / page).read_text())
        if canonical:
            assert canonical.group(1) in locs, page
