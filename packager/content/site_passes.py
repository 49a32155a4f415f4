"""What a site's own tool does to a page before its Markdown is read (mdBook's includes, MDX's imports), by profile.

Each profile that needs one names its function ``(ctx, text) -> text`` in
PASSES (as ``"module:function"``, imported when first used) under the
profile's name (``project.sites.NAMES``); it runs on the article's body
before the template preprocessing and the reader. It may read only the files a
build may read, and reports what it cannot do with ``ctx.warn_at``.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from functools import cache

from packager.content.context import ArticleContext

#: The pass each site profile runs on its pages' text ("module:function"), by profile name.
PASSES: dict[str, str] = {
    "mkdocs": "packager.content.preprocess.mkdocs:hook_calls",
    "mdbook": "packager.content.preprocess.mdbook:run",
    "docusaurus": "packager.content.preprocess.mdx:docusaurus_page",
}


def run(ctx: ArticleContext, text: str) -> str:
    """The text after the pass of the site ctx's article belongs to, if that site has one."""
    site_pass = _function(ctx.site) if ctx.site in PASSES else None
    return site_pass(ctx, text) if site_pass else text


@cache
def _function(site: str) -> Callable[[ArticleContext, str], str]:
    module, _, name = PASSES[site].partition(":")
    return getattr(importlib.import_module(module), name)
