"""A MkDocs project is read as MkDocs reads it: Python-Markdown with its mkdocs.yml's extensions, made fit for a book.

mkdocs.yml is read without running anything in it; what a book cannot use is
named in one warning; [content] markdown wins; snippets never read a file the
build may not. The real Material for MkDocs site is in test_corpora.py.
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

import pytest
from lxml import etree

from packager.diagnostics import Diagnostics
from packager.errors import ConfigError, ContentError
from packager.project import config as config_module
from packager.project import dialect, mkdocs_config, snippets
from packager.project.sources import readable_files

from conftest import build_into, write_tree

XHTML = "http://www.w3.org/1999/xhtml"


def resolve(source: Path) -> tuple[dialect.MarkdownDialect, Diagnostics]:
    diagnostics = Diagnostics()
    source = source.resolve()
    return dialect.resolve(source, config_module.load(source), diagnostics), diagnostics


def options_of(found: dialect.MarkdownDialect) -> dict[str, dict]:
    return dict(found.extensions)


# --- mkdocs.yml read without running it ---------------------------------------------------------------------


def test_python_tags_are_markers_and_nothing_runs(tmp_path):
    pwned = tmp_path / "pwned"
    write_tree(
        tmp_path,
        {
            "mkdocs.yml": f"""site_name: x
hook: !!python/object/apply:os.system ["touch {pwned}"]
module: !!python/module:os
new: !!python/object/new:os.system ["touch {pwned}"]
markdown_extensions:
  - pymdownx.superfences:
      custom_fences:
        - name: run
          class: run
          format: !!python/object/apply:os.system ["touch {pwned}"]
        - name: also
          class: also
          format: !!python/name:os.system
        - name: read
          class: read
          format: !!python/name:pymdownx.b64.repl
""",
            "a.md": "# A\n",
        },
    )
    data, nodes = mkdocs_config.load_file(tmp_path / "mkdocs.yml", "mkdocs.yml")
    assert data["hook"] == mkdocs_config.PythonTag("object/apply", "os.system", (f"touch {pwned}",))
    assert data["module"] == mkdocs_config.PythonTag("module", "os")
    assert nodes["markdown_extensions"][0] == 5
    found, diagnostics = resolve(tmp_path)
    assert not pwned.exists()
    assert options_of(found)["pymdownx.superfences"] == {"custom_fences": []}
    [warning] = diagnostics.warnings
    assert "custom_fences[0] (!!python/object/apply:os.system is not imported" in warning.message
    assert "custom_fences[1] (!!python/name:os.system is not imported" in warning.message
    assert "custom_fences[2] (!!python/name:pymdownx.b64.repl is not imported" in warning.message  # it reads files


def test_env_is_its_default_never_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("PACKAGER_TEST_SECRET", "from the environment")
    write_tree(
        tmp_path,
        {
            "mkdocs.yml": """with_default: !ENV [PACKAGER_TEST_SECRET, the default]
two_names: !ENV [PACKAGER_TEST_SECRET, OTHER, 3]
bare: !ENV PACKAGER_TEST_SECRET
single: !ENV [PACKAGER_TEST_SECRET]
relative: !relative $config_dir
page: !relative
custom: !Something else
"""
        },
    )
    data, _ = mkdocs_config.load_file(tmp_path / "mkdocs.yml", "mkdocs.yml")
    assert data["with_default"] == "the default" and data["two_names"] == 3
    assert data["bare"] is None and data["single"] is None
    assert data["relative"] == mkdocs_config.Relative("$config_dir") and data["page"] == mkdocs_config.Relative(None)
    assert data["custom"] == mkdocs_config.UnknownTag("!Something")


def test_an_extension_package_outside_the_allow_list_is_never_imported(tmp_path, monkeypatch):
    imported = tmp_path / "imported"
    package = tmp_path / "lib" / "evil_markdown"
    write_tree(
        package,
        {
            "__init__.py": f"open({str(imported)!r}, 'w').close()\nfly = print\n",
            "ext.py": "from markdown import Extension\ndef makeExtension(**kw):\n    return Extension()\n",
        },
    )
    monkeypatch.syspath_prepend(str(tmp_path / "lib"))
    write_tree(
        tmp_path / "site",
        {
            "mkdocs.yml": """markdown_extensions:
  - evil_markdown.ext
  - pymdownx.superfences:
      custom_fences:
        - name: x
          class: x
          format: !!python/name:evil_markdown.fly
