"""Template syntax a book cannot run: Hugo shortcodes, GitHub alerts, MyST, Liquid.

Golden cases live in tests/cases/markdown/<case>/{input/,expected/}: expected/
holds every article's XHTML (pretty-printed) and the warnings of the build, as
the default reader (CommonMark) gives them; expected-python-markdown/ the same
through Python-Markdown: the preprocessing works with either reader.
After a deliberate change, rewrite them with ``UPDATE_GOLDEN=1 pytest
tests/test_preprocess.py`` and read the diff.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from lxml import etree

from packager.content.assemble import assemble
from packager.content.preprocess import Page, preprocess, unescape_code
from packager.diagnostics import Diagnostics
from packager.project import config, sources
from packager.project.dialect import PYTHON_MARKDOWN, PYTHON_MARKDOWN_DEFAULT, MarkdownDialect

CASES = Path(__file__).parent / "cases" / "markdown"
XHTML = "http://www.w3.org/1999/xhtml"


def build_book(source: Path, dialect: MarkdownDialect | None = None):
    diagnostics = Diagnostics()
    cfg = config.load(source)
    book = assemble(source, cfg, sources.discover(source, cfg, None, diagnostics), diagnostics, 0, dialect=dialect)
    return book, diagnostics


def normalised(html: str) -> str:
    """The fragment as packager wrote it (one block a line), once it is known to be well-formed XML."""
    etree.fromstring(f'<div xmlns="{XHTML}">{html}</div>'.encode())
    return html.strip() + "\n"


def text_outside_code(html: str) -> str:
    root = etree.fromstring(f'<div xmlns="{XHTML}">{html}</div>'.encode())
    return "".join(root.xpath('//text()[not(ancestor::*[local-name()="pre" or local-name()="code"])]'))


def run(text: str) -> tuple[str, list[tuple[int, str]]]:
    warnings: list[tuple[int, str]] = []
    return preprocess(text, Page(warn=lambda message, line: warnings.append((line, message)))), warnings


# --------------------------------------------------------------------------- golden cases


def updating_golden() -> bool:
    """UPDATE_GOLDEN=1 rewrites the expected files (read the diff!); any other value does not, and CI never does."""
    value = os.environ.get("UPDATE_GOLDEN", "")
    if value and os.environ.get("CI") == "true":
        pytest.fail("UPDATE_GOLDEN is set under CI=true: golden files are never rewritten in CI", pytrace=False)
    return value == "1"


def compare_golden(actual: dict[str, str], expected_dir: Path, case: str) -> None:
    """Compare files (name: text) with expected_dir's, which UPDATE_GOLDEN=1 rewrites first."""
    if updating_golden():
        expected_dir.mkdir(exist_ok=True)
        for old in expected_dir.iterdir():
            old.unlink()
        for name, text in actual.items():
            (expected_dir / name).write_text(text, encoding="utf-8")
    expected = {p.name: p.read_text(encoding="utf-8") for p in expected_dir.iterdir()}
    assert sorted(actual) == sorted(expected)
    for name, text in actual.items():
        assert text == expected[name], f"{case}/{name} differs; UPDATE_GOLDEN=1 rewrites it"


READERS = {
    "expected": MarkdownDialect(),
    "expected-python-markdown": MarkdownDialect(PYTHON_MARKDOWN, (), PYTHON_MARKDOWN_DEFAULT),
}


@pytest.mark.parametrize("folder", sorted(READERS))
@pytest.mark.parametrize("case", sorted(p.name for p in CASES.iterdir() if p.is_dir()))
def test_golden_case(case, folder):
    book, diagnostics = build_book(CASES / case / "input", READERS[folder])
    actual = {f"{a.slug}.xhtml": normalised(a.html) for a in book.articles}
    actual["warnings.txt"] = "".join(f"{w}\n" for w in diagnostics.warnings)
    compare_golden(actual, CASES / case / folder, case)
    for article in book.articles:
        outside = text_outside_code(article.html)
        assert "{{<" not in outside and "{{%" not in outside or case == "code-and-escapes", article.source


# --------------------------------------------------------------------------- behaviour


