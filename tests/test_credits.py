"""Credits: every contributor, licence, source and credited item reaches every output."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml
from lxml import etree

from conftest import book_file, build_into
from validators import epubcheck_problems, pdftotext_pages

CASE = Path(__file__).parent / "cases" / "credits" / "mixed" / "input"
EXPECTED = [
    "Jane Doe",
    "Sam Lee",
    "Priya Nair",
    "Lena Ortiz",  # authors
    "Ana Ruiz",
    "Bo Chen",  # contributors
    "https://blog.example.org/first-post",  # original source
    "Growth chart",
    "Kim Park",  # credited image
    "Cover pattern",
    "Rui Santos",  # book-level item
]


@pytest.fixture(scope="module")
def credits_build(tmp_path_factory):
    return build_into(CASE, tmp_path_factory.mktemp("credits") / "dist")


def _epub_text(path: Path) -> str:
    with zipfile.ZipFile(path) as epub:
        return " ".join(
            " ".join(etree.fromstring(epub.read(n)).itertext()) for n in epub.namelist() if n.endswith(".xhtml")
        )


def _pdf_uris(path: Path) -> list[str]:
    from pypdf import PdfReader

    uris = []
    for page in PdfReader(path).pages:
        for annot in page.get("/Annots") or []:
            action = annot.get_object().get("/A")
            if action and action.get("/S") == "/URI":
                uris.append(str(action["/URI"]))
    return uris


def _flat(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("where", ["epub", "pdf", "landing", "credits.json"])
def test_every_credit_appears(credits_build, where):
    if where == "epub":
        text = _epub_text(book_file(credits_build, ".epub"))
    elif where == "pdf":
        pdf = book_file(credits_build, ".pdf")
        # pdftotext drops a hyphen where a line breaks after it, so URLs are compared as links instead.
        text = " ".join(pdftotext_pages(pdf)) + " " + " ".join(_pdf_uris(pdf))
    elif where == "landing":
        text = " ".join(etree.HTML((credits_build.output / "index.html").read_bytes()).itertext())
    else:
        text = (credits_build.output / "credits.json").read_text()
    text = _flat(text)
    for needle in EXPECTED:
        assert needle in text, f"{needle!r} missing from {where}"
    if where != "credits.json":
        assert "CC BY-SA 4.0" in text and "CC BY-NC 4.0" in text
        assert "llustrator" in text  # Ana Ruiz's role, in words


def test_opf_names_creators_and_contributors_with_roles(credits_build):
    with zipfile.ZipFile(book_file(credits_build, ".epub")) as epub:
        opf = etree.fromstring(epub.read("EPUB/content.opf"))
    ns = {"dc": "http://purl.org/dc/elements/1.1/", "opf": "http://www.idpf.org/2007/opf"}
    creators = [e.text for e in opf.iterfind(".//dc:creator", ns)]
    contributors = {e.get("id"): e.text for e in opf.iterfind(".//dc:contributor", ns)}
    roles = {}
    for meta in opf.iterfind(".//opf:meta[@property='role']", ns):
        roles.setdefault(meta.get("refines").lstrip("#"), []).append(meta.text)
    assert creators == ["Lena Ortiz"]
    by_name = {name: roles.get(uid, []) for uid, name in contributors.items()}
    assert by_name["Jane Doe"] == ["aut"]
    assert by_name["Ana Ruiz"] == ["ill"]
    assert by_name["Bo Chen"] == ["edt"]
    assert set(by_name) >= {"Sam Lee", "Priya Nair"}
    assert "CC-BY-4.0" in opf.findtext(".//dc:rights", namespaces=ns)
    assert opf.findtext(".//dc:source", namespaces=ns) == "https://blog.example.org/first-post"


def test_credits_json_shape(credits_build):
    data = json.loads((credits_build.output / "credits.json").read_text())
    assert set(data) >= {"book", "articles", "people", "licences", "third_party"}
    growth = next(a for a in data["articles"] if a["source"] == "01-growth.md")
    assert growth["license"] == "CC-BY-SA-4.0" and growth["license_differs"] is True
    assert growth["contributors"][0] == {"name": "Ana Ruiz", "url": None, "role": "ill"}
    assert growth["items"][0]["file"] == "images/chart.png"
    assert {lic["id"] for lic in data["licences"]} >= {"CC-BY-4.0", "CC-BY-SA-4.0", "CC-BY-NC-4.0", "CC0-1.0"}


def test_citation_cff_is_valid_yaml_with_required_keys(credits_build):
    data = yaml.safe_load((credits_build.output / "CITATION.cff").read_text())
    assert data["cff-version"] == "1.2.0"
    assert data["message"] and data["title"] == "Credit Where Due"
    assert data["authors"] == [{"given-names": "Lena", "family-names": "Ortiz"}]
    assert data["preferred-citation"]["type"] == "book"


def test_epub_with_credits_is_still_valid(credits_build):
    assert epubcheck_problems(book_file(credits_build, ".epub")) == []


def test_restrictive_licences_warn_and_fail_under_strict(tmp_path):
    run = [sys.executable, "-m", "packager", "build", str(CASE), "-o"]
    loose = subprocess.run([*run, str(tmp_path / "a")], capture_output=True, text=True, timeout=300)
    assert loose.returncode == 0, loose.stderr
    warnings = [line for line in loose.stderr.splitlines() if line.startswith("warning:")]
    assert any("02-notes.md" in w and "CC-BY-NC-4.0" in w for w in warnings), loose.stderr
    assert any("01-growth.md" in w and "CC-BY-SA-4.0" in w for w in warnings), loose.stderr
    strict = subprocess.run([*run, str(tmp_path / "b"), "--strict"], capture_output=True, text=True, timeout=300)
    assert strict.returncode == 3, strict.stderr
    assert not (tmp_path / "b").exists()


def test_nd_article_in_by_book_warns(tmp_path):
    (tmp_path / "packager.toml").write_text('[book]\ntitle = "T"\nauthors = ["A"]\nlicense = "CC-BY-4.0"\n')
    (tmp_path / "a.md").write_text("---\nlicense: CC-BY-ND-4.0\n---\n\nText\n")
    (tmp_path / "b.md").write_text("---\nlicense: cc by\n---\n\n![](pic.png)\n")
    (tmp_path / "pic.png").write_bytes((CASE / "images" / "chart.png").read_bytes())
    from packager.content.assemble import assemble
    from packager.diagnostics import Diagnostics
    from packager.project import config, sources, themes
    from packager.transforms import credits

    diagnostics = Diagnostics()
    cfg = config.load(tmp_path)
    book = assemble(tmp_path, cfg, sources.discover(tmp_path, cfg, None, diagnostics), diagnostics, 0)
    credits.apply(book, themes.load("default", tmp_path), cfg.credits.items, diagnostics)
    messages = [str(w) for w in diagnostics.warnings]
    assert any(m.startswith("a.md:") and "forbids adaptations" in m for m in messages), messages
    assert any(m.startswith("b.md:") and "not an SPDX id" in m for m in messages), messages
    assert any(m.startswith("b.md:") and "no alt text" in m for m in messages), messages


def test_share_links_in_books_and_page(credits_build):
    text = _flat(_epub_text(book_file(credits_build, ".epub")))
    assert "Share this book" in text and "https://books.example.org/credit/" in text
    page = etree.HTML((credits_build.output / "index.html").read_bytes())
    links = [a for a in page.iter("a") if "bsky.app" in (a.get("href") or "")]
    assert len(links) == 1 and links[0].get("rel") == "noopener noreferrer"
    assert "Share on Bluesky" in "".join(links[0].itertext())
    assert (credits_build.output / "share-mastodon.html").is_file()
    pdf_uris = _pdf_uris(book_file(credits_build, ".pdf"))
    assert any(u.startswith("https://bsky.app/intent/compose?text=") for u in pdf_uris)


def test_without_base_url_share_links_are_left_out_with_a_warning(tmp_path):
    (tmp_path / "a.md").write_text("---\nauthor: A\n---\n\nText\n")
    result = build_into(tmp_path, tmp_path / "dist")
    assert any("base_url" in str(w) for w in result.diagnostics.warnings)
    assert all(a.kind != "share" for a in result.book.articles)
    assert "Share this book" not in (tmp_path / "dist" / "index.html").read_text()