""",
            "a.md": "# A\n",
        },
    )
    found, diagnostics = resolve(tmp_path / "site")
    assert not imported.exists()
    assert "evil_markdown" not in sys.modules
    assert "evil_markdown.ext" not in options_of(found)
    [warning] = diagnostics.warnings
    assert "evil_markdown.ext (not an extension its package registers with Python-Markdown)" in warning.message


def test_inherited_markdown_extensions_are_applied_and_lines_name_their_file(tmp_path):
    write_tree(
        tmp_path,
        {
            "base.yml": "markdown_extensions:\n  - admonition\n  - def_list\n",
            "mkdocs.yml": "INHERIT: base.yml\n",
            "docs/index.md": "# Home\n",
        },
    )
    found, diagnostics = resolve(tmp_path)
    assert [name for name, _ in found.extensions][-2:] == ["admonition", "def_list"] and diagnostics.warnings == []
    (tmp_path / "base.yml").write_text("site_name: x\nmarkdown_extensions:\n  - no_such_extension\n")
    [warning] = resolve(tmp_path)[1].warnings
    assert (warning.path, warning.line) == ("base.yml", 2)  # where the list is written


def test_invalid_yaml_is_one_error_naming_file_and_line(tmp_path):
    write_tree(tmp_path, {"mkdocs.yml": "site_name: x\nmarkdown_extensions:\n  - toc\n  bad: [\n", "a.md": "# A\n"})
    with pytest.raises(ConfigError) as caught:
        resolve(tmp_path)
    assert str(caught.value.format_message()).startswith("mkdocs.yml:4: invalid YAML")


def test_every_malformed_extension_entry_is_reported_at_once(tmp_path):
    write_tree(
        tmp_path,
        {
            "mkdocs.yml": "markdown_extensions:\n  - toc\n  - {a: 1, b: 2}\n  - 7\n  - admonition: [1]\n",
            "a.md": "# A\n",
        },
    )
    with pytest.raises(ConfigError) as caught:
        resolve(tmp_path)
    message = caught.value.format_message()
    assert message.startswith("mkdocs.yml:1: markdown_extensions: 3 problem(s): ")
    assert "item 2 " in message and "item 3 " in message and "admonition: options must be a mapping" in message


def test_a_mkdocs_yml_linked_from_outside_is_not_read(tmp_path):
    write_tree(tmp_path, {"elsewhere.yml": "not: [valid yaml\n", "site/a.md": "# A\n"})
    (tmp_path / "site" / "mkdocs.yml").symlink_to(tmp_path / "elsewhere.yml")
    found, diagnostics = resolve(tmp_path / "site")
    assert found.reader == dialect.COMMONMARK
    [warning] = diagnostics.warnings
    assert (warning.path, warning.message) == (
        "mkdocs.yml",
        "symbolic link to a file outside the source folder, not read",
    )


# --- which extensions, with which options ----------------------------------------------------------------


MATERIAL_LIKE = """site_name: Demo
markdown_extensions:
  - abbr
  - markdown.extensions.admonition
  - attr_list
  - def_list
  - toc:
      permalink: true
      toc_depth: 3
      no_such_option: 1
  - pymdownx.details
  - pymdownx.emoji:
      emoji_index: !!python/name:material.extensions.emoji.twemoji
      emoji_generator: !!python/name:material.extensions.emoji.to_svg
  - pymdownx.highlight:
      anchor_linenums: true
      line_spans: __span
  - pymdownx.superfences:
      custom_fences:
        - name: mermaid
          class: mermaid
          format: !!python/name:pymdownx.superfences.fence_code_format
  - pymdownx.tabbed:
      alternate_style: true
      slugify: !!python/object/apply:pymdownx.slugs.slugify
        kwds:
          case: lower
  - pymdownx.b64
  - material.extensions.emoji
  - markdown_include.include
  - no_such_extension
  - mdx_gone.extension
  - os.path
