"""Obsidian vaults read as Obsidian shows them: wikilinks, embeds, block ids, callouts, marks, comments and tags.

The fixture vault in tests/cases/obsidian/vault (our own writing) has every
form the issue names; it is built once per session, as EPUB and PDF, and every
check looks at that one build: the EPUB's XHTML, the PDF's text and the
download page.
"""

from __future__ import annotations

import json
import re
import unicodedata
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from packager.content.readers.commonmark import CommonMarkReader
from packager.content.vault import VaultIndex
from packager.diagnostics import Diagnostics
from packager.output import reuse
from packager.project import config as config_module
from packager.project import dialect

from conftest import TESTS, book_file, build_into
from validators import epubcheck_problems, pdfinfo, pdftotext_pages, qpdf_check

VAULT = TESTS / "cases" / "obsidian" / "vault"
XHTML = "http://www.w3.org/1999/xhtml"
NS = {"x": XHTML}


@pytest.fixture(scope="session")
def vault_build(tmp_path_factory):
    return build_into(VAULT, tmp_path_factory.mktemp("vault") / "dist", formats=("epub", "pdf"))


@pytest.fixture(scope="session")
def documents(vault_build) -> dict[str, etree._Element]:
    """Each content document of the EPUB by file name, parsed."""
    with zipfile.ZipFile(book_file(vault_build, ".epub")) as epub:
        return {
            Path(name).name: etree.fromstring(epub.read(name))
            for name in epub.namelist()
            if name.endswith(".xhtml") and not name.endswith("nav.xhtml")
        }


def article(documents, slug: str):
    return documents[f"{slug}.xhtml"].find(f".//x:section[@id='{slug}']", NS)


def text(el) -> str:
    return " ".join("".join(el.itertext()).split())


def links(el) -> dict[str, str]:
    """Each link's text -> its href."""
    return {text(a): a.get("href") for a in el.iterfind(".//x:a", NS)}


def lands(documents, href: str) -> etree._Element:
    """The element an internal href points at (it must exist)."""
    name, _, fragment = href.partition("#")
    root = documents[name]
    target = root.find(f".//*[@id='{fragment}']") if fragment else root
    assert target is not None, f"{href} points at nothing"
    return target


def warnings(result, path: str) -> list:
    return [w for w in result.diagnostics.warnings if w.path == path]


def line_of(rel: str, needle: str) -> int:
    lines = (VAULT / rel).read_text(encoding="utf-8").split("\n")
    return next(i for i, line in enumerate(lines, 1) if needle in line)


def test_the_bin_and_the_settings_folder_are_never_articles(vault_build):
    sources = {a.source for a in vault_build.book.articles if a.source}  # the credits have none
    assert sources == {
        "index.md",
        "Archive/Deep/Alpha.md",
        "Callouts.md",
        "Cycle one.md",
        "Cycle two.md",
        "Embeds.md",
        "Field notes/Rain, wind & sun.md",
        "Notes/Alpha.md",
        "Notes/Café au lait.md",
    }


def test_a_note_is_titled_by_its_name_and_a_first_heading_saying_the_same_is_not_repeated(vault_build, documents):
    titles = {a.source: a.title for a in vault_build.book.articles}
    assert titles["Field notes/Rain, wind & sun.md"] == "Rain, wind & sun"
    assert titles["Notes/Alpha.md"] == "Alpha"
    assert titles["index.md"] == "Garden of Notes"  # front matter wins
    alpha = article(documents, "notes-alpha")
    assert [text(h) for h in alpha.iter(f"{{{XHTML}}}h1")] == ["Alpha"]  # the title only, not the body's '# Alpha'


