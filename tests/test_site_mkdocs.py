"""A MkDocs site's pages: what its own macros and hooks write stays visible, with one warning per kind and page."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from packager.content import markdown
from packager.project.dialect import MarkdownDialect

from conftest import article_context

TEMPLATE_CALLS = "template calls that cannot run"
PYTHON_MARKDOWN = MarkdownDialect("python-markdown", (), (("pymdownx.betterem", {}),), "mkdocs.yml", "python-markdown")


def render_on_a_site(tmp_path: Path, text: str, site: str | None):
    """Render text as a page of a site read with the given profile (Python-Markdown, MkDocs' dialect)."""
    ctx = dataclasses.replace(article_context(tmp_path, text, dialect=PYTHON_MARKDOWN), site=site)
    return markdown.render(ctx, text), ctx.diagnostics.warnings


def test_hook_calls_and_macros_on_a_mkdocs_page_stay_visible_with_one_warning_each(tmp_path):
    text = (
        "Intro {{ config.site_name }} and {{ page.title }}.\n\n{* ../src/app.py hl[3] *}\n\n"
        "Inline {* ../src/app.py ln[1:2] *} here.\n\n```text\n{* in code *} {{ in code }}\n```\n"
    )
    rendered, warnings = render_on_a_site(tmp_path, text, "mkdocs")
    warnings = sorted(warnings)
    assert "<code>{* ../src/app.py hl[3] *}</code>" in rendered.html and "<em>" not in rendered.html
    assert "{{ config.site_name }}" in rendered.html and "{* in code *} {{ in code }}" in rendered.html
    assert [(w.line, w.kind) for w in warnings] == [(1, TEMPLATE_CALLS), (3, TEMPLATE_CALLS)]
    assert warnings[0].message.startswith("mkdocs-macros (Jinja) template syntax cannot run in a book: {{ … }} left")
    assert "(2 uses)" in warnings[0].message and "(2 uses)" in warnings[1].message
    assert warnings[1].message.startswith("a MkDocs hook's {* … *} include cannot run in a book: left as text")
    _, elsewhere = render_on_a_site(tmp_path, text, None)  # not a MkDocs site: {{ }} is Jekyll's, {* *} just text
    assert [w.message.split(" cannot run")[0] for w in elsewhere] == ["Liquid (Jekyll) template syntax"]