"""


def test_extensions_apply_in_mkdocs_order_with_their_options(tmp_path, caplog):
    write_tree(tmp_path, {"mkdocs.yml": MATERIAL_LIKE, "a.md": "# A\n"})
    with caplog.at_level(logging.INFO, logger="packager"):
        found, _ = resolve(tmp_path)
    assert found.reader == dialect.PYTHON_MARKDOWN and found.origin == "mkdocs.yml"
    names = [name for name, _ in found.extensions]
    assert names == [
        *("toc", "tables", "fenced_code", "abbr", "admonition", "attr_list", "def_list"),
        *("pymdownx.details", "pymdownx.emoji", "pymdownx.highlight", "pymdownx.superfences", "pymdownx.tabbed"),
    ]
    options = options_of(found)
    assert options["toc"] == {"toc_depth": 3}  # no permalinks in a book; the unknown option left out
    assert options["pymdownx.highlight"] == {"line_spans": "__span"}
    import pymdownx.emoji
    import pymdownx.superfences

    assert options["pymdownx.emoji"] == {
        "emoji_index": pymdownx.emoji.twemoji,
        "emoji_generator": pymdownx.emoji.to_alt,
    }
    [fence] = options["pymdownx.superfences"]["custom_fences"]
    assert fence == {"name": "mermaid", "class": "mermaid", "format": pymdownx.superfences.fence_code_format}
    tabbed = options["pymdownx.tabbed"]
    assert tabbed["alternate_style"] is False and tabbed["slugify"]("Tab Title", "-") == "tab-title"
    assert "reading Markdown as Python-Markdown with mkdocs.yml's 12 extensions" in caplog.text
    assert "pymdownx.b64 left out (packager embeds the images itself)" in caplog.text


def test_what_is_left_out_is_named_in_one_warning_at_the_list(tmp_path):
    write_tree(tmp_path, {"mkdocs.yml": MATERIAL_LIKE, "a.md": "# A\n"})
    _, diagnostics = resolve(tmp_path)
    [warning] = diagnostics.warnings
    assert (warning.path, warning.line) == ("mkdocs.yml", 2)
    assert warning.message.startswith("6 Markdown extension setting(s) left out, the book reads the Markdown without")
    for named in (
        "toc option 'no_such_option' (not one of its options)",
        "material.extensions.emoji (not installed)",
        "markdown_include.include (reads files outside the source folder",
        "no_such_extension (not one of Python-Markdown's own extensions",
        "mdx_gone.extension (not installed)",
        "os.path (not an extension its package registers with Python-Markdown)",
    ):
        assert named in warning.message
    assert "pymdownx.b64" not in warning.message  # packager does its work: said at info level only


def test_extensions_whose_options_are_refused_are_left_out(tmp_path):
    write_tree(tmp_path, {"mkdocs.yml": "markdown_extensions:\n  - toc:\n      baselevel: deep\n", "a.md": "# A\n"})
    found, diagnostics = resolve(tmp_path)
    assert "toc" not in options_of(found)
    [warning] = diagnostics.warnings
    assert "toc (its options are refused: ValueError:" in warning.message


def test_old_configs_give_the_extensions_as_a_mapping(tmp_path):
    write_tree(
        tmp_path, {"mkdocs.yaml": "markdown_extensions:\n  admonition:\n  toc: {toc_depth: 2}\n", "a.md": "# A\n"}
    )
    found, diagnostics = resolve(tmp_path)
    assert [n for n, _ in found.extensions] == ["toc", "tables", "fenced_code", "admonition"]
    assert options_of(found)["toc"] == {"toc_depth": 2} and diagnostics.warnings == []


# --- who chooses ------------------------------------------------------------------------------------------


def test_content_markdown_wins_over_mkdocs_yml(tmp_path):
    write_tree(tmp_path, {"mkdocs.yml": "not: [valid yaml\n", "a.md": "# A\n"})
    (tmp_path / "packager.toml").write_text('[content]\nmarkdown = "commonmark"\n')
    found, diagnostics = resolve(tmp_path)  # the mkdocs.yml is not even read
    assert found.reader == dialect.COMMONMARK and found.origin == "packager.toml" and diagnostics.warnings == []


def test_python_markdown_in_packager_toml_takes_mkdocs_yml_extensions_when_there_are(tmp_path):
    write_tree(tmp_path, {"a.md": "# A\n", "packager.toml": '[content]\nmarkdown = "python-markdown"\n'})
    found, _ = resolve(tmp_path)
    assert found.origin == "packager.toml" and found.extensions == dialect.PYTHON_MARKDOWN_DEFAULT
    write_tree(tmp_path, {"mkdocs.yml": "markdown_extensions: [admonition]\n"})
    found, _ = resolve(tmp_path)
    assert found.origin == "mkdocs.yml" and [n for n, _ in found.extensions][-1] == "admonition"


def test_without_mkdocs_yml_commonmark_reads(tmp_path):
    write_tree(tmp_path, {"a.md": "# A\n"})
    found, diagnostics = resolve(tmp_path)
    assert found == dialect.MarkdownDialect() and diagnostics.warnings == []


def test_a_mkdocs_yml_above_the_source_is_pointed_at_never_read(tmp_path):
    write_tree(tmp_path, {"mkdocs.yml": "not: [valid yaml\n", "docs/a.md": "# A\n"})
    found, diagnostics = resolve(tmp_path / "docs")
    assert found.reader == dialect.COMMONMARK
    [warning] = diagnostics.warnings
    assert warning.path == "../mkdocs.yml" and "build its folder" in warning.message
    (tmp_path / "docs" / "packager.toml").write_text('[content]\nmarkdown = "commonmark"\n')
    assert resolve(tmp_path / "docs")[1].warnings == []  # chosen: nothing to point at


# --- a MkDocs project built ---------------------------------------------------------------------------------

SITE = {
    "mkdocs.yml": """site_name: Demo
