"""The validators must be able to fail: each one is run on a known-bad input
(and on a known-good one), so that a green suite means something.

Fast on purpose (about 35 s in all, most of it JVM start-up): one EPUBCheck
run on a good and one on a broken book, two Ace runs, one vnu run, two axe
runs, and a few millisecond-long PDF tool runs.
"""

from __future__ import annotations

import ast
import io
import os
import shutil
import zipfile
from pathlib import Path

import pytest

import validators
from validators import (
    ace,
    ace_serious,
    axe,
    epubcheck,
    epubcheck_problems,
    pdf_outline,
    pdffonts,
    pdfinfo,
    pdftotext_pages,
    qpdf_check,
    require_tool,
    serve_dir,
    vnu,
    vnu_all,
)

# --------------------------------------------------------------------------- fixtures: EPUBs

CONTAINER = """<?xml version="1.0" encoding="UTF-8"?>
<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
<rootfiles><rootfile full-path="EPUB/content.opf" media-type="application/oebps-package+xml"/></rootfiles>
</container>"""

OPF = """<?xml version="1.0" encoding="UTF-8"?>
<package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="uid" xml:lang="en">
<metadata xmlns:dc="http://purl.org/dc/elements/1.1/">
<dc:identifier id="uid">urn:uuid:0b6c7d2e-1f7a-4c55-9a3e-4a1f0c9e2b11</dc:identifier>
<dc:title>Self-check</dc:title>
<dc:language>en</dc:language>
<meta property="dcterms:modified">2024-01-01T00:00:00Z</meta>
<meta property="schema:accessMode">textual</meta>
<meta property="schema:accessMode">visual</meta>
<meta property="schema:accessModeSufficient">textual</meta>
<meta property="schema:accessibilityFeature">structuralNavigation</meta>
<meta property="schema:accessibilityFeature">alternativeText</meta>
<meta property="schema:accessibilityHazard">none</meta>
<meta property="schema:accessibilitySummary">A two-page test book.</meta>
</metadata>
<manifest>
<item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>
<item id="c1" href="c1.xhtml" media-type="application/xhtml+xml"/>
<item id="img" href="a.png" media-type="image/png"/>
</manifest>
<spine><itemref idref="c1"/></spine>
</package>"""

NAV = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE html>
<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops" lang="en" xml:lang="en">
<head><title>Contents</title></head>
<body><nav epub:type="toc" role="doc-toc" id="toc"><h1>Contents</h1>
<ol><li><a href="c1.xhtml">Chapter 1</a></li></ol></nav></body>
</html>"""

CHAPTER = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE html>
<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops" lang="en" xml:lang="en">
<head><title>Chapter 1</title></head>
<body><section><h1>Chapter 1</h1>{body}</section></body>
</html>"""


def _png() -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (4, 4), (200, 0, 0)).save(buf, "PNG")
    return buf.getvalue()


def write_epub(path: Path, body: str, *, mimetype: bool = True) -> Path:
    """A small hand-made EPUB 3 with full accessibility metadata; ``body`` goes into c1.xhtml."""
    with zipfile.ZipFile(path, "w") as z:
        if mimetype:
            z.writestr(zipfile.ZipInfo("mimetype"), "application/epub+zip", compress_type=zipfile.ZIP_STORED)
        for name, data in (
            ("META-INF/container.xml", CONTAINER),
            ("EPUB/content.opf", OPF),
            ("EPUB/nav.xhtml", NAV),
            ("EPUB/c1.xhtml", CHAPTER.format(body=body)),
        ):
            z.writestr(name, data, compress_type=zipfile.ZIP_DEFLATED)
        z.writestr("EPUB/a.png", _png(), compress_type=zipfile.ZIP_STORED)
    return path


GOOD_BODY = '<p>Hello.</p><p><img src="a.png" alt="A red square"/></p>'


