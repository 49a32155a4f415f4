"""Take the README's theme screenshots: for each built-in theme, the example's download page (1280 and
360 px), two PDF pages side by side, and an EPUB chapter on a 360 px phone screen.

Run by hand from the repository root (needs Chromium, Playwright for Python, poppler's pdftoppm, Pillow):
    python docs/screenshots/make.py
It builds examples/handbook once per theme into a temporary folder and writes docs/screenshots/*.png,
each a palette PNG well under 150 KB.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests"))

from PIL import Image  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

from validators import CHROMIUM, CHROMIUM_ARGS, pdftotext_pages, serve_dir  # noqa: E402

THEMES = ("classic", "handbook", "large-print")
OUT = Path(__file__).resolve().parent
EXAMPLE = REPO / "examples" / "handbook"
#: The PDF pages shown: the first chapter's opening, and the page with the licence table.
PDF_PAGES = ("Why Give Knowledge Away", "SPDX ID")
EPUB_CHAPTER = "03-licensing.xhtml"  # the licence table, the widest thing in the book
COLOURS = 96  # a palette this small keeps text crisp and each file small


def build(theme: str, work: Path) -> Path:
    """The example built with theme selected: its dist folder."""
    source = work / theme / "source"
    shutil.copytree(EXAMPLE, source)
    config = source / "packager.toml"
    config.write_text(config.read_text(encoding="utf-8") + f'\n[output]\ntheme = "{theme}"\n', encoding="utf-8")
    dist = work / theme / "dist"
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1767225600"}  # the dates and checksums shown stay put: 2026-01-01
    subprocess.run([sys.executable, "-m", "packager", "build", str(source), "-o", str(dist)], check=True, env=env)
    return dist


def save_small(image: Image.Image, path: Path) -> None:
    """Write image as an optimised palette PNG."""
    image.convert("RGB").quantize(colors=COLOURS).save(path, optimize=True)
    print(f"{path.relative_to(REPO)}: {path.stat().st_size // 1024} KB")


def pdf_pages(dist: Path, theme: str, work: Path) -> None:
    """The two pages of PDF_PAGES side by side, at 60 dpi."""
    (pdf,) = dist.glob("*.pdf")
    texts = pdftotext_pages(pdf)
    wanted = [
        next(i for i, text in enumerate(texts) if needle in text and "Contents" not in text) + 1 for needle in PDF_PAGES
    ]
    images = []
    for number in wanted:
        stem = work / f"{theme}-page-{number}"
        subprocess.run(["pdftoppm", "-r", "60", "-png", "-singlefile", "-f", str(number), "-l", str(number),
                        str(pdf), str(stem)], check=True)  # fmt: skip
        images.append(Image.open(f"{stem}.png").convert("RGB"))
    gap = 12
    both = Image.new(
        "RGB", (sum(i.width for i in images) + gap * 3, max(i.height for i in images) + gap * 2), "#d0d0d0"
    )
    x = gap
    for image in images:
        both.paste(image, (x, gap))
        x += image.width + gap
    save_small(both, OUT / f"{theme}-pdf.png")


def browser_shots(browser, dist: Path, theme: str, work: Path) -> None:
    """The download page at 1280 and 360 px, and the EPUB chapter with the table at 360 px."""
    with serve_dir(dist) as base:
        for width, height in ((1280, 900), (360, 740)):
            page = browser.new_page(viewport={"width": width, "height": height})
            page.goto(f"{base}/index.html")
            shot = work / f"{theme}-{width}.png"
            page.screenshot(path=str(shot))
            page.close()
            save_small(Image.open(shot), OUT / f"{theme}-page-{width}.png")
    (epub,) = dist.glob("*.epub")
    unzipped = work / f"{theme}-epub"
    with zipfile.ZipFile(epub) as zf:
        zf.extractall(unzipped)
    (chapter,) = unzipped.rglob(EPUB_CHAPTER)
    page = browser.new_page(viewport={"width": 360, "height": 640})
    page.goto(chapter.as_uri())
    page.locator("table").first.scroll_into_view_if_needed()
    page.evaluate("window.scrollBy(0, -60)")  # the sentence before the table too
    shot = work / f"{theme}-epub.png"
    page.screenshot(path=str(shot))
    page.close()
    save_small(Image.open(shot), OUT / f"{theme}-epub-360.png")


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="screenshots-") as tmp, sync_playwright() as p:
        work = Path(tmp)
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for theme in THEMES:
            dist = build(theme, work)
            pdf_pages(dist, theme, work)
            browser_shots(browser, dist, theme, work)
        browser.close()
    sizes = {p.name: p.stat().st_size for p in OUT.glob("*.png")}
    too_big = {name: size for name, size in sizes.items() if size > 150_000}
    if too_big:
        sys.exit(f"over 150 KB: {too_big}")
    assert all(re.match(r"[a-z-]+-(page-1280|page-360|pdf|epub-360)\.png$", name) for name in sizes), sizes


if __name__ == "__main__":
    main()