def test_every_wikilink_form_lands_where_obsidian_goes(documents):
    intro = article(documents, "introduction")
    found = links(intro)
    assert found["Alpha"] == "notes-alpha.xhtml"  # shortest path: Notes/Alpha.md, not Archive/Deep/Alpha.md
    assert found["the first note"] == "notes-alpha.xhtml"
    assert text(lands(documents, found["Alpha > Soil and water"])) == "Soil and water"
    assert lands(documents, found["watering"]).tag == f"{{{XHTML}}}h2"
    seeds = lands(documents, found["Alpha > ^seed-list"])
    assert seeds.tag == f"{{{XHTML}}}ul" and "basil" in text(seeds)
    assert found["Every form"] == "#introduction--every-form"
    assert intro.find(".//x:h2[@id='introduction--every-form']", NS) is not None
    assert found["Archive/Deep/Alpha"] == "archive-deep-alpha.xhtml"
    assert found["first note of the garden"] == "notes-alpha.xhtml"  # an alias in the note's front matter
    assert found["café AU LAIT"] == "notes-cafe-au-lait.xhtml"  # case and Unicode form do not matter
    assert found["Field notes/Rain, wind & sun"] == "field-notes-rain-wind-sun.xhtml"


def test_a_name_two_notes_share_resolves_to_the_shortest_path():
    index = VaultIndex.build({"Notes/Alpha.md": ("Alpha", ""), "Archive/Deep/Alpha.md": ("Alpha", "")}, [])
    assert index.find("Alpha", "index.md", note=True) == "Notes/Alpha.md"
    assert index.find("alpha", "Archive/Deep/Other.md", note=True) == "Archive/Deep/Alpha.md"  # beside the note
    assert index.find("Deep/Alpha", "index.md", note=True) == "Archive/Deep/Alpha.md"
    assert index.find("./Alpha", "Notes/x.md", note=True) == "Notes/Alpha.md"
    nfd = unicodedata.normalize("NFD", "Café")
    index = VaultIndex.build({"Café.md": ("Café", "")}, ["a/pic.png", "_img/pic.png", "pic/b/pic.png"], "_img")
    assert index.find(nfd.upper(), "x.md", note=True) == "Café.md"
    assert index.find("pic.png", "x.md", note=False) == "_img/pic.png"  # the attachment folder first
    assert index.find("missing.png", "x.md", note=False) is None


def test_a_link_to_a_note_not_in_the_book_keeps_its_text_with_one_warning(vault_build, documents):
    intro = article(documents, "introduction")
    assert "a note that is not in the vault: Nowhere to be found" in text(intro)
    assert "Nowhere to be found" not in links(intro)
    (warning,) = [w for w in warnings(vault_build, "index.md") if "Nowhere" in w.message]
    assert warning.line == line_of("index.md", "[[Nowhere to be found]]")
    assert warning.kind == "links to notes not in the book"


def test_code_keeps_its_brackets(documents):
    codes = [text(c) for c in article(documents, "introduction").iter(f"{{{XHTML}}}code")]
    assert codes == ["[[Alpha]]", "![[picture.png]]"]


def test_a_single_newline_is_a_line_break_as_app_json_says(documents):
    paragraph = next(p for p in article(documents, "introduction").iter(f"{{{XHTML}}}p") if "First line" in text(p))
    assert paragraph.find("x:br", NS) is not None


def embeds_of(documents) -> list:
    return article(documents, "embeds").findall("x:div[@class='embed']", NS)


def test_a_note_a_section_and_a_block_are_embedded_in_place(documents):
    whole, section, block, cycle, inline = embeds_of(documents)
    assert "The first note in the garden." in text(whole) and "Pick beans young." in text(whole)
    assert "Pick beans young." in text(section) and "Loose soil" not in text(section)
    assert text(block) == "Rain, wind & sun > ^weather Weather shapes the garden more than any gardener."
    assert links(section)["Alpha > Harvest"] == "notes-alpha.xhtml#notes-alpha--harvest"
    assert text(inline) == text(block)
    before, after = inline.getprevious(), inline.getnext()  # the sentence is cut around the embed, in two <p>
    assert (text(before), text(after)) == ("An embed inside a sentence,", ", cuts the paragraph in two.")


