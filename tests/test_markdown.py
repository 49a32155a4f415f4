"""Markdown to XHTML: features, links between articles, images, sanitising."""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from packager.content.assemble import assemble
from packager.diagnostics import Diagnostics
from packager.project import config, sources


def make_book(tmp_path: Path, files: dict[str, str | bytes]):
    for name, content in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    diagnostics = Diagnostics()
    cfg = config.load(tmp_path)
    book = assemble(tmp_path, cfg, sources.discover(tmp_path, cfg, None, diagnostics), diagnostics, 0)
    return book, diagnostics


def article(book, source: str):
    return next(a for a in book.articles if a.source == source)


def parse(html: str):
    """Every fragment must be well-formed XML; this raises if not."""
    return etree.fromstring(f'<div xmlns="http://www.w3.org/1999/xhtml">{html}</div>'.encode())


PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000100e221bc330000000049454e44ae426082"
)


def test_links_between_articles_in_every_form(tmp_path):
    book, diagnostics = make_book(
        tmp_path,
        {
            "guide/start.md": "# Start\n\n[a](other.md) [b](other.md#part-two) [c](../other/) "
            "[d](/guide/other/) [e](other/#part-two) [f](#local) [g](https://example.org/x)\n\n## Local\n",
            "guide/other.md": "# Other\n\n## Part two\n\nText.\n",
        },
    )
    html = article(book, "guide/start.md").html
    root = parse(html)
    hrefs = [a.get("href") for a in root.iter("{*}a")]
    assert hrefs == [
        "#guide-other",
        "#guide-other--part-two",
        "#guide-other",
        "#guide-other",
        "#guide-other--part-two",
        "#guide-start--local",
        "https://example.org/x",
    ]
    assert diagnostics.warnings == []


def test_links_to_pages_not_in_the_book_become_text_with_a_warning(tmp_path):
    book, diagnostics = make_book(tmp_path, {"a.md": "# A\n\nSee [the docs](/missing/page/) now.\n"})
    html = book.articles[0].html
    assert "the docs" in html and "href" not in html
    assert [str(w) for w in diagnostics.warnings] == [
        "a.md:3: link /missing/page/ does not point at an article in this book; the link was removed, its text kept"
    ]


def test_broken_anchor_points_at_the_article_and_warns(tmp_path):
    book, diagnostics = make_book(tmp_path, {"a.md": "# A\n\n[x](b.md#nope)\n", "b.md": "# B\n\nText\n"})
    assert 'href="#b"' in article(book, "a.md").html
    assert any("#nope" in str(w) for w in diagnostics.warnings)


def test_images_site_root_relative_remote_and_missing(tmp_path):
    book, diagnostics = make_book(
        tmp_path,
        {
            "assets/pic.png": PNG,
            "docs/page.md": '# P\n\n![Root](/assets/pic.png "A caption")\n\n![Rel](../assets/pic.png)\n\n'
            "![Remote avatar](https://example.org/a.png)\n\n![Gone](nothing.png)\n",
        },
    )
    html = book.articles[0].html
    root = parse(html)
    srcs = [img.get("src") for img in root.iter("{*}img")]
    assert srcs == ["assets/pic.png", "assets/pic.png"]
    assert len(book.assets) == 1
    figure = root.find("{*}figure")
    assert figure is not None and figure.find("{*}figcaption").text == "A caption"
    assert "example.org" not in html
    assert "[Remote avatar]" in html and "[Gone]" in html
    messages = [str(w) for w in diagnostics.warnings]
    assert any("docs/page.md:7: remote image" in m for m in messages)
    assert any("docs/page.md:9: image nothing.png not found" in m for m in messages)


def test_image_outside_the_source_folder_is_never_read(tmp_path):
    source = tmp_path / "src"
    (tmp_path / "secret.png").write_bytes(PNG)
    book, diagnostics = make_book(source, {"a.md": "# A\n\n![s](../secret.png) ![h](/etc/hostname)\n"})
    assert book.assets == ()
    assert sum("outside the source folder" in str(w) or "not found" in str(w) for w in diagnostics.warnings) == 2


