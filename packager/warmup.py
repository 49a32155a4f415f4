"""Get the rest of a build ready while worker processes render the articles.

The building process would otherwise only wait for them. What it does here
(importing the renderers, compiling the theme's templates, drawing the cover
when the configuration already decides what it shows) is work the rendering
steps would do anyway, later and one after the other.
"""

from __future__ import annotations

import importlib
import logging
from contextlib import suppress

from packager.book import names
from packager.config import Config
from packager.themes import Theme

log = logging.getLogger("packager")

#: What every build renders: the cover, the download page, the bundle and the credits files.
MODULES = (
    "PIL.Image",
    "PIL.ImageDraw",
    "PIL.ImageFont",
    "packager.cover",
    "packager.renderers.bundle",
    "packager.renderers.credits_files",
    "packager.renderers.landing",
    "packager.renderers.publish",
)
EPUB_MODULES = ("ebooklib.epub", "packager.renderers.epub")
#: Template folders every build uses; an EPUB adds epub/. The PDF's are rendered in its own workers.
TEMPLATE_FOLDERS = ("fragments/", "landing/")


def renderers(theme: Theme, config: Config) -> None:
    """Import the renderers, compile their templates and draw the cover; failures are left for them to report."""
    try:
        import jinja2

        epub = "epub" in config.output.formats
        for name in MODULES + (EPUB_MODULES if epub else ()):
            importlib.import_module(name)
        from packager import cover

        cover.find_fonts()
        book = config.book
        if book.cover is None and book.title and book.authors:  # the Book will have just these (assemble)
            cover.draw_ahead(book.title, book.subtitle, names(book.authors), theme)
        folders = TEMPLATE_FOLDERS + (("epub/",) if epub else ())
        env = theme.environment()
        for name in env.list_templates(extensions=("html", "xhtml")):
            if name.startswith(folders):
                with suppress(jinja2.TemplateError):  # the renderer that uses it says what is wrong, where
                    env.get_template(name)
    except Exception as error:  # only a head start: the step that needs it reports any problem
        log.debug("getting the renderers ready: %s", error)
