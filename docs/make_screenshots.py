"""Take the README's screenshots (360 px and 1280 px wide): the example's download page, and the bundles
fixture's library page and one article page of its web edition.

Run from the repository root after building both:
    packager build examples/handbook -o /tmp/handbook
    packager build tests/cases/bundles/library -o /tmp/library
    python docs/make_screenshots.py /tmp/handbook /tmp/library
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from playwright.sync_api import sync_playwright  # noqa: E402

from validators import CHROMIUM, CHROMIUM_ARGS, serve_dir  # noqa: E402


SHOTS = (  # (which build, page, file name stem)
    (0, "index.html", "landing"),
    (1, "index.html", "library"),
    (1, "read/fixing-toasters/index.html", "web-article"),
)


def main(dists: list[str]) -> None:
    docs = Path(__file__).parent
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for which, path, stem in SHOTS:
            if which >= len(dists):
                continue
            with serve_dir(dists[which]) as base:
                for width, height in ((1280, 1500), (360, 1400)):
                    page = browser.new_page(viewport={"width": width, "height": height})
                    page.goto(f"{base}/{path}")
                    page.screenshot(path=str(docs / f"{stem}-{width}.png"))
                    page.close()
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1:])