def ebooklib_epub(path: Path) -> Path:
    from ebooklib import epub

    book = epub.EpubBook()
    book.set_identifier("urn:uuid:12345678-1234-1234-1234-123456789abc")
    book.set_title("Tiny")
    book.set_language("en")
    book.add_author("A. Author")
    ch = epub.EpubHtml(title="Chapter 1", file_name="c1.xhtml", lang="en")
    ch.content = "<h1>Chapter 1</h1><p>Hello world.</p>"
    book.add_item(ch)
    book.toc = [ch]
    book.spine = ["nav", ch]
    book.add_item(epub.EpubNav())
    book.add_item(epub.EpubNcx())
    epub.write_epub(str(path), book)
    return path


# --------------------------------------------------------------------------- require_tool


def test_require_tool_skips_locally_and_fails_on_ci(monkeypatch):
    require_tool("present", True, "never shown")  # no effect
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="frobnicator"):
        require_tool("frobnicator", False, "apt-get install frobnicator")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="frobnicator"):
        require_tool("frobnicator", False, "apt-get install frobnicator")


@pytest.mark.parametrize(
    ("attr", "call"),
    [
        ("ACE_BIN", lambda p: validators.ace(p)),
        ("VNU_JAR", lambda p: validators.vnu(p)),
        ("AXE_JS", lambda p: validators.axe(p, 360)),
    ],
)
def test_missing_node_tool_is_a_skip_or_a_ci_failure(monkeypatch, tmp_path, attr, call):
    page = tmp_path / "x.html"
    page.write_text(OK_HTML, encoding="utf-8")
    monkeypatch.setattr(validators, attr, tmp_path / "not-installed")
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="install.sh"):
        call(page)
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="install.sh"):
        call(page)


def test_validator_tests_skip_only_through_require_tool():
    """A bare pytest.skip or importorskip would let CI go green without looking."""
    bare = []
    for name in ("validators.py", "test_validate.py", "test_validators_selfcheck.py"):
        tree = ast.parse((validators.TESTS_DIR / name).read_text(encoding="utf-8"))
        allowed = [
            range(f.lineno, f.end_lineno + 1) for f in ast.walk(tree) if getattr(f, "name", "") == "require_tool"
        ]
        for node in ast.walk(tree):
            func = node.func if isinstance(node, ast.Call) else None
            skips = isinstance(func, ast.Attribute) and func.attr in ("skip", "importorskip")
            if skips and not any(node.lineno in lines for lines in allowed):
                bare.append(f"{name}:{node.lineno}")
    assert bare == []


def _stand_in(folder: Path, name: str, script: str) -> Path:
    """Write an executable shell script standing in for a tool; return its path."""
    require_tool("sh", shutil.which("sh") is not None and os.name == "posix", "the stand-in tools are shell scripts")
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_text("#!/bin/sh\n" + script, encoding="utf-8")
    path.chmod(0o755)
    return path


# --------------------------------------------------------------------------- EPUBCheck


def test_epubcheck_flags_undefined_entity(tmp_path):
    book = write_epub(tmp_path / "broken.epub", "<p>Hello&nbsp;world.</p>")
    problems = epubcheck_problems(book)
    assert problems, "EPUBCheck passed an XHTML file with an undefined entity"
    assert any(p["severity"] in ("FATAL", "ERROR") for p in problems), problems
    assert any("nbsp" in p["message"] for p in problems), problems
    assert any(loc.startswith("EPUB/c1.xhtml:") for p in problems for loc in p["locations"]), problems


def test_epubcheck_passes_valid_ebooklib_book(tmp_path):
    book = ebooklib_epub(tmp_path / "tiny.epub")
    assert epubcheck(book) == []  # not even INFO/USAGE; one JVM run is enough


def test_epubcheck_refuses_a_missing_file(tmp_path):
    # EPUBCheck itself writes an empty message list for a missing file.
    with pytest.raises(AssertionError, match="no such file"):
        epubcheck_problems(tmp_path / "nope.epub")