def test_markdown_features_render_to_well_formed_xhtml(tmp_path):
    text = """# Features

| Left | Centre |
|:-----|:------:|
| a    | b      |

Term
:   Definition

- [x] done
- [ ] todo

!!! note "Heads up"
    Admonition body.

```python
print("hi")
```

"Quotes" -- dashes --- and ellipsis...

## Custom {#my-id}

Text with a note[^n] &nbsp; and <br> raw HTML.

[^n]: The note.
"""
    book, diagnostics = make_book(tmp_path, {"f.md": text})
    html = book.articles[0].html
    root = parse(html)
    tags = {el.tag.split("}")[1] for el in root.iter() if isinstance(el.tag, str)}
    assert {"table", "thead", "dl", "dt", "dd", "pre", "code", "sup", "ol", "h2"} <= tags
    assert "\u2611" in html and "\u25fb" in html  # task list boxes as static text
    assert "\u201cQuotes\u201d" in html and "\u2013" in html and "\u2014" in html and "\u2026" in html
    assert 'id="f--my-id"' in html
    assert 'class="admonition note"' in html
    assert 'class="highlight"' in html
    assert 'class="noteref"' in html and 'class="footnotes"' in html
    assert "&nbsp;" not in html
    assert diagnostics.warnings == []


def test_hostile_html_is_removed(tmp_path):
    text = (
        '# H\n\n<script>alert(1)</script>\n\n<p onclick="x()">click</p>\n\n'
        '<a href="javascript:alert(1)">js</a> <iframe src="https://evil.example"></iframe>\n\n'
        '<form action="/x"><input type="text" name="q"><button>Go</button></form>\n'
    )
    book, _ = make_book(tmp_path, {"h.md": text})
    html = book.articles[0].html
    parse(html)
    for bad in ("script", "alert", "onclick", "javascript", "iframe", "evil.example", "<form", "<input", "<button"):
        assert bad not in html, bad
    assert "click" in html and "Go" in html


def test_ids_are_unique_across_the_book(tmp_path):
    book, _ = make_book(tmp_path, {"a.md": "# A\n\n## Same\n\n## Same\n", "b.md": "# B\n\n## Same\n"})
    ids = [i for a in book.articles for i in a.ids]
    assert len(ids) == len(set(ids))


DEFINITIONS = """# Steps

Step 7
: Commit your changes.

  - stage the files
  - write the message

  ```sh
  git commit
  ```

Four spaces
:   Python-Markdown's own way.

    Still the definition.

After the list.

```text
Term in code
: stays as written

  indented code line
```
"""


def test_blocks_under_a_definition_at_its_content_column_stay_in_it(tmp_path):
    """Hugo and CommonMark continue a definition at ': '’s content column (two spaces): the blocks stay in the <dd>."""
    book, _ = make_book(tmp_path, {"a.md": DEFINITIONS})
    root = parse(article(book, "a.md").html)
    ns = {"h": "http://www.w3.org/1999/xhtml"}
    first, second = root.findall(".//h:dd", ns)
    assert [li.text for li in first.findall("h:ul/h:li", ns)] == ["stage the files", "write the message"]
    assert "git commit" in "".join(first.find(".//h:pre", ns).itertext())
    assert [p.text for p in second.findall("h:p", ns)] == ["Python-Markdown\u2019s own way.", "Still the definition."]
    after = root.find("h:dl", ns).getnext()
    assert after.tag.endswith("p") and after.text == "After the list."
    code = "".join(root.findall(".//h:pre", ns)[-1].itertext())
    assert code == "Term in code\n: stays as written\n\n  indented code line\n"


def test_no_space_is_left_before_a_line_break_where_a_comment_was(tmp_path):
    """' \\n' at a line break in a footnote made WeasyPrint 70 assert; a removed comment leaves one behind."""
    book, _ = make_book(
        tmp_path, {"a.md": "# A\n\nText.[^1]\n\n[^1]: Before <!-- gone -->\n    after, and <!-- x --> on.\n"}
    )
    html = book.articles[0].html
    assert "Before\nafter" in html and " \n" not in html


def test_a_link_left_with_only_an_omitted_image_is_named_by_the_image_file(tmp_path):
    """A screen reader must find words in every link (Ace: link-name), even when its image could not be kept."""
    text = "[![](https://example.org/pics/badge-status.svg)](https://example.org/)\n\n[![](gone/diagram.png)](a.md)\n"
    book, _ = make_book(tmp_path, {"a.md": text})
    html = article(book, "a.md").html
    assert html.count('<span class="image-omitted">[badge-status]</span>') == 1
    assert '<span class="image-omitted">[diagram]</span>' in html
