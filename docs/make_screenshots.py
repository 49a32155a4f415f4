"""Take the README's screenshots of the example's download page (360 px and 1280 px wide).

Run from the repository root after building the example:
    packager build examples/handbook -o /tmp/handbook && python docs/make_screenshots.py /tmp/handbook
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from playwright.sync_api import sync_playwright  # noqa: E402

from validators import CHROMIUM, CHROMIUM_ARGS, serve_dir  # noqa: E402


def main(dist: str) -> None:
    docs = Path(__file__).parent
    with serve_dir(dist) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for width, height in ((1280, 1500), (360, 1400)):
            page = browser.new_page(viewport={"width": width, "height": height})
            page.goto(f"{base}/index.html")
            page.screenshot(path=str(docs / f"landing-{width}.png"))
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1])
