"""Every built-in theme, on the example: the validators, its own fonts only, and the same bytes whatever fontconfig says."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pikepdf
import pytest
from fontTools.ttLib import TTFont

from packager.project import themes
from packager.render import fonts

from conftest import EXAMPLE, build_into, corpus, themed_example
from validators import (
    ace_serious,
    axe,
    epubcheck_problems,
    pdffonts,
    pdfinfo,
    pdfua,
    pdfua_unexpected_skips,
    serve_dir,
    vnu,
)

THEMES = themes.available()


def test_the_three_themes_are_there():
    assert THEMES == ["classic", "handbook", "large-print"]


@pytest.fixture(scope="session")
def guide_theme_pdfs(tmp_path_factory):
    """The opensource.guide corpus as a PDF in each theme but the default (conftest's guide_build has that one)."""
    pdfs = {}
    for theme in THEMES:
        if theme == themes.DEFAULT_THEME:
            continue
        folder = tmp_path_factory.mktemp(f"guide-{theme}")
        source = folder / "guide"
        shutil.copytree(corpus("opensource-guide"), source)
        (source / "packager.toml").write_text(f'[output]\ntheme = "{theme}"\nweb = false\n', encoding="utf-8")
        pdfs[theme] = book(build_into(source, folder / "dist", formats=("pdf",)), ".pdf")
    return pdfs


def book(result, suffix: str) -> Path:
    (found,) = result.output.glob(f"*{suffix}")
    return found


@pytest.mark.parametrize("theme", THEMES)
def test_epub_passes_epubcheck_and_ace(theme_builds, theme):
    epub = book(theme_builds[theme], ".epub")
    assert epubcheck_problems(epub) == []
    assert ace_serious(epub) == []


@pytest.mark.parametrize("theme", THEMES)
def test_pdf_is_tagged_and_embeds_only_the_themes_fonts(theme_builds, theme):
    pdf = book(theme_builds[theme], ".pdf")
    assert pdfinfo(pdf).get("Tagged") == "yes"
    listed = pdffonts(pdf)
    assert listed and all(f["emb"] is True and f["sub"] is True for f in listed), listed
    theme_families = {fonts.face(p).family.replace(" ", "-") for p in fonts.files(themes.load(theme, EXAMPLE))}
    used = {f["name"].split("+", 1)[1] for f in listed}
    assert all(any(name.startswith(family) for family in theme_families) for name in used), (used, theme_families)
    own = fonts.face(themes.load(theme, EXAMPLE).fonts()[0].files[0]).family.replace(" ", "-")
    assert any(name.startswith(own) for name in used), f"the text is not set in {own}: {used}"
    assert not any("DejaVu" in name for name in used)


@pytest.mark.parametrize("theme", THEMES)
def test_the_epub_embeds_the_themes_fonts_subset(theme_builds, theme):
    import zipfile

    epub = book(theme_builds[theme], ".epub")
    with zipfile.ZipFile(epub) as z:
        embedded = {n: z.getinfo(n).file_size for n in z.namelist() if n.startswith("EPUB/fonts/")}
        css = z.read("EPUB/style/book.css").decode()
    own = fonts.face(themes.load(theme, EXAMPLE).fonts()[0].files[0]).family
    assert f'font-family: "{own}"' in css
    assert any(_slug(own) in n for n in embedded), embedded
    sources = {}
    for path in fonts.files(themes.load(theme, EXAMPLE)):
        f = fonts.face(path)
        sources[f"EPUB/fonts/{_slug(f.family)}-{f.weight}{'i' if f.italic else ''}"] = path
    for name in embedded:
        with z_open(epub, name) as subset, TTFont(sources[name.rsplit(".", 1)[0]], fontNumber=0) as whole:
            assert len(subset.getGlyphOrder()) < len(whole.getGlyphOrder()) / 2, f"{name} is not subset"


def z_open(epub: Path, name: str):
    import io
    import zipfile

    with zipfile.ZipFile(epub) as z:
        return TTFont(io.BytesIO(z.read(name)))


def _slug(family: str) -> str:
    return family.replace(" ", "-")


def _pdfua_clean(pdf: Path) -> None:
    report = pdfua(pdf)
    findings = [(f.get("rule_id"), f.get("severity"), f.get("message")) for f in report["findings"]]
    assert report["summary"]["errors"] == report["summary"]["warnings"] == 0, findings
    assert pdfua_unexpected_skips(report) == []


@pytest.mark.parametrize("theme", THEMES)
def test_pdfua_passes_every_themes_pdf_of_the_example(theme_builds, theme):
    _pdfua_clean(book(theme_builds[theme], ".pdf"))


@pytest.mark.parametrize("theme", [t for t in THEMES if t != themes.DEFAULT_THEME])
def test_pdfua_passes_every_themes_pdf_of_the_guide(guide_theme_pdfs, theme):
    """The default theme's guide is checked by test_pdf_quality (any_build)."""
    _pdfua_clean(guide_theme_pdfs[theme])


def test_large_print_sets_nothing_under_14pt(theme_builds):
    """Every text run of the large-print PDF, page numbers and note calls included, is 14 pt or more."""
    small = []
    with pikepdf.open(book(theme_builds["large-print"], ".pdf")) as pdf:
        for number, page in enumerate(pdf.pages, start=1):
            scale = [1.0]
            for operands, operator in pikepdf.parse_content_stream(page):
                op = str(operator)
                if op == "q":
                    scale.append(scale[-1])
                elif op == "Q":
                    scale.pop()
                elif op == "cm":
                    scale[-1] *= abs(float(operands[3])) or 1.0
                elif op == "Tf":
                    size = float(operands[1]) * scale[-1]
                    if size < 13.95:
                        small.append((number, round(size, 1)))
    assert small == []


@pytest.mark.parametrize("theme", THEMES)
def test_pages_are_valid_html_and_axe_finds_nothing(theme_builds, theme):
    result = theme_builds[theme]
    pages = sorted(result.output.rglob("*.html"))
    assert vnu(pages) == []
    chapter = sorted(result.output.glob("read/*/index.html"))[0].relative_to(result.output)
    aaa = ["wcag2aaa"] if theme == "large-print" else []  # its promise: AAA contrast (7:1)
    with serve_dir(result.output) as base:
        for page in ("index.html", chapter.as_posix()):
            for width in (360, 1280):
                violations, requests = axe(f"{base}/{page}", width, tags=aaa)
                assert violations == [], (page, width)
                assert all(r.startswith(base) for r in requests), requests


def test_unknown_theme_is_one_config_error_naming_the_themes(tmp_path):
    from click.testing import CliRunner

    from packager.cli import main

    source = themed_example(tmp_path, "nope")
    outcome = CliRunner().invoke(main, ["build", str(source)])
    assert outcome.exit_code != 0 and outcome.exception is None or isinstance(outcome.exception, SystemExit)
    message = outcome.output.strip().splitlines()
    assert len(message) == 1, outcome.output
    assert "output.theme" in message[0] and all(t in message[0] for t in THEMES), message[0]
    assert not (source / "dist").exists()


def test_the_pdf_is_the_same_whatever_fontconfig_the_machine_has(theme_builds, tmp_path):
    """Built again in a new process under an empty fontconfig and another HOME: the same PDF and EPUB, byte for byte."""
    empty = tmp_path / "empty-fonts.conf"
    empty.write_text('<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n<fontconfig/>\n')
    home = tmp_path / "home"
    home.mkdir()
    source = themed_example(tmp_path, "handbook")
    env = {
        **os.environ,
        "FONTCONFIG_FILE": str(empty),
        "HOME": str(home),
        "XDG_CACHE_HOME": str(home / ".cache"),
        "PACKAGER_CACHE_DIR": "",
        "SOURCE_DATE_EPOCH": "1767225600",
    }
    subprocess.run(
        [sys.executable, "-m", "packager", "build", str(source), "-o", str(tmp_path / "dist")],
        env=env,
        check=True,
        capture_output=True,
        timeout=600,
    )
    for suffix in (".pdf", ".epub"):
        again = book(type("R", (), {"output": tmp_path / "dist"}), suffix)
        first = book(theme_builds["handbook"], suffix)
        assert _digest(again) == _digest(first), suffix


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
