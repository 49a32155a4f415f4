"""Every theme's EPUB fits a phone: each content document, in Chromium at 360 px and 1280 px, scrolls no wider.

The example holds a licence table, long code lines and long URLs: each theme's EPUB CSS (and the base's)
must wrap them. Chromium is the real reader here; the test fails under CI=true when it is missing.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from packager.project import themes

from validators import scroll_widths

WIDTHS = (360, 1280)


def _unzipped_documents(dist: Path, folder: Path) -> list[Path]:
    """Unzip the build's EPUB into folder and give back its XHTML content documents, nav included."""
    (epub,) = sorted(dist.glob("*.epub"))
    with zipfile.ZipFile(epub) as zf:
        zf.extractall(folder)
    return sorted(folder.rglob("*.xhtml"))


@pytest.mark.parametrize("theme", themes.available())
def test_epub_documents_fit_the_screen(theme_builds, theme, tmp_path):
    documents = _unzipped_documents(theme_builds[theme].output, tmp_path)
    assert len(documents) >= 8, f"{theme}: too few XHTML documents in the EPUB: {documents}"
    for width in WIDTHS:
        wide = {
            doc.relative_to(tmp_path).as_posix(): found
            for doc, found in scroll_widths(documents, width).items()
            if found[0] > width
        }
        assert not wide, f"{theme} at {width} px: documents scroll wider than the screen: {wide}"