def test_a_cycle_of_embeds_stops_with_one_warning_at_the_embed(vault_build, documents):
    cycle = embeds_of(documents)[3]
    assert text(cycle).count("Cycle one, which embeds cycle two.") == 1
    assert text(cycle).count("Cycle two, which embeds cycle one again.") == 1
    assert cycle.find(".//x:p[@class='embed-link']/x:a", NS).get("href") == "cycle-one.xhtml"
    (warning,) = [w for w in warnings(vault_build, "Embeds.md") if "cycle" in w.message]
    assert warning.line == line_of("Embeds.md", "![[Cycle one]]")
    assert "(Embeds -> Cycle one -> Cycle two -> Cycle one)" in warning.message


def test_embedded_headings_stay_out_of_the_table_of_contents(vault_build):
    embeds = next(a for a in vault_build.book.articles if a.source == "Embeds.md")
    assert embeds.headings == ()


def test_image_embeds_are_images_with_width_and_alt_and_files_become_links(vault_build, documents):
    images = article(documents, "embeds").findall(".//x:img", NS)
    assert [(i.get("alt"), i.get("width")) for i in images] == [("leaf", "120"), ("A green leaf on white", None)]
    assert all(i.get("src").startswith("assets/") for i in images)
    page = text(article(documents, "embeds"))
    assert "A missing image: [not-drawn-yet]" in page
    assert "become links: planting guide.pdf and birdsong.mp3." in page
    missing = [w for w in warnings(vault_build, "Embeds.md") if "not-drawn-yet" in w.message]
    assert [w.line for w in missing] == [line_of("Embeds.md", "not-drawn-yet")]


def test_callouts_keep_types_titles_and_are_shown_open(documents):
    callouts = article(documents, "callouts")
    boxes = [(b.get("class"), text(b.find("x:p[@class='admonition-title']", NS))) for b in callouts.iter()
             if "admonition" in (b.get("class") or "").split()]  # fmt: skip
    assert boxes == [
        ("admonition tip", "Plant in rows"),
        ("admonition warning", "Folded in Obsidian"),
        ("admonition question faq", "Why mulch?"),
        ("admonition note", "Note"),
        ("admonition idea", "A type of our own"),
        ("admonition info", "Outer"),
        ("admonition bug", "Inner"),
    ]
    assert callouts.find(".//x:details", NS) is None and callouts.find(".//x:blockquote", NS) is None
    assert "[!" not in text(callouts)


def test_marks_comments_and_tags(vault_build, documents):
    alpha = article(documents, "notes-alpha")
    assert [text(m) for m in alpha.iter(f"{{{XHTML}}}mark")] == ["Water in the morning"]
    rain = text(article(documents, "field-notes-rain-wind-sun"))
    assert rain == (
        "Rain, wind & sun Weather shapes the garden more than any gardener. "
        "It rained three days in a row. Then the sun came out. The last line of the note."
    )
    tags = {a.source: a.tags for a in vault_build.book.articles}
    assert tags["index.md"] == ("start",)
    assert tags["Callouts.md"] == ("compost",)
    assert tags["Notes/Alpha.md"] == ("harvest/summer",)
    assert tags["Embeds.md"] == ()  # an embedded note's tags are its own
    callouts = article(documents, "callouts")
    assert [text(s) for s in callouts.iterfind(".//x:span[@class='tag']", NS)] == ["#compost"]
    assert "a number that is no tag: #42." in text(callouts)
    headings = [text(h) for doc in documents.values() for h in doc.iter(f"{{{XHTML}}}h1", f"{{{XHTML}}}h2")]
    assert not any(h.startswith("#") for h in headings)