def test_each_unsupported_shortcode_is_reported_once_per_file_at_its_first_line():
    text = "Intro\n\n{{% include a %}}\n\nx {{% param p %}} y\n\n{{% include b %}}\n\n[s](<{{% eturl e %}}>)\n"
    out, warnings = run(text)
    assert [line for line, _ in warnings] == [2, 4, 8]
    assert "Hugo shortcode 'include' cannot run in a book: left out (2 uses)" in warnings[0][1]
    assert "shown as code" in warnings[1][1] and "link removed, its text kept" in warnings[2][1]
    assert "`{{% param p %}}`" in out and "[s](<>)" in out and "{{% include" not in out


def test_code_is_untouched_except_for_escaped_shortcodes():
    fence = '```go\n{{ partial "x" . }} {{< live >}} {% raw %}{{ y }}{% endraw %}\n{{</* figure src="a" */>}}\n```\n'
    out, warnings = run(fence + "`{{%/* x /*/%}}` and `{{ .Title }}`\n")
    assert warnings == []
    assert out == (
        '```go\n{{ partial "x" . }} {{< live >}} {{ y }}\n{{< figure src="a" >}}\n```\n`{{% x /%}}` and `{{ .Title }}`\n'
    )


def test_unescape_handles_the_self_closing_escaped_form():
    assert unescape_code('{{</* qr text="x" /*/>}}') == '{{< qr text="x" />}}'


def test_paired_nested_and_multiline_shortcodes():
    text = (
        '{{< details summary="S" >}}\nOuter.\n\n{{< details summary="T" >}}\nInner.\n{{< /details >}}\n'
        '{{< /details >}}\n\n{{< figure\n  src="a.png"\n  caption="C"\n>}}\n'
    )
    out, warnings = run(text)
    assert warnings == []
    assert "> [!DETAILS]- S" in out and "> > [!DETAILS]- T" in out
    assert '<img src="a.png" alt="" title="C" />' in out


def test_shortcodes_in_list_items_keep_their_indentation():
    out, _ = run("- Step\n\n  {{< code-toggle file=hugo >}}\n  [a]\n  b = 1\n  {{< /code-toggle >}}\n")
    assert "\n  ```toml\n  [a]\n  b = 1\n  ```\n" in out


def test_unclosed_template_syntax_is_left_as_text_and_never_hangs():
    for text in ("{{< x", "{{% x %}", "{% x", "{{ x", "```\nno end", "{{</* x", "`a", "{ref}`x", "<!--", "<pre>x"):
        out, _ = run(text)
        assert out.replace("\n", "") == text.replace("\n", ""), text


def test_myst_and_liquid_warnings_name_what_was_kept():
    out, warnings = run("```{toctree}\nintro\n```\n\n{% include x.html %} {{ page.title }}\n")
    messages = [m for _, m in warnings]
    assert messages[0].startswith("MyST directive {toctree} cannot run in a book: left out")
    assert "{% include %} left as text" in messages[1] and "{{ \u2026 }} left as text" in messages[1]
    assert "{% include x.html %} {{ page.title }}" in out


def test_glossary_links_become_text_or_link_the_glossary_article(tmp_path):
    (tmp_path / "glossary").mkdir()
    (tmp_path / "glossary" / "cascade.md").write_text("# Cascade\n")
    (tmp_path / "a.md").write_text("# A\n\nA [cascade](g) and a [section](g).\n")
    book, diagnostics = build_book(tmp_path)
    html = next(a for a in book.articles if a.source == "a.md").html
    assert '<a href="#glossary-cascade">cascade</a>' in html and " a section." in html
    assert diagnostics.warnings == []


def test_heading_and_term_ids_follow_github_and_hugo(tmp_path):
    (tmp_path / "a.md").write_text(
        "# A\n\n[e](#smileys--emotion) [o](#options-1) [t](#term)\n\n## Smileys & Emotion\n\n"
        "`OPTIONS`\n: x\n\nTerm\n: y\n\n## Options\n"
    )
    book, diagnostics = build_book(tmp_path)
    hrefs = re.findall(r'href="#([^"]+)"', book.articles[0].html)
    assert hrefs == ["a--smileys--emotion", "a--options-1", "a--term"]
    assert diagnostics.warnings == []


def test_code_bodies_of_shortcodes_are_never_read_as_templates():
    text = "{{< highlight go-html-template >}}\n{{ .Title }} {% if x %}\n{{< /highlight >}}\n"
    out, warnings = run(text)
    assert warnings == []
    assert "```go-html-template\n{{ .Title }} {% if x %}\n```" in out