markdown_extensions:
  - admonition
  - attr_list
  - def_list
  - pymdownx.details
  - pymdownx.superfences
  - pymdownx.tabbed:
      alternate_style: true
""",
    "docs/index.md": "# Demo\n\nThe introduction.\n",
    "docs/guide.md": """# Guide

!!! note "Mind this"

    An admonition with a **title**.

??? tip "Folded"

    Details folded away.

=== "Python"

    ```python
    print("hi")
    ```

=== "Shell"

    Say hello in the shell.

Term
:   Its definition.

Another term
:   Another definition.

A lead paragraph.
{ .lead #first-words }

## Heading { #custom-id }

```markdown
!!! note
=== "Kept in code"
```
""",
}


@pytest.fixture(scope="module")
def site_build(tmp_path_factory):
    source = write_tree(tmp_path_factory.mktemp("site"), SITE)
    return source, build_into(source, tmp_path_factory.mktemp("site-dist") / "dist", formats=("epub",))


def guide_root(result):
    [guide] = [a for a in result.book.articles if a.source == "docs/guide.md"]
    return guide, etree.fromstring(f'<div xmlns="{XHTML}">{guide.html}</div>'.encode())


def test_mkdocs_syntax_comes_out_as_structure(site_build):
    _, result = site_build
    guide, root = guide_root(result)
    ns = {"h": XHTML}
    [box] = root.xpath(
        '//*[contains(concat(" ", @class, " "), " admonition ") and not(self::h:details)]', namespaces=ns
    )
    assert "Mind this" in "".join(box.itertext()) and "An admonition" in "".join(box.itertext())
    [folded] = root.xpath("//h:details", namespaces=ns)
    assert "Folded" in "".join(folded.xpath("h:summary//text()", namespaces=ns))
    [tabs] = root.xpath('//h:div[contains(@class, "tabbed-set")]', namespaces=ns)
    contents = tabs.xpath('h:div[contains(@class, "tabbed-content")]', namespaces=ns)
    assert len(contents) == 2 and "print" in "".join(contents[0].itertext())
    assert "Python" in "".join(tabs.itertext()).split("print")[0]  # each title before its content
    assert [dt.text for dt in root.xpath("//h:dl/h:dt", namespaces=ns)] == ["Term", "Another term"]
    assert len(root.xpath("//h:dl/h:dd", namespaces=ns)) == 2
    [lead] = root.xpath('//h:p[@class="lead"]', namespaces=ns)
    assert lead.get("id", "").endswith("first-words") and lead.text.strip() == "A lead paragraph."
    assert root.xpath('//h:h2[substring(@id, string-length(@id) - 8) = "custom-id"]', namespaces=ns)
    prose = "".join(root.xpath("//text()[not(ancestor::h:pre or ancestor::h:code)]", namespaces=ns))
    for literal in ("!!!", "???", "===", "{ .lead", "{ #custom-id"):
        assert literal not in prose
    code = "".join(root.xpath("//h:pre//text()", namespaces=ns))
    assert '!!! note\n=== "Kept in code"' in code


def test_the_site_builds_without_warnings_about_its_markdown(site_build):
    _, result = site_build
    assert [w for w in result.diagnostics.warnings if w.path == "mkdocs.yml"] == []


def test_editing_mkdocs_yml_rebuilds(site_build, tmp_path):
    source, _ = site_build
    copy = write_tree(tmp_path / "site", {rel: (source / rel).read_text() for rel in SITE})
    output = tmp_path / "dist"
    assert not build_into(copy, output, formats=("epub",)).cached
    assert build_into(copy, output, formats=("epub",)).cached
    (copy / "mkdocs.yml").write_text(SITE["mkdocs.yml"].replace("  - def_list\n", ""))
    rebuilt = build_into(copy, output, formats=("epub",))
    assert not rebuilt.cached
    _, root = guide_root(rebuilt)
    assert not root.xpath("//h:dl", namespaces={"h": XHTML})  # read without def_list now


# --- snippets read only what a build may read ----------------------------------------------------------------


def snippet_site(tmp_path: Path, check_paths: bool = False) -> Path:
    write_tree(tmp_path, {"outside.md": "SECRET-OUTSIDE\n"})
    source = write_tree(
        tmp_path / "site",
        {
            "mkdocs.yml": f"""markdown_extensions:
  - pymdownx.snippets:
      base_path: [".", "../", "includes"]
      auto_append: [includes/links.md]
      check_paths: {str(check_paths).lower()}
      url_download: true
""",
            "includes/links.md": "[home]: https://example.org/home\n",
            "includes/part.md": "INCLUDED-PART\n",
            ".env": "SECRET-HIDDEN\n",
            "dist/old.md": "SECRET-OUTPUT\n",
            "docs/a.md": '# A\n\nSee [home][].\n\n--8<-- "includes/part.md"\n\n--8<-- "part.md"\n\n'
            '--8<-- "../outside.md"\n\n--8<-- ".env"\n\n--8<-- "includes/link.md"\n\n--8<-- "dist/old.md"\n',
        },
    )
    (source / "includes" / "link.md").symlink_to(tmp_path / "outside.md")
    return source


def test_snippets_read_inside_the_source_only(tmp_path):
    source = snippet_site(tmp_path)
    found, diagnostics = resolve(source)
    name, options = found.extensions[-1]
    assert name == "packager.project.snippets" and options["source"] == str(source.resolve())
    assert options["base_path"] == [str(source.resolve()), str(source.resolve() / "includes")]
    [warning] = diagnostics.warnings
    assert "base_path '../' (outside the source folder)" in warning.message and "url_download" in warning.message
    result = build_into(source, tmp_path / "out", formats=("epub",))
    [article] = [a for a in result.book.articles if a.source == "docs/a.md"]
    assert "INCLUDED-PART" in article.html and 'href="https://example.org/home"' in article.html
    assert article.html.count("INCLUDED-PART") == 2  # by its path from SOURCE and from includes/
    for secret in ("SECRET-OUTSIDE", "SECRET-HIDDEN", "SECRET-OUTPUT"):
        assert secret not in article.html


def test_a_missing_snippet_stops_the_build_when_check_paths_asks(tmp_path):
    source = snippet_site(tmp_path, check_paths=True)
    with pytest.raises(ContentError, match=r"pymdownx.snippets: '\.\./outside\.md' is not a file the build may read"):
        build_into(source, tmp_path / "out", formats=("epub",))


def test_readable_agrees_with_readable_files(tmp_path):
    source = snippet_site(tmp_path).resolve()
    write_tree(source, {"node_modules/x.md": "", "theme/t.css": "", ".git/config": "", "a/.b/c.md": ""})
    (source / "linked").symlink_to(source / "includes", target_is_directory=True)
    every = {p for p in source.rglob("*") if p.is_file() or p.is_symlink()}
    every |= {source / "linked" / "part.md", source / "includes" / ".." / ".." / "outside.md"}
    allowed = {Path(os.path.abspath(p)) for p in every if snippets.readable(source, Path(os.path.abspath(p)))}
    assert allowed == set(readable_files(source, None))
