"""Stylesheets for the books: the theme's CSS plus the code-highlighting rules."""

from __future__ import annotations

from functools import cache

from packager.project.themes import Theme


@cache
def highlight_css(style: str = "xcode") -> str:
    """Pygments rules for code blocks rendered with the ``highlight`` class.

    xcode is the one built-in light style whose every colour keeps a 4.5:1
    contrast on our code background (#f6f6f6), as WCAG AA asks.
    """
    from pygments.formatters import HtmlFormatter

    return HtmlFormatter(style=style).get_style_defs(".highlight")


def stylesheet(theme: Theme, name: str) -> str:
    """The theme stylesheet called name, with the code-highlighting rules appended."""
    return theme.read_text(name) + "\n/* code highlighting (Pygments) */\n" + highlight_css()