def test_nothing_obsidian_writes_is_left_as_text_in_any_output(vault_build, documents):
    comments = ("for the author only", "a remark inside", "several lines", "across a blank line")
    pdf_text = "\n".join(pdftotext_pages(book_file(vault_build, ".pdf")))
    page = (vault_build.output / "index.html").read_text(encoding="utf-8")
    for name, root in documents.items():
        outside_code = "".join(root.xpath('//text()[not(ancestor::*[local-name()="code"])]'))
        for marker in ("[[", "%%", "[!", "=="):
            assert marker not in outside_code, (name, marker)
        outside_links = "".join(root.xpath('//text()[not(ancestor::*[local-name()="code" or local-name()="a"])]'))
        assert not re.search(r"\^[\w-]+", outside_links), name  # block ids are ids (a link may name one)
        assert not any(comment in outside_code for comment in comments), name
    assert pdf_text.count("[[") == 2  # the two in inline code
    for marker in ("%%", "[!", "=="):
        assert marker not in pdf_text, marker
    for marker in ("[[", "%%", "[!", "=="):
        assert marker not in page, marker
    assert not any(comment in pdf_text for comment in comments)
    assert "Weather shapes the garden" in pdf_text and "Pick beans young." in pdf_text
    assert "Rain, wind &amp; sun" in page and "Café au lait" in page


def test_the_vault_book_is_valid(vault_build):
    assert epubcheck_problems(book_file(vault_build, ".epub")) == []
    pdf = book_file(vault_build, ".pdf")
    assert pdfinfo(pdf).get("Tagged") == "yes"
    assert qpdf_check(pdf)[0] == 0


def test_a_vault_is_found_by_its_settings_folder_or_named_in_packager_toml(tmp_path):
    (tmp_path / "vault" / ".obsidian").mkdir(parents=True)
    (tmp_path / "plain").mkdir()
    (tmp_path / "plain" / "packager.toml").write_text('[content]\nmarkdown = "obsidian"\n')
    for folder in ("vault", "plain"):
        source = tmp_path / folder
        found = dialect.resolve(source, config_module.load(source), Diagnostics())
        assert found.name == "obsidian" and "obsidian" in found.plugins
        assert found.option("breaks") is True  # Obsidian's default: strictLineBreaks off


def test_app_json_settings_are_read_and_a_broken_one_is_one_warning(tmp_path):
    settings = tmp_path / ".obsidian" / "app.json"
    settings.parent.mkdir()
    settings.write_text(json.dumps({"strictLineBreaks": True, "attachmentFolderPath": "./"}))
    found = dialect.resolve(tmp_path, config_module.load(tmp_path), Diagnostics())
    assert found.option("breaks") is False and found.option("attachments") == ""
    reader = CommonMarkReader(found.plugins, breaks=found.option("breaks"))
    assert "<br" not in reader.to_html("one\ntwo\n")
    settings.write_text("{not json")
    diagnostics = Diagnostics()
    found = dialect.resolve(tmp_path, config_module.load(tmp_path), diagnostics)
    assert found.option("breaks") is True
    assert [w.path for w in diagnostics.warnings] == [".obsidian/app.json"]


def test_a_change_to_app_json_is_a_change_of_input(tmp_path):
    settings = tmp_path / ".obsidian" / "app.json"
    settings.parent.mkdir()
    (tmp_path / "note.md").write_text("Text.\n")
    settings.write_text('{"strictLineBreaks": false}')
    before = reuse.input_key(tmp_path, tmp_path / "dist", (), {})
    settings.write_text('{"strictLineBreaks": true}')
    assert reuse.input_key(tmp_path, tmp_path / "dist", (), {}) != before


@pytest.mark.parametrize(
    "source, expected",
    [
        ("`%%x%%` and\n\n```\n%% kept %%\n```\n", "<code>%%x%%</code>"),
        ("a %%b%% c", "<p>a  c</p>"),
        ("%%\nnever closed\n\nstill a comment", ""),
        ("#tag #a/b #x-y #123 C#sharp a#b", '<span class="tag">#tag</span> <span class="tag">#a/b</span>'),
        ("    [[in indented code]]", "<pre>"),
        ("text ^abc\n", '<p id="^abc">text</p>'),
    ],
)
def test_the_obsidian_plugin_reads_around_code(source, expected):
    out = CommonMarkReader(("gfm", "obsidian")).to_html(source)
    assert expected in out if expected else out.strip() == "", out
    assert "kept" not in out or "%% kept %%" in out
    assert "never closed" not in out