@pytest.mark.parametrize("report", ["{}", '{"messages": []}'])
def test_epubcheck_refuses_a_report_without_results(tmp_path, monkeypatch, report):
    # Called as: java FLAGS -jar JAR EPUB --json REPORT -q; exits 0 as EPUBCheck does on a clean book.
    script = f'while [ $# -gt 0 ]; do [ "$1" = --json ] && echo \'{report}\' > "$2"; shift; done\nexit 0\n'
    java = _stand_in(tmp_path / "bin", "java", script)
    monkeypatch.setattr(validators, "_epubcheck_jar", lambda: tmp_path / "epubcheck.jar")
    monkeypatch.setattr(validators, "_java", lambda: str(java))
    book = write_epub(tmp_path / "good.epub", GOOD_BODY)
    with pytest.raises(AssertionError, match="EPUBCheck crashed: report without its results"):
        epubcheck(book)


# --------------------------------------------------------------------------- Ace


def test_ace_flags_image_without_alt(tmp_path):
    book = write_epub(tmp_path / "noalt.epub", '<p>Hello.</p><p><img src="a.png"/></p>')
    serious = ace_serious(book)
    assert [f["test"] for f in serious] == ["image-alt"], serious
    assert serious[0]["impact"] == "critical"
    assert serious[0]["location"].startswith("c1.xhtml"), serious


def test_ace_passes_good_book(tmp_path):
    book = write_epub(tmp_path / "good.epub", GOOD_BODY)
    assert ace(book) == []


@pytest.mark.parametrize("report", ["{}", '{"earl:result": {}, "assertions": []}'])
def test_ace_refuses_a_report_without_results(tmp_path, monkeypatch, report):
    bin_dir = tmp_path / "bin"
    # Called as: ace-puppeteer -f -s -o OUTDIR EPUB, and exits 0.
    ace_bin = _stand_in(bin_dir, "ace-puppeteer", f'mkdir -p "$4" && echo \'{report}\' > "$4/report.json"\n')
    _stand_in(bin_dir, "node", "exit 0\n")
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setattr(validators, "ACE_BIN", ace_bin)
    monkeypatch.setattr(validators, "_chromium", lambda: "/bin/sh")
    book = write_epub(tmp_path / "good.epub", GOOD_BODY)
    with pytest.raises(AssertionError, match="Ace crashed: report without its results"):
        ace(book)


# --------------------------------------------------------------------------- Nu HTML Checker

OK_HTML = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>OK</title></head>
<body><p>Hi</p></body></html>
"""
NO_TITLE_HTML = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"></head>
<body><section><p>x</p></section><p><img src="a.png"></p></body></html>
"""


def test_vnu_flags_errors_and_passes_valid_page(tmp_path):
    ok = tmp_path / "ok.html"
    ok.write_text(OK_HTML, encoding="utf-8")
    bad = tmp_path / "bad.html"
    bad.write_text(NO_TITLE_HTML, encoding="utf-8")
    everything = vnu_all([ok, bad])  # one JVM for both files
    errors = [m for m in everything if m["type"] in ("error", "non-document-error")]
    assert errors, "vnu passed a page without <title>"
    assert {Path(m["file"]).name for m in everything} == {"bad.html"}, everything
    assert any("title" in m["message"] for m in errors), errors
    assert any("alt" in m["message"] for m in errors), errors
    assert any(m["type"] == "warning" for m in everything), everything  # section lacks heading


def test_vnu_refuses_a_missing_file(tmp_path):
    # vnu.jar itself exits 0 with no message for a file that does not exist.
    with pytest.raises(AssertionError, match="no such file"):
        vnu(tmp_path / "nope.html")


# --------------------------------------------------------------------------- axe in Chromium

