"""Obsidian Flavored Markdown as plugins of the CommonMark reader: wikilinks, embeds, block ids, comments, tags."""

from __future__ import annotations

from markdown_it import MarkdownIt


def obsidian_plugin(md: MarkdownIt) -> None:
    """Read [[links]], ![[embeds]], ^block-ids, %%comments%% and #tags."""
