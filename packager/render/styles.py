"""Stylesheets for the books and pages: the base structure, the theme's look, the code-highlighting rules."""

from __future__ import annotations

from functools import cache
from pathlib import PurePosixPath

from packager.project.themes import Theme

#: The file in a stylesheet's folder that holds a theme's look (fonts, colours, measure); it follows the
#: structure, so its rules win, and a project's theme/ folder can replace either.
LOOK = "theme.css"


@cache
def highlight_css(style: str = "xcode") -> str:
    """Pygments rules for code blocks rendered with the ``highlight`` class.

    xcode is the one built-in light style whose every colour keeps a 4.5:1
    contrast on our code background (#f6f6f6), as WCAG AA asks.
    """
    from pygments.formatters import HtmlFormatter

    return HtmlFormatter(style=style).get_style_defs(".highlight")


def layered(theme: Theme, name: str) -> str:
    """The stylesheet called name followed by the theme's look for its folder, when the theme has one."""
    text = theme.read_text(name)
    look = str(PurePosixPath(name).parent / LOOK)
    try:
        return text + f"\n/* the {theme.name} theme's look */\n" + theme.read_text(look)
    except FileNotFoundError:
        return text


def stylesheet(theme: Theme, name: str) -> str:
    """The theme stylesheet called name, with its look and the code-highlighting rules appended."""
    return layered(theme, name) + "\n/* code highlighting (Pygments) */\n" + highlight_css()