AXE_OK = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>OK</title></head>
<body><main><h1>Hello</h1><p>Some text.</p><img src="a.png" alt="A red square"></main></body></html>
"""


def test_axe_flags_image_without_alt_and_records_requests(tmp_path):
    (tmp_path / "a.png").write_bytes(_png())
    (tmp_path / "index.html").write_text(AXE_OK.replace(' alt="A red square"', ""), encoding="utf-8")
    with serve_dir(tmp_path) as base:
        violations, requests = axe(base, 360)
    ids = [v["id"] for v in violations]
    assert "image-alt" in ids, violations
    assert next(v for v in violations if v["id"] == "image-alt")["nodes"] == 1
    assert requests[0] == base, requests
    assert base + "a.png" in requests, requests
    assert all(r.startswith(base) for r in requests), requests


def test_axe_passes_clean_page(tmp_path):
    (tmp_path / "a.png").write_bytes(_png())
    page = tmp_path / "index.html"
    page.write_text(AXE_OK, encoding="utf-8")
    violations, requests = axe(page, 1280)  # a file path works too
    assert violations == []
    assert requests == [page.as_uri(), (tmp_path / "a.png").as_uri()]


# --------------------------------------------------------------------------- PDF

PDF_HTML = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>PDF self-check</title></head>
<body><h1>First part</h1><p>Page one text.</p>
<h2 style="break-before: page">Second part</h2><p>Page two text.</p></body></html>
"""


@pytest.fixture(scope="module")
def weasy_pdfs(tmp_path_factory):
    import weasyprint  # a dependency of packager: never a reason to skip

    d = tmp_path_factory.mktemp("pdf")
    plain, ua = d / "plain.pdf", d / "ua.pdf"
    weasyprint.HTML(string=PDF_HTML).write_pdf(plain)
    weasyprint.HTML(string=PDF_HTML).write_pdf(ua, pdf_variant="pdf/ua-1")
    return plain, ua


def test_pdfinfo_tagged_only_with_pdf_ua(weasy_pdfs):
    plain, ua = weasy_pdfs
    assert pdfinfo(plain)["Tagged"] == "no"
    info = pdfinfo(ua)
    assert info["Tagged"] == "yes"
    assert info["Title"] == "PDF self-check"
    assert info["Pages"] == "2"


def test_pdf_text_outline_fonts_and_structure(weasy_pdfs):
    _, ua = weasy_pdfs
    pages = pdftotext_pages(ua)
    assert len(pages) == 2
    assert "Page one text." in pages[0] and "Page two text." not in pages[0]
    assert "Page two text." in pages[1]
    assert pdf_outline(ua) == [(1, "First part", 1), (2, "Second part", 2)]
    fonts = pdffonts(ua)
    assert fonts and all(f["emb"] for f in fonts), fonts
    assert qpdf_check(ua)[0] == 0


def _pdf_with_unembedded_font() -> bytes:
    """A one-page PDF that uses Helvetica without embedding it, with a correct xref."""
    content = b"BT /F1 12 Tf 72 720 Td (Not embedded) Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> >> "
        b"/Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, obj in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (i, obj)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def test_pdf_checks_can_fail(tmp_path, weasy_pdfs):
    bare = tmp_path / "bare.pdf"
    bare.write_bytes(_pdf_with_unembedded_font())
    assert qpdf_check(bare)[0] == 0, qpdf_check(bare)
    assert pdffonts(bare) == [
        {
            "name": "Helvetica",
            "type": "Type 1",
            "encoding": "Standard",
            "emb": False,
            "sub": False,
            "uni": False,
            "object": "5 0",
        }
    ]
    assert pdfinfo(bare)["Tagged"] == "no"
    assert pdf_outline(bare) == []
    assert pdftotext_pages(bare) == ["Not embedded\n\n"]

    # A truncated PDF: qpdf reports damage, pdfinfo cannot read it at all.
    _, ua = weasy_pdfs
    data = ua.read_bytes()
    cut = tmp_path / "cut.pdf"
    cut.write_bytes(data[: len(data) // 2])
    code, output = qpdf_check(cut)
    assert code != 0, output
    junk = tmp_path / "junk.pdf"
    junk.write_bytes(b"this is not a PDF\n" * 20)
    with pytest.raises(AssertionError, match="pdfinfo crashed"):
        pdfinfo(junk)
