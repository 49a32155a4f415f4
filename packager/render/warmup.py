"""Get the rest of a build ready while worker processes render the articles.

The building process would otherwise only wait for them. What it does here
(importing the renderers, compiling the theme's templates, drawing the cover
when the configuration already decides what it shows) is work the rendering
steps would do anyway, later and one after the other.
"""

from __future__ import annotations

import logging

from packager.book.model import names
from packager.project.config import Config
from packager.project.themes import Theme
from packager.render import fonts, registry

log = logging.getLogger("packager")

#: Template folders every build uses; a renderer's warm_up compiles its own.
TEMPLATE_FOLDERS = ("fragments/", "landing/", "web/", "library/")


def renderers(theme: Theme, config: Config, formats: tuple[str, ...]) -> None:
    """Import the renderers, compile their templates and draw the cover; failures are left for them to report."""
    try:
        # Before WeasyPrint is first imported: its import asks fontconfig for fonts, and should see the theme's.
        fonts.use(fonts.setup(theme).conf)
        from PIL import Image, ImageDraw, ImageFont  # noqa: F401 - the cover and the sharing image need them

        from packager.render import cover, site  # noqa: F401 - every build writes the site
        from packager.render.site import web  # noqa: F401 - and its web edition, when it has one

        for name in formats:
            module = registry.renderer(name)
            if hasattr(module, "warm_up"):
                module.warm_up(theme)
        book = config.book
        if book.cover is None and book.title and book.authors:  # the Book will have just these (assemble)
            cover.draw_ahead(book.title, book.subtitle, names(book.authors), theme)
        theme.compile(TEMPLATE_FOLDERS)
    except Exception as error:  # only a head start: the step that needs it reports any problem
        log.debug("getting the renderers ready: %s", error)
